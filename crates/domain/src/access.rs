//! The life of an access request, from asking to approval, rejection, withdrawal or removal.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where an access request stands. Rejection and removal always carry the council's reason:
/// the Ombudsman found against a council that removed access without explaining why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum AccessRequestState {
    Pending,
    Approved,
    Rejected { reason: String },
    Withdrawn,
    Removed { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessTransitionError {
    #[error("This request has already been {0}, so it cannot be changed that way.")]
    NotAllowed(&'static str),
    #[error("Please give a reason. People must always be told why.")]
    ReasonMissing,
}

impl AccessRequestState {
    /// A one-word name for the state, as shown on a status tag.
    pub fn label(&self) -> &'static str {
        match self {
            AccessRequestState::Pending => "Waiting for review",
            AccessRequestState::Approved => "Approved",
            AccessRequestState::Rejected { .. } => "Not approved",
            AccessRequestState::Withdrawn => "Withdrawn",
            AccessRequestState::Removed { .. } => "Access removed",
        }
    }

    fn past_tense(&self) -> &'static str {
        match self {
            AccessRequestState::Pending => "sent",
            AccessRequestState::Approved => "approved",
            AccessRequestState::Rejected { .. } => "rejected",
            AccessRequestState::Withdrawn => "withdrawn",
            AccessRequestState::Removed { .. } => "removed",
        }
    }

    /// Whether this state lets the requester see the person's documents.
    pub fn grants_access(&self) -> bool {
        matches!(self, AccessRequestState::Approved)
    }

    pub fn approve(&self) -> Result<Self, AccessTransitionError> {
        match self {
            AccessRequestState::Pending => Ok(AccessRequestState::Approved),
            other => Err(AccessTransitionError::NotAllowed(other.past_tense())),
        }
    }

    pub fn reject(&self, reason: &str) -> Result<Self, AccessTransitionError> {
        let reason = required_reason(reason)?;
        match self {
            AccessRequestState::Pending => Ok(AccessRequestState::Rejected { reason }),
            other => Err(AccessTransitionError::NotAllowed(other.past_tense())),
        }
    }

    /// The requester takes back a request that has not been decided yet.
    pub fn withdraw(&self) -> Result<Self, AccessTransitionError> {
        match self {
            AccessRequestState::Pending => Ok(AccessRequestState::Withdrawn),
            other => Err(AccessTransitionError::NotAllowed(other.past_tense())),
        }
    }

    /// The council takes away access it gave.
    pub fn remove(&self, reason: &str) -> Result<Self, AccessTransitionError> {
        let reason = required_reason(reason)?;
        match self {
            AccessRequestState::Approved => Ok(AccessRequestState::Removed { reason }),
            other => Err(AccessTransitionError::NotAllowed(other.past_tense())),
        }
    }

    /// A rejected or withdrawn request may be sent again (it becomes a new pending request).
    pub fn resubmit(&self) -> Result<Self, AccessTransitionError> {
        match self {
            AccessRequestState::Rejected { .. } | AccessRequestState::Withdrawn => {
                Ok(AccessRequestState::Pending)
            }
            other => Err(AccessTransitionError::NotAllowed(other.past_tense())),
        }
    }
}

fn required_reason(reason: &str) -> Result<String, AccessTransitionError> {
    let trimmed = reason.trim();
    if trimmed.is_empty() {
        Err(AccessTransitionError::ReasonMissing)
    } else {
        Ok(trimmed.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccessRequestState::*;

    #[test]
    fn the_usual_journeys() {
        assert_eq!(Pending.approve(), Ok(Approved));
        assert!(Approved.grants_access());
        let removed = Approved.remove("The power of attorney ended").unwrap();
        assert!(!removed.grants_access());
        let rejected = Pending
            .reject("  Details did not match our records ")
            .unwrap();
        assert_eq!(
            rejected,
            Rejected {
                reason: "Details did not match our records".into()
            }
        );
        assert_eq!(rejected.resubmit(), Ok(Pending));
        assert_eq!(Pending.withdraw().unwrap().resubmit(), Ok(Pending));
    }

    #[test]
    fn reasons_are_required() {
        assert_eq!(
            Pending.reject("   "),
            Err(AccessTransitionError::ReasonMissing)
        );
        assert_eq!(
            Approved.remove(""),
            Err(AccessTransitionError::ReasonMissing)
        );
    }

    #[test]
    fn impossible_moves_are_refused() {
        assert_eq!(
            Approved.approve(),
            Err(AccessTransitionError::NotAllowed("approved"))
        );
        assert!(Approved.withdraw().is_err());
        assert!(Pending.remove("x").is_err());
        assert!(Approved.resubmit().is_err());
        assert!(Withdrawn.approve().is_err());
        let removed = Removed { reason: "x".into() };
        assert!(removed.approve().is_err());
        assert!(removed.resubmit().is_err());
    }

    #[test]
    fn wire_shape_is_tagged() {
        let json = serde_json::to_value(Rejected {
            reason: "No match".into(),
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"state": "rejected", "reason": "No match"})
        );
    }
}
