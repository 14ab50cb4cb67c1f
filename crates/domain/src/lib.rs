//! The Client Finance Portal's domain: pure types and rules, no IO, no clock.
//!
//! Everything that says what a document *means* lives here, so the app, the PDFs and the
//! command line all say the same thing in the same words.

pub mod access;
pub mod assessment;
pub mod changes;
pub mod client_id;
pub mod deferred;
pub mod document;
pub mod explain;
pub mod money;
pub mod person;
pub mod relationship;
pub mod remittance;
#[cfg(any(test, feature = "samples"))]
pub mod samples;

pub use access::{AccessRequestState, AccessTransitionError};
pub use assessment::{
    AssessmentError, AssessmentStep, AssessmentStepKind, FinancialAssessmentResult, UncheckedResult,
};
pub use changes::{what_changed, Change, ChangeKind};
pub use client_id::{ClientId, ClientIdError};
pub use deferred::{
    DeferredAmounts, DeferredItem, DeferredPaymentError, DeferredPaymentHeader,
    DeferredPaymentStatement, InterestRate,
};
pub use document::DocumentKind;
pub use explain::{explain_line, LineEffect, LineExplanation};
pub use money::{checked_pro_rata, pro_rata, Money, MoneyError};
pub use person::{Person, Postcode, PostcodeError};
pub use relationship::Relationship;
pub use remittance::{
    LineKind, RemittanceAdvice, RemittanceError, RemittanceHeader, RemittanceLine,
};
