//! `/api/v1`: the documents API the desktop app syncs from, access requests, and the finance
//! system's push endpoint. JSON, gzip, one error shape, ETags on lists.
//!
//! Every route but the push endpoint and the OpenAPI document needs an access token from the
//! identity service for this API (checked for signature, issuer, audience and expiry).

mod access_requests;
mod auth;
mod constraints;
mod documents;
mod import;
pub mod openapi;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tower_http::compression::{CompressionLayer, CompressionLevel};

use council_api::codes;
use council_kit::error::ApiError;

use crate::access::AccessError;
use crate::records::RecordError;
use crate::Finance;

pub use auth::Caller;

/// The largest body the finance system may push. Far above axum's 2 MB default, which refused a
/// month's push of a large council (about 1,500 advices); 64 MB is some 45,000 advices while still
/// bounding the memory one request can take before it is checked.
pub const PUSH_BODY_LIMIT_BYTES: usize = 64 * 1024 * 1024;

pub fn routes(finance: Finance) -> Router {
    routes_with_push_limit(finance, PUSH_BODY_LIMIT_BYTES)
}

/// [`routes`] with another push body limit (tests use a small one to exercise `413`).
pub fn routes_with_push_limit(finance: Finance, push_body_limit_bytes: usize) -> Router {
    let api = Router::new()
        .route("/me", get(documents::me))
        .route("/people", get(documents::people))
        .route("/people/{person_id}/changes", get(documents::changes))
        .route(
            "/people/{person_id}/documents/{document_id}",
            get(documents::document),
        )
        .route(
            "/access-requests",
            get(access_requests::list).post(access_requests::create),
        )
        .route(
            "/access-requests/{request_id}/resubmit",
            post(access_requests::resubmit),
        )
        .route(
            "/access-requests/{request_id}/withdraw",
            post(access_requests::withdraw),
        )
        .route(
            "/import/remittances",
            post(import::push).layer(DefaultBodyLimit::max(push_body_limit_bytes)),
        )
        .route("/openapi.json", get(openapi::serve))
        // Unknown paths and wrong methods answer in the API's error shape too, not empty.
        .fallback(unknown_path)
        .method_not_allowed_fallback(wrong_method)
        .with_state(finance)
        // The fastest level: a page of 500 documents is ~700 KB of JSON, and level 1 still
        // shrinks it about tenfold in a fraction of the time of the default level.
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest));
    // The nested fallback covers every path below the base, but not the base itself.
    let base = council_api::BASE_PATH;
    Router::new()
        .nest(base, api)
        .route(base, any(unknown_path))
        .route(&format!("{base}/"), any(unknown_path))
}

async fn unknown_path() -> Failure {
    Failure::not_found("There is nothing at this address in the API.")
}

async fn wrong_method() -> Failure {
    Failure::new(
        StatusCode::METHOD_NOT_ALLOWED,
        codes::METHOD_NOT_ALLOWED,
        "This address does not accept that kind of request (HTTP method).",
    )
}

/// An API failure: the shared error shape, plus the `WWW-Authenticate` challenge on 401.
#[derive(Debug)]
pub struct Failure(pub ApiError);

impl Failure {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Failure(ApiError::new(status, code, message.into()))
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, codes::INVALID_REQUEST, message)
    }

    pub fn not_found(message: &'static str) -> Self {
        Self::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, message)
    }

    /// Our fault. The detail goes to the log (it never holds personal data: only error kinds
    /// and SQL text, never bound values), the caller gets a plain sentence.
    pub fn internal(detail: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "finance API request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::INTERNAL,
            "Something went wrong on our side. Please try again later.",
        )
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let unauthorized = self.0.status == StatusCode::UNAUTHORIZED;
        let mut response = self.0.into_response();
        if unauthorized {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
        }
        response
    }
}

impl From<RecordError> for Failure {
    fn from(error: RecordError) -> Self {
        Failure::internal(&error)
    }
}

impl From<sqlx::Error> for Failure {
    fn from(error: sqlx::Error) -> Self {
        Failure::internal(&error)
    }
}

impl From<AccessError> for Failure {
    fn from(error: AccessError) -> Self {
        match error {
            AccessError::NotFound => Failure::not_found("We could not find that access request."),
            AccessError::Transition(e) => {
                Failure::new(StatusCode::CONFLICT, codes::CONFLICT, e.to_string())
            }
            AccessError::Invalid(message) => Failure::invalid(message),
            AccessError::NoMatchingRecord => Failure::new(
                StatusCode::CONFLICT,
                codes::CONFLICT,
                AccessError::NoMatchingRecord.to_string(),
            ),
            AccessError::TooManyOpen => Failure::new(
                StatusCode::CONFLICT,
                codes::TOO_MANY_OPEN_REQUESTS,
                AccessError::TooManyOpen.to_string(),
            ),
            // Only the console's decisions bind a version; the API never meets it.
            AccessError::Changed => Failure::new(
                StatusCode::CONFLICT,
                codes::CONFLICT,
                AccessError::Changed.to_string(),
            ),
            AccessError::Record(e) => Failure::internal(&e),
        }
    }
}

/// A JSON body whose problems come back in the API's error shape, in words.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Failure;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(Failure::invalid(
                "Send the request as JSON (Content-Type: application/json).",
            )),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(Failure::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    codes::BODY_TOO_LARGE,
                    "The request is too large. Send the data in smaller parts.",
                ))
            }
            Err(rejection) => Err(Failure::invalid(format!(
                "The request could not be read: {}",
                rejection.body_text()
            ))),
        }
    }
}

/// A JSON list with a weak ETag over its exact bytes: a client that sends the ETag back in
/// `If-None-Match` gets `304 Not Modified` and no body when nothing changed.
pub fn json_with_etag<T: Serialize>(request_headers: &HeaderMap, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => json_bytes_with_etag(request_headers, body),
        Err(error) => Failure::internal(&error).into_response(),
    }
}

/// [`json_with_etag`] for a body that is already JSON.
pub fn json_bytes_with_etag(request_headers: &HeaderMap, body: Vec<u8>) -> Response {
    let etag = format!(
        "W/\"{}\"",
        &council_kit::secret::sha256_base64url(&body)[..27]
    );
    let etag_value = HeaderValue::from_str(&etag).expect("base64url is a valid header value");
    let private = HeaderValue::from_static("private, no-cache");
    let matches = request_headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|candidate| {
            let candidate = candidate.trim();
            candidate == "*" || candidate.trim_start_matches("W/") == etag.trim_start_matches("W/")
        });
    if matches {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag_value), (header::CACHE_CONTROL, private)],
        )
            .into_response();
    }
    (
        [
            (header::ETAG, etag_value),
            (header::CACHE_CONTROL, private),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
        ],
        body,
    )
        .into_response()
}
