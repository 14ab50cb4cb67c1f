//! ID tokens and access tokens: what they carry, how they are signed, and how the finance API
//! checks access tokens ([`AccessTokenVerifier`]).

use std::collections::HashMap;

use jsonwebtoken::{Algorithm, DecodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;
use time::OffsetDateTime;

use crate::keys::{Jwks, SigningKeys};

/// The JOSE `typ` of access tokens (RFC 9068), so an ID token can never pass as an access token.
pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";

/// Seconds of clock difference tolerated between the provider and the API checking a token.
pub const DEFAULT_LEEWAY_SECONDS: i64 = 30;

/// The claims of an access token, as the finance API sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTokenClaims {
    pub iss: String,
    /// The account's stable, opaque identifier.
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    /// Space-separated scopes granted.
    pub scope: String,
    pub client_id: String,
    pub email: String,
    pub name: String,
    /// Unique id of this token.
    pub jti: String,
    /// The grant (sign-in) this token belongs to: revoking the grant stops userinfo answering.
    pub sid: String,
}

impl AccessTokenClaims {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scope.split(' ').any(|s| s == scope)
    }
}

/// The claims of an ID token (OpenID Connect Core 2): who signed in (`sub`), when, and for
/// which app; nothing personal. Apps keep ID tokens and send them back as logout hints, so the
/// name and email are only at userinfo, for the scopes granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdTokenClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub auth_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// Authorized party: the client the token was issued to.
    pub azp: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token could not be signed")]
    Signing,
    #[error("the token is not valid")]
    Invalid,
    #[error("the token has expired")]
    Expired,
    /// The sign-in it was issued for has ended: revoked, signed out, or its refresh token reused.
    #[error("the sign-in this token belongs to has ended")]
    Revoked,
    /// Whether the sign-in is still live could not be looked up (the database failed).
    #[error("the token could not be checked")]
    Unchecked,
}

/// Signs claims with the active key (RS256, with its `kid`).
pub(crate) fn sign<T: Serialize>(
    keys: &SigningKeys,
    typ: &str,
    claims: &T,
) -> Result<String, TokenError> {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(keys.active_kid().to_owned());
    header.typ = Some(typ.to_owned());
    jsonwebtoken::encode(&header, claims, keys.active_key()).map_err(|_| TokenError::Signing)
}

/// Checks RS256 tokens from this provider: signature by a published key (chosen by `kid`), `iss`
/// and `aud` exactly, and `exp` against the time passed in, with a small leeway.
///
/// In-process, get one from [`crate::Identity::access_token_verifier`]; out of process, build one
/// from the provider's JWKS document with [`AccessTokenVerifier::from_jwks`].
///
/// Access tokens are recallable: [`AccessTokenVerifier::verify_current`] also checks that the
/// grant (sign-in) named by the token's `sid` has not been revoked, in the identity database
/// (one primary-key lookup). Revoking a token at `/revoke`, signing out, a reused refresh token,
/// a new password or a deleted account all revoke the grant, so the API refuses its access tokens
/// from the next request on, not only when they expire. The provider's own verifier checks this;
/// one built from the JWKS checks it only when given the database with
/// [`AccessTokenVerifier::with_grant_check`].
#[derive(Clone)]
pub struct AccessTokenVerifier {
    issuer: String,
    audience: String,
    keys: HashMap<String, DecodingKey>,
    leeway_seconds: i64,
    grants: Option<SqlitePool>,
}

impl std::fmt::Debug for AccessTokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessTokenVerifier")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("kids", &self.keys.keys().collect::<Vec<_>>())
            .field("checks_grants", &self.grants.is_some())
            .finish()
    }
}

impl AccessTokenVerifier {
    pub fn from_jwks(
        issuer: impl Into<String>,
        audience: impl Into<String>,
        jwks: &Jwks,
    ) -> Result<Self, TokenError> {
        let mut keys = HashMap::new();
        for jwk in jwks
            .keys
            .iter()
            .filter(|k| k.kty == "RSA" && k.alg == "RS256")
        {
            let key = jwk.decoding_key().map_err(|_| TokenError::Invalid)?;
            keys.insert(jwk.kid.clone(), key);
        }
        Ok(Self {
            issuer: issuer.into(),
            audience: audience.into(),
            keys,
            leeway_seconds: DEFAULT_LEEWAY_SECONDS,
            grants: None,
        })
    }

    /// Also refuse tokens whose grant was revoked, looked up in the identity database `pool`.
    pub fn with_grant_check(mut self, pool: SqlitePool) -> Self {
        self.grants = Some(pool);
        self
    }

    pub fn with_leeway_seconds(mut self, leeway_seconds: i64) -> Self {
        self.leeway_seconds = leeway_seconds;
        self
    }

    /// Verifies an access token at time `now`, and that its sign-in has not ended (when this
    /// verifier checks grants: see [`AccessTokenVerifier::with_grant_check`]). Use this one to
    /// let a request in.
    pub async fn verify_current(
        &self,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<AccessTokenClaims, TokenError> {
        let claims = self.verify(token, now)?;
        if let Some(pool) = &self.grants {
            match crate::grants::is_live(pool, &claims.sid, &claims.sub).await {
                Ok(true) => {}
                Ok(false) => return Err(TokenError::Revoked),
                Err(error) => {
                    tracing::error!(%error, "could not check an access token's grant");
                    return Err(TokenError::Unchecked);
                }
            }
        }
        Ok(claims)
    }

    /// Verifies an access token's signature, issuer, audience, type and times at `now`, without
    /// asking whether its sign-in has ended since (see [`AccessTokenVerifier::verify_current`]).
    pub fn verify(
        &self,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<AccessTokenClaims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        if header.alg != Algorithm::RS256 || header.typ.as_deref() != Some(ACCESS_TOKEN_TYPE) {
            return Err(TokenError::Invalid);
        }
        let claims: AccessTokenClaims = self.verify_signed(token, &header, &self.audience)?;
        if claims.exp + self.leeway_seconds <= now.unix_timestamp() {
            return Err(TokenError::Expired);
        }
        if claims.iat - self.leeway_seconds > now.unix_timestamp() {
            return Err(TokenError::Invalid);
        }
        Ok(claims)
    }

    /// Verifies an ID token's signature, issuer and audience but not its age: an expired ID token
    /// is still a fine hint of who is signing out (OpenID Connect RP-Initiated Logout 1.0).
    pub(crate) fn verify_id_token_hint(
        &self,
        token: &str,
        client_ids: &[&str],
    ) -> Result<IdTokenClaims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        if header.alg != Algorithm::RS256 || header.typ.as_deref() == Some(ACCESS_TOKEN_TYPE) {
            return Err(TokenError::Invalid);
        }
        for client_id in client_ids {
            if let Ok(claims) = self.verify_signed::<IdTokenClaims>(token, &header, client_id) {
                return Ok(claims);
            }
        }
        Err(TokenError::Invalid)
    }

    fn verify_signed<T: serde::de::DeserializeOwned>(
        &self,
        token: &str,
        header: &Header,
        audience: &str,
    ) -> Result<T, TokenError> {
        let kid = header.kid.as_deref().ok_or(TokenError::Invalid)?;
        let key = self.keys.get(kid).ok_or(TokenError::Invalid)?;
        let mut validation = Validation::new(Algorithm::RS256);
        // Time is checked by the caller against the injected clock, not the system clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.required_spec_claims = ["iss", "aud", "sub", "exp"].map(String::from).into();
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[audience]);
        jsonwebtoken::decode::<T>(token, key, &validation)
            .map(|data| data.claims)
            .map_err(|_| TokenError::Invalid)
    }
}
