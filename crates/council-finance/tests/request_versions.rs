//! A reviewer's decision binds the version of the request they saw, over real HTTP: the console's
//! forms carry the request's version and the matched person, so a request the requester changed
//! (withdrawn and sent again with other details) while the page was open is refused, the page is
//! shown again with the current details, and nothing is granted or emailed. A resubmission is a
//! new version; the earlier ones are kept and the request page shows what changed and when.

mod support;

use cfp_domain::AccessRequestState;
use council_api::{AccessRequest, ImportPerson};
use council_finance::staff::Role;
use council_kit::clock::Clock;
use reqwest::StatusCode;
use support::*;
use time::Duration;

const CHANGED: &str = "This request changed while you were looking at it";

fn demo_person(client_id: &str) -> ImportPerson {
    demo_records()
        .people
        .into_iter()
        .find(|p| p.client_id.as_str() == client_id)
        .unwrap()
}

fn full_name(person: &ImportPerson) -> String {
    format!("{} {}", person.given_name, person.family_name)
}

async fn ask(council: &Council, token: &str, person: &ImportPerson) -> AccessRequest {
    let response = council
        .post_json(
            "/access-requests",
            token,
            &ask_for(person, "appointee", Some("DWP letter 2025")),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

/// The requester withdraws the request and sends it again with `body`, through the API.
async fn withdraw_and_resend(
    council: &Council,
    token: &str,
    request_id: &str,
    body: &serde_json::Value,
) {
    let response = council
        .post_json(
            &format!("/access-requests/{request_id}/withdraw"),
            token,
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "withdrawn");
    let response = council
        .post_json(
            &format!("/access-requests/{request_id}/resubmit"),
            token,
            body,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "sent again");
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

async fn stored(council: &Council, request_id: &str) -> council_finance::access::StoredRequest {
    let mut conn = council.finance.pool().acquire().await.unwrap();
    council_finance::access::get(&mut conn, request_id)
        .await
        .unwrap()
        .unwrap()
}

async fn decisions_in_the_audit_log(council: &Council) -> usize {
    let mut conn = council.finance.pool().acquire().await.unwrap();
    council_finance::audit::recent(&mut conn, 1000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == "request approved" || e.action == "request rejected")
        .count()
}

#[tokio::test]
async fn approving_a_request_that_changed_while_the_page_was_open_is_refused_and_grants_nothing() {
    let council = start().await;
    council.push(&demo_records()).await;
    let (_, token) = council.account("Mallory", "mallory@example.org").await;
    let margaret = demo_person("100234567");
    let dennis = demo_person("100318842");
    let request = ask(&council, &token, &margaret).await;
    let rita = council.staff("rita@council.example", Role::Reviewer).await;
    let page = format!("/console/requests/{}", request.request_id);
    let approve = format!("{page}/approve");

    // Rita opens the request: Margaret, a full match.
    let (status, html) = rita.get_text(&page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&full_name(&margaret)), "{html}");
    let seen = form_inputs(&html, &approve);
    assert!(field(&seen, "csrf_token").is_some(), "{seen:?}");

    // Meanwhile the requester withdraws it and sends it again, now for Dennis.
    withdraw_and_resend(
        &council,
        &token,
        &request.request_id,
        &ask_for(&dennis, "appointee", Some("DWP letter 2025")),
    )
    .await;

    // Rita's click on the page she saw is refused, and the page shows what is there now.
    let response = rita.post_fields(&approve, &seen).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.unwrap();
    assert!(html.contains(CHANGED), "{html}");
    assert!(html.contains(&full_name(&dennis)), "the current details");
    let current = form_inputs(&html, &approve);
    assert!(field(&current, "version").is_some(), "{current:?}");
    assert_ne!(field(&current, "version"), field(&seen, "version"));

    // Nothing was granted and nobody was emailed.
    let people = council.get_json("/people", &token).await;
    assert_eq!(people["people"], serde_json::json!([]), "no access given");
    let now = stored(&council, &request.request_id).await;
    assert_eq!(now.state, AccessRequestState::Pending);
    assert_eq!(now.person_id, None);
    assert_eq!(decisions_in_the_audit_log(&council).await, 0);
    assert_eq!(council.sink.unread_for("mallory@example.org"), 0);

    // Having now seen Dennis's details, Rita's approval of them stands.
    let response = rita.post_fields(&approve, &current).await;
    assert_eq!(location(&response), "/console?done=approved");
    let people = council.get_json("/people", &token).await;
    assert_eq!(people["people"][0]["clientId"], "100318842");
    council.wait_for_mail("mallory@example.org").await;
}

#[tokio::test]
async fn rejecting_a_request_that_changed_while_the_page_was_open_is_refused() {
    let council = start().await;
    council.push(&demo_records()).await;
    let (_, token) = council.account("Asker", "asker@example.org").await;
    let margaret = demo_person("100234567");
    let request = ask(&council, &token, &margaret).await;
    let rita = council.staff("rita@council.example", Role::Reviewer).await;
    let page = format!("/console/requests/{}", request.request_id);
    let reject = format!("{page}/reject");
    let (_, html) = rita.get_text(&page).await;
    let mut seen = form_inputs(&html, &reject);
    seen.push(("reason".into(), "0".into()));

    // Sent again with the same person but another role and evidence: a new version all the same.
    withdraw_and_resend(
        &council,
        &token,
        &request.request_id,
        &ask_for(&margaret, "deputy", Some("COP 12345678")),
    )
    .await;

    let response = rita.post_fields(&reject, &seen).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.unwrap();
    assert!(html.contains(CHANGED), "{html}");
    assert!(html.contains("COP 12345678"), "the current evidence");
    assert_eq!(
        stored(&council, &request.request_id).await.state,
        AccessRequestState::Pending
    );
    assert_eq!(decisions_in_the_audit_log(&council).await, 0);
    assert_eq!(council.sink.unread_for("asker@example.org"), 0);
}

#[tokio::test]
async fn an_approve_form_naming_another_person_is_refused() {
    let council = start().await;
    council.push(&demo_records()).await;
    let (_, token) = council.account("Asker", "asker@example.org").await;
    let margaret = demo_person("100234567");
    let request = ask(&council, &token, &margaret).await;
    let rita = council.staff("rita@council.example", Role::Reviewer).await;
    let page = format!("/console/requests/{}", request.request_id);
    let approve = format!("{page}/approve");
    let (_, html) = rita.get_text(&page).await;
    let mut forged = form_inputs(&html, &approve);
    let person = forged
        .iter_mut()
        .find(|(name, _)| name == "person_id")
        .expect("the form names the matched person");
    person.1 = "someone-else".into();

    let response = rita.post_fields(&approve, &forged).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(response.text().await.unwrap().contains(CHANGED));
    assert_eq!(
        stored(&council, &request.request_id).await.state,
        AccessRequestState::Pending
    );
    assert_eq!(council.sink.unread_for("asker@example.org"), 0);
}

#[tokio::test]
async fn approving_the_version_on_screen_grants_the_person_shown() {
    let council = start().await;
    council.push(&demo_records()).await;
    let (_, token) = council.account("Asker", "asker@example.org").await;
    let margaret = demo_person("100234567");
    let request = ask(&council, &token, &margaret).await;
    let rita = council.staff("rita@council.example", Role::Reviewer).await;
    let page = format!("/console/requests/{}", request.request_id);

    let response = rita.submit(&page, &format!("{page}/approve"), &[]).await;
    assert_eq!(location(&response), "/console?done=approved");
    let people = council.get_json("/people", &token).await;
    assert_eq!(people["people"][0]["clientId"], "100234567");
    let mail = council.wait_for_mail("asker@example.org").await;
    assert!(mail.body.contains(&full_name(&margaret)));
    assert_eq!(decisions_in_the_audit_log(&council).await, 1);
}

#[tokio::test]
async fn a_resubmission_keeps_the_earlier_version_and_the_console_shows_what_changed_and_when() {
    let council = start().await;
    council.push(&demo_records()).await;
    let (_, token) = council.account("Chloe", "chloe@example.org").await;
    let thomas = demo_person("100452210");
    let mut wrong = ask_for(&thomas, "deputy", Some("COP 1234"));
    wrong["person"]["dateOfBirth"] = serde_json::json!("1979-01-16");
    wrong["person"]["postcode"] = serde_json::json!("WR9 9ZZ");
    let response = council.post_json("/access-requests", &token, &wrong).await;
    let request: AccessRequest = response.json().await.unwrap();
    let first_sent = council.clock.now();
    let rita = council
        .staff_named("rita@council.example", "Rita Reviewer", Role::Reviewer)
        .await;
    let page = format!("/console/requests/{}", request.request_id);
    let response = rita
        .submit(&page, &format!("{page}/reject"), &[("reason", "0")])
        .await;
    assert_eq!(location(&response), "/console?done=rejected");

    // A few minutes later (within the access token's life), corrected and sent again.
    council.clock.advance(Duration::minutes(4));
    let second_sent = council.clock.now();
    let response = council
        .post_json(
            &format!("/access-requests/{}/resubmit", request.request_id),
            &token,
            &ask_for(&thomas, "deputy", Some("COP 1234")),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let (_, html) = rita.get_text(&page).await;
    let history = history_rows(&html);
    assert_eq!(history.len(), 2, "{history:?}");
    let when = |at: time::OffsetDateTime| {
        at.format(time::macros::format_description!(
            "[day padding:none] [month repr:short] [year], [hour]:[minute]"
        ))
        .unwrap()
    };
    // Newest first: what changed in version 2, then version 1 as first sent and how it ended.
    assert_eq!(history[0][0], "2");
    assert_eq!(history[0][1], when(second_sent));
    assert!(
        history[0][2].contains("Date of birth: 16 January 1979, now"),
        "{history:?}"
    );
    assert!(
        history[0][2].contains("Postcode: WR9 9ZZ, now"),
        "{history:?}"
    );
    assert!(!history[0][2].contains("Name"), "{history:?}");
    assert_eq!(history[1][0], "1");
    assert_eq!(history[1][1], when(first_sent));
    assert_eq!(history[1][2], "First sent");
    assert!(
        history[1][3].contains("Rejected by Rita Reviewer"),
        "{history:?}"
    );
    assert!(
        history[1][3].contains("The details you gave do not match our records."),
        "{history:?}"
    );

    // The first version's details are kept as they were sent.
    let kept: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT version, date_of_birth, postcode FROM finance_access_request_versions \
         WHERE request_id = ? ORDER BY version",
    )
    .bind(&request.request_id)
    .fetch_all(council.finance.pool())
    .await
    .unwrap();
    assert_eq!(kept.len(), 2);
    assert_eq!(
        (kept[0].1.as_str(), kept[0].2.as_str()),
        ("1979-01-16", "WR9 9ZZ")
    );
    assert_eq!(kept[1].0, 2);
    assert_eq!(kept[1].2, thomas.postcode.as_str());
}

/// The cells of the request page's history table, one row per version.
fn history_rows(html: &str) -> Vec<Vec<String>> {
    let document = scraper::Html::parse_document(html);
    let row = scraper::Selector::parse("table#history tbody tr").unwrap();
    let cell = scraper::Selector::parse("th, td").unwrap();
    document
        .select(&row)
        .map(|r| {
            r.select(&cell)
                .map(|c| {
                    c.text()
                        .collect::<String>()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        })
        .collect()
}
