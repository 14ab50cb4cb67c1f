//! Every page form refuses a post without its CSRF token, a revoked access token is refused at
//! userinfo, and a bare sign-out link asks first. All over real HTTP.

mod support;

use reqwest::StatusCode;
use serde_json::Value;
use support::*;

/// Every POST route of the identity pages (pages/mod.rs and /logout in oidc.rs). /authorize,
/// /token, /revoke and /userinfo also take POST, but from apps, not from our forms.
const PAGE_FORMS: [&str; 10] = [
    "/sign-in",
    "/continue",
    "/create-account",
    "/confirm-email",
    "/confirm-email/resend",
    "/sign-in-code",
    "/sign-in-code/resend",
    "/forgot-password",
    "/reset-password",
    "/reset-password/resend",
];

const FIELDS: [(&str, &str); 8] = [
    ("email", "victim@example.org"),
    ("password", PASSWORD),
    ("code", "123456"),
    ("given_name", "Eve"),
    ("family_name", "Forger"),
    ("address", "1 Street"),
    ("postcode", "WR1 2AB"),
    ("post_logout_redirect_uri", POST_LOGOUT_URI),
];

async fn post(browser: &Browser, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut form = FIELDS.to_vec();
    if let Some(token) = token {
        form.push(("csrf_token", token));
    }
    browser
        .client
        .post(browser.url(path))
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn signed_in(browser: &Browser) -> bool {
    let (_, home) = browser.get_text("/").await;
    home.contains("You are signed in as")
}

#[tokio::test]
async fn every_page_form_refuses_a_missing_or_wrong_csrf_token() {
    let provider = start().await;
    let email = "csrf-owner@example.org";
    let browser = provider.create_confirmed_account(email).await;
    for path in PAGE_FORMS {
        for token in [None, Some("forged")] {
            let response = post(&browser, path, token).await;
            assert_eq!(
                response.status(),
                StatusCode::BAD_REQUEST,
                "{path} {token:?}"
            );
            let html = response.text().await.unwrap();
            assert!(html.contains("This form has expired"), "{path} {token:?}");
        }
    }
    // A signed-in browser is asked to confirm instead of being signed out.
    for token in [None, Some("forged")] {
        let response = post(&browser, "/logout", token).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("Do you want to sign out?"));
        assert!(signed_in(&browser).await, "{token:?}");
    }
    // Nothing was sent or created.
    assert_eq!(provider.sink.unread_for("victim@example.org"), 0);
    assert_eq!(provider.sink.unread_for(email), 0);
    let account =
        council_identity::accounts::find_by_email(provider.identity.pool(), "victim@example.org")
            .await
            .unwrap();
    assert!(account.is_none());
}

#[tokio::test]
async fn a_revoked_access_token_is_refused_at_userinfo() {
    let provider = start().await;
    let browser = provider
        .create_confirmed_account("revoke@example.org")
        .await;
    let code = code_for_signed_in(&browser).await;
    let (status, tokens) = exchange(&provider, &code, VERIFIER).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let userinfo = || async {
        let response = reqwest::Client::new()
            .get(format!("{}/userinfo", provider.base))
            .bearer_auth(&access)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json::<Value>().await.unwrap())
    };
    let (status, body) = userinfo().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["email"], "revoke@example.org");

    let response = reqwest::Client::new()
        .post(format!("{}/revoke", provider.base))
        .form(&[
            ("token", access.as_str()),
            ("token_type_hint", "access_token"),
            ("client_id", CLIENT_ID),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (status, body) = userinfo().await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_token");
}

/// A bare sign-out link (no ID token, no app and return address) asks first. The app's own
/// sign-out without a token is in endings.rs.
#[tokio::test]
async fn signing_out_by_a_bare_link_asks_first() {
    let provider = start().await;
    let browser = provider.create_confirmed_account("bye@example.org").await;
    let (status, html) = browser.get_text("/logout").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Do you want to sign out?"));
    assert!(signed_in(&browser).await, "a link alone signs nobody out");

    let response = browser.submit("/logout", "/logout", &[]).await;
    assert_eq!(location(&response), "/signed-out");
    assert!(!signed_in(&browser).await);
}
