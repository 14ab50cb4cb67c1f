//! `statement`, `export` and `print`: the statements and exports of the desktop app, on the
//! command line. Everything is made by `cfp_core::exports` over the portal's open store, exactly
//! as the app's Save as... and Print do, so the files and the printed pages are the same bytes.
//!
//! The machine policy applies as in the app: when it turns saving off (kiosk), writing a file
//! is refused with exit code 6 and printing still works.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cfp_core::exports::{self, time::Date, ExportFile, PrintQueue};
use cfp_core::{
    DocumentExportRequest, DocumentSummaryView, ErrorCode, ExportFormat, PeriodChoice,
    StatementPreview, StatementRequest,
};
use cfp_portal::Portal;
use clap::{Args, ValueEnum};

use crate::{find_person, Failure};

/// The exit code when the computer's policy does not allow saving files (kiosk).
pub const SAVING_REFUSED: u8 = 6;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Pdf,
    Csv,
}

impl From<Format> for ExportFormat {
    fn from(format: Format) -> Self {
        match format {
            Format::Pdf => ExportFormat::Pdf,
            Format::Csv => ExportFormat::Csv,
        }
    }
}

/// Whose statement: one person, or a summary across everyone.
#[derive(Debug, Args)]
pub struct Whose {
    /// One person: their id (from `people`) or their name.
    #[arg(long, value_name = "ID|NAME", conflicts_with = "everyone")]
    person: Option<String>,
    /// A summary across everyone whose documents you can see.
    #[arg(long)]
    everyone: bool,
}

/// Which payments (by payment date).
#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// The tax year starting 6 April of YEAR (2025 is 6 April 2025 to 5 April 2026).
    #[arg(long, value_name = "YEAR", conflicts_with_all = ["year", "from", "to"])]
    tax_year: Option<String>,
    /// The calendar year YEAR (1 January to 31 December).
    #[arg(long, value_name = "YEAR", conflicts_with_all = ["from", "to"])]
    year: Option<String>,
    /// The first day of a range, like 2025-04-06 (use with --to).
    #[arg(long, value_name = "YYYY-MM-DD")]
    from: Option<String>,
    /// The last day of a range, like 2026-04-05 (use with --from).
    #[arg(long, value_name = "YYYY-MM-DD")]
    to: Option<String>,
}

#[derive(Debug, Args)]
pub struct StatementArgs {
    #[command(flatten)]
    whose: Whose,
    #[command(flatten)]
    period: PeriodArgs,
    /// The file's format.
    #[arg(long, value_enum, default_value = "pdf")]
    format: Format,
    /// Save the statement to FILE. Without it, a summary of the statement is shown.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace FILE if it already exists.
    #[arg(long, requires = "output")]
    force: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The document's id or reference (from `documents`).
    #[arg(value_name = "DOCUMENT", allow_hyphen_values = true)]
    document: String,
    /// The file's format.
    #[arg(long, value_enum, default_value = "pdf")]
    format: Format,
    /// Where to save it.
    #[arg(long, value_name = "FILE")]
    output: PathBuf,
    /// Replace FILE if it already exists.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
pub struct PrintArgs {
    /// The document's id or reference (from `documents`). Leave it out to print a statement
    /// (give --person or --everyone and the period).
    #[arg(
        value_name = "DOCUMENT",
        allow_hyphen_values = true,
        conflicts_with_all = ["person", "everyone", "tax_year", "year", "from", "to"]
    )]
    document: Option<String>,
    #[command(flatten)]
    whose: Whose,
    #[command(flatten)]
    period: PeriodArgs,
    /// The printer (a print queue's name) [default: the computer's default printer].
    #[arg(long, value_name = "NAME")]
    printer: Option<String>,
}

