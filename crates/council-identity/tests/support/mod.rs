//! A real provider on a loopback port with a real SMTP sink, a browser with a cookie jar that
//! fills in the HTML forms, and a small reqwest adapter so `openidconnect` can act as the app.

#![allow(dead_code)] // Each test file uses a different part of this.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use council_identity::{ClientConfig, ClientKind, Identity, IdentityConfig, Policy};
use council_kit::clock::ManualClock;
use council_kit::mail::{Mailer, SmtpConfig, SmtpTls};
use council_kit::secret::sha256_base64url;
use council_kit::secret::OsRandomness;
use council_kit::smtp_sink::SmtpSink;
use reqwest::StatusCode;
use serde_json::Value;
use url::Url;

pub const CLIENT_ID: &str = "client-finance-portal-desktop";
/// Any port: the provider must accept the app's loopback redirect on whatever port it chose.
pub const REDIRECT_URI: &str = "http://127.0.0.1:54321/callback";
pub const POST_LOGOUT_URI: &str = "http://127.0.0.1:54321/signed-out";
pub const PASSWORD: &str = "kettle orange bicycle";

pub struct Provider {
    pub base: String,
    pub identity: Identity,
    pub sink: SmtpSink,
    pub clock: ManualClock,
    pub dir: tempfile::TempDir,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Provider {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub async fn start() -> Provider {
    start_with(Policy::default()).await
}

pub async fn start_with(policy: Policy) -> Provider {
    start_in(policy, tempfile::tempdir().unwrap()).await
}

/// Starts the provider on `dir/identity.db`, which the test may have prepared.
pub async fn start_in(policy: Policy, dir: tempfile::TempDir) -> Provider {
    start_full(policy, dir, None, "http").await
}

/// Starts the provider with an `https://` issuer (as behind a TLS proxy), still served over
/// plain HTTP on loopback.
pub async fn start_https() -> Provider {
    start_full(
        Policy::default(),
        tempfile::tempdir().unwrap(),
        None,
        "https",
    )
    .await
}

/// Starts the provider as if behind a reverse proxy on this machine: a request's
/// `X-Forwarded-For` header says which visitor it is (as the service's `trusted_proxies` does).
pub async fn start_behind_proxy() -> Provider {
    start_behind_proxy_with(Policy::default()).await
}

pub async fn start_behind_proxy_with(policy: Policy) -> Provider {
    let loopback = std::net::IpAddr::from([127, 0, 0, 1]);
    start_full(
        policy,
        tempfile::tempdir().unwrap(),
        Some(council_kit::throttle::TrustedProxies::new([loopback])),
        "http",
    )
    .await
}

async fn start_full(
    policy: Policy,
    dir: tempfile::TempDir,
    trusted_proxies: Option<council_kit::throttle::TrustedProxies>,
    issuer_scheme: &str,
) -> Provider {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let sink = SmtpSink::start().await.unwrap();
    let pool = council_kit::db::open_sqlite(&format!(
        "sqlite://{}",
        dir.path().join("identity.db").display()
    ))
    .await
    .unwrap();
    let mailer = Mailer::smtp(
        "Test Council <no-reply@example.org>",
        &SmtpConfig {
            host: "127.0.0.1".into(),
            port: sink.port(),
            tls: SmtpTls::None,
            username: None,
            password_env: None,
        },
        None,
    )
    .unwrap();
    let config = IdentityConfig {
        issuer: Url::parse(&format!("{issuer_scheme}://127.0.0.1:{port}")).unwrap(),
        council_name: "Test Council".into(),
        service_name: "Your council account".into(),
        access_token_audience: "council-finance-api".into(),
        policy,
        clients: vec![ClientConfig {
            id: CLIENT_ID.into(),
            name: "Client Finance Portal".into(),
            kind: ClientKind::Native,
            redirect_uris: vec![
                "http://127.0.0.1/callback".into(),
                "http://[::1]/callback".into(),
            ],
            post_logout_redirect_uris: vec!["http://127.0.0.1/signed-out".into()],
        }],
    };
    let clock = ManualClock::starting_now();
    let identity = Identity::start(
        config,
        pool,
        Arc::new(mailer),
        Arc::new(clock.clone()),
        Arc::new(OsRandomness),
    )
    .await
    .unwrap();
    let mut router = identity.router();
    if let Some(trusted) = trusted_proxies {
        router = router.layer(axum::Extension(trusted));
    }
    let app = router.into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Provider {
        base,
        identity,
        sink,
        clock,
        dir,
        server,
    }
}

impl Provider {
    pub fn browser(&self) -> Browser {
        Browser {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: self.base.clone(),
        }
    }

    /// Waits for the next email to `to` and returns the 6-digit code in it.
    pub async fn code_for(&self, to: &str) -> String {
        let message = self
            .sink
            .wait_for(to, Duration::from_secs(10))
            .await
            .unwrap();
        find_code(&message.body)
            .unwrap_or_else(|| panic!("no code in the email: {}", message.subject))
    }

    /// Creates an account through the forms and confirms it, leaving that browser signed in.
    pub async fn create_confirmed_account(&self, email: &str) -> Browser {
        let browser = self.browser();
        let response = browser.create_account(email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let code = self.code_for(email).await;
        let response = browser
            .submit("/confirm-email", "/confirm-email", &[("code", &code)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        browser
    }
}

pub fn find_code(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|word| word.len() == 6)
        .map(str::to_owned)
}

/// A browser: cookie jar, no automatic redirects (tests look at every hop).
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    /// Opens `page` and submits the form posting to `action` as a browser would: its hidden
    /// fields (the CSRF token among them) with `fields` filled in.
    pub async fn submit(
        &self,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let (status, html) = self.get_text(page).await;
        assert_eq!(status, StatusCode::OK, "opening {page}: {html}");
        let hidden = hidden_fields(&html, action);
        assert!(
            hidden.iter().any(|(name, _)| name == "csrf_token"),
            "no form posting to {action} on {page}"
        );
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        for (name, value) in &hidden {
            if !fields.iter().any(|(given, _)| given == name) {
                form.push((name, value));
            }
        }
        self.client
            .post(self.url(action))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    pub async fn create_account(&self, email: &str, password: &str) -> reqwest::Response {
        self.submit(
            "/create-account",
            "/create-account",
            &[
                ("given_name", "Ada"),
                ("family_name", "Lovelace"),
                ("address", "1 High Street\nWorcester"),
                ("postcode", "wr1 2ab"),
                ("email", email),
                ("password", password),
            ],
        )
        .await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.submit(
            "/sign-in",
            "/sign-in",
            &[("email", email), ("password", password)],
        )
        .await
    }
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .unwrap_or_else(|| panic!("expected a redirect, got {}", response.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

/// The hidden fields of the form posting to `action`.
pub fn hidden_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let document = scraper::Html::parse_document(html);
    let selector =
        scraper::Selector::parse(&format!("form[action=\"{action}\"] input[type=\"hidden\"]"))
            .unwrap();
    document
        .select(&selector)
        .filter_map(|input| {
            let name = input.value().attr("name")?;
            Some((name.to_owned(), input.value().attr("value")?.to_owned()))
        })
        .collect()
}

pub fn csrf_token(html: &str, action: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(&format!(
        "form[action=\"{action}\"] input[name=\"csrf_token\"]"
    ))
    .unwrap();
    document
        .select(&selector)
        .next()
        .and_then(|input| input.value().attr("value"))
        .map(str::to_owned)
}

/// The texts of the error summary's links.
pub fn error_messages(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(".govuk-error-summary__list a").unwrap();
    document
        .select(&selector)
        .map(|a| a.text().collect::<String>().trim().to_owned())
        .collect()
}

pub fn query_param(url: &str, name: &str) -> Option<String> {
    Url::parse(url)
        .ok()?
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// The app's HTTP client for `openidconnect`: reqwest, redirects never followed.
pub type OidcFuture =
    Pin<Box<dyn Future<Output = Result<openidconnect::HttpResponse, reqwest::Error>> + Send>>;

pub fn oidc_http() -> impl Fn(openidconnect::HttpRequest) -> OidcFuture {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    move |request: openidconnect::HttpRequest| {
        let client = client.clone();
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let response = client
                .request(parts.method, parts.uri.to_string())
                .headers(parts.headers)
                .body(body)
                .send()
                .await?;
            let mut builder = openidconnect::http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let body = response.bytes().await?;
            Ok(builder
                .body(body.to_vec())
                .expect("status and headers came from a real response"))
        })
    }
}

// The app's side of the code flow, by hand (the journey tests use `openidconnect` instead).

pub const VERIFIER: &str = "this-is-a-pkce-verifier-of-more-than-forty-three-characters";

pub fn authorize_path(redirect_uri: &str, extra: &str) -> String {
    format!(
        "/authorize?response_type=code&client_id={CLIENT_ID}&redirect_uri={}&scope=openid%20email%20offline_access&state=s1&nonce=n1\
         &code_challenge={}&code_challenge_method=S256{extra}",
        urlencode(redirect_uri),
        sha256_base64url(VERIFIER.as_bytes())
    )
}

pub fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Takes a signed-in person's browser through /authorize (answering "Continue as ...?") and
/// returns the authorization code.
pub async fn code_for_signed_in(browser: &Browser) -> String {
    let response = browser.get(&authorize_path(REDIRECT_URI, "")).await;
    let mut callback = location(&response);
    if callback == "/continue" {
        callback = location(&browser.submit("/continue", "/continue", &[]).await);
    }
    query_param(&callback, "code").unwrap_or_else(|| panic!("no code in {callback}"))
}

pub async fn exchange(provider: &Provider, code: &str, verifier: &str) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/token", provider.base))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", CLIENT_ID),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}
