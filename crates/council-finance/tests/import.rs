//! Importing from the finance system into a real SQLite database: the documented CSV format,
//! refusal of bad rows with file, line and reason (and nothing stored), idempotent re-import,
//! and the JSON push endpoint with its own credential.

mod support;

use council_finance::import::{self, ImportError};
use council_kit::clock::Clock;
use reqwest::StatusCode;
use support::*;

/// The CSV example in IMPORT.md, so the documentation cannot drift from the code.
fn documented_example() -> String {
    let doc = include_str!("../IMPORT.md");
    let start = doc.find("```csv\n").expect("IMPORT.md has a csv example") + "```csv\n".len();
    let end = start + doc[start..].find("```").unwrap();
    doc[start..end].to_owned()
}

/// The second CSV example in IMPORT.md: a Deferred Payment statement and an assessment result.
fn documented_statement_and_assessment() -> String {
    let doc = include_str!("../IMPORT.md");
    let blocks: Vec<&str> = doc.split("```csv\n").skip(1).collect();
    let block = blocks.get(1).expect("IMPORT.md has a second csv example");
    block[..block.find("```").unwrap()].to_owned()
}

/// Everything a client could see, as one comparable snapshot.
async fn snapshot(council: &Council) -> Vec<(String, String, i64, String, bool, i64)> {
    let mut conn = council.finance.pool().acquire().await.unwrap();
    let counter: i64 = council_finance::records::latest_change_number(&mut conn)
        .await
        .unwrap();
    let rows: Vec<(String, String, i64, String, bool)> = sqlx::query_as(
        "SELECT d.reference, p.client_id, d.version, d.content_hash, d.withdrawn FROM finance_documents d \
         JOIN finance_people p ON p.person_id = d.person_id ORDER BY d.reference",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM finance_people")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    rows.into_iter()
        .map(|(a, b, c, d, e)| (a, b, c, d, e, counter * 1000 + people))
        .collect()
}

async fn import_text(
    council: &Council,
    name: &str,
    text: &str,
) -> Result<council_api::ImportSummary, ImportError> {
    let ids = std::sync::atomic::AtomicU64::new(0);
    let prefix = council_kit::secret::random_token(&council_kit::secret::OsRandomness);
    import::import_csv(
        council.finance.pool(),
        name,
        text.as_bytes(),
        move || {
            format!(
                "{prefix}-{}",
                ids.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            )
        },
        council.clock.now(),
    )
    .await
}

#[tokio::test]
async fn the_documented_example_imports_and_importing_it_again_changes_nothing() {
    let council = start().await;
    let example = documented_example();
    let summary = import_text(&council, "example.csv", &example)
        .await
        .unwrap();
    assert_eq!(summary.people_added, 1);
    assert_eq!(summary.documents_added, 2);
    let before = snapshot(&council).await;
    assert_eq!(before.len(), 2);

    let again = import_text(&council, "example.csv", &example)
        .await
        .unwrap();
    assert!(!again.changed_anything(), "{again:?}");
    assert_eq!(again.documents_unchanged, 2);
    assert_eq!(
        snapshot(&council).await,
        before,
        "no new versions, no new change numbers"
    );

    // A corrected advice is a new version with a new change number.
    let corrected = example.replace("Bank charges refund", "Bank charges refund (March)");
    let summary = import_text(&council, "corrected.csv", &corrected)
        .await
        .unwrap();
    assert_eq!(summary.documents_corrected, 1);
    assert_eq!(summary.documents_unchanged, 1);
    let after = snapshot(&council).await;
    let changed: Vec<_> = after
        .iter()
        .filter(|row| row.2 == 2)
        .map(|row| row.0.clone())
        .collect();
    assert_eq!(changed, ["RA-2026-000124"]);
}

#[tokio::test]
async fn a_file_with_bad_rows_is_refused_with_file_line_and_reason_and_nothing_is_stored() {
    let council = start().await;
    import_text(&council, "first.csv", &documented_example())
        .await
        .unwrap();
    let before = snapshot(&council).await;

    let bad = "\
PERSON,100999888,Nora,Lane,1950-02-30,\"1 Road, Worcester\",WR1 1AA
PERSON,100999889,Ned,Lane,1950-02-01,\"1 Road, Worcester\",nowhere
REMITTANCE,RA-X-1,100999889,Ned Lane,Ned Lane,2026-03-01,2026-03-31,2026-02-20,2026-02-27,664.30
LINE,RA-X-1,Budget,Care budget,664.30,150.00,31,
LINE,RA-X-2,Budget,Care budget,10.00,,,
LINE,RA-X-1,Bonus,Something,1.00,,,
SURPRISE,1,2
REMITTANCE,RA-2026-000123,100234567,Margaret Okafor,M Okafor Direct Payment account,2026-03-01,2026-03-31,2026-02-20,2026-02-27,575.72
LINE,RA-2026-000123,Budget,Care budget,664.29,150.00,31,
LINE,RA-2026-000123,Contribution,Your weekly contribution,-88.57,20.00,31,
REMITTANCE,RA-NEW-1,123456789,Nobody,Nobody,2026-03-01,2026-03-28,2026-02-20,2026-02-27,1.00
LINE,RA-NEW-1,One-off,Something,1.00,,,
WITHDRAW,RA-NOT-THERE
";
    let error = import_text(&council, "bad.csv", bad).await.unwrap_err();
    let ImportError::Refused {
        source_name,
        problems,
    } = &error
    else {
        panic!("expected a refusal, got {error}");
    };
    assert_eq!(source_name, "bad.csv");
    let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    let has = |needle: &str| {
        assert!(
            lines.iter().any(|l| l.contains(needle)),
            "no '{needle}' in {lines:#?}"
        )
    };
    has("line 1: date_of_birth '1950-02-30' is not a date");
    has("line 2: postcode: That does not look like a UK postcode");
    has("line 3: Line 1 of advice RA-X-1: 150.00 a week for 31 days is 664.29, not 664.30.");
    has("line 5: there is no REMITTANCE row for advice RA-X-2 in this file.");
    has("line 6: code 'Bonus' is not a line code.");
    has("line 7: 'SURPRISE' is not a kind of row this import knows.");
    let text = error.to_string();
    assert!(
        text.starts_with("bad.csv was not imported, and nothing in it was stored:"),
        "{text}"
    );
    assert_eq!(
        snapshot(&council).await,
        before,
        "nothing of the bad file was stored"
    );

    // Rows that are fine alone but wrong against the records are refused the same way.
    let unknown = "\
REMITTANCE,RA-NEW-1,123456789,Nobody,Nobody,2026-03-01,2026-03-28,2026-02-20,2026-02-27,1.00
LINE,RA-NEW-1,One-off,Something,1.00,,,
PERSON,100999777,Olive,Stone,1950-02-01,\"1 Road, Worcester\",WR1 1AA
WITHDRAW,RA-NOT-THERE
";
    let error = import_text(&council, "unknown.csv", unknown)
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("line 1: client 123456789 is not in the council's records"),
        "{text}"
    );
    assert!(
        text.contains(
            "line 4: There is no published document with reference RA-NOT-THERE to withdraw."
        ),
        "{text}"
    );
    assert_eq!(
        snapshot(&council).await,
        before,
        "not even the good PERSON row was stored"
    );
}

