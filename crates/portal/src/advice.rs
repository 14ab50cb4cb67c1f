//! A remittance advice, explained: its lines grouped by kind with every line's explanation
//! (from `cfp-domain`, the one place those words live), subtotals, totals that add up
//! exactly, and what changed since the payment before. Pure: no store, no clock.

use cfp_core::{AdviceTotalsView, AdviceView, LineGroupView, LineView};
use cfp_domain::{explain_line, what_changed, Money, RemittanceAdvice};

/// Explains `advice`; `previous` is the advice paid before it, if one is kept.
pub fn advice_view(advice: &RemittanceAdvice, previous: Option<&RemittanceAdvice>) -> AdviceView {
    let groups = advice
        .lines_by_kind()
        .into_iter()
        .map(|(kind, lines)| LineGroupView {
            kind,
            label: kind.label().to_string(),
            meaning: kind.explanation().to_string(),
            subtotal: lines.iter().map(|l| l.amount).sum(),
            lines: lines
                .into_iter()
                .map(|line| LineView {
                    description: line.description.clone(),
                    amount: line.amount,
                    explanation: explain_line(line),
                })
                .collect(),
        })
        .collect();
    AdviceView {
        header: advice.header().clone(),
        groups,
        totals: totals(advice),
        changes: previous
            .map(|before| what_changed(before, advice))
            .unwrap_or_default(),
        previous_payment_date: previous.map(|before| before.header().payment_date.to_string()),
    }
}

