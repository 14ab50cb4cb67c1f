//! Guessing emailed codes over days, over real HTTP with the provider's clock moved by the test:
//! codes issued and wrong codes entered are capped per email address per day, the owner is told
//! once, and an IPv6 visitor cannot dodge the per-address limit by changing address in its /64.

mod support;

use reqwest::StatusCode;
use time::Duration;

use support::{csrf_token, find_code, location, Browser, Provider, PASSWORD};

const OWNER: &str = "owner@example.org";
const STRANGER: &str = "nobody-here@example.org";
const NEW_PASSWORD: &str = "a long enough new password";
const WARNING_SUBJECT: &str = "Someone may be trying to get into your Test Council account";

/// Asks for a password reset code in a fresh browser; the browser, now at the code step.
async fn ask_for_reset_code(provider: &Provider, email: &str) -> Browser {
    let browser = provider.browser();
    let response = browser
        .submit("/forgot-password", "/forgot-password", &[("email", email)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/reset-password");
    browser
}

/// Enters a code (and a new password) on the reset page; the page's HTML.
async fn enter_reset_code(browser: &Browser, code: &str, forwarded_for: Option<&str>) -> String {
    let (status, html) = browser.get_text("/reset-password").await;
    assert_eq!(status, StatusCode::OK);
    let token = csrf_token(&html, "/reset-password").expect("the reset form");
    let mut request = browser.client.post(browser.url("/reset-password")).form(&[
        ("code", code),
        ("password", NEW_PASSWORD),
        ("csrf_token", &token),
    ]);
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    request.send().await.unwrap().text().await.unwrap()
}

/// A code that is not `right`.
fn wrong_code(right: &str) -> &'static str {
    if right == "000000" {
        "111111"
    } else {
        "000000"
    }
}

/// The words a person sees on a page (no attribute values, so no CSRF tokens).
fn visible_text(html: &str) -> String {
    let document = scraper::Html::parse_document(html);
    let main = scraper::Selector::parse("main").unwrap();
    document
        .select(&main)
        .flat_map(|m| m.text())
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

async fn signs_in_with(provider: &Provider, password: &str) -> bool {
    let response = provider.browser().sign_in(OWNER, password).await;
    response.status() == StatusCode::SEE_OTHER && location(&response) != "/sign-in"
}

#[tokio::test]
async fn the_eleventh_code_in_a_day_is_refused_as_for_an_unknown_email_and_the_owner_is_warned_once(
) {
    let provider = support::start().await;
    let sink = &provider.sink;
    // Code 1 of the day: confirming the email.
    provider.create_confirmed_account(OWNER).await;
    // Codes 2 to 10, spaced so the 15-minute limit (4 codes) never bites: only the daily cap
    // can. The same ten requests for an address with no account.
    for n in 1..=10 {
        provider.clock.advance(Duration::minutes(16));
        if n >= 2 {
            ask_for_reset_code(&provider, OWNER).await;
            let message = sink
                .wait_for(OWNER, std::time::Duration::from_secs(10))
                .await;
            let message = message.unwrap_or_else(|_| panic!("code {n} was not sent"));
            assert!(
                find_code(&message.body).is_some(),
                "code {n} is in the email"
            );
        }
        ask_for_reset_code(&provider, STRANGER).await;
        sink.wait_for(STRANGER, std::time::Duration::from_secs(10))
            .await
            .unwrap_or_else(|_| panic!("email {n} to the stranger was not sent"));
    }

    // The 11th: the same answer as for the unknown address, and no code.
    provider.clock.advance(Duration::minutes(16));
    let owner_browser = ask_for_reset_code(&provider, OWNER).await;
    let stranger_browser = ask_for_reset_code(&provider, STRANGER).await;
    let (owner_status, owner_page) = owner_browser.get_text("/reset-password").await;
    let (stranger_status, stranger_page) = stranger_browser.get_text("/reset-password").await;
    assert_eq!(owner_status, stranger_status);
    assert_eq!(
        visible_text(&owner_page).replace(OWNER, "EMAIL"),
        visible_text(&stranger_page).replace(STRANGER, "EMAIL"),
        "the page does not tell an account from no account"
    );
    assert_eq!(sink.unread_for(STRANGER), 0, "nothing more to the stranger");
    assert_eq!(sink.unread_for(OWNER), 1, "no 11th code, only the warning");
    let warning = sink
        .wait_for(OWNER, std::time::Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(warning.subject, WARNING_SUBJECT);
    assert_eq!(
        find_code(&warning.body),
        None,
        "the warning carries no code"
    );

    // More asking sends nothing more: one warning, no code.
    provider.clock.advance(Duration::minutes(16));
    ask_for_reset_code(&provider, OWNER).await;
    assert_eq!(sink.unread_for(OWNER), 0);

    // A day after the first code, codes flow again.
    provider.clock.advance(Duration::hours(24));
    ask_for_reset_code(&provider, OWNER).await;
    let message = sink
        .wait_for(OWNER, std::time::Duration::from_secs(10))
        .await
        .unwrap();
    assert!(find_code(&message.body).is_some());
}

#[tokio::test]
async fn the_twenty_first_wrong_code_in_a_day_is_refused_even_when_it_is_a_fresh_right_code() {
    let provider = support::start().await;
    let sink = &provider.sink;
    provider.create_confirmed_account(OWNER).await;
    // 20 wrong codes over four codes, each code allowing its 5 tries.
    for round in 0..4 {
        provider.clock.advance(Duration::minutes(16));
        let browser = ask_for_reset_code(&provider, OWNER).await;
        let code = provider.code_for(OWNER).await;
        for attempt in 0..5 {
            let html = enter_reset_code(&browser, wrong_code(&code), None).await;
            assert!(
                html.contains("The code is not right")
                    || html.contains("wrong code too many times. Select"),
                "round {round} attempt {attempt}"
            );
        }
    }
    let warning = sink
        .wait_for(OWNER, std::time::Duration::from_secs(1))
        .await
        .expect("the owner is told when the wrong-code cap is reached");
    assert_eq!(warning.subject, WARNING_SUBJECT);

    // A fresh code, entered right: still refused, and the password stays as it was.
    provider.clock.advance(Duration::minutes(16));
    let browser = ask_for_reset_code(&provider, OWNER).await;
    let code = provider.code_for(OWNER).await;
    let html = enter_reset_code(&browser, &code, None).await;
    assert!(
        html.contains("You have entered a wrong code too many times today. Wait"),
        "{}",
        visible_text(&html)
    );
    assert!(signs_in_with(&provider, PASSWORD).await);
    assert!(!signs_in_with(&provider, NEW_PASSWORD).await);
    assert_eq!(sink.unread_for(OWNER), 0, "exactly one warning");
}

#[tokio::test]
async fn two_ipv6_addresses_in_one_64_share_the_per_address_limit() {
    let provider = support::start_behind_proxy().await;
    // 50 wrong codes (the limit per address in 15 minutes), each from a different IPv6 address
    // in 2001:db8:1:2::/64, five per unknown email (well inside each email's own caps).
    for i in 0..10 {
        let browser = ask_for_reset_code(&provider, &format!("nobody{i}@example.org")).await;
        for j in 0..5 {
            let address = format!("2001:db8:1:2:{i:x}:{j:x}:0:1");
            let html = enter_reset_code(&browser, "000000", Some(&address)).await;
            // The browser's fifth wrong try ends its code; the address is not held up.
            assert!(
                html.contains("The code is not right")
                    || html.contains("wrong code too many times. Select"),
                "try {i}/{j}"
            );
        }
    }
    let browser = ask_for_reset_code(&provider, "someone@example.org").await;
    let html = enter_reset_code(&browser, "000000", Some("2001:db8:1:2:ffff::9")).await;
    assert!(
        html.contains("You have entered a wrong code too many times. Wait"),
        "another address in the same /64 is held up"
    );
    let html = enter_reset_code(&browser, "000000", Some("2001:db8:1:3::1")).await;
    assert!(
        html.contains("The code is not right"),
        "the next /64 is not held up"
    );
}
