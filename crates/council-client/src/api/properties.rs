//! Property tests of how the client reads the documents API's answers (stable Rust, proptest,
//! a bounded number of cases): a change-feed page and an error answer. Whatever the council's
//! service (or anything pretending to be it) sends, nothing panics; a page that is not a page
//! is `Protocol`; one bad change is named and the rest still read; a valid page reads back
//! exactly as it was sent.

use cfp_domain::samples::{assessment_result, deferred_payment_statement};
use cfp_domain::{
    DocumentKind, LineKind, Money, RemittanceAdvice, RemittanceHeader, RemittanceLine,
};
use council_api::{ChangesPage, Document, DocumentChange};
use proptest::prelude::*;
use reqwest::header::{HeaderMap, HeaderValue, DATE, RETRY_AFTER};
use reqwest::StatusCode;
use time::macros::{date, datetime};

use super::{classify, read_feed_page, ApiError};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn advice(n: usize, pence: Vec<i64>) -> RemittanceAdvice {
    let lines: Vec<RemittanceLine> = (pence.iter())
        .map(|&p| RemittanceLine {
            kind: LineKind::OneOffPayment,
            description: format!("Payment {p}"),
            amount: Money::from_pence(p),
            weekly_rate: None,
            days: None,
            council_note: None,
        })
        .collect();
    let net = lines.iter().map(|l| l.amount).sum();
    RemittanceAdvice::new(
        RemittanceHeader {
            reference: format!("RA-{n}"),
            client_id: "100234567".parse().unwrap(),
            client_name: "Margaret Okafor".into(),
            payee: "Margaret Okafor".into(),
            period_from: date!(2026 - 03 - 01),
            period_to: date!(2026 - 03 - 28),
            finalised_on: date!(2026 - 02 - 20),
            payment_date: date!(2026 - 02 - 27),
        },
        lines,
        net,
    )
    .unwrap()
}

fn document(n: usize, kind: DocumentKind, version: u32) -> Document {
    Document {
        document_id: format!("d-{n}"),
        kind,
        version,
        published_at: datetime!(2026-03-01 09:30 UTC),
        remittance: None,
        deferred_payment: None,
        assessment: None,
    }
}

/// One change of any kind: an advice, a statement, an assessment result, or a removal.
fn change(n: usize) -> impl Strategy<Value = DocumentChange> {
    (
        0u8..4,
        1u32..50,
        prop::collection::vec(0i64..1_000_000, 1..4),
    )
        .prop_map(move |(kind, version, pence)| match kind {
            0 => DocumentChange::Upsert {
                document: Document {
                    remittance: Some(advice(n, pence)),
                    ..document(n, DocumentKind::RemittanceAdvice, version)
                },
            },
            1 => DocumentChange::Upsert {
                document: Document {
                    deferred_payment: Some(Box::new(deferred_payment_statement(
                        &format!("DPS-{n}"),
                        "100234567",
                        "Margaret Okafor",
                        "30000.00",
                    ))),
                    ..document(n, DocumentKind::DeferredPaymentStatement, version)
                },
            },
            2 => DocumentChange::Upsert {
                document: Document {
                    assessment: Some(Box::new(assessment_result(
                        &format!("FA-{n}"),
                        "100234567",
                        "Margaret Okafor",
                        None,
                    ))),
                    ..document(n, DocumentKind::FinancialAssessmentResult, version)
                },
            },
            _ => DocumentChange::Remove {
                document_id: format!("d-{n}"),
            },
        })
}

fn page() -> impl Strategy<Value = ChangesPage> {
    (0usize..6)
        .prop_flat_map(|count| {
            (
                (0..count).map(change).collect::<Vec<_>>(),
                "[A-Za-z0-9_-]{0,40}",
                any::<bool>(),
            )
        })
        .prop_map(|(changes, cursor, more)| ChangesPage {
            changes,
            cursor,
            more,
        })
}

