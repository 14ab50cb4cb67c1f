//! The token endpoint: an authorization code (with its PKCE verifier) or a refresh token for
//! an access token, an ID token and, with `offline_access`, a new refresh token.

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, PRAGMA};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use council_kit::secret::{constant_time_eq, random_token, sha256_base64url};

use crate::accounts;
use crate::grants::{self, Grant, Redemption};
use crate::tokens::{self, AccessTokenClaims, IdTokenClaims, ACCESS_TOKEN_TYPE};
use crate::Identity;

use super::oauth_error::OAuthError;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenForm {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    client_id: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    scope: Option<String>,
}

#[derive(Debug, Serialize)]
struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
    /// Only for the `offline_access` scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    id_token: String,
    scope: String,
}

pub(super) async fn token(
    State(identity): State<Identity>,
    Form(form): Form<TokenForm>,
) -> Result<Response, OAuthError> {
    let client_id = OAuthError::known_client(&identity, form.client_id.as_deref())?;
    let tokens = match form.grant_type.as_deref() {
        Some("authorization_code") => exchange_code(&identity, client_id, &form).await?,
        Some("refresh_token") => refresh(&identity, client_id, &form).await?,
        Some(_) => {
            return Err(OAuthError {
                status: StatusCode::BAD_REQUEST,
                error: "unsupported_grant_type",
                description: "only authorization_code and refresh_token are supported",
            })
        }
        None => return Err(OAuthError::invalid_request("grant_type is required")),
    };
    Ok((
        [(CACHE_CONTROL, "no-store"), (PRAGMA, "no-cache")],
        Json(tokens),
    )
        .into_response())
}

async fn exchange_code(
    identity: &Identity,
    client_id: &str,
    form: &TokenForm,
) -> Result<TokenResponse, OAuthError> {
    let code = form
        .code
        .as_deref()
        .ok_or(OAuthError::invalid_request("code is required"))?;
    let verifier = form
        .code_verifier
        .as_deref()
        .ok_or(OAuthError::invalid_request(
            "code_verifier is required (PKCE)",
        ))?;
    let now = identity.now();
    let grant = match grants::redeem_code(identity.pool(), code, now).await? {
        Redemption::Valid(grant) => grant,
        Redemption::Invalid => {
            return Err(OAuthError::invalid_grant(
                "the code is not valid or has expired",
            ))
        }
        Redemption::Replayed => {
            tracing::warn!("an authorization code was used twice; its tokens have been revoked");
            return Err(OAuthError::invalid_grant("the code has already been used"));
        }
    };
    if grant.client_id != client_id {
        return Err(OAuthError::invalid_grant(
            "the code was issued to another client",
        ));
    }
    if form.redirect_uri.as_deref() != Some(grant.redirect_uri.as_str()) {
        return Err(OAuthError::invalid_grant(
            "redirect_uri does not match the authorization request",
        ));
    }
    // RFC 7636 4.1: 43-128 characters from the unreserved set.
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if !well_formed
        || !constant_time_eq(
            sha256_base64url(verifier.as_bytes()).as_bytes(),
            grant.code_challenge.as_bytes(),
        )
    {
        return Err(OAuthError::invalid_grant(
            "the PKCE code_verifier does not match the code_challenge",
        ));
    }
    let grant_id = grants::create_grant(identity.pool(), identity.rng(), code, &grant, now).await?;
    let live = Grant {
        id: grant_id,
        account_id: grant.account_id.clone(),
        client_id: grant.client_id.clone(),
        scope: grant.scope.clone(),
        auth_time: grant.auth_time,
    };
    issue_tokens(identity, &live, &live.scope, grant.nonce.clone(), None, now).await
}

