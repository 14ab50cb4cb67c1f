//! Refresh tokens over real HTTP, with the provider's clock moved rather than slept: only for
//! `offline_access`, never past 30 days from the sign-in however often they rotate, and a retry
//! after a lost answer keeps the person signed in while real reuse still ends the sign-in.

mod support;

use reqwest::StatusCode;
use serde_json::Value;
use support::*;
use time::Duration;

async fn refresh(provider: &Provider, token: &str) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/token", provider.base))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", token),
            ("client_id", CLIENT_ID),
        ])
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

fn refresh_token_in(body: &Value) -> String {
    body["refresh_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no refresh token: {}", body["error"]))
        .to_owned()
}

/// A signed-in app's first tokens (scope `openid email offline_access`).
async fn signed_in_app(provider: &Provider, email: &str) -> Value {
    let browser = provider.create_confirmed_account(email).await;
    let code = code_for_signed_in(&browser).await;
    let (status, tokens) = exchange(provider, &code, VERIFIER).await;
    assert_eq!(status, StatusCode::OK, "{}", tokens["error"]);
    tokens
}

#[tokio::test]
async fn a_refresh_token_is_issued_only_for_offline_access() {
    let provider = start().await;
    let browser = provider
        .create_confirmed_account("online@example.org")
        .await;
    let path = authorize_path(REDIRECT_URI, "").replace("%20offline_access", "");
    assert!(!path.contains("offline_access"));
    let mut callback = location(&browser.get(&path).await);
    if callback == "/continue" {
        callback = location(&browser.submit("/continue", "/continue", &[]).await);
    }
    let code = query_param(&callback, "code").unwrap();
    let (status, tokens) = exchange(&provider, &code, VERIFIER).await;
    assert_eq!(status, StatusCode::OK);
    assert!(tokens["access_token"].is_string() && tokens["id_token"].is_string());
    assert!(
        tokens.get("refresh_token").is_none(),
        "no offline_access, no refresh token"
    );
    assert_eq!(tokens["scope"], "openid email");
}

#[tokio::test]
async fn refresh_tokens_stop_thirty_days_after_the_sign_in_however_often_they_rotate() {
    let provider = start().await;
    let tokens = signed_in_app(&provider, "thirty@example.org").await;
    let mut token = refresh_token_in(&tokens);
    for _ in 0..2 {
        provider.clock.advance(Duration::days(10));
        let (status, body) = refresh(&provider, &token).await;
        assert_eq!(status, StatusCode::OK);
        token = refresh_token_in(&body);
    }
    // Day 29: still fine.
    provider.clock.advance(Duration::days(9));
    let (status, body) = refresh(&provider, &token).await;
    assert_eq!(status, StatusCode::OK);
    token = refresh_token_in(&body);
    // Day 30 and a minute: the sign-in has run its course, though this token is a day old.
    provider
        .clock
        .advance(Duration::days(1) + Duration::minutes(1));
    let (status, body) = refresh(&provider, &token).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn the_absolute_lifetime_comes_from_the_policy() {
    let provider = start_with(council_identity::Policy {
        refresh_token_absolute_days: 2,
        ..Default::default()
    })
    .await;
    let tokens = signed_in_app(&provider, "policy@example.org").await;
    provider.clock.advance(Duration::days(1));
    let (status, body) = refresh(&provider, &refresh_token_in(&tokens)).await;
    assert_eq!(status, StatusCode::OK);
    provider.clock.advance(Duration::days(1));
    let (status, _) = refresh(&provider, &refresh_token_in(&body)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_retry_after_a_lost_answer_gets_a_fresh_rotation() {
    let provider = start().await;
    let tokens = signed_in_app(&provider, "retry@example.org").await;
    let first = refresh_token_in(&tokens);
    // The answer to this refresh is lost on the way back to the app.
    let (status, lost) = refresh(&provider, &first).await;
    assert_eq!(status, StatusCode::OK);
    let lost = refresh_token_in(&lost);

    // The app tries again with the token it still has, 30 seconds later.
    provider.clock.advance(Duration::seconds(30));
    let (status, retried) = refresh(&provider, &first).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the retry keeps the person signed in"
    );
    let retried = refresh_token_in(&retried);
    assert_ne!(retried, lost, "a fresh rotation, not the lost answer again");
    // The new pair goes on working.
    let (status, next) = refresh(&provider, &retried).await;
    assert_eq!(status, StatusCode::OK);
    let next = refresh_token_in(&next);
    // The lost token was replaced: anyone presenting it now is reusing it, and the family ends.
    let (status, _) = refresh(&provider, &lost).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = refresh(&provider, &next).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the whole family is revoked"
    );
}

#[tokio::test]
async fn reuse_after_the_grace_revokes_the_family() {
    let provider = start().await;
    let tokens = signed_in_app(&provider, "late@example.org").await;
    let first = refresh_token_in(&tokens);
    let (_, second) = refresh(&provider, &first).await;
    let second = refresh_token_in(&second);
    provider.clock.advance(Duration::seconds(61));
    let (status, body) = refresh(&provider, &first).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let (status, _) = refresh(&provider, &second).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the whole family is revoked"
    );
}

#[tokio::test]
async fn reuse_of_an_older_token_within_the_grace_revokes_the_family() {
    let provider = start().await;
    let tokens = signed_in_app(&provider, "older@example.org").await;
    let first = refresh_token_in(&tokens);
    let (_, second) = refresh(&provider, &first).await;
    let second = refresh_token_in(&second);
    provider.clock.advance(Duration::seconds(5));
    // The app received and used the second token: the first is no longer the one before the
    // newest, so presenting it is reuse, however soon.
    let (status, third) = refresh(&provider, &second).await;
    assert_eq!(status, StatusCode::OK);
    let third = refresh_token_in(&third);
    provider.clock.advance(Duration::seconds(5));
    let (status, _) = refresh(&provider, &first).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = refresh(&provider, &third).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the whole family is revoked"
    );
}
