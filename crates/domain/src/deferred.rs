//! A Deferred Payment statement: every six months (and on request) the council says how much the
//! person owes under their deferred payment agreement and how that changed. A statement whose
//! balance does not follow from its amounts is refused, never shown.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, Month};
use ts_rs::TS;

use crate::{ClientId, Money};

/// The top of a statement: whose agreement, which six months, and when it was sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeferredPaymentHeader {
    /// The council's reference for this statement.
    pub reference: String,
    /// The deferred payment agreement the statement is about.
    pub agreement_reference: String,
    pub client_id: ClientId,
    pub client_name: String,
    #[ts(type = "string")]
    pub period_from: Date,
    #[ts(type = "string")]
    pub period_to: Date,
    #[ts(type = "string")]
    pub issued_on: Date,
}

/// An interest rate in force during the statement, from the day it applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InterestRate {
    #[ts(type = "string")]
    pub applies_from: Date,
    /// Per cent a year, exact (a string like "2.65"); interest on it compounds daily.
    #[serde(with = "rust_decimal::serde::str")]
    #[ts(type = "string")]
    pub percent_a_year: Decimal,
}

/// A whole statement. It can only be made through [`DeferredPaymentStatement::new`] (or
/// deserialised, which goes through the same checks), so every statement in the program adds up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", try_from = "UncheckedStatement")]
pub struct DeferredPaymentStatement {
    header: DeferredPaymentHeader,
    amounts: DeferredAmounts,
}

/// The figures of a statement, as printed. Every amount is zero or more except `headroom`,
/// which is negative when the amount owed is past the equity limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeferredAmounts {
    pub opening_balance: Money,
    pub care_costs_deferred: Money,
    pub interest: Money,
    /// The rates in force in the period, oldest first: the first was in force on `periodFrom`,
    /// later ones start on a 1 January or 1 July inside the period.
    pub interest_rates: Vec<InterestRate>,
    pub administration_charges: Money,
    pub payments_received: Money,
    pub closing_balance: Money,
    pub equity_limit: Money,
    pub headroom: Money,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UncheckedStatement {
    header: DeferredPaymentHeader,
    amounts: DeferredAmounts,
}

impl TryFrom<UncheckedStatement> for DeferredPaymentStatement {
    type Error = DeferredPaymentError;
    fn try_from(u: UncheckedStatement) -> Result<Self, Self::Error> {
        DeferredPaymentStatement::new(u.header, u.amounts)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeferredPaymentError {
    #[error("Statement {reference} has no reference, agreement reference or name.")]
    MissingHeader { reference: String },
    #[error("Statement {reference} ends on a date before it starts.")]
    PeriodBackwards { reference: String },
    #[error("Statement {reference}: the {item} cannot be {amount}.")]
    Negative {
        reference: String,
        item: &'static str,
        amount: Money,
    },
    #[error(
        "Statement {reference}: the opening balance, plus care costs, interest and charges, less payments, \
         is {expected}, but the closing balance is {closing}. The statement was not saved. \
         Please ask the finance team to check it."
    )]
    ClosingDoesNotAddUp {
        reference: String,
        expected: Money,
        closing: Money,
    },
    #[error(
        "Statement {reference}: the equity limit less the closing balance is {expected}, but the headroom is {headroom}."
    )]
    HeadroomDoesNotAddUp {
        reference: String,
        expected: Money,
        headroom: Money,
    },
    #[error("Statement {reference} does not say which interest rate was in force.")]
    NoInterestRate { reference: String },
    #[error("Statement {reference}: interest rate {number} is {percent}% a year; a rate is from 0 to 100.")]
    RateOutOfRange {
        reference: String,
        number: usize,
        percent: Decimal,
    },
    #[error(
        "Statement {reference}: interest rate {number} starts on {applies_from}. The first rate must be in force \
         when the statement starts; later ones start on a 1 January or 1 July inside the statement, in date order."
    )]
    RateDate {
        reference: String,
        number: usize,
        applies_from: Date,
    },
}

