//! How sign-ins end, over real HTTP: the app signs out without putting its ID token in the
//! browser's address (client_id and its registered return address, by link or by form), what
//! the ID token carries, and codes not yet exchanged die with the session or the old password.

mod support;

use base64::Engine;
use reqwest::StatusCode;
use serde_json::Value;
use support::*;

async fn signed_in(browser: &Browser) -> bool {
    let (_, home) = browser.get_text("/").await;
    home.contains("You are signed in as")
}

async fn refresh(provider: &Provider, token: &str) -> StatusCode {
    reqwest::Client::new()
        .post(format!("{}/token", provider.base))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", token),
            ("client_id", CLIENT_ID),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn the_app_signs_out_with_its_client_id_and_return_address_and_no_token() {
    let provider = start().await;
    let browser = provider.create_confirmed_account("out@example.org").await;
    let code = code_for_signed_in(&browser).await;
    let (status, tokens) = exchange(&provider, &code, VERIFIER).await;
    assert_eq!(status, StatusCode::OK, "{}", tokens["error"]);

    let path = format!(
        "/logout?client_id={CLIENT_ID}&post_logout_redirect_uri={}&state=s9",
        urlencode(POST_LOGOUT_URI)
    );
    let response = browser.get(&path).await;
    assert_eq!(location(&response), format!("{POST_LOGOUT_URI}?state=s9"));
    assert!(!signed_in(&browser).await, "the browser session has ended");
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    assert_eq!(
        refresh(&provider, refresh_token).await,
        StatusCode::BAD_REQUEST,
        "the app's sign-in through that session ended with it"
    );

    // A return address the app did not register is never followed, and a bare link still asks.
    let browser = provider.browser();
    browser.sign_in("out@example.org", PASSWORD).await;
    let path = format!(
        "/logout?client_id={CLIENT_ID}&post_logout_redirect_uri={}",
        urlencode("http://127.0.0.1:54321/elsewhere")
    );
    let (status, html) = browser.get_text(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Do you want to sign out?"));
    assert!(signed_in(&browser).await);
}

#[tokio::test]
async fn the_app_signs_out_by_posting_a_form_without_a_token() {
    let provider = start().await;
    let browser = provider.create_confirmed_account("form@example.org").await;
    let response = browser
        .client
        .post(browser.url("/logout"))
        .form(&[
            ("client_id", CLIENT_ID),
            ("post_logout_redirect_uri", POST_LOGOUT_URI),
            ("state", "s8"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), format!("{POST_LOGOUT_URI}?state=s8"));
    assert!(!signed_in(&browser).await);
}

#[tokio::test]
async fn the_id_token_names_the_person_only_by_subject() {
    let provider = start().await;
    let browser = provider
        .create_confirmed_account("minimal@example.org")
        .await;
    let code = code_for_signed_in(&browser).await;
    let (status, tokens) = exchange(&provider, &code, VERIFIER).await;
    assert_eq!(status, StatusCode::OK);
    let payload = tokens["id_token"]
        .as_str()
        .unwrap()
        .split('.')
        .nth(1)
        .unwrap();
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    let mut names: Vec<&str> = claims
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "aud",
            "auth_time",
            "azp",
            "exp",
            "iat",
            "iss",
            "nonce",
            "sub"
        ]
    );
    // The name and email are at userinfo, for the scopes granted.
    let userinfo: Value = reqwest::Client::new()
        .get(format!("{}/userinfo", provider.base))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(userinfo["email"], "minimal@example.org");
}

#[tokio::test]
async fn a_code_not_yet_exchanged_dies_with_the_sign_out() {
    let provider = start().await;
    let browser = provider
        .create_confirmed_account("code-out@example.org")
        .await;
    let code = code_for_signed_in(&browser).await;
    // "Sign out" on the account's own page.
    let response = browser.submit("/", "/logout", &[]).await;
    assert_eq!(location(&response), "/signed-out");
    let (status, body) = exchange(&provider, &code, VERIFIER).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn a_code_not_yet_exchanged_dies_with_the_old_password() {
    let provider = start().await;
    let email = "code-reset@example.org";
    let browser = provider.create_confirmed_account(email).await;
    let code = code_for_signed_in(&browser).await;

    let other = provider.browser();
    other
        .submit("/forgot-password", "/forgot-password", &[("email", email)])
        .await;
    let reset = provider.code_for(email).await;
    let response = other
        .submit(
            "/reset-password",
            "/reset-password",
            &[
                ("code", &reset),
                ("password", "a completely new passphrase"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/sign-in?password_changed=1");

    let (status, body) = exchange(&provider, &code, VERIFIER).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
}
