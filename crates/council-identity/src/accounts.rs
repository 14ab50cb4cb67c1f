//! People's accounts: details, Argon2id password hashes, and whether the email is confirmed.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use std::sync::Arc;

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};
use time::OffsetDateTime;
use tokio::sync::Semaphore;

use council_kit::secret::Randomness;

/// An account as stored. `Debug` is hand-written so personal details never reach a log by accident.
#[derive(Clone)]
pub struct Account {
    /// Stable and opaque: this is the `sub` of every token.
    pub id: String,
    pub email: String,
    pub given_name: String,
    pub family_name: String,
    pub address: String,
    pub postcode: String,
    pub email_verified: bool,
    password_hash: String,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Account { .. }")
    }
}

impl Account {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }

    fn from_row(row: &SqliteRow) -> Self {
        Self {
            id: row.get("id"),
            email: row.get("email"),
            given_name: row.get("given_name"),
            family_name: row.get("family_name"),
            address: row.get("address"),
            postcode: row.get("postcode"),
            email_verified: row.get("email_verified"),
            password_hash: row.get("password_hash"),
        }
    }
}

/// The details a person gives when creating an account (already checked by the form).
#[derive(Clone)]
pub struct AccountDetails {
    pub given_name: String,
    pub family_name: String,
    pub address: String,
    pub postcode: String,
    pub email: String,
}

/// Emails are compared case-insensitively: stored trimmed and in lower case.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

const COLUMNS: &str =
    "id, email, given_name, family_name, address, postcode, email_verified, password_hash";

pub async fn find_by_email(pool: &SqlitePool, email: &str) -> Result<Option<Account>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM identity_accounts WHERE email = ?"
    ))
    .bind(normalise_email(email))
    .fetch_optional(pool)
    .await?;
    Ok(row.as_ref().map(Account::from_row))
}

pub async fn find(pool: &SqlitePool, id: &str) -> Result<Option<Account>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM identity_accounts WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.as_ref().map(Account::from_row))
}

