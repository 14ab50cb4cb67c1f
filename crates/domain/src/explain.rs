//! What every line of an advice means, in plain English (reading age about 9).
//!
//! This is the ONE place these words live: the app, the PDFs and the command line all call
//! [`explain_line`], so a person reads the same explanation wherever they look.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{AssessmentStepKind, DeferredItem, LineKind, RemittanceLine};

impl LineKind {
    /// The general explanation of this kind of line.
    pub fn explanation(self) -> &'static str {
        match self {
            LineKind::Budget => {
                "This is the money agreed for your care and support. \
                 It is your weekly budget, worked out for the number of days this payment covers."
            }
            LineKind::ClientContribution => {
                "This is your own share of the cost of your care. \
                 The council takes it off the payment. \
                 You need to pay the same amount into your Direct Payment account yourself."
            }
            LineKind::OneOffPayment => {
                "This is an extra payment that your social worker agreed to. \
                 It is for something outside your usual care, and it is added on top of your usual payment."
            }
            LineKind::RateAdjustment => {
                "'Adj' means a rate adjustment. Your budget or your contribution changed, \
                 and the change goes back to earlier dates. \
                 This line adds or takes away the difference for those dates."
            }
            LineKind::ManualAdjustment => {
                "'MA' means a manual adjustment. Someone in the finance team changed this payment by hand. \
                 Their note says why. If the note does not tell you enough, contact the finance team."
            }
            LineKind::OverpaymentRecovery => {
                "The council paid you too much before. This often happens when your contribution is \
                 checked again for past dates. The council takes the extra back from your payments \
                 until it is all repaid. Keep paying your new weekly contribution into your account, \
                 so there is enough money for your care."
            }
        }
    }
}

impl DeferredItem {
    /// What this figure on a Deferred Payment statement means.
    pub fn explanation(self) -> &'static str {
        match self {
            DeferredItem::OpeningBalance => {
                "This is what you owed the council when this statement started."
            }
            DeferredItem::CareCostsDeferred => {
                "This is the cost of your care that the council paid for you in these months, to be paid back later."
            }
            DeferredItem::Interest => {
                "This is the interest added to what you owe, worked out every day at the rate shown."
            }
            DeferredItem::AdministrationCharges => {
                "This is what the council charges for setting up and running your agreement."
            }
            DeferredItem::PaymentsReceived => {
                "This is the money you or your family paid back in these months, taken off what you owe."
            }
            DeferredItem::ClosingBalance => {
                "This is what you owed the council when this statement ended."
            }
            DeferredItem::EquityLimit => {
                "This is the most you can owe, based on the value of your home less a safe margin."
            }
            DeferredItem::Headroom => {
                "This is how much more you can owe before you reach the equity limit."
            }
        }
    }
}

impl AssessmentStepKind {
    /// What this step of a financial assessment means.
    pub fn explanation(self) -> &'static str {
        match self {
            AssessmentStepKind::IncomeCounted => {
                "This is money you get each week, like a pension or benefit, that counts towards your contribution."
            }
            AssessmentStepKind::TariffIncome => {
                "Because your savings are over the lower limit, we count £1 a week for every £250 over it."
            }
            AssessmentStepKind::Disregard => {
                "This is money you get that the rules say we must leave out, so it is taken off."
            }
            AssessmentStepKind::HousingCosts => {
                "This is what you pay each week for your home, like rent or council tax, so it is taken off."
            }
            AssessmentStepKind::DisabilityRelatedExpenditure => {
                "These are the extra costs you have because of a disability or illness, so they are taken off."
            }
            AssessmentStepKind::MinimumIncomeGuarantee => {
                "This is the money the law says you must keep each week to live on, so it is taken off."
            }
        }
    }
}

/// Everything a person needs to understand one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LineExplanation {
    pub kind: LineKind,
    pub label: String,
    pub code: String,
    /// The general meaning of this kind of line.
    pub meaning: String,
    /// How this line's amount was worked out, when the advice says ("£150.00 a week for 31 days").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub working: Option<String>,
    /// The finance team's own words about this line (always there for an MA line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub council_note: Option<String>,
    /// Whether the line adds money, takes it away, or is nothing.
    pub effect: LineEffect,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum LineEffect {
    Adds,
    TakesOff,
    Nothing,
}

impl LineEffect {
    pub fn words(self) -> &'static str {
        match self {
            LineEffect::Adds => "Added to your payment",
            LineEffect::TakesOff => "Taken off your payment",
            LineEffect::Nothing => "No change to your payment",
        }
    }
}

