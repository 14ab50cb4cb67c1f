//! Access requests: asking, following, resubmitting and withdrawing (the requester), approving,
//! rejecting and removing (the finance team). An approved request is a grant: it lets its
//! requester see the matched person's documents until the council removes it.
//!
//! Requesters never learn whether their details matched a record; only reviewers see the match.

use cfp_domain::{AccessRequestState, AccessTransitionError, Relationship};
use council_api::{AccessRequest, NewAccessRequest, PersonGrant, RequestedPerson};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use time::OffsetDateTime;

use crate::records::{self, format_date, parse_date, PersonRecord, RecordError};

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error("We could not find that access request.")]
    NotFound,
    #[error(transparent)]
    Transition(#[from] AccessTransitionError),
    #[error("{0}")]
    Invalid(String),
    #[error("There is no record matching this request, so it cannot be approved. Reject it with a reason instead.")]
    NoMatchingRecord,
    /// The request is not the version the reviewer saw (sent again since, or matching another
    /// person now): the decision is refused and the reviewer shown what is there now.
    #[error("This request changed while you were looking at it.")]
    Changed,
    #[error(
        "You already have {OPEN_REQUESTS_MAX} requests waiting for review. Wait until the council \
         has decided some of them, or withdraw one you no longer need, then send this one again."
    )]
    TooManyOpen,
    #[error(transparent)]
    Record(#[from] RecordError),
}

/// The most requests one account may have waiting for review at once: enough for anyone acting
/// for several people, while one account cannot flood the reviewers' queue.
pub const OPEN_REQUESTS_MAX: i64 = 10;

impl From<sqlx::Error> for AccessError {
    fn from(error: sqlx::Error) -> Self {
        AccessError::Record(RecordError::Database(error))
    }
}

/// Who is asking: from their access token.
#[derive(Clone)]
pub struct Requester {
    pub sub: String,
    pub name: String,
    pub email: String,
}

/// A request as stored. `Debug` is hand-written: it holds personal data.
#[derive(Clone)]
pub struct StoredRequest {
    pub request_id: String,
    pub account_sub: String,
    pub requester_name: String,
    pub requester_email: String,
    pub relationship: Relationship,
    pub person: RequestedPerson,
    pub evidence: Option<String>,
    pub state: AccessRequestState,
    pub person_id: Option<String>,
    /// Which version of the details this is: 1 when first sent, one more at each resubmission.
    pub version: i64,
    pub submitted_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub decided_at: Option<OffsetDateTime>,
    pub decided_by: Option<String>,
}

impl std::fmt::Debug for StoredRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredRequest")
            .field("request_id", &self.request_id)
            .field("state", &self.state.label())
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl StoredRequest {
    pub fn to_wire(&self) -> AccessRequest {
        AccessRequest {
            request_id: self.request_id.clone(),
            relationship: self.relationship,
            person: self.person.clone(),
            evidence: self.evidence.clone(),
            state: self.state.clone(),
            person_id: self
                .state
                .grants_access()
                .then(|| self.person_id.clone())
                .flatten(),
            submitted_at: self.submitted_at,
            updated_at: self.updated_at,
        }
    }

    pub fn person_name(&self) -> String {
        format!("{} {}", self.person.given_name, self.person.family_name)
    }

    fn from_row(row: &SqliteRow) -> Result<Self, RecordError> {
        Ok(Self {
            request_id: row.get("request_id"),
            account_sub: row.get("account_sub"),
            requester_name: row.get("requester_name"),
            requester_email: row.get("requester_email"),
            relationship: relationship_in_row(row)?,
            person: person_in_row(row)?,
            evidence: row.get("evidence"),
            state: state_from_db(row.get("state"), row.get("reason"))?,
            person_id: row.get("person_id"),
            version: row.get("version"),
            submitted_at: time(row.get("submitted_at"))?,
            updated_at: time(row.get("updated_at"))?,
            decided_at: row
                .get::<Option<i64>, _>("decided_at")
                .map(time)
                .transpose()?,
            decided_by: row.get("decided_by"),
        })
    }
}

