//! The finance team's accounts (separate from citizens' accounts) and their console sessions.
//!
//! Accounts are made by a command (`council-service staff add`), never through a web page, and
//! turned off and on again the same way (`staff disable` / `staff enable`): a turned-off account
//! cannot sign in and its open sessions end at once. A console session ends after
//! [`IDLE_MINUTES`] without a request, and after [`SESSION_HOURS`] whatever happens.
//! Reviewers decide access requests; admins also remove access and read the audit log.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{Row, SqliteConnection};
use time::{Duration, OffsetDateTime};

use council_kit::secret::{random_token, token_hash, Randomness};

/// How long a console session lasts at most.
pub const SESSION_HOURS: i64 = 8;
/// A console session unused for this long has ended (checked by the server on every request).
pub const IDLE_MINUTES: i64 = 15;
pub const PASSWORD_MIN_CHARS: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Reviewer,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "reviewer" => Some(Role::Reviewer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A member of the finance team.
#[derive(Clone, PartialEq, Eq)]
pub struct Staff {
    pub staff_id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
}

impl std::fmt::Debug for Staff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Staff")
            .field("staff_id", &self.staff_id)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("A staff password must be at least {PASSWORD_MIN_CHARS} characters.")]
    PasswordTooShort,
    #[error("Enter the staff member's name and email address.")]
    MissingDetails,
    #[error("A staff account with that email address already exists.")]
    AlreadyExists,
    #[error("There is no staff account with the email address {0}.")]
    NoSuchAccount(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Counts Argon2 computations. A console sign-in try costs the same whatever the email, so timing
/// does not tell which staff emails exist; tests hold the console to that by counting, not timing.
#[derive(Debug, Default)]
pub struct Argon2Runs(AtomicU64);

impl Argon2Runs {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn add_one(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

fn hash_password(password: &str, rng: &dyn Randomness) -> String {
    let mut salt = [0u8; 16];
    rng.fill(&mut salt);
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .expect("Argon2 accepts any password")
        .to_string()
}

/// Creates a staff account. Returns its id.
pub async fn create(
    conn: &mut SqliteConnection,
    email: &str,
    name: &str,
    role: Role,
    password: &str,
    rng: &dyn Randomness,
    now: OffsetDateTime,
) -> Result<String, StaffError> {
    if password.chars().count() < PASSWORD_MIN_CHARS {
        return Err(StaffError::PasswordTooShort);
    }
    if name.trim().is_empty() || !email.contains('@') {
        return Err(StaffError::MissingDetails);
    }
    let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM finance_staff WHERE email = ?")
        .bind(normalise_email(email))
        .fetch_optional(&mut *conn)
        .await?;
    if exists.is_some() {
        return Err(StaffError::AlreadyExists);
    }
    let staff_id = random_token(rng);
    sqlx::query(
        "INSERT INTO finance_staff (staff_id, email, name, role, password_hash, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&staff_id)
    .bind(normalise_email(email))
    .bind(name.trim())
    .bind(role.as_str())
    .bind(hash_password(password, rng))
    .bind(now.unix_timestamp())
    .execute(conn)
    .await?;
    Ok(staff_id)
}

fn staff_from_row(row: &sqlx::sqlite::SqliteRow) -> Option<Staff> {
    Some(Staff {
        staff_id: row.get("staff_id"),
        email: row.get("email"),
        name: row.get("name"),
        role: Role::parse(row.get("role"))?,
    })
}

/// A stand-in hash with the same Argon2 parameters as every stored one: an unknown email is
/// checked against it, so it costs one verify, exactly like a known email (timing then does not
/// tell which staff emails exist). Its password is not known to anyone and never matches.
const STAND_IN_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c3RhbmQtaW4gc2FsdCAxMg$\
    P8g3Q3n6m2mJ6Q8lGzQ9v0m1uGSX8Hn3b0l0q9k4h2E";

/// What a sign-in try with an email and password comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInCheck {
    /// The right password of a live account.
    Staff(Staff),
    /// The right password, but the account is turned off.
    TurnedOff,
    /// No such account, or the wrong password (never told apart).
    Wrong,
}

/// The staff member with this email and password, if both are right and the account is on.
pub async fn check_password(
    conn: &mut SqliteConnection,
    email: &str,
    password: &str,
) -> Result<Option<Staff>, StaffError> {
    Ok(
        match check_sign_in(conn, email, password, &Argon2Runs::default()).await? {
            SignInCheck::Staff(staff) => Some(staff),
            SignInCheck::TurnedOff | SignInCheck::Wrong => None,
        },
    )
}

/// Checks a sign-in try, counting its Argon2 work in `runs`. Every try costs exactly one Argon2
/// verify, whatever the email: against the account's hash, or the stand-in hash when there is no
/// such account. Whether an account is turned off is told only to someone with its password.
pub async fn check_sign_in(
    conn: &mut SqliteConnection,
    email: &str,
    password: &str,
    runs: &Argon2Runs,
) -> Result<SignInCheck, StaffError> {
    let row = sqlx::query(
        "SELECT staff_id, email, name, role, password_hash, disabled_at FROM finance_staff \
         WHERE email = ?",
    )
    .bind(normalise_email(email))
    .fetch_optional(conn)
    .await?;
    let stored: String = row
        .as_ref()
        .map(|row| row.get("password_hash"))
        .unwrap_or_else(|| STAND_IN_HASH.to_owned());
    let right = verify(&stored, password, runs);
    let Some(row) = row.filter(|_| right) else {
        return Ok(SignInCheck::Wrong);
    };
    if row.get::<Option<i64>, _>("disabled_at").is_some() {
        return Ok(SignInCheck::TurnedOff);
    }
    Ok(staff_from_row(&row).map_or(SignInCheck::Wrong, SignInCheck::Staff))
}

/// One Argon2 verify of `password` against a stored PHC string (a damaged one costs the same
/// verify against the stand-in, and fails).
fn verify(stored: &str, password: &str, runs: &Argon2Runs) -> bool {
    let (parsed, usable) = match PasswordHash::new(stored) {
        Ok(parsed) => (parsed, true),
        Err(_) => match PasswordHash::new(STAND_IN_HASH) {
            Ok(parsed) => (parsed, false),
            Err(_) => return false,
        },
    };
    runs.add_one();
    let matched = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matched && usable
}

/// Turns a staff account off (it cannot sign in, and every open session of it ends now) or on
/// again. Returns the account's email as stored.
pub async fn set_turned_off(
    conn: &mut SqliteConnection,
    email: &str,
    off: bool,
    now: OffsetDateTime,
) -> Result<String, StaffError> {
    let email = normalise_email(email);
    let staff_id: Option<String> =
        sqlx::query_scalar("SELECT staff_id FROM finance_staff WHERE email = ?")
            .bind(&email)
            .fetch_optional(&mut *conn)
            .await?;
    let staff_id = staff_id.ok_or_else(|| StaffError::NoSuchAccount(email.clone()))?;
    sqlx::query("UPDATE finance_staff SET disabled_at = ? WHERE staff_id = ?")
        .bind(off.then(|| now.unix_timestamp()))
        .bind(&staff_id)
        .execute(&mut *conn)
        .await?;
    if off {
        sqlx::query("DELETE FROM finance_staff_sessions WHERE staff_id = ?")
            .bind(&staff_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(email)
}

/// A staff member's name, for showing who did something (the audit log, decisions).
pub async fn name_of(
    conn: &mut SqliteConnection,
    staff_id: &str,
) -> Result<Option<String>, StaffError> {
    Ok(
        sqlx::query_scalar("SELECT name FROM finance_staff WHERE staff_id = ?")
            .bind(staff_id)
            .fetch_optional(conn)
            .await?,
    )
}

/// Everyone on the finance team as (staff id, name, email), by name: the audit log's filter.
pub async fn everyone(
    conn: &mut SqliteConnection,
) -> Result<Vec<(String, String, String)>, StaffError> {
    Ok(
        sqlx::query_as("SELECT staff_id, name, email FROM finance_staff ORDER BY name, email")
            .fetch_all(conn)
            .await?,
    )
}

/// A new session: the cookie token (only its hash is stored) and the session's CSRF token.
pub async fn start_session(
    conn: &mut SqliteConnection,
    staff_id: &str,
    rng: &dyn Randomness,
    now: OffsetDateTime,
) -> Result<(String, String), StaffError> {
    let token = random_token(rng);
    let csrf = council_kit::csrf::new_token(rng);
    sqlx::query(
        "INSERT INTO finance_staff_sessions (token_hash, staff_id, csrf_token, expires_at, \
         last_seen_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(token_hash(&token))
    .bind(staff_id)
    .bind(&csrf)
    .bind((now + Duration::hours(SESSION_HOURS)).unix_timestamp())
    .bind(now.unix_timestamp())
    .execute(conn)
    .await?;
    Ok((token, csrf))
}

/// What a console session cookie comes to. `Debug` leaves out the CSRF token.
#[derive(Clone, PartialEq, Eq)]
pub enum SessionCheck {
    /// A live session: the staff member and its CSRF token. This request counts as activity.
    Live(Staff, String),
    /// The session had been unused for [`IDLE_MINUTES`]; it has now ended.
    Idle,
    /// No such session (never was, signed out, expired, or its account turned off).
    None,
}

impl std::fmt::Debug for SessionCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SessionCheck::Live(staff, _) => f.debug_tuple("Live").field(staff).finish(),
            SessionCheck::Idle => f.write_str("Idle"),
            SessionCheck::None => f.write_str("None"),
        }
    }
}

/// The signed-in staff member and the session's CSRF token, if the session is live; each live
/// check counts as activity, and a session found idle is ended there and then.
pub async fn session(
    conn: &mut SqliteConnection,
    token: &str,
    now: OffsetDateTime,
) -> Result<SessionCheck, StaffError> {
    let hash = token_hash(token);
    let row = sqlx::query(
        "SELECT s.staff_id, s.email, s.name, s.role, x.csrf_token, x.last_seen_at \
         FROM finance_staff_sessions x JOIN finance_staff s ON s.staff_id = x.staff_id \
         WHERE x.token_hash = ? AND x.expires_at > ? AND s.disabled_at IS NULL",
    )
    .bind(&hash)
    .bind(now.unix_timestamp())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(SessionCheck::None);
    };
    let last_seen: i64 = row.get("last_seen_at");
    if now.unix_timestamp() - last_seen >= Duration::minutes(IDLE_MINUTES).whole_seconds() {
        sqlx::query("DELETE FROM finance_staff_sessions WHERE token_hash = ?")
            .bind(&hash)
            .execute(&mut *conn)
            .await?;
        return Ok(SessionCheck::Idle);
    }
    let Some(staff) = staff_from_row(&row) else {
        return Ok(SessionCheck::None);
    };
    sqlx::query("UPDATE finance_staff_sessions SET last_seen_at = ? WHERE token_hash = ?")
        .bind(now.unix_timestamp())
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    Ok(SessionCheck::Live(staff, row.get("csrf_token")))
}

pub async fn end_session(conn: &mut SqliteConnection, token: &str) -> Result<(), StaffError> {
    sqlx::query("DELETE FROM finance_staff_sessions WHERE token_hash = ?")
        .bind(token_hash(token))
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stand-in must cost what a real verify costs: the same algorithm, version and
    /// parameters as the hashes `create` stores.
    #[test]
    fn the_stand_in_hash_has_the_parameters_of_a_stored_hash_and_matches_nothing() {
        let stored = hash_password("any password at all", &council_kit::secret::OsRandomness);
        let settings = |phc: &str| phc.split('$').take(4).collect::<Vec<_>>().join("$");
        assert_eq!(settings(STAND_IN_HASH), settings(&stored));
        assert!(PasswordHash::new(STAND_IN_HASH).is_ok(), "it parses");
        let runs = Argon2Runs::default();
        assert!(!verify(STAND_IN_HASH, "", &runs));
        assert!(!verify("not a hash", "any password at all", &runs));
        assert!(verify(&stored, "any password at all", &runs));
        assert_eq!(
            runs.get(),
            3,
            "one Argon2 run each, a damaged hash included"
        );
    }
}
