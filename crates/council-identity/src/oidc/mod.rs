//! The OpenID Connect endpoints: discovery, JWKS, authorize, token, userinfo, revocation
//! (RFC 7009) and RP-initiated logout. Protocol errors use the OAuth shapes the standards fix
//! (`error` and `error_description`), which every relying-party library understands.

mod authorize;
mod logout;
mod oauth_error;
mod revoke;
mod token;
mod userinfo;

use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use crate::Identity;

pub(crate) use authorize::authorization_redirect;
use authorize::{authorize_get, authorize_post};
use logout::{logout_get, logout_post};
use revoke::revoke;
use token::token;
use userinfo::userinfo;

pub(super) const SCOPES_SUPPORTED: [&str; 5] =
    ["openid", "profile", "email", "address", "offline_access"];

pub fn routes() -> Router<Identity> {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks.json", get(jwks))
        .route("/authorize", get(authorize_get).post(authorize_post))
        .route("/token", axum::routing::post(token))
        .route("/userinfo", get(userinfo).post(userinfo))
        .route("/revoke", axum::routing::post(revoke))
        .route("/logout", get(logout_get).post(logout_post))
}

async fn discovery(State(identity): State<Identity>) -> Response {
    let config = identity.config();
    let document = json!({
        "issuer": config.issuer_str(),
        "authorization_endpoint": config.endpoint("/authorize"),
        "token_endpoint": config.endpoint("/token"),
        "userinfo_endpoint": config.endpoint("/userinfo"),
        "jwks_uri": config.endpoint("/jwks.json"),
        "revocation_endpoint": config.endpoint("/revoke"),
        "end_session_endpoint": config.endpoint("/logout"),
        "scopes_supported": SCOPES_SUPPORTED,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "revocation_endpoint_auth_methods_supported": ["none"],
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login", "create"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "azp", "name",
            "given_name", "family_name", "email", "email_verified", "address"],
        "authorization_response_iss_parameter_supported": true,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "claims_parameter_supported": false,
    });
    ([(CACHE_CONTROL, "public, max-age=300")], Json(document)).into_response()
}

async fn jwks(State(identity): State<Identity>) -> Response {
    (
        [(CACHE_CONTROL, "public, max-age=300")],
        Json(identity.jwks().clone()),
    )
        .into_response()
}
