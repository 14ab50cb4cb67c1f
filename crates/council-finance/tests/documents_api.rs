//! The documents API over real HTTP: what a person may see, the change feed and its cursors,
//! ETags and gzip, and the refusals (another user's person, expired token, wrong audience).

mod support;

use council_api::{ChangesPage, Document, DocumentChange, PeopleList};
use reqwest::StatusCode;
use support::*;
use time::Duration;

async fn imported() -> Council {
    let council = start().await;
    let response = council.push(&demo_records()).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap()
    );
    council
}

#[tokio::test]
async fn a_person_sees_only_the_people_they_hold_grants_for_and_their_documents() {
    let council = imported().await;
    let (ruth, ruth_token) = council.account("Ruth", "ruth@example.org").await;
    let margaret = grant(&council, &ruth, "ruth@example.org", "100234567").await;
    let dennis = grant(&council, &ruth, "ruth@example.org", "100318842").await;

    let me = council.get_json("/me", &ruth_token).await;
    assert_eq!(me["sub"], ruth.as_str());
    assert_eq!(me["email"], "ruth@example.org");

    let people: PeopleList =
        serde_json::from_value(council.get_json("/people", &ruth_token).await).unwrap();
    let mut ids: Vec<_> = people.people.iter().map(|p| p.person_id.clone()).collect();
    ids.sort();
    let mut expected = vec![margaret.clone(), dennis.clone()];
    expected.sort();
    assert_eq!(ids, expected);
    let m = people
        .people
        .iter()
        .find(|p| p.person_id == margaret)
        .unwrap();
    assert_eq!(m.client_id.as_str(), "100234567");
    assert_eq!(
        m.relationship,
        cfp_domain::Relationship::LastingPowerOfAttorney
    );

    let (changes, _) = council.sync(&ruth_token, &margaret, None, 200).await;
    assert_eq!(
        changes.len(),
        28,
        "two years of 4-weekly advices and two assessment results"
    );
    let first = match &changes[0] {
        DocumentChange::Upsert { document } => document.clone(),
        other => panic!("expected an upsert, got {other:?}"),
    };
    let advice = first.remittance.as_ref().unwrap();
    assert_eq!(advice.header().client_id.as_str(), "100234567");
    assert_eq!(first.version, 1);

    let one: Document = serde_json::from_value(
        council
            .get_json(
                &format!("/people/{margaret}/documents/{}", first.document_id),
                &ruth_token,
            )
            .await,
    )
    .unwrap();
    assert_eq!(one, first);
}

