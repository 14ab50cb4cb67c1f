//! Browser sessions with this service: who is signed in, the CSRF token, and what the person is
//! in the middle of (confirming an email, entering a sign-in code, resuming an app's sign-in).

use serde::{Deserialize, Serialize};
use sqlx::{Row, SqlitePool};
use time::{Duration, OffsetDateTime};

use council_kit::secret::{random_token, token_hash, Randomness};

pub const COOKIE_NAME: &str = "council_session";

/// The step a person is part-way through; the email it is about is kept beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    ConfirmEmail,
    SignInCode,
    ResetPassword,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::ConfirmEmail => "confirm_email",
            Stage::SignInCode => "sign_in_code",
            Stage::ResetPassword => "reset_password",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        match value {
            "confirm_email" => Some(Stage::ConfirmEmail),
            "sign_in_code" => Some(Stage::SignInCode),
            "reset_password" => Some(Stage::ResetPassword),
            _ => None,
        }
    }
}

/// A checked authorization request, kept while the person signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: String,
    /// Asked with `prompt=login` and `max_age=0` (a shared computer): once the code is issued
    /// the browser session ends, so the next person finds nobody signed in.
    #[serde(default)]
    pub leave_no_session: bool,
}

#[derive(Clone)]
pub struct Session {
    pub id: String,
    pub csrf_token: String,
    pub account_id: Option<String>,
    pub auth_time: Option<i64>,
    pub pending_email: Option<String>,
    pub pending_stage: Option<Stage>,
    /// The registration this browser is confirming (create account only).
    pub pending_registration: Option<String>,
    /// Wrong codes entered in this browser since its code step started.
    pub pending_tries: i64,
    /// When this browser's code step ends (unix seconds).
    pub pending_expires_at: Option<i64>,
    pub authorization_request: Option<AuthorizationRequest>,
}

impl Session {
    /// A browser with no stored session: nothing pending, nobody signed in, and the CSRF token
    /// its form cookie gives it (see `crate::forms`). Its `id` matches no row.
    pub fn anonymous(csrf_token: String) -> Self {
        Self {
            id: String::new(),
            csrf_token,
            account_id: None,
            auth_time: None,
            pending_email: None,
            pending_stage: None,
            pending_registration: None,
            pending_tries: 0,
            pending_expires_at: None,
            authorization_request: None,
        }
    }

    /// The pending email, if the person is at `stage`.
    pub fn pending(&self, stage: Stage) -> Option<&str> {
        (self.pending_stage == Some(stage))
            .then_some(self.pending_email.as_deref())
            .flatten()
    }
}

pub async fn load(
    pool: &SqlitePool,
    cookie: &str,
    now: OffsetDateTime,
) -> Result<Option<Session>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, csrf_token, account_id, auth_time, pending_email, pending_stage, pending_registration, \
         pending_tries, pending_expires_at, authorization_request \
         FROM identity_sessions WHERE token_hash = ? AND expires_at > ?",
    )
    .bind(token_hash(cookie))
    .bind(now.unix_timestamp())
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| Session {
        id: row.get("id"),
        csrf_token: row.get("csrf_token"),
        account_id: row.get("account_id"),
        auth_time: row.get("auth_time"),
        pending_email: row.get("pending_email"),
        pending_stage: row
            .get::<Option<String>, _>("pending_stage")
            .as_deref()
            .and_then(Stage::parse),
        pending_registration: row.get("pending_registration"),
        pending_tries: row.get("pending_tries"),
        pending_expires_at: row.get("pending_expires_at"),
        authorization_request: row
            .get::<Option<String>, _>("authorization_request")
            .and_then(|json| serde_json::from_str(&json).ok()),
    }))
}