/// Explains one line: its kind, how its amount was worked out, and the council's own note.
pub fn explain_line(line: &RemittanceLine) -> LineExplanation {
    let working = match (line.weekly_rate, line.days) {
        (Some(rate), Some(days)) => Some(format!(
            "{} a week for {} {} is {}.",
            rate.abs().to_display_gbp(),
            days,
            if days == 1 { "day" } else { "days" },
            line.amount.abs().to_display_gbp()
        )),
        _ => None,
    };
    let effect = if line.amount.is_zero() {
        LineEffect::Nothing
    } else if line.amount.is_negative() {
        LineEffect::TakesOff
    } else {
        LineEffect::Adds
    };
    LineExplanation {
        kind: line.kind,
        label: line.kind.label().to_string(),
        code: line.kind.code().to_string(),
        meaning: line.kind.explanation().to_string(),
        working,
        council_note: line
            .council_note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string),
        effect,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remittance::tests::{hampshire, line};

    /// Words a nine-year-old reader would stumble on, or finance jargon we promised to avoid.
    const JARGON: [&str; 8] = [
        "pro rata",
        "pro-rata",
        "remittance",
        "retrospective",
        "offset",
        "per diem",
        "accrue",
        "hereby",
    ];

    #[test]
    fn every_kind_has_a_short_plain_explanation() {
        for kind in LineKind::ALL {
            let text = kind.explanation();
            let lower = text.to_lowercase();
            for word in JARGON {
                assert!(!lower.contains(word), "{kind:?} uses '{word}'");
            }
            let sentences: Vec<_> = text.split(". ").collect();
            for s in &sentences {
                assert!(
                    s.split_whitespace().count() <= 22,
                    "{kind:?}: long sentence: {s}"
                );
            }
            assert!(text.ends_with('.'));
        }
        // The codes printed on advices are explained where they appear.
        assert!(LineKind::RateAdjustment.explanation().starts_with("'Adj'"));
        assert!(LineKind::ManualAdjustment.explanation().starts_with("'MA'"));
    }

    #[test]
    fn statement_items_and_assessment_steps_have_one_short_plain_sentence_each() {
        let texts: Vec<&str> = DeferredItem::ALL
            .iter()
            .map(|i| i.explanation())
            .chain(AssessmentStepKind::ALL.iter().map(|k| k.explanation()))
            .collect();
        for text in &texts {
            let lower = text.to_lowercase();
            for word in JARGON {
                assert!(!lower.contains(word), "'{word}' in: {text}");
            }
            assert_eq!(text.matches(". ").count(), 0, "one sentence: {text}");
            assert!(text.split_whitespace().count() <= 22, "long: {text}");
            assert!(text.ends_with('.'));
            assert!(lower.contains("you"), "addressed to the reader: {text}");
        }
        let mut distinct = texts.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), texts.len());
    }

    #[test]
    fn explanations_are_distinct() {
        let mut texts: Vec<_> = LineKind::ALL.iter().map(|k| k.explanation()).collect();
        texts.sort();
        texts.dedup();
        assert_eq!(texts.len(), LineKind::ALL.len());
    }

    #[test]
    fn working_shows_the_weekly_arithmetic() {
        let advice = hampshire();
        let budget = explain_line(&advice.lines()[0]);
        assert_eq!(
            budget.working.as_deref(),
            Some("£150.00 a week for 31 days is £664.29.")
        );
        assert_eq!(budget.effect, LineEffect::Adds);
        let contribution = explain_line(&advice.lines()[1]);
        assert_eq!(
            contribution.working.as_deref(),
            Some("£20.00 a week for 31 days is £88.57.")
        );
        assert_eq!(contribution.effect, LineEffect::TakesOff);
        assert_eq!(contribution.effect.words(), "Taken off your payment");
    }

    #[test]
    fn manual_adjustment_carries_the_councils_note() {
        let mut ma = line(LineKind::ManualAdjustment, "-12.00");
        ma.council_note = Some(" Refund of a bank charge paid twice in May. ".into());
        let e = explain_line(&ma);
        assert_eq!(e.code, "MA");
        assert_eq!(
            e.council_note.as_deref(),
            Some("Refund of a bank charge paid twice in May.")
        );
        assert!(e.meaning.contains("finance team"));
        assert_eq!(e.working, None);
    }

    #[test]
    fn every_kind_is_explained_through_the_same_function() {
        for kind in LineKind::ALL {
            let e = explain_line(&line(kind, "0.00"));
            assert_eq!(e.meaning, kind.explanation());
            assert_eq!(e.label, kind.label());
            assert_eq!(e.effect, LineEffect::Nothing);
        }
    }
}
