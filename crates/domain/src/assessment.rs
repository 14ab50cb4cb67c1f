//! A financial assessment result: the weekly amount a person pays towards their care, and the
//! steps that worked it out. The steps always add up to the contribution (or to less than nothing,
//! when the contribution is zero); a result that does not is refused, never shown.

use serde::{Deserialize, Serialize};
use time::Date;
use ts_rs::TS;

use crate::{ClientId, Money};

/// What a step of the working is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AssessmentStepKind {
    /// Weekly income that counts (pensions, benefits).
    IncomeCounted,
    /// The weekly amount counted from savings between the lower and upper capital limits.
    TariffIncome,
    /// Income the rules say to leave out.
    Disregard,
    /// Rent, mortgage or council tax the person pays.
    HousingCosts,
    /// Extra costs because of a disability or illness.
    DisabilityRelatedExpenditure,
    /// The amount a person must be left with to live on.
    MinimumIncomeGuarantee,
}

impl AssessmentStepKind {
    pub const ALL: [AssessmentStepKind; 6] = [
        AssessmentStepKind::IncomeCounted,
        AssessmentStepKind::TariffIncome,
        AssessmentStepKind::Disregard,
        AssessmentStepKind::HousingCosts,
        AssessmentStepKind::DisabilityRelatedExpenditure,
        AssessmentStepKind::MinimumIncomeGuarantee,
    ];

    /// The name people see.
    pub fn label(self) -> &'static str {
        match self {
            AssessmentStepKind::IncomeCounted => "Income counted",
            AssessmentStepKind::TariffIncome => "Income counted from savings",
            AssessmentStepKind::Disregard => "Income left out",
            AssessmentStepKind::HousingCosts => "Housing costs",
            AssessmentStepKind::DisabilityRelatedExpenditure => "Disability-related costs",
            AssessmentStepKind::MinimumIncomeGuarantee => "Money you keep to live on",
        }
    }

    /// The short code the finance system uses in its exports.
    pub fn code(self) -> &'static str {
        match self {
            AssessmentStepKind::IncomeCounted => "Income",
            AssessmentStepKind::TariffIncome => "Tariff",
            AssessmentStepKind::Disregard => "Disregard",
            AssessmentStepKind::HousingCosts => "Housing",
            AssessmentStepKind::DisabilityRelatedExpenditure => "DRE",
            AssessmentStepKind::MinimumIncomeGuarantee => "MIG",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// Income is counted in (never negative); everything else is taken off (never positive).
    fn adds(self) -> bool {
        matches!(
            self,
            AssessmentStepKind::IncomeCounted | AssessmentStepKind::TariffIncome
        )
    }
}

/// One step of the working: a weekly amount added to or taken off the income that counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AssessmentStep {
    pub kind: AssessmentStepKind,
    /// The council's words for the step ("State Pension").
    pub description: String,
    /// Positive for income counted, negative for what is taken off.
    pub weekly_amount: Money,
}

/// A whole result. It can only be made through [`FinancialAssessmentResult::new`] (or
/// deserialised, which goes through the same checks), so its working always adds up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", try_from = "UncheckedResult")]
pub struct FinancialAssessmentResult {
    reference: String,
    client_id: ClientId,
    client_name: String,
    #[ts(type = "string")]
    assessed_on: Date,
    /// The contribution is due from this day (it may be before `assessedOn`: a backdated change).
    #[ts(type = "string")]
    applies_from: Date,
    weekly_contribution: Money,
    steps: Vec<AssessmentStep>,
    /// The savings and other capital the assessment counted, when it counted any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    capital: Option<Money>,
    /// The finance team's own words about this result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    note: Option<String>,
}

/// The fields of a result before they are checked.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UncheckedResult {
    pub reference: String,
    pub client_id: ClientId,
    pub client_name: String,
    pub assessed_on: Date,
    pub applies_from: Date,
    pub weekly_contribution: Money,
    pub steps: Vec<AssessmentStep>,
    #[serde(default)]
    pub capital: Option<Money>,
    #[serde(default)]
    pub note: Option<String>,
}

impl TryFrom<UncheckedResult> for FinancialAssessmentResult {
    type Error = AssessmentError;
    fn try_from(u: UncheckedResult) -> Result<Self, Self::Error> {
        FinancialAssessmentResult::new(u)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssessmentError {
    #[error("Assessment {reference} has no reference or name.")]
    MissingHeader { reference: String },
    #[error("Assessment {reference} has no working: it needs at least one step.")]
    NoSteps { reference: String },
    #[error("Step {step} of assessment {reference} has no description.")]
    StepUndescribed { reference: String, step: usize },
    #[error("Step {step} of assessment {reference}: a {kind} step cannot be {amount}.")]
    WrongSign {
        reference: String,
        step: usize,
        kind: &'static str,
        amount: Money,
    },
    #[error("Assessment {reference}: the weekly contribution cannot be {amount}.")]
    NegativeContribution { reference: String, amount: Money },
    #[error("Assessment {reference}: the capital cannot be {amount}.")]
    NegativeCapital { reference: String, amount: Money },
    #[error("Assessment {reference} counts income from savings but does not say how much the savings are.")]
    TariffWithoutCapital { reference: String },
    #[error(
        "The steps of assessment {reference} add up to {steps_total} a week, so the contribution should be \
         {expected}, not {contribution}. The result was not saved. Please ask the finance team to check it."
    )]
    DoesNotAddUp {
        reference: String,
        steps_total: Money,
        expected: Money,
        contribution: Money,
    },
}

