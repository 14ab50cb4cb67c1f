//! People and their published documents, change numbers, and the change feed.
//!
//! Every write that changes what a client would see takes the next change number from one
//! counter row, inside the writer's transaction, and stamps it on the document. A person's feed
//! is their documents ordered by change number: a client that remembers the last number it saw
//! gets exactly what changed since, each document once, in its latest state (withdrawn documents
//! stay as tombstones so the client learns to delete them).

mod bodies;

pub use bodies::Body;

use cfp_domain::{
    ClientId, DeferredPaymentStatement, DocumentKind, FinancialAssessmentResult, LineKind, Money,
    Postcode, RemittanceAdvice, RemittanceHeader, RemittanceLine,
};
use council_api::{Document, DocumentChange, ImportPerson};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use time::{Date, OffsetDateTime};

/// Dates are stored as ISO text (`2026-03-01`), which sorts and reads the same in any database.
const ISO_DATE: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("Document {reference} already belongs to another client, so it cannot be moved to client {client_id}.")]
    ReferenceBelongsToAnotherPerson {
        reference: String,
        client_id: String,
    },
    #[error("There is no published document with reference {0} to withdraw.")]
    UnknownReference(String),
    #[error("Reference {reference} is already a {stored}, so it cannot be used for a {new}.")]
    ReferenceIsAnotherKind {
        reference: String,
        stored: &'static str,
        new: &'static str,
    },
    /// Stored data that no longer passes the domain's checks: a bug or damage, never shown as is.
    #[error("a stored record could not be read")]
    Damaged,
}

pub fn format_date(date: Date) -> String {
    date.format(ISO_DATE).expect("ISO dates always format")
}

pub fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text.trim(), ISO_DATE).ok()
}

fn timestamp(seconds: i64) -> Result<OffsetDateTime, RecordError> {
    OffsetDateTime::from_unix_timestamp(seconds).map_err(|_| RecordError::Damaged)
}

pub fn line_kind_from_code(code: &str) -> Option<LineKind> {
    LineKind::ALL.into_iter().find(|kind| kind.code() == code)
}

fn kind_to_db(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::RemittanceAdvice => "remittanceAdvice",
        DocumentKind::DeferredPaymentStatement => "deferredPaymentStatement",
        DocumentKind::FinancialAssessmentResult => "financialAssessmentResult",
    }
}

fn kind_from_db(text: &str) -> Result<DocumentKind, RecordError> {
    DocumentKind::ALL
        .into_iter()
        .find(|kind| kind_to_db(*kind) == text)
        .ok_or(RecordError::Damaged)
}

/// A person as the council holds them. `Debug` is hand-written: personal data never reaches logs.
#[derive(Clone, PartialEq, Eq)]
pub struct PersonRecord {
    pub person_id: String,
    pub client_id: ClientId,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Date,
    pub address: String,
    pub postcode: Postcode,
}

impl std::fmt::Debug for PersonRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonRecord")
            .field("person_id", &self.person_id)
            .finish_non_exhaustive()
    }
}

impl PersonRecord {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }

    fn from_row(row: &SqliteRow) -> Result<Self, RecordError> {
        let client_id: String = row.get("client_id");
        let date_of_birth: String = row.get("date_of_birth");
        let postcode: String = row.get("postcode");
        Ok(Self {
            person_id: row.get("person_id"),
            client_id: client_id.parse().map_err(|_| RecordError::Damaged)?,
            given_name: row.get("given_name"),
            family_name: row.get("family_name"),
            date_of_birth: parse_date(&date_of_birth).ok_or(RecordError::Damaged)?,
            address: row.get("address"),
            postcode: postcode.parse().map_err(|_| RecordError::Damaged)?,
        })
    }
}

const PERSON_COLUMNS: &str =
    "person_id, client_id, given_name, family_name, date_of_birth, address, postcode";