pub async fn insert(
    pool: &SqlitePool,
    id: &str,
    details: &AccountDetails,
    password_hash: &str,
    email_verified: bool,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO identity_accounts (id, email, given_name, family_name, address, postcode, \
         password_hash, email_verified, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(normalise_email(&details.email))
    .bind(&details.given_name)
    .bind(&details.family_name)
    .bind(&details.address)
    .bind(&details.postcode)
    .bind(password_hash)
    .bind(email_verified)
    .bind(now.unix_timestamp())
    .bind(now.unix_timestamp())
    .execute(pool)
    .await?;
    Ok(())
}

/// How long an account nobody confirmed is kept (it holds personal details, and anyone can make
/// one for any email address).
pub const UNCONFIRMED_KEPT: time::Duration = time::Duration::days(1);

/// Deletes accounts whose email was never confirmed, made more than [`UNCONFIRMED_KEPT`] ago
/// and with no registration younger than that (their codes and registrations go with them).
pub async fn delete_unconfirmed(
    pool: &SqlitePool,
    now: OffsetDateTime,
) -> Result<u64, sqlx::Error> {
    let cutoff = (now - UNCONFIRMED_KEPT).unix_timestamp();
    let deleted = sqlx::query(
        "DELETE FROM identity_accounts WHERE email_verified = ? AND created_at <= ? \
         AND NOT EXISTS (SELECT 1 FROM identity_registrations r \
                         WHERE r.account_id = identity_accounts.id AND r.created_at > ?)",
    )
    .bind(false)
    .bind(cutoff)
    .bind(cutoff)
    .execute(pool)
    .await?;
    Ok(deleted.rows_affected())
}

/// How long an unconfirmed registration is kept (it holds personal details).
const REGISTRATION_KEPT: time::Duration = time::Duration::days(1);

/// Records a "create an account" form for an unconfirmed account. Nothing changes in the account
/// until a code sent for this registration is entered in the browser that made it
/// ([`confirm_registration`]): re-registering someone's email cannot swap in another password.
pub async fn add_registration(
    pool: &SqlitePool,
    id: &str,
    account_id: &str,
    details: &AccountDetails,
    password_hash: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    // Housekeeping: registrations nobody confirmed in time are of no use.
    sqlx::query("DELETE FROM identity_registrations WHERE created_at <= ?")
        .bind((now - REGISTRATION_KEPT).unix_timestamp())
        .execute(pool)
        .await?;
    sqlx::query(
        "INSERT INTO identity_registrations (id, account_id, given_name, family_name, address, \
         postcode, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(account_id)
    .bind(&details.given_name)
    .bind(&details.family_name)
    .bind(&details.address)
    .bind(&details.postcode)
    .bind(password_hash)
    .bind(now.unix_timestamp())
    .execute(pool)
    .await?;
    Ok(())
}

/// Whether the registration exists and belongs to the account.
pub async fn registration_exists(
    pool: &SqlitePool,
    id: &str,
    account_id: &str,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM identity_registrations WHERE id = ? AND account_id = ?")
            .bind(id)
            .bind(account_id)
            .fetch_optional(pool)
            .await?;
    Ok(found.is_some())
}

/// Confirms the account: with `registration`, its details and password first replace the
/// account's; every other pending registration of the account is dropped.
pub async fn confirm_registration(
    pool: &SqlitePool,
    account_id: &str,
    registration: Option<&str>,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    if let Some(registration) = registration {
        sqlx::query(
            "UPDATE identity_accounts SET (given_name, family_name, address, postcode, password_hash) = \
             (SELECT given_name, family_name, address, postcode, password_hash FROM identity_registrations \
              WHERE id = ? AND account_id = ?) \
             WHERE id = ? AND EXISTS (SELECT 1 FROM identity_registrations WHERE id = ? AND account_id = ?)",
        )
        .bind(registration)
        .bind(account_id)
        .bind(account_id)
        .bind(registration)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE identity_accounts SET email_verified = ?, updated_at = ? WHERE id = ?")
        .bind(true)
        .bind(now.unix_timestamp())
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM identity_registrations WHERE account_id = ?")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

pub async fn set_password(
    pool: &SqlitePool,
    id: &str,
    password_hash: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE identity_accounts SET password_hash = ?, updated_at = ? WHERE id = ?")
        .bind(password_hash)
        .bind(now.unix_timestamp())
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Argon2id with the crate's defaults (OWASP's recommended minimum: 19 MiB, 2 passes).
///
/// Hashing takes tens of milliseconds of CPU and 19 MiB: [`Passwords::hash`] and
/// [`Passwords::verify`] run it on tokio's blocking threads, at most one hash per core at once,
/// so a burst of sign-ups or sign-ins queues for the cores instead of stalling the async workers
/// (which serve every other request) or taking memory without bound.
#[derive(Clone)]
pub struct Passwords {
    argon2: Argon2<'static>,
    /// A real hash of a random password, checked when no account matches so that a wrong email
    /// takes as long as a wrong password.
    decoy_hash: Arc<str>,
    /// One permit per core: hashes running at once.
    hashing: Arc<Semaphore>,
}

/// The rule shown to people and enforced: long is what makes a password strong.
pub const PASSWORD_RULE: &str =
    "Your password must be at least 12 characters. You can use three random words, for example 'kettle orange bicycle'.";
pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 256;

impl Passwords {
    pub fn new(rng: &dyn Randomness) -> Self {
        let argon2 = Argon2::default();
        let decoy = council_kit::secret::random_token(rng);
        let decoy_hash = hash_with(&argon2, &decoy, &salt(rng)).into();
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            argon2,
            decoy_hash,
            hashing: Arc::new(Semaphore::new(cores)),
        }
    }

    /// How many hashes may run at once (the number of cores).
    pub fn concurrency(&self) -> usize {
        self.hashing.available_permits()
    }

    pub async fn hash(&self, password: &str, rng: &dyn Randomness) -> String {
        let salt = salt(rng);
        let argon2 = self.argon2.clone();
        let password = password.to_owned();
        self.off_the_workers(move || hash_with(&argon2, &password, &salt))
            .await
    }

    /// Whether `password` matches the account; pass `None` when no account was found.
    pub async fn verify(&self, password: &str, account: Option<&Account>) -> bool {
        let stored = account.map_or(Arc::clone(&self.decoy_hash), |a| {
            Arc::from(a.password_hash.as_str())
        });
        let argon2 = self.argon2.clone();
        let password = password.to_owned();
        let matches = self
            .off_the_workers(move || {
                PasswordHash::new(&stored).is_ok_and(|parsed| {
                    argon2.verify_password(password.as_bytes(), &parsed).is_ok()
                })
            })
            .await;
        matches && account.is_some()
    }

    /// Runs `work` on a blocking thread once a core is free.
    async fn off_the_workers<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> T {
        let _permit = self
            .hashing
            .acquire()
            .await
            .expect("the hashing semaphore is never closed");
        tokio::task::spawn_blocking(work)
            .await
            .expect("Argon2 does not panic on any input the forms allow")
    }
}

fn salt(rng: &dyn Randomness) -> [u8; 16] {
    let mut salt = [0u8; 16];
    rng.fill(&mut salt);
    salt
}

fn hash_with(argon2: &Argon2<'static>, password: &str, salt: &[u8; 16]) -> String {
    argon2
        .hash_password_with_salt(password.as_bytes(), salt)
        .expect("Argon2 accepts any password up to the length the form allows")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use council_kit::secret::OsRandomness;

    #[tokio::test]
    async fn hashes_are_argon2id_salted_and_verify() {
        let passwords = Passwords::new(&OsRandomness);
        let one = passwords.hash("kettle orange bicycle", &OsRandomness).await;
        let two = passwords.hash("kettle orange bicycle", &OsRandomness).await;
        assert!(one.starts_with("$argon2id$"));
        assert_ne!(one, two, "each hash has its own salt");
        let account = Account {
            id: "a".into(),
            email: "a@example.org".into(),
            given_name: "A".into(),
            family_name: "B".into(),
            address: "1 Road".into(),
            postcode: "WR1 1AA".into(),
            email_verified: true,
            password_hash: one,
        };
        assert!(
            passwords
                .verify("kettle orange bicycle", Some(&account))
                .await
        );
        assert!(
            !passwords
                .verify("kettle orange bicycles", Some(&account))
                .await
        );
        assert!(!passwords.verify("kettle orange bicycle", None).await);
        assert_eq!(
            passwords.concurrency(),
            std::thread::available_parallelism().unwrap().get(),
            "one hash per core at once"
        );
        assert_eq!(format!("{account:?}"), "Account { .. }");
    }
}