/// Money added, money taken off (as a positive amount), and what was paid. `paid` is the
/// advice's own net amount, and an advice only exists if its lines add up to it, so
/// `added - taken_off == paid` always holds: the screen can show the sum with confidence.
pub fn totals(advice: &RemittanceAdvice) -> AdviceTotalsView {
    let added: Money = advice
        .lines()
        .iter()
        .map(|l| l.amount)
        .filter(|a| !a.is_negative())
        .sum();
    let taken_off: Money = advice
        .lines()
        .iter()
        .map(|l| l.amount)
        .filter(|a| a.is_negative())
        .map(Money::abs)
        .sum();
    let paid = advice.net_amount();
    debug_assert_eq!(added - taken_off, paid, "a checked advice adds up");
    AdviceTotalsView {
        added,
        taken_off,
        paid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cfp_domain::{
        pro_rata, ChangeKind, LineEffect, LineKind, RemittanceHeader, RemittanceLine,
    };
    use time::macros::date;
    use time::Date;

    fn m(text: &str) -> Money {
        text.parse().unwrap()
    }

    fn header(reference: &str, from: Date, to: Date, paid: Date) -> RemittanceHeader {
        RemittanceHeader {
            reference: reference.into(),
            client_id: "100234567".parse().unwrap(),
            client_name: "Margaret Okafor".into(),
            payee: "Margaret Okafor".into(),
            period_from: from,
            period_to: to,
            finalised_on: paid,
            payment_date: paid,
        }
    }

    fn rated(kind: LineKind, weekly: &str, days: u32) -> RemittanceLine {
        let amount = pro_rata(m(weekly), days);
        RemittanceLine {
            kind,
            description: format!("{} {weekly} x {days}/7", kind.code()),
            amount: if kind == LineKind::ClientContribution {
                -amount
            } else {
                amount
            },
            weekly_rate: Some(m(weekly)),
            days: Some(days),
            council_note: None,
        }
    }

    fn plain(kind: LineKind, amount: &str, note: Option<&str>) -> RemittanceLine {
        RemittanceLine {
            kind,
            description: kind.label().into(),
            amount: m(amount),
            weekly_rate: None,
            days: None,
            council_note: note.map(str::to_string),
        }
    }

    fn advice(header: RemittanceHeader, lines: Vec<RemittanceLine>) -> RemittanceAdvice {
        let net = lines.iter().map(|l| l.amount).sum();
        RemittanceAdvice::new(header, lines, net).unwrap()
    }

    /// The Hampshire worked example (31 days: 664.29 - 88.57 = 575.72).
    fn march() -> RemittanceAdvice {
        advice(
            header(
                "RA-1",
                date!(2026 - 03 - 01),
                date!(2026 - 03 - 31),
                date!(2026 - 03 - 27),
            ),
            vec![
                rated(LineKind::Budget, "150.00", 31),
                rated(LineKind::ClientContribution, "20.00", 31),
            ],
        )
    }

    /// The next month: the contribution went up, an Adj for the earlier month, an MA with the
    /// council's note, and a recovery starting.
    fn april() -> RemittanceAdvice {
        advice(
            header(
                "RA-2",
                date!(2026 - 04 - 01),
                date!(2026 - 04 - 30),
                date!(2026 - 04 - 24),
            ),
            vec![
                rated(LineKind::Budget, "150.00", 30),
                rated(LineKind::ClientContribution, "25.00", 30),
                plain(LineKind::RateAdjustment, "-22.14", None),
                plain(
                    LineKind::ManualAdjustment,
                    "12.00",
                    Some("Refund of a bank charge paid twice in March."),
                ),
                plain(LineKind::OverpaymentRecovery, "-40.00", None),
            ],
        )
    }

    #[test]
    fn the_worked_example_adds_up() {
        let view = advice_view(&march(), None);
        assert_eq!(view.totals.added, m("664.29"));
        assert_eq!(view.totals.taken_off, m("88.57"));
        assert_eq!(view.totals.paid, m("575.72"));
        assert_eq!(view.groups.len(), 2);
        assert!(view.changes.is_empty());
        assert_eq!(view.previous_payment_date, None);
        let budget = &view.groups[0].lines[0].explanation;
        assert_eq!(
            budget.working.as_deref(),
            Some("£150.00 a week for 31 days is £664.29.")
        );
    }

    #[test]
    fn lines_are_grouped_by_kind_with_subtotals_and_explanations() {
        let view = advice_view(&april(), Some(&march()));
        let kinds: Vec<LineKind> = view.groups.iter().map(|g| g.kind).collect();
        assert_eq!(
            kinds,
            vec![
                LineKind::Budget,
                LineKind::ClientContribution,
                LineKind::RateAdjustment,
                LineKind::ManualAdjustment,
                LineKind::OverpaymentRecovery
            ]
        );
        for group in &view.groups {
            let sum: Money = group.lines.iter().map(|l| l.amount).sum();
            assert_eq!(group.subtotal, sum);
            assert_eq!(group.meaning, group.kind.explanation());
            assert_eq!(group.label, group.kind.label());
        }
        let ma = &view.groups[3].lines[0].explanation;
        assert_eq!(ma.code, "MA");
        assert_eq!(
            ma.council_note.as_deref(),
            Some("Refund of a bank charge paid twice in March.")
        );
        assert_eq!(ma.effect, LineEffect::Adds);
        let adj = &view.groups[2].lines[0].explanation;
        assert!(adj.meaning.starts_with("'Adj'"));
        assert_eq!(adj.effect, LineEffect::TakesOff);

        // 642.86 + 12.00 added; 107.14 + 22.14 + 40.00 taken off.
        assert_eq!(view.totals.added, m("654.86"));
        assert_eq!(view.totals.taken_off, m("169.28"));
        assert_eq!(view.totals.paid, m("485.58"));
        assert_eq!(view.totals.added - view.totals.taken_off, view.totals.paid);
        assert_eq!(view.totals.paid, april().net_amount());
    }

    #[test]
    fn what_changed_names_each_difference_from_the_payment_before() {
        let view = advice_view(&april(), Some(&march()));
        assert_eq!(view.previous_payment_date.as_deref(), Some("2026-03-27"));
        let kinds: Vec<ChangeKind> = view.changes.iter().map(|c| c.kind).collect();
        for expected in [
            ChangeKind::AmountPaid,
            ChangeKind::PeriodLength,
            ChangeKind::ContributionRate,
            ChangeKind::RateAdjustment,
            ChangeKind::ManualAdjustment,
            ChangeKind::RecoveryStarted,
        ] {
            assert!(
                kinds.contains(&expected),
                "{expected:?} missing from {kinds:?}"
            );
        }
        assert!(!kinds.contains(&ChangeKind::BudgetRate));
        let contribution = view
            .changes
            .iter()
            .find(|c| c.kind == ChangeKind::ContributionRate)
            .unwrap();
        assert_eq!(
            contribution.sentence,
            "Your weekly contribution went up from £20.00 to £25.00."
        );
        let ma = view
            .changes
            .iter()
            .find(|c| c.kind == ChangeKind::ManualAdjustment)
            .unwrap();
        assert!(ma
            .sentence
            .contains("Refund of a bank charge paid twice in March."));
    }

    #[test]
    fn the_same_advice_twice_has_no_changes_but_says_when_the_last_was_paid() {
        let view = advice_view(&march(), Some(&march()));
        assert!(view.changes.is_empty());
        assert_eq!(view.previous_payment_date.as_deref(), Some("2026-03-27"));
    }
}