impl FinancialAssessmentResult {
    /// Checks the result and returns it, or says plainly what is wrong with it.
    pub fn new(u: UncheckedResult) -> Result<Self, AssessmentError> {
        let reference = u.reference.clone();
        if u.reference.trim().is_empty() || u.client_name.trim().is_empty() {
            return Err(AssessmentError::MissingHeader { reference });
        }
        if u.steps.is_empty() {
            return Err(AssessmentError::NoSteps { reference });
        }
        for (index, step) in u.steps.iter().enumerate() {
            let number = index + 1;
            if step.description.trim().is_empty() {
                return Err(AssessmentError::StepUndescribed {
                    reference,
                    step: number,
                });
            }
            let wrong = if step.kind.adds() {
                step.weekly_amount.is_negative()
            } else {
                !step.weekly_amount.is_negative() && !step.weekly_amount.is_zero()
            };
            if wrong {
                return Err(AssessmentError::WrongSign {
                    reference,
                    step: number,
                    kind: step.kind.label(),
                    amount: step.weekly_amount,
                });
            }
        }
        if u.weekly_contribution.is_negative() {
            return Err(AssessmentError::NegativeContribution {
                reference,
                amount: u.weekly_contribution,
            });
        }
        if let Some(amount) = u.capital.filter(|c| c.is_negative()) {
            return Err(AssessmentError::NegativeCapital { reference, amount });
        }
        let counts_savings = u
            .steps
            .iter()
            .any(|s| s.kind == AssessmentStepKind::TariffIncome);
        if counts_savings && u.capital.is_none() {
            return Err(AssessmentError::TariffWithoutCapital { reference });
        }
        let steps_total: Money = u.steps.iter().map(|s| s.weekly_amount).sum();
        // Nobody pays less than nothing: when the costs are more than the income, it is zero.
        let expected = if steps_total.is_negative() {
            Money::ZERO
        } else {
            steps_total
        };
        if expected != u.weekly_contribution {
            return Err(AssessmentError::DoesNotAddUp {
                reference,
                steps_total,
                expected,
                contribution: u.weekly_contribution,
            });
        }
        Ok(FinancialAssessmentResult {
            reference: u.reference,
            client_id: u.client_id,
            client_name: u.client_name,
            assessed_on: u.assessed_on,
            applies_from: u.applies_from,
            weekly_contribution: u.weekly_contribution,
            steps: u.steps,
            capital: u.capital,
            note: u.note.filter(|n| !n.trim().is_empty()),
        })
    }

    pub fn reference(&self) -> &str {
        &self.reference
    }

    pub fn client_id(&self) -> ClientId {
        self.client_id
    }

    pub fn client_name(&self) -> &str {
        &self.client_name
    }

    pub fn assessed_on(&self) -> Date {
        self.assessed_on
    }

    pub fn applies_from(&self) -> Date {
        self.applies_from
    }

    pub fn weekly_contribution(&self) -> Money {
        self.weekly_contribution
    }

    pub fn steps(&self) -> &[AssessmentStep] {
        &self.steps
    }

    pub fn capital(&self) -> Option<Money> {
        self.capital
    }

    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The sum of the steps: the weekly contribution, or less than nothing when it is zero.
    pub fn steps_total(&self) -> Money {
        self.steps.iter().map(|s| s.weekly_amount).sum()
    }

    /// Why the person pays nothing, when the steps come to less than nothing. Here so that the
    /// app's view and the printed result say the same thing.
    pub fn pays_nothing_sentence(&self) -> Option<&'static str> {
        self.steps_total().is_negative().then_some(
            "Your costs and the money you keep are more than the income that counts, \
             so you pay nothing each week.",
        )
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use time::macros::date;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    pub(crate) fn step(kind: AssessmentStepKind, amount: &str) -> AssessmentStep {
        AssessmentStep {
            kind,
            description: kind.label().into(),
            weekly_amount: m(amount),
        }
    }

