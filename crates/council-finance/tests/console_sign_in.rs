//! Console sign-in throttling over real HTTP: wrong passwords are limited per staff account
//! (5 in 15 minutes) and per network address (50 in 15 minutes); once throttled even the right
//! password is refused until the window has passed, and the page says how long to wait.

mod support;

use council_finance::staff::Role;
use council_kit::clock::Clock;
use council_kit::throttle::Throttle;
use reqwest::StatusCode;
use support::*;
use time::Duration;

const TOO_MANY: &str = "You have tried to sign in too many times. Wait 15 minutes, then try again.";
const NOT_RIGHT: &str = "The email address or password is not right.";

async fn sign_in(browser: &Browser, email: &str, password: &str) -> (StatusCode, Vec<String>) {
    let response = browser
        .submit(
            "/console/sign-in",
            "/console/sign-in",
            &[("email", email), ("password", password)],
        )
        .await;
    let status = response.status();
    (status, error_messages(&response.text().await.unwrap()))
}

#[tokio::test]
async fn five_wrong_passwords_lock_that_account_for_15_minutes() {
    let council = start().await;
    council.staff("rita@council.example", Role::Reviewer).await;
    council.staff("omar@council.example", Role::Reviewer).await;
    let browser = council.browser();

    for _ in 0..5 {
        let (status, errors) = sign_in(&browser, "rita@council.example", "wrong password!").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(errors, [NOT_RIGHT]);
    }
    // The sixth try is refused before the password is looked at, even the right one, and
    // however the address is written.
    for email in ["rita@council.example", " RITA@council.example"] {
        let (status, errors) = sign_in(&browser, email, STAFF_PASSWORD).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(errors, [TOO_MANY]);
    }
    // Another account from the same address is not affected.
    let (status, _) = sign_in(&browser, "omar@council.example", STAFF_PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    council
        .clock
        .advance(Duration::minutes(15) + Duration::seconds(1));
    let (status, _) = sign_in(&council.browser(), "rita@council.example", STAFF_PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "allowed again after the window"
    );
}

#[tokio::test]
async fn fifty_wrong_passwords_from_one_address_lock_every_account_from_it() {
    let council = start().await;
    council.staff("rita@council.example", Role::Reviewer).await;
    // 49 wrong tries already counted for this address (as the console counts them, in the same
    // limit), then the 50th through the page, each time for a different made-up account.
    let per_address = Throttle::new(
        council.finance.pool().clone(),
        "console.sign-in.address",
        50,
        Duration::minutes(15),
    );
    for _ in 0..49 {
        per_address
            .record("127.0.0.1", council.clock.now())
            .await
            .unwrap();
    }
    let browser = council.browser();
    let (status, errors) = sign_in(&browser, "guess50@council.example", "wrong password!").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors, [NOT_RIGHT]);

    // Now every account is refused from this address, even with its right password.
    let (status, errors) = sign_in(&browser, "rita@council.example", STAFF_PASSWORD).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors, [TOO_MANY]);

    council
        .clock
        .advance(Duration::minutes(15) + Duration::seconds(1));
    let (status, _) = sign_in(&browser, "rita@council.example", STAFF_PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "allowed again after the window"
    );
}

/// Timing must not tell which staff emails exist: every try, whatever the email, costs exactly
/// one Argon2 computation (a verify, against a stand-in hash when there is no such account).
/// Counted, not timed.
#[tokio::test]
async fn every_sign_in_try_costs_one_argon2_run_whether_or_not_the_email_exists() {
    let council = start().await;
    council.staff("rita@council.example", Role::Reviewer).await;
    let browser = council.browser();
    let tries = [
        ("nobody@council.example", "wrong password!", NOT_RIGHT),
        ("rita@council.example", "wrong password!", NOT_RIGHT),
        ("another.nobody@council.example", STAFF_PASSWORD, NOT_RIGHT),
    ];
    for (email, password, message) in tries {
        let before = council.finance.argon2_runs();
        let (status, errors) = sign_in(&browser, email, password).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(errors, [message]);
        assert_eq!(council.finance.argon2_runs() - before, 1, "{email}");
    }
    let before = council.finance.argon2_runs();
    let (status, _) = sign_in(&browser, "rita@council.example", STAFF_PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        council.finance.argon2_runs() - before,
        1,
        "the right password"
    );
}