pub async fn person(
    conn: &mut SqliteConnection,
    person_id: &str,
) -> Result<Option<PersonRecord>, RecordError> {
    let row = sqlx::query(&format!(
        "SELECT {PERSON_COLUMNS} FROM finance_people WHERE person_id = ?"
    ))
    .bind(person_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(PersonRecord::from_row).transpose()
}

pub async fn person_by_client_id(
    conn: &mut SqliteConnection,
    client_id: &ClientId,
) -> Result<Option<PersonRecord>, RecordError> {
    let row = sqlx::query(&format!(
        "SELECT {PERSON_COLUMNS} FROM finance_people WHERE client_id = ?"
    ))
    .bind(client_id.as_str())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(PersonRecord::from_row).transpose()
}

/// People born on `date_of_birth`: the candidates when a requester does not know the client ID.
pub async fn people_born_on(
    conn: &mut SqliteConnection,
    date_of_birth: Date,
) -> Result<Vec<PersonRecord>, RecordError> {
    let rows = sqlx::query(&format!(
        "SELECT {PERSON_COLUMNS} FROM finance_people WHERE date_of_birth = ? ORDER BY client_id"
    ))
    .bind(format_date(date_of_birth))
    .fetch_all(conn)
    .await?;
    rows.iter().map(PersonRecord::from_row).collect()
}

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Added,
    Updated,
    Unchanged,
}