/// `statement`: a summary of the preview, or the file saved to `--output`.
pub async fn statement(portal: &Portal, args: StatementArgs) -> Result<String, Failure> {
    // Before anything is read: a kiosk refuses at once, whoever is signed in.
    if let Some(output) = &args.output {
        check_can_save(portal, output, args.force)?;
    }
    // The flags first, so a mistake in them is reported whether or not anyone is signed in.
    let period = period_choice(&args.period)?;
    let request = StatementRequest {
        person_id: whose(portal, &args.whose).await?,
        period,
        format: args.format.into(),
    };
    let Some(output) = args.output else {
        let store = portal.store().await?;
        let preview = exports::statement_preview(&store, &request).await?;
        return Ok(summary(&preview));
    };
    let store = portal.store().await?;
    let file = exports::statement_file(&store, portal.profile(), &request, today()).await?;
    save(file, &output).await
}

/// `export`: one document saved as PDF or CSV.
pub async fn export(portal: &Portal, args: ExportArgs) -> Result<String, Failure> {
    check_can_save(portal, &args.output, args.force)?;
    let (person_id, document) = find_document(portal, &args.document).await?;
    let request = DocumentExportRequest {
        person_id,
        document_id: document.document_id,
        format: args.format.into(),
    };
    let store = portal.store().await?;
    let file = exports::document_file(&store, portal.profile(), &request, today()).await?;
    save(file, &args.output).await
}

/// `print`: a document or a statement, as PDF, to the printer. Allowed under every policy.
pub async fn print(portal: &Portal, args: PrintArgs) -> Result<String, Failure> {
    if args.document.is_none() && args.whose.person.is_none() && !args.whose.everyone {
        return Err(usage(
            "Say what to print: a document's id or reference (from `documents`), or a \
             statement with --person or --everyone and its period.",
        ));
    }
    let file = match &args.document {
        Some(wanted) => {
            let (person_id, document) = find_document(portal, wanted).await?;
            let request = DocumentExportRequest {
                person_id,
                document_id: document.document_id,
                format: ExportFormat::Pdf,
            };
            let store = portal.store().await?;
            exports::document_file(&store, portal.profile(), &request, today()).await?
        }
        None => {
            let period = period_choice(&args.period)?;
            let request = StatementRequest {
                person_id: whose(portal, &args.whose).await?,
                period,
                format: ExportFormat::Pdf,
            };
            let store = portal.store().await?;
            exports::statement_file(&store, portal.profile(), &request, today()).await?
        }
    };
    let queue = PrintQueue {
        destination: args.printer,
    };
    // `lp` is a blocking child process: keep it off the async workers.
    tokio::task::spawn_blocking(move || exports::print_pdf(&file.bytes, file.print_title, &queue))
        .await
        .map_err(|_| went_wrong())??;
    Ok("Sent to the printer.\n".to_string())
}

/// The person's id, or `None` for everyone.
async fn whose(portal: &Portal, whose: &Whose) -> Result<Option<String>, Failure> {
    match (&whose.person, whose.everyone) {
        (Some(name), _) => Ok(Some(find_person(portal, name).await?.person_id)),
        (None, true) => Ok(None),
        (None, false) => Err(usage(
            "Say whose statement it is: --person with a name or id from `people`, or --everyone.",
        )),
    }
}

/// The period the flags name. Dates are checked here, so the message can name the flag; the
/// core checks the rest (years in range, a range that does not run backwards).
fn period_choice(args: &PeriodArgs) -> Result<PeriodChoice, Failure> {
    if let Some(year) = &args.tax_year {
        return Ok(PeriodChoice::TaxYear {
            start_year: parse_year(year, "--tax-year")?,
        });
    }
    if let Some(year) = &args.year {
        return Ok(PeriodChoice::CalendarYear {
            year: parse_year(year, "--year")?,
        });
    }
    match (&args.from, &args.to) {
        (Some(from), Some(to)) => {
            let from = parse_date(from, "--from")?;
            let to = parse_date(to, "--to")?;
            Ok(PeriodChoice::Range {
                from: iso(from),
                to: iso(to),
            })
        }
        (Some(_), None) => Err(usage("--from needs --to: give the last day too.")),
        (None, Some(_)) => Err(usage("--to needs --from: give the first day too.")),
        (None, None) => Err(usage(
            "Choose the period: --tax-year 2025, --year 2025, or --from 2025-04-06 --to 2026-04-05.",
        )),
    }
}