/// Values that do not belong where they land: wrong types, out-of-range figures, odd text.
fn awkward() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::json;
    prop_oneof![
        Just(json!(null)),
        Just(json!(true)),
        Just(json!(-1)),
        Just(json!(4_294_967_296u64)),
        Just(json!(1e308)),
        Just(json!("999999999999.99")),
        Just(json!("1000000000000.00")),
        Just(json!("0.001")),
        Just(json!("2026-02-30")),
        Just(json!("somethingElse")),
        Just(json!([])),
        Just(json!({})),
        "[ -~]{0,12}".prop_map(serde_json::Value::String),
    ]
}

/// Every leaf of the JSON, as a JSON pointer.
fn leaves(value: &serde_json::Value, pointer: String, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                leaves(v, format!("{pointer}/{k}"), out);
            }
        }
        serde_json::Value::Array(list) => {
            for (i, v) in list.iter().enumerate() {
                leaves(v, format!("{pointer}/{i}"), out);
            }
        }
        _ => out.push(pointer),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_bytes_never_panic_and_a_non_page_is_a_protocol_error(
        bytes in prop::collection::vec(any::<u8>(), 0..400)
    ) {
        if let Err(error) = read_feed_page(&bytes) {
            prop_assert_eq!(error, ApiError::Protocol);
        }
    }

    #[test]
    fn a_valid_page_reads_back_exactly(page in page()) {
        let read = read_feed_page(&serde_json::to_vec(&page).unwrap()).unwrap();
        prop_assert_eq!(read.changes, page.changes);
        prop_assert!(read.unreadable.is_empty());
        prop_assert_eq!(read.cursor, page.cursor);
        prop_assert_eq!(read.more, page.more);
    }

    #[test]
    fn one_spoiled_change_is_named_and_the_others_still_read(
        page in page().prop_filter("a change to spoil", |p| !p.changes.is_empty()),
        which in any::<prop::sample::Index>(),
        leaf in any::<prop::sample::Index>(),
        spoil in awkward(),
    ) {
        let spoiled_at = which.index(page.changes.len());
        let mut json = serde_json::to_value(&page).unwrap();
        let mut paths = Vec::new();
        leaves(&json["changes"][spoiled_at], format!("/changes/{spoiled_at}"), &mut paths);
        let pointer = paths[leaf.index(paths.len())].clone();
        *json.pointer_mut(&pointer).unwrap() = spoil;
        let read = read_feed_page(&serde_json::to_vec(&json).unwrap()).unwrap();
        let others: Vec<&DocumentChange> = (page.changes.iter().enumerate())
            .filter(|(n, _)| *n != spoiled_at)
            .map(|(_, c)| c)
            .collect();
        if read.unreadable.is_empty() {
            // The awkward value still made a valid change (a description, say).
            prop_assert_eq!(read.changes.len(), page.changes.len());
        } else {
            prop_assert_eq!(read.unreadable.len(), 1);
            prop_assert_eq!(read.changes.iter().collect::<Vec<_>>(), others);
            // Named by its id, unless the id itself was what was spoiled.
            if !pointer.ends_with("/documentId") {
                prop_assert_eq!(
                    read.unreadable[0].as_deref(),
                    Some(page.changes[spoiled_at].document_id())
                );
            }
        }
    }

    #[test]
    fn any_error_answer_becomes_a_plain_kind_without_the_councils_words(
        status in 400u16..600,
        body in "[A-Za-z ]{0,60}",
        retry_after in "[ -~]{0,40}",
        date_header in "[ -~]{0,40}",
    ) {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(&retry_after) {
            headers.insert(RETRY_AFTER, value);
        }
        if let Ok(value) = HeaderValue::from_str(&date_header) {
            headers.insert(DATE, value);
        }
        let status = StatusCode::from_u16(status).unwrap();
        let body = serde_json::json!({"code": "invalidRequest", "message": body.clone()});
        let error = classify(
            status,
            &headers,
            &serde_json::to_vec(&body).unwrap(),
            datetime!(2026-11-30 10:00 UTC),
        );
        let text = error.to_string();
        // The sentence is the app's own: the council's words stay in `message`, for the screen
        // to choose to show, never in the error's text (which may reach a log).
        let words = body["message"].as_str().unwrap().trim();
        if words.len() >= 8 {
            prop_assert!(!text.contains(words), "{text}");
        }
        prop_assert!(text.ends_with('.'), "{text}");
    }
}
