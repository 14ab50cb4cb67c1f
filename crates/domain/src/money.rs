//! Exact money in pounds and pence. Never a float: amounts are `rust_decimal` values held to
//! the penny, stored as integer pence, and sent across IPC and JSON as strings like "-12.50".

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Neg, Sub};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;

/// An amount of money in pounds, exact to the penny. It may be negative (a deduction).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[ts(type = "string")]
pub struct Money(Decimal);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("'{0}' is not an amount of money. Write it like 12.50 or -3.00.")]
    NotAnAmount(String),
    #[error("'{0}' has more than two decimal places. Amounts are in pounds and pence.")]
    FractionOfPenny(String),
    #[error("The amount is too large to handle.")]
    TooLarge,
}

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// From a whole number of pence (how amounts are stored).
    pub fn from_pence(pence: i64) -> Self {
        Money(Decimal::new(pence, 2))
    }

    /// The amount as a whole number of pence. Exact, because a `Money` never holds a fraction
    /// of a penny.
    pub fn pence(self) -> i64 {
        let scaled = self.0 * Decimal::ONE_HUNDRED;
        // `Money` is always at most 2 decimal places, and constructors cap its size, so this
        // cannot overflow or truncate.
        i64::try_from(scaled.trunc()).expect("Money always fits in i64 pence")
    }

    /// From a decimal that must already be exact to the penny.
    pub fn from_decimal(value: Decimal) -> Result<Self, MoneyError> {
        if value.normalize().scale() > 2 {
            return Err(MoneyError::FractionOfPenny(value.to_string()));
        }
        Self::checked(value)
    }

    /// From any decimal, rounded half away from zero to the penny (0.005 becomes 0.01).
    pub fn round_from(value: Decimal) -> Result<Self, MoneyError> {
        Self::checked(value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }

    fn checked(value: Decimal) -> Result<Self, MoneyError> {
        // A bound far above any care payment keeps `pence()` total and sums exact.
        const LIMIT_POUNDS: i64 = 1_000_000_000_000;
        if value.abs() >= Decimal::from(LIMIT_POUNDS) {
            return Err(MoneyError::TooLarge);
        }
        let mut v = value;
        v.rescale(2);
        Ok(Money(v))
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn abs(self) -> Self {
        Money(self.0.abs())
    }

    /// Plain decimal text with two places, as in CSV and JSON: "-12.50".
    pub fn to_plain_string(self) -> String {
        format!("{:.2}", self.0)
    }

    /// How a person reads it: "£1,234.56", and "-£12.50" for a deduction.
    pub fn to_display_gbp(self) -> String {
        let pence = self.pence();
        let sign = if pence < 0 { "-" } else { "" };
        let abs = pence.unsigned_abs();
        let pounds = abs / 100;
        let rest = abs % 100;
        format!("{sign}£{}.{rest:02}", group_thousands(pounds))
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The share of a weekly amount for a number of days: weekly × days ÷ 7, rounded half up to
/// the penny. Hampshire's published method: £150.00 a week over a 31-day month is £664.29.
pub fn pro_rata(weekly: Money, days: u32) -> Money {
    checked_pro_rata(weekly, days).expect("a weekly care amount over a period stays in range")
}

/// [`pro_rata`] for figures from outside (an import): `None` when the share is beyond any
/// amount of money this app holds (a huge rate over many days), instead of a panic.
pub fn checked_pro_rata(weekly: Money, days: u32) -> Option<Money> {
    // Below 10^12 pounds times below 2^32 days: far inside a decimal's 28 digits.
    let exact = weekly.0 * Decimal::from(days) / Decimal::from(7);
    Money::round_from(exact).ok()
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_plain_string())
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        let cleaned: String = trimmed
            .strip_prefix('£')
            .unwrap_or(trimmed)
            .chars()
            .filter(|c| *c != ',')
            .collect();
        let value = Decimal::from_str_exact(&cleaned)
            .map_err(|_| MoneyError::NotAnAmount(s.to_string()))?;
        Money::from_decimal(value).map_err(|e| match e {
            MoneyError::FractionOfPenny(_) => MoneyError::FractionOfPenny(s.to_string()),
            other => other,
        })
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_plain_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    #[test]
    fn hampshire_worked_example() {
        // Weekly budget 150.00 over a 31-day month; weekly contribution 20.00.
        let budget = pro_rata(m("150.00"), 31);
        let contribution = pro_rata(m("20.00"), 31);
        assert_eq!(budget, m("664.29"));
        assert_eq!(contribution, m("88.57"));
        assert_eq!(budget - contribution, m("575.72"));
    }

    #[test]
    fn pro_rata_rounds_to_the_nearest_penny() {
        // £10.00 for 1 day is 142.857p: up to £1.43. £10.00 for 2 days is 285.714p: down to £2.86.
        assert_eq!(pro_rata(m("10.00"), 1), m("1.43"));
        assert_eq!(pro_rata(m("10.00"), 2), m("2.86"));
        assert_eq!(pro_rata(m("150.00"), 28), m("600.00"));
        assert_eq!(pro_rata(m("150.00"), 7), m("150.00"));
        assert_eq!(pro_rata(m("150.00"), 0), m("0.00"));
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        // Whole days never land exactly on a half penny (pence × days can't equal 7k + 3.5),
        // so the midpoint rule is tested on the rounding itself.
        assert_eq!(Money::round_from(dec!(0.005)).unwrap(), m("0.01"));
        assert_eq!(Money::round_from(dec!(0.0049)).unwrap(), m("0.00"));
        assert_eq!(Money::round_from(dec!(-0.005)).unwrap(), m("-0.01"));
        assert_eq!(Money::round_from(dec!(2.675)).unwrap(), m("2.68"));
    }

    #[test]
    fn pence_round_trip_is_exact() {
        for pence in [0, 1, -1, 99, 100, 66429, -8857, 123_456_789_012] {
            assert_eq!(Money::from_pence(pence).pence(), pence);
        }
        assert_eq!(m("664.29").pence(), 66429);
        assert_eq!(m("-88.57").pence(), -8857);
        assert_eq!(m("5").pence(), 500);
    }

    #[test]
    fn parsing_refuses_what_is_not_money() {
        assert!(matches!(
            "abc".parse::<Money>(),
            Err(MoneyError::NotAnAmount(_))
        ));
        assert!(matches!(
            "1.005".parse::<Money>(),
            Err(MoneyError::FractionOfPenny(_))
        ));
        assert!(matches!(
            "".parse::<Money>(),
            Err(MoneyError::NotAnAmount(_))
        ));
        assert!(matches!(
            "99999999999999999".parse::<Money>(),
            Err(MoneyError::TooLarge)
        ));
        // Trailing zeros beyond the penny are still a whole number of pence.
        assert_eq!("1.500".parse::<Money>().unwrap(), m("1.50"));
        assert_eq!("£1,234.50".parse::<Money>().unwrap(), m("1234.50"));
    }

    #[test]
    fn display_forms() {
        assert_eq!(m("1234.5").to_plain_string(), "1234.50");
        assert_eq!(m("-12.5").to_plain_string(), "-12.50");
        assert_eq!(m("1234567.05").to_display_gbp(), "£1,234,567.05");
        assert_eq!(m("-88.57").to_display_gbp(), "-£88.57");
        assert_eq!(m("0").to_display_gbp(), "£0.00");
        assert_eq!(m("999").to_display_gbp(), "£999.00");
    }

    #[test]
    fn serde_uses_strings() {
        let json = serde_json::to_string(&m("575.72")).unwrap();
        assert_eq!(json, "\"575.72\"");
        let back: Money = serde_json::from_str("\"-3.10\"").unwrap();
        assert_eq!(back, m("-3.10"));
        assert!(serde_json::from_str::<Money>("\"1.234\"").is_err());
    }

    #[test]
    fn sums_are_exact() {
        let lines = [m("0.10"); 10];
        assert_eq!(lines.iter().sum::<Money>(), m("1.00"));
        assert!(m("-0.01").is_negative());
        assert!(!m("0.00").is_negative());
        assert!(!(-Money::ZERO).is_negative());
    }
}
