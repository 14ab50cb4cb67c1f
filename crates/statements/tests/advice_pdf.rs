//! The PDF of one remittance advice, checked with poppler and qpdf.

mod common;

use cfp_domain::{explain_line, LineKind};
use cfp_statements::advice_pdf;
use common::*;

#[test]
fn hampshire_advice_reads_like_an_official_advice() {
    let advice = hampshire();
    let bytes = advice_pdf(&advice, &context()).unwrap();
    let ws = Workspace::new();
    let path = ws.write("advice.pdf", &bytes);
    assert_qpdf_clean(&path);
    assert_within_margins(&path);

    let pages = pages_text(&path);
    assert_eq!(pages.len(), 1);
    let text = &pages[0];
    // Top to bottom: the council, the title, contact, the person, the payment, the lines, the sums.
    assert_in_order(
        text,
        &[
            "Hampshire County Council",
            "Direct Payment remittance advice",
            "dp.finance@council.example",
            "0300 555 1234",
            NAME,
            "100234567",
            "RA-2026-000123",
            "1 March 2026 to 31 March 2026 (31 days)",
            "27 February 2026",
            "20 February 2026",
            "Amount paid",
            "£575.72",
            "1. Care budget",
            "£664.29",
            "2. Contribution",
            "-£88.57",
            "How the lines add up",
            "Care budget",
            "£664.29",
            "Contribution",
            "-£88.57",
            "Amount paid",
            "£575.72",
            "Page 1 of 1",
        ],
    );
    // Each amount sits on the same line as what it is for.
    assert!(line_with(text, "1. Care budget").contains("£664.29"));
    assert!(line_with(text, "2. Contribution").contains("-£88.57"));
    assert!(line_with(text, "Produced on").contains("30 November 2026"));
}

/// pdftotext breaks wrapped explanations at the end of each printed line; joining the words
/// back up lets us compare with the domain's text.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_line_kind_is_explained_in_the_domains_words() {
    let advice = every_kind();
    let bytes = advice_pdf(&advice, &context()).unwrap();
    let ws = Workspace::new();
    let path = ws.write("every-kind.pdf", &bytes);
    assert_qpdf_clean(&path);
    let pages = pages_text(&path);
    let all = words(&pages.join(" "));

    let mut expected = Vec::new();
    for line in advice.lines() {
        let e = explain_line(line);
        expected.push(e.label.clone());
        expected.push(e.code.clone());
        expected.push(line.amount.to_display_gbp());
        expected.push(words(&e.meaning));
        if let Some(working) = &e.working {
            expected.push(working.clone());
        }
        if let Some(note) = &e.council_note {
            expected.push(format!("The finance team's note: {note}"));
        }
    }
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_in_order(&all, &expected);
    assert!(all.contains(MA_NOTE));
    assert!(all.contains("£150.00 a week for 28 days is £600.00."));
    assert!(all.contains("Replacement riser chair (agreed 3 June)"));

    // The totals by kind follow the lines and add up to the amount paid.
    let totals_at = all.find("How the lines add up").unwrap();
    let mut totals: Vec<String> = LineKind::ALL
        .iter()
        .flat_map(|k| [k.label().to_string(), advice.total_of(*k).to_display_gbp()])
        .collect();
    totals.extend(["Amount paid".into(), "£581.50".into()]);
    let totals: Vec<&str> = totals.iter().map(String::as_str).collect();
    assert_in_order(&all[totals_at..], &totals);

    for (i, page) in pages.iter().enumerate() {
        assert!(page.contains(&format!("Page {} of {}", i + 1, pages.len())));
    }
}

#[test]
fn metadata_names_the_document_the_council_and_the_language() {
    let bytes = advice_pdf(&hampshire(), &context()).unwrap();
    let ws = Workspace::new();
    let path = ws.write("advice.pdf", &bytes);
    let info = pdfinfo(&path);
    assert_eq!(
        info_field(&info, "Title"),
        "Direct Payment remittance advice RA-2026-000123"
    );
    assert_eq!(info_field(&info, "Author"), "Hampshire County Council");
    assert!(info_field(&info, "Page size").contains("595.28 x 841.89"));
    assert_eq!(
        info_field(&info, "CreationDate"),
        "Mon Nov 30 00:00:00 2026 UTC"
    );
    // Only standard entries: nothing empty or claiming a PDF/X conformance it lacks.
    assert_eq!(info_field(&info, "Custom Metadata"), "no");
    // The language is in the catalogue, which pdfinfo does not show: look at the objects.
    let (ok, json) = qpdf_json(&path);
    assert!(ok);
    assert!(json.contains("\"/Lang\": \"u:en-GB\""), "no /Lang en-GB");
}

fn qpdf_json(path: &std::path::Path) -> (bool, String) {
    let out = std::process::Command::new("qpdf")
        .args(["--json", "--json-key=qpdf"])
        .arg(path)
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn the_font_is_embedded_and_subset() {
    let bytes = advice_pdf(&hampshire(), &context()).unwrap();
    let ws = Workspace::new();
    let path = ws.write("advice.pdf", &bytes);
    let out = std::process::Command::new("pdffonts")
        .arg(&path)
        .output()
        .unwrap();
    let fonts = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{fonts}");
    for row in rows {
        assert!(row.contains("Atkinson"), "{row}");
        // Columns: name type encoding emb sub uni ...
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "{row}");
    }
    // A whole font file is about 53 KB; two subset fonts and one page stay far below that.
    assert!(bytes.len() < 60_000, "{} bytes", bytes.len());
}

#[test]
fn same_input_same_bytes() {
    let first = advice_pdf(&every_kind(), &context()).unwrap();
    let second = advice_pdf(&every_kind(), &context()).unwrap();
    assert!(first == second, "two runs gave different bytes");
    let mut later = context();
    later.produced_on = later.produced_on.next_day().unwrap();
    let third = advice_pdf(&every_kind(), &later).unwrap();
    assert!(
        first != third,
        "the production date must show in the document"
    );
}

#[test]
fn long_notes_wrap_onto_more_pages_without_overflowing() {
    let mut lines: Vec<_> = every_kind().lines().to_vec();
    let long_note = "The finance team checked every payment since April and found a bank \
                     charge taken twice. "
        .repeat(30);
    lines[4].council_note = Some(long_note);
    let advice =
        cfp_domain::RemittanceAdvice::new(every_kind().header().clone(), lines, m("581.50"))
            .unwrap();
    let bytes = advice_pdf(&advice, &context()).unwrap();
    let ws = Workspace::new();
    let path = ws.write("long.pdf", &bytes);
    assert_qpdf_clean(&path);
    let pages = pages_text(&path);
    assert!(pages.len() >= 2, "a very long note needs a second page");
    for (i, page) in pages.iter().enumerate() {
        assert!(page.contains(&format!("Page {} of {}", i + 1, pages.len())));
    }
    assert_within_margins(&path);
    assert!(pages[1].contains("(continued)"));
    assert!(pages.last().unwrap().contains("£581.50"));
}
