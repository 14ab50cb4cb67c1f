//! Statements and exports against a real in-memory SQLCipher store, with the PDFs read back by
//! poppler's `pdftotext` and the CSVs parsed back into amounts.

use std::path::Path;
use std::process::Command;

use cfp_domain::{
    LineKind, Money, Relationship, RemittanceAdvice, RemittanceHeader, RemittanceLine,
};
use cfp_store::{
    DocumentId, PersonAccess, PersonId, Store, StoreChange, StoreKey, StoreLocation,
    StoredDocument, SyncCursor,
};
use time::macros::{date, datetime};
use time::{Date, Duration};

use super::*;
use crate::{DocumentExportRequest, ExportFormat, PeriodChoice, StatementRequest};

const MARGARET: &str = "Margaret Okafor";
const MARGARET_ID: &str = "100234567";
const ZOE: &str = "Zoë Ng";
const ZOE_ID: &str = "100765432";
const PRODUCED_ON: Date = date!(2026 - 11 - 30);

fn m(text: &str) -> Money {
    text.parse().unwrap()
}

fn person(id: &str, given: &str, family: &str, client_id: &str) -> PersonAccess {
    PersonAccess {
        person_id: PersonId(id.into()),
        client_id: client_id.parse().unwrap(),
        given_name: given.into(),
        family_name: family.into(),
        relationship: Relationship::LastingPowerOfAttorney,
        granted_at: datetime!(2025-01-06 10:00 UTC),
    }
}

fn line(kind: LineKind, amount: &str) -> RemittanceLine {
    let mut line = RemittanceLine {
        kind,
        description: kind.code().into(),
        amount: m(amount),
        weekly_rate: None,
        days: None,
        council_note: None,
    };
    if kind == LineKind::ManualAdjustment {
        line.council_note = Some("Refund of a bank charge that was paid twice".into());
    }
    line
}

fn advice(
    reference: &str,
    name: &str,
    client_id: &str,
    paid: Date,
    lines: &[(LineKind, &str)],
) -> RemittanceAdvice {
    let lines: Vec<_> = lines.iter().map(|(k, a)| line(*k, a)).collect();
    let net = lines.iter().map(|l| l.amount).sum();
    RemittanceAdvice::new(
        RemittanceHeader {
            reference: reference.into(),
            client_id: client_id.parse().unwrap(),
            client_name: name.into(),
            payee: name.into(),
            period_from: paid + Duration::days(3),
            period_to: paid + Duration::days(30),
            finalised_on: paid - Duration::days(7),
            payment_date: paid,
        },
        lines,
        net,
    )
    .unwrap()
}

use LineKind::*;