impl DeferredPaymentStatement {
    /// Checks the statement and returns it, or says plainly what is wrong with it.
    pub fn new(
        header: DeferredPaymentHeader,
        amounts: DeferredAmounts,
    ) -> Result<Self, DeferredPaymentError> {
        let reference = header.reference.clone();
        if [
            &header.reference,
            &header.agreement_reference,
            &header.client_name,
        ]
        .iter()
        .any(|text| text.trim().is_empty())
        {
            return Err(DeferredPaymentError::MissingHeader { reference });
        }
        if header.period_to < header.period_from {
            return Err(DeferredPaymentError::PeriodBackwards { reference });
        }
        let a = &amounts;
        for (item, amount) in [
            ("opening balance", a.opening_balance),
            ("care costs deferred", a.care_costs_deferred),
            ("interest", a.interest),
            ("administration charges", a.administration_charges),
            ("payments received", a.payments_received),
            ("closing balance", a.closing_balance),
            ("equity limit", a.equity_limit),
        ] {
            if amount.is_negative() {
                return Err(DeferredPaymentError::Negative {
                    reference,
                    item,
                    amount,
                });
            }
        }
        check_rates(&header, &a.interest_rates)?;
        let expected =
            a.opening_balance + a.care_costs_deferred + a.interest + a.administration_charges
                - a.payments_received;
        if expected != a.closing_balance {
            return Err(DeferredPaymentError::ClosingDoesNotAddUp {
                reference,
                expected,
                closing: a.closing_balance,
            });
        }
        let expected = a.equity_limit - a.closing_balance;
        if expected != a.headroom {
            return Err(DeferredPaymentError::HeadroomDoesNotAddUp {
                reference,
                expected,
                headroom: a.headroom,
            });
        }
        Ok(DeferredPaymentStatement { header, amounts })
    }

    pub fn header(&self) -> &DeferredPaymentHeader {
        &self.header
    }

    pub fn amounts(&self) -> &DeferredAmounts {
        &self.amounts
    }

    /// The headroom in one plain sentence; past the limit, a clear warning with what to do.
    /// Here so that the app's view and the printed statement say the same thing.
    pub fn headroom_sentence(&self) -> String {
        let limit = self.amounts.equity_limit.to_display_gbp();
        let headroom = self.amounts.headroom;
        if headroom.is_negative() {
            format!(
                "You owe {} more than your equity limit of {limit}. \
                 The council may not be able to pay any more of your care costs under this agreement. \
                 Please contact the finance team soon to talk about what happens next.",
                headroom.abs().to_display_gbp()
            )
        } else if headroom.is_zero() {
            format!(
                "You have reached your equity limit of {limit}. \
                 The council may not be able to pay any more of your care costs under this agreement. \
                 Please contact the finance team soon to talk about what happens next."
            )
        } else {
            format!(
                "You can owe {} more before you reach your equity limit of {limit}.",
                headroom.to_display_gbp()
            )
        }
    }

    /// The amount of one item, as printed (payments received are shown as an amount paid in).
    pub fn amount_of(&self, item: DeferredItem) -> Money {
        let a = &self.amounts;
        match item {
            DeferredItem::OpeningBalance => a.opening_balance,
            DeferredItem::CareCostsDeferred => a.care_costs_deferred,
            DeferredItem::Interest => a.interest,
            DeferredItem::AdministrationCharges => a.administration_charges,
            DeferredItem::PaymentsReceived => a.payments_received,
            DeferredItem::ClosingBalance => a.closing_balance,
            DeferredItem::EquityLimit => a.equity_limit,
            DeferredItem::Headroom => a.headroom,
        }
    }
}

