//! The council's documents API (`/api/v1`): who am I, whom may I act for, each person's
//! documents as a feed of changes, and access requests.
//!
//! Every call takes the access token as a [`Secret`]: the app core owns the session and its
//! refresh, so this type stays a plain, injectable speaker. Failures come back as an
//! [`ApiError`] whose kind tells the caller what to do next (retry, sign in again, purge a
//! person, tell the person); its text never holds a token, a name, a client ID or a URL.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use council_api::{
    codes, AccessRequest, AccessRequestList, DocumentChange, ErrorBody, Me, NewAccessRequest,
    PeopleList,
};
use reqwest::header::{HeaderMap, ACCEPT, DATE, RETRY_AFTER};
use reqwest::{RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use time::OffsetDateTime;
use url::Url;

use crate::{Clock, CouncilHttp, Secret};

/// What went wrong talking to the documents API.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// No answer at all: the connection was refused, the name did not resolve, or it timed out.
    #[error(
        "The council's service could not be reached. Check your internet connection and try again."
    )]
    Offline,
    /// The connection broke before the whole answer arrived.
    #[error(
        "The connection to the council's service was lost before the answer was complete. \
         Please try again."
    )]
    Interrupted,
    /// 401: the access token has expired or was revoked.
    #[error("Your sign-in has ended. Please sign in again.")]
    Unauthorised {
        /// The council said the token expired (a refresh may fix it), rather than not valid.
        expired: bool,
    },
    /// 404: nothing there, or nothing this user may see any more (for a person: access was
    /// removed).
    #[error("The council could not find that, or you no longer have access to it.")]
    NotFound,
    /// 503 or 429: the service asked us to come back later.
    #[error("The council's service is busy or closed for maintenance. Please try again later.")]
    Unavailable {
        /// How long the council asked us to wait (`Retry-After`), if it said.
        retry_after: Option<Duration>,
    },
    /// 400, 409 or 422: the council refused the request as it stands. `message` is the
    /// council's own plain-English sentence, which the app may show.
    #[error("The council could not accept this request as it stands.")]
    Invalid {
        status: u16,
        /// One of [`council_api::codes`] (for example `invalidRequest`, `conflict`).
        code: String,
        message: String,
    },
    /// Any other failure of the council's service (5xx).
    #[error("Something went wrong at the council's service. Please try again later.")]
    Server { status: u16 },
    /// The answer was not what the API promises (not JSON, wrong shape, unexpected status).
    #[error(
        "The council's service sent an answer the app could not understand. Please try again \
         later, or contact the council if this keeps happening."
    )]
    Protocol,
    /// The council's API address in the app's settings cannot be used.
    #[error("The council's settings for its documents service are not complete. Please contact the council.")]
    Misconfigured,
}

/// Kinds and status codes only: the council's message stays out of logs.
impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Offline => f.write_str("Offline"),
            ApiError::Interrupted => f.write_str("Interrupted"),
            ApiError::Unauthorised { expired } => {
                write!(f, "Unauthorised {{ expired: {expired} }}")
            }
            ApiError::NotFound => f.write_str("NotFound"),
            ApiError::Unavailable { retry_after } => {
                write!(f, "Unavailable {{ retry_after: {retry_after:?} }}")
            }
            ApiError::Invalid { status, code, .. } => {
                write!(f, "Invalid {{ status: {status}, code: {code:?} }}")
            }
            ApiError::Server { status } => write!(f, "Server {{ status: {status} }}"),
            ApiError::Protocol => f.write_str("Protocol"),
            ApiError::Misconfigured => f.write_str("Misconfigured"),
        }
    }
}

impl ApiError {
    /// Whether the same request may work if simply sent again a little later.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ApiError::Offline
                | ApiError::Interrupted
                | ApiError::Unavailable { .. }
                | ApiError::Server { .. }
        )
    }

    /// The council says a change-feed cursor is from before its records were restored from an
    /// earlier backup (`410 feedRestarted`): read the feed again from the start.
    pub fn is_feed_restarted(&self) -> bool {
        matches!(self, ApiError::Invalid { status: 410, code, .. } if code == codes::FEED_RESTARTED)
    }

    /// How long the council asked us to wait before trying again.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::Unavailable { retry_after } => *retry_after,
            _ => None,
        }
    }

    /// A request that got no (whole) answer. reqwest reports a body cut off mid-way as a
    /// "decode" error, the same kind as damaged gzip: both are a broken answer, worth another
    /// try, so both are `Interrupted` (the JSON itself is read by us, never by reqwest).
    fn from_transport(error: reqwest::Error) -> Self {
        if error.is_connect() || error.is_timeout() {
            ApiError::Offline
        } else {
            ApiError::Interrupted
        }
    }
}