#[tokio::test]
async fn pages_follow_the_cursor_without_gaps_and_a_later_sync_gets_only_what_changed() {
    let council = imported().await;
    let (ruth, token) = council.account("Ruth", "ruth@example.org").await;
    let margaret = grant(&council, &ruth, "ruth@example.org", "100234567").await;

    let first: ChangesPage = serde_json::from_value(
        council
            .get_json(&format!("/people/{margaret}/changes?limit=10"), &token)
            .await,
    )
    .unwrap();
    assert_eq!(first.changes.len(), 10);
    assert!(first.more);
    let (all, cursor) = council.sync(&token, &margaret, None, 10).await;
    assert_eq!(all.len(), 28);
    let mut ids: Vec<_> = all.iter().map(|c| c.document_id().to_owned()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 28, "each document once");

    // Nothing new: an empty page, same cursor, no more.
    let (nothing, same) = council.sync(&token, &margaret, Some(&cursor), 10).await;
    assert!(nothing.is_empty());
    assert_eq!(same, cursor);

    // A correction of one advice, a new advice, and a withdrawal arrive as three changes.
    let mut records = demo_records();
    let margaret_advices: Vec<_> = records
        .remittances
        .iter()
        .filter(|a| a.header().client_id.as_str() == "100234567")
        .cloned()
        .collect();
    let mut corrected_header = margaret_advices[3].header().clone();
    corrected_header.payee = "Margaret Okafor (new account)".into();
    let corrected = cfp_domain::RemittanceAdvice::new(
        corrected_header,
        margaret_advices[3].lines().to_vec(),
        margaret_advices[3].net_amount(),
    )
    .unwrap();
    let mut new_header = margaret_advices[25].header().clone();
    new_header.reference = "RA-100234567-027".into();
    new_header.period_from += Duration::days(28);
    new_header.period_to += Duration::days(28);
    let new = cfp_domain::RemittanceAdvice::new(
        new_header,
        margaret_advices[0].lines().to_vec(),
        margaret_advices[0].net_amount(),
    )
    .unwrap();
    records.people.clear();
    records.remittances = vec![corrected.clone(), new];
    records.withdrawn = vec![margaret_advices[5].header().reference.clone()];
    let response = council.push(&records).await;
    assert_eq!(response.status(), StatusCode::OK);
    let summary: council_api::ImportSummary = response.json().await.unwrap();
    assert_eq!(
        (
            summary.documents_added,
            summary.documents_corrected,
            summary.documents_withdrawn
        ),
        (1, 1, 1)
    );

    let (changes, _) = council.sync(&token, &margaret, Some(&cursor), 10).await;
    assert_eq!(changes.len(), 3, "{changes:?}");
    let corrected_doc = changes
        .iter()
        .find_map(|c| match c {
            DocumentChange::Upsert { document }
                if document.remittance.as_ref().unwrap().header().reference
                    == corrected.header().reference =>
            {
                Some(document.clone())
            }
            _ => None,
        })
        .expect("the correction is a change");
    assert_eq!(corrected_doc.version, 2);
    assert_eq!(
        corrected_doc.remittance.unwrap().header().payee,
        "Margaret Okafor (new account)"
    );
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, DocumentChange::Remove { .. })),
        "the withdrawal is a removal"
    );

    // The withdrawn document cannot be fetched any more.
    let removed_id = changes
        .iter()
        .find_map(|c| match c {
            DocumentChange::Remove { document_id } => Some(document_id.clone()),
            _ => None,
        })
        .unwrap();
    let response = council
        .get(
            &format!("/people/{margaret}/documents/{removed_id}"),
            &token,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn lists_carry_etags_and_are_gzipped() {
    let council = imported().await;
    let (ruth, token) = council.account("Ruth", "ruth@example.org").await;
    let margaret = grant(&council, &ruth, "ruth@example.org", "100234567").await;
    // reqwest would undo gzip silently: this client leaves the body as the server sent it.
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    for path in ["/people".to_string(), format!("/people/{margaret}/changes")] {
        let response = raw
            .get(council.api(&path))
            .bearer_auth(&token)
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let etag = response
            .headers()
            .get("etag")
            .expect("an ETag")
            .to_str()
            .unwrap()
            .to_owned();
        if path.ends_with("changes") {
            assert_eq!(
                response
                    .headers()
                    .get("content-encoding")
                    .map(|v| v.to_str().unwrap()),
                Some("gzip")
            );
        }
        let again = council
            .http
            .get(council.api(&path))
            .bearer_auth(&token)
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.bytes().await.unwrap().is_empty());
        let other = council
            .http
            .get(council.api(&path))
            .bearer_auth(&token)
            .header("if-none-match", "W/\"stale\"")
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn every_documents_endpoint_refuses_another_users_person_an_expired_token_and_another_audience(
) {
    let council = imported().await;
    let (ruth, ruth_token) = council.account("Ruth", "ruth@example.org").await;
    let margaret = grant(&council, &ruth, "ruth@example.org", "100234567").await;
    let (_, mallory_token) = council.account("Mallory", "mallory@example.org").await;
    let (changes, _) = council.sync(&ruth_token, &margaret, None, 500).await;
    let document_id = changes[0].document_id().to_owned();

    let person_paths = [
        format!("/people/{margaret}/changes"),
        format!("/people/{margaret}/documents/{document_id}"),
    ];
    // Another user: told nothing, exactly as for a person who does not exist.
    for path in &person_paths {
        let response = council.get(path, &mallory_token).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "notFound");
        let missing = council
            .get(&path.replace(&margaret, "no-such-person"), &mallory_token)
            .await;
        let missing: serde_json::Value = missing.json().await.unwrap();
        assert_eq!(
            missing, body,
            "a stranger's person and a missing person look the same"
        );
    }
    let people: PeopleList =
        serde_json::from_value(council.get_json("/people", &mallory_token).await).unwrap();
    assert!(people.people.is_empty());

    let all_paths: Vec<String> = ["/me".to_string(), "/people".to_string()]
        .into_iter()
        .chain(person_paths.iter().cloned())
        .collect();
    let wrong_audience = council
        .mint(&ruth, "Ruth Tester", "ruth@example.org", "another-api", 300)
        .await;
    let expired = council
        .mint(
            &ruth,
            "Ruth Tester",
            "ruth@example.org",
            council_api::AUDIENCE,
            300,
        )
        .await;
    council.clock.advance(Duration::minutes(10));
    for path in &all_paths {
        let response = council.get(path, &expired).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert!(response.headers().get("www-authenticate").is_some());
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "tokenExpired", "{path}");

        let response = council.get(path, &wrong_audience).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "unauthorized", "{path}");

        let response = council.http.get(council.api(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");

        let response = council.get(path, "not.a.token").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
}

#[tokio::test]
async fn bad_cursors_and_limits_are_refused_plainly() {
    let council = imported().await;
    let (ruth, token) = council.account("Ruth", "ruth@example.org").await;
    let margaret = grant(&council, &ruth, "ruth@example.org", "100234567").await;
    for query in ["limit=0", "limit=501", "limit=lots", "cursor=rubbish"] {
        let response = council
            .get(&format!("/people/{margaret}/changes?{query}"), &token)
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "invalidRequest");
        assert!(body["message"].as_str().unwrap().ends_with('.'), "{body}");
    }
    let page: ChangesPage = serde_json::from_value(
        council
            .get_json(&format!("/people/{margaret}/changes?limit=500"), &token)
            .await,
    )
    .unwrap();
    assert_eq!(page.changes.len(), 28);
    assert!(!page.more);
}

#[tokio::test]
async fn a_document_of_one_person_is_not_found_under_another_persons_path() {
    let council = imported().await;
    let (ruth, token) = council.account("Ruth", "ruth@example.org").await;
    let margaret = grant(&council, &ruth, "ruth@example.org", "100234567").await;
    let dennis = grant(&council, &ruth, "ruth@example.org", "100318842").await;
    let (margaret_changes, _) = council.sync(&token, &margaret, None, 500).await;
    let (dennis_changes, _) = council.sync(&token, &dennis, None, 500).await;
    let dennis_document = dennis_changes[0].document_id().to_owned();
    assert!(margaret_changes
        .iter()
        .all(|c| c.document_id() != dennis_document));

    // Ruth may see both people, but Dennis's document is not Margaret's: under her path it is
    // refused exactly as a document that does not exist.
    let response = council
        .get(
            &format!("/people/{margaret}/documents/{dennis_document}"),
            &token,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let crossed: serde_json::Value = response.json().await.unwrap();
    let missing: serde_json::Value = council
        .get(
            &format!("/people/{margaret}/documents/no-such-document"),
            &token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(crossed, missing);
    assert_eq!(crossed["code"], "notFound");
    // Under its own person's path it is there.
    let response = council
        .get(
            &format!("/people/{dennis}/documents/{dennis_document}"),
            &token,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    // Someone who may see only Margaret gets the same answer.
    let (owen, owen_token) = council.account("Owen", "owen@example.org").await;
    grant(&council, &owen, "owen@example.org", "100234567").await;
    let response = council
        .get(
            &format!("/people/{margaret}/documents/{dennis_document}"),
            &owen_token,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.json::<serde_json::Value>().await.unwrap(), missing);
}
