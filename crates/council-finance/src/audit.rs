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
    /// How the actor is stored (and filtered on): `account:<sub>`, `staff:<id>`, `finance-system`.
    pub fn as_text(&self) -> String {
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
    pub const ALL: [Action; 9] = [
        Action::RequestSubmitted,
        Action::RequestResubmitted,
        Action::RequestWithdrawn,
        Action::RequestApproved,
        Action::RequestRejected,
        Action::AccessRemoved,
        Action::DocumentsRead,
        Action::Imported,
        Action::StaffSignedIn,
    ];

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
    pub audit_id: String,
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
        "SELECT audit_id, at, actor, action, person_id, request_id, detail FROM finance_audit \
         ORDER BY at DESC, audit_id LIMIT ?",
    )
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?;
    Ok(rows.iter().map(recorded_from_row).collect())
}

fn recorded_from_row(row: &sqlx::sqlite::SqliteRow) -> Recorded {
    Recorded {
        audit_id: row.get("audit_id"),
        at: OffsetDateTime::from_unix_timestamp(row.get("at"))
            .unwrap_or(OffsetDateTime::UNIX_EPOCH),
        actor: row.get("actor"),
        action: row.get("action"),
        person_id: row.get("person_id"),
        request_id: row.get("request_id"),
        detail: row.get("detail"),
    }
}

/// Which entries to read; `None` matches anything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter<'a> {
    pub person_id: Option<&'a str>,
    /// As stored: see [`Actor::as_text`].
    pub actor: Option<&'a str>,
    /// As stored: see [`Action::as_str`].
    pub action: Option<&'a str>,
}

/// An entry's place in the log, which is ordered newest first, then by id. Pages start from
/// one (keyset paging), so entries written meanwhile never shift a page or repeat on the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub at: i64,
    pub audit_id: String,
}

impl Position {
    fn of(entry: &Recorded) -> Self {
        Position {
            at: entry.at.unix_timestamp(),
            audit_id: entry.audit_id.clone(),
        }
    }

    /// As a URL parameter: `<seconds>.<id>` (ids are base64url, so never hold a dot).
    pub fn to_param(&self) -> String {
        format!("{}.{}", self.at, self.audit_id)
    }

    pub fn from_param(text: &str) -> Option<Self> {
        let (at, audit_id) = text.split_once('.')?;
        Some(Position {
            at: at.parse().ok()?,
            audit_id: audit_id.to_owned(),
        })
    }
}

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    Newest,
    /// The entries just older than this one.
    OlderThan(Position),
    /// The entries just newer than this one.
    NewerThan(Position),
}

/// One page of entries, newest first, and where the pages either side start (if there are any).
#[derive(Debug, Clone)]
pub struct Page {
    pub entries: Vec<Recorded>,
    pub older: Option<Position>,
    pub newer: Option<Position>,
}

/// One page of the entries matching `filter`.
pub async fn page(
    conn: &mut SqliteConnection,
    filter: Filter<'_>,
    start: &Start,
    size: u32,
) -> Result<Page, sqlx::Error> {
    let (position, after, order) = match start {
        Start::Newest => (None, "1", "at DESC, audit_id"),
        Start::OlderThan(p) => (
            Some(p),
            "(at < ?4 OR (at = ?4 AND audit_id > ?5))",
            "at DESC, audit_id",
        ),
        Start::NewerThan(p) => (
            Some(p),
            "(at > ?4 OR (at = ?4 AND audit_id < ?5))",
            "at, audit_id DESC",
        ),
    };
    let sql = format!(
        "SELECT audit_id, at, actor, action, person_id, request_id, detail FROM finance_audit \
         WHERE (?1 IS NULL OR person_id = ?1) AND (?2 IS NULL OR actor = ?2) \
         AND (?3 IS NULL OR action = ?3) AND {after} ORDER BY {order} LIMIT ?6"
    );
    // One more than a page tells whether there is another page beyond it.
    let rows = sqlx::query(&sql)
        .bind(filter.person_id)
        .bind(filter.actor)
        .bind(filter.action)
        .bind(position.map(|p| p.at))
        .bind(position.map(|p| p.audit_id.as_str()))
        .bind(i64::from(size) + 1)
        .fetch_all(conn)
        .await?;
    let mut entries: Vec<Recorded> = rows.iter().map(recorded_from_row).collect();
    let beyond = entries.len() > size as usize;
    entries.truncate(size as usize);
    let (older, newer) = match start {
        Start::Newest => (
            beyond.then(|| entries.last().map(Position::of)).flatten(),
            None,
        ),
        Start::OlderThan(p) => (
            beyond.then(|| entries.last().map(Position::of)).flatten(),
            Some(
                entries
                    .first()
                    .map(Position::of)
                    .unwrap_or_else(|| p.clone()),
            ),
        ),
        Start::NewerThan(p) => {
            entries.reverse();
            (
                Some(
                    entries
                        .last()
                        .map(Position::of)
                        .unwrap_or_else(|| p.clone()),
                ),
                beyond.then(|| entries.first().map(Position::of)).flatten(),
            )
        }
    };
    Ok(Page {
        entries,
        older,
        newer,
    })
}
