//! CSV exports parse back, with the `csv` crate, into the same lines and totals.

mod common;

use cfp_domain::{LineKind, Money, RemittanceAdvice};
use cfp_statements::{advice_csv, everything_csv, period_csv, Period, PersonRecords};
use common::*;
use time::macros::date;

fn parse(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// Checks that the rows are exactly the advices' lines, in order, and return the total.
fn assert_rows_are_the_lines(text: &str, advices: &[&RemittanceAdvice]) -> Money {
    let (header, rows) = parse(text);
    let col = |name| column(&header, name);
    let lines: Vec<_> = advices
        .iter()
        .flat_map(|a| {
            a.lines()
                .iter()
                .enumerate()
                .map(move |(i, l)| (*a, i + 1, l))
        })
        .collect();
    assert_eq!(rows.len(), lines.len(), "one row per line");
    let mut total = Money::ZERO;
    for (row, (advice, number, line)) in rows.iter().zip(lines) {
        let h = advice.header();
        assert_eq!(row[col("Reference")], h.reference);
        assert_eq!(row[col("Client ID")], h.client_id.to_string());
        assert_eq!(row[col("Client name")], h.client_name);
        assert_eq!(row[col("Line")], number.to_string());
        assert_eq!(row[col("Code")], line.kind.code());
        assert_eq!(row[col("Line kind")], line.kind.label());
        let amount: Money = row[col("Amount")].parse().unwrap();
        assert_eq!(amount, line.amount);
        assert_eq!(row[col("Amount")], line.amount.to_plain_string());
        assert_eq!(
            row[col("Net amount paid")],
            advice.net_amount().to_plain_string()
        );
        assert_eq!(
            row[col("Weekly rate")],
            line.weekly_rate
                .map(|r| r.to_plain_string())
                .unwrap_or_default()
        );
        total = total + amount;
    }
    total
}

#[test]
fn one_advice_has_a_header_and_a_row_per_line() {
    let advice = every_kind();
    let text = advice_csv(&advice);
    assert!(text.starts_with("\u{feff}Reference,Client ID,Client name,"));
    assert!(text.ends_with("\r\n"));
    // Every record ends with CRLF, and nothing but records do.
    assert_eq!(text.matches("\r\n").count(), 1 + advice.lines().len());
    let total = assert_rows_are_the_lines(&text, &[&advice]);
    assert_eq!(total, m("581.50"));

    let (header, rows) = parse(&text);
    let dates = column(&header, "Payment date");
    assert_eq!(rows[0][dates], "2026-05-29");
    assert_eq!(rows[0][column(&header, "Period from")], "2026-06-01");
    assert_eq!(rows[0][column(&header, "Days")], "28");
    let note = column(&header, "Council's note");
    assert_eq!(rows[4][note], MA_NOTE);
    // The description with a comma survived quoting.
    assert_eq!(
        rows[2][column(&header, "Description")],
        "Replacement riser chair (agreed 3 June)"
    );
    // Deductions stay numbers: no apostrophe on amounts.
    assert_eq!(rows[1][column(&header, "Amount")], "-80.00");
}

#[test]
fn text_that_would_run_as_a_formula_is_defused_but_amounts_are_not() {
    let mut lines = every_kind().lines().to_vec();
    lines[4].council_note = Some("=HYPERLINK(\"http://evil.example\",\"Click\")".into());
    lines[2].description = "+44 chair, \"deluxe\"\nline two".into();
    let mut header = every_kind().header().clone();
    header.payee = "@Payee Ltd".into();
    header.reference = "-RA-1".into();
    let advice = RemittanceAdvice::new(header, lines, m("581.50")).unwrap();
    let (h, rows) = parse(&advice_csv(&advice));
    assert_eq!(
        rows[4][column(&h, "Council's note")],
        "'=HYPERLINK(\"http://evil.example\",\"Click\")"
    );
    assert_eq!(
        rows[2][column(&h, "Description")],
        "'+44 chair, \"deluxe\"\nline two"
    );
    assert_eq!(rows[0][column(&h, "Paid to")], "'@Payee Ltd");
    assert_eq!(rows[0][column(&h, "Reference")], "'-RA-1");
    assert_eq!(rows[3][column(&h, "Amount")], "-24.00");
    assert_eq!(rows[5][column(&h, "Amount")], "-50.00");
}

#[test]
fn a_period_holds_the_lines_of_the_payments_made_in_it() {
    let advices = fortnightly(130, date!(2021 - 04 - 09), client_id(), NAME, "RA");
    let person = PersonRecords {
        client_name: NAME,
        client_id: client_id(),
        advices: &advices,
    };
    let period = Period::tax_year(2023).unwrap();
    let text = period_csv(&person, &period).unwrap();
    let in_year: Vec<&RemittanceAdvice> = advices
        .iter()
        .filter(|a| period.contains(a.header().payment_date))
        .collect();
    let total = assert_rows_are_the_lines(&text, &in_year);
    assert_eq!(total, m("6992.50"));

    // Totals by kind from the CSV match the domain's.
    let (h, rows) = parse(&text);
    for kind in LineKind::ALL {
        let from_csv: Money = rows
            .iter()
            .filter(|r| r[column(&h, "Code")] == kind.code())
            .map(|r| r[column(&h, "Amount")].parse::<Money>().unwrap())
            .sum();
        let expected: Money = in_year.iter().map(|a| a.total_of(kind)).sum();
        assert_eq!(from_csv, expected, "{kind:?}");
    }
}

#[test]
fn everything_for_a_person_oldest_first() {
    let mut advices = fortnightly(30, date!(2024 - 01 - 05), client_id(), NAME, "RA");
    advices.push(hampshire());
    advices.reverse();
    let person = PersonRecords {
        client_name: NAME,
        client_id: client_id(),
        advices: &advices,
    };
    let text = everything_csv(&person).unwrap();
    let mut ordered: Vec<&RemittanceAdvice> = advices.iter().collect();
    ordered.sort_by_key(|a| a.header().payment_date);
    let total = assert_rows_are_the_lines(&text, &ordered);
    let expected: Money = advices.iter().map(|a| a.net_amount()).sum();
    assert_eq!(total, expected);
    assert!(text.contains("Renée Muñoz-Özdemir"), "UTF-8 names survive");
}
