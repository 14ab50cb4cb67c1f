//! Actions made offline, waiting in the store's outbox until sync sends them.
//!
//! The store keeps each one as a kind and a JSON payload; this module is the one place that
//! knows which kinds exist and how each is sent, so the app core queues through
//! [`OutboxAction::queue`] and sync sends through [`OutboxAction::send`].

use cfp_store::{OutboxId, OutboxItem, Store, StoreError};
use council_api::{AccessRequest, NewAccessRequest};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::api::{ApiError, CouncilApi};
use crate::Secret;

/// One action the user took while offline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutboxAction {
    /// Ask for access to a person's documents.
    RequestAccess(NewAccessRequest),
    /// Send a rejected or withdrawn request again, with corrected details.
    ResubmitAccessRequest {
        request_id: String,
        corrected: NewAccessRequest,
    },
    /// Withdraw a request still waiting for review.
    WithdrawAccessRequest { request_id: String },
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Resubmit {
    request_id: String,
    corrected: NewAccessRequest,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Withdraw {
    request_id: String,
}

impl OutboxAction {
    pub const REQUEST_ACCESS: &'static str = "accessRequest";
    pub const RESUBMIT_ACCESS_REQUEST: &'static str = "accessRequestResubmit";
    pub const WITHDRAW_ACCESS_REQUEST: &'static str = "accessRequestWithdraw";

    /// The kind the store files it under.
    pub fn kind(&self) -> &'static str {
        match self {
            OutboxAction::RequestAccess(_) => Self::REQUEST_ACCESS,
            OutboxAction::ResubmitAccessRequest { .. } => Self::RESUBMIT_ACCESS_REQUEST,
            OutboxAction::WithdrawAccessRequest { .. } => Self::WITHDRAW_ACCESS_REQUEST,
        }
    }

    /// The payload the store keeps.
    pub fn payload(&self) -> serde_json::Value {
        let value = match self {
            OutboxAction::RequestAccess(request) => serde_json::to_value(request),
            OutboxAction::ResubmitAccessRequest {
                request_id,
                corrected,
            } => serde_json::to_value(Resubmit {
                request_id: request_id.clone(),
                corrected: corrected.clone(),
            }),
            OutboxAction::WithdrawAccessRequest { request_id } => serde_json::to_value(Withdraw {
                request_id: request_id.clone(),
            }),
        };
        value.expect("plain data serialises")
    }

    /// Reads a kept item back; `None` for a kind this version of the app does not know or a
    /// payload it cannot read (the item is kept, and reported).
    pub fn from_item(item: &OutboxItem) -> Option<Self> {
        let payload = item.payload.clone();
        match item.kind.as_str() {
            Self::REQUEST_ACCESS => serde_json::from_value(payload)
                .ok()
                .map(OutboxAction::RequestAccess),
            Self::RESUBMIT_ACCESS_REQUEST => {
                serde_json::from_value::<Resubmit>(payload).ok().map(|r| {
                    OutboxAction::ResubmitAccessRequest {
                        request_id: r.request_id,
                        corrected: r.corrected,
                    }
                })
            }
            Self::WITHDRAW_ACCESS_REQUEST => {
                serde_json::from_value::<Withdraw>(payload).ok().map(|w| {
                    OutboxAction::WithdrawAccessRequest {
                        request_id: w.request_id,
                    }
                })
            }
            _ => None,
        }
    }

    /// Queues the action in the store, to be sent at the next sync that finds the council.
    pub async fn queue(&self, store: &Store, at: OffsetDateTime) -> Result<OutboxId, StoreError> {
        store.outbox_push(self.kind(), &self.payload(), at).await
    }

    /// Sends it to the council.
    pub async fn send(&self, api: &CouncilApi, token: &Secret) -> Result<AccessRequest, ApiError> {
        match self {
            OutboxAction::RequestAccess(request) => api.create_access_request(token, request).await,
            OutboxAction::ResubmitAccessRequest {
                request_id,
                corrected,
            } => {
                api.resubmit_access_request(token, request_id, corrected)
                    .await
            }
            OutboxAction::WithdrawAccessRequest { request_id } => {
                api.withdraw_access_request(token, request_id).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn request() -> NewAccessRequest {
        NewAccessRequest {
            relationship: cfp_domain::Relationship::Deputy,
            person: council_api::RequestedPerson {
                given_name: "A".into(),
                family_name: "B".into(),
                date_of_birth: date!(1950 - 01 - 02),
                postcode: "WR1 1AA".parse().unwrap(),
                client_id: None,
            },
            evidence: Some("Court order 1".into()),
        }
    }

    #[test]
    fn every_action_reads_back_from_its_kind_and_payload() {
        for action in [
            OutboxAction::RequestAccess(request()),
            OutboxAction::ResubmitAccessRequest {
                request_id: "r1".into(),
                corrected: request(),
            },
            OutboxAction::WithdrawAccessRequest {
                request_id: "r2".into(),
            },
        ] {
            let item = OutboxItem {
                id: OutboxId(1),
                kind: action.kind().into(),
                payload: action.payload(),
                created_at: datetime!(2026-11-30 09:00 UTC),
                attempts: 0,
            };
            assert_eq!(OutboxAction::from_item(&item), Some(action));
        }
        let unknown = OutboxItem {
            id: OutboxId(2),
            kind: "somethingNew".into(),
            payload: serde_json::json!({}),
            created_at: datetime!(2026-11-30 09:00 UTC),
            attempts: 0,
        };
        assert_eq!(OutboxAction::from_item(&unknown), None);
    }
}
