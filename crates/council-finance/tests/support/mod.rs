//! A real council service on a loopback port: the identity provider and the finance side on one
//! router over one SQLite file, a real SMTP sink, and helpers that act as the app, the finance
//! system, a citizen's browser and a staff member's browser.

#![allow(dead_code)] // Each test file uses a different part of this.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use council_finance::{Finance, FinanceConfig};
use council_identity::accounts::AccountDetails;
use council_identity::{
    AccessTokenClaims, ClientConfig, ClientKind, Identity, IdentityConfig, Policy,
};
use council_kit::clock::{Clock, ManualClock};
use council_kit::mail::{Mailer, SmtpConfig, SmtpTls};
use council_kit::secret::{random_token, sha256_base64url, OsRandomness};
use council_kit::smtp_sink::SmtpSink;
use reqwest::StatusCode;
use url::Url;

pub const CLIENT_ID: &str = "client-finance-portal-desktop";
pub const REDIRECT_URI: &str = "http://127.0.0.1:54321/callback";
pub const PASSWORD: &str = "kettle orange bicycle";
pub const IMPORT_CREDENTIAL: &str = "finance-system-test-credential-0123456789";
pub const STAFF_PASSWORD: &str = "reviewer copper meadow";

pub struct Council {
    pub base: String,
    pub identity: Identity,
    pub finance: Finance,
    pub sink: SmtpSink,
    pub clock: ManualClock,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Council {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub async fn start() -> Council {
    start_with_push_limit(council_finance::api::PUSH_BODY_LIMIT_BYTES).await
}

/// A council whose push endpoint takes bodies up to `push_body_limit_bytes`.
pub async fn start_with_push_limit(push_body_limit_bytes: usize) -> Council {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let sink = SmtpSink::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("council.db").display());
    let pool = council_kit::db::open_sqlite(&url).await.unwrap();
    let mailer = Arc::new(
        Mailer::smtp(
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
        .unwrap(),
    );
    let config = IdentityConfig {
        issuer: Url::parse(&base).unwrap(),
        council_name: "Test Council".into(),
        service_name: "Your council account".into(),
        access_token_audience: council_api::AUDIENCE.into(),
        policy: Policy::default(),
        clients: vec![ClientConfig {
            id: CLIENT_ID.into(),
            name: "Client Finance Portal".into(),
            kind: ClientKind::Native,
            redirect_uris: vec!["http://127.0.0.1/callback".into()],
            post_logout_redirect_uris: vec![],
        }],
    };
    let clock = ManualClock::starting_now();
    let identity = Identity::start(
        config,
        pool.clone(),
        mailer.clone(),
        Arc::new(clock.clone()),
        Arc::new(OsRandomness),
    )
    .await
    .unwrap();
    let finance = Finance::start(
        FinanceConfig {
            council_name: "Test Council".into(),
            import_credential: Some(IMPORT_CREDENTIAL.into()),
            secure_cookies: false,
        },
        pool,
        identity.access_token_verifier(),
        mailer,
        Arc::new(clock.clone()),
        Arc::new(OsRandomness),
    )
    .await
    .unwrap();
    let app = identity
        .router()
        .merge(finance.router_with_push_limit(push_body_limit_bytes))
        .into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Council {
        base,
        identity,
        finance,
        sink,
        clock,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        _dir: dir,
        server,
    }
}

impl Council {
    pub fn api(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    /// An account with a confirmed email, made through the identity crate's own API, and an
    /// access token for it signed by the provider's own key.
    pub async fn account(&self, given: &str, email: &str) -> (String, String) {
        let sub = self
            .identity
            .create_confirmed_account(
                &AccountDetails {
                    given_name: given.into(),
                    family_name: "Tester".into(),
                    address: "1 High Street, Worcester".into(),
                    postcode: "WR1 2AB".into(),
                    email: email.into(),
                },
                PASSWORD,
            )
            .await
            .unwrap()
            .expect("a new account");
        let token = self
            .mint(
                &sub,
                &format!("{given} Tester"),
                email,
                council_api::AUDIENCE,
                300,
            )
            .await;
        (sub, token)
    }

    /// Signs an access token with the provider's active key (as its token endpoint does).
    pub async fn mint(
        &self,
        sub: &str,
        name: &str,
        email: &str,
        audience: &str,
        lifetime_seconds: i64,
    ) -> String {
        let now = self.clock.now().unix_timestamp();
        let claims = AccessTokenClaims {
            iss: self.base.clone(),
            sub: sub.into(),
            aud: audience.into(),
            exp: now + lifetime_seconds,
            iat: now,
            scope: "openid email profile".into(),
            client_id: CLIENT_ID.into(),
            email: email.into(),
            name: name.into(),
            jti: random_token(&OsRandomness),
            sid: self.grant_for(sub).await,
        };
        let (kid, der) = signing_key(self.identity.pool()).await;
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        header.kid = Some(kid);
        header.typ = Some("at+jwt".into());
        jsonwebtoken::encode(
            &header,
            &claims,
            &jsonwebtoken::EncodingKey::from_rsa_der(&der),
        )
        .unwrap()
    }

    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .get(self.api(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, path: &str, token: &str) -> serde_json::Value {
        let response = self.get(path, token).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.unwrap()
    }

    pub async fn post_json(
        &self,
        path: &str,
        token: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.http
            .post(self.api(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// The finance system pushes an import.
    pub async fn push(&self, import: &council_api::RemittanceImport) -> reqwest::Response {
        self.http
            .post(self.api("/import/remittances"))
            .bearer_auth(IMPORT_CREDENTIAL)
            .json(import)
            .send()
            .await
            .unwrap()
    }

    /// Every change of a person's feed, following cursors from the start (or from `cursor`).
    pub async fn sync(
        &self,
        token: &str,
        person_id: &str,
        cursor: Option<&str>,
        limit: u32,
    ) -> (Vec<council_api::DocumentChange>, String) {
        let mut cursor = cursor.map(str::to_owned);
        let mut all = Vec::new();
        loop {
            let mut path = format!("/people/{person_id}/changes?limit={limit}");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let page: council_api::ChangesPage =
                serde_json::from_value(self.get_json(&path, token).await).unwrap();
            all.extend(page.changes);
            cursor = Some(page.cursor);
            if !page.more {
                return (all, cursor.unwrap());
            }
        }
    }

    pub async fn wait_for_mail(&self, to: &str) -> council_kit::smtp_sink::Message {
        self.sink
            .wait_for(to, Duration::from_secs(10))
            .await
            .unwrap()
    }

    pub async fn staff(&self, email: &str, role: council_finance::staff::Role) -> Browser {
        self.staff_named(email, "Sam Staff", role).await
    }

    /// A staff member with this name, signed in to the console.
    pub async fn staff_named(
        &self,
        email: &str,
        name: &str,
        role: council_finance::staff::Role,
    ) -> Browser {
        let mut conn = self.finance.pool().acquire().await.unwrap();
        council_finance::staff::create(
            &mut conn,
            email,
            name,
            role,
            STAFF_PASSWORD,
            &OsRandomness,
            self.clock.now(),
        )
        .await
        .unwrap();
        let browser = self.browser();
        let response = browser
            .submit(
                "/console/sign-in",
                "/console/sign-in",
                &[("email", email), ("password", STAFF_PASSWORD)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "staff sign-in");
        browser
    }

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
}

impl Council {
    /// A live grant (sign-in) of the account, as the token endpoint makes when an app signs in:
    /// access tokens name it in `sid`, and the API refuses them once it is revoked.
    pub async fn grant_for(&self, sub: &str) -> String {
        let id = random_token(&OsRandomness);
        sqlx::query(
            "INSERT INTO identity_grants (id, account_id, client_id, scope, auth_time, created_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(sub)
        .bind(CLIENT_ID)
        .bind("openid email profile")
        .bind(self.clock.now().unix_timestamp())
        .bind(self.clock.now().unix_timestamp())
        .execute(self.identity.pool())
        .await
        .unwrap();
        id
    }
}

async fn signing_key(pool: &sqlx::SqlitePool) -> (String, Vec<u8>) {
    use base64::Engine;
    let (kid, key): (String, String) = sqlx::query_as(
        "SELECT kid, private_key_pkcs1_base64 FROM identity_signing_keys WHERE retired_at IS NULL \
         ORDER BY created_at DESC, kid DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    (
        kid,
        base64::engine::general_purpose::STANDARD
            .decode(key)
            .unwrap(),
    )
}

/// Signs a new person up and in through the identity provider's own pages and token endpoint,
/// as the desktop app and the system browser do. Returns the tokens and the signed-in browser.
pub async fn sign_up_through_the_app(council: &Council, email: &str) -> SignedIn {
    let verifier = random_token(&OsRandomness);
    let challenge = sha256_base64url(verifier.as_bytes());
    let state = random_token(&OsRandomness);
    let browser = council.browser();
    let authorize = format!(
        "/authorize?response_type=code&client_id={CLIENT_ID}&redirect_uri={REDIRECT_URI}\
         &scope=openid%20email%20profile%20offline_access&state={state}&nonce=n1&code_challenge={challenge}\
         &code_challenge_method=S256&prompt=create"
    );
    let response = browser
        .client
        .get(browser.url(&authorize))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = browser
        .submit(
            "/create-account",
            "/create-account",
            &[
                ("given_name", "Ruth"),
                ("family_name", "Adeyemi"),
                ("address", "5 Foregate Street\nWorcester"),
                ("postcode", "WR1 1DB"),
                ("email", email),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(location(&response), "/confirm-email");
    let mail = council.wait_for_mail(email).await;
    let code: String = mail
        .body
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a 6-digit code in the email")
        .to_owned();
    let response = browser
        .submit("/confirm-email", "/confirm-email", &[("code", &code)])
        .await;
    let callback = location(&response);
    assert!(callback.starts_with(REDIRECT_URI), "{callback}");
    let callback = url::Url::parse(&callback).unwrap();
    let code = callback
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let tokens: serde_json::Value = council
        .http
        .post(format!("{}/token", council.base))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", CLIENT_ID),
            ("code_verifier", &verifier),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = |name: &str| {
        tokens[name]
            .as_str()
            .unwrap_or_else(|| panic!("a {name} in {tokens}"))
            .to_owned()
    };
    SignedIn {
        access_token: token("access_token"),
        refresh_token: token("refresh_token"),
        browser,
    }
}

/// What the app holds after signing in, and the browser it signed in with.
pub struct SignedIn {
    pub access_token: String,
    pub refresh_token: String,
    pub browser: Browser,
}

impl Council {
    /// The app refreshes its tokens at the token endpoint; returns the response's JSON.
    pub async fn refresh(&self, refresh_token: &str) -> (StatusCode, serde_json::Value) {
        let response = self
            .http
            .post(format!("{}/token", self.base))
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
                ("client_id", CLIENT_ID),
            ])
            .send()
            .await
            .unwrap();
        (response.status(), response.json().await.unwrap())
    }
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

    /// The session's CSRF token, from the sign-out form every console page has.
    pub async fn csrf(&self) -> String {
        let (_, html) = self.get_text("/console").await;
        form_field(&html, "/console/sign-out", "csrf_token").expect("signed in")
    }

    /// Posts a form with the session's CSRF token, without opening the form's page first.
    pub async fn post_form(&self, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf().await;
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &token));
        self.client
            .post(self.url(action))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let response = self.client.get(self.url(path)).send().await.unwrap();
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    /// Posts exactly these fields (say, a form's inputs read earlier from a page).
    pub async fn post_fields(
        &self,
        action: &str,
        fields: &[(String, String)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(action))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// Opens `page`, takes the CSRF token from the form posting to `action`, and submits it.
    pub async fn submit(
        &self,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let (status, html) = self.get_text(page).await;
        assert_eq!(status, StatusCode::OK, "opening {page}: {html}");
        form_field(&html, action, "csrf_token")
            .unwrap_or_else(|| panic!("no form posting to {action} on {page}"));
        // As a browser does: the form's hidden fields (the CSRF token, the version seen) go too.
        let hidden = hidden_inputs(&html, action);
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.extend(hidden.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        self.client
            .post(self.url(action))
            .form(&form)
            .send()
            .await
            .unwrap()
    }
}

/// Every named input of the form posting to `action` (hidden fields included), as a browser
/// would send them: what a page's form carries when it is posted later.
pub fn form_inputs(html: &str, action: &str) -> Vec<(String, String)> {
    let document = scraper::Html::parse_document(html);
    let selector =
        scraper::Selector::parse(&format!("form[action=\"{action}\"] input[name]")).unwrap();
    document
        .select(&selector)
        .filter(|input| {
            !matches!(input.value().attr("type"), Some("radio" | "checkbox"))
                || input.value().attr("checked").is_some()
        })
        .map(|input| {
            let value = input.value();
            (
                value.attr("name").unwrap_or_default().to_owned(),
                value.attr("value").unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The hidden inputs of the form posting to `action`.
pub fn hidden_inputs(html: &str, action: &str) -> Vec<(String, String)> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(&format!(
        "form[action=\"{action}\"] input[type=\"hidden\"][name]"
    ))
    .unwrap();
    document
        .select(&selector)
        .map(|input| {
            let value = input.value();
            (
                value.attr("name").unwrap_or_default().to_owned(),
                value.attr("value").unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

pub fn form_field(html: &str, action: &str, name: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    let selector =
        scraper::Selector::parse(&format!("form[action=\"{action}\"] input[name=\"{name}\"]"))
            .unwrap();
    document
        .select(&selector)
        .next()
        .and_then(|input| input.value().attr("value"))
        .map(str::to_owned)
}

pub fn links(html: &str, prefix: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("a[href]").unwrap();
    document
        .select(&selector)
        .filter_map(|a| a.value().attr("href"))
        .filter(|href| href.starts_with(prefix))
        .map(str::to_owned)
        .collect()
}

pub fn error_messages(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(".govuk-error-summary__list a").unwrap();
    document
        .select(&selector)
        .map(|a| a.text().collect::<String>().trim().to_owned())
        .collect()
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

/// Gives `sub` an approved grant for the (already imported) person with `client_id`; returns the
/// person's id.
pub async fn grant(council: &Council, sub: &str, email: &str, client_id: &str) -> String {
    let mut conn = council.finance.pool().acquire().await.unwrap();
    let person =
        council_finance::records::person_by_client_id(&mut conn, &client_id.parse().unwrap())
            .await
            .unwrap()
            .unwrap();
    let request = council_api::NewAccessRequest {
        relationship: cfp_domain::Relationship::LastingPowerOfAttorney,
        person: council_api::RequestedPerson {
            given_name: person.given_name.clone(),
            family_name: person.family_name.clone(),
            date_of_birth: person.date_of_birth,
            postcode: person.postcode.clone(),
            client_id: Some(person.client_id),
        },
        evidence: Some("V4KM-9QXT-2PLR".into()),
    };
    let requester = council_finance::access::Requester {
        sub: sub.into(),
        name: "A Tester".into(),
        email: email.into(),
    };
    let id = format!("req-{client_id}-{sub}");
    let now = time::OffsetDateTime::now_utc();
    council_finance::access::create(&mut conn, &id, &requester, &request, now)
        .await
        .unwrap();
    council_finance::access::approve(&mut conn, &id, "staff-test", now)
        .await
        .unwrap();
    person.person_id
}

/// The demo's records: five people and their documents.
pub fn demo_records() -> council_api::RemittanceImport {
    council_finance::demo::records()
}

/// An access request body for a person in the demo records.
pub fn ask_for(
    person: &council_api::ImportPerson,
    relationship: &str,
    evidence: Option<&str>,
) -> serde_json::Value {
    let mut body = serde_json::json!({
        "relationship": relationship,
        "person": {
            "givenName": person.given_name,
            "familyName": person.family_name,
            "dateOfBirth": council_finance::records::format_date(person.date_of_birth),
            "postcode": person.postcode.as_str(),
        }
    });
    if let Some(evidence) = evidence {
        body["evidence"] = serde_json::json!(evidence);
    }
    body
}
