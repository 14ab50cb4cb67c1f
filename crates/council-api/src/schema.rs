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

/// A Deferred Payment statement: closingBalance = openingBalance + careCostsDeferred + interest
/// + administrationCharges - paymentsReceived, and headroom = equityLimit - closingBalance.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeferredPaymentStatement {
    header: DeferredPaymentHeader,
    amounts: DeferredAmounts,
}

#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeferredPaymentHeader {
    reference: String,
    agreement_reference: String,
    #[schema(pattern = "^[0-9]{9}$")]
    client_id: String,
    client_name: String,
    #[schema(format = Date)]
    period_from: String,
    #[schema(format = Date)]
    period_to: String,
    #[schema(format = Date)]
    issued_on: String,
}

/// Every amount is a string like "12000.00"; all are zero or more except headroom.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeferredAmounts {
    #[schema(pattern = r"^-?[0-9]+\.[0-9]{2}$")]
    opening_balance: String,
    #[schema(pattern = r"^-?[0-9]+\.[0-9]{2}$")]
    care_costs_deferred: String,
    /// Interest for the period; it compounds daily at the rates listed.
    #[schema(pattern = r"^-?[0-9]+\.[0-9]{2}$")]
    interest: String,
    /// Oldest first: the first was in force when the period started; later ones start on a
    /// 1 January or 1 July inside the period.
    interest_rates: Vec<InterestRate>,
    #[schema(pattern = r"^-?[0-9]+\.[0-9]{2}$")]
    administration_charges: String,
    #[schema(pattern = r"^-?[0-9]+\.[0-9]{2}$")]
    payments_received: String,
    #[schema(pattern = r"^-?[0-9]+\.[0-9]{2}$")]
    closing_balance: String,
    #[schema(pattern = r"^-?[0-9]+\.[0-9]{2}$")]
    equity_limit: String,
    /// Negative when the amount owed is past the equity limit.
    #[schema(pattern = r"^-?[0-9]+\.[0-9]{2}$")]
    headroom: String,
}

#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InterestRate {
    #[schema(format = Date)]
    applies_from: String,
    /// Per cent a year, an exact decimal string like "2.65".
    #[schema(pattern = r"^[0-9]+(\.[0-9]+)?$")]
    percent_a_year: String,
}

/// What a step of an assessment's working is.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum AssessmentStepKind {
    IncomeCounted,
    TariffIncome,
    Disregard,
    HousingCosts,
    DisabilityRelatedExpenditure,
    MinimumIncomeGuarantee,
}

/// A financial assessment result. The steps' weekly amounts add up to weeklyContribution, or
/// the contribution is "0.00" when they add up to less than nothing.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FinancialAssessmentResult {
    reference: String,
    #[schema(pattern = "^[0-9]{9}$")]
    client_id: String,
    client_name: String,
    #[schema(format = Date)]
    assessed_on: String,
    /// May be before assessedOn: a backdated change.
    #[schema(format = Date)]
    applies_from: String,
    #[schema(pattern = r"^[0-9]+\.[0-9]{2}$")]
    weekly_contribution: String,
    steps: Vec<AssessmentStep>,
    /// The savings and other capital counted, if any.
    #[schema(pattern = r"^[0-9]+\.[0-9]{2}$")]
    capital: Option<String>,
    note: Option<String>,
}

#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssessmentStep {
    kind: AssessmentStepKind,
    description: String,
    /// Positive for income counted, negative for what is taken off.
    #[schema(pattern = r"^-?[0-9]+\.[0-9]{2}$")]
    weekly_amount: String,
}
