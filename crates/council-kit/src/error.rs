//! The one error shape of every JSON API: `{ "code": "...", "message": "plain English" }`.
//!
//! Clients switch on `code` (stable, camelCase like every JSON name, always one of
//! [`council_api::codes`], the one list both the service and the desktop app read); `message` is
//! for people and never carries personal data, tokens or internal detail.
//!
//! The OAuth and OpenID Connect endpoints are not this API: their `error` values
//! (`invalid_grant`, `invalid_token`, ...) are fixed by RFC 6749 and RFC 6750 and stay as written.

use std::borrow::Cow;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use council_api::codes;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ApiErrorBody {
    pub code: Cow<'static, str>,
    pub message: Cow<'static, str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ApiErrorBody,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            body: ApiErrorBody {
                code: code.into(),
                message: message.into(),
            },
        }
    }

    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, codes::INVALID_REQUEST, message)
    }

    pub fn unauthorized(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED, message)
    }

    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, message)
    }

    /// For failures that are ours, not the caller's; the detail goes to the log, not the reply.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::INTERNAL,
            "Something went wrong on our side. Please try again later.",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_to_code_and_message_only() {
        let error = ApiError::not_found("We could not find that document.");
        assert_eq!(
            serde_json::to_value(&error.body).unwrap(),
            serde_json::json!({"code": "notFound", "message": "We could not find that document."})
        );
        assert_eq!(error.status, StatusCode::NOT_FOUND);
    }

    #[test]
    fn every_helper_answers_with_a_code_from_the_shared_list() {
        for (error, status) in [
            (ApiError::bad_request("x"), StatusCode::BAD_REQUEST),
            (ApiError::unauthorized("x"), StatusCode::UNAUTHORIZED),
            (ApiError::not_found("x"), StatusCode::NOT_FOUND),
            (ApiError::internal(), StatusCode::INTERNAL_SERVER_ERROR),
        ] {
            assert!(codes::ALL.contains(&error.body.code.as_ref()), "{error:?}");
            assert_eq!(error.status, status);
        }
        assert_eq!(ApiError::internal().body.code, "internalError");
    }
}