    fn unchecked(steps: Vec<AssessmentStep>, contribution: &str) -> UncheckedResult {
        UncheckedResult {
            reference: "FA-100234567-1".into(),
            client_id: "100234567".parse().unwrap(),
            client_name: "Margaret Okafor".into(),
            assessed_on: date!(2024 - 11 - 25),
            applies_from: date!(2024 - 12 - 09),
            weekly_contribution: m(contribution),
            steps,
            capital: Some(m("16000.00")),
            note: None,
        }
    }

    pub(crate) fn working() -> Vec<AssessmentStep> {
        use AssessmentStepKind::*;
        vec![
            step(IncomeCounted, "221.20"),
            step(IncomeCounted, "108.55"),
            step(TariffIncome, "7.00"),
            step(Disregard, "-35.90"),
            step(HousingCosts, "-15.00"),
            step(DisabilityRelatedExpenditure, "-38.60"),
            step(MinimumIncomeGuarantee, "-228.70"),
        ]
    }

    pub(crate) fn result() -> FinancialAssessmentResult {
        FinancialAssessmentResult::new(unchecked(working(), "18.55")).unwrap()
    }

    #[test]
    fn the_steps_add_up_to_the_weekly_contribution() {
        let r = result();
        assert_eq!(r.weekly_contribution(), m("18.55"));
        assert_eq!(r.steps().len(), 7);
        assert_eq!(r.capital(), Some(m("16000.00")));
    }

    #[test]
    fn a_result_that_does_not_add_up_is_refused_plainly() {
        let err = FinancialAssessmentResult::new(unchecked(working(), "18.56")).unwrap_err();
        assert_eq!(
            err,
            AssessmentError::DoesNotAddUp {
                reference: "FA-100234567-1".into(),
                steps_total: m("18.55"),
                expected: m("18.55"),
                contribution: m("18.56"),
            }
        );
        assert!(
            err.to_string().contains("should be 18.55, not 18.56"),
            "{err}"
        );
    }

    #[test]
    fn a_contribution_is_never_below_zero() {
        use AssessmentStepKind::*;
        let steps = vec![
            step(IncomeCounted, "200.00"),
            step(MinimumIncomeGuarantee, "-228.70"),
        ];
        let r = FinancialAssessmentResult::new(UncheckedResult {
            capital: None,
            ..unchecked(steps.clone(), "0.00")
        })
        .unwrap();
        assert!(r.weekly_contribution().is_zero());
        let err = FinancialAssessmentResult::new(UncheckedResult {
            capital: None,
            ..unchecked(steps, "-28.70")
        })
        .unwrap_err();
        assert!(matches!(err, AssessmentError::NegativeContribution { .. }));
    }

    #[test]
    fn signs_are_checked_per_kind() {
        for kind in AssessmentStepKind::ALL {
            let amount = if kind.adds() { "-1.00" } else { "1.00" };
            let mut steps = working();
            steps.push(step(kind, amount));
            let err = FinancialAssessmentResult::new(unchecked(steps, "18.55")).unwrap_err();
            assert!(
                matches!(err, AssessmentError::WrongSign { step: 8, .. }),
                "{kind:?}: {err:?}"
            );
        }
    }

    #[test]
    fn other_refusals() {
        let err = FinancialAssessmentResult::new(unchecked(vec![], "0.00")).unwrap_err();
        assert!(matches!(err, AssessmentError::NoSteps { .. }));
        let err = FinancialAssessmentResult::new(UncheckedResult {
            capital: None,
            ..unchecked(working(), "18.55")
        })
        .unwrap_err();
        assert!(matches!(err, AssessmentError::TariffWithoutCapital { .. }));
        let mut steps = working();
        steps[0].description = " ".into();
        let err = FinancialAssessmentResult::new(unchecked(steps, "18.55")).unwrap_err();
        assert!(matches!(
            err,
            AssessmentError::StepUndescribed { step: 1, .. }
        ));
        let err = FinancialAssessmentResult::new(UncheckedResult {
            capital: Some(m("-1.00")),
            ..unchecked(working(), "18.55")
        })
        .unwrap_err();
        assert!(matches!(err, AssessmentError::NegativeCapital { .. }));
    }

    #[test]
    fn deserialising_runs_the_same_checks() {
        let good = serde_json::to_string(&result()).unwrap();
        assert!(good.contains(r#""weeklyContribution":"18.55""#), "{good}");
        let back: FinancialAssessmentResult = serde_json::from_str(&good).unwrap();
        assert_eq!(back, result());
        let bad = good.replace(r#""weeklyAmount":"7.00""#, r#""weeklyAmount":"8.00""#);
        assert_ne!(bad, good);
        let err = serde_json::from_str::<FinancialAssessmentResult>(&bad).unwrap_err();
        assert!(err.to_string().contains("add up to 19.55"), "{err}");
    }

    #[test]
    fn codes_round_trip() {
        for kind in AssessmentStepKind::ALL {
            assert_eq!(AssessmentStepKind::from_code(kind.code()), Some(kind));
        }
    }
}
