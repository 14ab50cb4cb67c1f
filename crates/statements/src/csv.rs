//! CSV exports: one row per line of an advice, so a spreadsheet can add anything up.
//!
//! The format follows RFC 4180: a header row, comma separators, CRLF line ends, and fields
//! quoted (with inner quotes doubled) when they hold a comma, a quote or a line break. The text
//! is UTF-8 and starts with a byte-order mark, because without it Excel on Windows (what most
//! people here will open the file with) shows "Zoë" as "ZoÃ«"; RFC 4180 readers, including
//! the `csv` crate and LibreOffice, skip it.
//!
//! Amounts are plain decimals with two places ("-88.57"): no pound sign, no thousands commas.
//! Dates are ISO 8601 ("2026-02-27").
//!
//! **Formula injection.** A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and
//! some treat a leading tab or carriage return the same way) as a formula. Text fields come from
//! the council's records and names people typed, so every TEXT field that starts with one of
//! those characters gets a leading apostrophe, which spreadsheets show as plain text. Amount,
//! rate, day-count and date columns are written by this program from exact values and are left
//! alone, so "-88.57" stays a number a spreadsheet can add up.

use cfp_domain::{Money, RemittanceAdvice};
use time::Date;

use crate::{Period, PersonRecords, StatementError};

/// The header row, in column order.
pub const CSV_HEADER: [&str; 17] = [
    "Reference",
    "Client ID",
    "Client name",
    "Paid to",
    "Period from",
    "Period to",
    "Finalised on",
    "Payment date",
    "Line",
    "Code",
    "Line kind",
    "Description",
    "Amount",
    "Weekly rate",
    "Days",
    "Council's note",
    "Net amount paid",
];

pub(crate) const BYTE_ORDER_MARK: &str = "\u{feff}";

/// Every line of one advice.
pub fn advice_csv(advice: &RemittanceAdvice) -> String {
    write_csv([advice])
}

/// Every line of the advices paid within the period (chosen by payment date), oldest first.
pub fn period_csv(person: &PersonRecords<'_>, period: &Period) -> Result<String, StatementError> {
    Ok(write_csv(person.paid_in(period)?))
}

/// Every line of every advice the person has, oldest first.
pub fn everything_csv(person: &PersonRecords<'_>) -> Result<String, StatementError> {
    Ok(write_csv(person.in_payment_order()?))
}

fn write_csv<'a>(advices: impl IntoIterator<Item = &'a RemittanceAdvice>) -> String {
    let mut out = String::from(BYTE_ORDER_MARK);
    push_row(&mut out, CSV_HEADER.iter().map(|h| Cell::Text(h)));
    for advice in advices {
        let h = advice.header();
        let client_id = h.client_id.to_string();
        let net = advice.net_amount();
        for (index, line) in advice.lines().iter().enumerate() {
            let line_number = (index + 1).to_string();
            let weekly_rate = line.weekly_rate.map(plain).unwrap_or_default();
            let days = line.days.map(|d| d.to_string()).unwrap_or_default();
            let row = [
                Cell::Text(&h.reference),
                Cell::Text(&client_id),
                Cell::Text(&h.client_name),
                Cell::Text(&h.payee),
                Cell::Exact(iso(h.period_from)),
                Cell::Exact(iso(h.period_to)),
                Cell::Exact(iso(h.finalised_on)),
                Cell::Exact(iso(h.payment_date)),
                Cell::Exact(line_number),
                Cell::Text(line.kind.code()),
                Cell::Text(line.kind.label()),
                Cell::Text(&line.description),
                Cell::Exact(plain(line.amount)),
                Cell::Exact(weekly_rate),
                Cell::Exact(days),
                Cell::Text(line.council_note.as_deref().unwrap_or("")),
                Cell::Exact(plain(net)),
            ];
            push_row(&mut out, row);
        }
    }
    out
}

/// A field, and whether it needs the formula guard.
pub(crate) enum Cell<'a> {
    /// Free text from records or people: guarded against formula injection.
    Text(&'a str),
    /// A number or date this program wrote from an exact value: written as it is.
    Exact(String),
}

pub(crate) fn push_row<'a>(out: &mut String, cells: impl IntoIterator<Item = Cell<'a>>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match cell {
            Cell::Text(text) => push_field(out, &defuse_formula(text)),
            Cell::Exact(text) => push_field(out, &text),
        }
    }
    out.push_str("\r\n");
}

fn defuse_formula(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn push_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

pub(crate) fn plain(amount: Money) -> String {
    amount.to_plain_string()
}

pub(crate) fn iso(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        let mut out = String::new();
        push_field(&mut out, "plain");
        out.push('|');
        push_field(&mut out, "a, b");
        out.push('|');
        push_field(&mut out, "say \"hi\"");
        out.push('|');
        push_field(&mut out, "two\nlines");
        assert_eq!(out, "plain|\"a, b\"|\"say \"\"hi\"\"\"|\"two\nlines\"");
    }

    #[test]
    fn text_that_a_spreadsheet_would_run_is_defused() {
        for risky in ["=SUM(A1)", "+1", "-2+3", "@cmd", "\tx"] {
            assert_eq!(defuse_formula(risky), format!("'{risky}"));
        }
        for safe in ["Margaret", "RA-1", "O'Neil", ""] {
            assert_eq!(defuse_formula(safe), safe);
        }
    }

    #[test]
    fn iso_dates_are_zero_padded() {
        assert_eq!(iso(time::macros::date!(2026 - 02 - 07)), "2026-02-07");
    }
}
