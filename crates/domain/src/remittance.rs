//! A Direct Payment remittance advice: one payment, its header, and the signed lines whose sum
//! is the amount paid. An advice whose lines do not add up is refused, never shown.

use serde::{Deserialize, Serialize};
use time::Date;
use ts_rs::TS;

use crate::{checked_pro_rata, ClientId, Money};

/// What a line on a remittance advice is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum LineKind {
    Budget,
    ClientContribution,
    OneOffPayment,
    /// A rate change applied to earlier periods; printed as "Adj".
    RateAdjustment,
    /// A change made by hand by the finance team; printed as "MA"; carries its own note.
    ManualAdjustment,
    OverpaymentRecovery,
}

impl LineKind {
    pub const ALL: [LineKind; 6] = [
        LineKind::Budget,
        LineKind::ClientContribution,
        LineKind::OneOffPayment,
        LineKind::RateAdjustment,
        LineKind::ManualAdjustment,
        LineKind::OverpaymentRecovery,
    ];

    /// The name people see.
    pub fn label(self) -> &'static str {
        match self {
            LineKind::Budget => "Care budget",
            LineKind::ClientContribution => "Contribution",
            LineKind::OneOffPayment => "One-off payment",
            LineKind::RateAdjustment => "Rate adjustment (Adj)",
            LineKind::ManualAdjustment => "Manual adjustment (MA)",
            LineKind::OverpaymentRecovery => "Overpayment recovery",
        }
    }

    /// The short code the finance system prints on the advice.
    pub fn code(self) -> &'static str {
        match self {
            LineKind::Budget => "Budget",
            LineKind::ClientContribution => "Contribution",
            LineKind::OneOffPayment => "One-off",
            LineKind::RateAdjustment => "Adj",
            LineKind::ManualAdjustment => "MA",
            LineKind::OverpaymentRecovery => "Recovery",
        }
    }

    /// The sign a line of this kind must have, if any: `Some(true)` for never negative,
    /// `Some(false)` for never positive. Adjustments can go either way.
    fn required_sign(self) -> Option<bool> {
        match self {
            LineKind::Budget | LineKind::OneOffPayment => Some(true),
            LineKind::ClientContribution | LineKind::OverpaymentRecovery => Some(false),
            LineKind::RateAdjustment | LineKind::ManualAdjustment => None,
        }
    }

    /// Whether the line is a weekly rate spread over days (so `weekly_rate × days ÷ 7` must hold).
    fn is_pro_rata(self) -> bool {
        matches!(self, LineKind::Budget | LineKind::ClientContribution)
    }
}

/// The top of an advice: who was paid, for what period, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RemittanceHeader {
    /// The council's reference for this advice.
    pub reference: String,
    pub client_id: ClientId,
    pub client_name: String,
    /// Who the money was paid to (the person, their nominee, or their account).
    pub payee: String,
    #[ts(type = "string")]
    pub period_from: Date,
    #[ts(type = "string")]
    pub period_to: Date,
    /// When the finance team finalised the payment.
    #[ts(type = "string")]
    pub finalised_on: Date,
    #[ts(type = "string")]
    pub payment_date: Date,
}

impl RemittanceHeader {
    /// Days in the period, counting both ends.
    pub fn period_days(&self) -> u32 {
        let days = (self.period_to - self.period_from).whole_days() + 1;
        u32::try_from(days).unwrap_or(0)
    }
}

/// One signed line of an advice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RemittanceLine {
    pub kind: LineKind,
    /// The text the finance system printed for the line.
    pub description: String,
    /// Positive is money paid to the person; negative is money taken off.
    pub amount: Money,
    /// For budget and contribution lines: the weekly amount this line was worked out from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub weekly_rate: Option<Money>,
    /// For budget and contribution lines: the number of days the weekly amount covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub days: Option<u32>,
    /// The finance team's own explanation. Required for a manual adjustment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub council_note: Option<String>,
}