/// Rates change only on 1 January and 1 July, so any later rate in a statement starts on one.
fn check_rates(
    header: &DeferredPaymentHeader,
    rates: &[InterestRate],
) -> Result<(), DeferredPaymentError> {
    let reference = || header.reference.clone();
    if rates.is_empty() {
        return Err(DeferredPaymentError::NoInterestRate {
            reference: reference(),
        });
    }
    let mut previous: Option<Date> = None;
    for (index, rate) in rates.iter().enumerate() {
        let number = index + 1;
        if rate.percent_a_year.is_sign_negative() || rate.percent_a_year > Decimal::ONE_HUNDRED {
            return Err(DeferredPaymentError::RateOutOfRange {
                reference: reference(),
                number,
                percent: rate.percent_a_year,
            });
        }
        let from = rate.applies_from;
        let well_placed = match previous {
            None => from <= header.period_from,
            Some(before) => {
                from > before
                    && from > header.period_from
                    && from <= header.period_to
                    && from.day() == 1
                    && matches!(from.month(), Month::January | Month::July)
            }
        };
        if !well_placed {
            return Err(DeferredPaymentError::RateDate {
                reference: reference(),
                number,
                applies_from: from,
            });
        }
        previous = Some(from);
    }
    Ok(())
}

/// The items printed on a statement, in the order they are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum DeferredItem {
    OpeningBalance,
    CareCostsDeferred,
    Interest,
    AdministrationCharges,
    PaymentsReceived,
    ClosingBalance,
    EquityLimit,
    Headroom,
}

impl DeferredItem {
    pub const ALL: [DeferredItem; 8] = [
        DeferredItem::OpeningBalance,
        DeferredItem::CareCostsDeferred,
        DeferredItem::Interest,
        DeferredItem::AdministrationCharges,
        DeferredItem::PaymentsReceived,
        DeferredItem::ClosingBalance,
        DeferredItem::EquityLimit,
        DeferredItem::Headroom,
    ];

