//! Authorization codes, grants and refresh tokens.
//!
//! A grant is one sign-in of one account to one client. Its refresh tokens form a family: each use
//! spends the token and issues the next, never past a fixed time after the sign-in. Presenting a
//! spent token means it was copied, so the whole family is revoked (OAuth 2.0 Security BCP
//! 4.14.2), except a quick retry of the token just replaced (see [`redeem_refresh_token`]). Replaying a spent authorization code revokes
//! what that code produced (RFC 6749 4.1.2).

use sqlx::{Row, SqlitePool};
use time::{Duration, OffsetDateTime};

use council_kit::secret::{random_token, token_hash, Randomness};

use crate::sessions::AuthorizationRequest;

/// Authorization codes are exchanged at once by the app; a minute is plenty.
pub const CODE_LIFETIME: Duration = Duration::seconds(60);

/// What an authorization code stands for.
#[derive(Debug, Clone)]
pub struct CodeGrant {
    pub client_id: String,
    pub redirect_uri: String,
    pub account_id: String,
    pub scope: String,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub auth_time: i64,
    pub session_id: Option<String>,
    pub expires_at: i64,
}

#[derive(Debug, Clone)]
pub enum Redemption<T> {
    Valid(T),
    /// Unknown, expired, for another client, or already revoked.
    Invalid,
    /// Already used: the family it produced has now been revoked.
    Replayed,
}

pub async fn issue_code(
    pool: &SqlitePool,
    rng: &dyn Randomness,
    request: &AuthorizationRequest,
    account_id: &str,
    auth_time: i64,
    session_id: &str,
    now: OffsetDateTime,
) -> Result<String, sqlx::Error> {
    let code = random_token(rng);
    sqlx::query(
        "INSERT INTO identity_authorization_codes (code_hash, client_id, redirect_uri, account_id, scope, nonce, \
         code_challenge, auth_time, session_id, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(token_hash(&code))
    .bind(&request.client_id)
    .bind(&request.redirect_uri)
    .bind(account_id)
    .bind(&request.scope)
    .bind(&request.nonce)
    .bind(&request.code_challenge)
    .bind(auth_time)
    .bind(session_id)
    .bind((now + CODE_LIFETIME).unix_timestamp())
    .execute(pool)
    .await?;
    Ok(code)
}

/// Spends a code. Whatever the checks that follow say, a code is only ever tried once.
pub async fn redeem_code(
    pool: &SqlitePool,
    code: &str,
    now: OffsetDateTime,
) -> Result<Redemption<CodeGrant>, sqlx::Error> {
    let hash = token_hash(code);
    let Some(row) = sqlx::query(
        "SELECT client_id, redirect_uri, account_id, scope, nonce, code_challenge, auth_time, session_id, \
         expires_at, grant_id FROM identity_authorization_codes WHERE code_hash = ?",
    )
    .bind(&hash)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(Redemption::Invalid);
    };
    let spent = sqlx::query(
        "UPDATE identity_authorization_codes SET spent_at = ? WHERE code_hash = ? AND spent_at IS NULL",
    )
    .bind(now.unix_timestamp())
    .bind(&hash)
    .execute(pool)
    .await?;
    if spent.rows_affected() == 0 {
        if let Some(grant_id) = row.get::<Option<String>, _>("grant_id") {
            revoke_grant(pool, &grant_id, now).await?;
        }
        return Ok(Redemption::Replayed);
    }
    let grant = CodeGrant {
        client_id: row.get("client_id"),
        redirect_uri: row.get("redirect_uri"),
        account_id: row.get("account_id"),
        scope: row.get("scope"),
        nonce: row.get("nonce"),
        code_challenge: row.get("code_challenge"),
        auth_time: row.get("auth_time"),
        session_id: row.get("session_id"),
        expires_at: row.get("expires_at"),
    };
    if now.unix_timestamp() >= grant.expires_at {
        return Ok(Redemption::Invalid);
    }
    Ok(Redemption::Valid(grant))
}

