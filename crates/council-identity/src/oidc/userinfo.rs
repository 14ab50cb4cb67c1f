//! The UserInfo endpoint: the signed-in person's claims, as far as the token's scopes allow.

use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::accounts;
use crate::grants::{self};
use crate::Identity;

pub(super) async fn userinfo(State(identity): State<Identity>, headers: HeaderMap) -> Response {
    let refuse = |error: &str| {
        let challenge = format!("Bearer error=\"{error}\"");
        let mut response =
            (StatusCode::UNAUTHORIZED, Json(json!({ "error": error }))).into_response();
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response.headers_mut().insert(WWW_AUTHENTICATE, value);
        }
        response
    };
    let Some(token) = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
    else {
        return refuse("invalid_request");
    };
    let Ok(claims) = identity
        .access_token_verifier()
        .verify(token.trim(), identity.now())
    else {
        return refuse("invalid_token");
    };
    let lookup = async {
        let grant = grants::find_grant(identity.pool(), &claims.sid).await?;
        let account = accounts::find(identity.pool(), &claims.sub).await?;
        Ok::<_, sqlx::Error>(grant.zip(account))
    };
    let account = match lookup.await {
        Ok(Some((_, account))) => account,
        Ok(None) => return refuse("invalid_token"),
        Err(error) => {
            tracing::error!(%error, "database error at userinfo");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut body = serde_json::Map::new();
    body.insert("sub".into(), json!(account.id));
    if claims.has_scope("profile") {
        body.insert("name".into(), json!(account.full_name()));
        body.insert("given_name".into(), json!(account.given_name));
        body.insert("family_name".into(), json!(account.family_name));
    }
    if claims.has_scope("email") {
        body.insert("email".into(), json!(account.email));
        body.insert("email_verified".into(), json!(account.email_verified));
    }
    if claims.has_scope("address") {
        body.insert(
            "address".into(),
            json!({ "formatted": account.address, "postal_code": account.postcode }),
        );
    }
    (
        [(CACHE_CONTROL, "no-store")],
        Json(serde_json::Value::Object(body)),
    )
        .into_response()
}
