//! Emailed-code steps under attack, over real HTTP: asking again cannot buy fresh tries, the
//! pages answer the same whether or not an email has an account, a code only confirms the
//! registration it was sent for, and a code lasts exactly 15 minutes.

mod support;

use std::time::Duration;

use reqwest::StatusCode;
use support::*;

const NOT_RIGHT: &str = "The code is not right. Check the email and try again.";
const TOO_MANY: &str = "You have entered a wrong code too many times. Select 'Send me a new code'.";

fn wrong_for(code: &str) -> &'static str {
    if code == "000000" {
        "111111"
    } else {
        "000000"
    }
}

async fn forgot(browser: &Browser, email: &str) {
    let response = browser
        .submit("/forgot-password", "/forgot-password", &[("email", email)])
        .await;
    assert_eq!(location(&response), "/reset-password");
}

/// Enters a code on /reset-password; the status and the error messages shown.
async fn reset_with(browser: &Browser, code: &str) -> (StatusCode, Vec<String>) {
    let response = browser
        .submit(
            "/reset-password",
            "/reset-password",
            &[("code", code), ("password", "a brand new long password")],
        )
        .await;
    let status = response.status();
    (status, error_messages(&response.text().await.unwrap()))
}

/// No email reaches `to` (the sender answers before the response, so none is on its way).
fn no_mail(provider: &Provider, to: &str) {
    assert_eq!(provider.sink.unread_for(to), 0, "an email reached {to}");
}

#[tokio::test]
async fn asking_for_another_reset_code_does_not_buy_fresh_tries() {
    let provider = start().await;
    let email = "locked@example.org";
    drop(provider.create_confirmed_account(email).await); // The first code issued to this email.
    let browser = provider.browser();
    let mut code = String::new();
    for _ in 0..3 {
        forgot(&browser, email).await;
        code = provider.code_for(email).await;
    }
    for attempt in 1..=5 {
        let expected = if attempt < 5 { NOT_RIGHT } else { TOO_MANY };
        let (_, messages) = reset_with(&browser, wrong_for(&code)).await;
        assert_eq!(messages, [expected], "attempt {attempt}");
    }
    // Four codes in 15 minutes: asking again sends nothing and keeps the locked code locked.
    forgot(&browser, email).await;
    no_mail(&provider, email);
    let (status, messages) = reset_with(&browser, &code).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(messages, [TOO_MANY], "the sixth try is still refused");
    // A fresh browser gets no fresh tries either: the right code is still refused.
    let other = provider.browser();
    forgot(&other, email).await;
    no_mail(&provider, email);
    let (status, _) = reset_with(&other, &code).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Once the window has passed, a new code works.
    provider.clock.advance(time::Duration::minutes(15));
    forgot(&browser, email).await;
    let fresh = provider.code_for(email).await;
    let response = browser
        .submit(
            "/reset-password",
            "/reset-password",
            &[("code", &fresh), ("password", "a brand new long password")],
        )
        .await;
    assert_eq!(location(&response), "/sign-in?password_changed=1");
}

#[tokio::test]
async fn the_limit_on_codes_is_shared_by_every_page_that_sends_one() {
    let provider = start().await;
    let email = "shared@example.org";
    let browser = provider.browser();
    browser.create_account(email, PASSWORD).await; // 1: create an account
    provider.code_for(email).await;
    browser
        .submit("/confirm-email", "/confirm-email/resend", &[])
        .await; // 2: send me a new code
    provider.code_for(email).await;
    browser.sign_in(email, PASSWORD).await; // 3: sign in before confirming
    let live = provider.code_for(email).await;
    forgot(&provider.browser(), email).await; // 4: forgotten password
    provider.code_for(email).await;

    // 5: creating the account again sends nothing and leaves the live code as it was.
    let response = browser.create_account(email, PASSWORD).await;
    assert_eq!(location(&response), "/confirm-email", "the usual next page");
    no_mail(&provider, email);
    let response = browser
        .submit("/confirm-email", "/confirm-email", &[("code", &live)])
        .await;
    assert_eq!(location(&response), "/");
}

#[tokio::test]
async fn reset_password_answers_the_same_whether_or_not_the_email_has_an_account() {
    let provider = start().await;
    let registered = "known@example.org";
    drop(provider.create_confirmed_account(registered).await);
    let mut answers = Vec::new();
    for email in [registered, "unknown@example.org"] {
        let browser = provider.browser();
        forgot(&browser, email).await;
        let message = provider
            .sink
            .wait_for(email, Duration::from_secs(10))
            .await
            .unwrap();
        let wrong = find_code(&message.body).map_or("000000", |code| wrong_for(&code));
        let mut seen = Vec::new();
        for _ in 0..6 {
            seen.push(reset_with(&browser, wrong).await);
        }
        provider.clock.advance(time::Duration::minutes(16));
        seen.push(reset_with(&browser, wrong).await);
        answers.push(seen);
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0][4].1, [TOO_MANY]);
}

#[tokio::test]
async fn a_code_only_confirms_the_registration_it_was_sent_for() {
    let provider = start().await;
    let email = "owner@example.org";
    let owner = provider.browser();
    owner.create_account(email, PASSWORD).await;
    let first = provider.code_for(email).await;
    // Someone else registers the owner's email with their own password.
    let attacker = provider.browser();
    attacker
        .create_account(email, "the attackers own password")
        .await;
    let theirs = provider.code_for(email).await;

    // The owner types the newest code they got: it was sent for the other registration.
    for code in [&theirs, &first] {
        let response = owner
            .submit("/confirm-email", "/confirm-email", &[("code", code)])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    // "Send me a new code" in the owner's browser sends one for the owner's registration.
    owner
        .submit("/confirm-email", "/confirm-email/resend", &[])
        .await;
    let fresh = provider.code_for(email).await;
    let response = owner
        .submit("/confirm-email", "/confirm-email", &[("code", &fresh)])
        .await;
    assert_eq!(location(&response), "/");

    // The account has the owner's password; the other one was never confirmed.
    let response = provider
        .browser()
        .sign_in(email, "the attackers own password")
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = provider.browser().sign_in(email, PASSWORD).await;
    assert_eq!(location(&response), "/");
    let (status, _) = attacker.get_text("/confirm-email").await;
    assert_eq!(status, StatusCode::OK);
    let response = attacker
        .submit("/confirm-email", "/confirm-email", &[("code", &fresh)])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_code_works_at_14_59_and_not_at_15_00() {
    let provider = start().await;
    let just_in_time = "in-time@example.org";
    let too_late = "too-late@example.org";
    let first = provider.browser();
    first.create_account(just_in_time, PASSWORD).await;
    let second = provider.browser();
    second.create_account(too_late, PASSWORD).await;
    let first_code = provider.code_for(just_in_time).await;
    let second_code = provider.code_for(too_late).await;

    provider
        .clock
        .advance(time::Duration::seconds(14 * 60 + 59));
    let response = first
        .submit("/confirm-email", "/confirm-email", &[("code", &first_code)])
        .await;
    assert_eq!(location(&response), "/");

    provider.clock.advance(time::Duration::seconds(1));
    let response = second
        .submit(
            "/confirm-email",
            "/confirm-email",
            &[("code", &second_code)],
        )
        .await;
    let html = response.text().await.unwrap();
    assert_eq!(
        error_messages(&html),
        ["The code has expired. Select 'Send me a new code'."]
    );
}