fn time(seconds: i64) -> Result<OffsetDateTime, RecordError> {
    OffsetDateTime::from_unix_timestamp(seconds).map_err(|_| RecordError::Damaged)
}

fn relationship_in_row(row: &SqliteRow) -> Result<Relationship, RecordError> {
    let relationship: String = row.get("relationship");
    relationship_from_db(&relationship).ok_or(RecordError::Damaged)
}

/// The person's details as the requester gave them (a request's row or one of its versions).
fn person_in_row(row: &SqliteRow) -> Result<RequestedPerson, RecordError> {
    let date_of_birth: String = row.get("date_of_birth");
    let postcode: String = row.get("postcode");
    let client_id: Option<String> = row.get("client_id");
    Ok(RequestedPerson {
        given_name: row.get("given_name"),
        family_name: row.get("family_name"),
        date_of_birth: parse_date(&date_of_birth).ok_or(RecordError::Damaged)?,
        postcode: postcode.parse().map_err(|_| RecordError::Damaged)?,
        client_id: client_id
            .map(|id| id.parse())
            .transpose()
            .map_err(|_| RecordError::Damaged)?,
    })
}

/// One version of a request's details as the requester sent it, and how it ended once a later
/// version replaced it. `Debug` is hand-written: it holds personal data.
#[derive(Clone)]
pub struct RequestVersion {
    pub version: i64,
    pub relationship: Relationship,
    pub person: RequestedPerson,
    pub evidence: Option<String>,
    pub submitted_at: OffsetDateTime,
    /// `None` for the current version (its outcome is the request's state).
    pub ended: Option<VersionEnd>,
}

/// How a replaced version ended: rejected (by a staff id) or withdrawn (by the requester).
#[derive(Clone)]
pub struct VersionEnd {
    pub outcome: AccessRequestState,
    pub at: OffsetDateTime,
    pub by: Option<String>,
}

impl std::fmt::Debug for RequestVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestVersion")
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl RequestVersion {
    fn from_row(row: &SqliteRow) -> Result<Self, RecordError> {
        let outcome: Option<String> = row.get("outcome");
        let ended = match outcome {
            None => None,
            Some(outcome) => Some(VersionEnd {
                outcome: state_from_db(outcome, row.get("reason"))?,
                at: time(
                    row.get::<Option<i64>, _>("ended_at")
                        .ok_or(RecordError::Damaged)?,
                )?,
                by: row.get("ended_by"),
            }),
        };
        Ok(Self {
            version: row.get("version"),
            relationship: relationship_in_row(row)?,
            person: person_in_row(row)?,
            evidence: row.get("evidence"),
            submitted_at: time(row.get("submitted_at"))?,
            ended,
        })
    }
}

/// Every version of a request, newest first.
pub async fn versions(
    conn: &mut SqliteConnection,
    request_id: &str,
) -> Result<Vec<RequestVersion>, AccessError> {
    let rows = sqlx::query(
        "SELECT version, relationship, given_name, family_name, date_of_birth, postcode, \
         client_id, evidence, submitted_at, outcome, reason, ended_at, ended_by \
         FROM finance_access_request_versions WHERE request_id = ? ORDER BY version DESC",
    )
    .bind(request_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(RequestVersion::from_row)
        .collect::<Result<_, _>>()?)
}

pub fn relationship_to_db(relationship: Relationship) -> &'static str {
    match relationship {
        Relationship::Myself => "myself",
        Relationship::LastingPowerOfAttorney => "lastingPowerOfAttorney",
        Relationship::Deputy => "deputy",
        Relationship::Appointee => "appointee",
        Relationship::DirectPaymentNominee => "directPaymentNominee",
        Relationship::NominatedFinancialRepresentative => "nominatedFinancialRepresentative",
    }
}

pub fn relationship_from_db(text: &str) -> Option<Relationship> {
    Relationship::ALL
        .into_iter()
        .find(|r| relationship_to_db(*r) == text)
}

