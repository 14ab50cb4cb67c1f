//! Statements and exports: what the app and the command line save and print.
//!
//! Everything here works over the open local store ([`cfp_store::Store`]), the council profile
//! and a production date passed in by the caller, and hands back views or bytes:
//!
//! - [`period_of`]: a [`PeriodChoice`] from the UI or the command line as a statements
//!   [`Period`] (tax year 6 April to 5 April, calendar year, or an inclusive range).
//! - [`statement_preview`]: the in-app preview of a statement (the accessible form of it), with
//!   exactly the numbers the PDF prints: both come from `cfp-statements`' [`KindTotals`].
//! - [`statement_file`] and [`document_file`]: the PDF or CSV bytes, with a file name to
//!   suggest that holds no personal data ("statement-2025-26.pdf", "remittance-RA-000123.pdf").
//!   Any one document can be exported: a remittance advice, a Deferred Payment statement or a
//!   financial assessment result.
//! - [`write_atomically`]: a file written next to its target and renamed into place, so a
//!   failure never leaves half a statement behind.
//! - [`print_pdf`]: the operating system's printing, with no temporary file on Linux and macOS
//!   (see the `printing` module).
//!
//! Errors are [`IpcError`]s with plain-English messages that never name a person, a client ID,
//! an amount or a path.

mod one_document;
mod printing;
#[cfg(test)]
mod tests;

use std::io::Write;
use std::path::Path;

use cfp_domain::{ClientId, DocumentKind, LineKind, Money, RemittanceAdvice};
use cfp_statements::{KindTotals, Period, PersonRecords, StatementContext, StatementError};
use cfp_store::{
    DocumentContent, DocumentFilter, DocumentId, DocumentSummary, PersonId, Store, StoreError,
    StoredPerson,
};
use time::Date;

use one_document::Exportable;

use crate::{
    CouncilProfile, DocumentExportRequest, DocumentSummaryView, ErrorCode, ExportFormat, IpcError,
    KindTotalView, PeriodChoice, StatementPaymentView, StatementPreview, StatementRequest,
};

pub use one_document::{ADVICE_PRINT_TITLE, ASSESSMENT_PRINT_TITLE, DEFERRED_PAYMENT_PRINT_TITLE};
pub use printing::{print_pdf, PrintQueue};
/// The date type the production date is given in (so callers need not name the `time` crate).
pub use time;

/// A file ready to save or print.
#[derive(Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// What to suggest in the Save dialog: never a name, client ID or amount.
    pub file_name: String,
    pub format: ExportFormat,
    pub bytes: Vec<u8>,
    /// The print job's title, as the printer queue shows it to anyone who looks: the kind of
    /// document only ("Remittance advice"), never whose it is.
    pub print_title: &'static str,
}

impl std::fmt::Debug for ExportFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The bytes are a person's statement: leave them out.
        f.debug_struct("ExportFile")
            .field("file_name", &self.file_name)
            .field("format", &self.format)
            .field("len", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

/// The job title of a printed statement for one person.
pub const STATEMENT_PRINT_TITLE: &str = "Direct Payment statement";
/// The job title of a printed summary across everyone.
pub const SUMMARY_PRINT_TITLE: &str = "Summary of Direct Payments";

/// The message when saving is refused by the machine policy (kiosk).
pub const SAVING_NOT_ALLOWED: &str =
    "Saving files is turned off on this computer. You can print instead, or ask the person who \
     looks after this computer.";

/// Refuses a save when the machine policy does not allow files to be saved (kiosk mode).
pub fn check_saving_allowed(can_save_files: bool) -> Result<(), IpcError> {
    if can_save_files {
        Ok(())
    } else {
        Err(IpcError::new(ErrorCode::Unavailable, SAVING_NOT_ALLOWED))
    }
}

// ---------------------------------------------------------------------------------------------
// Periods
// ---------------------------------------------------------------------------------------------

/// The statements [`Period`] a choice means. Tax years run from 6 April to 5 April; ranges
/// include both ends and are given as ISO dates ("2026-03-01").
pub fn period_of(choice: &PeriodChoice) -> Result<Period, IpcError> {
    let period = match choice {
        PeriodChoice::TaxYear { start_year } => Period::tax_year(*start_year),
        PeriodChoice::CalendarYear { year } => Period::calendar_year(*year),
        PeriodChoice::Range { from, to } => {
            let from = parse_day(from, "start")?;
            let to = parse_day(to, "end")?;
            for day in [from, to] {
                if !(1900..=9998).contains(&day.year()) {
                    return Err(statement_error(StatementError::YearOutOfRange));
                }
            }
            Period::range(from, to)
        }
    };
    period.map_err(statement_error)
}

/// A day written as ISO 8601 ("2026-03-01").
pub fn parse_day(text: &str, which: &str) -> Result<Date, IpcError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), &format).map_err(|_| {
        IpcError::new(
            ErrorCode::InvalidInput,
            format!(
                "The {which} date must be a real date written as year-month-day, for example \
                 2026-03-01."
            ),
        )
    })
}