#[tokio::test]
async fn the_push_endpoint_needs_its_credential_and_refuses_as_a_whole() {
    let council = start().await;
    let records = demo_records();
    let url = council.api("/import/remittances");
    for credential in [None, Some("wrong"), Some("")] {
        let mut request = council.http.post(&url).json(&records);
        if let Some(c) = credential {
            request = request.bearer_auth(c);
        }
        let response = request.send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{credential:?}"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "unauthorized");
    }
    // A citizen's access token is not the finance system's credential.
    let (_, token) = council.account("Eve", "eve@example.org").await;
    let response = council
        .http
        .post(&url)
        .bearer_auth(&token)
        .json(&records)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(snapshot(&council).await.is_empty());

    // An advice for an unknown client refuses the whole push.
    let mut partial = records.clone();
    partial
        .people
        .retain(|p| p.client_id.as_str() != "100452210");
    let response = council.push(&partial).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "importRefused");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("client 100452210 is not in the council's records"),
        "{body}"
    );
    assert!(snapshot(&council).await.is_empty(), "nothing stored");

    // An advice that does not add up never gets past reading the body.
    let mut json = serde_json::to_value(&records).unwrap();
    json["remittances"][0]["netAmount"] = serde_json::json!("1.00");
    let response = council
        .http
        .post(&url)
        .bearer_auth(IMPORT_CREDENTIAL)
        .json(&json)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("add up to"),
        "{body}"
    );

    let response = council.push(&records).await;
    assert_eq!(response.status(), StatusCode::OK);
    let first = snapshot(&council).await;
    assert_eq!(first.len(), records.document_count());
    let again: council_api::ImportSummary = council.push(&records).await.json().await.unwrap();
    assert!(!again.changed_anything());
    assert_eq!(snapshot(&council).await, first);
}