/// Adds the person, or updates their details; matched by client ID. Returns the person's id.
pub async fn upsert_person(
    conn: &mut SqliteConnection,
    person: &ImportPerson,
    new_id: impl FnOnce() -> String,
    now: OffsetDateTime,
) -> Result<(String, Outcome), RecordError> {
    let dob = format_date(person.date_of_birth);
    if let Some(existing) = person_by_client_id(conn, &person.client_id).await? {
        let same = existing.given_name == person.given_name
            && existing.family_name == person.family_name
            && existing.date_of_birth == person.date_of_birth
            && existing.address == person.address
            && existing.postcode == person.postcode;
        if same {
            return Ok((existing.person_id, Outcome::Unchanged));
        }
        sqlx::query(
            "UPDATE finance_people SET given_name = ?, family_name = ?, date_of_birth = ?, \
             address = ?, postcode = ?, updated_at = ? WHERE person_id = ?",
        )
        .bind(&person.given_name)
        .bind(&person.family_name)
        .bind(&dob)
        .bind(&person.address)
        .bind(person.postcode.as_str())
        .bind(now.unix_timestamp())
        .bind(&existing.person_id)
        .execute(conn)
        .await?;
        return Ok((existing.person_id, Outcome::Updated));
    }
    let person_id = new_id();
    sqlx::query(
        "INSERT INTO finance_people (person_id, client_id, given_name, family_name, date_of_birth, \
         address, postcode, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&person_id)
    .bind(person.client_id.as_str())
    .bind(&person.given_name)
    .bind(&person.family_name)
    .bind(&dob)
    .bind(&person.address)
    .bind(person.postcode.as_str())
    .bind(now.unix_timestamp())
    .bind(now.unix_timestamp())
    .execute(conn)
    .await?;
    Ok((person_id, Outcome::Added))
}

/// Starts a transaction that will write, taking the write lock at once. SQLite would otherwise
/// start it as a reader and refuse to upgrade it if another writer committed meanwhile ("database
/// is locked"); on PostgreSQL the same statement locks the counter row, so writers queue politely.
pub async fn begin_write(
    pool: &sqlx::SqlitePool,
) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE finance_counters SET value = value WHERE name = 'change'")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// The next change number. Must run inside the transaction that makes the change.
async fn next_change_number(conn: &mut SqliteConnection) -> Result<i64, RecordError> {
    let value: i64 = sqlx::query_scalar(
        "UPDATE finance_counters SET value = value + 1 WHERE name = 'change' RETURNING value",
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO finance_change_marks (change_number, mark) \
         VALUES (?, lower(hex(randomblob(8))))",
    )
    .bind(value)
    .execute(conn)
    .await?;
    Ok(value)
}

/// The random mark written with this change number, if this database handed it out.
pub async fn change_mark(
    conn: &mut SqliteConnection,
    change_number: i64,
) -> Result<Option<String>, RecordError> {
    Ok(
        sqlx::query_scalar("SELECT mark FROM finance_change_marks WHERE change_number = ?")
            .bind(change_number)
            .fetch_optional(conn)
            .await?,
    )
}

/// The highest change number handed out so far.
pub async fn latest_change_number(conn: &mut SqliteConnection) -> Result<i64, RecordError> {
    Ok(
        sqlx::query_scalar("SELECT value FROM finance_counters WHERE name = 'change'")
            .fetch_one(conn)
            .await?,
    )
}

/// Publishes an advice for the person, or corrects the one with the same reference.
pub async fn publish_remittance(
    conn: &mut SqliteConnection,
    person_id: &str,
    advice: &RemittanceAdvice,
    new_id: impl FnOnce() -> String,
    now: OffsetDateTime,
) -> Result<Outcome, RecordError> {
    publish(conn, person_id, Body::Remittance(advice), new_id, now).await
}

/// Publishes a document of any kind for the person, or corrects the one with the same reference
/// (its version goes up and it takes a new change number). Publishing the same content again
/// changes nothing (and takes no change number); so does nothing else.
pub async fn publish(
    conn: &mut SqliteConnection,
    person_id: &str,
    body: Body<'_>,
    new_id: impl FnOnce() -> String,
    now: OffsetDateTime,
) -> Result<Outcome, RecordError> {
    let reference = body.reference();
    let hash = council_kit::secret::sha256_base64url(&body.canonical_json());
    let existing = sqlx::query(
        "SELECT document_id, person_id, kind, content_hash, version, withdrawn \
         FROM finance_documents WHERE reference = ?",
    )
    .bind(reference)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(existing) = existing else {
        let document_id = new_id();
        let change = next_change_number(conn).await?;
        let json = document_json(&document_id, 1, now, body);
        sqlx::query(
            "INSERT INTO finance_documents (document_id, person_id, kind, reference, version, \
             published_at, content_hash, change_number, withdrawn, document_json) \
             VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?)",
        )
        .bind(&document_id)
        .bind(person_id)
        .bind(kind_to_db(body.kind()))
        .bind(reference)
        .bind(now.unix_timestamp())
        .bind(&hash)
        .bind(change)
        .bind(false)
        .bind(json)
        .execute(&mut *conn)
        .await?;
        bodies::insert(conn, &document_id, body).await?;
        return Ok(Outcome::Added);
    };
    let document_id: String = existing.get("document_id");
    let owner: String = existing.get("person_id");
    if owner != person_id {
        return Err(RecordError::ReferenceBelongsToAnotherPerson {
            reference: reference.to_owned(),
            client_id: body.client_id().to_string(),
        });
    }
    let stored_kind = kind_from_db(existing.get("kind"))?;
    if stored_kind != body.kind() {
        return Err(RecordError::ReferenceIsAnotherKind {
            reference: reference.to_owned(),
            stored: stored_kind.label(),
            new: body.kind().label(),
        });
    }
    let withdrawn: bool = existing.get("withdrawn");
    let stored_hash: String = existing.get("content_hash");
    if !withdrawn && stored_hash == hash {
        return Ok(Outcome::Unchanged);
    }
    let version: i64 = existing.get("version");
    let version = u32::try_from(version + 1).map_err(|_| RecordError::Damaged)?;
    let change = next_change_number(conn).await?;
    sqlx::query(
        "UPDATE finance_documents SET version = ?, published_at = ?, content_hash = ?, \
         change_number = ?, withdrawn = ?, document_json = ? WHERE document_id = ?",
    )
    .bind(i64::from(version))
    .bind(now.unix_timestamp())
    .bind(&hash)
    .bind(change)
    .bind(false)
    .bind(document_json(&document_id, version, now, body))
    .bind(&document_id)
    .execute(&mut *conn)
    .await?;
    bodies::delete(conn, stored_kind, &document_id).await?;
    bodies::insert(conn, &document_id, body).await?;
    Ok(Outcome::Updated)
}

/// Withdraws a published document of any kind: clients get a removal. Returns false if it was
/// already withdrawn.
pub async fn withdraw(conn: &mut SqliteConnection, reference: &str) -> Result<bool, RecordError> {
    let row = sqlx::query(
        "SELECT document_id, kind, withdrawn FROM finance_documents WHERE reference = ?",
    )
    .bind(reference)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| RecordError::UnknownReference(reference.to_owned()))?;
    if row.get::<bool, _>("withdrawn") {
        return Ok(false);
    }
    let document_id: String = row.get("document_id");
    let kind = kind_from_db(row.get("kind"))?;
    let change = next_change_number(conn).await?;
    sqlx::query(
        "UPDATE finance_documents SET withdrawn = ?, change_number = ?, document_json = NULL \
         WHERE document_id = ?",
    )
    .bind(true)
    .bind(change)
    .bind(&document_id)
    .execute(&mut *conn)
    .await?;
    // Keep nothing of a withdrawn document but its tombstone.
    bodies::delete(conn, kind, &document_id).await?;
    Ok(true)
}

/// Withdraws a published advice (see [`withdraw`], which takes any kind).
pub async fn withdraw_remittance(
    conn: &mut SqliteConnection,
    reference: &str,
) -> Result<bool, RecordError> {
    withdraw(conn, reference).await
}