/// Creates the grant for a redeemed code and links them, so a replay of the code can find it.
pub async fn create_grant(
    pool: &SqlitePool,
    rng: &dyn Randomness,
    code: &str,
    grant: &CodeGrant,
    now: OffsetDateTime,
) -> Result<String, sqlx::Error> {
    let id = random_token(rng);
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO identity_grants (id, account_id, client_id, scope, auth_time, session_id, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&grant.account_id)
    .bind(&grant.client_id)
    .bind(&grant.scope)
    .bind(grant.auth_time)
    .bind(&grant.session_id)
    .bind(now.unix_timestamp())
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE identity_authorization_codes SET grant_id = ? WHERE code_hash = ?")
        .bind(&id)
        .bind(token_hash(code))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// A live grant, as a refresh token or access token finds it.
#[derive(Debug, Clone)]
pub struct Grant {
    pub id: String,
    pub account_id: String,
    pub client_id: String,
    pub scope: String,
    pub auth_time: i64,
}

pub async fn find_grant(pool: &SqlitePool, id: &str) -> Result<Option<Grant>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, account_id, client_id, scope, auth_time FROM identity_grants WHERE id = ? AND revoked_at IS NULL",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| Grant {
        id: row.get("id"),
        account_id: row.get("account_id"),
        client_id: row.get("client_id"),
        scope: row.get("scope"),
        auth_time: row.get("auth_time"),
    }))
}

/// Whether the grant exists, belongs to the account and has not been revoked: what an access
/// token's `sid` and `sub` must still point at for the token to be accepted.
pub async fn is_live(
    pool: &SqlitePool,
    grant_id: &str,
    account_id: &str,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM identity_grants WHERE id = ? AND account_id = ? AND revoked_at IS NULL",
    )
    .bind(grant_id)
    .bind(account_id)
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

/// How long the token just replaced may still be presented again, for an app whose answer was
/// lost on the way back: it gets a fresh rotation instead of being signed out.
pub const REFRESH_RETRY_GRACE: Duration = Duration::seconds(60);

/// When a grant's refresh tokens must stop.
#[derive(Debug, Clone, Copy)]
pub struct RefreshLifetime {
    /// How long one token lasts unused.
    pub unused: Duration,
    /// How long after the sign-in (`auth_time`) the last token may last, whatever the rotation.
    pub after_sign_in: Duration,
}

