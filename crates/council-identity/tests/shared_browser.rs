//! A shared browser (a library kiosk): the next person must not get the previous person's
//! account. Over real HTTP, one cookie jar for both people, as on the kiosk's browser.
//!
//! Patron A signs in to the app through /authorize; patron B then types her own /authorize URL
//! (her own PKCE values, her own state, her own loopback port) into the same browser.

mod support;

use council_kit::secret::sha256_base64url;
use reqwest::StatusCode;
use serde_json::Value;
use support::*;

const A_REDIRECT: &str = "http://127.0.0.1:54321/callback";
const A_VERIFIER: &str = "patron-a-verifier-which-is-comfortably-longer-than-43-chars";
const B_REDIRECT: &str = "http://127.0.0.1:40404/callback";
const B_VERIFIER: &str = "patron-b-verifier-chosen-by-the-next-person-at-the-kiosk-x";

/// An authorization request as an app would send it, with its own PKCE values and state.
fn authorize(redirect_uri: &str, verifier: &str, state: &str, extra: &str) -> String {
    format!(
        "/authorize?response_type=code&client_id={CLIENT_ID}&redirect_uri={}\
         &scope=openid%20email%20profile%20offline_access&state={state}&nonce=n-{state}\
         &code_challenge={}&code_challenge_method=S256{extra}",
        urlencode(redirect_uri),
        sha256_base64url(verifier.as_bytes())
    )
}

async fn exchange_at(
    provider: &Provider,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/token", provider.base))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("client_id", CLIENT_ID),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

/// Patron A signs in to the app in `browser` (with `extra` parameters) and gets her tokens.
async fn patron_a_signs_in(provider: &Provider, browser: &Browser, email: &str, extra: &str) {
    let response = browser
        .get(&authorize(A_REDIRECT, A_VERIFIER, "a-state", extra))
        .await;
    assert_eq!(location(&response), "/sign-in");
    let response = browser.sign_in(email, PASSWORD).await;
    let callback = location(&response);
    assert_eq!(query_param(&callback, "state").as_deref(), Some("a-state"));
    let code = query_param(&callback, "code").expect("A's code");
    let (status, tokens) = exchange_at(provider, &code, A_REDIRECT, A_VERIFIER).await;
    assert_eq!(status, StatusCode::OK, "{}", tokens["error"]);
}

/// What B gets for her own authorization request in A's browser. A code in the answer is the
/// attack: it is exchanged (with B's PKCE verifier) to show whose tokens it gives.
async fn patron_b_asks(provider: &Provider, browser: &Browser, extra: &str) -> reqwest::Response {
    let response = browser
        .get(&authorize(B_REDIRECT, B_VERIFIER, "b-state", extra))
        .await;
    if let Some(code) = response
        .headers()
        .get("location")
        .and_then(|l| query_param(l.to_str().unwrap(), "code"))
    {
        let (status, tokens) = exchange_at(provider, &code, B_REDIRECT, B_VERIFIER).await;
        panic!(
            "B was given a code without anyone's interaction; exchanging it answered {status} \
             with a refresh token: {}",
            tokens["refresh_token"].is_string()
        );
    }
    response
}

async fn sessions_of(provider: &Provider, email: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM identity_sessions s JOIN identity_accounts a ON a.id = s.account_id \
         WHERE a.email = ?",
    )
    .bind(email)
    .fetch_one(provider.identity.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn the_next_person_at_the_browser_gets_the_continue_page_not_a_code() {
    let provider = start().await;
    let email = "ruth@example.org";
    drop(provider.create_confirmed_account(email).await);
    let browser = provider.browser();
    patron_a_signs_in(&provider, &browser, email, "").await;

    let response = patron_b_asks(&provider, &browser, "").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/continue");
    let (status, html) = browser.get_text("/continue").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Continue as Ada Lovelace?"), "{html}");
    assert!(html.contains("Not you? Sign in as someone else"));

    // prompt=none cannot skip the question for an app on this computer.
    let response = patron_b_asks(&provider, &browser, "&prompt=none").await;
    let callback = location(&response);
    assert!(callback.starts_with(B_REDIRECT), "{callback}");
    assert_eq!(
        query_param(&callback, "error").as_deref(),
        Some("interaction_required")
    );
    assert_eq!(query_param(&callback, "state").as_deref(), Some("b-state"));
}

#[tokio::test]
async fn a_kiosk_sign_in_leaves_no_session_for_the_next_person() {
    let provider = start().await;
    let email = "kiosk-a@example.org";
    // The account is made elsewhere, and that browser signed out.
    let elsewhere = provider.create_confirmed_account(email).await;
    elsewhere.submit("/", "/logout", &[]).await;
    assert_eq!(sessions_of(&provider, email).await, 0);
    let browser = provider.browser();

    // A signs in as the kiosk app does: prompt=login, max_age=0.
    let response = browser
        .get(&authorize(
            A_REDIRECT,
            A_VERIFIER,
            "a-state",
            "&prompt=login&max_age=0",
        ))
        .await;
    assert_eq!(location(&response), "/sign-in");
    let response = browser.sign_in(email, PASSWORD).await;
    let callback = location(&response);
    let code = query_param(&callback, "code").expect("the kiosk sign-in still gets its code");
    // The browser is told to forget the session, and the service forgets it too.
    let cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("council_session=;") && c.contains("Max-Age=0")),
        "{cookies:?}"
    );
    assert_eq!(
        sessions_of(&provider, email).await,
        0,
        "no session row left"
    );
    let (status, tokens) = exchange_at(&provider, &code, A_REDIRECT, A_VERIFIER).await;
    assert_eq!(status, StatusCode::OK, "{}", tokens["error"]);

    // B, in the same browser: asked to sign in, no question about A, no code.
    let response = patron_b_asks(&provider, &browser, "").await;
    assert_eq!(location(&response), "/sign-in");
    let (_, html) = browser.get_text("/sign-in").await;
    assert!(!html.contains("Lovelace"));
    let (_, home) = browser.get_text("/").await;
    assert!(!home.contains("You are signed in"));
}