#[tokio::test]
async fn concurrent_imports_all_land_with_distinct_change_numbers() {
    let council = start().await;
    let records = demo_records();
    // Every person first, then each person's advices pushed at the same time.
    let people_only = council_api::RemittanceImport {
        people: records.people.clone(),
        remittances: vec![],
        withdrawn: vec![],
        ..Default::default()
    };
    assert_eq!(council.push(&people_only).await.status(), StatusCode::OK);
    let mut pushes = tokio::task::JoinSet::new();
    for person in &records.people {
        let body = council_api::RemittanceImport {
            people: vec![],
            remittances: records
                .remittances
                .iter()
                .filter(|a| a.header().client_id == person.client_id)
                .cloned()
                .collect(),
            withdrawn: vec![],
            ..Default::default()
        };
        let request = council
            .http
            .post(council.api("/import/remittances"))
            .bearer_auth(IMPORT_CREDENTIAL)
            .json(&body);
        pushes.spawn(async move { request.send().await.unwrap().status() });
    }
    while let Some(status) = pushes.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::OK);
    }
    let mut conn = council.finance.pool().acquire().await.unwrap();
    let numbers: Vec<i64> =
        sqlx::query_scalar("SELECT change_number FROM finance_documents ORDER BY change_number")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    assert_eq!(numbers.len(), records.remittances.len());
    let expected: Vec<i64> = (1..=numbers.len() as i64).collect();
    assert_eq!(
        numbers, expected,
        "one number per change, none lost, none shared"
    );
}

/// The upserted documents of a list of changes.
fn upserts(changes: &[council_api::DocumentChange]) -> Vec<council_api::Document> {
    (changes.iter())
        .filter_map(|c| match c {
            council_api::DocumentChange::Upsert { document } => Some(document.clone()),
            council_api::DocumentChange::Remove { .. } => None,
        })
        .collect()
}

