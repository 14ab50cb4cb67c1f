//! Period statements for one person, checked with poppler and qpdf.

mod common;

use cfp_domain::{LineKind, Money, RemittanceAdvice};
use cfp_statements::{
    period_statement_pdf, short_date, ColumnTotals, KindTotals, Period, PersonRecords,
    StatementError,
};
use common::*;
use time::macros::date;

fn person(advices: &[RemittanceAdvice]) -> PersonRecords<'_> {
    PersonRecords {
        client_name: NAME,
        client_id: client_id(),
        advices,
    }
}

/// 130 fortnightly payments: five years from April 2021.
fn five_years() -> Vec<RemittanceAdvice> {
    fortnightly(130, date!(2021 - 04 - 09), client_id(), NAME, "RA")
}

#[test]
fn a_tax_year_has_a_row_per_payment_and_totals_that_add_up() {
    let advices = five_years();
    let period = Period::tax_year(2023).unwrap();
    let bytes = period_statement_pdf(&person(&advices), &period, &context()).unwrap();
    let ws = Workspace::new();
    let path = ws.write("tax-year.pdf", &bytes);
    assert_qpdf_clean(&path);
    assert_within_margins(&path);

    let in_year: Vec<&RemittanceAdvice> = advices
        .iter()
        .filter(|a| period.contains(a.header().payment_date))
        .collect();
    assert_eq!(
        in_year.len(),
        27,
        "fortnightly payments: 27 fall in this tax year"
    );

    let pages = pages_text(&path);
    let all = pages.join("\n");
    assert_in_order(
        &all,
        &[
            "Hampshire County Council",
            "Direct Payment statement: Tax year 2023 to 2024",
            NAME,
            "100234567",
            "6 April 2023 to 5 April 2024",
            "Net amount received from 27 payments",
        ],
    );
    // Every payment in the year, in payment-date order, with its amounts on its own row in
    // column order; none from outside the year.
    let references: Vec<String> = in_year
        .iter()
        .map(|a| a.header().reference.clone())
        .collect();
    let refs: Vec<&str> = references.iter().map(String::as_str).collect();
    assert_in_order(&all, &refs);
    for advice in &in_year {
        let row = line_with(&all, &advice.header().reference);
        let mut cells = vec![short_date(advice.header().payment_date)];
        cells.push(format!(
            "{} to {}",
            short_date(advice.header().period_from),
            short_date(advice.header().period_to)
        ));
        cells.push(advice.header().reference.clone());
        cells.extend(
            ColumnTotals::of_advice(advice)
                .amounts()
                .iter()
                .map(|m| m.to_display_gbp()),
        );
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        assert_in_order(row, &cells);
    }
    for outside in advices
        .iter()
        .filter(|a| !period.contains(a.header().payment_date))
    {
        assert!(!all.contains(&outside.header().reference));
    }

    // The totals row adds up each column, and the totals by kind add up to the net.
    let kinds = KindTotals::of(in_year.iter().copied());
    let columns = ColumnTotals::from_kinds(&kinds);
    let expected_net: Money = in_year.iter().map(|a| a.net_amount()).sum();
    assert_eq!(kinds.net(), expected_net);
    let totals_row = line_with(&all, "Totals  ");
    let amounts: Vec<String> = columns
        .amounts()
        .iter()
        .map(|m| m.to_display_gbp())
        .collect();
    let amounts: Vec<&str> = amounts.iter().map(String::as_str).collect();
    assert_in_order(totals_row, &amounts);
    let by_kind_at = all.find("Totals by kind of line").unwrap();
    let mut by_kind: Vec<String> = LineKind::ALL
        .iter()
        .flat_map(|k| [k.label().to_string(), kinds.get(*k).to_display_gbp()])
        .collect();
    by_kind.extend(["Net amount received".into(), expected_net.to_display_gbp()]);
    let by_kind: Vec<&str> = by_kind.iter().map(String::as_str).collect();
    assert_in_order(&all[by_kind_at..], &by_kind);
    // Worked by hand: 27 payments of 300.00 less 40.00, five recoveries of 12.50 and four
    // rate adjustments of 8.75.
    assert_eq!(columns.budget, m("8100.00"));
    assert_eq!(columns.contributions, m("-1080.00"));
    assert_eq!(columns.recoveries, m("-62.50"));
    assert_eq!(columns.adjustments, m("35.00"));
    assert_eq!(expected_net, m("6992.50"));
    assert!(totals_row.contains("£6,992.50"));
}

