//! Sign-in against our own council's identity service (crates/council-identity), started
//! in-process on a loopback port, with the browser's part played by an HTTP client.

use std::net::SocketAddr;
use std::sync::Arc;

use cfp_council_client::{
    BrowserError, CouncilHttp, HttpTimeouts, OsRandomness, SignInClient, SignInError,
    SignInOptions, SystemClock, CALLBACK_PATH,
};
use council_identity::accounts::AccountDetails;
use council_identity::{ClientConfig, ClientKind, Identity, IdentityConfig, Policy};
use reqwest::header::LOCATION;
use time::{Duration, OffsetDateTime};
use url::Url;

const CLIENT_ID: &str = "client-finance-portal-desktop";
const EMAIL: &str = "grace@example.test";
const PASSWORD: &str = "kettle orange bicycle";

struct Service {
    issuer: Url,
    subject: String,
    _dir: tempfile::TempDir,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Service {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn start() -> Service {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = Url::parse(&format!(
        "http://127.0.0.1:{}",
        listener.local_addr().unwrap().port()
    ))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pool = council_kit::db::open_sqlite(&format!(
        "sqlite://{}",
        dir.path().join("identity.db").display()
    ))
    .await
    .unwrap();
    let mailer =
        council_kit::mail::Mailer::outbox("Test Council <no-reply@example.org>", dir.path())
            .unwrap();
    let config = IdentityConfig {
        issuer: issuer.clone(),
        council_name: "Test Council".into(),
        service_name: "Your council account".into(),
        access_token_audience: "council-finance-api".into(),
        policy: Policy::default(),
        clients: vec![ClientConfig {
            id: CLIENT_ID.into(),
            name: "Client Finance Portal".into(),
            kind: ClientKind::Native,
            redirect_uris: vec!["http://127.0.0.1/callback".into()],
            post_logout_redirect_uris: vec![],
        }],
    };
    let identity = Identity::start(
        config,
        pool,
        Arc::new(mailer),
        Arc::new(council_kit::clock::SystemClock),
        Arc::new(council_kit::secret::OsRandomness),
    )
    .await
    .unwrap();
    let subject = identity
        .create_confirmed_account(
            &AccountDetails {
                given_name: "Grace".into(),
                family_name: "Hopper".into(),
                address: "1 High Street\nWorcester".into(),
                postcode: "WR1 2AB".into(),
                email: EMAIL.into(),
            },
            PASSWORD,
        )
        .await
        .unwrap()
        .unwrap();
    let app = identity
        .router()
        .into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Service {
        issuer,
        subject,
        _dir: dir,
        server,
    }
}

/// The hidden fields of the page's form, as a browser would post them.
fn hidden_fields(body: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let mut rest = body;
    let marker = "type=\"hidden\" name=\"";
    while let Some(at) = rest.find(marker) {
        rest = &rest[at + marker.len()..];
        let Some(name_end) = rest.find('"') else {
            break;
        };
        let name = rest[..name_end].to_string();
        let Some(value) = attribute_after(rest, "", "value") else {
            break;
        };
        fields.push((name, value));
    }
    fields
}

fn attribute_after(body: &str, marker: &str, attribute: &str) -> Option<String> {
    let rest = &body[body.find(marker)?..];
    let needle = format!("{attribute}=\"");
    let at = rest.find(&needle)? + needle.len();
    let end = rest[at..].find('"')?;
    Some(rest[at..at + end].to_string())
}

/// Follows redirects; on the service's sign-in page types the email and password.
/// Returns whether the password was asked for, and the final URL, status and body.
/// What the played browser saw on its way back to the app.
struct Visit {
    /// The service asked for the password.
    asked: bool,
    /// The service asked "Continue as ...?" (a signed-in browser and an app on this computer).
    continued: bool,
    at: Url,
    status: u16,
    body: String,
}

async fn browse(browser: &reqwest::Client, url: Url) -> Visit {
    let mut request = browser.get(url);
    let mut asked = false;
    let mut continued = false;
    for _ in 0..20 {
        let response = request.send().await.unwrap();
        let here = response.url().clone();
        if response.status().is_redirection() {
            let location = response.headers()[LOCATION].to_str().unwrap().to_string();
            request = browser.get(here.join(&location).unwrap());
            continue;
        }
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        // Without the ID token as a hint, the service may ask the person to confirm.
        if body.contains("action=\"/logout\"") {
            request = browser
                .post(here.join("/logout").unwrap())
                .form(&hidden_fields(&body));
            continue;
        }
        // RFC 8252 section 8.6: a code for an app on this computer needs the person's click.
        if body.contains("action=\"/continue\"") {
            continued = true;
            request = browser
                .post(here.join("/continue").unwrap())
                .form(&hidden_fields(&body));
            continue;
        }
        if body.contains("action=\"/sign-in\"") {
            asked = true;
            let csrf = attribute_after(&body, "name=\"csrf_token\"", "value").unwrap();
            request = browser.post(here.join("/sign-in").unwrap()).form(&[
                ("csrf_token", csrf.as_str()),
                ("email", EMAIL),
                ("password", PASSWORD),
            ]);
            continue;
        }
        return Visit {
            asked,
            continued,
            at: here,
            status,
            body,
        };
    }
    panic!("too many redirects");
}

async fn sign_in(
    client: &SignInClient,
    browser: &reqwest::Client,
    options: &SignInOptions,
) -> (Result<cfp_council_client::Session, SignInError>, Visit) {
    sign_in_at(client, browser, options, &SystemClock).await
}

/// Signs in on a computer whose clock is `clock`.
async fn sign_in_at(
    client: &SignInClient,
    browser: &reqwest::Client,
    options: &SignInOptions,
    clock: &dyn cfp_council_client::Clock,
) -> (Result<cfp_council_client::Session, SignInError>, Visit) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Url>();
    let opener = move |url: &Url| tx.send(url.clone()).map_err(|_| BrowserError);
    tokio::join!(
        client.sign_in(
            options,
            &opener,
            &OsRandomness,
            clock,
            std::future::pending()
        ),
        async { browse(browser, rx.recv().await.unwrap()).await }
    )
}

#[tokio::test]
async fn our_identity_service_signs_in_refreshes_revokes_and_signs_out() {
    let service = start().await;
    let http = CouncilHttp::new(HttpTimeouts::default()).unwrap();
    let client = SignInClient::discover(http, &service.issuer, CLIENT_ID)
        .await
        .unwrap();
    assert!(client.supports_end_session());
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    let (session, visit) = sign_in(&client, &browser, &SignInOptions::default()).await;
    let mut session = session.expect("signed in to our identity service");
    assert!(visit.asked, "the service asked for the password");
    assert!(!visit.continued);
    assert_eq!(visit.at.path(), CALLBACK_PATH);
    assert_eq!(visit.status, 200);
    assert!(visit.body.contains("You have signed in"));
    assert_eq!(session.subject(), service.subject);
    assert!(session.can_refresh());

    // Single sign-on without a password, but only after "Continue as ...?"; the kiosk options
    // ask for the password again.
    let (again, visit) = sign_in(&client, &browser, &SignInOptions::default()).await;
    assert!(!visit.asked);
    assert!(
        visit.continued,
        "a code for an app on this computer needs a click"
    );
    assert_eq!(again.unwrap().subject(), service.subject);
    let kiosk_started = OffsetDateTime::now_utc();
    let (kiosk, visit) = sign_in(&client, &browser, &SignInOptions::kiosk()).await;
    assert!(visit.asked, "prompt=login asks for the password again");
    assert!(kiosk.unwrap().authenticated_at().unwrap() >= kiosk_started - Duration::seconds(1));

    // Silent refresh with a rotated refresh token.
    let now = OffsetDateTime::now_utc();
    assert!(!client.refresh_if_needed(&mut session, now).await.unwrap());
    let old_access = session.access_token().expose().to_string();
    let old_refresh = session.refresh_token().unwrap().expose().to_string();
    let later = session.access_token_expires_at().unwrap() - Duration::seconds(30);
    assert!(client.refresh_if_needed(&mut session, later).await.unwrap());
    assert_ne!(session.access_token().expose(), old_access);
    assert_ne!(session.refresh_token().unwrap().expose(), old_refresh);

    // Sign out: revoked, and the end-session URL ends the service's session.
    let kept = session.clone();
    let signed_out = client.sign_out(session, None).await;
    assert!(signed_out.revoked);
    let mut stale = kept.clone();
    assert!(matches!(
        client.refresh(&mut stale, OffsetDateTime::now_utc()).await,
        Err(SignInError::SessionEnded)
    ));
    let ended = browse(&browser, signed_out.end_session_url.unwrap()).await;
    assert_eq!(ended.status, 200);
    assert_eq!(ended.at.path(), "/signed-out");
    let (after, visit) = sign_in(&client, &browser, &SignInOptions::default()).await;
    assert!(
        visit.asked,
        "after sign-out the service asks for the password again"
    );
    assert!(after.is_ok());
}

/// The computer's clock a day ahead of the council's, then a day behind: the ID token's times
/// are judged by the council's clock (the `Date` of its token answer), so sign-in, the kiosk's
/// "password typed just now" check and a silent refresh all still work. (Before, the token
/// looked expired a day ahead, and issued in the future a day behind.)
#[tokio::test]
async fn a_computer_clock_a_day_off_still_signs_in_and_refreshes() {
    let service = start().await;
    let http = CouncilHttp::new(HttpTimeouts::default()).unwrap();
    let client = SignInClient::discover(http, &service.issuer, CLIENT_ID)
        .await
        .unwrap();
    for skew in [Duration::days(1), -Duration::days(1)] {
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let skewed = move || OffsetDateTime::now_utc() + skew;
        let (session, visit) =
            sign_in_at(&client, &browser, &SignInOptions::kiosk(), &skewed).await;
        let mut session = session.unwrap_or_else(|e| panic!("skew {skew}: {e:?}"));
        assert!(visit.asked);
        assert_eq!(session.subject(), service.subject);
        // Its expiry is on the computer's own clock, so "refresh when nearly out" still works.
        let expires = session.access_token_expires_at().unwrap();
        assert!(
            expires > skewed() && expires <= skewed() + Duration::hours(2),
            "{skew}"
        );
        assert!(!client
            .refresh_if_needed(&mut session, skewed())
            .await
            .unwrap());
        let old_access = session.access_token().expose().to_string();
        let nearly_out = expires - Duration::seconds(30);
        assert!(
            client
                .refresh_if_needed(&mut session, nearly_out)
                .await
                .unwrap(),
            "{skew}"
        );
        assert_ne!(session.access_token().expose(), old_access);
    }
}
