//! The one error shape: `{ "code": "...", "message": "plain English" }`.
//!
//! Clients act on `code` and show `message`; they never parse the message.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// One of the values in [`codes`].
    pub code: String,
    /// A plain-English sentence for people. Never carries personal data or secrets.
    pub message: String,
}

/// Every `code` the council service's JSON APIs answer with: camelCase, like every JSON name.
/// (The OAuth endpoints' `error` values are fixed by their RFCs and are not codes.)
pub mod codes {
    /// 401: no access token, or one that is not valid for this API (signature, issuer, audience).
    pub const UNAUTHORIZED: &str = "unauthorized";
    /// 401: the access token has expired; refresh it and try again.
    pub const TOKEN_EXPIRED: &str = "tokenExpired";
    /// 404: nothing there, or nothing the caller may see (the two are never told apart).
    pub const NOT_FOUND: &str = "notFound";
    /// 400: the request is malformed or a value is not acceptable; the message says which.
    pub const INVALID_REQUEST: &str = "invalidRequest";
    /// 405: the address exists but does not take this HTTP method.
    pub const METHOD_NOT_ALLOWED: &str = "methodNotAllowed";
    /// 413: the body is larger than the endpoint accepts; send it in smaller parts.
    pub const BODY_TOO_LARGE: &str = "bodyTooLarge";
    /// 409: the thing is not in a state that allows this (for example withdrawing an approved request).
    pub const CONFLICT: &str = "conflict";
    /// 409: the account already has the most access requests waiting for review that it may
    /// have (10); the message says so. Wait for decisions or withdraw one, then send again.
    pub const TOO_MANY_OPEN_REQUESTS: &str = "tooManyOpenRequests";
    /// 422: an import was refused; nothing of it was stored. The message lists the problems.
    pub const IMPORT_REFUSED: &str = "importRefused";
    /// 410: the change-feed cursor is not from this council's current records: they were
    /// restored from an earlier backup since it was given, so the change numbers behind it were
    /// handed out again or never reached. Read the person's feed again from the start (no
    /// cursor) and keep only what it holds.
    pub const FEED_RESTARTED: &str = "feedRestarted";
    /// 500: our fault; try again later.
    pub const INTERNAL: &str = "internalError";

    pub const ALL: [&str; 11] = [
        UNAUTHORIZED,
        TOKEN_EXPIRED,
        NOT_FOUND,
        INVALID_REQUEST,
        METHOD_NOT_ALLOWED,
        BODY_TOO_LARGE,
        CONFLICT,
        TOO_MANY_OPEN_REQUESTS,
        IMPORT_REFUSED,
        FEED_RESTARTED,
        INTERNAL,
    ];
}

#[cfg(test)]
mod tests {
    use super::codes;

    #[test]
    fn codes_are_camel_case_and_distinct() {
        for code in codes::ALL {
            let mut chars = code.chars();
            assert!(
                chars.next().is_some_and(|c| c.is_ascii_lowercase()),
                "{code}"
            );
            assert!(chars.all(|c| c.is_ascii_alphanumeric()), "{code}");
        }
        let mut sorted = codes::ALL.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), codes::ALL.len());
    }
}