/// Margaret: payments either side of both ends of the 2025 to 2026 tax year, and one of every
/// kind of line inside it. Zoë: one payment in that tax year. Plus a document that is not an
/// advice.
async fn filled_store() -> Store {
    let store = Store::open(&StoreLocation::Memory, &StoreKey::from_bytes([7; 32]))
        .await
        .unwrap();
    store
        .upsert_people(&[
            person("p-margaret", "Margaret", "Okafor", MARGARET_ID),
            person("p-zoe", "Zoë", "Ng", ZOE_ID),
        ])
        .await
        .unwrap();
    let margaret = [
        // 5 April 2025: the last day of the 2024 to 2025 tax year.
        (
            "RA-2025-000101",
            date!(2025 - 04 - 05),
            vec![(Budget, "300.00"), (ClientContribution, "-40.00")],
        ),
        // 6 April 2025: the first day of 2025 to 2026.
        (
            "RA-2025-000102",
            date!(2025 - 04 - 06),
            vec![
                (Budget, "300.00"),
                (ClientContribution, "-40.00"),
                (OneOffPayment, "120.00"),
                (OverpaymentRecovery, "-12.50"),
            ],
        ),
        (
            "RA-2025-000103",
            date!(2025 - 10 - 10),
            vec![
                (Budget, "300.00"),
                (ClientContribution, "-40.00"),
                (RateAdjustment, "-24.00"),
                (ManualAdjustment, "15.50"),
            ],
        ),
        // 5 April 2026: the last day of 2025 to 2026.
        (
            "RA-2026-000104",
            date!(2026 - 04 - 05),
            vec![(Budget, "300.00"), (ClientContribution, "-40.00")],
        ),
        // 6 April 2026: the first day of 2026 to 2027.
        (
            "RA-2026-000105",
            date!(2026 - 04 - 06),
            vec![(Budget, "1300.00"), (ClientContribution, "-40.00")],
        ),
    ];
    let mut changes: Vec<StoreChange> = margaret
        .iter()
        .map(|(reference, paid, lines)| {
            let advice = advice(reference, MARGARET, MARGARET_ID, *paid, lines);
            StoreChange::Upsert(
                StoredDocument::remittance(DocumentId(format!("doc-{reference}")), 1, &advice)
                    .unwrap(),
            )
        })
        .collect();
    changes.push(StoreChange::Upsert(
        StoredDocument::other(
            DocumentId("doc-assessment".into()),
            DocumentKind::FinancialAssessmentResult,
            1,
            Some("FA-1".into()),
            date!(2025 - 05 - 01),
            None,
            Some(m("20.00")),
            serde_json::json!({"weeklyCharge": "20.00"}),
        )
        .unwrap(),
    ));
    store
        .apply_page(
            &PersonId("p-margaret".into()),
            &changes,
            &SyncCursor("c1".into()),
            datetime!(2026-11-30 09:00 UTC),
        )
        .await
        .unwrap();
    let zoe = advice(
        "RA-2025-000201",
        ZOE,
        ZOE_ID,
        date!(2025 - 06 - 01),
        &[(Budget, "450.00"), (ClientContribution, "-60.00")],
    );
    store
        .apply_page(
            &PersonId("p-zoe".into()),
            &[StoreChange::Upsert(
                StoredDocument::remittance(DocumentId("doc-RA-2025-000201".into()), 1, &zoe)
                    .unwrap(),
            )],
            &SyncCursor("c1".into()),
            datetime!(2026-11-30 09:00 UTC),
        )
        .await
        .unwrap();
    store
}

fn request(person: Option<&str>, period: PeriodChoice, format: ExportFormat) -> StatementRequest {
    StatementRequest {
        person_id: person.map(str::to_string),
        period,
        format,
    }
}

fn tax_year(start_year: i32) -> PeriodChoice {
    PeriodChoice::TaxYear { start_year }
}

fn range(from: &str, to: &str) -> PeriodChoice {
    PeriodChoice::Range {
        from: from.into(),
        to: to.into(),
    }
}

fn references(preview: &StatementPreview) -> Vec<&str> {
    preview
        .payments
        .iter()
        .map(|p| p.payment.reference.as_deref().unwrap())
        .collect()
}

/// The text of a PDF as `pdftotext -layout` lays it out.
fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("statement.pdf");
    std::fs::write(&path, bytes).unwrap();
    pdftotext(&path)
}

pub(super) fn pdftotext(path: &Path) -> String {
    let output = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed to run these tests");
    assert!(output.status.success(), "pdftotext failed");
    String::from_utf8(output.stdout).unwrap()
}

/// The amount printed at the end of the line that reads `label ... £amount`, for every such line.
fn amounts_after(text: &str, label: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let rest = l.trim().strip_prefix(label)?;
            // Only the label itself, then spaces, then one amount.
            let amount = rest.trim();
            (rest.starts_with("  ") && !amount.contains(' ')).then(|| amount.to_string())
        })
        .collect()
}

/// Sums the CSV's Amount column by its "Line kind" column (and in all), after checking the
/// file is simple enough to split on commas (no quoted fields).
fn csv_totals(bytes: &[u8]) -> (Vec<(String, Money)>, Money, usize) {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    assert!(!text.contains('"'), "no quoted fields in this test data");
    let mut rows = text.split("\r\n").filter(|r| !r.is_empty());
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let kind_col = header.iter().position(|h| *h == "Line kind").unwrap();
    let amount_col = header.iter().position(|h| *h == "Amount").unwrap();
    let mut by_kind: Vec<(String, Money)> = LineKind::ALL
        .iter()
        .map(|k| (k.label().to_string(), Money::from_pence(0)))
        .collect();
    let mut net = Money::from_pence(0);
    let mut count = 0;
    for row in rows {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells.len(), header.len(), "a row with the header's columns");
        let amount = m(cells[amount_col]);
        let slot = by_kind
            .iter_mut()
            .find(|(label, _)| label == cells[kind_col])
            .expect("a known line kind");
        slot.1 = slot.1 + amount;
        net = net + amount;
        count += 1;
    }
    (by_kind, net, count)
}