/// A published document as the API sends it: the JSON of [`Document`], made once when it is
/// published and stored beside it, so serving it never joins, validates or serialises again.
fn document_json(
    document_id: &str,
    version: u32,
    published_at: OffsetDateTime,
    body: Body<'_>,
) -> String {
    // Whole seconds, as the row keeps it, so the JSON made from the row later is the same.
    let published_at = published_at.replace_nanosecond(0).unwrap_or(published_at);
    let mut document = DocumentRef {
        document_id,
        kind: body.kind(),
        version,
        published_at,
        remittance: None,
        deferred_payment: None,
        assessment: None,
    };
    match body {
        Body::Remittance(advice) => document.remittance = Some(advice),
        Body::Deferred(statement) => document.deferred_payment = Some(statement),
        Body::Assessment(result) => document.assessment = Some(result),
    }
    let json = serde_json::to_string(&document).expect("a document always serialises");
    debug_assert!(serde_json::from_str::<Document>(&json).is_ok());
    json
}

/// [`Document`] by reference (the same JSON, without cloning the body).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct DocumentRef<'a> {
    document_id: &'a str,
    kind: DocumentKind,
    version: u32,
    #[serde(with = "time::serde::rfc3339")]
    published_at: OffsetDateTime,
    #[serde(skip_serializing_if = "Option::is_none")]
    remittance: Option<&'a RemittanceAdvice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deferred_payment: Option<&'a DeferredPaymentStatement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assessment: Option<&'a FinancialAssessmentResult>,
}

/// One change in a person's feed, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredChange {
    pub document_id: String,
    /// The document's JSON (see [`Document`]); `None` when it was withdrawn.
    pub document_json: Option<String>,
}

impl StoredChange {
    /// The typed change (parses the stored JSON; the API sends the stored bytes instead).
    pub fn to_change(&self) -> Result<DocumentChange, RecordError> {
        match &self.document_json {
            None => Ok(DocumentChange::Remove {
                document_id: self.document_id.clone(),
            }),
            Some(json) => Ok(DocumentChange::Upsert {
                document: serde_json::from_str(json).map_err(|_| RecordError::Damaged)?,
            }),
        }
    }
}

/// One page of a person's feed: documents changed after `after`, oldest change first.
pub struct FeedPage {
    pub changes: Vec<StoredChange>,
    /// The change number of the last change in the page (or `after` when the page is empty).
    pub last: i64,
    pub more: bool,
}

/// One indexed read (`finance_documents_feed`) of one table: no joins, no per-document queries.
pub async fn feed_page(
    conn: &mut SqliteConnection,
    person_id: &str,
    after: i64,
    limit: u32,
) -> Result<FeedPage, RecordError> {
    let mut rows: Vec<(String, i64, bool, Option<String>)> = sqlx::query_as(
        "SELECT document_id, change_number, withdrawn, document_json FROM finance_documents \
         WHERE person_id = ? AND change_number > ? ORDER BY change_number LIMIT ?",
    )
    .bind(person_id)
    .bind(after)
    .bind(i64::from(limit) + 1)
    .fetch_all(&mut *conn)
    .await?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let last = rows.last().map_or(after, |row| row.1);
    let changes = rows
        .into_iter()
        .map(
            |(document_id, _, withdrawn, json)| match (withdrawn, json) {
                (true, _) => Ok(StoredChange {
                    document_id,
                    document_json: None,
                }),
                (false, Some(json)) => Ok(StoredChange {
                    document_id,
                    document_json: Some(json),
                }),
                (false, None) => Err(RecordError::Damaged),
            },
        )
        .collect::<Result<_, _>>()?;
    Ok(FeedPage {
        changes,
        last,
        more,
    })
}

/// One published (not withdrawn) document of the person, as its JSON.
pub async fn document_json_of(
    conn: &mut SqliteConnection,
    person_id: &str,
    document_id: &str,
) -> Result<Option<String>, RecordError> {
    let json: Option<Option<String>> = sqlx::query_scalar(
        "SELECT document_json FROM finance_documents \
         WHERE person_id = ? AND document_id = ? AND withdrawn = ?",
    )
    .bind(person_id)
    .bind(document_id)
    .bind(false)
    .fetch_optional(&mut *conn)
    .await?;
    match json {
        None => Ok(None),
        Some(Some(json)) => Ok(Some(json)),
        Some(None) => Err(RecordError::Damaged),
    }
}

