//! The CSVs of a Deferred Payment statement and a financial assessment result parse back, with
//! the `csv` crate, into the same figures, labels and explanations.

mod common;

use cfp_domain::samples::{assessment_result, deferred_payment_statement};
use cfp_domain::{DeferredItem, Money};
use cfp_statements::{
    assessment_csv, deferred_payment_csv, ASSESSMENT_CSV_HEADER, DEFERRED_CSV_HEADER,
};
use common::*;

fn parse(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn a_statement_csv_has_a_row_per_figure_then_per_rate() {
    let s = deferred_payment_statement("DPS-2026-0042", "100234567", NAME, "153000.00");
    let text = deferred_payment_csv(&s);
    assert!(text.contains("\r\n"));
    let (header, rows) = parse(&text);
    assert_eq!(header, DEFERRED_CSV_HEADER);
    assert_eq!(rows.len(), DeferredItem::ALL.len() + 2);
    for (row, item) in rows.iter().zip(DeferredItem::ALL) {
        assert_eq!(row[0], "DPS-2026-0042");
        assert_eq!(row[2], "100234567");
        assert_eq!(row[3], NAME);
        assert_eq!(&row[4..7], ["2025-10-01", "2026-03-31", "2026-04-10"]);
        assert_eq!(row[7], item.label());
        assert_eq!(row[8].parse::<Money>().unwrap(), s.amount_of(item));
        assert_eq!(row[11], item.explanation());
    }
    assert_eq!(rows[5][8], "20742.40");
    assert_eq!(rows[7][8], "132257.60");
    assert_eq!(rows[8][7..11], ["Interest rate", "", "2025-07-01", "2.65"]);
    assert_eq!(rows[9][9..11], ["2026-01-01", "2.40"]);
}

#[test]
fn an_assessment_csv_has_a_row_per_step_that_adds_up_to_the_contribution() {
    let r = assessment_result("FA-1", "100234567", NAME, None);
    let (header, rows) = parse(&assessment_csv(&r));
    assert_eq!(header, ASSESSMENT_CSV_HEADER);
    assert_eq!(rows.len(), r.steps().len());
    let mut total = Money::ZERO;
    for (i, (row, step)) in rows.iter().zip(r.steps()).enumerate() {
        assert_eq!(row[0], "FA-1");
        assert_eq!(row[2], NAME);
        assert_eq!(&row[3..5], ["2026-02-20", "2026-01-05"]);
        assert_eq!(row[5], (i + 1).to_string());
        assert_eq!(row[6], step.kind.label());
        assert_eq!(row[7], step.description);
        assert_eq!(row[9], step.kind.explanation());
        assert_eq!(row[10], "21.30");
        total = total + row[8].parse::<Money>().unwrap();
    }
    assert_eq!(total, r.weekly_contribution());
    // Negative amounts stay numbers a spreadsheet can add.
    assert_eq!(rows[1][8], "-15.00");
}

#[test]
fn names_that_look_like_formulas_are_defused() {
    let r = assessment_result("=FA-1", "100234567", "=HYPERLINK(\"x\")", None);
    let (_, rows) = parse(&assessment_csv(&r));
    assert_eq!(rows[0][0], "'=FA-1");
    assert_eq!(rows[0][2], "'=HYPERLINK(\"x\")");
    let s = deferred_payment_statement("+DPS", "100234567", "@me", "153000.00");
    let (_, rows) = parse(&deferred_payment_csv(&s));
    assert_eq!(
        (rows[0][0].as_str(), rows[0][3].as_str()),
        ("'+DPS", "'@me")
    );
}