fn preview_rows(preview: &StatementPreview) -> Vec<(String, Money)> {
    preview
        .totals_by_kind
        .iter()
        .map(|t| (t.label.clone(), t.amount))
        .collect()
}

#[tokio::test]
async fn a_tax_year_preview_counts_5_april_in_and_6_april_out() {
    let store = filled_store().await;
    let preview = statement_preview(
        &store,
        &request(Some("p-margaret"), tax_year(2025), ExportFormat::Pdf),
    )
    .await
    .unwrap();
    assert_eq!(
        preview.title,
        "Statement for Margaret Okafor, tax year 2025 to 2026"
    );
    assert_eq!(preview.period_label, "6 April 2025 to 5 April 2026");
    assert_eq!(
        references(&preview),
        ["RA-2025-000102", "RA-2025-000103", "RA-2026-000104"]
    );
    assert_eq!(preview.payments[0].payment.date, "2025-04-06");
    assert_eq!(preview.payments[0].payment.net, Some(m("367.50")));
    assert_eq!(
        preview.payments[0].payment.document_id,
        "doc-RA-2025-000102"
    );
    // One person's statement does not repeat her name on every row.
    assert!(preview.payments.iter().all(|p| p.person_name.is_none()));
    let expected = [
        (Budget, "900.00"),
        (ClientContribution, "-120.00"),
        (OneOffPayment, "120.00"),
        (RateAdjustment, "-24.00"),
        (ManualAdjustment, "15.50"),
        (OverpaymentRecovery, "-12.50"),
    ];
    for (kind, amount) in expected {
        assert_eq!(preview_total(&preview, kind), Some(m(amount)), "{kind:?}");
    }
    assert_eq!(preview.totals_by_kind.len(), 6);
    assert_eq!(preview.net_received, m("879.00"));
    assert_eq!(preview.suggested_file_name, "statement-2025-26.pdf");

    // The year before ends on 5 April 2025; the year after starts on 6 April 2026.
    let before = statement_preview(
        &store,
        &request(Some("p-margaret"), tax_year(2024), ExportFormat::Pdf),
    )
    .await
    .unwrap();
    assert_eq!(references(&before), ["RA-2025-000101"]);
    assert_eq!(before.net_received, m("260.00"));
    let after = statement_preview(
        &store,
        &request(Some("p-margaret"), tax_year(2026), ExportFormat::Pdf),
    )
    .await
    .unwrap();
    assert_eq!(references(&after), ["RA-2026-000105"]);
    assert_eq!(after.net_received, m("1260.00"));
}