async fn refresh(
    identity: &Identity,
    client_id: &str,
    form: &TokenForm,
) -> Result<TokenResponse, OAuthError> {
    let token = form
        .refresh_token
        .as_deref()
        .ok_or(OAuthError::invalid_request("refresh_token is required"))?;
    let now = identity.now();
    let (grant, replacing) = match grants::redeem_refresh_token(identity.pool(), token, now).await?
    {
        Redemption::Valid(refreshing) => (refreshing.grant, refreshing.replacing),
        Redemption::Invalid => {
            return Err(OAuthError::invalid_grant("the refresh token is not valid"))
        }
        Redemption::Replayed => {
            tracing::warn!(
                "a spent refresh token was presented; its whole family has been revoked"
            );
            return Err(OAuthError::invalid_grant(
                "the refresh token has already been used",
            ));
        }
    };
    if grant.client_id != client_id {
        grants::revoke_grant(identity.pool(), &grant.id, now).await?;
        return Err(OAuthError::invalid_grant(
            "the refresh token was issued to another client",
        ));
    }
    let scope = match form.scope.as_deref() {
        Some(requested) => {
            let granted: Vec<&str> = grant.scope.split(' ').collect();
            if !requested.split_whitespace().all(|s| granted.contains(&s)) {
                return Err(OAuthError {
                    status: StatusCode::BAD_REQUEST,
                    error: "invalid_scope",
                    description: "a refresh cannot widen the scope",
                });
            }
            requested.split_whitespace().collect::<Vec<_>>().join(" ")
        }
        None => grant.scope.clone(),
    };
    issue_tokens(identity, &grant, &scope, None, Some(&replacing), now).await
}

async fn issue_tokens(
    identity: &Identity,
    grant: &Grant,
    scope: &str,
    nonce: Option<String>,
    replacing: Option<&str>,
    now: OffsetDateTime,
) -> Result<TokenResponse, OAuthError> {
    let Some(account) = accounts::find(identity.pool(), &grant.account_id)
        .await?
        .filter(|a| a.email_verified)
    else {
        grants::revoke_grant(identity.pool(), &grant.id, now).await?;
        return Err(OAuthError::invalid_grant(
            "the account is no longer available",
        ));
    };
    let config = identity.config();
    let access_lifetime = Duration::minutes(config.policy.access_token_minutes);
    let issued_at = now.unix_timestamp();
    let access = AccessTokenClaims {
        iss: config.issuer_str().to_owned(),
        sub: account.id.clone(),
        aud: config.access_token_audience.clone(),
        exp: (now + access_lifetime).unix_timestamp(),
        iat: issued_at,
        scope: scope.to_owned(),
        client_id: grant.client_id.clone(),
        email: account.email.clone(),
        name: account.full_name(),
        jti: random_token(identity.rng()),
        sid: grant.id.clone(),
    };
    let id_token = IdTokenClaims {
        iss: config.issuer_str().to_owned(),
        sub: account.id.clone(),
        aud: grant.client_id.clone(),
        exp: (now + Duration::hours(1)).unix_timestamp(),
        iat: issued_at,
        auth_time: grant.auth_time,
        nonce,
        azp: grant.client_id.clone(),
    };
    let keys = &identity.inner.keys;
    let access_token =
        tokens::sign(keys, ACCESS_TOKEN_TYPE, &access).map_err(|_| OAuthError::server_error())?;
    let id_token = tokens::sign(keys, "JWT", &id_token).map_err(|_| OAuthError::server_error())?;
    // Staying signed in between uses of the app is what `offline_access` asks for (OpenID
    // Connect Core 11); without it the app signs in again when the access token runs out.
    let refresh_token = if grant.scope.split(' ').any(|s| s == "offline_access") {
        let lifetime = grants::RefreshLifetime {
            unused: Duration::days(config.policy.refresh_token_days),
            after_sign_in: Duration::days(config.policy.refresh_token_absolute_days),
        };
        let token = grants::issue_refresh_token(
            identity.pool(),
            identity.rng(),
            grant,
            replacing,
            now,
            lifetime,
        )
        .await?;
        Some(token)
    } else {
        None
    };
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: access_lifetime.whole_seconds(),
        refresh_token,
        id_token,
        scope: scope.to_owned(),
    })
}