#[test]
fn five_years_of_payments_paginate_with_headers_and_page_numbers_on_every_page() {
    let advices = five_years();
    let period = Period::range(date!(2021 - 04 - 01), date!(2026 - 03 - 31)).unwrap();
    let bytes = period_statement_pdf(&person(&advices), &period, &context()).unwrap();
    let ws = Workspace::new();
    let path = ws.write("five-years.pdf", &bytes);
    assert_qpdf_clean(&path);
    assert_within_margins(&path);

    // The layout, worked from its measurements (landscape A4 is 595.28 pt tall; rows are 19 pt
    // and must end above 507.28 pt, where the footer space begins):
    // - page 1: the masthead, the person and the net amount end at 246.1 pt, the column
    //   headings at 268.1 pt, leaving room for 12 rows (ending at 496.1 pt);
    // - pages 2 onwards: the running header and the column headings end at 115 pt: 20 rows;
    // - 130 = 12 + 5 x 20 + 18, so the last 18 rows and the totals row end page 7, and the
    //   totals by kind (which are never split) start page 8.
    let info = pdfinfo(&path);
    assert_eq!(info_field(&info, "Pages"), "8");
    assert!(info_field(&info, "Page size").contains("841.89 x 595.28"));

    let pages = pages_text(&path);
    assert_eq!(pages.len(), 8);
    let rows_per_page: Vec<usize> = pages
        .iter()
        .map(|page| page.lines().filter(|l| l.contains(" RA-")).count())
        .collect();
    assert_eq!(rows_per_page, [12, 20, 20, 20, 20, 20, 18, 0]);
    for (i, page) in pages.iter().enumerate() {
        assert!(
            line_with(page, "Page ").contains(&format!("Page {} of 8", i + 1)),
            "page {}",
            i + 1
        );
        if i > 0 {
            assert!(page.contains("continued"));
            assert!(page.contains(NAME));
        }
        if rows_per_page[i] > 0 {
            // The column headings repeat on every page that has rows.
            assert_in_order(
                page,
                &[
                    "Payment date",
                    "Period covered",
                    "Reference",
                    "Budget",
                    "Contributions",
                    "One-off",
                    "Adjustments",
                    "Recoveries",
                    "Net paid",
                ],
            );
        }
    }
    let references: Vec<String> = advices
        .iter()
        .map(|a| a.header().reference.clone())
        .collect();
    let refs: Vec<&str> = references.iter().map(String::as_str).collect();
    assert_in_order(&pages.join("\n"), &refs);
    assert!(line_with(&pages[6], "Totals  ").contains("£33,632.50"));
    assert!(pages[7].contains("Totals by kind of line"));
    // Worked by hand: 130 x 260.00, less 26 recoveries of 12.50, plus 18 adjustments of 8.75.
    let net: Money = advices.iter().map(|a| a.net_amount()).sum();
    assert_eq!(net, m("33632.50"));
    assert!(line_with(&pages[7], "Net amount received").contains("£33,632.50"));
}

#[test]
fn an_empty_period_says_so() {
    let advices = five_years();
    let period = Period::calendar_year(2030).unwrap();
    let bytes = period_statement_pdf(&person(&advices), &period, &context()).unwrap();
    let ws = Workspace::new();
    let path = ws.write("empty.pdf", &bytes);
    assert_qpdf_clean(&path);
    let text = pages_text(&path).join("\n");
    assert_in_order(
        &text,
        &[
            "Calendar year 2030",
            "Net amount received from 0 payments",
            "£0.00",
            "No payments were made in this period.",
            "Page 1 of 1",
        ],
    );
}

#[test]
fn advices_of_another_person_are_refused_without_naming_anyone() {
    let mut advices = five_years();
    let stranger = fortnightly(
        1,
        date!(2023 - 05 - 05),
        "100999888".parse().unwrap(),
        "Someone Else",
        "RX",
    );
    advices.extend(stranger);
    let err = period_statement_pdf(
        &person(&advices),
        &Period::tax_year(2023).unwrap(),
        &context(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        StatementError::AdviceForAnotherPerson {
            reference: "RX-000001".into()
        }
    );
    let message = err.to_string();
    assert!(!message.contains("Someone Else") && !message.contains("100999888"));
    assert!(!message.contains(NAME) && !message.contains("100234567"));
}

#[test]
fn same_input_same_bytes_whatever_the_order_given() {
    let advices = five_years();
    let mut reversed = advices.clone();
    reversed.reverse();
    let period = Period::tax_year(2022).unwrap();
    let a = period_statement_pdf(&person(&advices), &period, &context()).unwrap();
    let b = period_statement_pdf(&person(&reversed), &period, &context()).unwrap();
    assert!(a == b, "same payments must give the same bytes");
}

#[test]
fn a_long_name_and_reference_stay_inside_the_page() {
    let long_name =
        "Maria-Fernanda Konstantinopoulou-Ó Súilleabháin Wolfeschlegelsteinhausenbergerdorff";
    let advices = fortnightly(
        30,
        date!(2025 - 04 - 11),
        client_id(),
        long_name,
        "REMITTANCE-ADVICE-REFERENCE",
    );
    let person = PersonRecords {
        client_name: long_name,
        client_id: client_id(),
        advices: &advices,
    };
    let bytes =
        period_statement_pdf(&person, &Period::tax_year(2025).unwrap(), &context()).unwrap();
    let ws = Workspace::new();
    let path = ws.write("long.pdf", &bytes);
    assert_qpdf_clean(&path);
    assert_within_margins(&path);
    let pages = pages_text(&path);
    assert!(pages.len() >= 2);
    // Too long for its column, the reference is shortened with an ellipsis (the CSV has it whole).
    assert!(pages[0].contains("REMITTANCE-"));
    assert!(pages[0].contains('…'));
}
