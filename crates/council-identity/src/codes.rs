//! Six-digit codes sent by email: to confirm an address, to reset a password, to sign in.
//!
//! Only the newest unspent code of a purpose counts. A code works once, for 15 minutes, and
//! allows 5 wrong tries; after that even the right code is refused until a new one is sent.
//! A confirm-email code belongs to one registration and is only accepted for it.
//!
//! Pages do not tell people this module's answers apart (they would reveal who has an account):
//! they answer from the browser's own count of tries (see `pages::code_step`).

use sqlx::{Row, SqlitePool};
use time::{Duration, OffsetDateTime};

use council_kit::secret::{constant_time_eq, random_digits, random_token, token_hash, Randomness};

pub const CODE_DIGITS: usize = 6;
pub const CODE_LIFETIME: Duration = Duration::minutes(15);
pub const MAX_WRONG_TRIES: i64 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    ConfirmEmail,
    SignIn,
    ResetPassword,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::ConfirmEmail => "confirm_email",
            Purpose::SignIn => "sign_in",
            Purpose::ResetPassword => "reset_password",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    Accepted,
    /// Wrong, for another registration, or no code was ever sent.
    Wrong,
    Expired,
    TooManyTries,
}

/// Makes a new code (retiring any earlier one of the same purpose) and returns it for emailing.
/// `registration` ties a confirm-email code to the registration it confirms.
pub async fn issue(
    pool: &SqlitePool,
    rng: &dyn Randomness,
    account_id: &str,
    purpose: Purpose,
    registration: Option<&str>,
    now: OffsetDateTime,
) -> Result<String, sqlx::Error> {
    let code = random_digits(rng, CODE_DIGITS);
    let id = random_token(rng);
    let mut tx = pool.begin().await?;
    sqlx::query(
        "UPDATE identity_email_codes SET spent_at = ? WHERE account_id = ? AND purpose = ? AND spent_at IS NULL",
    )
    .bind(now.unix_timestamp())
    .bind(account_id)
    .bind(purpose.as_str())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO identity_email_codes (id, account_id, purpose, code_hash, created_at, expires_at, failed_attempts, registration_id) \
         VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
    )
    .bind(&id)
    .bind(account_id)
    .bind(purpose.as_str())
    .bind(code_fingerprint(&id, &code))
    .bind(now.unix_timestamp())
    .bind((now + CODE_LIFETIME).unix_timestamp())
    .bind(registration)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(code)
}

/// Checks a submitted code, spending it if right and counting the try if wrong. A code sent for
/// another registration than `registration` counts as wrong.
pub async fn check(
    pool: &SqlitePool,
    account_id: &str,
    purpose: Purpose,
    registration: Option<&str>,
    submitted: &str,
    now: OffsetDateTime,
) -> Result<CodeCheck, sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT id, code_hash, expires_at, failed_attempts, registration_id FROM identity_email_codes \
         WHERE account_id = ? AND purpose = ? AND spent_at IS NULL ORDER BY created_at DESC LIMIT 1",
    )
    .bind(account_id)
    .bind(purpose.as_str())
    .fetch_optional(pool)
    .await?
    else {
        return Ok(CodeCheck::Wrong);
    };
    let id: String = row.get("id");
    let stored: String = row.get("code_hash");
    let expires_at: i64 = row.get("expires_at");
    let failed: i64 = row.get("failed_attempts");
    let for_registration: Option<String> = row.get("registration_id");
    if failed >= MAX_WRONG_TRIES {
        return Ok(CodeCheck::TooManyTries);
    }
    if now.unix_timestamp() >= expires_at {
        return Ok(CodeCheck::Expired);
    }
    let right = constant_time_eq(
        code_fingerprint(&id, submitted).as_bytes(),
        stored.as_bytes(),
    );
    if right && for_registration.as_deref() == registration {
        // Conditional update: two simultaneous submissions cannot both spend the code.
        let spent = sqlx::query(
            "UPDATE identity_email_codes SET spent_at = ? WHERE id = ? AND spent_at IS NULL AND failed_attempts < ?",
        )
        .bind(now.unix_timestamp())
        .bind(&id)
        .bind(MAX_WRONG_TRIES)
        .execute(pool)
        .await?;
        return Ok(if spent.rows_affected() == 1 {
            CodeCheck::Accepted
        } else {
            CodeCheck::Wrong
        });
    }
    sqlx::query(
        "UPDATE identity_email_codes SET failed_attempts = failed_attempts + 1 WHERE id = ?",
    )
    .bind(&id)
    .execute(pool)
    .await?;
    Ok(if failed + 1 >= MAX_WRONG_TRIES {
        CodeCheck::TooManyTries
    } else {
        CodeCheck::Wrong
    })
}

/// Salted with the code's random id so equal codes never share a fingerprint.
fn code_fingerprint(id: &str, code: &str) -> String {
    token_hash(&format!("{id}:{code}"))
}

/// Accepts what people paste or type: spaces and dashes are ignored. `None` if not six digits.
pub fn tidy_code(input: &str) -> Option<String> {
    let digits: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (digits.len() == CODE_DIGITS && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidies_pasted_codes() {
        assert_eq!(tidy_code(" 123 456 "), Some("123456".into()));
        assert_eq!(tidy_code("123-456"), Some("123456".into()));
        assert_eq!(tidy_code("12345"), None);
        assert_eq!(tidy_code("12345a"), None);
    }
}
