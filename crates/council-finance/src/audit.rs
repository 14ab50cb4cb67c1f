//! The audit log: who decided what and when, and who read which person's documents.
//!
//! Entries name people by opaque ids (account `sub`, staff id, person id, request id), never by
//! name or client ID, so the log itself holds as little personal data as it can.

use sqlx::{Row, SqliteConnection};
use time::OffsetDateTime;

/// Who did something.
#[derive(Debug, Clone)]
pub enum Actor<'a> {
    /// A citizen, by their account's `sub`.
    Account(&'a str),
    /// A member of the finance team, by staff id.
    Staff(&'a str),
    /// The finance system (an import).
    FinanceSystem,
}

impl Actor<'_> {
    fn as_text(&self) -> String {
        match self {
            Actor::Account(sub) => format!("account:{sub}"),
            Actor::Staff(id) => format!("staff:{id}"),
            Actor::FinanceSystem => "finance-system".into(),
        }
    }
}

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    RequestSubmitted,
    RequestResubmitted,
    RequestWithdrawn,
    RequestApproved,
    RequestRejected,
    AccessRemoved,
    DocumentsRead,
    Imported,
    StaffSignedIn,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::RequestSubmitted => "request submitted",
            Action::RequestResubmitted => "request resubmitted",
            Action::RequestWithdrawn => "request withdrawn",
            Action::RequestApproved => "request approved",
            Action::RequestRejected => "request rejected",
            Action::AccessRemoved => "access removed",
            Action::DocumentsRead => "documents read",
            Action::Imported => "import",
            Action::StaffSignedIn => "staff signed in",
        }
    }
}

/// One entry to write.
pub struct Entry<'a> {
    pub actor: Actor<'a>,
    pub action: Action,
    pub person_id: Option<&'a str>,
    pub request_id: Option<&'a str>,
    /// A short note without personal data (a reason, a document id, counts).
    pub detail: Option<String>,
}

pub async fn record(
    conn: &mut SqliteConnection,
    audit_id: &str,
    at: OffsetDateTime,
    entry: Entry<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO finance_audit (audit_id, at, actor, action, person_id, request_id, detail) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(audit_id)
    .bind(at.unix_timestamp())
    .bind(entry.actor.as_text())
    .bind(entry.action.as_str())
    .bind(entry.person_id)
    .bind(entry.request_id)
    .bind(entry.detail)
    .execute(conn)
    .await?;
    Ok(())
}

/// An entry as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub at: OffsetDateTime,
    pub actor: String,
    pub action: String,
    pub person_id: Option<String>,
    pub request_id: Option<String>,
    pub detail: Option<String>,
}

/// The most recent entries, newest first.
pub async fn recent(conn: &mut SqliteConnection, limit: u32) -> Result<Vec<Recorded>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT at, actor, action, person_id, request_id, detail FROM finance_audit \
         ORDER BY at DESC, audit_id LIMIT ?",
    )
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(|row| Recorded {
            at: OffsetDateTime::from_unix_timestamp(row.get("at"))
                .unwrap_or(OffsetDateTime::UNIX_EPOCH),
            actor: row.get("actor"),
            action: row.get("action"),
            person_id: row.get("person_id"),
            request_id: row.get("request_id"),
            detail: row.get("detail"),
        })
        .collect())
}