fn state_to_db(state: &AccessRequestState) -> (&'static str, Option<&str>) {
    match state {
        AccessRequestState::Pending => ("pending", None),
        AccessRequestState::Approved => ("approved", None),
        AccessRequestState::Rejected { reason } => ("rejected", Some(reason)),
        AccessRequestState::Withdrawn => ("withdrawn", None),
        AccessRequestState::Removed { reason } => ("removed", Some(reason)),
    }
}

fn state_from_db(state: String, reason: Option<String>) -> Result<AccessRequestState, RecordError> {
    Ok(match (state.as_str(), reason) {
        ("pending", _) => AccessRequestState::Pending,
        ("approved", _) => AccessRequestState::Approved,
        ("rejected", Some(reason)) => AccessRequestState::Rejected { reason },
        ("withdrawn", _) => AccessRequestState::Withdrawn,
        ("removed", Some(reason)) => AccessRequestState::Removed { reason },
        _ => return Err(RecordError::Damaged),
    })
}

/// Also stated in the OpenAPI document (`api/constraints.rs`).
pub(crate) const NAME_MAX_CHARS: usize = 100;
pub(crate) const EVIDENCE_MAX_CHARS: usize = 200;

/// Checks what the requester typed, and says plainly what to fix.
pub fn check_details(request: &NewAccessRequest, today: time::Date) -> Result<(), AccessError> {
    let person = &request.person;
    for (label, value) in [
        ("first name", &person.given_name),
        ("last name", &person.family_name),
    ] {
        let value = value.trim();
        if value.is_empty() {
            return Err(AccessError::Invalid(format!("Enter the person's {label}.")));
        }
        if value.chars().count() > NAME_MAX_CHARS {
            return Err(AccessError::Invalid(format!(
                "The person's {label} must be {NAME_MAX_CHARS} characters or fewer."
            )));
        }
    }
    if person.date_of_birth >= today {
        return Err(AccessError::Invalid(
            "The date of birth must be in the past.".into(),
        ));
    }
    if person.date_of_birth.year() < 1900 {
        return Err(AccessError::Invalid(
            "The date of birth must be after 1900.".into(),
        ));
    }
    let evidence = request.evidence.as_deref().map(str::trim).unwrap_or("");
    if request.relationship.is_formal_role() && evidence.is_empty() {
        return Err(AccessError::Invalid(format!(
            "Tell us what shows you are the person's {}: {}",
            request.relationship.label(),
            request.relationship.evidence_hint()
        )));
    }
    if evidence.chars().count() > EVIDENCE_MAX_CHARS {
        return Err(AccessError::Invalid(format!(
            "The evidence must be {EVIDENCE_MAX_CHARS} characters or fewer."
        )));
    }
    Ok(())
}

fn clean_evidence(evidence: &Option<String>) -> Option<String> {
    evidence
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned)
}

const REQUEST_COLUMNS: &str = "request_id, account_sub, requester_name, requester_email, \
     relationship, given_name, family_name, date_of_birth, postcode, client_id, evidence, state, \
     reason, person_id, submitted_at, updated_at, decided_at, decided_by, version";

/// Refuses a new request (or a resubmission) when the account already has the most it may have
/// waiting for review.
async fn check_room_for_one_more(
    conn: &mut SqliteConnection,
    account_sub: &str,
) -> Result<(), AccessError> {
    let open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM finance_access_requests WHERE account_sub = ? AND state = ?",
    )
    .bind(account_sub)
    .bind("pending")
    .fetch_one(conn)
    .await?;
    if open >= OPEN_REQUESTS_MAX {
        return Err(AccessError::TooManyOpen);
    }
    Ok(())
}