#[tokio::test]
async fn the_preview_the_pdf_and_the_csv_agree() {
    let store = filled_store().await;
    let profile = CouncilProfile::demo();
    let pdf_request = request(Some("p-margaret"), tax_year(2025), ExportFormat::Pdf);
    let preview = statement_preview(&store, &pdf_request).await.unwrap();

    let pdf = statement_file(&store, &profile, &pdf_request, PRODUCED_ON)
        .await
        .unwrap();
    assert_eq!(pdf.file_name, "statement-2025-26.pdf");
    assert_eq!(pdf.print_title, STATEMENT_PRINT_TITLE);
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    let text = pdf_text(&pdf.bytes);
    assert!(text.contains(MARGARET) && text.contains(MARGARET_ID));
    assert!(text.contains("6 April 2025 to 5 April 2026"));
    for total in &preview.totals_by_kind {
        assert_eq!(
            amounts_after(&text, &total.label),
            [total.amount.to_display_gbp()],
            "the PDF's {} total",
            total.label
        );
    }
    // The net amount received, in the totals table, is the preview's.
    assert_eq!(
        amounts_after(&text, "Net amount received"),
        [preview.net_received.to_display_gbp()]
    );
    assert_eq!(preview.net_received.to_display_gbp(), "£879.00");
    for reference in references(&preview) {
        assert!(text.contains(reference), "{reference} is on the statement");
    }
    for outside in ["RA-2025-000101", "RA-2026-000105"] {
        assert!(!text.contains(outside), "{outside} is not on the statement");
    }

    let csv_request = request(Some("p-margaret"), tax_year(2025), ExportFormat::Csv);
    let csv = statement_file(&store, &profile, &csv_request, PRODUCED_ON)
        .await
        .unwrap();
    assert_eq!(csv.file_name, "statement-2025-26.csv");
    let (by_kind, net, rows) = csv_totals(&csv.bytes);
    assert_eq!(by_kind, preview_rows(&preview));
    assert_eq!(net, preview.net_received);
    // 4 + 4 + 2 lines on the three advices.
    assert_eq!(rows, 10);
}

#[tokio::test]
async fn a_summary_across_everyone_adds_up_the_same_way() {
    let store = filled_store().await;
    let profile = CouncilProfile::demo();
    let summary = request(None, tax_year(2025), ExportFormat::Pdf);
    let preview = statement_preview(&store, &summary).await.unwrap();
    assert_eq!(
        preview.title,
        "Summary of Direct Payments for 2 people, tax year 2025 to 2026"
    );
    assert_eq!(
        references(&preview),
        [
            "RA-2025-000102",
            "RA-2025-000201",
            "RA-2025-000103",
            "RA-2026-000104"
        ]
    );
    // Everyone's payments are listed together by date, so each row says whose it is.
    let whose: Vec<_> = preview
        .payments
        .iter()
        .map(|p| p.person_name.as_deref())
        .collect();
    assert_eq!(
        whose,
        [Some(MARGARET), Some(ZOE), Some(MARGARET), Some(MARGARET)]
    );
    assert_eq!(preview_total(&preview, Budget), Some(m("1350.00")));
    assert_eq!(
        preview_total(&preview, ClientContribution),
        Some(m("-180.00"))
    );
    assert_eq!(preview.net_received, m("1269.00"));
    assert_eq!(preview.suggested_file_name, "summary-2025-26.pdf");

    let pdf = statement_file(&store, &profile, &summary, PRODUCED_ON)
        .await
        .unwrap();
    assert_eq!(pdf.print_title, SUMMARY_PRINT_TITLE);
    let text = pdf_text(&pdf.bytes);
    assert!(text.contains(MARGARET) && text.contains(ZOE));
    assert_eq!(
        amounts_after(&text, "Grand total received"),
        [preview.net_received.to_display_gbp()]
    );
    // Each person's net, by family name (Ng, then Okafor), and nothing else under that label.
    assert_eq!(
        amounts_after(&text, "Net amount received"),
        ["£390.00", "£879.00"]
    );
    // The grand totals by kind are the last row of each label in the PDF.
    for total in &preview.totals_by_kind {
        let printed = amounts_after(&text, &total.label);
        assert_eq!(
            printed.last(),
            Some(&total.amount.to_display_gbp()),
            "the summary's {} total",
            total.label
        );
    }

    let csv = statement_file(
        &store,
        &profile,
        &request(None, tax_year(2025), ExportFormat::Csv),
        PRODUCED_ON,
    )
    .await
    .unwrap();
    assert_eq!(csv.file_name, "summary-2025-26.csv");
    let text = std::str::from_utf8(&csv.bytes).unwrap();
    assert_eq!(text.matches("Reference,").count(), 1, "one header row");
    assert_eq!(text.matches('\u{feff}').count(), 1, "one byte-order mark");
    let (by_kind, net, rows) = csv_totals(&csv.bytes);
    assert_eq!(by_kind, preview_rows(&preview));
    assert_eq!(net, m("1269.00"));
    assert_eq!(rows, 12);
}

