//! CSRF protection for browsers that have no session with us yet.
//!
//! Viewing a page stores nothing: a browser without a session gets a random value in a cookie
//! (the "form cookie", HttpOnly, SameSite=Lax, and on https named `__Host-...` so no other
//! site or subdomain can set it), and its forms carry HMAC-SHA256(server key, that value) as
//! the CSRF token. A post is accepted only when its token is the HMAC of the cookie it came
//! with. Another site can neither read our cookie nor (without the server key) make a token for
//! a value of its own, so it cannot forge a post; and the server keeps nothing per visitor. The
//! browser gets a stored session (and from then on the session's own CSRF token) only when a
//! post starts something that must be remembered: a code step, a sign-in, an app's request.

use aws_lc_rs::hmac;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sqlx::SqlitePool;
use time::OffsetDateTime;

use council_kit::secret::{random_token, Randomness};

/// The form cookie's name over plain http (development and tests).
pub const FORM_COOKIE: &str = "council_form";
/// Its name when the issuer is https: the prefix makes browsers refuse it unless it is Secure,
/// for Path=/ and without a Domain, so a sibling subdomain cannot plant one.
pub const FORM_COOKIE_HTTPS: &str = "__Host-council_form";

/// The server key that signs form tokens, kept in the database so every instance and every
/// restart agrees on it.
pub struct FormKey(hmac::Key);

impl FormKey {
    pub async fn load_or_create(
        pool: &SqlitePool,
        rng: &dyn Randomness,
        now: OffsetDateTime,
    ) -> Result<Self, sqlx::Error> {
        // Two instances starting together: the first insert wins and both read it back.
        sqlx::query(
            "INSERT INTO identity_form_keys (id, key_base64, created_at) VALUES ('csrf', ?, ?) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(random_token(rng))
        .bind(now.unix_timestamp())
        .execute(pool)
        .await?;
        let key: String =
            sqlx::query_scalar("SELECT key_base64 FROM identity_form_keys WHERE id = 'csrf'")
                .fetch_one(pool)
                .await?;
        Ok(Self(hmac::Key::new(hmac::HMAC_SHA256, key.as_bytes())))
    }

    /// The CSRF token for forms shown to the browser holding form cookie `value`.
    pub fn token_for(&self, value: &str) -> String {
        let tag = hmac::sign(&self.0, format!("csrf:{value}").as_bytes());
        URL_SAFE_NO_PAD.encode(tag.as_ref())
    }
}

/// A new form cookie value.
pub fn new_value(rng: &dyn Randomness) -> String {
    random_token(rng)
}

/// Whether a form cookie value is one we could have made (43 URL-safe base64 characters).
pub fn well_formed(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
