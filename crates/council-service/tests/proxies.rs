//! Per-address limits over real HTTP, directly and behind a trusted TLS proxy: the visitor's
//! address comes from `X-Forwarded-For` only when the request comes from a listed proxy.

use std::net::SocketAddr;
use std::sync::Arc;

use council_kit::clock::SystemClock;
use council_kit::secret::OsRandomness;
use council_service::{Service, ServiceConfig};

const THROTTLED: &str = "You have entered a wrong code too many times. Wait";
const NOT_RIGHT: &str = "The code is not right.";

async fn start(trusted_proxies: &str) -> (String, tokio::task::JoinHandle<()>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = ServiceConfig::from_toml(&format!(
        r#"
listen = "127.0.0.1:0"
database_url = "sqlite://{db}"
trusted_proxies = {trusted_proxies}

[identity]
issuer = "http://127.0.0.1:8400"
council_name = "Example Council"

[mail]
from = "Example Council <no-reply@example.org>"
outbox_dir = "{outbox}"
"#,
        db = dir.path().join("council.db").display(),
        outbox = dir.path().join("outbox").display(),
    ))
    .unwrap();
    assert_eq!(config.problems(|_| None), Vec::<String>::new());
    let service = Service::build(
        config,
        Arc::new(SystemClock),
        Arc::new(OsRandomness),
        |_| None,
    )
    .await
    .unwrap();
    let (address, server) = service
        .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let server = tokio::spawn(async move { server.await.unwrap() });
    (format!("http://{address}"), server, dir)
}

/// A browser that has asked for a reset code for an email with no account.
struct Visitor {
    client: reqwest::Client,
    base: String,
}

impl Visitor {
    async fn new(base: &str, email: &str) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let visitor = Self {
            client,
            base: base.to_owned(),
        };
        let token = visitor.csrf("/forgot-password").await;
        let response = visitor
            .client
            .post(format!("{base}/forgot-password"))
            .form(&[("email", email), ("csrf_token", &token)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        visitor
    }

    async fn csrf(&self, page: &str) -> String {
        let html = self
            .client
            .get(format!("{}{page}", self.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let start = html.find("name=\"csrf_token\" value=\"").unwrap() + 25;
        html[start..].split('"').next().unwrap().to_owned()
    }

    /// Enters a wrong code, the request carrying `forwarded_for`; the page's HTML.
    async fn wrong_code(&self, forwarded_for: Option<&str>) -> String {
        let token = self.csrf("/reset-password").await;
        let mut request = self
            .client
            .post(format!("{}/reset-password", self.base))
            .form(&[
                ("code", "000000"),
                ("password", "a long enough new password"),
                ("csrf_token", &token),
            ]);
        if let Some(value) = forwarded_for {
            request = request.header("x-forwarded-for", value);
        }
        request.send().await.unwrap().text().await.unwrap()
    }
}

/// 50 wrong codes (the limit per address), 5 per browser, from `addresses(i)`.
async fn fifty_wrong_codes(base: &str, addresses: impl Fn(usize) -> String) {
    for i in 0..10 {
        let visitor = Visitor::new(base, &format!("nobody{i}@example.org")).await;
        for j in 0..5 {
            let html = visitor.wrong_code(Some(&addresses(i * 5 + j))).await;
            assert!(!html.contains(THROTTLED), "try {}", i * 5 + j);
        }
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_visitor_has_their_own_limit() {
    let (base, server, _dir) = start(r#"["127.0.0.1"]"#).await;
    fifty_wrong_codes(&base, |_| "203.0.113.7".into()).await;
    let visitor = Visitor::new(&base, "someone@example.org").await;
    // The right-most address the proxy did not write itself is the visitor's: a made-up one
    // to its left changes nothing.
    let html = visitor.wrong_code(Some("198.51.100.1, 203.0.113.7")).await;
    assert!(html.contains(THROTTLED));
    let html = visitor.wrong_code(Some("203.0.113.8")).await;
    assert!(html.contains(NOT_RIGHT), "another visitor is not held up");
    server.abort();
}

#[tokio::test]
async fn without_a_trusted_proxy_forwarded_for_is_ignored() {
    let (base, server, _dir) = start("[]").await;
    // A caller making up a new X-Forwarded-For each time is still one address.
    fifty_wrong_codes(&base, |i| format!("203.0.113.{i}")).await;
    let visitor = Visitor::new(&base, "someone@example.org").await;
    assert!(visitor
        .wrong_code(Some("198.51.100.99"))
        .await
        .contains(THROTTLED));
    assert!(visitor.wrong_code(None).await.contains(THROTTLED));
    server.abort();
}