/// One page of a person's change feed, as read by the client.
///
/// Each change is read on its own, so one document that does not check out (say an advice
/// whose lines do not add up) is named in `unreadable` instead of making the page unreadable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedPage {
    pub changes: Vec<DocumentChange>,
    /// Changes that could not be read: the document's id, when even that could be found.
    pub unreadable: Vec<Option<String>>,
    /// Opaque: pass it back for the next page, or keep it for the next sync.
    pub cursor: String,
    /// Whether more changes are waiting beyond this page.
    pub more: bool,
}

/// A client of one council's documents API. Cheap to clone.
#[derive(Clone)]
pub struct CouncilApi {
    http: CouncilHttp,
    /// The API's base (`.../api/v1/`), always ending with `/`.
    base: Url,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for CouncilApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CouncilApi")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

/// The shape of a feed page before each change is read.
#[derive(Deserialize)]
struct LenientPage {
    changes: Vec<serde_json::Value>,
    cursor: String,
    more: bool,
}

impl CouncilApi {
    /// `api_url` is the council profile's API address (for example
    /// `https://council.example/api/v1/`). The clock turns a `Retry-After` date into a wait.
    pub fn new(http: CouncilHttp, api_url: &Url, clock: Arc<dyn Clock>) -> Result<Self, ApiError> {
        if api_url.cannot_be_a_base()
            || !matches!(api_url.scheme(), "https" | "http")
            || api_url.query().is_some()
        {
            return Err(ApiError::Misconfigured);
        }
        let mut base = api_url.clone();
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        Ok(Self { http, base, clock })
    }

    /// The API's base address.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// `GET /me`: whom the access token belongs to.
    pub async fn me(&self, token: &Secret) -> Result<Me, ApiError> {
        let request = self.http.reqwest().get(self.url(&["me"])?);
        json(&self.send(request, token).await?)
    }

    /// `GET /people`: everyone the user may act for now.
    pub async fn people(&self, token: &Secret) -> Result<PeopleList, ApiError> {
        let request = self.http.reqwest().get(self.url(&["people"])?);
        json(&self.send(request, token).await?)
    }

    /// `GET /people/{person_id}/changes`: one page of the person's changes after `cursor`
    /// (from the beginning when `None`), at most `limit` of them.
    pub async fn changes(
        &self,
        token: &Secret,
        person_id: &str,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<FeedPage, ApiError> {
        let mut url = self.url(&["people", person_id, "changes"])?;
        {
            let mut query = url.query_pairs_mut();
            if let Some(cursor) = cursor {
                query.append_pair("cursor", cursor);
            }
            query.append_pair("limit", &limit.to_string());
        }
        let body = self.send(self.http.reqwest().get(url), token).await?;
        read_feed_page(&body)
    }

    /// `GET /access-requests`: the user's requests, newest first.
    pub async fn access_requests(&self, token: &Secret) -> Result<Vec<AccessRequest>, ApiError> {
        let request = self.http.reqwest().get(self.url(&["access-requests"])?);
        let list: AccessRequestList = json(&self.send(request, token).await?)?;
        Ok(list.requests)
    }

    /// `POST /access-requests`: asks for access to a person's documents.
    pub async fn create_access_request(
        &self,
        token: &Secret,
        request: &NewAccessRequest,
    ) -> Result<AccessRequest, ApiError> {
        let post = self
            .http
            .reqwest()
            .post(self.url(&["access-requests"])?)
            .json(request);
        json(&self.send(post, token).await?)
    }

    /// `POST /access-requests/{id}/resubmit`: sends a rejected or withdrawn request again,
    /// with corrected details.
    pub async fn resubmit_access_request(
        &self,
        token: &Secret,
        request_id: &str,
        corrected: &NewAccessRequest,
    ) -> Result<AccessRequest, ApiError> {
        let post = self
            .http
            .reqwest()
            .post(self.url(&["access-requests", request_id, "resubmit"])?)
            .json(corrected);
        json(&self.send(post, token).await?)
    }

    /// `POST /access-requests/{id}/withdraw`: withdraws a request still waiting for review.
    pub async fn withdraw_access_request(
        &self,
        token: &Secret,
        request_id: &str,
    ) -> Result<AccessRequest, ApiError> {
        let post =
            self.http
                .reqwest()
                .post(self.url(&["access-requests", request_id, "withdraw"])?);
        json(&self.send(post, token).await?)
    }

    /// The base plus path segments, each percent-encoded (ids are opaque, so they could hold
    /// anything).
    fn url(&self, segments: &[&str]) -> Result<Url, ApiError> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|_| ApiError::Misconfigured)?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    /// Sends the request with the token and returns the body of a 2xx answer.
    async fn send(&self, request: RequestBuilder, token: &Secret) -> Result<Vec<u8>, ApiError> {
        let response = request
            .bearer_auth(token.expose())
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(ApiError::from_transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(ApiError::from_transport)?;
        if status.is_success() {
            return Ok(body.to_vec());
        }
        Err(classify(status, &headers, &body, self.clock.now()))
    }
}

fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|_| ApiError::Protocol)
}

