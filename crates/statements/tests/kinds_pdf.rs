//! The PDFs of a Deferred Payment statement and a financial assessment result, checked with
//! poppler and qpdf: every figure, label, explanation, name and reference is really there.

mod common;

use cfp_domain::samples::{assessment_result, deferred_payment_statement};
use cfp_domain::{AssessmentStepKind, DeferredItem, DeferredPaymentStatement};
use cfp_statements::{assessment_pdf, deferred_payment_pdf};
use common::*;

const NOTE: &str = "We used your pension letter from April.";

/// pdftotext breaks wrapped explanations at the end of each printed line; joining the words
/// back up lets us compare with the domain's text.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn statement(equity_limit: &str) -> DeferredPaymentStatement {
    deferred_payment_statement("DPS-2026-0042", "100234567", NAME, equity_limit)
}

fn text_of(bytes: &[u8], file: &str) -> (Vec<String>, String) {
    let ws = Workspace::new();
    let path = ws.write(file, bytes);
    assert_qpdf_clean(&path);
    assert_within_margins(&path);
    let pages = pages_text(&path);
    for (i, page) in pages.iter().enumerate() {
        assert!(page.contains(&format!("Page {} of {}", i + 1, pages.len())));
    }
    let all = words(&pages.join(" "));
    (pages, all)
}

#[test]
fn a_statement_reads_its_balance_from_opening_to_closing_with_every_figure_explained() {
    let s = statement("153000.00");
    let (pages, all) = text_of(&deferred_payment_pdf(&s, &context()).unwrap(), "dps.pdf");
    // One page, the rates beside the interest they explain.
    assert_eq!(pages.len(), 1, "{all}");
    let mut expected: Vec<String> = [
        "Hampshire County Council",
        "Deferred Payment statement",
        "dp.finance@council.example",
        NAME,
        "100234567",
        "DPS-2026-0042",
        "DPA-100234567",
        "1 October 2025 to 31 March 2026",
        "10 April 2026",
        "You owe",
        "£20,742.40",
    ]
    .map(String::from)
    .to_vec();
    let words_before = [
        "", "Plus: ", "Plus: ", "Plus: ", "Minus: ", "Equals: ", "", "",
    ];
    for (item, word) in DeferredItem::ALL.into_iter().zip(words_before) {
        expected.push(format!("{word}{}", item.label()));
        expected.push(s.amount_of(item).to_display_gbp());
        expected.push(words(item.explanation()));
        if item == DeferredItem::Interest {
            expected.push(
                "The rate was 2.65% a year from 1 July 2025, then 2.40% a year from 1 January 2026."
                    .into(),
            );
        }
    }
    expected.push(s.headroom_sentence());
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_in_order(&all, &expected);
    let page = &pages[0];
    assert!(line_with(page, "Equals: Closing balance").contains("£20,742.40"));
    assert!(line_with(page, "Minus: Payments received").contains("£500.00"));
    assert!(line_with(page, "Headroom").contains("£132,257.60"));
}

#[test]
fn past_the_equity_limit_the_statement_says_so_in_the_apps_words() {
    let s = statement("20000.00");
    let (_, all) = text_of(&deferred_payment_pdf(&s, &context()).unwrap(), "past.pdf");
    assert!(all.contains("-£742.40"), "{all}");
    assert!(all.contains(&s.headroom_sentence()), "{all}");
    assert!(s.headroom_sentence().starts_with("You owe £742.40 more"));
}

#[test]
fn an_assessment_shows_every_step_and_adds_up_to_the_weekly_contribution() {
    let r = assessment_result("FA-100234567-1", "100234567", NAME, Some(NOTE));
    let (pages, all) = text_of(&assessment_pdf(&r, &context()).unwrap(), "fa.pdf");
    assert_eq!(pages.len(), 1, "{all}");
    let mut expected: Vec<String> = [
        "Hampshire County Council",
        "Financial assessment result",
        NAME,
        "100234567",
        "FA-100234567-1",
        "20 February 2026",
        "5 January 2026",
        "Weekly contribution",
        "£21.30",
    ]
    .map(String::from)
    .to_vec();
    for (i, step) in r.steps().iter().enumerate() {
        expected.push(format!(
            "{}. {} ({})",
            i + 1,
            step.kind.label(),
            step.description
        ));
        expected.push(format!("{} a week", step.weekly_amount.to_display_gbp()));
        expected.push(words(step.kind.explanation()));
    }
    expected.extend(
        [
            "How the steps add up",
            "£230.25",
            "-£15.00",
            "-£193.95",
            "Weekly contribution",
            "£21.30",
            "The finance team's note",
            NOTE,
        ]
        .map(String::from),
    );
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_in_order(&all, &expected);
    assert!(line_with(&pages[0], "-£193.95 a week").contains("3. Money you keep to live on"));
    assert_eq!(
        r.steps()[2].kind,
        AssessmentStepKind::MinimumIncomeGuarantee
    );
}

#[test]
fn metadata_names_each_document_and_the_council() {
    let ws = Workspace::new();
    let dps = ws.write(
        "dps.pdf",
        &deferred_payment_pdf(&statement("153000.00"), &context()).unwrap(),
    );
    let r = assessment_result("FA-100234567-1", "100234567", NAME, None);
    let fa = ws.write("fa.pdf", &assessment_pdf(&r, &context()).unwrap());
    for (path, title) in [
        (&dps, "Deferred Payment statement DPS-2026-0042"),
        (&fa, "Financial assessment result FA-100234567-1"),
    ] {
        let info = pdfinfo(path);
        assert_eq!(info_field(&info, "Title"), title);
        assert_eq!(info_field(&info, "Author"), "Hampshire County Council");
    }
}

#[test]
fn same_input_same_bytes() {
    let s = statement("153000.00");
    let r = assessment_result("FA-1", "100234567", NAME, Some(NOTE));
    assert!(
        deferred_payment_pdf(&s, &context()).unwrap()
            == deferred_payment_pdf(&s, &context()).unwrap()
    );
    assert!(assessment_pdf(&r, &context()).unwrap() == assessment_pdf(&r, &context()).unwrap());
    let mut later = context();
    later.produced_on = later.produced_on.next_day().unwrap();
    assert!(assessment_pdf(&r, &context()).unwrap() != assessment_pdf(&r, &later).unwrap());
}
