//! Dates written the way GOV.UK writes them: "27 February 2026", or "27 Feb 2026" in tables.

use time::Date;

/// "27 February 2026".
pub fn long_date(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

/// "27 Feb 2026", for narrow table columns.
pub fn short_date(date: Date) -> String {
    let month = date.month().to_string();
    format!("{} {} {}", date.day(), &month[..3], date.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_read_naturally() {
        assert_eq!(long_date(date!(2026 - 02 - 27)), "27 February 2026");
        assert_eq!(long_date(date!(2025 - 04 - 06)), "6 April 2025");
        assert_eq!(short_date(date!(2026 - 09 - 01)), "1 Sep 2026");
    }
}