#[tokio::test]
async fn statements_and_assessments_import_serve_correct_and_withdraw_like_advices() {
    let council = start().await;
    let example = documented_statement_and_assessment();
    let summary = import_text(&council, "example.csv", &example)
        .await
        .unwrap();
    assert_eq!((summary.people_added, summary.documents_added), (1, 2));
    let (ruth, token) = council.account("Ruth", "ruth@example.org").await;
    let margaret = grant(&council, &ruth, "ruth@example.org", "100234567").await;

    // Both appear in the feed over HTTP, with their amounts exact.
    let (changes, cursor) = council.sync(&token, &margaret, None, 10).await;
    let documents = upserts(&changes);
    assert_eq!(documents.len(), 2);
    let statement_doc = documents
        .iter()
        .find(|d| d.kind == cfp_domain::DocumentKind::DeferredPaymentStatement)
        .unwrap();
    let statement = statement_doc.deferred_payment.as_ref().unwrap();
    assert!(statement_doc.remittance.is_none() && statement_doc.assessment.is_none());
    let a = statement.amounts();
    assert_eq!(
        [
            a.opening_balance,
            a.care_costs_deferred,
            a.interest,
            a.administration_charges,
            a.payments_received,
            a.closing_balance,
            a.equity_limit,
            a.headroom
        ]
        .map(|m| m.to_string()),
        [
            "12000.00",
            "9000.00",
            "182.40",
            "60.00",
            "500.00",
            "20742.40",
            "153000.00",
            "132257.60"
        ]
    );
    let rates: Vec<String> = (a.interest_rates.iter())
        .map(|r| format!("{} from {}", r.percent_a_year, r.applies_from))
        .collect();
    assert_eq!(rates, ["2.65 from 2025-07-01", "2.40 from 2026-01-01"]);
    let assessment_doc = documents
        .iter()
        .find(|d| d.kind == cfp_domain::DocumentKind::FinancialAssessmentResult)
        .unwrap();
    let assessment = assessment_doc.assessment.as_ref().unwrap();
    assert_eq!(assessment.weekly_contribution().to_string(), "20.00");
    assert_eq!(assessment.steps().len(), 7);
    assert_eq!(assessment.capital().unwrap().to_string(), "16000.00");
    assert_eq!(
        assessment.note(),
        Some("Your savings are counted from 1 March.")
    );
    // The one-document endpoint serves the same.
    let one: council_api::Document = serde_json::from_value(
        council
            .get_json(
                &format!("/people/{margaret}/documents/{}", statement_doc.document_id),
                &token,
            )
            .await,
    )
    .unwrap();
    assert_eq!(&one, statement_doc);

    // Importing again changes nothing: no new version, no change in the feed.
    let before = snapshot(&council).await;
    let again = import_text(&council, "example.csv", &example)
        .await
        .unwrap();
    assert!(!again.changed_anything(), "{again:?}");
    assert_eq!(again.documents_unchanged, 2);
    assert_eq!(snapshot(&council).await, before);
    let (nothing, same) = council.sync(&token, &margaret, Some(&cursor), 10).await;
    assert!(nothing.is_empty());
    assert_eq!(same, cursor);

    // A corrected statement (more interest, so a new closing balance and headroom) is a new
    // version and one new change; the assessment is untouched.
    let corrected = example.replace(
        "182.40,60.00,500.00,20742.40,153000.00,132257.60",
        "190.00,60.00,500.00,20750.00,153000.00,132250.00",
    );
    assert_ne!(corrected, example);
    let summary = import_text(&council, "corrected.csv", &corrected)
        .await
        .unwrap();
    assert_eq!(
        (summary.documents_corrected, summary.documents_unchanged),
        (1, 1)
    );
    let (changes, cursor) = council.sync(&token, &margaret, Some(&cursor), 10).await;
    let [council_api::DocumentChange::Upsert { document }] = changes.as_slice() else {
        panic!("one change: {changes:?}");
    };
    assert_eq!(document.document_id, statement_doc.document_id);
    assert_eq!(document.version, 2);
    let amounts = document.deferred_payment.as_ref().unwrap().amounts();
    assert_eq!(amounts.closing_balance.to_string(), "20750.00");
    assert_eq!(amounts.headroom.to_string(), "132250.00");

    // A withdrawn assessment is a removal.
    let summary = import_text(&council, "withdraw.csv", "WITHDRAW,FA-2026-000045\n")
        .await
        .unwrap();
    assert_eq!(summary.documents_withdrawn, 1);
    let (changes, _) = council.sync(&token, &margaret, Some(&cursor), 10).await;
    assert_eq!(
        changes,
        [council_api::DocumentChange::Remove {
            document_id: assessment_doc.document_id.clone()
        }]
    );
}

