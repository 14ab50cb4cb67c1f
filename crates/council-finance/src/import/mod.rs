//! Importing from the finance system: its CSV export ([`csv`], documented in `IMPORT.md`) and
//! its JSON push (`POST /api/v1/import/remittances`) both become a [`Batch`], which is applied in
//! one transaction: every problem is reported with where it is and why, and if there is any
//! problem nothing of the batch is stored.
//!
//! Every kind of document is handled alike: remittance advices, Deferred Payment statements and
//! financial assessment results. Re-importing the same data changes nothing. A document whose
//! reference is known but whose content differs is a correction: it replaces the old one and
//! becomes a new change.

pub mod csv;

use std::fmt;

use cfp_domain::{DeferredPaymentStatement, FinancialAssessmentResult, RemittanceAdvice};
use council_api::{ImportPerson, ImportSummary, RemittanceImport};
use sqlx::SqlitePool;
use time::OffsetDateTime;

use crate::audit::{self, Action, Actor, Entry};
use crate::records::{self, Body, Outcome, RecordError};

/// Where an item came from, for error messages: a line of a file or an item of a JSON list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Line(u64),
    Item { list: &'static str, index: usize },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(line) => write!(f, "line {line}"),
            Location::Item { list, index } => write!(f, "{list}[{index}]"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    pub at: Location,
    pub item: T,
}

/// Everything one file or one push asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    pub people: Vec<Sourced<ImportPerson>>,
    pub remittances: Vec<Sourced<RemittanceAdvice>>,
    pub deferred_payments: Vec<Sourced<DeferredPaymentStatement>>,
    pub assessments: Vec<Sourced<FinancialAssessmentResult>>,
    pub withdrawn: Vec<Sourced<String>>,
}

impl Batch {
    pub fn from_push(push: RemittanceImport) -> Self {
        Batch {
            people: sourced("people", push.people),
            remittances: sourced("remittances", push.remittances),
            deferred_payments: sourced(
                "deferredPaymentStatements",
                push.deferred_payment_statements,
            ),
            assessments: sourced("assessments", push.assessments),
            withdrawn: sourced("withdrawn", push.withdrawn),
        }
    }

    /// Every document in the batch, advices first, each with where it came from.
    fn documents(&self) -> impl Iterator<Item = (&Location, Body<'_>)> {
        let remittances = (self.remittances.iter()).map(|d| (&d.at, Body::Remittance(&d.item)));
        let deferred = (self.deferred_payments.iter()).map(|d| (&d.at, Body::Deferred(&d.item)));
        let assessments = (self.assessments.iter()).map(|d| (&d.at, Body::Assessment(&d.item)));
        remittances.chain(deferred).chain(assessments)
    }
}

fn sourced<T>(list: &'static str, items: Vec<T>) -> Vec<Sourced<T>> {
    (items.into_iter().enumerate())
        .map(|(index, item)| Sourced {
            at: Location::Item { list, index },
            item,
        })
        .collect()
}

/// One reason a batch was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub at: Location,
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.reason)
    }
}