/// Reads a feed page: the whole page at once when every change checks out (the usual case,
/// and the fastest), else change by change to find the ones that do not.
fn read_feed_page(body: &[u8]) -> Result<FeedPage, ApiError> {
    if let Ok(page) = serde_json::from_slice::<council_api::ChangesPage>(body) {
        return Ok(FeedPage {
            changes: page.changes,
            unreadable: Vec::new(),
            cursor: page.cursor,
            more: page.more,
        });
    }
    let page: LenientPage = json(body)?;
    let mut changes = Vec::with_capacity(page.changes.len());
    let mut unreadable = Vec::new();
    for value in page.changes {
        let document_id = value
            .get("documentId")
            .or_else(|| value.get("document").and_then(|d| d.get("documentId")))
            .and_then(|id| id.as_str())
            .map(str::to_owned);
        match serde_json::from_value::<DocumentChange>(value) {
            Ok(change) => changes.push(change),
            Err(_) => unreadable.push(document_id),
        }
    }
    Ok(FeedPage {
        changes,
        unreadable,
        cursor: page.cursor,
        more: page.more,
    })
}

/// Turns a non-2xx answer into an [`ApiError`].
fn classify(status: StatusCode, headers: &HeaderMap, body: &[u8], now: OffsetDateTime) -> ApiError {
    let error_body = serde_json::from_slice::<ErrorBody>(body).ok();
    match status.as_u16() {
        401 => ApiError::Unauthorised {
            expired: error_body.is_some_and(|b| b.code == codes::TOKEN_EXPIRED),
        },
        404 => ApiError::NotFound,
        429 | 503 => ApiError::Unavailable {
            retry_after: headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, council_now(headers, now))),
        },
        400..=499 => {
            let (code, message) = match error_body {
                Some(b) => (b.code, b.message),
                None => (String::new(), String::new()),
            };
            ApiError::Invalid {
                status: status.as_u16(),
                code,
                message,
            }
        }
        500..=599 => ApiError::Server {
            status: status.as_u16(),
        },
        _ => ApiError::Protocol,
    }
}

