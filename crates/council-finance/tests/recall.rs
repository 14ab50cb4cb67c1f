//! Access tokens are recallable: once the sign-in they belong to has ended (the app revoked its
//! token, the person signed out, or a copied refresh token was replayed), the documents API
//! refuses them at once, long before they expire, with 401 and a plain message.

mod support;

use reqwest::StatusCode;
use support::*;

const ENDED: &str = "You have signed out, or this sign-in was ended. Please sign in again.";

async fn assert_refused(council: &Council, token: &str) {
    for path in ["/me", "/people", "/access-requests"] {
        let response = council.get(path, token).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert!(
            response.headers().get("www-authenticate").is_some(),
            "{path}"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "unauthorized", "{path}");
        assert_eq!(body["message"], ENDED, "{path}");
    }
}

async fn revoke(council: &Council, token: &str) {
    let response = council
        .http
        .post(format!("{}/revoke", council.base))
        .form(&[("token", token), ("client_id", CLIENT_ID)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn revoking_the_refresh_token_stops_its_access_tokens_at_once() {
    let council = start().await;
    let app = sign_up_through_the_app(&council, "ruth@example.org").await;
    assert_eq!(
        council.get_json("/me", &app.access_token).await["email"],
        "ruth@example.org"
    );
    revoke(&council, &app.refresh_token).await;
    assert_refused(&council, &app.access_token).await;
    let (status, body) = council.refresh(&app.refresh_token).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn revoking_an_access_token_ends_its_sign_in_but_not_another() {
    let council = start().await;
    let (sub, other) = council.account("Sam", "sam@example.org").await;
    let token = council
        .mint(
            &sub,
            "Sam Tester",
            "sam@example.org",
            council_api::AUDIENCE,
            300,
        )
        .await;
    revoke(&council, &token).await;
    assert_refused(&council, &token).await;
    assert_eq!(
        council.get_json("/me", &other).await["email"],
        "sam@example.org",
        "a second sign-in of the same account goes on working"
    );
}

#[tokio::test]
async fn signing_out_in_the_browser_ends_the_app_sign_ins_made_through_it() {
    let council = start().await;
    let app = sign_up_through_the_app(&council, "ruth@example.org").await;
    council.get_json("/people", &app.access_token).await;
    let response = app.browser.submit("/logout", "/logout", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/signed-out");
    assert_refused(&council, &app.access_token).await;
}

#[tokio::test]
async fn a_replayed_refresh_token_ends_the_whole_family_including_the_newest_access_token() {
    let council = start().await;
    let app = sign_up_through_the_app(&council, "ruth@example.org").await;
    let (status, refreshed) = council.refresh(&app.refresh_token).await;
    assert_eq!(status, StatusCode::OK);
    let newest = refreshed["access_token"].as_str().unwrap().to_owned();
    council.get_json("/me", &newest).await;
    // Someone replays the spent refresh token (a copy) after the minute in which a retry by the
    // app itself would be answered: the provider revokes the family.
    council.clock.advance(time::Duration::seconds(61));
    let (status, _) = council.refresh(&app.refresh_token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_refused(&council, &newest).await;
    assert_refused(&council, &app.access_token).await;
}