/// A whole advice. It can only be made through [`RemittanceAdvice::new`] (or deserialised,
/// which goes through the same checks), so every advice in the program adds up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", try_from = "UncheckedAdvice")]
pub struct RemittanceAdvice {
    header: RemittanceHeader,
    lines: Vec<RemittanceLine>,
    net_amount: Money,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UncheckedAdvice {
    header: RemittanceHeader,
    lines: Vec<RemittanceLine>,
    net_amount: Money,
}

impl TryFrom<UncheckedAdvice> for RemittanceAdvice {
    type Error = RemittanceError;
    fn try_from(u: UncheckedAdvice) -> Result<Self, Self::Error> {
        RemittanceAdvice::new(u.header, u.lines, u.net_amount)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemittanceError {
    #[error(
        "The lines of advice {reference} add up to {lines_total}, but the amount paid is {net_amount}. \
         The advice was not saved. Please ask the finance team to check it."
    )]
    DoesNotAddUp {
        reference: String,
        lines_total: Money,
        net_amount: Money,
    },
    #[error("Advice {reference} has no lines.")]
    NoLines { reference: String },
    #[error("Advice {reference} has no reference or payee.")]
    MissingHeader { reference: String },
    #[error("Advice {reference} ends on a date before it starts.")]
    PeriodBackwards { reference: String },
    #[error("Line {line} of advice {reference} is a manual adjustment with no explanation.")]
    ManualAdjustmentUnexplained { reference: String, line: usize },
    #[error("Line {line} of advice {reference}: a {kind} line cannot be {amount}.")]
    WrongSign {
        reference: String,
        line: usize,
        kind: &'static str,
        amount: Money,
    },
    #[error(
        "Line {line} of advice {reference}: {weekly_rate} a week for {days} days is {expected}, not {amount}."
    )]
    ProRataMismatch {
        reference: String,
        line: usize,
        weekly_rate: Money,
        days: u32,
        expected: Money,
        amount: Money,
    },
    #[error(
        "Line {line} of advice {reference}: {weekly_rate} a week for {days} days is more than any payment can be."
    )]
    ProRataTooLarge {
        reference: String,
        line: usize,
        weekly_rate: Money,
        days: u32,
    },
}

impl RemittanceAdvice {
    /// Checks the advice and returns it, or says plainly what is wrong with it.
    pub fn new(
        header: RemittanceHeader,
        lines: Vec<RemittanceLine>,
        net_amount: Money,
    ) -> Result<Self, RemittanceError> {
        let reference = header.reference.clone();
        if header.reference.trim().is_empty() || header.payee.trim().is_empty() {
            return Err(RemittanceError::MissingHeader { reference });
        }
        if header.period_to < header.period_from {
            return Err(RemittanceError::PeriodBackwards { reference });
        }
        if lines.is_empty() {
            return Err(RemittanceError::NoLines { reference });
        }
        for (index, line) in lines.iter().enumerate() {
            check_line(&reference, index + 1, line)?;
        }
        let lines_total: Money = lines.iter().map(|l| l.amount).sum();
        if lines_total != net_amount {
            return Err(RemittanceError::DoesNotAddUp {
                reference,
                lines_total,
                net_amount,
            });
        }
        Ok(RemittanceAdvice {
            header,
            lines,
            net_amount,
        })
    }

    pub fn header(&self) -> &RemittanceHeader {
        &self.header
    }

    pub fn lines(&self) -> &[RemittanceLine] {
        &self.lines
    }

    pub fn net_amount(&self) -> Money {
        self.net_amount
    }

    /// The sum of the lines of one kind (zero if there are none).
    pub fn total_of(&self, kind: LineKind) -> Money {
        self.lines
            .iter()
            .filter(|l| l.kind == kind)
            .map(|l| l.amount)
            .sum()
    }

    /// Lines grouped by kind, in the order of [`LineKind::ALL`], leaving out empty groups.
    pub fn lines_by_kind(&self) -> Vec<(LineKind, Vec<&RemittanceLine>)> {
        LineKind::ALL
            .iter()
            .filter_map(|kind| {
                let group: Vec<_> = self.lines.iter().filter(|l| l.kind == *kind).collect();
                (!group.is_empty()).then_some((*kind, group))
            })
            .collect()
    }
}

