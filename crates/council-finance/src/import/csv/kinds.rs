//! The CSV rows of Deferred Payment statements (`DEFERRED` and its `DEFERRED_RATE` rows) and
//! financial assessment results (`ASSESSMENT` and its `ASSESSMENT_STEP` rows), as in `IMPORT.md`.

use cfp_domain::{
    AssessmentStep, AssessmentStepKind, DeferredAmounts, DeferredPaymentHeader, InterestRate,
    UncheckedResult,
};
use rust_decimal::Decimal;

use super::{date, money, required, shorten};

pub const DEFERRED_FIELDS: [&str; 16] = [
    "DEFERRED",
    "reference",
    "agreement_reference",
    "client_id",
    "client_name",
    "period_from",
    "period_to",
    "issued_on",
    "opening_balance",
    "care_costs_deferred",
    "interest",
    "administration_charges",
    "payments_received",
    "closing_balance",
    "equity_limit",
    "headroom",
];
pub const DEFERRED_RATE_FIELDS: [&str; 4] = [
    "DEFERRED_RATE",
    "reference",
    "applies_from",
    "percent_a_year",
];
pub const ASSESSMENT_FIELDS: [&str; 9] = [
    "ASSESSMENT",
    "reference",
    "client_id",
    "client_name",
    "assessed_on",
    "applies_from",
    "weekly_contribution",
    "capital",
    "note",
];
pub const ASSESSMENT_STEP_FIELDS: [&str; 5] = [
    "ASSESSMENT_STEP",
    "reference",
    "code",
    "description",
    "weekly_amount",
];

/// A statement's row, without its rates (they come on their own rows).
pub fn deferred(f: Vec<&str>) -> Result<(DeferredPaymentHeader, DeferredAmounts), String> {
    let header = DeferredPaymentHeader {
        reference: required(f[1], "reference")?.to_owned(),
        agreement_reference: required(f[2], "agreement_reference")?.to_owned(),
        client_id: f[3].parse().map_err(|e| format!("client_id: {e}"))?,
        client_name: required(f[4], "client_name")?.to_owned(),
        period_from: date(f[5], "period_from")?,
        period_to: date(f[6], "period_to")?,
        issued_on: date(f[7], "issued_on")?,
    };
    let amounts = DeferredAmounts {
        opening_balance: money(f[8], "opening_balance")?,
        care_costs_deferred: money(f[9], "care_costs_deferred")?,
        interest: money(f[10], "interest")?,
        interest_rates: Vec::new(),
        administration_charges: money(f[11], "administration_charges")?,
        payments_received: money(f[12], "payments_received")?,
        closing_balance: money(f[13], "closing_balance")?,
        equity_limit: money(f[14], "equity_limit")?,
        headroom: money(f[15], "headroom")?,
    };
    Ok((header, amounts))
}

pub fn deferred_rate(f: Vec<&str>) -> Result<(String, InterestRate), String> {
    let reference = required(f[1], "reference")?.to_owned();
    let percent = Decimal::from_str_exact(f[3]).map_err(|_| {
        format!(
            "percent_a_year '{}' is not a number. Write a rate of 2.65% a year as 2.65.",
            shorten(f[3])
        )
    })?;
    Ok((
        reference,
        InterestRate {
            applies_from: date(f[2], "applies_from")?,
            percent_a_year: percent,
        },
    ))
}

/// An assessment's row, without its steps (they come on their own rows).
pub fn assessment(f: Vec<&str>) -> Result<UncheckedResult, String> {
    Ok(UncheckedResult {
        reference: required(f[1], "reference")?.to_owned(),
        client_id: f[2].parse().map_err(|e| format!("client_id: {e}"))?,
        client_name: required(f[3], "client_name")?.to_owned(),
        assessed_on: date(f[4], "assessed_on")?,
        applies_from: date(f[5], "applies_from")?,
        weekly_contribution: money(f[6], "weekly_contribution")?,
        steps: Vec::new(),
        capital: match f[7] {
            "" => None,
            text => Some(money(text, "capital")?),
        },
        note: Some(f[8]).filter(|n| !n.is_empty()).map(str::to_owned),
    })
}

pub fn assessment_step(f: Vec<&str>) -> Result<(String, AssessmentStep), String> {
    let reference = required(f[1], "reference")?.to_owned();
    let kind = AssessmentStepKind::from_code(f[2]).ok_or_else(|| {
        format!(
            "code '{}' is not a step code. Use one of: Income, Tariff, Disregard, Housing, DRE, MIG.",
            shorten(f[2])
        )
    })?;
    Ok((
        reference,
        AssessmentStep {
            kind,
            description: required(f[3], "description")?.to_owned(),
            weekly_amount: money(f[4], "weekly_amount")?,
        },
    ))
}
