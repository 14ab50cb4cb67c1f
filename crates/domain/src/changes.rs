//! "What changed since the last payment": the differences between two advices, in words.
//!
//! Complaints upheld by the Ombudsman were about payments that changed without explanation:
//! a new contribution rate, a backdated adjustment, a recovery starting. This module names each
//! such change in a plain sentence, so the app, the PDFs and the command line say the same.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{LineKind, Money, RemittanceAdvice};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ChangeKind {
    AmountPaid,
    PeriodLength,
    BudgetRate,
    ContributionRate,
    OneOffPayment,
    RateAdjustment,
    ManualAdjustment,
    RecoveryStarted,
    RecoveryContinues,
    RecoveryEnded,
}

/// One change, said plainly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub kind: ChangeKind,
    pub sentence: String,
}

fn change(kind: ChangeKind, sentence: String) -> Change {
    Change { kind, sentence }
}

/// The weekly rate printed on the lines of one kind, if they all agree on one.
fn weekly_rate(advice: &RemittanceAdvice, kind: LineKind) -> Option<Money> {
    let mut rates = advice
        .lines()
        .iter()
        .filter(|l| l.kind == kind)
        .filter_map(|l| l.weekly_rate.map(Money::abs));
    let first = rates.next()?;
    rates.all(|r| r == first).then_some(first)
}

fn up_or_down(before: Money, after: Money) -> &'static str {
    if after > before {
        "went up"
    } else {
        "went down"
    }
}