#[tokio::test]
async fn continuing_issues_the_code_only_after_the_click() {
    let provider = start().await;
    let email = "click@example.org";
    let browser = provider.create_confirmed_account(email).await;
    let response = browser
        .get(&authorize(B_REDIRECT, B_VERIFIER, "b-state", ""))
        .await;
    assert_eq!(location(&response), "/continue");
    let (_, html) = browser.get_text("/continue").await;
    let request = hidden_field(&html, "request").expect("the page names the request it shows");

    // Without the form's CSRF token, nothing is issued.
    let response = browser
        .client
        .post(browser.url("/continue"))
        .form(&[("request", request.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get("location").is_none());

    // Another request replaced the one on the page in the meantime: the page is shown again.
    let other = browser
        .get(&authorize(A_REDIRECT, A_VERIFIER, "a-state", ""))
        .await;
    assert_eq!(location(&other), "/continue");
    let token = csrf_token(&html, "/continue").unwrap();
    let response = browser
        .client
        .post(browser.url("/continue"))
        .form(&[("request", request.as_str()), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), "/continue");

    // The click on the page as it stands now sends the code to that request's app.
    let response = browser.submit("/continue", "/continue", &[]).await;
    let callback = location(&response);
    assert!(callback.starts_with(A_REDIRECT), "{callback}");
    assert_eq!(query_param(&callback, "state").as_deref(), Some("a-state"));
    let code = query_param(&callback, "code").unwrap();
    let (status, tokens) = exchange_at(&provider, &code, A_REDIRECT, A_VERIFIER).await;
    assert_eq!(status, StatusCode::OK, "{}", tokens["error"]);
    // The request is used up: the page does not offer it again.
    let response = browser.get("/continue").await;
    assert_eq!(location(&response), "/");
}

#[tokio::test]
async fn not_you_leads_to_the_sign_in_page_for_the_same_request() {
    let provider = start().await;
    let browser = provider.create_confirmed_account("first@example.org").await;
    drop(
        provider
            .create_confirmed_account("second@example.org")
            .await,
    );
    let response = browser
        .get(&authorize(B_REDIRECT, B_VERIFIER, "b-state", ""))
        .await;
    assert_eq!(location(&response), "/continue");
    let (_, html) = browser.get_text("/continue").await;
    let document = scraper::Html::parse_document(&html);
    let link = scraper::Selector::parse("a.govuk-link[href=\"/sign-in\"]").unwrap();
    assert_eq!(
        document
            .select(&link)
            .map(|a| a.text().collect::<String>())
            .collect::<Vec<_>>(),
        ["Not you? Sign in as someone else"]
    );
    let response = browser.sign_in("second@example.org", PASSWORD).await;
    let callback = location(&response);
    assert!(callback.starts_with(B_REDIRECT), "{callback}");
    let code = query_param(&callback, "code").unwrap();
    let (status, tokens) = exchange_at(&provider, &code, B_REDIRECT, B_VERIFIER).await;
    assert_eq!(status, StatusCode::OK);
    let userinfo: Value = reqwest::Client::new()
        .get(format!("{}/userinfo", provider.base))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(userinfo["email"], "second@example.org");
}

#[tokio::test]
async fn the_session_cookie_ends_with_the_browser() {
    let provider = start().await;
    let email = "cookie@example.org";
    drop(provider.create_confirmed_account(email).await);
    let response = provider.browser().sign_in(email, PASSWORD).await;
    assert_eq!(location(&response), "/");
    let cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("council_session=") && !c.starts_with("council_session=;"))
        .unwrap_or_else(|| panic!("signing in sets the session cookie: {cookies:?}"));
    let attributes = session.to_ascii_lowercase();
    assert!(
        !attributes.contains("max-age") && !attributes.contains("expires"),
        "a browser-session cookie has neither Max-Age nor Expires: {session}"
    );
    assert!(attributes.contains("httponly") && attributes.contains("samesite=lax"));
    // The service still ends the session itself after its lifetime.
    let browser = provider.browser();
    browser.sign_in(email, PASSWORD).await;
    provider.clock.advance(time::Duration::hours(8));
    let (_, home) = browser.get_text("/").await;
    assert!(!home.contains("You are signed in"));
}

fn hidden_field(html: &str, name: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(&format!("input[name=\"{name}\"]")).unwrap();
    document
        .select(&selector)
        .next()
        .and_then(|input| input.value().attr("value"))
        .map(str::to_owned)
}
