//! The kinds of financial document the council publishes.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum DocumentKind {
    RemittanceAdvice,
    DeferredPaymentStatement,
    FinancialAssessmentResult,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 3] = [
        DocumentKind::RemittanceAdvice,
        DocumentKind::DeferredPaymentStatement,
        DocumentKind::FinancialAssessmentResult,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::RemittanceAdvice => "Direct Payment remittance advice",
            DocumentKind::DeferredPaymentStatement => "Deferred Payment statement",
            DocumentKind::FinancialAssessmentResult => "Financial assessment result",
        }
    }

    /// One plain sentence saying what the document is.
    pub fn meaning(self) -> &'static str {
        match self {
            DocumentKind::RemittanceAdvice => {
                "A note of one Direct Payment: how much was paid and how it was worked out."
            }
            DocumentKind::DeferredPaymentStatement => {
                "How much you owe the council under your deferred payment agreement."
            }
            DocumentKind::FinancialAssessmentResult => {
                "How much you pay towards your care each week, and how it was worked out."
            }
        }
    }
}
