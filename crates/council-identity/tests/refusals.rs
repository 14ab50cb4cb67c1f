//! What the provider must refuse, each over real HTTP: wrong PKCE verifier, reused code,
//! unregistered redirect, wrong/expired email code, the sixth try, a missing CSRF token, a reused
//! refresh token (whole family revoked), and sign-in before the email is confirmed.

mod support;

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use support::*;

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

#[tokio::test]
async fn a_wrong_pkce_verifier_is_refused_and_spends_the_code() {
    let provider = start().await;
    let browser = provider.create_confirmed_account("p@example.org").await;
    let code = code_for_signed_in(&browser).await;
    let (status, body) = exchange(
        &provider,
        &code,
        "another-verifier-that-is-long-enough-to-be-well-formed",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    let (status, _) = exchange(&provider, &code, VERIFIER).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a code is only ever tried once"
    );
}

#[tokio::test]
async fn a_reused_code_is_refused_and_revokes_what_it_gave() {
    let provider = start().await;
    let browser = provider.create_confirmed_account("r@example.org").await;
    let code = code_for_signed_in(&browser).await;
    let (status, tokens) = exchange(&provider, &code, VERIFIER).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let (status, body) = exchange(&provider, &code, VERIFIER).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    let (status, body) = refresh(&provider, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the first exchange's tokens are revoked: {body}"
    );
}

