//! Token revocation (RFC 7009): a refresh or access token ends its whole grant.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use crate::grants::{self};
use crate::Identity;

use super::oauth_error::OAuthError;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RevokeForm {
    token: Option<String>,
    token_type_hint: Option<String>,
    client_id: Option<String>,
}

pub(super) async fn revoke(
    State(identity): State<Identity>,
    Form(form): Form<RevokeForm>,
) -> Result<Response, OAuthError> {
    let client_id = OAuthError::known_client(&identity, form.client_id.as_deref())?;
    let token = form
        .token
        .as_deref()
        .ok_or(OAuthError::invalid_request("token is required"))?;
    let now = identity.now();
    // Either kind is accepted whatever the hint says (RFC 7009 2.1 allows searching both).
    let _ = form.token_type_hint;
    if let Some(grant) = grants::grant_of_refresh_token(identity.pool(), token).await? {
        if grant.client_id == client_id {
            grants::revoke_grant(identity.pool(), &grant.id, now).await?;
        }
    } else if let Ok(claims) = identity.access_token_verifier().verify(token, now) {
        if claims.client_id == client_id {
            grants::revoke_grant(identity.pool(), &claims.sid, now).await?;
        }
    }
    // Unknown and already-revoked tokens also get 200: there is nothing left to revoke.
    Ok(StatusCode::OK.into_response())
}
