//! The finance team's accounts (separate from citizens' accounts) and their console sessions.
//!
//! Accounts are made by a command (`council-service staff add`), never through a web page.
//! Reviewers decide access requests; admins also remove access and read the audit log.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use sqlx::{Row, SqliteConnection};
use time::{Duration, OffsetDateTime};

use council_kit::secret::{random_token, token_hash, Randomness};

/// How long a console session lasts.
pub const SESSION_HOURS: i64 = 8;
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
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
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

/// The staff member with this email and password, if both are right. A wrong email costs the
/// same hashing time as a wrong password, so timing does not tell which staff emails exist.
pub async fn check_password(
    conn: &mut SqliteConnection,
    email: &str,
    password: &str,
) -> Result<Option<Staff>, StaffError> {
    let row = sqlx::query(
        "SELECT staff_id, email, name, role, password_hash FROM finance_staff WHERE email = ?",
    )
    .bind(normalise_email(email))
    .fetch_optional(conn)
    .await?;
    let argon2 = Argon2::default();
    let Some(row) = row else {
        let decoy = hash_password(
            "decoy password for timing",
            &council_kit::secret::OsRandomness,
        );
        if let Ok(parsed) = PasswordHash::new(&decoy) {
            let _ = argon2.verify_password(password.as_bytes(), &parsed);
        }
        return Ok(None);
    };
    let stored: String = row.get("password_hash");
    let Ok(parsed) = PasswordHash::new(&stored) else {
        return Ok(None);
    };
    if argon2
        .verify_password(password.as_bytes(), &parsed)
        .is_err()
    {
        return Ok(None);
    }
    Ok(staff_from_row(&row))
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
        "INSERT INTO finance_staff_sessions (token_hash, staff_id, csrf_token, expires_at) \
         VALUES (?, ?, ?, ?)",
    )
    .bind(token_hash(&token))
    .bind(staff_id)
    .bind(&csrf)
    .bind((now + Duration::hours(SESSION_HOURS)).unix_timestamp())
    .execute(conn)
    .await?;
    Ok((token, csrf))
}

/// The signed-in staff member and the session's CSRF token, if the session is live.
pub async fn session(
    conn: &mut SqliteConnection,
    token: &str,
    now: OffsetDateTime,
) -> Result<Option<(Staff, String)>, StaffError> {
    let row = sqlx::query(
        "SELECT s.staff_id, s.email, s.name, s.role, x.csrf_token FROM finance_staff_sessions x \
         JOIN finance_staff s ON s.staff_id = x.staff_id WHERE x.token_hash = ? AND x.expires_at > ?",
    )
    .bind(token_hash(token))
    .bind(now.unix_timestamp())
    .fetch_optional(conn)
    .await?;
    Ok(row
        .as_ref()
        .and_then(|row| Some((staff_from_row(row)?, row.get("csrf_token")))))
}

pub async fn end_session(conn: &mut SqliteConnection, token: &str) -> Result<(), StaffError> {
    sqlx::query("DELETE FROM finance_staff_sessions WHERE token_hash = ?")
        .bind(token_hash(token))
        .execute(conn)
        .await?;
    Ok(())
}
