//! OpenAPI descriptions of the domain types that travel in this API (feature `openapi`).
//!
//! `cfp-domain` stays free of documentation machinery, so these mirror its serde shapes for the
//! OpenAPI document only; they are never built or sent. The service's OpenAPI test checks real
//! responses against the document, which catches a mirror that drifts from the domain.

#![allow(dead_code)]

use utoipa::ToSchema;

/// How the requester stands to the person.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Relationship {
    Myself,
    LastingPowerOfAttorney,
    Deputy,
    Appointee,
    DirectPaymentNominee,
    NominatedFinancialRepresentative,
}

#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum DocumentKind {
    RemittanceAdvice,
    DeferredPaymentStatement,
    FinancialAssessmentResult,
}

/// Where an access request stands; rejection and removal carry the council's reason.
#[derive(ToSchema)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum AccessRequestState {
    Pending,
    Approved,
    Rejected { reason: String },
    Withdrawn,
    Removed { reason: String },
}

/// What a remittance line is for ("Adj" is a rate adjustment, "MA" a manual adjustment).
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum LineKind {
    Budget,
    ClientContribution,
    OneOffPayment,
    RateAdjustment,
    ManualAdjustment,
    OverpaymentRecovery,
}

/// A Direct Payment remittance advice. The lines always add up to `netAmount`.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RemittanceAdvice {
    header: RemittanceHeader,
    lines: Vec<RemittanceLine>,
    /// Exact money: a string like "575.72".
    #[schema(pattern = r"^-?[0-9]+\.[0-9]{2}$")]
    net_amount: String,
}

#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RemittanceHeader {
    reference: String,
    #[schema(pattern = "^[0-9]{9}$")]
    client_id: String,
    client_name: String,
    payee: String,
    #[schema(format = Date)]
    period_from: String,
    #[schema(format = Date)]
    period_to: String,
    #[schema(format = Date)]
    finalised_on: String,
    #[schema(format = Date)]
    payment_date: String,
}

#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RemittanceLine {
    kind: LineKind,
    description: String,
    /// Positive is paid to the person, negative is taken off. A string like "-88.57".
    #[schema(pattern = r"^-?[0-9]+\.[0-9]{2}$")]
    amount: String,
    /// Budget and contribution lines: the weekly amount (amount = weeklyRate × days ÷ 7).
    #[schema(pattern = r"^-?[0-9]+\.[0-9]{2}$")]
    weekly_rate: Option<String>,
    days: Option<u32>,
    /// The finance team's own explanation; always present on a manual adjustment.
    council_note: Option<String>,
}
