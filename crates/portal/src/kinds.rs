//! Deferred Payment statements and financial assessment results, explained: every figure and
//! step with its label, exact amount and plain-English meaning (from `cfp-domain`, the one place
//! those words live), sums that visibly add up, and the headroom said in words. Pure: no store,
//! no clock.

use cfp_core::{
    AssessmentStepView, AssessmentView, BalanceRole, BalanceStepView, DeferredFigureView,
    DeferredPaymentView, InterestRateView,
};
use cfp_domain::{
    DeferredItem, DeferredPaymentStatement, FinancialAssessmentResult, LineEffect, Money,
};

// Shared with the exports, which read the same bodies.
pub use cfp_core::typed_body;

fn figure(statement: &DeferredPaymentStatement, item: DeferredItem) -> DeferredFigureView {
    DeferredFigureView {
        item,
        label: item.label().to_string(),
        amount: statement.amount_of(item),
        explanation: item.explanation().to_string(),
    }
}

/// Explains a Deferred Payment statement.
pub fn deferred_payment_view(statement: &DeferredPaymentStatement) -> DeferredPaymentView {
    use DeferredItem::*;
    let balance = [
        (OpeningBalance, BalanceRole::Start),
        (CareCostsDeferred, BalanceRole::Adds),
        (Interest, BalanceRole::Adds),
        (AdministrationCharges, BalanceRole::Adds),
        (PaymentsReceived, BalanceRole::TakesOff),
        (ClosingBalance, BalanceRole::Result),
    ]
    .into_iter()
    .map(|(item, role)| BalanceStepView {
        role,
        figure: figure(statement, item),
    })
    .collect::<Vec<_>>();
    debug_assert_eq!(
        balance
            .iter()
            .fold(Money::ZERO, |sum, step| match step.role {
                BalanceRole::Start | BalanceRole::Adds => sum + step.figure.amount,
                BalanceRole::TakesOff => sum - step.figure.amount,
                BalanceRole::Result => sum,
            }),
        statement.amounts().closing_balance,
        "a checked statement adds up"
    );
    let amounts = statement.amounts();
    let headroom = amounts.headroom;
    // The sentence lives in the domain so the printed statement says the same.
    DeferredPaymentView {
        header: statement.header().clone(),
        balance,
        equity_limit: figure(statement, EquityLimit),
        headroom: figure(statement, Headroom),
        headroom_sentence: statement.headroom_sentence(),
        past_equity_limit: headroom.is_negative(),
        interest_rates: amounts
            .interest_rates
            .iter()
            .map(|rate| InterestRateView {
                applies_from: rate.applies_from.to_string(),
                percent_a_year: rate.percent_a_year.to_string(),
            })
            .collect(),
    }
}

