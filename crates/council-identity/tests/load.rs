//! Unauthenticated load on loopback, bounded in count (no sleeping; the provider's clock is
//! moved by the test): viewing pages stores nothing, sign-ups are limited per network address
//! and for everyone together, accounts nobody confirms go after a day, and mail to one address
//! is capped whatever page sends it.

mod support;

use council_identity::Policy;
use reqwest::StatusCode;
use time::Duration;

use support::{location, Browser, Provider, PASSWORD};

const PAGE_VIEWS: usize = 2_000;
const SIGN_UPS: usize = 200;
/// The council's ceiling for this test (the default is 200 an hour).
const NEW_ACCOUNTS_PER_HOUR: u32 = 30;

async fn count(provider: &Provider, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(provider.identity.pool())
        .await
        .unwrap()
}

/// Every message the sink has received and not yet read.
async fn drain_mail(provider: &Provider) -> Vec<council_kit::smtp_sink::Message> {
    let mut messages = Vec::new();
    while let Some(message) = provider.sink.next_message(std::time::Duration::ZERO).await {
        messages.push(message);
    }
    messages
}

/// Posts a form from a fresh browser (its own cookies), as coming from `address`.
async fn post_from(
    provider: &Provider,
    address: &str,
    page: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let browser: Browser = provider.browser();
    let (status, html) = browser.get_text(page).await;
    assert_eq!(status, StatusCode::OK);
    let token = support::csrf_token(&html, page).expect("the page's form");
    let mut form = fields.to_vec();
    form.push(("csrf_token", &token));
    browser
        .client
        .post(browser.url(page))
        .header("x-forwarded-for", address)
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn sign_up(provider: &Provider, address: &str, email: &str) -> reqwest::Response {
    post_from(
        provider,
        address,
        "/create-account",
        &[
            ("given_name", "Load"),
            ("family_name", "Test"),
            ("address", "1 High Street\nWorcester"),
            ("postcode", "WR1 2AB"),
            ("email", email),
            ("password", PASSWORD),
        ],
    )
    .await
}

#[tokio::test]
async fn anonymous_load_leaves_sessions_accounts_and_mail_bounded() {
    let provider = support::start_behind_proxy_with(Policy {
        new_accounts_per_hour: NEW_ACCOUNTS_PER_HOUR,
        ..Policy::default()
    })
    .await;

    // 2,000 page views by visitors without cookies: nothing is stored.
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let pages = [
        "/",
        "/sign-in",
        "/create-account",
        "/forgot-password",
        "/signed-out",
    ];
    for i in 0..PAGE_VIEWS {
        let path = pages[i % pages.len()];
        let response = anonymous
            .get(format!("{}{path}", provider.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    assert_eq!(count(&provider, "identity_sessions").await, 0);

    // 200 sign-ups, each from a fresh browser: 50 from one address, then 150 from four others.
    let mut accepted = 0;
    for n in 0..SIGN_UPS {
        let address = if n < 50 {
            "203.0.113.1".to_owned()
        } else {
            format!("203.0.113.{}", 2 + n % 4)
        };
        let response = sign_up(&provider, &address, &format!("signup{n}@example.org")).await;
        match response.status() {
            StatusCode::SEE_OTHER => {
                assert_eq!(location(&response), "/confirm-email");
                accepted += 1;
            }
            StatusCode::UNPROCESSABLE_ENTITY => {
                let html = response.text().await.unwrap();
                assert!(
                    html.contains("Too many accounts have been created from your network")
                        || html.contains("more new accounts than we can check right now"),
                    "sign-up {n} refused for another reason"
                );
            }
            other => panic!("sign-up {n}: {other}"),
        }
        if n == 49 {
            assert_eq!(accepted, 10, "one address: 10 an hour");
            assert_eq!(count(&provider, "identity_accounts").await, 10);
        }
    }
    assert_eq!(accepted, 30, "everyone together: the council's 30 an hour");
    assert_eq!(count(&provider, "identity_accounts").await, 30);
    assert_eq!(count(&provider, "identity_sessions").await, 30);
    let mail = drain_mail(&provider).await;
    assert_eq!(
        mail.len(),
        30,
        "one confirm-email code per accepted sign-up"
    );

    // One inbox, many pages and many addresses, over four hours: at most 10 emails a day.
    provider.clock.advance(Duration::minutes(61));
    let victim = "victim@example.org";
    for n in 0..60 {
        if n % 4 == 0 {
            provider.clock.advance(Duration::minutes(16));
        }
        let address = format!("198.51.100.{n}");
        let response = if n % 2 == 0 {
            sign_up(&provider, &address, victim).await
        } else {
            post_from(
                &provider,
                &address,
                "/forgot-password",
                &[("email", victim)],
            )
            .await
        };
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "request {n}");
    }
    let mail = drain_mail(&provider).await;
    assert!(mail.iter().all(|m| m.to == [victim]));
    let with_codes = mail
        .iter()
        .filter(|m| support::find_code(&m.body).is_some())
        .count();
    assert_eq!(with_codes, 10, "ten emails a day to one address");
    assert_eq!(
        mail.len(),
        11,
        "and one warning to the owner, without a code"
    );

    // A day later, accounts nobody confirmed and sessions that ended are gone.
    provider.clock.advance(Duration::hours(25));
    let response = sign_up(&provider, "192.0.2.1", "late@example.org").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&provider, "identity_accounts").await, 1);
    assert_eq!(count(&provider, "identity_registrations").await, 1);
    assert_eq!(count(&provider, "identity_sessions").await, 1);
}
