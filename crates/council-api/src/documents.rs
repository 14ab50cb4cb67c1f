//! The people a user may act for, and each person's documents as a feed of changes.
//!
//! Sync works like this: start with no cursor, keep asking with the returned `cursor` while `more`
//! is true, and store the last cursor. Next time, start from it to get only what changed. The
//! feed is ordered by the server's change number, so a page never skips a change made while the
//! client was reading earlier pages.

use cfp_domain::{ClientId, DocumentKind, RemittanceAdvice};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Documents per page when the client does not say.
pub const DEFAULT_PAGE_SIZE: u32 = 200;
/// The most documents one page may hold.
pub const MAX_PAGE_SIZE: u32 = 500;

/// `GET /people`: everyone the caller holds an approved, unrevoked grant for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PeopleList {
    pub people: Vec<PersonGrant>,
}

/// One person the caller may act for, and how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PersonGrant {
    /// Opaque and stable: use it in URLs instead of the client ID.
    pub person_id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9]{9}$"))]
    pub client_id: ClientId,
    pub given_name: String,
    pub family_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::Relationship))]
    pub relationship: cfp_domain::Relationship,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub granted_at: OffsetDateTime,
}

/// `GET /people/{personId}/changes`: one page of the person's document changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChangesPage {
    pub changes: Vec<DocumentChange>,
    /// Opaque: pass it back as `?cursor=` for the next page, or keep it for the next sync.
    pub cursor: String,
    /// Whether more changes are waiting beyond this page.
    pub more: bool,
}

/// One change to one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "change", rename_all = "camelCase")]
pub enum DocumentChange {
    /// The document is new, or replaces the copy with the same `documentId`.
    Upsert { document: Document },
    /// The council withdrew the document: delete the local copy.
    #[serde(rename_all = "camelCase")]
    Remove { document_id: String },
}

impl DocumentChange {
    pub fn document_id(&self) -> &str {
        match self {
            DocumentChange::Upsert { document } => &document.document_id,
            DocumentChange::Remove { document_id } => document_id,
        }
    }
}

/// A published document. `version` goes up by one each time the council corrects it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub document_id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::DocumentKind))]
    pub kind: DocumentKind,
    pub version: u32,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub published_at: OffsetDateTime,
    /// Present when `kind` is `remittanceAdvice`. Its lines always add up to its net amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::schema::RemittanceAdvice>))]
    pub remittance: Option<RemittanceAdvice>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_are_tagged_and_camel_case() {
        let remove = DocumentChange::Remove {
            document_id: "d1".into(),
        };
        assert_eq!(
            serde_json::to_value(&remove).unwrap(),
            json!({"change": "remove", "documentId": "d1"})
        );
        let upsert = DocumentChange::Upsert {
            document: Document {
                document_id: "d2".into(),
                kind: DocumentKind::RemittanceAdvice,
                version: 2,
                published_at: time::macros::datetime!(2026-03-01 09:30 UTC),
                remittance: None,
            },
        };
        let value = serde_json::to_value(&upsert).unwrap();
        assert_eq!(
            value,
            json!({"change": "upsert", "document": {
                "documentId": "d2", "kind": "remittanceAdvice", "version": 2,
                "publishedAt": "2026-03-01T09:30:00Z"
            }})
        );
        let back: DocumentChange = serde_json::from_value(value).unwrap();
        assert_eq!(back, upsert);
        assert_eq!(back.document_id(), "d2");
    }

    #[test]
    fn a_remittance_that_does_not_add_up_is_refused_on_the_wire() {
        let text = r#"{"documentId":"d","kind":"remittanceAdvice","version":1,
            "publishedAt":"2026-03-01T09:30:00Z","remittance":{"header":{"reference":"RA-1",
            "clientId":"100234567","clientName":"A B","payee":"A B","periodFrom":"2026-03-01",
            "periodTo":"2026-03-28","finalisedOn":"2026-02-20","paymentDate":"2026-02-27"},
            "lines":[{"kind":"budget","description":"Budget","amount":"600.00"}],
            "netAmount":"599.00"}}"#;
        let error = serde_json::from_str::<Document>(text).unwrap_err();
        assert!(error.to_string().contains("add up to 600.00"), "{error}");
    }

    #[test]
    fn people_use_opaque_ids_and_rfc3339() {
        let list = PeopleList {
            people: vec![PersonGrant {
                person_id: "p-opaque".into(),
                client_id: "100234567".parse().unwrap(),
                given_name: "Margaret".into(),
                family_name: "Okafor".into(),
                relationship: cfp_domain::Relationship::LastingPowerOfAttorney,
                granted_at: time::macros::datetime!(2026-03-01 09:30 UTC),
            }],
        };
        let value = serde_json::to_value(&list).unwrap();
        assert_eq!(value["people"][0]["personId"], "p-opaque");
        assert_eq!(value["people"][0]["relationship"], "lastingPowerOfAttorney");
        assert_eq!(value["people"][0]["grantedAt"], "2026-03-01T09:30:00Z");
        assert_eq!(serde_json::from_value::<PeopleList>(value).unwrap(), list);
    }
}