#[tokio::test]
async fn bad_statement_and_assessment_rows_are_refused_with_file_line_and_reason() {
    let council = start().await;
    import_text(
        &council,
        "first.csv",
        &documented_statement_and_assessment(),
    )
    .await
    .unwrap();
    let before = snapshot(&council).await;

    let bad = "\
PERSON,100999777,Olive,Stone,1950-02-01,\"1 Road, Worcester\",WR1 1AA
DEFERRED,DPS-9,DPA-9,100999777,Olive Stone,2025-10-01,2026-03-31,2026-04-10,100.00,50.00,1.00,0.00,0.00,151.01,1000.00,848.99
DEFERRED_RATE,DPS-9,2025-07-01,2.65
DEFERRED_RATE,DPS-9,2026-02-01,2.40
DEFERRED_RATE,DPS-NONE,2025-07-01,two
ASSESSMENT,FA-9,100999777,Olive Stone,2026-01-01,2026-01-01,10.00,,
ASSESSMENT_STEP,FA-9,Income,State Pension,221.20
ASSESSMENT_STEP,FA-9,MIG,Minimum income guarantee,-228.70
ASSESSMENT_STEP,FA-9,Savings,Savings,5.00
";
    let error = import_text(&council, "bad.csv", bad).await.unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with("bad.csv was not imported, and nothing in it was stored:"),
        "{text}"
    );
    for expected in [
        "line 2: Statement DPS-9: interest rate 2 starts on 2026-02-01.",
        "line 5: percent_a_year 'two' is not a number.",
        "line 9: code 'Savings' is not a step code.",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert_eq!(snapshot(&council).await, before, "nothing stored");

    // Once the rows read well, the arithmetic is checked: each refusal names its row.
    let bad = "\
DEFERRED,DPS-9,DPA-9,100234567,Margaret Okafor,2025-10-01,2026-03-31,2026-04-10,100.00,50.00,1.00,0.00,0.00,151.01,1000.00,848.99
DEFERRED_RATE,DPS-9,2025-07-01,2.65
DEFERRED_RATE,DPS-NONE,2025-07-01,2.65
ASSESSMENT,FA-9,100234567,Margaret Okafor,2026-01-01,2026-01-01,10.00,,
ASSESSMENT_STEP,FA-9,Income,State Pension,221.20
ASSESSMENT_STEP,FA-9,MIG,Minimum income guarantee,-228.70
ASSESSMENT,DPS-2026-000007,100234567,Margaret Okafor,2026-01-01,2026-01-01,0.00,,
ASSESSMENT_STEP,DPS-2026-000007,MIG,Minimum income guarantee,-228.70
";
    let text = import_text(&council, "sums.csv", bad)
        .await
        .unwrap_err()
        .to_string();
    for expected in [
        "line 1: Statement DPS-9: the opening balance, plus care costs, interest and charges, less payments, is 151.00, but the closing balance is 151.01.",
        "line 3: there is no DEFERRED row for statement DPS-NONE in this file.",
        "line 4: The steps of assessment FA-9 add up to -7.50 a week, so the contribution should be 0.00, not 10.00.",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert_eq!(snapshot(&council).await, before, "nothing stored");

    // A reference is one document of one kind.
    let other_kind = "\
ASSESSMENT,DPS-2026-000007,100234567,Margaret Okafor,2026-01-01,2026-01-01,0.00,,
ASSESSMENT_STEP,DPS-2026-000007,MIG,Minimum income guarantee,-228.70
";
    let text = import_text(&council, "kind.csv", other_kind)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("line 1: Reference DPS-2026-000007 is already a Deferred Payment statement, so it cannot be used for a Financial assessment result."),
        "{text}"
    );
    assert_eq!(snapshot(&council).await, before, "nothing stored");
}

#[tokio::test]
async fn the_push_takes_statements_and_assessments_and_refuses_ones_that_do_not_add_up() {
    let council = start().await;
    let records = demo_records();
    let response = council.push(&records).await;
    assert_eq!(response.status(), StatusCode::OK);
    let summary: council_api::ImportSummary = response.json().await.unwrap();
    assert_eq!(summary.documents_added as usize, records.document_count());
    assert!(!records.deferred_payment_statements.is_empty() && !records.assessments.is_empty());
    let before = snapshot(&council).await;

    for (pointer, value, reason) in [
        (
            "/deferredPaymentStatements/0/amounts/headroom",
            "1.00",
            "headroom is 1.00",
        ),
        (
            "/assessments/0/steps/0/weeklyAmount",
            "1.00",
            "so the contribution should be 0.00, not 42.15",
        ),
    ] {
        let mut json = serde_json::to_value(&records).unwrap();
        *json.pointer_mut(pointer).unwrap() = serde_json::json!(value);
        let response = council
            .http
            .post(council.api("/import/remittances"))
            .bearer_auth(IMPORT_CREDENTIAL)
            .json(&json)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body["message"].as_str().unwrap().contains(reason), "{body}");
    }
    assert_eq!(snapshot(&council).await, before, "nothing stored");
}