/// At most this many problems are listed; past that the source is probably not this format.
pub const MAX_PROBLEMS: usize = 50;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{source_name} was not imported, and nothing in it was stored:\n{}", list(.problems))]
    Refused {
        source_name: String,
        problems: Vec<Problem>,
    },
    #[error("could not read {source_name}: {reason}")]
    Unreadable { source_name: String, reason: String },
    #[error("the import could not be stored")]
    Database(#[from] sqlx::Error),
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Applies the batch in one transaction. `new_id` makes opaque ids for new people and documents.
pub async fn apply(
    pool: &SqlitePool,
    source_name: &str,
    batch: &Batch,
    mut new_id: impl FnMut() -> String,
    now: OffsetDateTime,
) -> Result<ImportSummary, ImportError> {
    let mut summary = ImportSummary::default();
    let mut problems = Vec::new();
    let mut tx = records::begin_write(pool).await?;
    for person in &batch.people {
        let (_, outcome) = records::upsert_person(&mut tx, &person.item, &mut new_id, now)
            .await
            .map_err(database)?;
        match outcome {
            Outcome::Added => summary.people_added += 1,
            Outcome::Updated => summary.people_updated += 1,
            Outcome::Unchanged => {}
        }
    }
    for (at, body) in batch.documents() {
        let client_id = body.client_id();
        let Some(person) = records::person_by_client_id(&mut tx, &client_id)
            .await
            .map_err(database)?
        else {
            problems.push(Problem {
                at: at.clone(),
                reason: format!(
                    "client {client_id} is not in the council's records or in this import. Add a PERSON row for them."
                ),
            });
            continue;
        };
        match records::publish(&mut tx, &person.person_id, body, &mut new_id, now).await {
            Ok(Outcome::Added) => summary.documents_added += 1,
            Ok(Outcome::Updated) => summary.documents_corrected += 1,
            Ok(Outcome::Unchanged) => summary.documents_unchanged += 1,
            Err(
                error @ (RecordError::ReferenceBelongsToAnotherPerson { .. }
                | RecordError::ReferenceIsAnotherKind { .. }),
            ) => problems.push(Problem {
                at: at.clone(),
                reason: error.to_string(),
            }),
            Err(error) => return Err(database(error)),
        }
    }
    for reference in &batch.withdrawn {
        match records::withdraw(&mut tx, &reference.item).await {
            Ok(true) => summary.documents_withdrawn += 1,
            Ok(false) => {}
            Err(error @ RecordError::UnknownReference(_)) => problems.push(Problem {
                at: reference.at.clone(),
                reason: error.to_string(),
            }),
            Err(error) => return Err(database(error)),
        }
    }
    if !problems.is_empty() {
        problems.truncate(MAX_PROBLEMS);
        tx.rollback().await?;
        return Err(ImportError::Refused {
            source_name: source_name.to_owned(),
            problems,
        });
    }
    if summary.changed_anything() {
        audit::record(
            &mut tx,
            &new_id(),
            now,
            Entry {
                actor: Actor::FinanceSystem,
                action: Action::Imported,
                person_id: None,
                request_id: None,
                detail: Some(format!(
                    "{} people added, {} updated; {} documents added, {} corrected, {} withdrawn",
                    summary.people_added,
                    summary.people_updated,
                    summary.documents_added,
                    summary.documents_corrected,
                    summary.documents_withdrawn
                )),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(summary)
}

fn database(error: RecordError) -> ImportError {
    match error {
        RecordError::Database(error) => ImportError::Database(error),
        // Only reads of already stored rows can be damaged; treat it like a storage failure.
        _ => ImportError::Database(sqlx::Error::Protocol("a stored record is damaged".into())),
    }
}

/// Imports one CSV file in one transaction (`council-service import FILE...` calls this per file).
pub async fn import_csv_file(
    pool: &SqlitePool,
    path: &std::path::Path,
    new_id: impl FnMut() -> String,
    now: OffsetDateTime,
) -> Result<ImportSummary, ImportError> {
    let source_name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|error| ImportError::Unreadable {
        source_name: source_name.clone(),
        reason: error.to_string(),
    })?;
    import_csv(pool, &source_name, &bytes, new_id, now).await
}

/// Imports CSV text already read (named `source_name` in messages).
pub async fn import_csv(
    pool: &SqlitePool,
    source_name: &str,
    bytes: &[u8],
    new_id: impl FnMut() -> String,
    now: OffsetDateTime,
) -> Result<ImportSummary, ImportError> {
    let batch = csv::parse(bytes).map_err(|problems| ImportError::Refused {
        source_name: source_name.to_owned(),
        problems,
    })?;
    apply(pool, source_name, &batch, new_id, now).await
}