/// Makes the stored JSON of documents published before it was kept (migration 2002), from their
/// rows. Runs at start; does nothing once every published document has it. Returns how many.
pub async fn fill_missing_document_json(pool: &sqlx::SqlitePool) -> Result<u64, RecordError> {
    let mut tx = pool.begin().await?;
    let rows = sqlx::query(
        "SELECT d.document_id, d.kind, d.reference, d.version, d.published_at, p.client_id, \
         r.client_name, r.payee, r.period_from, r.period_to, r.finalised_on, r.payment_date, \
         r.net_pence FROM finance_documents d JOIN finance_people p ON p.person_id = d.person_id \
         LEFT JOIN finance_remittances r ON r.document_id = d.document_id \
         WHERE d.withdrawn = ? AND d.document_json IS NULL",
    )
    .bind(false)
    .fetch_all(&mut *tx)
    .await?;
    for row in &rows {
        let document_id: String = row.get("document_id");
        if kind_from_db(row.get("kind"))? != DocumentKind::RemittanceAdvice {
            return Err(RecordError::Damaged);
        }
        let lines = sqlx::query(
            "SELECT kind, description, amount_pence, weekly_rate_pence, days, council_note \
             FROM finance_remittance_lines WHERE document_id = ? ORDER BY line_no",
        )
        .bind(&document_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(line_from_row)
        .collect::<Result<_, _>>()?;
        let advice = remittance_from_row(row, lines)?;
        let version: i64 = row.get("version");
        let version = u32::try_from(version).map_err(|_| RecordError::Damaged)?;
        let json = document_json(
            &document_id,
            version,
            timestamp(row.get("published_at"))?,
            Body::Remittance(&advice),
        );
        sqlx::query("UPDATE finance_documents SET document_json = ? WHERE document_id = ?")
            .bind(json)
            .bind(&document_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(rows.len() as u64)
}

fn line_from_row(row: &SqliteRow) -> Result<RemittanceLine, RecordError> {
    let kind: String = row.get("kind");
    let days: Option<i64> = row.get("days");
    Ok(RemittanceLine {
        kind: line_kind_from_code(&kind).ok_or(RecordError::Damaged)?,
        description: row.get("description"),
        amount: Money::from_pence(row.get("amount_pence")),
        weekly_rate: row
            .get::<Option<i64>, _>("weekly_rate_pence")
            .map(Money::from_pence),
        days: days
            .map(u32::try_from)
            .transpose()
            .map_err(|_| RecordError::Damaged)?,
        council_note: row.get("council_note"),
    })
}

fn remittance_from_row(
    row: &SqliteRow,
    lines: Vec<RemittanceLine>,
) -> Result<RemittanceAdvice, RecordError> {
    let date = |column: &str| -> Result<Date, RecordError> {
        let text: Option<String> = row.get(column);
        text.as_deref()
            .and_then(parse_date)
            .ok_or(RecordError::Damaged)
    };
    let client_id: String = row.get("client_id");
    let client_name: Option<String> = row.get("client_name");
    let payee: Option<String> = row.get("payee");
    let net: Option<i64> = row.get("net_pence");
    let header = RemittanceHeader {
        reference: row.get("reference"),
        client_id: client_id.parse().map_err(|_| RecordError::Damaged)?,
        client_name: client_name.ok_or(RecordError::Damaged)?,
        payee: payee.ok_or(RecordError::Damaged)?,
        period_from: date("period_from")?,
        period_to: date("period_to")?,
        finalised_on: date("finalised_on")?,
        payment_date: date("payment_date")?,
    };
    RemittanceAdvice::new(
        header,
        lines,
        Money::from_pence(net.ok_or(RecordError::Damaged)?),
    )
    .map_err(|_| RecordError::Damaged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    async fn database() -> sqlx::SqlitePool {
        let pool = council_kit::db::open_sqlite("sqlite::memory:")
            .await
            .unwrap();
        council_kit::db::migrate(&pool, crate::migrator())
            .await
            .unwrap();
        pool
    }

    fn person() -> ImportPerson {
        ImportPerson {
            client_id: "100234567".parse().unwrap(),
            given_name: "Margaret".into(),
            family_name: "Okafor".into(),
            date_of_birth: date!(1941 - 05 - 02),
            address: "1 High Street, Worcester".into(),
            postcode: "WR1 1AA".parse().unwrap(),
        }
    }

    #[tokio::test]
    async fn the_feed_serves_each_document_as_stored_and_older_rows_get_their_json_at_start() {
        let pool = database().await;
        let now = datetime!(2026-03-01 09:30:05.123456 UTC);
        let mut tx = begin_write(&pool).await.unwrap();
        let (person_id, _) = upsert_person(&mut tx, &person(), || "p1".into(), now)
            .await
            .unwrap();
        let advices = crate::demo::bulk_advices(&person(), 3);
        for (n, advice) in advices.iter().enumerate() {
            publish_remittance(&mut tx, &person_id, advice, || format!("d{n}"), now)
                .await
                .unwrap();
        }
        withdraw_remittance(&mut tx, &advices[1].header().reference)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut conn = pool.acquire().await.unwrap();
        let page = feed_page(&mut conn, &person_id, 0, 2).await.unwrap();
        assert!(page.more);
        let ids: Vec<_> = page
            .changes
            .iter()
            .map(|c| c.document_id.as_str())
            .collect();
        assert_eq!(ids, ["d0", "d2"], "oldest change first; d1 changed last");
        let rest = feed_page(&mut conn, &person_id, page.last, 2)
            .await
            .unwrap();
        assert!(!rest.more);
        assert_eq!(
            rest.changes[0].to_change().unwrap(),
            DocumentChange::Remove {
                document_id: "d1".into()
            }
        );
        let DocumentChange::Upsert { document } = page.changes[0].to_change().unwrap() else {
            panic!("d0 is published");
        };
        assert_eq!(document.remittance.as_ref(), Some(&advices[0]));
        assert_eq!(
            (document.version, document.published_at),
            (1, datetime!(2026-03-01 09:30:05 UTC)),
            "whole seconds, as stored"
        );

        // A database from before the JSON was stored: the start fills it in, the same bytes.
        let before: Vec<Option<String>> = page
            .changes
            .iter()
            .map(|c| c.document_json.clone())
            .collect();
        sqlx::query("UPDATE finance_documents SET document_json = NULL")
            .execute(&mut *conn)
            .await
            .unwrap();
        drop(conn);
        assert_eq!(
            fill_missing_document_json(&pool).await.unwrap(),
            2,
            "not the withdrawn one"
        );
        assert_eq!(fill_missing_document_json(&pool).await.unwrap(), 0);
        let mut conn = pool.acquire().await.unwrap();
        let again = feed_page(&mut conn, &person_id, 0, 2).await.unwrap();
        let after: Vec<Option<String>> = again
            .changes
            .iter()
            .map(|c| c.document_json.clone())
            .collect();
        assert_eq!(after, before);
        assert_eq!(
            document_json_of(&mut conn, &person_id, "d2").await.unwrap(),
            before[1]
        );
        assert_eq!(
            document_json_of(&mut conn, &person_id, "d1").await.unwrap(),
            None
        );
        assert_eq!(
            document_json_of(&mut conn, "someone else", "d2")
                .await
                .unwrap(),
            None
        );
    }

    #[tokio::test]
    async fn a_correction_stores_the_new_version() {
        let pool = database().await;
        let now = datetime!(2026-03-01 09:30 UTC);
        let later = datetime!(2026-03-08 10:00 UTC);
        let mut tx = begin_write(&pool).await.unwrap();
        let (person_id, _) = upsert_person(&mut tx, &person(), || "p1".into(), now)
            .await
            .unwrap();
        let advices = crate::demo::bulk_advices(&person(), 2);
        publish_remittance(&mut tx, &person_id, &advices[0], || "d0".into(), now)
            .await
            .unwrap();
        // The same reference with other content is a correction.
        let mut header = advices[0].header().clone();
        header.payee = "Okafor Care Services".into();
        let corrected =
            RemittanceAdvice::new(header, advices[0].lines().to_vec(), advices[0].net_amount())
                .unwrap();
        let outcome = publish_remittance(&mut tx, &person_id, &corrected, || unreachable!(), later)
            .await
            .unwrap();
        assert_eq!(outcome, Outcome::Updated);
        tx.commit().await.unwrap();
        let mut conn = pool.acquire().await.unwrap();
        let json = document_json_of(&mut conn, &person_id, "d0")
            .await
            .unwrap()
            .unwrap();
        let document: Document = serde_json::from_str(&json).unwrap();
        assert_eq!((document.version, document.published_at), (2, later));
        assert_eq!(document.remittance, Some(corrected));
    }
}
