//! Hardening, over real HTTP with a real SMTP sink and a real database file: no code in any
//! email's subject line, HSTS exactly when the issuer is https, and the database (which holds
//! the signing keys) readable by the service's user only.

mod support;

use std::time::Duration;

use council_identity::Policy;
use reqwest::StatusCode;

use support::{find_code, location, PASSWORD};

const EMAIL: &str = "subjects@example.org";

/// Every code email of the three journeys (confirm, sign-in code, reset) keeps the code out of
/// the subject, which lock screens and notification previews show to anyone nearby.
#[tokio::test]
async fn no_email_carries_its_code_in_the_subject_line() {
    let provider = support::start_with(Policy {
        sign_in_code_every_time: true,
        ..Policy::default()
    })
    .await;
    let sink = &provider.sink;
    let wait = || sink.wait_for(EMAIL, Duration::from_secs(10));
    let mut seen = Vec::new();

    let browser = provider.browser();
    let response = browser.create_account(EMAIL, PASSWORD).await;
    assert_eq!(location(&response), "/confirm-email");
    let confirm = wait().await.unwrap();
    let code = find_code(&confirm.body).expect("a code to confirm the email");
    let response = browser
        .submit("/confirm-email", "/confirm-email", &[("code", &code)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    seen.push((confirm, code));

    let browser = provider.browser();
    let response = browser.sign_in(EMAIL, PASSWORD).await;
    assert_eq!(location(&response), "/sign-in-code");
    let sign_in = wait().await.unwrap();
    let code = find_code(&sign_in.body).expect("a sign-in code");
    seen.push((sign_in, code));

    let browser = provider.browser();
    let response = browser
        .submit("/forgot-password", "/forgot-password", &[("email", EMAIL)])
        .await;
    assert_eq!(location(&response), "/reset-password");
    let reset = wait().await.unwrap();
    let code = find_code(&reset.body).expect("a reset code");
    seen.push((reset, code));

    for (message, code) in &seen {
        assert!(
            !message.subject.contains(code.as_str()),
            "the code is in the subject: {}",
            message.subject
        );
        assert!(
            !message.subject.chars().any(|c| c.is_ascii_digit()),
            "no digits at all in the subject: {}",
            message.subject
        );
    }
}

async fn hsts_headers(base: &str) -> Vec<Option<String>> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut seen = Vec::new();
    for path in [
        "/",
        "/sign-in",
        "/.well-known/openid-configuration",
        "/jwks.json",
        "/no-such-page",
    ] {
        let response = client.get(format!("{base}{path}")).send().await.unwrap();
        seen.push(response.headers().get("strict-transport-security").cloned());
    }
    let refused = client
        .post(format!("{base}/token"))
        .form(&[("grant_type", "nonsense")])
        .send()
        .await
        .unwrap();
    assert!(refused.status().is_client_error(), "{}", refused.status());
    seen.push(refused.headers().get("strict-transport-security").cloned());
    seen.into_iter()
        .map(|h| h.map(|v| v.to_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test]
async fn every_response_carries_hsts_when_the_issuer_is_https_and_none_when_http() {
    let https = support::start_https().await;
    let headers = hsts_headers(&https.base).await;
    assert!(
        headers
            .iter()
            .all(|h| h.as_deref() == Some("max-age=31536000")),
        "{headers:?}"
    );
    let http = support::start().await;
    let headers = hsts_headers(&http.base).await;
    assert!(headers.iter().all(Option::is_none), "{headers:?}");
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_with_the_signing_keys_is_readable_by_the_services_user_only() {
    use std::os::unix::fs::PermissionsExt;
    let provider = support::start().await;
    // Something written, so the WAL files exist too.
    provider.create_confirmed_account(EMAIL).await;
    let keys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM identity_signing_keys")
        .fetch_one(provider.identity.pool())
        .await
        .unwrap();
    assert_eq!(keys, 1, "the signing key is in this file");
    for name in ["identity.db", "identity.db-wal", "identity.db-shm"] {
        let path = provider.dir.path().join(name);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{name} is {mode:o}");
    }
}