/// The moment the council answered, by its own clock (its `Date` header), else by ours.
///
/// A `Retry-After` date is a time on the council's clock: measured from the council's `Date`
/// (as RFC 9110 suggests), the wait is what the council meant even when this computer's clock
/// is a day ahead (which would cancel the wait) or behind (which would stretch it to the cap).
fn council_now(headers: &HeaderMap, ours: OffsetDateTime) -> OffsetDateTime {
    headers
        .get(DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .map_or(ours, OffsetDateTime::from)
}

/// `Retry-After` is either whole seconds (`120`) or an HTTP date
/// (`Fri, 31 Dec 1999 23:59:59 GMT`); a date in the past means "now".
pub fn parse_retry_after(value: &str, now: OffsetDateTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok().map(Duration::from_secs);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let at = OffsetDateTime::from(at);
    let wait = at - now;
    Some(if wait.is_positive() {
        Duration::try_from(wait).unwrap_or(Duration::ZERO)
    } else {
        Duration::ZERO
    })
}

#[cfg(test)]
mod properties;

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-30 10:00:00 UTC);

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(
            parse_retry_after("120", NOW),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", NOW), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Mon, 30 Nov 2026 10:00:07 GMT", NOW),
            Some(Duration::from_secs(7))
        );
        // A date already past: go now.
        assert_eq!(
            parse_retry_after("Mon, 30 Nov 2026 09:00:00 GMT", NOW),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", NOW), None);
        assert_eq!(parse_retry_after("-5", NOW), None);
        assert_eq!(parse_retry_after("", NOW), None);
    }

    fn error_body(code: &str, message: &str) -> Vec<u8> {
        serde_json::to_vec(&ErrorBody {
            code: code.into(),
            message: message.into(),
        })
        .unwrap()
    }

    #[test]
    fn statuses_become_kinds_the_caller_can_act_on() {
        let none = HeaderMap::new();
        let expired = error_body(codes::TOKEN_EXPIRED, "Your sign-in has expired.");
        assert_eq!(
            classify(StatusCode::UNAUTHORIZED, &none, &expired, NOW),
            ApiError::Unauthorised { expired: true }
        );
        assert_eq!(
            classify(StatusCode::UNAUTHORIZED, &none, b"", NOW),
            ApiError::Unauthorised { expired: false }
        );
        assert_eq!(
            classify(StatusCode::NOT_FOUND, &none, b"", NOW),
            ApiError::NotFound
        );
        let mut retry = HeaderMap::new();
        retry.insert(RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(
            classify(StatusCode::SERVICE_UNAVAILABLE, &retry, b"", NOW),
            ApiError::Unavailable {
                retry_after: Some(Duration::from_secs(3))
            }
        );
        assert_eq!(
            classify(StatusCode::TOO_MANY_REQUESTS, &none, b"", NOW),
            ApiError::Unavailable { retry_after: None }
        );
        let conflict = error_body(codes::CONFLICT, "Only a pending request can be withdrawn.");
        assert_eq!(
            classify(StatusCode::CONFLICT, &none, &conflict, NOW),
            ApiError::Invalid {
                status: 409,
                code: "conflict".into(),
                message: "Only a pending request can be withdrawn.".into()
            }
        );
        assert_eq!(
            classify(StatusCode::BAD_GATEWAY, &none, b"<html>", NOW),
            ApiError::Server { status: 502 }
        );
        assert_eq!(
            classify(StatusCode::FOUND, &none, b"", NOW),
            ApiError::Protocol
        );
        assert!(ApiError::Server { status: 500 }.is_transient());
        assert!(!ApiError::NotFound.is_transient());
    }

    #[test]
    fn error_text_and_debug_leave_out_the_councils_message() {
        let error = ApiError::Invalid {
            status: 400,
            code: "invalidRequest".into(),
            message: "Margaret Okafor WR5 2NP".into(),
        };
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains("Margaret"), "{text}");
            assert!(!text.contains("WR5"), "{text}");
        }
        assert!(format!("{error:?}").contains("invalidRequest"));
    }

    #[test]
    fn urls_encode_opaque_ids_and_keep_the_base_path() {
        let http = CouncilHttp::new(Default::default()).unwrap();
        let clock: Arc<dyn Clock> = Arc::new(crate::SystemClock);
        let api = CouncilApi::new(
            http.clone(),
            &Url::parse("https://council.example/api/v1").unwrap(),
            clock.clone(),
        )
        .unwrap();
        assert_eq!(api.base().as_str(), "https://council.example/api/v1/");
        assert_eq!(
            api.url(&["people", "a/b?c", "changes"]).unwrap().as_str(),
            "https://council.example/api/v1/people/a%2Fb%3Fc/changes"
        );
        for bad in ["mailto:someone@example.org", "ftp://council.example/api/"] {
            assert_eq!(
                CouncilApi::new(http.clone(), &Url::parse(bad).unwrap(), clock.clone())
                    .unwrap_err(),
                ApiError::Misconfigured
            );
        }
    }

    #[test]
    fn a_page_with_one_bad_advice_names_it_and_keeps_the_rest() {
        let good = serde_json::json!({"change": "remove", "documentId": "d-1"});
        // Lines of 600.00 that claim a net of 599.00.
        let bad = serde_json::json!({"change": "upsert", "document": {
            "documentId": "d-2", "kind": "remittanceAdvice", "version": 1,
            "publishedAt": "2026-03-01T09:30:00Z",
            "remittance": {"header": {"reference": "RA-1", "clientId": "100234567",
                "clientName": "A B", "payee": "A B", "periodFrom": "2026-03-01",
                "periodTo": "2026-03-28", "finalisedOn": "2026-02-20",
                "paymentDate": "2026-02-27"},
              "lines": [{"kind": "budget", "description": "Budget", "amount": "600.00"}],
              "netAmount": "599.00"}}});
        let body = serde_json::to_vec(&serde_json::json!({
            "changes": [good, bad, {"change": "mystery"}], "cursor": "c", "more": true
        }))
        .unwrap();
        let page = read_feed_page(&body).unwrap();
        assert_eq!(page.changes.len(), 1);
        assert_eq!(page.changes[0].document_id(), "d-1");
        assert_eq!(page.unreadable, vec![Some("d-2".to_string()), None]);
        assert_eq!((page.cursor.as_str(), page.more), ("c", true));
        assert_eq!(
            read_feed_page(b"{\"changes\": 5}").unwrap_err(),
            ApiError::Protocol
        );
    }
}