/// "2025-26", "2025" or "2026-03-01-to-2026-05-31": the period's part of a file name.
fn period_slug(choice: &PeriodChoice, period: &Period) -> String {
    match choice {
        PeriodChoice::TaxYear { start_year } => {
            format!("{start_year}-{:02}", (start_year + 1).rem_euclid(100))
        }
        PeriodChoice::CalendarYear { year } => year.to_string(),
        PeriodChoice::Range { .. } => format!("{}-to-{}", iso(period.from()), iso(period.to())),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading a person's advices from the store
// ---------------------------------------------------------------------------------------------

/// One person's remittance advices, as the statements need them.
struct Loaded {
    name: String,
    client_id: ClientId,
    /// Each advice with its row in the store (for the preview's list).
    advices: Vec<(DocumentSummary, RemittanceAdvice)>,
}

impl Loaded {
    fn advices(&self) -> Vec<RemittanceAdvice> {
        self.advices.iter().map(|(_, a)| a.clone()).collect()
    }
}

/// "Margaret Okafor".
pub fn person_name(person: &StoredPerson) -> String {
    format!(
        "{} {}",
        person.access.given_name.trim(),
        person.access.family_name.trim()
    )
    .trim()
    .to_string()
}

async fn find_person(store: &Store, person_id: &str) -> Result<StoredPerson, IpcError> {
    store
        .person(&PersonId(person_id.to_string()))
        .await
        .map_err(store_error)?
        .ok_or_else(unknown_person)
}

/// The person's remittance advices paid within the period (by payment date, as the statements
/// count them), oldest first.
async fn load(store: &Store, person: &StoredPerson, period: &Period) -> Result<Loaded, IpcError> {
    let filter = DocumentFilter {
        kind: Some(DocumentKind::RemittanceAdvice),
        from: Some(period.from()),
        to: Some(period.to()),
    };
    let person_id = &person.access.person_id;
    let mut summaries = store
        .list_documents(person_id, &filter)
        .await
        .map_err(store_error)?;
    summaries.sort_by(|a, b| {
        (a.payment_date, &a.reference, &a.document_id).cmp(&(
            b.payment_date,
            &b.reference,
            &b.document_id,
        ))
    });
    let mut advices = Vec::with_capacity(summaries.len());
    for summary in summaries {
        let document = store
            .get_document(person_id, &summary.document_id)
            .await
            .map_err(store_error)?
            .ok_or_else(|| {
                // Removed by a sync between listing and reading: the statement would be wrong.
                IpcError::new(
                    ErrorCode::Internal,
                    "The documents changed while the statement was being made. Please try again.",
                )
            })?;
        if let DocumentContent::Remittance(advice) = document.content {
            advices.push((summary, advice));
        }
    }
    Ok(Loaded {
        name: person_name(person),
        client_id: person.access.client_id,
        advices,
    })
}

/// Whose statement: one person, or everyone the user acts for (a summary).
async fn load_request(
    store: &Store,
    person_id: Option<&str>,
    period: &Period,
) -> Result<Vec<Loaded>, IpcError> {
    match person_id {
        Some(id) => {
            let person = find_person(store, id).await?;
            Ok(vec![load(store, &person, period).await?])
        }
        None => {
            let people = store.people().await.map_err(store_error)?;
            if people.is_empty() {
                return Err(IpcError::new(
                    ErrorCode::NotFound,
                    "There is nobody's information on this computer yet. Sync, then try again.",
                ));
            }
            let mut loaded = Vec::with_capacity(people.len());
            for person in &people {
                loaded.push(load(store, person, period).await?);
            }
            Ok(loaded)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Preview
// ---------------------------------------------------------------------------------------------

/// What the statement will contain, for the app to show before saving or printing. The totals
/// are the statements crate's own [`KindTotals`], so they are the numbers the PDF prints.
pub async fn statement_preview(
    store: &Store,
    request: &StatementRequest,
) -> Result<StatementPreview, IpcError> {
    let period = period_of(&request.period)?;
    let people = load_request(store, request.person_id.as_deref(), &period).await?;

    let mut totals = KindTotals::default();
    let mut payments: Vec<(&str, &DocumentSummary)> = Vec::new();
    for person in &people {
        totals.add(&KindTotals::of(person.advices.iter().map(|(_, a)| a)));
        payments.extend(
            person
                .advices
                .iter()
                .map(|(summary, _)| (person.name.as_str(), summary)),
        );
    }
    // Oldest first, as the statement lists them (a summary lists everyone's together).
    payments.sort_by(|(_, a), (_, b)| {
        (a.payment_date, &a.reference, &a.document_id).cmp(&(
            b.payment_date,
            &b.reference,
            &b.document_id,
        ))
    });
    let one_person = request.person_id.is_some();

    let when = lower_first(&period.label());
    let title = match (one_person, people.as_slice()) {
        (true, [person]) => format!("Statement for {}, {when}", person.name),
        _ => format!(
            "Summary of Direct Payments for {}, {when}",
            people_words(people.len())
        ),
    };
    Ok(StatementPreview {
        title,
        period_label: period.dates(),
        payments: payments
            .into_iter()
            .map(|(name, summary)| StatementPaymentView {
                person_name: (!one_person).then(|| name.to_string()),
                payment: summary_view(summary),
            })
            .collect(),
        totals_by_kind: totals
            .rows()
            .map(|(kind, amount)| KindTotalView {
                label: kind.label().to_string(),
                amount,
            })
            .collect(),
        net_received: totals.net(),
        suggested_file_name: statement_file_name(request, &period),
    })
}

/// The total of one kind in a preview, by the kind's label (for tests and the command line).
pub fn preview_total(preview: &StatementPreview, kind: LineKind) -> Option<Money> {
    preview
        .totals_by_kind
        .iter()
        .find(|t| t.label == kind.label())
        .map(|t| t.amount)
}

fn summary_view(summary: &DocumentSummary) -> DocumentSummaryView {
    DocumentSummaryView {
        document_id: summary.document_id.as_str().to_string(),
        kind: summary.kind,
        kind_label: summary.kind.label().to_string(),
        reference: summary.reference.clone(),
        date: iso(summary.payment_date),
        period_from: summary.period_from.map(iso),
        period_to: summary.period_to.map(iso),
        net: summary.net,
    }
}

fn people_words(count: usize) -> String {
    match count {
        1 => "1 person".to_string(),
        n => format!("{n} people"),
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

/// "statement-2025-26.pdf" for one person, "summary-2025-26.csv" across everyone.
pub fn statement_file_name(request: &StatementRequest, period: &Period) -> String {
    let stem = if request.person_id.is_some() {
        "statement"
    } else {
        "summary"
    };
    format!(
        "{stem}-{}.{}",
        period_slug(&request.period, period),
        extension(request.format)
    )
}

/// The bytes of a statement as PDF or CSV. `produced_on` is printed on the PDF ("Produced on").
///
/// A summary CSV is every person's period CSV under one header row (each row carries its
/// client ID and name, so a spreadsheet can sort or filter by person).
pub async fn statement_file(
    store: &Store,
    profile: &CouncilProfile,
    request: &StatementRequest,
    produced_on: Date,
) -> Result<ExportFile, IpcError> {
    let period = period_of(&request.period)?;
    let people = load_request(store, request.person_id.as_deref(), &period).await?;
    let advices: Vec<Vec<RemittanceAdvice>> = people.iter().map(Loaded::advices).collect();
    let records: Vec<PersonRecords<'_>> = people
        .iter()
        .zip(&advices)
        .map(|(person, advices)| PersonRecords {
            client_name: &person.name,
            client_id: person.client_id,
            advices,
        })
        .collect();
    let context = context(profile, produced_on);
    let one_person = request.person_id.is_some();
    let bytes = match (request.format, one_person) {
        (ExportFormat::Pdf, true) => {
            cfp_statements::period_statement_pdf(&records[0], &period, &context)
        }
        (ExportFormat::Pdf, false) => {
            cfp_statements::summary_statement_pdf(&records, &period, &context)
        }
        (ExportFormat::Csv, _) => joined_csv(&records, &period).map(String::into_bytes),
    }
    .map_err(statement_error)?;
    Ok(ExportFile {
        file_name: statement_file_name(request, &period),
        format: request.format,
        bytes,
        print_title: if one_person {
            STATEMENT_PRINT_TITLE
        } else {
            SUMMARY_PRINT_TITLE
        },
    })
}

/// Every person's period CSV under the first one's header row.
fn joined_csv(records: &[PersonRecords<'_>], period: &Period) -> Result<String, StatementError> {
    let mut out = String::new();
    for (index, person) in records.iter().enumerate() {
        let csv = cfp_statements::period_csv(person, period)?;
        if index == 0 {
            out.push_str(&csv);
        } else {
            // The byte-order mark and the header row end at the first CRLF (no header holds a
            // line break); the rows after it are this person's.
            let (_, rows) = csv.split_once("\r\n").unwrap_or(("", ""));
            out.push_str(rows);
        }
    }
    Ok(out)
}

/// One document, of any kind, as PDF or CSV.
pub async fn document_file(
    store: &Store,
    profile: &CouncilProfile,
    request: &DocumentExportRequest,
    produced_on: Date,
) -> Result<ExportFile, IpcError> {
    let person = find_person(store, &request.person_id).await?;
    let document = store
        .get_document(
            &person.access.person_id,
            &DocumentId(request.document_id.clone()),
        )
        .await
        .map_err(store_error)?
        .ok_or_else(|| {
            IpcError::new(
                ErrorCode::NotFound,
                "That document is not on this computer. Sync, then try again.",
            )
        })?;
    let exportable = Exportable::of(&document.content, document.summary.kind)?;
    let bytes = exportable
        .bytes(request.format, &context(profile, produced_on))
        .map_err(statement_error)?;
    Ok(ExportFile {
        file_name: format!(
            "{}-{}.{}",
            exportable.file_stem(),
            document_label(&document.summary, exportable.client_id()),
            extension(request.format)
        ),
        format: request.format,
        bytes,
        print_title: exportable.print_title(),
    })
}

/// The document's part of a file name: its reference, unless the reference holds the person's
/// client ID (some councils build references from it); then the date it is listed under.
fn document_label(summary: &DocumentSummary, client_id: ClientId) -> String {
    match summary.reference.as_deref() {
        Some(reference) if !reference.contains(&client_id.to_string()) => file_name_safe(reference),
        _ => iso(summary.payment_date),
    }
}

fn context(profile: &CouncilProfile, produced_on: Date) -> StatementContext {
    StatementContext {
        council_name: profile.council_name.clone(),
        contact_email: profile.contact_email.clone(),
        contact_phone: profile.contact_phone.clone(),
        produced_on,
    }
}

pub fn extension(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Pdf => "pdf",
        ExportFormat::Csv => "csv",
    }
}

/// A reference as a file name part: letters, digits, '-' and '_' only, at most 40 characters.
fn file_name_safe(text: &str) -> String {
    let safe: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(40)
        .collect();
    let safe = safe.trim_matches('-').to_string();
    if safe.is_empty() {
        "document".to_string()
    } else {
        safe
    }
}

/// Writes the file all at once: the bytes go to a temporary file in the same folder, which is
/// flushed to disk and then renamed over `path`. A failure leaves nothing behind (the temporary
/// file is removed) and an existing file at `path` untouched.
///
/// On Linux and macOS the file is readable by its owner only (it holds a person's finances).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), IpcError> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let failed = |e: std::io::Error| {
        IpcError::new(
            ErrorCode::InvalidInput,
            format!(
                "The file could not be saved there ({}). Choose another folder and try again.",
                io_reason(e.kind())
            ),
        )
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".cfp-saving-")
        .suffix(".part")
        .tempfile_in(folder)
        .map_err(failed)?;
    temp.write_all(bytes).map_err(failed)?;
    temp.as_file().sync_all().map_err(failed)?;
    temp.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}

fn io_reason(kind: std::io::ErrorKind) -> &'static str {
    use std::io::ErrorKind::*;
    match kind {
        NotFound => "the folder does not exist",
        PermissionDenied => "you are not allowed to save in that folder",
        StorageFull => "the disk is full",
        ReadOnlyFilesystem => "that disk cannot be written to",
        IsADirectory => "a folder has that name",
        _ => "the computer refused to write it",
    }
}

// ---------------------------------------------------------------------------------------------
// Errors and small helpers
// ---------------------------------------------------------------------------------------------

fn unknown_person() -> IpcError {
    IpcError::new(
        ErrorCode::NotFound,
        "That person is not one of the people you can see on this computer. Sync, then try \
         again.",
    )
}

fn store_error(error: StoreError) -> IpcError {
    let code = match error {
        StoreError::Closed | StoreError::PassphraseNeeded => ErrorCode::StoreLocked,
        _ => ErrorCode::Internal,
    };
    // The store's messages are plain English and never hold personal data.
    IpcError::new(code, error.to_string())
}

fn statement_error(error: StatementError) -> IpcError {
    match error {
        StatementError::PeriodBackwards | StatementError::YearOutOfRange => {
            IpcError::new(ErrorCode::InvalidInput, error.to_string())
        }
        StatementError::NoPeople => IpcError::new(ErrorCode::NotFound, error.to_string()),
        // Cannot happen for documents read by person, but would mean a mixed-up store.
        StatementError::AdviceForAnotherPerson { .. } => IpcError::new(
            ErrorCode::Internal,
            "A payment kept on this computer is filed under the wrong person, so the statement \
             was not made. Sync, then try again.",
        ),
    }
}

/// "2026-02-27".
fn iso(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}