#[tokio::test]
async fn calendar_years_and_ranges() {
    let store = filled_store().await;
    let year = statement_preview(
        &store,
        &request(
            Some("p-margaret"),
            PeriodChoice::CalendarYear { year: 2025 },
            ExportFormat::Csv,
        ),
    )
    .await
    .unwrap();
    assert_eq!(
        year.title,
        "Statement for Margaret Okafor, calendar year 2025"
    );
    assert_eq!(year.period_label, "1 January 2025 to 31 December 2025");
    assert_eq!(
        references(&year),
        ["RA-2025-000101", "RA-2025-000102", "RA-2025-000103"]
    );
    assert_eq!(year.suggested_file_name, "statement-2025.csv");

    // Both ends of a range count.
    let two_days = statement_preview(
        &store,
        &request(
            Some("p-margaret"),
            range("2026-04-05", "2026-04-06"),
            ExportFormat::Pdf,
        ),
    )
    .await
    .unwrap();
    assert_eq!(
        two_days.title,
        "Statement for Margaret Okafor, 5 April 2026 to 6 April 2026"
    );
    assert_eq!(references(&two_days), ["RA-2026-000104", "RA-2026-000105"]);
    assert_eq!(two_days.net_received, m("1520.00"));
    assert_eq!(
        two_days.suggested_file_name,
        "statement-2026-04-05-to-2026-04-06.pdf"
    );

    // A period with no payments is a statement that says so, with zero totals.
    let empty_request = request(Some("p-zoe"), tax_year(2030), ExportFormat::Pdf);
    let empty = statement_preview(&store, &empty_request).await.unwrap();
    assert!(empty.payments.is_empty());
    assert_eq!(empty.net_received, m("0.00"));
    let pdf = statement_file(&store, &CouncilProfile::demo(), &empty_request, PRODUCED_ON)
        .await
        .unwrap();
    assert!(pdf_text(&pdf.bytes).contains("No payments were made in this period."));
}

#[tokio::test]
async fn one_document_as_pdf_and_csv() {
    let store = filled_store().await;
    let profile = CouncilProfile::demo();
    let pdf = document_file(
        &store,
        &profile,
        &DocumentExportRequest {
            person_id: "p-margaret".into(),
            document_id: "doc-RA-2025-000103".into(),
            format: ExportFormat::Pdf,
        },
        PRODUCED_ON,
    )
    .await
    .unwrap();
    assert_eq!(pdf.file_name, "remittance-RA-2025-000103.pdf");
    assert_eq!(pdf.print_title, ADVICE_PRINT_TITLE);
    let text = pdf_text(&pdf.bytes);
    assert!(text.contains("RA-2025-000103"));
    assert!(text.contains("£251.50"), "the amount paid");
    assert!(text.contains(&profile.council_name));

    let csv = document_file(
        &store,
        &profile,
        &DocumentExportRequest {
            person_id: "p-margaret".into(),
            document_id: "doc-RA-2025-000103".into(),
            format: ExportFormat::Csv,
        },
        PRODUCED_ON,
    )
    .await
    .unwrap();
    assert_eq!(csv.file_name, "remittance-RA-2025-000103.csv");
    let (_, net, rows) = csv_totals(&csv.bytes);
    assert_eq!((net, rows), (m("251.50"), 4));
}

/// A Deferred Payment statement and an assessment result for Margaret, kept as the app keeps
/// them (their typed JSON); the assessment's reference holds her client ID.
async fn with_statement_and_assessment(store: &Store) {
    let statement = cfp_domain::samples::deferred_payment_statement(
        "DPS-2026-0042",
        MARGARET_ID,
        MARGARET,
        "153000.00",
    );
    let result = cfp_domain::samples::assessment_result(
        &format!("FA-{MARGARET_ID}-1"),
        MARGARET_ID,
        MARGARET,
        Some("We used your pension letter from April."),
    );
    let kept = |id: &str, kind, reference: &str, date, body| {
        StoredDocument::other(
            DocumentId(id.into()),
            kind,
            1,
            Some(reference.into()),
            date,
            None,
            None,
            body,
        )
        .unwrap()
    };
    let changes = [
        StoreChange::Upsert(kept(
            "doc-dps",
            DocumentKind::DeferredPaymentStatement,
            "DPS-2026-0042",
            date!(2026 - 04 - 10),
            serde_json::to_value(&statement).unwrap(),
        )),
        StoreChange::Upsert(kept(
            "doc-fa",
            DocumentKind::FinancialAssessmentResult,
            result.reference(),
            date!(2026 - 02 - 20),
            serde_json::to_value(&result).unwrap(),
        )),
    ];
    store
        .apply_page(
            &PersonId("p-margaret".into()),
            &changes,
            &SyncCursor("c2".into()),
            datetime!(2026-11-30 10:00 UTC),
        )
        .await
        .unwrap();
}