fn check_line(
    reference: &str,
    line_no: usize,
    line: &RemittanceLine,
) -> Result<(), RemittanceError> {
    if let Some(must_be_positive) = line.kind.required_sign() {
        let wrong = if must_be_positive {
            line.amount.is_negative()
        } else {
            !line.amount.is_negative() && !line.amount.is_zero()
        };
        if wrong {
            return Err(RemittanceError::WrongSign {
                reference: reference.to_string(),
                line: line_no,
                kind: line.kind.label(),
                amount: line.amount,
            });
        }
    }
    if line.kind == LineKind::ManualAdjustment
        && line
            .council_note
            .as_deref()
            .is_none_or(|n| n.trim().is_empty())
    {
        return Err(RemittanceError::ManualAdjustmentUnexplained {
            reference: reference.to_string(),
            line: line_no,
        });
    }
    if let (true, Some(rate), Some(days)) = (line.kind.is_pro_rata(), line.weekly_rate, line.days) {
        let Some(expected) = checked_pro_rata(rate.abs(), days) else {
            return Err(RemittanceError::ProRataTooLarge {
                reference: reference.to_string(),
                line: line_no,
                weekly_rate: rate,
                days,
            });
        };
        if expected != line.amount.abs() {
            return Err(RemittanceError::ProRataMismatch {
                reference: reference.to_string(),
                line: line_no,
                weekly_rate: rate,
                days,
                expected,
                amount: line.amount,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use time::macros::date;

    pub(crate) fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    pub(crate) fn header() -> RemittanceHeader {
        RemittanceHeader {
            reference: "RA-2026-000123".into(),
            client_id: "100234567".parse().unwrap(),
            client_name: "Margaret Okafor".into(),
            payee: "Margaret Okafor".into(),
            period_from: date!(2026 - 03 - 01),
            period_to: date!(2026 - 03 - 31),
            finalised_on: date!(2026 - 02 - 20),
            payment_date: date!(2026 - 02 - 27),
        }
    }

    pub(crate) fn line(kind: LineKind, amount: &str) -> RemittanceLine {
        RemittanceLine {
            kind,
            description: kind.code().into(),
            amount: m(amount),
            weekly_rate: None,
            days: None,
            council_note: (kind == LineKind::ManualAdjustment).then(|| "Correction".to_string()),
        }
    }

    fn rated(kind: LineKind, amount: &str, rate: &str, days: u32) -> RemittanceLine {
        RemittanceLine {
            weekly_rate: Some(m(rate)),
            days: Some(days),
            ..line(kind, amount)
        }
    }

    /// Hampshire's published example, as an advice.
    pub(crate) fn hampshire() -> RemittanceAdvice {
        RemittanceAdvice::new(
            header(),
            vec![
                rated(LineKind::Budget, "664.29", "150.00", 31),
                rated(LineKind::ClientContribution, "-88.57", "20.00", 31),
            ],
            m("575.72"),
        )
        .unwrap()
    }

    #[test]
    fn hampshire_example_adds_up() {
        let advice = hampshire();
        assert_eq!(advice.header().period_days(), 31);
        assert_eq!(advice.total_of(LineKind::Budget), m("664.29"));
        assert_eq!(advice.total_of(LineKind::ClientContribution), m("-88.57"));
        assert_eq!(advice.net_amount(), m("575.72"));
    }

    #[test]
    fn every_line_kind_can_appear_and_is_grouped() {
        let advice = RemittanceAdvice::new(
            header(),
            vec![
                line(LineKind::Budget, "600.00"),
                line(LineKind::ClientContribution, "-80.00"),
                line(LineKind::OneOffPayment, "120.00"),
                line(LineKind::RateAdjustment, "-24.00"),
                line(LineKind::ManualAdjustment, "15.50"),
                line(LineKind::OverpaymentRecovery, "-50.00"),
                line(LineKind::RateAdjustment, "4.00"),
            ],
            m("585.50"),
        )
        .unwrap();
        let groups = advice.lines_by_kind();
        assert_eq!(groups.len(), 6);
        assert_eq!(groups[3].0, LineKind::RateAdjustment);
        assert_eq!(groups[3].1.len(), 2);
        assert_eq!(advice.total_of(LineKind::RateAdjustment), m("-20.00"));
    }

    #[test]
    fn an_advice_that_does_not_add_up_is_refused_plainly() {
        let err = RemittanceAdvice::new(
            header(),
            vec![
                line(LineKind::Budget, "664.29"),
                line(LineKind::ClientContribution, "-88.57"),
            ],
            m("575.73"),
        )
        .unwrap_err();
        assert_eq!(
            err,
            RemittanceError::DoesNotAddUp {
                reference: "RA-2026-000123".into(),
                lines_total: m("575.72"),
                net_amount: m("575.73"),
            }
        );
        let text = err.to_string();
        assert!(text.contains("add up to 575.72"), "{text}");
        assert!(text.contains("amount paid is 575.73"), "{text}");
    }

    #[test]
    fn deserialising_runs_the_same_checks() {
        let good = serde_json::to_string(&hampshire()).unwrap();
        let back: RemittanceAdvice = serde_json::from_str(&good).unwrap();
        assert_eq!(back, hampshire());
        let bad = good.replace("\"netAmount\":\"575.72\"", "\"netAmount\":\"575.00\"");
        assert_ne!(bad, good);
        let err = serde_json::from_str::<RemittanceAdvice>(&bad).unwrap_err();
        assert!(err.to_string().contains("add up to 575.72"), "{err}");
    }

    #[test]
    fn signs_are_checked_per_kind() {
        for (kind, amount) in [
            (LineKind::Budget, "-1.00"),
            (LineKind::OneOffPayment, "-1.00"),
            (LineKind::ClientContribution, "1.00"),
            (LineKind::OverpaymentRecovery, "1.00"),
        ] {
            let err =
                RemittanceAdvice::new(header(), vec![line(kind, amount)], m(amount)).unwrap_err();
            assert!(
                matches!(err, RemittanceError::WrongSign { .. }),
                "{kind:?}: {err:?}"
            );
        }
        for kind in [LineKind::RateAdjustment, LineKind::ManualAdjustment] {
            for amount in ["-1.00", "1.00"] {
                RemittanceAdvice::new(header(), vec![line(kind, amount)], m(amount)).unwrap();
            }
        }
    }

    #[test]
    fn manual_adjustment_needs_its_note() {
        let mut ma = line(LineKind::ManualAdjustment, "10.00");
        ma.council_note = Some("  ".into());
        let err = RemittanceAdvice::new(header(), vec![ma], m("10.00")).unwrap_err();
        assert_eq!(
            err,
            RemittanceError::ManualAdjustmentUnexplained {
                reference: "RA-2026-000123".into(),
                line: 1
            }
        );
    }

    #[test]
    fn pro_rata_lines_must_match_their_rate() {
        let err = RemittanceAdvice::new(
            header(),
            vec![rated(LineKind::Budget, "664.30", "150.00", 31)],
            m("664.30"),
        )
        .unwrap_err();
        assert!(
            matches!(err, RemittanceError::ProRataMismatch { expected, .. } if expected == m("664.29"))
        );
    }

    /// Found by the import's property tests (`crates/council-finance/tests/import_properties.rs`):
    /// a rate near the largest amount over 28 days made `pro_rata` panic while checking the line.
    #[test]
    fn a_pro_rata_line_beyond_any_payment_is_refused_not_a_panic() {
        let err = RemittanceAdvice::new(
            header(),
            vec![rated(LineKind::Budget, "0.00", "999999999999.99", u32::MAX)],
            m("0.00"),
        )
        .unwrap_err();
        assert_eq!(
            err,
            RemittanceError::ProRataTooLarge {
                reference: "RA-2026-000123".into(),
                line: 1,
                weekly_rate: m("999999999999.99"),
                days: u32::MAX,
            }
        );
    }

    #[test]
    fn empty_and_backwards_advices_are_refused() {
        assert!(matches!(
            RemittanceAdvice::new(header(), vec![], Money::ZERO),
            Err(RemittanceError::NoLines { .. })
        ));
        let mut h = header();
        h.period_to = date!(2026 - 02 - 01);
        assert!(matches!(
            RemittanceAdvice::new(h, vec![line(LineKind::Budget, "1.00")], m("1.00")),
            Err(RemittanceError::PeriodBackwards { .. })
        ));
        let mut h = header();
        h.payee = " ".into();
        assert!(matches!(
            RemittanceAdvice::new(h, vec![line(LineKind::Budget, "1.00")], m("1.00")),
            Err(RemittanceError::MissingHeader { .. })
        ));
    }
}