fn parse_year(text: &str, flag: &str) -> Result<i32, Failure> {
    text.trim()
        .parse()
        .map_err(|_| usage(&format!("{flag} must be a year like 2025.")))
}

fn parse_date(text: &str, flag: &str) -> Result<Date, Failure> {
    exports::parse_day(text, flag).map_err(|_| {
        usage(&format!(
            "{flag} must be a real date written as year-month-day, like 2025-04-06."
        ))
    })
}

fn iso(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// The machine policy first (kiosk: no files at all), then the file that is already there.
fn check_can_save(portal: &Portal, output: &Path, force: bool) -> Result<(), Failure> {
    exports::check_saving_allowed(portal.can_save_files()).map_err(|e| Failure {
        code: SAVING_REFUSED,
        message: e.message,
    })?;
    // `symlink_metadata`, so a dangling link counts as being there too.
    if !force && std::fs::symlink_metadata(output).is_ok() {
        return Err(usage(
            "That file already exists, so nothing was saved. Choose another name, or add \
             --force to replace it.",
        ));
    }
    Ok(())
}

async fn save(file: ExportFile, output: &Path) -> Result<String, Failure> {
    let path = output.to_path_buf();
    let bytes = file.bytes;
    tokio::task::spawn_blocking(move || exports::write_atomically(&path, &bytes))
        .await
        .map_err(|_| went_wrong())??;
    Ok(format!("Saved to {}.\n", output.display()))
}

/// A document by its id or its reference, in any person's documents on this computer.
async fn find_document(
    portal: &Portal,
    wanted: &str,
) -> Result<(String, DocumentSummaryView), Failure> {
    let wanted = wanted.trim();
    for person in portal.people().await? {
        let list = portal
            .documents(&person.person_id, &Default::default())
            .await?;
        let found = list.documents.into_iter().find(|d| {
            d.document_id == wanted
                || d.reference
                    .as_deref()
                    .is_some_and(|r| r.eq_ignore_ascii_case(wanted))
        });
        if let Some(document) = found {
            return Ok((person.person_id, document));
        }
    }
    Err(Failure {
        code: 1,
        message: "That document is not on this computer. Run `sync`, then `documents` to see \
                  the ids and references."
            .into(),
    })
}

/// The preview as text: what it covers, the totals by kind and the net amount received.
fn summary(preview: &StatementPreview) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", preview.title);
    let _ = writeln!(out, "{}", preview.period_label);
    let _ = match preview.payments.len() {
        1 => writeln!(out, "1 payment"),
        n => writeln!(out, "{n} payments"),
    };
    out.push_str("\nTotals by kind\n");
    for total in &preview.totals_by_kind {
        let _ = writeln!(
            out,
            "  {:<28} {:>14}",
            total.label,
            total.amount.to_display_gbp()
        );
    }
    let _ = writeln!(
        out,
        "Net received                   {:>14}",
        preview.net_received.to_display_gbp()
    );
    let _ = writeln!(
        out,
        "\nTo save it, add --output FILE (for example --output {}).",
        preview.suggested_file_name
    );
    out
}

/// The date printed on a statement ("Produced on"), as the app does: UTC.
fn today() -> Date {
    exports::time::OffsetDateTime::now_utc().date()
}

fn usage(message: &str) -> Failure {
    Failure {
        code: 2,
        message: message.to_string(),
    }
}

fn went_wrong() -> Failure {
    Failure::from(cfp_core::IpcError::new(
        ErrorCode::Internal,
        "Something went wrong. Please try again.",
    ))
}