/// Explains a financial assessment result.
pub fn assessment_view(result: &FinancialAssessmentResult) -> AssessmentView {
    let steps: Vec<AssessmentStepView> = result
        .steps()
        .iter()
        .map(|step| AssessmentStepView {
            kind: step.kind,
            label: step.kind.label().to_string(),
            description: step.description.clone(),
            weekly_amount: step.weekly_amount,
            effect: if step.weekly_amount.is_zero() {
                LineEffect::Nothing
            } else if step.weekly_amount.is_negative() {
                LineEffect::TakesOff
            } else {
                LineEffect::Adds
            },
            explanation: step.kind.explanation().to_string(),
        })
        .collect();
    let steps_total: Money = steps.iter().map(|s| s.weekly_amount).sum();
    // A checked result's steps add up to its contribution, or to less than nothing when the
    // contribution is zero: the screen can show the sum with confidence.
    debug_assert!(
        steps_total == result.weekly_contribution()
            || (steps_total.is_negative() && result.weekly_contribution().is_zero()),
        "a checked result adds up"
    );
    AssessmentView {
        reference: result.reference().to_string(),
        client_id: result.client_id(),
        client_name: result.client_name().to_string(),
        assessed_on: result.assessed_on().to_string(),
        applies_from: result.applies_from().to_string(),
        weekly_contribution: result.weekly_contribution(),
        steps,
        steps_total,
        pays_nothing_sentence: result.pays_nothing_sentence().map(str::to_string),
        capital: result.capital(),
        note: result.note().map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cfp_domain::{AssessmentStep, AssessmentStepKind, DocumentKind, UncheckedResult};
    use time::macros::date;

    fn m(text: &str) -> Money {
        text.parse().unwrap()
    }

    fn statement(equity_limit: &str) -> DeferredPaymentStatement {
        cfp_domain::samples::deferred_payment_statement(
            "DPS-2026-0042",
            "100318859",
            "Irene Hartley",
            equity_limit,
        )
    }

    #[test]
    fn the_balance_reads_top_to_bottom_and_adds_up_exactly() {
        let view = deferred_payment_view(&statement("153000.00"));
        let rows: Vec<(BalanceRole, &str, Money)> = view
            .balance
            .iter()
            .map(|s| (s.role, s.figure.label.as_str(), s.figure.amount))
            .collect();
        assert_eq!(
            rows,
            [
                (BalanceRole::Start, "Opening balance", m("12000.00")),
                (BalanceRole::Adds, "Care costs deferred", m("9000.00")),
                (BalanceRole::Adds, "Interest", m("182.40")),
                (BalanceRole::Adds, "Administration charges", m("60.00")),
                (BalanceRole::TakesOff, "Payments received", m("500.00")),
                (BalanceRole::Result, "Closing balance", m("20742.40")),
            ]
        );
        for step in &view.balance {
            assert_eq!(step.figure.explanation, step.figure.item.explanation());
        }
        assert_eq!(view.equity_limit.amount, m("153000.00"));
        assert_eq!(view.headroom.amount, m("132257.60"));
        assert_eq!(
            view.headroom.explanation,
            DeferredItem::Headroom.explanation()
        );
        assert!(!view.past_equity_limit);
        assert_eq!(
            view.headroom_sentence,
            "You can owe £132,257.60 more before you reach your equity limit of £153,000.00."
        );
        assert_eq!(view.header.reference, "DPS-2026-0042");
    }

    #[test]
    fn the_rates_come_with_the_day_each_applies_from() {
        let view = deferred_payment_view(&statement("153000.00"));
        assert_eq!(
            view.interest_rates,
            [
                InterestRateView {
                    applies_from: "2025-07-01".into(),
                    percent_a_year: "2.65".into()
                },
                InterestRateView {
                    applies_from: "2026-01-01".into(),
                    percent_a_year: "2.40".into()
                },
            ]
        );
    }

    #[test]
    fn past_the_equity_limit_the_headroom_is_a_warning() {
        let view = deferred_payment_view(&statement("20000.00"));
        assert!(view.past_equity_limit);
        assert_eq!(view.headroom.amount, m("-742.40"));
        assert!(
            view.headroom_sentence
                .starts_with("You owe £742.40 more than your equity limit of £20,000.00."),
            "{}",
            view.headroom_sentence
        );
        assert!(view.headroom_sentence.contains("contact the finance team"));
        let at_limit = deferred_payment_view(&statement("20742.40"));
        assert!(!at_limit.past_equity_limit);
        assert!(at_limit
            .headroom_sentence
            .starts_with("You have reached your equity limit of £20,742.40."));
    }

    fn step(kind: AssessmentStepKind, description: &str, amount: &str) -> AssessmentStep {
        AssessmentStep {
            kind,
            description: description.into(),
            weekly_amount: m(amount),
        }
    }

    fn result(steps: Vec<AssessmentStep>, contribution: &str) -> FinancialAssessmentResult {
        FinancialAssessmentResult::new(UncheckedResult {
            reference: "FA-100234567-1".into(),
            client_id: "100234567".parse().unwrap(),
            client_name: "Margaret Okafor".into(),
            assessed_on: date!(2024 - 11 - 25),
            applies_from: date!(2024 - 12 - 09),
            weekly_contribution: m(contribution),
            steps,
            capital: Some(m("16000.00")),
            note: Some("  We used your pension letter from April.  ".into()),
        })
        .unwrap()
    }

    #[test]
    fn the_steps_are_explained_and_their_sum_is_the_weekly_contribution() {
        use AssessmentStepKind::*;
        let view = assessment_view(&result(
            vec![
                step(IncomeCounted, "State Pension", "221.20"),
                step(IncomeCounted, "Pension Credit", "108.55"),
                step(TariffIncome, "Savings", "7.00"),
                step(Disregard, "Savings credit", "-35.90"),
                step(HousingCosts, "Council tax", "-15.00"),
                step(DisabilityRelatedExpenditure, "Extra heating", "-38.60"),
                step(MinimumIncomeGuarantee, "Money to live on", "-228.70"),
            ],
            "18.55",
        ));
        assert_eq!(view.steps.len(), 7);
        assert_eq!(view.steps_total, m("18.55"));
        assert_eq!(view.weekly_contribution, m("18.55"));
        assert_eq!(view.pays_nothing_sentence, None);
        let first = &view.steps[0];
        assert_eq!(
            (
                first.label.as_str(),
                first.description.as_str(),
                first.effect
            ),
            ("Income counted", "State Pension", LineEffect::Adds)
        );
        assert_eq!(first.explanation, IncomeCounted.explanation());
        assert_eq!(view.steps[6].effect, LineEffect::TakesOff);
        assert_eq!(view.steps[6].weekly_amount, m("-228.70"));
        assert_eq!(
            (view.assessed_on.as_str(), view.applies_from.as_str()),
            ("2024-11-25", "2024-12-09")
        );
        assert_eq!(view.capital, Some(m("16000.00")));
    }

    #[test]
    fn when_the_steps_come_to_less_than_nothing_the_person_pays_nothing_and_is_told_why() {
        use AssessmentStepKind::*;
        let view = assessment_view(&result(
            vec![
                step(IncomeCounted, "State Pension", "200.00"),
                step(TariffIncome, "Savings", "0.00"),
                step(MinimumIncomeGuarantee, "Money to live on", "-228.70"),
            ],
            "0.00",
        ));
        assert_eq!(view.steps_total, m("-28.70"));
        assert_eq!(view.weekly_contribution, Money::ZERO);
        assert_eq!(view.steps[1].effect, LineEffect::Nothing);
        assert!(view
            .pays_nothing_sentence
            .as_deref()
            .is_some_and(|s| s.contains("you pay nothing")));
    }

    #[test]
    fn a_kept_body_reads_back_typed_either_alone_or_inside_the_councils_document() {
        let s = statement("153000.00");
        let alone = serde_json::to_value(&s).unwrap();
        let kind = DocumentKind::DeferredPaymentStatement;
        assert_eq!(
            typed_body::<DeferredPaymentStatement>(kind, &alone),
            Some(s.clone())
        );
        let wrapped = serde_json::json!({ "documentId": "d", "deferredPayment": alone });
        assert_eq!(
            typed_body::<DeferredPaymentStatement>(kind, &wrapped),
            Some(s)
        );
        // A body that does not add up is not shown.
        let mut broken = serde_json::to_value(statement("153000.00")).unwrap();
        broken["amounts"]["closingBalance"] = serde_json::json!("1.00");
        assert_eq!(typed_body::<DeferredPaymentStatement>(kind, &broken), None);
        let none = serde_json::json!({ "documentId": "d" });
        assert_eq!(
            typed_body::<FinancialAssessmentResult>(DocumentKind::FinancialAssessmentResult, &none),
            None
        );
    }
}