/// Issues the next refresh token of `grant`'s family. `replacing` is the fingerprint of the
/// token it replaces, if any, which then names this one as its successor.
pub async fn issue_refresh_token(
    pool: &SqlitePool,
    rng: &dyn Randomness,
    grant: &Grant,
    replacing: Option<&str>,
    now: OffsetDateTime,
    lifetime: RefreshLifetime,
) -> Result<String, sqlx::Error> {
    let token = random_token(rng);
    let hash = token_hash(&token);
    let expires_at = (now + lifetime.unused)
        .unix_timestamp()
        .min(grant.auth_time + lifetime.after_sign_in.whole_seconds());
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO identity_refresh_tokens (token_hash, grant_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
    )
    .bind(&hash)
    .bind(&grant.id)
    .bind(now.unix_timestamp())
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    if let Some(replacing) = replacing {
        sqlx::query("UPDATE identity_refresh_tokens SET replaced_by = ? WHERE token_hash = ?")
            .bind(&hash)
            .bind(replacing)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(token)
}

/// A refresh token accepted for one rotation.
#[derive(Debug, Clone)]
pub struct Refreshing {
    pub grant: Grant,
    /// The fingerprint of the token presented: the next token replaces it.
    pub replacing: String,
}

/// Spends a refresh token. A spent one coming back revokes its whole family, except the token
/// just replaced, presented again within [`REFRESH_RETRY_GRACE`] while its successor is still
/// unused: the app never got the answer, so the unused successor is spent instead and the app
/// gets a fresh rotation. (If the successor did reach someone, presenting it later is reuse.)
pub async fn redeem_refresh_token(
    pool: &SqlitePool,
    token: &str,
    now: OffsetDateTime,
) -> Result<Redemption<Refreshing>, sqlx::Error> {
    let hash = token_hash(token);
    let Some(row) = sqlx::query(
        "SELECT grant_id, expires_at, spent_at, replaced_by FROM identity_refresh_tokens WHERE token_hash = ?",
    )
    .bind(&hash)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(Redemption::Invalid);
    };
    let grant_id: String = row.get("grant_id");
    let expires_at: i64 = row.get("expires_at");
    let spent = sqlx::query(
        "UPDATE identity_refresh_tokens SET spent_at = ? WHERE token_hash = ? AND spent_at IS NULL",
    )
    .bind(now.unix_timestamp())
    .bind(&hash)
    .execute(pool)
    .await?;
    if spent.rows_affected() == 0 {
        let spent_at: Option<i64> = row.get("spent_at");
        let successor: Option<String> = row.get("replaced_by");
        let retry = match (spent_at, successor) {
            (Some(spent_at), Some(successor))
                if now.unix_timestamp() - spent_at <= REFRESH_RETRY_GRACE.whole_seconds() =>
            {
                spend_unused(pool, &successor, now).await?
            }
            _ => false,
        };
        if !retry {
            revoke_grant(pool, &grant_id, now).await?;
            return Ok(Redemption::Replayed);
        }
    }
    if now.unix_timestamp() >= expires_at {
        return Ok(Redemption::Invalid);
    }
    Ok(match find_grant(pool, &grant_id).await? {
        Some(grant) => Redemption::Valid(Refreshing {
            grant,
            replacing: hash,
        }),
        None => Redemption::Invalid,
    })
}

/// Spends a token nobody has used yet; whether it was unused.
async fn spend_unused(
    pool: &SqlitePool,
    hash: &str,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let spent = sqlx::query(
        "UPDATE identity_refresh_tokens SET spent_at = ? WHERE token_hash = ? AND spent_at IS NULL",
    )
    .bind(now.unix_timestamp())
    .bind(hash)
    .execute(pool)
    .await?;
    Ok(spent.rows_affected() == 1)
}

/// The grant a refresh token belongs to, without spending it (for revocation).
pub async fn grant_of_refresh_token(
    pool: &SqlitePool,
    token: &str,
) -> Result<Option<Grant>, sqlx::Error> {
    let grant_id: Option<String> =
        sqlx::query_scalar("SELECT grant_id FROM identity_refresh_tokens WHERE token_hash = ?")
            .bind(token_hash(token))
            .fetch_optional(pool)
            .await?;
    match grant_id {
        Some(id) => find_grant(pool, &id).await,
        None => Ok(None),
    }
}

pub async fn revoke_grant(
    pool: &SqlitePool,
    grant_id: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE identity_grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
        .bind(now.unix_timestamp())
        .bind(grant_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Signing out of the browser session ends the app sign-ins made through it, and the codes it
/// issued that no app has exchanged yet.
pub async fn revoke_session_grants(
    pool: &SqlitePool,
    session_id: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "UPDATE identity_grants SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL",
    )
    .bind(now.unix_timestamp())
    .bind(session_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM identity_authorization_codes WHERE session_id = ? AND spent_at IS NULL",
    )
    .bind(session_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// A new password ends every sign-in of the account, and every code not yet exchanged.
pub async fn revoke_account_grants(
    pool: &SqlitePool,
    account_id: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "UPDATE identity_grants SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL",
    )
    .bind(now.unix_timestamp())
    .bind(account_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM identity_authorization_codes WHERE account_id = ? AND spent_at IS NULL",
    )
    .bind(account_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}
