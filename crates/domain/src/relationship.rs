//! How a requester stands to the person whose documents they want to see.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The requester's relationship to the person. Anyone other than the person themself must act
/// in one of the five formal roles; the council refuses access to anyone else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Relationship {
    /// The person is asking to see their own documents.
    Myself,
    LastingPowerOfAttorney,
    Deputy,
    Appointee,
    DirectPaymentNominee,
    NominatedFinancialRepresentative,
}

impl Relationship {
    pub const ALL: [Relationship; 6] = [
        Relationship::Myself,
        Relationship::LastingPowerOfAttorney,
        Relationship::Deputy,
        Relationship::Appointee,
        Relationship::DirectPaymentNominee,
        Relationship::NominatedFinancialRepresentative,
    ];

    /// The five formal roles someone can hold for another person.
    pub const FORMAL_ROLES: [Relationship; 5] = [
        Relationship::LastingPowerOfAttorney,
        Relationship::Deputy,
        Relationship::Appointee,
        Relationship::DirectPaymentNominee,
        Relationship::NominatedFinancialRepresentative,
    ];

    pub fn is_formal_role(self) -> bool {
        self != Relationship::Myself
    }

    /// A short name for lists and headings.
    pub fn label(self) -> &'static str {
        match self {
            Relationship::Myself => "Myself",
            Relationship::LastingPowerOfAttorney => "Lasting Power of Attorney",
            Relationship::Deputy => "Deputy",
            Relationship::Appointee => "Appointee",
            Relationship::DirectPaymentNominee => "Direct Payment Nominee",
            Relationship::NominatedFinancialRepresentative => "Nominated financial representative",
        }
    }

    /// One plain sentence saying what the role is.
    pub fn meaning(self) -> &'static str {
        match self {
            Relationship::Myself => "You want to see your own payments and letters.",
            Relationship::LastingPowerOfAttorney => {
                "The person chose you, in a legal document, to look after their money."
            }
            Relationship::Deputy => {
                "A court (the Court of Protection) chose you to look after the person's money."
            }
            Relationship::Appointee => {
                "The Department for Work and Pensions lets you deal with the person's benefits."
            }
            Relationship::DirectPaymentNominee => {
                "You agreed with the council to manage the person's Direct Payment for them."
            }
            Relationship::NominatedFinancialRepresentative => {
                "The council agreed that you can deal with the person's money matters."
            }
        }
    }

    /// What to have ready when asking for access in this role.
    pub fn evidence_hint(self) -> &'static str {
        match self {
            Relationship::Myself => "Your client ID if you know it. It is on your letters.",
            Relationship::LastingPowerOfAttorney => {
                "The 13-character access code from the Office of the Public Guardian. It starts with V."
            }
            Relationship::Deputy => "The court order number from your Court of Protection order.",
            Relationship::Appointee => "The date of your appointee letter from the DWP.",
            Relationship::DirectPaymentNominee => {
                "The date you signed the Direct Payment agreement as nominee."
            }
            Relationship::NominatedFinancialRepresentative => {
                "The name of the council worker who agreed you can act for the person."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_formal_roles_and_self() {
        assert_eq!(Relationship::FORMAL_ROLES.len(), 5);
        assert!(Relationship::FORMAL_ROLES
            .iter()
            .all(|r| r.is_formal_role()));
        assert!(!Relationship::Myself.is_formal_role());
    }

    #[test]
    fn every_role_explains_itself_plainly() {
        for role in Relationship::ALL {
            for text in [role.meaning(), role.evidence_hint()] {
                assert!(text.ends_with('.'), "{role:?}: {text}");
                assert!(
                    text.split_whitespace().count() <= 20,
                    "{role:?} too long: {text}"
                );
            }
        }
    }

    #[test]
    fn wire_names_are_stable() {
        assert_eq!(
            serde_json::to_string(&Relationship::LastingPowerOfAttorney).unwrap(),
            "\"lastingPowerOfAttorney\""
        );
        assert_eq!(
            serde_json::to_string(&Relationship::Myself).unwrap(),
            "\"myself\""
        );
    }
}
