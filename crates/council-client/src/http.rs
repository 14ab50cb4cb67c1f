//! The one HTTP client of the desktop app, and the small adapter that lets `openidconnect`
//! use it (so there is only one `reqwest` in the tree).
//!
//! Redirects are never followed: an OpenID Connect provider has no reason to redirect its
//! back-channel endpoints, and following one could send a code or token somewhere else.

use std::time::Duration;

use openidconnect::{HttpRequest, HttpResponse};

/// How long to wait for the council's services.
#[derive(Clone, Copy, Debug)]
pub struct HttpTimeouts {
    pub connect: Duration,
    pub whole_request: Duration,
}

impl Default for HttpTimeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            whole_request: Duration::from_secs(30),
        }
    }
}

/// The HTTP client used for everything the desktop app says to the council.
/// Cheap to clone (connections are shared).
#[derive(Clone, Debug)]
pub struct CouncilHttp {
    client: reqwest::Client,
}

impl CouncilHttp {
    pub fn new(timeouts: HttpTimeouts) -> Result<Self, crate::SignInError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.whole_request)
            .user_agent(concat!("client-finance-portal/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| crate::SignInError::LocalListener)?;
        Ok(Self { client })
    }

    /// The underlying client, for the documents API (same connection pool and settings).
    pub fn reqwest(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends one request for `openidconnect`.
    pub(crate) async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let (parts, body) = request.into_parts();
        let url = parts.uri.to_string();
        let response = self
            .client
            .request(parts.method, url)
            .headers(parts.headers)
            .body(body)
            .send()
            .await
            .map_err(TransportError::from_reqwest)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(TransportError::from_reqwest)?;
        let mut out = HttpResponse::new(body.to_vec());
        *out.status_mut() = status;
        *out.headers_mut() = headers;
        Ok(out)
    }
}

/// The request did not get an answer. Deliberately carries no URL or body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("the service did not answer in time")]
    TimedOut,
    #[error("the service could not be reached")]
    Unreachable,
    #[error("the answer could not be read")]
    Broken,
}

impl TransportError {
    fn from_reqwest(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            TransportError::TimedOut
        } else if error.is_connect() {
            TransportError::Unreachable
        } else {
            TransportError::Broken
        }
    }
}