    /// The name people see.
    pub fn label(self) -> &'static str {
        match self {
            DeferredItem::OpeningBalance => "Opening balance",
            DeferredItem::CareCostsDeferred => "Care costs deferred",
            DeferredItem::Interest => "Interest",
            DeferredItem::AdministrationCharges => "Administration charges",
            DeferredItem::PaymentsReceived => "Payments received",
            DeferredItem::ClosingBalance => "Closing balance",
            DeferredItem::EquityLimit => "Equity limit",
            DeferredItem::Headroom => "Headroom",
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use time::macros::date;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    fn rate(from: Date, percent: &str) -> InterestRate {
        InterestRate {
            applies_from: from,
            percent_a_year: percent.parse().unwrap(),
        }
    }

    fn header() -> DeferredPaymentHeader {
        DeferredPaymentHeader {
            reference: "DPS-2026-0042".into(),
            agreement_reference: "DPA-0042".into(),
            client_id: "100318859".parse().unwrap(),
            client_name: "Irene Hartley".into(),
            period_from: date!(2025 - 10 - 01),
            period_to: date!(2026 - 03 - 31),
            issued_on: date!(2026 - 04 - 10),
        }
    }

    pub(crate) fn amounts() -> DeferredAmounts {
        DeferredAmounts {
            opening_balance: m("12000.00"),
            care_costs_deferred: m("9000.00"),
            interest: m("182.40"),
            interest_rates: vec![
                rate(date!(2025 - 07 - 01), "2.65"),
                rate(date!(2026 - 01 - 01), "2.40"),
            ],
            administration_charges: m("60.00"),
            payments_received: m("500.00"),
            closing_balance: m("20742.40"),
            equity_limit: m("153000.00"),
            headroom: m("132257.60"),
        }
    }

    pub(crate) fn statement() -> DeferredPaymentStatement {
        DeferredPaymentStatement::new(header(), amounts()).unwrap()
    }

    #[test]
    fn a_statement_that_adds_up_is_accepted() {
        let s = statement();
        assert_eq!(s.amount_of(DeferredItem::ClosingBalance), m("20742.40"));
        assert_eq!(s.amount_of(DeferredItem::Headroom), m("132257.60"));
        assert_eq!(s.amounts().interest_rates.len(), 2);
    }

    #[test]
    fn the_closing_balance_must_follow_from_the_amounts() {
        let mut a = amounts();
        a.closing_balance = m("20742.41");
        let err = DeferredPaymentStatement::new(header(), a).unwrap_err();
        assert_eq!(
            err,
            DeferredPaymentError::ClosingDoesNotAddUp {
                reference: "DPS-2026-0042".into(),
                expected: m("20742.40"),
                closing: m("20742.41"),
            }
        );
        assert!(err.to_string().contains("is 20742.40"), "{err}");
    }

    #[test]
    fn the_headroom_is_the_equity_limit_less_the_closing_balance() {
        let mut a = amounts();
        a.headroom = m("132257.00");
        assert!(matches!(
            DeferredPaymentStatement::new(header(), a),
            Err(DeferredPaymentError::HeadroomDoesNotAddUp { expected, .. }) if expected == m("132257.60")
        ));
        // Past the equity limit the headroom is negative, and that is allowed.
        let mut a = amounts();
        a.equity_limit = m("20000.00");
        a.headroom = m("-742.40");
        DeferredPaymentStatement::new(header(), a).unwrap();
    }

    #[test]
    fn negative_amounts_and_backwards_periods_are_refused() {
        let mut a = amounts();
        a.payments_received = m("-500.00");
        a.closing_balance = m("21742.40");
        a.headroom = m("131257.60");
        assert!(matches!(
            DeferredPaymentStatement::new(header(), a),
            Err(DeferredPaymentError::Negative {
                item: "payments received",
                ..
            })
        ));
        let mut h = header();
        h.period_to = date!(2025 - 09 - 30);
        assert!(matches!(
            DeferredPaymentStatement::new(h, amounts()),
            Err(DeferredPaymentError::PeriodBackwards { .. })
        ));
        let mut h = header();
        h.agreement_reference = " ".into();
        assert!(matches!(
            DeferredPaymentStatement::new(h, amounts()),
            Err(DeferredPaymentError::MissingHeader { .. })
        ));
    }

    #[test]
    fn rates_change_only_on_1_january_and_1_july_inside_the_period() {
        for (rates, bad) in [
            (vec![], None),
            (vec![rate(date!(2025 - 10 - 02), "2.65")], Some(1)),
            (
                vec![
                    rate(date!(2025 - 07 - 01), "2.65"),
                    rate(date!(2026 - 02 - 01), "2.40"),
                ],
                Some(2),
            ),
            (
                vec![
                    rate(date!(2025 - 07 - 01), "2.65"),
                    rate(date!(2026 - 07 - 01), "2.40"),
                ],
                Some(2),
            ),
        ] {
            let a = DeferredAmounts {
                interest_rates: rates,
                ..amounts()
            };
            let err = DeferredPaymentStatement::new(header(), a).unwrap_err();
            match bad {
                None => assert!(matches!(err, DeferredPaymentError::NoInterestRate { .. })),
                Some(n) => assert!(
                    matches!(err, DeferredPaymentError::RateDate { number, .. } if number == n),
                    "{err:?}"
                ),
            }
        }
        let a = DeferredAmounts {
            interest_rates: vec![rate(date!(2025 - 07 - 01), "-1")],
            ..amounts()
        };
        assert!(matches!(
            DeferredPaymentStatement::new(header(), a),
            Err(DeferredPaymentError::RateOutOfRange { .. })
        ));
    }

    #[test]
    fn deserialising_runs_the_same_checks_and_rates_are_exact_strings() {
        let good = serde_json::to_string(&statement()).unwrap();
        assert!(good.contains(r#""percentAYear":"2.65""#), "{good}");
        assert!(good.contains(r#""closingBalance":"20742.40""#), "{good}");
        let back: DeferredPaymentStatement = serde_json::from_str(&good).unwrap();
        assert_eq!(back, statement());
        let bad = good.replace(r#""interest":"182.40""#, r#""interest":"182.00""#);
        assert_ne!(bad, good);
        let err = serde_json::from_str::<DeferredPaymentStatement>(&bad).unwrap_err();
        assert!(
            err.to_string().contains("closing balance is 20742.40"),
            "{err}"
        );
    }
}
