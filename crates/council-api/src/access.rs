//! Asking the council for access to a person's documents, and following the request.
//!
//! The service never tells a requester whether the person exists or whether their details
//! matched: it only shows the request's state, which the finance team decides.

use cfp_domain::{AccessRequestState, ClientId, Postcode, Relationship};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// `POST /access-requests`, and the body of `POST /access-requests/{id}/resubmit` (the corrected
/// details).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewAccessRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::Relationship))]
    pub relationship: Relationship,
    pub person: RequestedPerson,
    /// For a formal role, what shows it: an LPA access code, a court order number, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// The person whose documents are asked for, as the requester knows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestedPerson {
    pub given_name: String,
    pub family_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date_of_birth: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "WR5 2NP"))]
    pub postcode: Postcode,
    /// The 9-digit client ID from the person's letters, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "^[0-9]{9}$"))]
    pub client_id: Option<ClientId>,
}

/// A request as its requester sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccessRequest {
    pub request_id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::Relationship))]
    pub relationship: Relationship,
    pub person: RequestedPerson,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// `state` is one of pending, approved, rejected (with `reason`), withdrawn, removed (with
    /// `reason`).
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::AccessRequestState))]
    pub state: AccessRequestState,
    /// When approved: the person's opaque id, as listed by `GET /people`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub submitted_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: OffsetDateTime,
}

/// `GET /access-requests`: the caller's requests, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccessRequestList {
    pub requests: Vec<AccessRequest>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_request_reads_as_the_contract_says() {
        let text = json!({
            "relationship": "lastingPowerOfAttorney",
            "person": {"givenName": "Margaret", "familyName": "Okafor",
                       "dateOfBirth": "1941-03-09", "postcode": "wr52np"},
            "evidence": "V1234-5678-9012"
        });
        let request: NewAccessRequest = serde_json::from_value(text).unwrap();
        assert_eq!(request.relationship, Relationship::LastingPowerOfAttorney);
        assert_eq!(request.person.postcode.as_str(), "WR5 2NP");
        assert_eq!(request.person.client_id, None);
        assert_eq!(
            request.person.date_of_birth,
            time::macros::date!(1941 - 03 - 09)
        );
    }

    #[test]
    fn bad_details_are_refused_with_the_domains_words() {
        let text = json!({
            "relationship": "myself",
            "person": {"givenName": "A", "familyName": "B",
                       "dateOfBirth": "1941-03-09", "postcode": "nowhere"}
        });
        let error = serde_json::from_value::<NewAccessRequest>(text).unwrap_err();
        assert!(error.to_string().contains("UK postcode"), "{error}");
    }

    #[test]
    fn the_state_is_flattened_into_the_request() {
        let request = AccessRequest {
            request_id: "r1".into(),
            relationship: Relationship::Deputy,
            person: RequestedPerson {
                given_name: "A".into(),
                family_name: "B".into(),
                date_of_birth: time::macros::date!(1950 - 01 - 02),
                postcode: "WR1 1AA".parse().unwrap(),
                client_id: None,
            },
            evidence: None,
            state: AccessRequestState::Rejected {
                reason: "The details did not match our records.".into(),
            },
            person_id: None,
            submitted_at: time::macros::datetime!(2026-03-01 09:30 UTC),
            updated_at: time::macros::datetime!(2026-03-02 10:00 UTC),
        };
        let value = serde_json::to_value(&request).unwrap();
        assert_eq!(value["state"], "rejected");
        assert_eq!(value["reason"], "The details did not match our records.");
        assert_eq!(
            serde_json::from_value::<AccessRequest>(value).unwrap(),
            request
        );
    }
}
