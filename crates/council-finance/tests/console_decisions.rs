//! Console decisions over real HTTP: a form that comes back with an error keeps what was typed
//! and links its error, a decision that comes too late says who decided and when, and decisions
//! made at the same moment as other writes all land.

mod support;

use council_api::AccessRequest;
use council_finance::staff::Role;
use reqwest::StatusCode;
use support::*;

/// A pending request from a new account for the demo person called `given`.
async fn pending_request(council: &Council, given: &str, email: &str) -> AccessRequest {
    let (_, token) = council.account("Asker", email).await;
    let person = demo_records()
        .people
        .into_iter()
        .find(|p| p.given_name == given)
        .unwrap();
    let response = council
        .post_json(
            "/access-requests",
            &token,
            &ask_for(&person, "appointee", Some("DWP letter 2025")),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

fn select_one(html: &str, selector: &str) -> Option<scraper::ElementRef<'static>> {
    // Leaked on purpose: a test's few pages, so the element can outlive this function.
    let document: &'static scraper::Html = Box::leak(Box::new(scraper::Html::parse_document(html)));
    document
        .select(&scraper::Selector::parse(selector).unwrap())
        .next()
}

#[tokio::test]
async fn a_form_with_an_error_keeps_the_details_and_links_the_error() {
    let council = start().await;
    council.push(&demo_records()).await;
    let request = pending_request(&council, "Thomas", "asker@example.org").await;
    let reviewer = council.staff("rita@council.example", Role::Reviewer).await;
    let page = format!("/console/requests/{}", request.request_id);
    let reject = format!("{page}/reject");

    // No reason chosen: the details typed are still there.
    let typed = "Please check the date of birth & postcode <again>.";
    let response = reviewer.submit(&page, &reject, &[("details", typed)]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    let textarea = select_one(&html, "textarea#details").unwrap();
    assert_eq!(textarea.text().collect::<String>(), typed);
    assert_eq!(
        textarea.value().attr("aria-describedby"),
        Some("details-hint")
    );

    // "Another reason" with only spaces: the details error is linked to the box.
    let response = reviewer
        .submit(&page, &reject, &[("reason", "other"), ("details", "   ")])
        .await;
    let html = response.text().await.unwrap();
    assert_eq!(
        error_messages(&html),
        ["Write the reason the requester will read."]
    );
    let textarea = select_one(&html, "textarea#details").unwrap();
    assert_eq!(
        textarea.value().attr("aria-describedby"),
        Some("details-hint details-error")
    );
    assert!(select_one(&html, "#details-error").is_some());
    assert!(
        select_one(&html, "input#reason-other[checked]").is_some(),
        "the chosen reason stays chosen"
    );
}

#[tokio::test]
async fn deciding_a_request_someone_else_decided_says_who_when_and_what() {
    let council = start().await;
    council.push(&demo_records()).await;
    let request = pending_request(&council, "Thomas", "asker@example.org").await;
    let rita = council
        .staff_named("rita@council.example", "Rita Reviewer", Role::Reviewer)
        .await;
    let omar = council
        .staff_named("omar@council.example", "Omar Other", Role::Reviewer)
        .await;
    let page = format!("/console/requests/{}", request.request_id);

    // Both have the request open; Rita approves first.
    let response = rita.submit(&page, &format!("{page}/approve"), &[]).await;
    assert_eq!(location(&response), "/console?done=approved");
    council.wait_for_mail("asker@example.org").await;

    let response = omar
        .post_form(&format!("{page}/reject"), &[("reason", "0")])
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.unwrap();
    let heading = select_one(&html, "h1").unwrap().text().collect::<String>();
    assert_eq!(heading, "This request has already been decided");
    assert!(html.contains("Rita Reviewer approved it on"), "{html}");
    assert!(html.contains("Your decision was not saved"), "{html}");
    assert!(links(&html, "/console").contains(&"/console".to_string()));
    let response = omar.post_form(&format!("{page}/approve"), &[]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);

    // Still approved, by Rita, and only one email went out.
    let mut conn = council.finance.pool().acquire().await.unwrap();
    let stored = council_finance::access::get(&mut conn, &request.request_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.state, cfp_domain::AccessRequestState::Approved);
    assert_eq!(council.sink.unread_for("asker@example.org"), 0);
}

#[tokio::test]
async fn decisions_made_while_imports_run_all_land() {
    let council = start().await;
    council.push(&demo_records()).await;
    let reviewer = council.staff("rita@council.example", Role::Reviewer).await;
    let mut requests = Vec::new();
    for n in 0..8 {
        requests.push(pending_request(&council, "Thomas", &format!("asker{n}@example.org")).await);
    }
    // Every decision and push runs at once, each as its own task over its own connection, with
    // the approve form of the request's page (its CSRF token and the version on screen).
    let mut decisions = tokio::task::JoinSet::new();
    for request in &requests {
        let page = format!("/console/requests/{}", request.request_id);
        let (_, html) = reviewer.get_text(&page).await;
        let form = form_inputs(&html, &format!("{page}/approve"));
        let action = reviewer.url(&format!("{page}/approve"));
        let client = reviewer.client.clone();
        decisions.spawn(async move {
            client
                .post(action)
                .form(&form)
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let mut records = demo_records();
    records.remittances.truncate(2);
    let mut pushes = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let request = council
            .http
            .post(council.api("/import/remittances"))
            .bearer_auth(IMPORT_CREDENTIAL)
            .json(&records);
        pushes.spawn(async move { request.send().await.unwrap().status() });
    }
    let statuses = decisions.join_all().await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::SEE_OTHER),
        "{statuses:?}"
    );
    let pushed = pushes.join_all().await;
    assert!(pushed.iter().all(|s| *s == StatusCode::OK), "{pushed:?}");
}
