//! The council finance API's wire types: what the service sends and accepts under `/api/v1`, and
//! what the desktop app's council client reads. Pure serde shapes, no IO.
//!
//! Conventions every type keeps:
//! - JSON field names are camelCase.
//! - Money is [`cfp_domain::Money`] (a string like `"575.72"`); dates are `YYYY-MM-DD`; instants
//!   are RFC 3339 (`2026-03-01T09:30:00Z`).
//! - People are addressed by an opaque `personId`, never by client ID or name (those never appear
//!   in URLs, so they never reach access logs).
//! - Every error is an [`ErrorBody`] whose `code` is one of [`codes`].
//!
//! With the `openapi` feature each type also describes itself for the service's OpenAPI document.

pub mod access;
pub mod documents;
pub mod errors;
pub mod import;
pub mod me;
#[cfg(feature = "openapi")]
pub mod schema;

pub use access::{AccessRequest, AccessRequestList, NewAccessRequest, RequestedPerson};
pub use documents::{
    ChangesPage, Document, DocumentChange, PeopleList, PersonGrant, DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
};
pub use errors::{codes, ErrorBody};
pub use import::{ImportPerson, ImportSummary, RemittanceImport};
pub use me::Me;

/// Where every route of this API lives.
pub const BASE_PATH: &str = "/api/v1";

/// The `aud` an access token must carry to be accepted by this API.
pub const AUDIENCE: &str = "council-finance-api";
