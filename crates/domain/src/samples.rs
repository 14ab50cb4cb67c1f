//! Sample documents for tests in the crates that show them (feature `samples`): a Deferred
//! Payment statement and a financial assessment result whose figures add up, so each test
//! states only what it varies.

use time::macros::date;

use crate::{
    AssessmentStep, AssessmentStepKind, DeferredAmounts, DeferredPaymentHeader,
    DeferredPaymentStatement, FinancialAssessmentResult, InterestRate, Money, UncheckedResult,
};

/// The balance every sample statement closes on.
pub const STATEMENT_CLOSING_BALANCE: &str = "20742.40";
/// The weekly contribution of the sample assessment.
pub const ASSESSMENT_WEEKLY_CONTRIBUTION: &str = "21.30";

fn money(text: &str) -> Money {
    text.parse().expect("a sample amount")
}

/// Six months to 31 March 2026, across the 1 January rate change: 12,000.00 plus 9,000.00
/// plus 182.40 plus 60.00 less 500.00 is 20,742.40 owed, with the headroom that
/// `equity_limit` leaves (negative when the limit is below that).
pub fn deferred_payment_statement(
    reference: &str,
    client_id: &str,
    client_name: &str,
    equity_limit: &str,
) -> DeferredPaymentStatement {
    let closing = money(STATEMENT_CLOSING_BALANCE);
    let equity_limit = money(equity_limit);
    DeferredPaymentStatement::new(
        DeferredPaymentHeader {
            reference: reference.into(),
            agreement_reference: format!("DPA-{client_id}"),
            client_id: client_id.parse().expect("a sample client ID"),
            client_name: client_name.into(),
            period_from: date!(2025 - 10 - 01),
            period_to: date!(2026 - 03 - 31),
            issued_on: date!(2026 - 04 - 10),
        },
        DeferredAmounts {
            opening_balance: money("12000.00"),
            care_costs_deferred: money("9000.00"),
            interest: money("182.40"),
            interest_rates: vec![
                InterestRate {
                    applies_from: date!(2025 - 07 - 01),
                    percent_a_year: "2.65".parse().expect("a rate"),
                },
                InterestRate {
                    applies_from: date!(2026 - 01 - 01),
                    percent_a_year: "2.40".parse().expect("a rate"),
                },
            ],
            administration_charges: money("60.00"),
            payments_received: money("500.00"),
            closing_balance: closing,
            equity_limit,
            headroom: equity_limit - closing,
        },
    )
    .expect("the sample statement adds up")
}

/// Worked out on 20 February 2026 and backdated to 5 January: a State Pension of 230.25 a
/// week, less 15.00 council tax and 193.95 to live on, leaves 21.30 a week.
pub fn assessment_result(
    reference: &str,
    client_id: &str,
    client_name: &str,
    note: Option<&str>,
) -> FinancialAssessmentResult {
    let step = |kind, description: &str, amount: &str| AssessmentStep {
        kind,
        description: description.into(),
        weekly_amount: money(amount),
    };
    FinancialAssessmentResult::new(UncheckedResult {
        reference: reference.into(),
        client_id: client_id.parse().expect("a sample client ID"),
        client_name: client_name.into(),
        assessed_on: date!(2026 - 02 - 20),
        applies_from: date!(2026 - 01 - 05),
        weekly_contribution: money(ASSESSMENT_WEEKLY_CONTRIBUTION),
        steps: vec![
            step(AssessmentStepKind::IncomeCounted, "State Pension", "230.25"),
            step(AssessmentStepKind::HousingCosts, "Council tax", "-15.00"),
            step(
                AssessmentStepKind::MinimumIncomeGuarantee,
                "Money to live on",
                "-193.95",
            ),
        ],
        capital: None,
        note: note.map(Into::into),
    })
    .expect("the sample assessment adds up")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_samples_add_up_on_either_side_of_the_equity_limit() {
        let within = deferred_payment_statement("DPS-1", "100234567", "A B", "153000.00");
        assert_eq!(within.amounts().headroom, money("132257.60"));
        let past = deferred_payment_statement("DPS-2", "100234567", "A B", "20000.00");
        assert_eq!(past.amounts().headroom, money("-742.40"));
        let result = assessment_result("FA-1", "100234567", "A B", None);
        assert_eq!(
            result.weekly_contribution(),
            money(ASSESSMENT_WEEKLY_CONTRIBUTION)
        );
    }
}