async fn export_of(store: &Store, document: &str, format: ExportFormat) -> ExportFile {
    document_file(
        store,
        &CouncilProfile::demo(),
        &DocumentExportRequest {
            person_id: "p-margaret".into(),
            document_id: document.into(),
            format,
        },
        PRODUCED_ON,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_deferred_payment_statement_and_an_assessment_export_and_print_like_an_advice() {
    let store = filled_store().await;
    with_statement_and_assessment(&store).await;

    let pdf = export_of(&store, "doc-dps", ExportFormat::Pdf).await;
    assert_eq!(pdf.file_name, "deferred-payment-DPS-2026-0042.pdf");
    assert_eq!(pdf.print_title, DEFERRED_PAYMENT_PRINT_TITLE);
    let text = pdf_text(&pdf.bytes);
    for wanted in [
        MARGARET,
        MARGARET_ID,
        "DPS-2026-0042",
        "Closing balance",
        "£20,742.40",
        "Headroom",
        "£132,257.60",
    ] {
        assert!(text.contains(wanted), "{wanted} in the statement");
    }
    let csv = export_of(&store, "doc-dps", ExportFormat::Csv).await;
    assert_eq!(csv.file_name, "deferred-payment-DPS-2026-0042.csv");
    let csv_text = String::from_utf8(csv.bytes).unwrap();
    assert!(csv_text.contains("Closing balance,20742.40,"), "{csv_text}");

    // The reference holds the client ID, so the file is named by its date instead.
    let pdf = export_of(&store, "doc-fa", ExportFormat::Pdf).await;
    assert_eq!(pdf.file_name, "assessment-2026-02-20.pdf");
    assert_eq!(pdf.print_title, ASSESSMENT_PRINT_TITLE);
    let text = pdf_text(&pdf.bytes);
    for wanted in [MARGARET, "Weekly contribution", "£21.30", "-£193.95"] {
        assert!(text.contains(wanted), "{wanted} in the assessment");
    }
    let csv = export_of(&store, "doc-fa", ExportFormat::Csv).await;
    assert_eq!(csv.file_name, "assessment-2026-02-20.csv");
    let csv_text = String::from_utf8(csv.bytes).unwrap();
    let total: Money = csv_text
        .split("\r\n")
        .skip(1)
        .filter(|row| !row.is_empty())
        .map(|row| m(row.split(',').nth(8).unwrap()))
        .sum();
    assert_eq!(total, m("21.30"));

    // Print titles name the kind only.
    for title in [DEFERRED_PAYMENT_PRINT_TITLE, ASSESSMENT_PRINT_TITLE] {
        assert!(!title.contains(MARGARET) && !title.contains(MARGARET_ID));
    }
}

#[tokio::test]
async fn unknown_people_and_documents_are_not_found_and_say_nothing_personal() {
    let store = filled_store().await;
    let profile = CouncilProfile::demo();
    let err = statement_preview(
        &store,
        &request(Some("p-nobody"), tax_year(2025), ExportFormat::Pdf),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(!err.message.contains("p-nobody"));
    let err = statement_file(
        &store,
        &profile,
        &request(Some("p-nobody"), tax_year(2025), ExportFormat::Csv),
        PRODUCED_ON,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);

    let export = |person: &str, document: &str| DocumentExportRequest {
        person_id: person.into(),
        document_id: document.into(),
        format: ExportFormat::Pdf,
    };
    for (person, document) in [
        ("p-margaret", "doc-missing"),
        // Zoë's advice asked for as Margaret's: not found, as if it did not exist.
        ("p-margaret", "doc-RA-2025-000201"),
        ("p-nobody", "doc-RA-2025-000201"),
    ] {
        let err = document_file(&store, &profile, &export(person, document), PRODUCED_ON)
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound, "{person} {document}");
        assert!(!err.message.contains(document) && !err.message.contains(ZOE));
    }
    let err = document_file(
        &store,
        &profile,
        &export("p-margaret", "doc-assessment"),
        PRODUCED_ON,
    )
    .await
    .unwrap_err();
    // A kept body that no longer reads as its kind is refused, in words that name nothing.
    assert_eq!(err.code, ErrorCode::Unavailable);
    assert!(!err.message.contains("FA-1") && !err.message.contains(MARGARET));

    // A summary with nobody on this computer.
    let empty = Store::open(&StoreLocation::Memory, &StoreKey::from_bytes([8; 32]))
        .await
        .unwrap();
    let err = statement_preview(&empty, &request(None, tax_year(2025), ExportFormat::Pdf))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
}

#[test]
fn periods_are_checked_in_plain_english() {
    let period = period_of(&tax_year(2025)).unwrap();
    assert_eq!(period.from(), date!(2025 - 04 - 06));
    assert_eq!(period.to(), date!(2026 - 04 - 05));
    let period = period_of(&range(" 2026-03-01", "2026-05-31")).unwrap();
    assert_eq!(
        (period.from(), period.to()),
        (date!(2026 - 03 - 01), date!(2026 - 05 - 31))
    );

    let backwards = period_of(&range("2026-05-31", "2026-03-01")).unwrap_err();
    assert_eq!(backwards.code, ErrorCode::InvalidInput);
    assert!(backwards
        .message
        .contains("ends on a date before it starts"));

    for (from, to, which) in [
        ("2026-02-30", "2026-03-01", "start"),
        ("2026-03-01", "31/05/2026", "end"),
        ("", "2026-03-01", "start"),
    ] {
        let err = period_of(&range(from, to)).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(
            err.message.starts_with(&format!("The {which} date")),
            "{}",
            err.message
        );
    }
    for silly in [
        range("0001-01-01", "2026-03-01"),
        range("2026-03-01", "9999-12-31"),
        tax_year(12345),
        PeriodChoice::CalendarYear { year: -4 },
    ] {
        let err = period_of(&silly).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{silly:?}");
        assert!(err.message.contains("between 1900 and 9998"));
    }
}

#[test]
fn file_names_hold_no_personal_data() {
    assert_eq!(file_name_safe("RA-2026-000123"), "RA-2026-000123");
    assert_eq!(file_name_safe("../../etc/passwd"), "etc-passwd");
    assert_eq!(file_name_safe("A/B C"), "A-B-C");
    assert_eq!(file_name_safe("***"), "document");
    assert_eq!(file_name_safe(&"x".repeat(99)).len(), 40);
    let period = period_of(&tax_year(2099)).unwrap();
    assert_eq!(
        statement_file_name(
            &request(Some("p-1"), tax_year(2099), ExportFormat::Csv),
            &period
        ),
        "statement-2099-00.csv"
    );
}

#[test]
fn saving_follows_the_machine_policy() {
    assert_eq!(check_saving_allowed(true), Ok(()));
    let refused = check_saving_allowed(false).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Unavailable);
    assert_eq!(refused.message, SAVING_NOT_ALLOWED);
}

#[test]
fn files_are_written_whole_and_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("statement-2025-26.pdf");
    write_atomically(&target, b"first").unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"first");
    // Saving again replaces the file.
    write_atomically(&target, b"second version").unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"second version");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        names,
        ["statement-2025-26.pdf"],
        "no temporary file is left"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only the owner can read a saved statement");
    }

    // A folder that does not exist: a plain message without the path, and no file.
    let missing = dir.path().join("no-such-folder").join("statement.pdf");
    let err = write_atomically(&missing, b"x").unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(
        err.message.contains("the folder does not exist"),
        "{}",
        err.message
    );
    assert!(!err.message.contains("no-such-folder"));
    assert!(!missing.exists());
}

