//! A signed-in session: the tokens the app holds for one person at one council.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::Secret;

/// Refresh this long before the access token expires, so a request never carries a token
/// that runs out on the way.
pub const REFRESH_MARGIN: Duration = Duration::seconds(60);

/// The tokens of a signed-in person. Serializable so the encrypted store can keep it;
/// its Debug output shows no token and no personal data.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub(crate) issuer: String,
    pub(crate) client_id: String,
    pub(crate) subject: String,
    pub(crate) name: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) access_token: Secret,
    #[serde(with = "time::serde::timestamp::option")]
    pub(crate) access_token_expires_at: Option<OffsetDateTime>,
    pub(crate) refresh_token: Option<Secret>,
    pub(crate) id_token: Option<Secret>,
    pub(crate) nonce: Secret,
    #[serde(with = "time::serde::timestamp::option")]
    pub(crate) authenticated_at: Option<OffsetDateTime>,
}

impl Session {
    /// The identity service that signed the person in.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The person's stable identifier at the council's identity service (`sub`).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The person's name, if the identity service shared it.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The person's email address, if the identity service shared it.
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }

    /// The access token for the council's documents API. Never log it.
    pub fn access_token(&self) -> &Secret {
        &self.access_token
    }

    /// The raw ID token from the last sign-in or refresh (a hint for ending the session).
    pub fn id_token(&self) -> Option<&Secret> {
        self.id_token.as_ref()
    }

    /// The refresh token, if the council issued one. Never log it.
    pub fn refresh_token(&self) -> Option<&Secret> {
        self.refresh_token.as_ref()
    }

    pub fn access_token_expires_at(&self) -> Option<OffsetDateTime> {
        self.access_token_expires_at
    }

    /// When the person last typed their password (the ID token's `auth_time`), if known.
    pub fn authenticated_at(&self) -> Option<OffsetDateTime> {
        self.authenticated_at
    }

    /// Whether the session can be renewed without the person signing in again.
    pub fn can_refresh(&self) -> bool {
        self.refresh_token.is_some()
    }

    /// Whether the access token has run out, or will within [`REFRESH_MARGIN`].
    pub fn needs_refresh(&self, now: OffsetDateTime) -> bool {
        match self.access_token_expires_at {
            Some(expires) => now + REFRESH_MARGIN >= expires,
            None => false,
        }
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("issuer", &self.issuer)
            .field("access_token_expires_at", &self.access_token_expires_at)
            .field("can_refresh", &self.refresh_token.is_some())
            .field("has_id_token", &self.id_token.is_some())
            .finish_non_exhaustive()
    }
}