/// Keeps one version of a request's details exactly as sent.
async fn keep_version(
    conn: &mut SqliteConnection,
    request_id: &str,
    version: i64,
    request: &NewAccessRequest,
    now: OffsetDateTime,
) -> Result<(), AccessError> {
    let p = &request.person;
    sqlx::query(
        "INSERT INTO finance_access_request_versions (request_id, version, relationship, \
         given_name, family_name, date_of_birth, postcode, client_id, evidence, submitted_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(request_id)
    .bind(version)
    .bind(relationship_to_db(request.relationship))
    .bind(p.given_name.trim())
    .bind(p.family_name.trim())
    .bind(format_date(p.date_of_birth))
    .bind(p.postcode.as_str())
    .bind(p.client_id.as_ref().map(|id| id.as_str().to_owned()))
    .bind(clean_evidence(&request.evidence))
    .bind(now.unix_timestamp())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn create(
    conn: &mut SqliteConnection,
    request_id: &str,
    requester: &Requester,
    request: &NewAccessRequest,
    now: OffsetDateTime,
) -> Result<StoredRequest, AccessError> {
    check_details(request, now.date())?;
    check_room_for_one_more(conn, &requester.sub).await?;
    let p = &request.person;
    sqlx::query(&format!(
        "INSERT INTO finance_access_requests ({REQUEST_COLUMNS}) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, NULL, NULL, 1)"
    ))
    .bind(request_id)
    .bind(&requester.sub)
    .bind(&requester.name)
    .bind(&requester.email)
    .bind(relationship_to_db(request.relationship))
    .bind(p.given_name.trim())
    .bind(p.family_name.trim())
    .bind(format_date(p.date_of_birth))
    .bind(p.postcode.as_str())
    .bind(p.client_id.as_ref().map(|id| id.as_str().to_owned()))
    .bind(clean_evidence(&request.evidence))
    .bind("pending")
    .bind(now.unix_timestamp())
    .bind(now.unix_timestamp())
    .execute(&mut *conn)
    .await?;
    keep_version(conn, request_id, 1, request, now).await?;
    get(conn, request_id).await?.ok_or(AccessError::NotFound)
}

pub async fn get(
    conn: &mut SqliteConnection,
    request_id: &str,
) -> Result<Option<StoredRequest>, AccessError> {
    let row = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM finance_access_requests WHERE request_id = ?"
    ))
    .bind(request_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.as_ref().map(StoredRequest::from_row).transpose()?)
}

/// The request, only if it belongs to the account (otherwise it does not exist for them).
pub async fn get_for_account(
    conn: &mut SqliteConnection,
    account_sub: &str,
    request_id: &str,
) -> Result<StoredRequest, AccessError> {
    match get(conn, request_id).await? {
        Some(request) if request.account_sub == account_sub => Ok(request),
        _ => Err(AccessError::NotFound),
    }
}

pub async fn list_for_account(
    conn: &mut SqliteConnection,
    account_sub: &str,
) -> Result<Vec<StoredRequest>, AccessError> {
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM finance_access_requests WHERE account_sub = ? \
         ORDER BY submitted_at DESC, request_id"
    ))
    .bind(account_sub)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(StoredRequest::from_row)
        .collect::<Result<_, _>>()?)
}

/// The name an account gave when it last asked for access (the audit log names people by it).
pub async fn requester_name(
    conn: &mut SqliteConnection,
    account_sub: &str,
) -> Result<Option<String>, AccessError> {
    Ok(sqlx::query_scalar(
        "SELECT requester_name FROM finance_access_requests WHERE account_sub = ? \
         ORDER BY updated_at DESC, request_id LIMIT 1",
    )
    .bind(account_sub)
    .fetch_optional(conn)
    .await?)
}

/// Requests in one state, oldest first (the reviewers' queue is `pending`).
pub async fn list_in_state(
    conn: &mut SqliteConnection,
    state: &str,
) -> Result<Vec<StoredRequest>, AccessError> {
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM finance_access_requests WHERE state = ? \
         ORDER BY submitted_at, request_id"
    ))
    .bind(state)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(StoredRequest::from_row)
        .collect::<Result<_, _>>()?)
}

