//! Who is calling: a person with an access token, or the finance system with its credential.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};

use council_api::codes;
use council_identity::{AccessTokenClaims, TokenError};
use council_kit::secret::constant_time_eq;

use super::Failure;
use crate::access::Requester;
use crate::Finance;

/// A caller whose access token is valid for this API now.
pub struct Caller(pub AccessTokenClaims);

impl Caller {
    pub fn sub(&self) -> &str {
        &self.0.sub
    }

    pub fn requester(&self) -> Requester {
        Requester {
            sub: self.0.sub.clone(),
            name: self.0.name.clone(),
            email: self.0.email.clone(),
        }
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty())
}

impl FromRequestParts<Finance> for Caller {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, finance: &Finance) -> Result<Self, Failure> {
        let token = bearer(parts).ok_or_else(|| {
            Failure::new(
                StatusCode::UNAUTHORIZED,
                codes::UNAUTHORIZED,
                "Sign in first: this request has no access token.",
            )
        })?;
        match finance
            .verifier()
            .verify_current(token, finance.now())
            .await
        {
            Ok(claims) => Ok(Caller(claims)),
            Err(TokenError::Expired) => Err(Failure::new(
                StatusCode::UNAUTHORIZED,
                codes::TOKEN_EXPIRED,
                "Your sign-in has expired. Please sign in again.",
            )),
            Err(TokenError::Revoked) => Err(Failure::new(
                StatusCode::UNAUTHORIZED,
                codes::UNAUTHORIZED,
                "You have signed out, or this sign-in was ended. Please sign in again.",
            )),
            Err(TokenError::Unchecked) => Err(Failure::internal(&TokenError::Unchecked)),
            Err(_) => Err(Failure::new(
                StatusCode::UNAUTHORIZED,
                codes::UNAUTHORIZED,
                "This access token is not valid for this service. Please sign in again.",
            )),
        }
    }
}

/// The finance system, presenting the credential from the service's configuration.
pub struct FinanceSystem;

impl FromRequestParts<Finance> for FinanceSystem {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, finance: &Finance) -> Result<Self, Failure> {
        let wrong = || {
            Failure::new(
                StatusCode::UNAUTHORIZED,
                codes::UNAUTHORIZED,
                "The finance system's credential is missing or wrong.",
            )
        };
        // No credential at all is 401 whether or not imports are on, as for every protected
        // endpoint; a credential sent to a service that takes no imports is told so.
        let presented = bearer(parts).ok_or_else(wrong)?;
        let Some(expected) = finance.config().import_credential.as_deref() else {
            return Err(Failure::not_found(
                "This service does not accept pushed imports.",
            ));
        };
        if constant_time_eq(presented.as_bytes(), expected.as_bytes()) {
            Ok(FinanceSystem)
        } else {
            Err(wrong())
        }
    }
}
