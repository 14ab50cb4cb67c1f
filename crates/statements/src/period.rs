//! The span of time a statement covers.
//!
//! An advice belongs to a period when its **payment date** falls inside it (both ends count).
//! We chose the payment date, not the service period, because statements are read as a record
//! of money received: a deputy's annual report, a tax-year account or a Direct Payment audit all
//! count a payment in the period it arrived. The service period of a payment can straddle the
//! boundary (a 4-weekly payment covering March and April), and splitting it would print amounts
//! that appear on no advice.

use time::{Date, Month};

use crate::dates::long_date;
use crate::StatementError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    from: Date,
    to: Date,
    kind: PeriodKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PeriodKind {
    TaxYear,
    CalendarYear,
    Range,
}

impl Period {
    /// The UK tax year starting on 6 April of `starting_year` and ending on 5 April of the next.
    pub fn tax_year(starting_year: i32) -> Result<Self, StatementError> {
        let from = day(starting_year, Month::April, 6)?;
        let to = day(starting_year + 1, Month::April, 5)?;
        Ok(Period {
            from,
            to,
            kind: PeriodKind::TaxYear,
        })
    }

    /// The tax year a date falls in (5 April 2026 is in 2025 to 2026; 6 April 2026 starts 2026 to 2027).
    pub fn tax_year_containing(date: Date) -> Result<Self, StatementError> {
        let starts_this_year = (date.month(), date.day()) >= (Month::April, 6);
        Self::tax_year(if starts_this_year {
            date.year()
        } else {
            date.year() - 1
        })
    }

    /// 1 January to 31 December of `year`.
    pub fn calendar_year(year: i32) -> Result<Self, StatementError> {
        Ok(Period {
            from: day(year, Month::January, 1)?,
            to: day(year, Month::December, 31)?,
            kind: PeriodKind::CalendarYear,
        })
    }

    /// Any span of days, both ends included.
    pub fn range(from: Date, to: Date) -> Result<Self, StatementError> {
        if to < from {
            return Err(StatementError::PeriodBackwards);
        }
        Ok(Period {
            from,
            to,
            kind: PeriodKind::Range,
        })
    }

    pub fn from(&self) -> Date {
        self.from
    }

    pub fn to(&self) -> Date {
        self.to
    }

    pub fn contains(&self, date: Date) -> bool {
        self.from <= date && date <= self.to
    }

    /// "Tax year 2025 to 2026", "Calendar year 2025", or "1 March 2026 to 31 May 2026".
    pub fn label(&self) -> String {
        match self.kind {
            PeriodKind::TaxYear => {
                format!("Tax year {} to {}", self.from.year(), self.to.year())
            }
            PeriodKind::CalendarYear => format!("Calendar year {}", self.from.year()),
            PeriodKind::Range => self.dates(),
        }
    }

    /// "6 April 2025 to 5 April 2026".
    pub fn dates(&self) -> String {
        format!("{} to {}", long_date(self.from), long_date(self.to))
    }
}

fn day(year: i32, month: Month, day: u8) -> Result<Date, StatementError> {
    // Four-digit years only: a statement for year 12345 is a typing mistake.
    if !(1900..=9998).contains(&year) {
        return Err(StatementError::YearOutOfRange);
    }
    Date::from_calendar_date(year, month, day).map_err(|_| StatementError::YearOutOfRange)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn tax_year_runs_from_6_april_to_5_april() {
        let p = Period::tax_year(2025).unwrap();
        assert_eq!(p.from(), date!(2025 - 04 - 06));
        assert_eq!(p.to(), date!(2026 - 04 - 05));
        assert_eq!(p.label(), "Tax year 2025 to 2026");
        assert_eq!(p.dates(), "6 April 2025 to 5 April 2026");
        assert!(p.contains(date!(2025 - 04 - 06)));
        assert!(p.contains(date!(2026 - 04 - 05)));
        assert!(!p.contains(date!(2025 - 04 - 05)));
        assert!(!p.contains(date!(2026 - 04 - 06)));
    }

    #[test]
    fn tax_year_containing_a_date() {
        assert_eq!(
            Period::tax_year_containing(date!(2026 - 04 - 05)).unwrap(),
            Period::tax_year(2025).unwrap()
        );
        assert_eq!(
            Period::tax_year_containing(date!(2026 - 04 - 06)).unwrap(),
            Period::tax_year(2026).unwrap()
        );
        assert_eq!(
            Period::tax_year_containing(date!(2026 - 01 - 15)).unwrap(),
            Period::tax_year(2025).unwrap()
        );
    }

    #[test]
    fn calendar_year_and_ranges() {
        let y = Period::calendar_year(2025).unwrap();
        assert_eq!(y.label(), "Calendar year 2025");
        assert!(y.contains(date!(2025 - 12 - 31)));
        assert!(!y.contains(date!(2026 - 01 - 01)));

        let r = Period::range(date!(2026 - 03 - 01), date!(2026 - 05 - 31)).unwrap();
        assert_eq!(r.label(), "1 March 2026 to 31 May 2026");
        let one_day = Period::range(date!(2026 - 03 - 01), date!(2026 - 03 - 01)).unwrap();
        assert!(one_day.contains(date!(2026 - 03 - 01)));
    }

    #[test]
    fn bad_periods_are_refused_plainly() {
        let err = Period::range(date!(2026 - 03 - 02), date!(2026 - 03 - 01)).unwrap_err();
        assert_eq!(err, StatementError::PeriodBackwards);
        assert!(err.to_string().contains("before it starts"));
        assert_eq!(
            Period::tax_year(99999).unwrap_err(),
            StatementError::YearOutOfRange
        );
        assert_eq!(
            Period::calendar_year(-5).unwrap_err(),
            StatementError::YearOutOfRange
        );
    }
}