/// Starts an anonymous session; returns it and the cookie value to set.
pub async fn start(
    pool: &SqlitePool,
    rng: &dyn Randomness,
    now: OffsetDateTime,
    lifetime: Duration,
) -> Result<(Session, String), sqlx::Error> {
    // Housekeeping: expired sessions are of no use to anyone (found by index on expires_at).
    sqlx::query("DELETE FROM identity_sessions WHERE expires_at <= ?")
        .bind(now.unix_timestamp())
        .execute(pool)
        .await?;
    let cookie = random_token(rng);
    let session = Session {
        id: random_token(rng),
        csrf_token: council_kit::csrf::new_token(rng),
        account_id: None,
        auth_time: None,
        pending_email: None,
        pending_stage: None,
        pending_registration: None,
        pending_tries: 0,
        pending_expires_at: None,
        authorization_request: None,
    };
    sqlx::query(
        "INSERT INTO identity_sessions (id, token_hash, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(&session.id)
    .bind(token_hash(&cookie))
    .bind(&session.csrf_token)
    .bind(now.unix_timestamp())
    .bind((now + lifetime).unix_timestamp())
    .execute(pool)
    .await?;
    Ok((session, cookie))
}

/// Ends the browser's code step.
pub async fn clear_pending(pool: &SqlitePool, session_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE identity_sessions SET pending_stage = NULL, pending_email = NULL, \
         pending_registration = NULL, pending_tries = 0, pending_expires_at = NULL WHERE id = ?",
    )
    .bind(session_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Starts a code step in this browser: no wrong tries yet, ending at `expires_at`.
pub async fn start_code_step(
    pool: &SqlitePool,
    session_id: &str,
    stage: Stage,
    email: &str,
    registration: Option<&str>,
    expires_at: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE identity_sessions SET pending_stage = ?, pending_email = ?, pending_registration = ?, \
         pending_tries = 0, pending_expires_at = ? WHERE id = ?",
    )
    .bind(stage.as_str())
    .bind(email)
    .bind(registration)
    .bind(expires_at.unix_timestamp())
    .bind(session_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Counts one wrong code entered in this browser; returns the count now.
pub async fn count_wrong_code(pool: &SqlitePool, session_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE identity_sessions SET pending_tries = pending_tries + 1 WHERE id = ? RETURNING pending_tries",
    )
    .bind(session_id)
    .fetch_one(pool)
    .await
}

pub async fn set_authorization_request(
    pool: &SqlitePool,
    session_id: &str,
    request: Option<&AuthorizationRequest>,
) -> Result<(), sqlx::Error> {
    let json = request.map(|r| serde_json::to_string(r).expect("plain strings serialise"));
    sqlx::query("UPDATE identity_sessions SET authorization_request = ? WHERE id = ?")
        .bind(json)
        .bind(session_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Marks the session signed in and gives it a new cookie value (so a cookie planted before
/// sign-in is worthless) and a new CSRF token. Returns the new cookie value.
pub async fn sign_in(
    pool: &SqlitePool,
    rng: &dyn Randomness,
    session_id: &str,
    account_id: &str,
    now: OffsetDateTime,
    lifetime: Duration,
) -> Result<String, sqlx::Error> {
    let cookie = random_token(rng);
    sqlx::query(
        "UPDATE identity_sessions SET token_hash = ?, csrf_token = ?, account_id = ?, auth_time = ?, \
         pending_stage = NULL, pending_email = NULL, pending_registration = NULL, pending_tries = 0, \
         pending_expires_at = NULL, expires_at = ? WHERE id = ?",
    )
    .bind(token_hash(&cookie))
    .bind(council_kit::csrf::new_token(rng))
    .bind(account_id)
    .bind(now.unix_timestamp())
    .bind((now + lifetime).unix_timestamp())
    .bind(session_id)
    .execute(pool)
    .await?;
    Ok(cookie)
}

pub async fn delete(pool: &SqlitePool, session_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM identity_sessions WHERE id = ?")
        .bind(session_id)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn delete_for_account(pool: &SqlitePool, account_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM identity_sessions WHERE account_id = ?")
        .bind(account_id)
        .execute(pool)
        .await?;
    Ok(())
}