async fn save_state(
    conn: &mut SqliteConnection,
    request: &StoredRequest,
    state: &AccessRequestState,
    decision: Option<(&str, Option<&str>)>,
    now: OffsetDateTime,
) -> Result<StoredRequest, AccessError> {
    let (state_text, reason) = state_to_db(state);
    match decision {
        // A decision by the finance team: who, when, and (on approval) which person.
        Some((staff, person_id)) => {
            sqlx::query(
                "UPDATE finance_access_requests SET state = ?, reason = ?, updated_at = ?, \
                 decided_at = ?, decided_by = ?, person_id = COALESCE(?, person_id) \
                 WHERE request_id = ?",
            )
            .bind(state_text)
            .bind(reason)
            .bind(now.unix_timestamp())
            .bind(now.unix_timestamp())
            .bind(staff)
            .bind(person_id)
            .bind(&request.request_id)
            .execute(&mut *conn)
            .await?;
        }
        None => {
            sqlx::query(
                "UPDATE finance_access_requests SET state = ?, reason = ?, updated_at = ? \
                 WHERE request_id = ?",
            )
            .bind(state_text)
            .bind(reason)
            .bind(now.unix_timestamp())
            .bind(&request.request_id)
            .execute(&mut *conn)
            .await?;
        }
    }
    get(conn, &request.request_id)
        .await?
        .ok_or(AccessError::NotFound)
}

/// The requester sends a rejected or withdrawn request again, with corrected details: a new
/// version. The version it replaces keeps its details and how it ended (rejected, withdrawn).
pub async fn resubmit(
    conn: &mut SqliteConnection,
    account_sub: &str,
    request_id: &str,
    corrected: &NewAccessRequest,
    now: OffsetDateTime,
) -> Result<StoredRequest, AccessError> {
    let request = get_for_account(conn, account_sub, request_id).await?;
    request.state.resubmit()?;
    check_details(corrected, now.date())?;
    check_room_for_one_more(conn, account_sub).await?;
    let (outcome, reason) = state_to_db(&request.state);
    sqlx::query(
        "UPDATE finance_access_request_versions SET outcome = ?, reason = ?, ended_at = ?, \
         ended_by = ? WHERE request_id = ? AND version = ?",
    )
    .bind(outcome)
    .bind(reason)
    .bind(
        request
            .decided_at
            .unwrap_or(request.updated_at)
            .unix_timestamp(),
    )
    .bind(&request.decided_by)
    .bind(request_id)
    .bind(request.version)
    .execute(&mut *conn)
    .await?;
    let version = request.version + 1;
    keep_version(conn, request_id, version, corrected, now).await?;
    let p = &corrected.person;
    sqlx::query(
        "UPDATE finance_access_requests SET relationship = ?, given_name = ?, family_name = ?, \
         date_of_birth = ?, postcode = ?, client_id = ?, evidence = ?, state = ?, reason = NULL, \
         person_id = NULL, decided_at = NULL, decided_by = NULL, submitted_at = ?, updated_at = ?, \
         version = ? WHERE request_id = ?",
    )
    .bind(relationship_to_db(corrected.relationship))
    .bind(p.given_name.trim())
    .bind(p.family_name.trim())
    .bind(format_date(p.date_of_birth))
    .bind(p.postcode.as_str())
    .bind(p.client_id.as_ref().map(|id| id.as_str().to_owned()))
    .bind(clean_evidence(&corrected.evidence))
    .bind("pending")
    .bind(now.unix_timestamp())
    .bind(now.unix_timestamp())
    .bind(version)
    .bind(request_id)
    .execute(&mut *conn)
    .await?;
    get(conn, request_id).await?.ok_or(AccessError::NotFound)
}

pub async fn withdraw(
    conn: &mut SqliteConnection,
    account_sub: &str,
    request_id: &str,
    now: OffsetDateTime,
) -> Result<StoredRequest, AccessError> {
    let request = get_for_account(conn, account_sub, request_id).await?;
    let state = request.state.withdraw()?;
    save_state(conn, &request, &state, None, now).await
}

/// What a reviewer saw on the request's page when they decided: the version of its details and
/// (for an approval) the person those details matched.
#[derive(Debug, Clone, Copy)]
pub struct Seen<'a> {
    pub version: i64,
    pub person_id: Option<&'a str>,
}