#[tokio::test]
async fn codes_expire_after_sixty_seconds() {
    let provider = start().await;
    let browser = provider.create_confirmed_account("e@example.org").await;
    let code = code_for_signed_in(&browser).await;
    provider.clock.advance(time::Duration::seconds(61));
    let (status, body) = exchange(&provider, &code, VERIFIER).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn an_unregistered_redirect_is_never_followed() {
    let provider = start().await;
    let browser = provider.browser();
    for bad in [
        "http://127.0.0.1:54321/elsewhere",
        "http://localhost:54321/callback",
        "https://evil.example/callback",
    ] {
        let response = browser.get(&authorize_path(bad, "")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(response.headers().get("location").is_none());
        let html = response.text().await.unwrap();
        assert!(html.contains("We cannot sign you in to this app"));
    }
    // An unknown app is refused the same way.
    let response = browser
        .get(&authorize_path(REDIRECT_URI, "").replace(CLIENT_ID, "someone-else"))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn requests_without_pkce_s256_go_back_with_an_error() {
    let provider = start().await;
    let browser = provider.browser();
    let plain = authorize_path(REDIRECT_URI, "")
        .replace("code_challenge_method=S256", "code_challenge_method=plain");
    let response = browser.get(&plain).await;
    let callback = location(&response);
    assert_eq!(
        query_param(&callback, "error").as_deref(),
        Some("invalid_request")
    );
    assert_eq!(query_param(&callback, "state").as_deref(), Some("s1"));
    let response = browser
        .get(&authorize_path(REDIRECT_URI, "&prompt=none"))
        .await;
    assert_eq!(
        query_param(&location(&response), "error").as_deref(),
        Some("login_required")
    );
}

#[tokio::test]
async fn wrong_and_expired_email_codes_are_refused() {
    let provider = start().await;
    let browser = provider.browser();
    let email = "w@example.org";
    browser.create_account(email, PASSWORD).await;
    let code = provider.code_for(email).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let response = browser
        .submit("/confirm-email", "/confirm-email", &[("code", wrong)])
        .await;
    let html = response.text().await.unwrap();
    assert_eq!(
        error_messages(&html),
        ["The code is not right. Check the email and try again."]
    );
    let response = browser
        .submit("/confirm-email", "/confirm-email", &[("code", "12345")])
        .await;
    let html = response.text().await.unwrap();
    assert_eq!(
        error_messages(&html),
        ["The code must be 6 numbers, like 123456"]
    );

    provider.clock.advance(time::Duration::minutes(15));
    let response = browser
        .submit("/confirm-email", "/confirm-email", &[("code", &code)])
        .await;
    let html = response.text().await.unwrap();
    assert_eq!(
        error_messages(&html),
        ["The code has expired. Select 'Send me a new code'."]
    );
}

#[tokio::test]
async fn the_sixth_try_is_refused_even_with_the_right_code() {
    let provider = start().await;
    let browser = provider.browser();
    let email = "six@example.org";
    browser.create_account(email, PASSWORD).await;
    let code = provider.code_for(email).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for attempt in 1..=5 {
        let response = browser
            .submit("/confirm-email", "/confirm-email", &[("code", wrong)])
            .await;
        let html = response.text().await.unwrap();
        let expected = if attempt < 5 {
            "The code is not right. Check the email and try again."
        } else {
            "You have entered a wrong code too many times. Select 'Send me a new code'."
        };
        assert_eq!(error_messages(&html), [expected], "attempt {attempt}");
    }
    let response = browser
        .submit("/confirm-email", "/confirm-email", &[("code", &code)])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert_eq!(
        error_messages(&html),
        ["You have entered a wrong code too many times. Select 'Send me a new code'."]
    );
    // A new code works again.
    browser
        .submit("/confirm-email", "/confirm-email/resend", &[])
        .await;
    let fresh = provider.code_for(email).await;
    let response = browser
        .submit("/confirm-email", "/confirm-email", &[("code", &fresh)])
        .await;
    assert_eq!(location(&response), "/");
}

#[tokio::test]
async fn a_form_without_its_csrf_token_changes_nothing() {
    let provider = start().await;
    let browser = provider.browser();
    // The browser has a session (it opened the page) but posts without the token.
    let (status, _) = browser.get_text("/create-account").await;
    assert_eq!(status, StatusCode::OK);
    let form = [
        ("given_name", "Eve"),
        ("family_name", "Forger"),
        ("address", "1 Street"),
        ("postcode", "WR1 2AB"),
        ("email", "csrf@example.org"),
        ("password", PASSWORD),
    ];
    let response = browser
        .client
        .post(browser.url("/create-account"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("This form has expired"));
    let mut forged: Vec<(&str, &str)> = form.to_vec();
    forged.push(("csrf_token", "forged"));
    let response = browser
        .client
        .post(browser.url("/create-account"))
        .form(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(provider
        .sink
        .wait_for("csrf@example.org", Duration::from_millis(300))
        .await
        .is_err());
    let account =
        council_identity::accounts::find_by_email(provider.identity.pool(), "csrf@example.org")
            .await
            .unwrap();
    assert!(account.is_none());
}

#[tokio::test]
async fn a_reused_refresh_token_revokes_the_whole_family() {
    let provider = start().await;
    let browser = provider
        .create_confirmed_account("family@example.org")
        .await;
    let code = code_for_signed_in(&browser).await;
    let (_, tokens) = exchange(&provider, &code, VERIFIER).await;
    let first = tokens["refresh_token"].as_str().unwrap().to_owned();
    let (status, second) = refresh(&provider, &first).await;
    assert_eq!(status, StatusCode::OK);
    let second = second["refresh_token"].as_str().unwrap().to_owned();
    // Someone replays the first token after the minute allowed for the app's own retry
    // (refresh_tokens.rs): refused, and the legitimate newer one dies with it.
    provider.clock.advance(time::Duration::seconds(61));
    let (status, body) = refresh(&provider, &first).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let (status, _) = refresh(&provider, &second).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_unconfirmed_email_cannot_sign_in_to_an_app() {
    let provider = start().await;
    let email = "unconfirmed@example.org";
    provider.browser().create_account(email, PASSWORD).await;
    provider.code_for(email).await; // The confirmation email they ignored.

    let browser = provider.browser();
    let response = browser.get(&authorize_path(REDIRECT_URI, "")).await;
    assert_eq!(location(&response), "/sign-in");
    let response = browser.sign_in(email, PASSWORD).await;
    assert_eq!(
        location(&response),
        "/confirm-email?unconfirmed=1",
        "no code for the app"
    );
    let (_, html) = browser.get_text("/confirm-email?unconfirmed=1").await;
    assert!(html.contains("You need to confirm your email address before you can sign in"));
    // Confirming then completes the app's sign-in.
    let code = provider.code_for(email).await;
    let response = browser
        .submit("/confirm-email", "/confirm-email", &[("code", &code)])
        .await;
    assert!(location(&response).starts_with("http://127.0.0.1:54321/callback?code="));
}

#[tokio::test]
async fn wrong_passwords_get_one_message_and_are_throttled_per_account() {
    let provider = start().await;
    let email = "t@example.org";
    drop(provider.create_confirmed_account(email).await);
    let browser = provider.browser();
    let expected = ["The email address or password is not right. Check them and try again."];
    let response = browser.sign_in("nobody@example.org", PASSWORD).await;
    assert_eq!(
        error_messages(&response.text().await.unwrap()),
        expected,
        "unknown email"
    );
    for _ in 0..5 {
        let response = browser.sign_in(email, "not the password at all").await;
        assert_eq!(error_messages(&response.text().await.unwrap()), expected);
    }
    let response = browser.sign_in(email, PASSWORD).await;
    let messages = error_messages(&response.text().await.unwrap());
    assert_eq!(
        messages,
        ["You have tried to sign in too many times. Wait 15 minutes, then try again."]
    );
    provider.clock.advance(time::Duration::minutes(15));
    let response = browser.sign_in(email, PASSWORD).await;
    assert_eq!(location(&response), "/");
}

#[tokio::test]
async fn asking_for_new_codes_is_rate_limited() {
    let provider = start().await;
    let browser = provider.browser();
    let email = "resend@example.org";
    browser.create_account(email, PASSWORD).await;
    provider.code_for(email).await;
    for _ in 0..3 {
        let response = browser
            .submit("/confirm-email", "/confirm-email/resend", &[])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        provider.code_for(email).await;
    }
    let response = browser
        .submit("/confirm-email", "/confirm-email/resend", &[])
        .await;
    let html = response.text().await.unwrap();
    assert!(error_messages(&html)[0].starts_with("You have asked for a new code too many times."));
    assert!(provider
        .sink
        .wait_for(email, Duration::from_millis(300))
        .await
        .is_err());
}

#[tokio::test]
async fn creating_an_account_for_a_registered_email_looks_the_same_but_tells_the_owner() {
    let provider = start().await;
    let email = "taken@example.org";
    drop(provider.create_confirmed_account(email).await);
    let response = provider
        .browser()
        .create_account(email, "another long password")
        .await;
    assert_eq!(location(&response), "/confirm-email");
    let message = provider
        .sink
        .wait_for(email, Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(message.subject, "You already have an account");
    assert!(find_code(&message.body).is_none());
    // The original password still works; the attempt changed nothing.
    let response = provider.browser().sign_in(email, PASSWORD).await;
    assert_eq!(location(&response), "/");
}

#[tokio::test]
async fn forgotten_password_resets_with_an_emailed_code_and_ends_old_sign_ins() {
    let provider = start().await;
    let email = "forgot@example.org";
    let old_browser = provider.create_confirmed_account(email).await;
    let browser = provider.browser();
    let response = browser
        .submit("/forgot-password", "/forgot-password", &[("email", email)])
        .await;
    assert_eq!(location(&response), "/reset-password");
    let code = provider.code_for(email).await;
    let new_password = "a brand new long password";
    let response = browser
        .submit(
            "/reset-password",
            "/reset-password",
            &[("code", &code), ("password", new_password)],
        )
        .await;
    assert_eq!(location(&response), "/sign-in?password_changed=1");
    let (_, old_home) = old_browser.get_text("/").await;
    assert!(
        !old_home.contains("You are signed in"),
        "other sessions end"
    );
    let response = browser.sign_in(email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = browser.sign_in(email, new_password).await;
    assert_eq!(location(&response), "/");

    // An unknown address gets the same pages, and no code.
    let stranger = provider.browser();
    let response = stranger
        .submit(
            "/forgot-password",
            "/forgot-password",
            &[("email", "stranger@example.org")],
        )
        .await;
    assert_eq!(location(&response), "/reset-password");
    let message = provider
        .sink
        .wait_for("stranger@example.org", Duration::from_secs(10))
        .await
        .unwrap();
    assert!(find_code(&message.body).is_none());
}

#[tokio::test]
async fn the_councils_sign_in_code_policy_adds_an_emailed_code_at_every_sign_in() {
    let provider = start_with(council_identity::Policy {
        sign_in_code_every_time: true,
        ..Default::default()
    })
    .await;
    let email = "code@example.org";
    drop(provider.create_confirmed_account(email).await);
    let browser = provider.browser();
    let response = browser.sign_in(email, PASSWORD).await;
    assert_eq!(location(&response), "/sign-in-code");
    let code = provider.code_for(email).await;
    let response = browser
        .submit("/sign-in-code", "/sign-in-code", &[("code", &code)])
        .await;
    assert_eq!(location(&response), "/");
    let (_, home) = browser.get_text("/").await;
    assert!(home.contains("You are signed in as"));
}

#[tokio::test]
async fn max_age_and_prompt_login_ask_for_a_fresh_sign_in() {
    let provider = start().await;
    let browser = provider.create_confirmed_account("fresh@example.org").await;
    provider.clock.advance(time::Duration::minutes(10));
    let response = browser
        .get(&authorize_path(REDIRECT_URI, "&max_age=300"))
        .await;
    assert_eq!(location(&response), "/sign-in");
    let response = browser
        .get(&authorize_path(REDIRECT_URI, "&max_age=3600"))
        .await;
    assert_eq!(location(&response), "/continue", "recent enough: one click");
    let response = browser
        .get(&authorize_path(REDIRECT_URI, "&prompt=login"))
        .await;
    assert_eq!(location(&response), "/sign-in");
}

#[tokio::test]
async fn pages_carry_security_headers_and_cookies_are_httponly_samesite() {
    let provider = start().await;
    let response = provider.browser().get("/sign-in").await;
    let cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "http issuer on loopback");
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    let html = response.text().await.unwrap();
    assert!(html.contains("autocomplete=\"current-password\""));
    assert!(html.contains("href=\"#main-content\""));
}
