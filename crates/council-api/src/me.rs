//! `GET /me`: who the access token belongs to.

use serde::{Deserialize, Serialize};

/// The signed-in account, as the identity service knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Me {
    /// The account's stable, opaque identifier (the token's `sub`).
    pub sub: String,
    pub name: String,
    pub email: String,
}