/// The request, if it is still the version the reviewer saw and still waiting for review. A
/// request decided or withdrawn meanwhile is a transition error (the console says who did what);
/// one sent again since is [`AccessError::Changed`].
async fn as_seen(
    conn: &mut SqliteConnection,
    request_id: &str,
    seen_version: i64,
) -> Result<StoredRequest, AccessError> {
    let request = get(conn, request_id).await?.ok_or(AccessError::NotFound)?;
    // Approving is allowed exactly when rejecting is: while the request waits for review.
    request.state.approve()?;
    if request.version != seen_version {
        return Err(AccessError::Changed);
    }
    Ok(request)
}

/// Approves the version of a pending request the reviewer saw, for the person they saw it match.
/// Anything different now (a newer version, another best match) is [`AccessError::Changed`].
pub async fn approve_seen(
    conn: &mut SqliteConnection,
    request_id: &str,
    seen: Seen<'_>,
    staff_id: &str,
    now: OffsetDateTime,
) -> Result<StoredRequest, AccessError> {
    let request = as_seen(conn, request_id, seen.version).await?;
    let state = request.state.approve()?;
    let matched = match_person(conn, &request.person).await?;
    let person = match (matched.candidate, seen.person_id) {
        (Some(person), Some(seen)) if person.person_id == seen => person,
        // The reviewer saw no match, or another person, or a match that is gone now.
        (Some(_), _) | (None, Some(_)) => return Err(AccessError::Changed),
        (None, None) => return Err(AccessError::NoMatchingRecord),
    };
    save_state(
        conn,
        &request,
        &state,
        Some((staff_id, Some(&person.person_id))),
        now,
    )
    .await
}

/// Approves a pending request as it stands now, for the person its details match now. For the
/// demo data and tests, where nobody looked at a page; the console uses [`approve_seen`].
pub async fn approve(
    conn: &mut SqliteConnection,
    request_id: &str,
    staff_id: &str,
    now: OffsetDateTime,
) -> Result<StoredRequest, AccessError> {
    let request = get(conn, request_id).await?.ok_or(AccessError::NotFound)?;
    let matched = match_person(conn, &request.person).await?;
    let person_id = matched.candidate.map(|p| p.person_id);
    let seen = Seen {
        version: request.version,
        person_id: person_id.as_deref(),
    };
    approve_seen(conn, request_id, seen, staff_id, now).await
}

/// Rejects the version of a pending request the reviewer saw ([`AccessError::Changed`] if it
/// was sent again since).
pub async fn reject_seen(
    conn: &mut SqliteConnection,
    request_id: &str,
    seen_version: i64,
    staff_id: &str,
    reason: &str,
    now: OffsetDateTime,
) -> Result<StoredRequest, AccessError> {
    let request = as_seen(conn, request_id, seen_version).await?;
    let state = request.state.reject(reason)?;
    save_state(conn, &request, &state, Some((staff_id, None)), now).await
}

/// Rejects a pending request as it stands now (the demo data; the console uses [`reject_seen`]).
pub async fn reject(
    conn: &mut SqliteConnection,
    request_id: &str,
    staff_id: &str,
    reason: &str,
    now: OffsetDateTime,
) -> Result<StoredRequest, AccessError> {
    let request = get(conn, request_id).await?.ok_or(AccessError::NotFound)?;
    let state = request.state.reject(reason)?;
    save_state(conn, &request, &state, Some((staff_id, None)), now).await
}

/// Takes away access that was given. The requester's documents for the person disappear from
/// their feed at once, because every read checks the grant.
pub async fn remove(
    conn: &mut SqliteConnection,
    request_id: &str,
    staff_id: &str,
    reason: &str,
    now: OffsetDateTime,
) -> Result<StoredRequest, AccessError> {
    let request = get(conn, request_id).await?.ok_or(AccessError::NotFound)?;
    let state = request.state.remove(reason)?;
    save_state(conn, &request, &state, Some((staff_id, None)), now).await
}

