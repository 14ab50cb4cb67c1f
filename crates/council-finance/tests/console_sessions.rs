//! Console sessions over real HTTP: 15 minutes without a request ends one (checked by the server
//! on the passed-in clock, whatever the browser does), and a staff account that is turned off
//! cannot sign in and its open sessions end at once.

mod support;

use cfp_domain::AccessRequestState;
use council_api::AccessRequest;
use council_finance::staff::Role;
use reqwest::StatusCode;
use support::*;
use time::Duration;

const IDLE_NOTICE: &str = "You were signed out because you had not used the console for 15 minutes";

#[tokio::test]
async fn fifteen_minutes_without_a_request_ends_the_console_session() {
    let council = start().await;
    let rita = council.staff("rita@council.example", Role::Reviewer).await;

    // Each request counts as activity, so steady work is never cut off.
    for _ in 0..3 {
        council.clock.advance(Duration::minutes(14));
        let (status, html) = rita.get_text("/console").await;
        assert_eq!(status, StatusCode::OK, "still signed in");
        assert!(
            html.contains("signed out after 15 minutes without activity"),
            "every page gives the warning: {html}"
        );
    }

    council
        .clock
        .advance(Duration::minutes(15) + Duration::seconds(1));
    let response = rita.client.get(rita.url("/console")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let target = location(&response);
    assert!(target.starts_with("/console/sign-in"), "{target}");
    let (_, html) = rita.get_text(&target).await;
    assert!(html.contains(IDLE_NOTICE), "{html}");

    // The session is gone for good: coming back a moment later does not revive it.
    let response = rita.client.get(rita.url("/console")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_decision_posted_after_the_idle_timeout_is_not_saved() {
    let council = start().await;
    council.push(&demo_records()).await;
    let (_, token) = council.account("Asker", "asker@example.org").await;
    let margaret = demo_records()
        .people
        .into_iter()
        .find(|p| p.client_id.as_str() == "100234567")
        .unwrap();
    let response = council
        .post_json(
            "/access-requests",
            &token,
            &ask_for(&margaret, "appointee", Some("DWP letter 2025")),
        )
        .await;
    let request: AccessRequest = response.json().await.unwrap();
    let rita = council.staff("rita@council.example", Role::Reviewer).await;
    let page = format!("/console/requests/{}", request.request_id);
    let approve = format!("{page}/approve");
    let (_, html) = rita.get_text(&page).await;
    let form = form_inputs(&html, &approve);

    council
        .clock
        .advance(Duration::minutes(15) + Duration::seconds(1));
    let response = rita.post_fields(&approve, &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/console/sign-in"));
    let mut conn = council.finance.pool().acquire().await.unwrap();
    let stored = council_finance::access::get(&mut conn, &request.request_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.state, AccessRequestState::Pending);
    assert_eq!(council.sink.unread_for("asker@example.org"), 0);
}

async fn sign_in(browser: &Browser, email: &str) -> (StatusCode, Vec<String>) {
    let response = browser
        .submit(
            "/console/sign-in",
            "/console/sign-in",
            &[("email", email), ("password", STAFF_PASSWORD)],
        )
        .await;
    let status = response.status();
    (status, error_messages(&response.text().await.unwrap()))
}

#[tokio::test]
async fn a_turned_off_staff_account_cannot_sign_in_and_its_open_sessions_end_at_once() {
    let council = start().await;
    let rita = council.staff("rita@council.example", Role::Admin).await;
    let omar = council.staff("omar@council.example", Role::Reviewer).await;
    let second_window = council.browser();
    assert_eq!(
        sign_in(&second_window, "rita@council.example").await.0,
        StatusCode::SEE_OTHER
    );

    let said = council_finance::service::disable_staff(&council.finance, " Rita@Council.example")
        .await
        .unwrap();
    assert_eq!(
        said,
        "Turned off the console account of rita@council.example; its open sessions have ended."
    );

    // Both of Rita's open sessions ended; Omar's did not.
    for browser in [&rita, &second_window] {
        let response = browser
            .client
            .get(browser.url("/console"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(omar.get_text("/console").await.0, StatusCode::OK);

    // The right password no longer signs in, and the try costs the same hashing as any other.
    let before = council.finance.argon2_runs();
    let (status, errors) = sign_in(&council.browser(), "rita@council.example").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors,
        ["This staff account is turned off. Ask a console admin to turn it on again."]
    );
    assert_eq!(council.finance.argon2_runs() - before, 1);

    // Turned on again, it signs in as before.
    let said = council_finance::service::enable_staff(&council.finance, "rita@council.example")
        .await
        .unwrap();
    assert_eq!(
        said,
        "Turned on the console account of rita@council.example. They can sign in again."
    );
    assert_eq!(
        sign_in(&council.browser(), "rita@council.example").await.0,
        StatusCode::SEE_OTHER
    );

    // An address with no account is said plainly.
    let refused =
        council_finance::service::disable_staff(&council.finance, "nobody@council.example")
            .await
            .unwrap_err();
    assert_eq!(
        refused,
        "There is no staff account with the email address nobody@council.example."
    );
}
