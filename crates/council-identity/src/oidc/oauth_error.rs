//! The OAuth error response (RFC 6749 5.2) of the token and revocation endpoints.

use axum::http::header::{CACHE_CONTROL, PRAGMA};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::Identity;

/// An OAuth error response (RFC 6749 5.2).
pub(super) struct OAuthError {
    pub(super) status: StatusCode,
    pub(super) error: &'static str,
    pub(super) description: &'static str,
}

impl OAuthError {
    pub(super) fn invalid_grant(description: &'static str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_grant",
            description,
        }
    }
    pub(super) fn invalid_request(description: &'static str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_request",
            description,
        }
    }
    pub(super) fn invalid_client() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description: "unknown client_id",
        }
    }
    /// The request's `client_id`, when it names an app registered here (public clients
    /// authenticate by naming themselves: RFC 6749 2.3, `token_endpoint_auth_method` none).
    pub(super) fn known_client<'a>(
        identity: &Identity,
        client_id: Option<&'a str>,
    ) -> Result<&'a str, Self> {
        client_id
            .filter(|id| identity.config().client(id).is_some())
            .ok_or_else(Self::invalid_client)
    }

    pub(super) fn server_error() -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            error: "server_error",
            description: "something went wrong on our side",
        }
    }
}

impl From<sqlx::Error> for OAuthError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error at the token endpoint");
        OAuthError::server_error()
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        (
            self.status,
            [(CACHE_CONTROL, "no-store"), (PRAGMA, "no-cache")],
            Json(json!({ "error": self.error, "error_description": self.description })),
        )
            .into_response()
    }
}