/// Everyone the account holds an approved, unrevoked grant for.
pub async fn people_for_account(
    conn: &mut SqliteConnection,
    account_sub: &str,
) -> Result<Vec<PersonGrant>, AccessError> {
    let rows = sqlx::query(
        "SELECT p.person_id, p.client_id, p.given_name, p.family_name, r.relationship, \
         r.decided_at FROM finance_access_requests r \
         JOIN finance_people p ON p.person_id = r.person_id \
         WHERE r.account_sub = ? AND r.state = ? ORDER BY p.family_name, p.given_name, p.person_id",
    )
    .bind(account_sub)
    .bind("approved")
    .fetch_all(conn)
    .await?;
    let mut people: Vec<PersonGrant> = Vec::with_capacity(rows.len());
    for row in &rows {
        let person_id: String = row.get("person_id");
        // Two grants for the same person (say, deputy and appointee) list the person once.
        if people.iter().any(|p| p.person_id == person_id) {
            continue;
        }
        let client_id: String = row.get("client_id");
        let relationship: String = row.get("relationship");
        let decided_at: Option<i64> = row.get("decided_at");
        people.push(PersonGrant {
            person_id,
            client_id: client_id.parse().map_err(|_| RecordError::Damaged)?,
            given_name: row.get("given_name"),
            family_name: row.get("family_name"),
            relationship: relationship_from_db(&relationship).ok_or(RecordError::Damaged)?,
            granted_at: decided_at
                .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok())
                .ok_or(RecordError::Damaged)?,
        });
    }
    Ok(people)
}

/// Whether the account may see the person's documents now.
pub async fn may_see(
    conn: &mut SqliteConnection,
    account_sub: &str,
    person_id: &str,
) -> Result<bool, AccessError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM finance_access_requests WHERE account_sub = ? AND person_id = ? AND state = ?",
    )
    .bind(account_sub)
    .bind(person_id)
    .bind("approved")
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// How a request's details compare with the council's records (shown to reviewers only).
#[derive(Clone)]
pub struct MatchResult {
    pub candidate: Option<PersonRecord>,
    /// Which details differ from the candidate's record, in plain words.
    pub differences: Vec<&'static str>,
}

impl MatchResult {
    pub fn is_exact(&self) -> bool {
        self.candidate.is_some() && self.differences.is_empty()
    }

    pub fn summary(&self) -> String {
        match (&self.candidate, self.differences.as_slice()) {
            (None, _) => "No match: no record has these details.".into(),
            (Some(_), []) => "Full match: every detail agrees with our record.".into(),
            (Some(_), differences) => format!(
                "Partial match: the {} {} not agree with our record.",
                differences.join(" and the "),
                if differences.len() == 1 { "does" } else { "do" }
            ),
        }
    }
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Finds the record the requester most likely means: by client ID when given, otherwise among
/// people with the same date of birth and last name.
pub async fn match_person(
    conn: &mut SqliteConnection,
    person: &RequestedPerson,
) -> Result<MatchResult, AccessError> {
    let candidates = match &person.client_id {
        Some(client_id) => records::person_by_client_id(conn, client_id)
            .await?
            .into_iter()
            .collect(),
        None => records::people_born_on(conn, person.date_of_birth)
            .await?
            .into_iter()
            .filter(|p| same_name(&p.family_name, &person.family_name))
            .collect::<Vec<_>>(),
    };
    let mut best: Option<MatchResult> = None;
    for candidate in candidates {
        let mut differences = Vec::new();
        if !same_name(&candidate.given_name, &person.given_name) {
            differences.push("first name");
        }
        if !same_name(&candidate.family_name, &person.family_name) {
            differences.push("last name");
        }
        if candidate.date_of_birth != person.date_of_birth {
            differences.push("date of birth");
        }
        if candidate.postcode != person.postcode {
            differences.push("postcode");
        }
        let better = best
            .as_ref()
            .is_none_or(|b| differences.len() < b.differences.len());
        if better {
            best = Some(MatchResult {
                candidate: Some(candidate),
                differences,
            });
        }
    }
    Ok(best.unwrap_or(MatchResult {
        candidate: None,
        differences: Vec::new(),
    }))
}