/// Prints a statement through the real CUPS to a CUPS-PDF queue and reads the printed PDF back.
/// Needs a running cupsd with that queue, so it runs from `.ci/print-test`, which sets them up
/// (queue `CFP_PRINT_TEST_QUEUE`, output folder `CFP_PRINT_TEST_OUTPUT`).
#[cfg(unix)]
#[tokio::test]
#[ignore = "needs a CUPS-PDF queue: run .ci/print-test"]
async fn prints_a_statement_through_cups() {
    let queue = std::env::var("CFP_PRINT_TEST_QUEUE").unwrap_or_else(|_| "cfp-test".into());
    let output = std::path::PathBuf::from(
        std::env::var("CFP_PRINT_TEST_OUTPUT").expect("CFP_PRINT_TEST_OUTPUT: cups-pdf's folder"),
    );
    let before: Vec<_> = pdfs_in(&output);

    let store = filled_store().await;
    let file = statement_file(
        &store,
        &CouncilProfile::demo(),
        &request(Some("p-margaret"), tax_year(2025), ExportFormat::Pdf),
        PRODUCED_ON,
    )
    .await
    .unwrap();
    print_pdf(
        &file.bytes,
        file.print_title,
        &PrintQueue {
            destination: Some(queue),
        },
    )
    .unwrap();

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    let printed = loop {
        let new: Vec<_> = pdfs_in(&output)
            .into_iter()
            .filter(|p| !before.contains(p))
            .collect();
        // cups-pdf writes the file in place: wait until it reads as a whole PDF.
        if let [path] = new.as_slice() {
            let text = Command::new("pdftotext")
                .arg(path)
                .arg("-")
                .output()
                .unwrap();
            if text.status.success() {
                break path.clone();
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no printed PDF appeared in the CUPS-PDF folder within 90 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(250));
    };
    // The job title names the kind of document only.
    let name = printed.file_name().unwrap().to_string_lossy().to_string();
    assert!(name.contains("Direct_Payment_statement"), "{name}");
    assert!(!name.contains("Okafor"));

    // CUPS-PDF re-distils the job through Ghostscript, which keeps the pages but loses the
    // embedded font's text map, so the printed file's text cannot be read back. What CUPS
    // received is in its spool (kept for a day by default): it must be exactly the PDF we sent,
    // with every amount in it, and the printer's output must have the same number of pages.
    let job: u32 = name
        .rsplit_once("-job_")
        .and_then(|(_, rest)| rest.strip_suffix(".pdf"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a CUPS-PDF job file name: {name}"));
    let spool = std::env::var("CFP_PRINT_TEST_SPOOL").unwrap_or_else(|_| "/var/spool/cups".into());
    let received = std::fs::read(Path::new(&spool).join(format!("d{job:05}-001")))
        .expect("the job's data in the CUPS spool (run as root)");
    assert!(
        received == file.bytes,
        "CUPS received exactly the PDF the app sent"
    );
    let text = pdf_text(&received);
    for amount in [
        "£900.00",
        "-£120.00",
        "£120.00",
        "-£24.00",
        "£15.50",
        "-£12.50",
        "£879.00",
    ] {
        assert!(text.contains(amount), "{amount} in the printed job");
    }
    assert!(text.contains(MARGARET) && text.contains("RA-2026-000104"));
    assert_eq!(
        pages(&printed),
        pages_of_bytes(&file.bytes),
        "the printer's output has every page"
    );
    std::fs::remove_file(&printed).unwrap();
}

#[cfg(unix)]
fn pages(path: &Path) -> u32 {
    let output = Command::new("pdfinfo").arg(path).output().unwrap();
    assert!(output.status.success(), "pdfinfo failed");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo gives the page count")
}

#[cfg(unix)]
fn pages_of_bytes(bytes: &[u8]) -> u32 {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sent.pdf");
    std::fs::write(&path, bytes).unwrap();
    pages(&path)
}

#[cfg(unix)]
fn pdfs_in(folder: &Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}