/// What is different in `current` compared with `previous` (the advice paid before it).
/// Items that appear on every advice (budget, contribution) are mentioned only when their
/// weekly rate changed; one-off items (Adj, MA, one-off payments) whenever they appear.
pub fn what_changed(previous: &RemittanceAdvice, current: &RemittanceAdvice) -> Vec<Change> {
    let mut changes = Vec::new();

    let (before, after) = (previous.net_amount(), current.net_amount());
    if before != after {
        let difference = (after - before).abs().to_display_gbp();
        let more_or_less = if after > before { "more" } else { "less" };
        changes.push(change(
            ChangeKind::AmountPaid,
            format!(
                "You were paid {} this time and {} last time. That is {difference} {more_or_less}.",
                after.to_display_gbp(),
                before.to_display_gbp()
            ),
        ));
    }

    let (days_before, days_now) = (
        previous.header().period_days(),
        current.header().period_days(),
    );
    if days_before != days_now {
        changes.push(change(
            ChangeKind::PeriodLength,
            format!(
                "This payment covers {days_now} days. The last one covered {days_before} days, \
                 so the amounts are different even if the weekly rates are the same."
            ),
        ));
    }

    for (kind, change_kind, what) in [
        (
            LineKind::Budget,
            ChangeKind::BudgetRate,
            "weekly care budget",
        ),
        (
            LineKind::ClientContribution,
            ChangeKind::ContributionRate,
            "weekly contribution",
        ),
    ] {
        if let (Some(old), Some(new)) = (weekly_rate(previous, kind), weekly_rate(current, kind)) {
            if old != new {
                changes.push(change(
                    change_kind,
                    format!(
                        "Your {what} {} from {} to {}.",
                        up_or_down(old, new),
                        old.to_display_gbp(),
                        new.to_display_gbp()
                    ),
                ));
            }
        }
    }

    for line in current.lines() {
        let amount = line.amount.abs().to_display_gbp();
        let direction = if line.amount.is_negative() {
            "takes off"
        } else {
            "adds"
        };
        match line.kind {
            LineKind::OneOffPayment => changes.push(change(
                ChangeKind::OneOffPayment,
                format!("There is a one-off payment of {amount}."),
            )),
            LineKind::RateAdjustment => changes.push(change(
                ChangeKind::RateAdjustment,
                format!("A rate adjustment (Adj) {direction} {amount} for earlier dates."),
            )),
            LineKind::ManualAdjustment => {
                let note = line.council_note.as_deref().unwrap_or("").trim();
                changes.push(change(
                    ChangeKind::ManualAdjustment,
                    format!(
                        "A manual adjustment (MA) {direction} {amount}. The council says: {note}"
                    ),
                ))
            }
            _ => {}
        }
    }

    let recovered_before = previous.total_of(LineKind::OverpaymentRecovery);
    let recovered_now = current.total_of(LineKind::OverpaymentRecovery);
    match (recovered_before.is_zero(), recovered_now.is_zero()) {
        (true, false) => changes.push(change(
            ChangeKind::RecoveryStarted,
            format!(
                "The council has started taking back money it paid you too much before. \
                 It took {} from this payment.",
                recovered_now.abs().to_display_gbp()
            ),
        )),
        (false, false) => changes.push(change(
            ChangeKind::RecoveryContinues,
            format!(
                "The council is still taking back money it paid you too much before. \
                 It took {} from this payment.",
                recovered_now.abs().to_display_gbp()
            ),
        )),
        (false, true) => changes.push(change(
            ChangeKind::RecoveryEnded,
            "The council has stopped taking back the money it paid you too much. \
             Nothing was taken from this payment."
                .to_string(),
        )),
        (true, true) => {}
    }

    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remittance::tests::{header, line, m};
    use crate::{RemittanceHeader, RemittanceLine};
    use time::macros::date;

    fn rated(kind: LineKind, rate: &str, days: u32) -> RemittanceLine {
        let amount = crate::pro_rata(m(rate), days);
        let signed = if kind == LineKind::ClientContribution {
            -amount
        } else {
            amount
        };
        RemittanceLine {
            weekly_rate: Some(m(rate)),
            days: Some(days),
            ..line(kind, &signed.to_plain_string())
        }
    }

    fn advice(h: RemittanceHeader, lines: Vec<RemittanceLine>) -> RemittanceAdvice {
        let net = lines.iter().map(|l| l.amount).sum();
        RemittanceAdvice::new(h, lines, net).unwrap()
    }

    fn four_weeks(from: time::Date) -> RemittanceHeader {
        RemittanceHeader {
            period_from: from,
            period_to: from + time::Duration::days(27),
            ..header()
        }
    }

    fn usual(budget: &str, contribution: &str) -> Vec<RemittanceLine> {
        vec![
            rated(LineKind::Budget, budget, 28),
            rated(LineKind::ClientContribution, contribution, 28),
        ]
    }

    #[test]
    fn nothing_changed_says_nothing() {
        let a = advice(four_weeks(date!(2026 - 01 - 05)), usual("150.00", "20.00"));
        let b = advice(four_weeks(date!(2026 - 02 - 02)), usual("150.00", "20.00"));
        assert_eq!(what_changed(&a, &b), vec![]);
    }

    #[test]
    fn a_backdated_rise_in_contribution() {
        let a = advice(four_weeks(date!(2026 - 01 - 05)), usual("150.00", "20.00"));
        let mut lines = usual("150.00", "25.00");
        lines.push(line(LineKind::RateAdjustment, "-20.00"));
        let b = advice(four_weeks(date!(2026 - 02 - 02)), lines);
        let changes = what_changed(&a, &b);
        let kinds: Vec<_> = changes.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            vec![
                ChangeKind::AmountPaid,
                ChangeKind::ContributionRate,
                ChangeKind::RateAdjustment
            ]
        );
        assert_eq!(
            changes[0].sentence,
            "You were paid £480.00 this time and £520.00 last time. That is £40.00 less."
        );
        assert_eq!(
            changes[1].sentence,
            "Your weekly contribution went up from £20.00 to £25.00."
        );
        assert_eq!(
            changes[2].sentence,
            "A rate adjustment (Adj) takes off £20.00 for earlier dates."
        );
    }

    #[test]
    fn recovery_starts_continues_and_ends() {
        let plain = |from| advice(four_weeks(from), usual("150.00", "20.00"));
        let recovering = |from| {
            let mut lines = usual("150.00", "20.00");
            lines.push(line(LineKind::OverpaymentRecovery, "-50.00"));
            advice(four_weeks(from), lines)
        };
        let kinds = |a, b| {
            what_changed(a, b)
                .into_iter()
                .map(|c| c.kind)
                .filter(|k| *k != ChangeKind::AmountPaid)
                .collect::<Vec<_>>()
        };
        let jan = plain(date!(2026 - 01 - 05));
        let feb = recovering(date!(2026 - 02 - 02));
        let mar = recovering(date!(2026 - 03 - 02));
        let apr = plain(date!(2026 - 03 - 30));
        assert_eq!(kinds(&jan, &feb), vec![ChangeKind::RecoveryStarted]);
        assert_eq!(kinds(&feb, &mar), vec![ChangeKind::RecoveryContinues]);
        assert_eq!(kinds(&mar, &apr), vec![ChangeKind::RecoveryEnded]);
        assert!(what_changed(&jan, &feb)[1]
            .sentence
            .contains("It took £50.00"));
    }

    #[test]
    fn manual_adjustment_and_one_off_are_named_with_the_councils_note() {
        let a = advice(four_weeks(date!(2026 - 01 - 05)), usual("150.00", "20.00"));
        let mut lines = usual("160.00", "20.00");
        let mut ma = line(LineKind::ManualAdjustment, "12.00");
        ma.council_note = Some("Refund of a bank charge paid twice.".into());
        lines.push(ma);
        lines.push(line(LineKind::OneOffPayment, "95.00"));
        let b = advice(four_weeks(date!(2026 - 02 - 02)), lines);
        let sentences: Vec<_> = what_changed(&a, &b)
            .into_iter()
            .map(|c| c.sentence)
            .collect();
        assert!(sentences
            .contains(&"Your weekly care budget went up from £150.00 to £160.00.".to_string()));
        assert!(sentences.contains(
            &"A manual adjustment (MA) adds £12.00. The council says: Refund of a bank charge paid twice."
                .to_string()
        ));
        assert!(sentences.contains(&"There is a one-off payment of £95.00.".to_string()));
    }

    #[test]
    fn a_longer_period_is_explained() {
        let a = advice(four_weeks(date!(2026 - 01 - 05)), usual("150.00", "20.00"));
        let long = RemittanceHeader {
            period_from: date!(2026 - 02 - 02),
            period_to: date!(2026 - 03 - 04),
            ..header()
        };
        let b = advice(
            long,
            vec![
                rated(LineKind::Budget, "150.00", 31),
                rated(LineKind::ClientContribution, "20.00", 31),
            ],
        );
        let changes = what_changed(&a, &b);
        assert_eq!(changes[1].kind, ChangeKind::PeriodLength);
        assert!(changes[1]
            .sentence
            .starts_with("This payment covers 31 days. The last one covered 28 days"));
    }
}
