//! The real council service (identity + finance, with the demo data) on a free loopback port,
//! in this process, and a browser played by an HTTP client that fills in the council's
//! sign-in form the way a person would.

#![allow(dead_code)] // Each test file uses a different part of this.

use std::path::Path;
use std::sync::{Arc, Mutex};

use cfp_core::CouncilProfile;
use cfp_council_client::{
    BrowserError, BrowserOpener, Clock, CouncilHttp, HttpTimeouts, SystemClock,
};
use cfp_portal::cfp_store::{
    InMemorySecrets, KeychainName, Passphrase, SecretStore, SecretStoreError,
};
use cfp_portal::{Portal, PortalSetup};
use reqwest::header::LOCATION;
use url::Url;

/// Ruth: Lasting Power of Attorney for three demo people.
pub const RUTH: (&str, &str) = ("ruth.adeyemi@example.org", "demo attorney willow harbour");
/// Chloe: one request waiting, one rejected; nobody to act for yet.
pub const CHLOE: (&str, &str) = ("chloe.bennett@example.org", "demo myself pebble orchard");

pub struct Council {
    pub base: Url,
    pub dir: tempfile::TempDir,
    service: council_service::Service,
    address: std::net::SocketAddr,
    server: Mutex<tokio::task::JoinHandle<()>>,
}

impl Council {
    /// Stops answering, as if the council's service went away (or the computer went offline).
    pub fn stop(&self) {
        self.server.lock().unwrap().abort();
    }

    /// Stops answering, and waits until the port is free again (for [`Council::come_back`]).
    pub async fn go_offline(&self) {
        let running = {
            let mut server = self.server.lock().unwrap();
            server.abort();
            std::mem::replace(&mut *server, tokio::spawn(async {}))
        };
        let _ = running.await;
    }

    /// Grants (one sign-in of one account to one app) the council still honours: a revoked
    /// grant's refresh and access tokens no longer work.
    pub async fn live_grants(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM identity_grants WHERE revoked_at IS NULL")
            .fetch_one(self.service.identity.pool())
            .await
            .unwrap()
    }

    /// Browser sessions at the council in which someone is signed in.
    pub async fn signed_in_browser_sessions(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM identity_sessions WHERE account_id IS NOT NULL")
            .fetch_one(self.service.identity.pool())
            .await
            .unwrap()
    }

    /// Answers again on the same address, with everything it held.
    pub async fn come_back(&self) {
        let (_, server) = self.service.bind(self.address).await.unwrap();
        *self.server.lock().unwrap() = tokio::spawn(async move {
            let _ = server.await;
        });
    }

    /// A council profile pointing at this service (and optionally a `[policy]` section).
    pub fn profile(&self, policy: &str) -> CouncilProfile {
        let base = self.base.as_str().trim_end_matches('/');
        let text = cfp_core::profile::DEMO_PROFILE_TOML.replace("http://127.0.0.1:8400", base);
        CouncilProfile::from_toml(&format!("{text}\n{policy}\n"), "test profile").unwrap()
    }
}

impl Drop for Council {
    fn drop(&mut self) {
        self.stop();
    }
}

pub async fn free_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

/// `council-service demo`, in-process, on a free port with its data in a temporary folder.
pub async fn start_council() -> Council {
    start_council_with(council_api::RemittanceImport::default()).await
}

/// [`start_council`], with `extra` records published on top of the demo data (as the finance
/// system's push would).
pub async fn start_council_with(extra: council_api::RemittanceImport) -> Council {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port().await;
    let config = council_service::demo::demo_config(port, dir.path(), None);
    let service = council_service::Service::build(
        config,
        Arc::new(council_kit::clock::SystemClock),
        Arc::new(council_kit::secret::OsRandomness),
        |_| None,
    )
    .await
    .unwrap();
    council_service::demo::seed(&service).await.unwrap();
    council_finance::demo::seed(&service.finance, &service.identity)
        .await
        .unwrap();
    if extra != council_api::RemittanceImport::default() {
        let mut next = 0u32;
        council_finance::import::apply(
            service.finance.pool(),
            "The test's records",
            &council_finance::import::Batch::from_push(extra),
            move || {
                next += 1;
                format!("test-record-{next}")
            },
            service.finance.now(),
        )
        .await
        .unwrap();
    }
    let (bound, server) = service.bind(service.config.listen).await.unwrap();
    let server = tokio::spawn(async move {
        let _ = server.await;
    });
    Council {
        base: Url::parse(&format!("http://{bound}/")).unwrap(),
        dir,
        service,
        address: bound,
        server: Mutex::new(server),
    }
}

/// What the browser saw.
#[derive(Default, Debug, Clone)]
pub struct Seen {
    /// Times the council asked for the password.
    pub password_asked: u32,
    /// Pages opened that were the council's sign-in (authorization) requests.
    pub sign_ins: u32,
    /// Pages opened that ended the council's session.
    pub sign_outs: u32,
    /// The `prompt` and `max_age` of the last authorization request.
    pub last_prompt: Option<String>,
    pub last_max_age: Option<String>,
    /// Pages the browser has finished with (signed in, signed out, or given up).
    pub pages_finished: u32,
    /// Times the council asked "Do you want to sign out?" and the browser said yes.
    pub sign_out_confirmed: u32,
    /// Every address the app opened, in order.
    pub opened: Vec<Url>,
}

/// A person at a browser with a cookie jar: signs in with `account` when the council asks.
/// `act: false` makes a browser that opens nothing (for cancelling).
#[derive(Clone)]
pub struct TestBrowser {
    client: reqwest::Client,
    account: (&'static str, &'static str),
    /// Every change is published, so a test waits for what it needs instead of polling.
    seen: Arc<tokio::sync::watch::Sender<Seen>>,
    act: bool,
}

impl TestBrowser {
    pub fn new(account: (&'static str, &'static str)) -> Self {
        TestBrowser {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            account,
            seen: Arc::new(tokio::sync::watch::Sender::new(Seen::default())),
            act: true,
        }
    }

    pub fn idle() -> Self {
        TestBrowser {
            act: false,
            ..TestBrowser::new(RUTH)
        }
    }

    pub fn seen(&self) -> Seen {
        self.seen.borrow().clone()
    }

    /// Waits until what the browser saw meets `condition`, failing after 10 seconds.
    pub async fn wait_until(&self, what: &str, condition: impl FnMut(&Seen) -> bool) {
        let mut changes = self.seen.subscribe();
        tokio::time::timeout(
            std::time::Duration::from_secs(10),
            changes.wait_for(condition),
        )
        .await
        .unwrap_or_else(|_| panic!("the test browser: {what} did not happen within 10 seconds"))
        .expect("the browser is still there");
    }

    /// Waits until the browser has finished every page it was asked to open, as a person
    /// would before handing the computer over: a sign-out still in flight must not race the
    /// next person's sign-in for the council's session cookie.
    pub async fn settled(&self) {
        self.wait_until("finishing its pages", |seen| {
            seen.pages_finished == seen.sign_ins + seen.sign_outs
        })
        .await;
    }

    async fn browse(self, url: Url) {
        let seen = self.seen.clone();
        self.browse_pages(url).await;
        seen.send_modify(|seen| seen.pages_finished += 1);
    }

    async fn browse_pages(self, url: Url) {
        let mut request = self.client.get(url);
        for _ in 0..20 {
            let Ok(response) = request.send().await else {
                return;
            };
            let here = response.url().clone();
            if response.status().is_redirection() {
                let location = response.headers()[LOCATION].to_str().unwrap().to_string();
                request = self.client.get(here.join(&location).unwrap());
                continue;
            }
            let body = response.text().await.unwrap_or_default();
            // Without the ID token as a hint, the council may ask the person to confirm.
            if body.contains("action=\"/logout\"") {
                self.seen.send_modify(|seen| seen.sign_out_confirmed += 1);
                request = self
                    .client
                    .post(here.join("/logout").unwrap())
                    .form(&hidden_fields(&body));
                continue;
            }
            if body.contains("action=\"/sign-in\"") {
                self.seen.send_modify(|seen| seen.password_asked += 1);
                let csrf = attribute_after(&body, "name=\"csrf_token\"", "value").unwrap();
                request = self.client.post(here.join("/sign-in").unwrap()).form(&[
                    ("csrf_token", csrf.as_str()),
                    ("email", self.account.0),
                    ("password", self.account.1),
                ]);
                continue;
            }
            return;
        }
    }
}

impl BrowserOpener for TestBrowser {
    fn open(&self, url: &Url) -> Result<(), BrowserError> {
        self.seen.send_modify(|seen| {
            seen.opened.push(url.clone());
            let query = |name: &str| {
                url.query_pairs()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.into_owned())
            };
            if query("code_challenge").is_some() {
                seen.sign_ins += 1;
                seen.last_prompt = query("prompt");
                seen.last_max_age = query("max_age");
            } else {
                seen.sign_outs += 1;
            }
        });
        if self.act {
            tokio::spawn(self.clone().browse(url.clone()));
        }
        Ok(())
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

/// One keychain shared by several portals (as the OS keychain is, across restarts).
#[derive(Clone, Default)]
pub struct SharedSecrets(pub Arc<InMemorySecrets>);

impl SharedSecrets {
    pub fn unavailable() -> Self {
        SharedSecrets(Arc::new(InMemorySecrets::unavailable()))
    }
}

impl SecretStore for SharedSecrets {
    fn get(
        &self,
        name: &KeychainName,
    ) -> Result<Option<zeroize::Zeroizing<String>>, SecretStoreError> {
        self.0.get(name)
    }
    fn set(&self, name: &KeychainName, secret: &str) -> Result<(), SecretStoreError> {
        self.0.set(name, secret)
    }
    fn delete(&self, name: &KeychainName) -> Result<bool, SecretStoreError> {
        self.0.delete(name)
    }
}

/// A clock the test moves forward (it also runs on with the computer's, so tokens the council
/// issues now still look current).
#[derive(Clone, Default)]
pub struct TestClock {
    ahead: Arc<Mutex<time::Duration>>,
}

impl TestClock {
    pub fn advance(&self, by: std::time::Duration) {
        *self.ahead.lock().unwrap() += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc() + *self.ahead.lock().unwrap()
    }
}

pub async fn portal(
    profile: CouncilProfile,
    data_dir: &Path,
    secrets: &SharedSecrets,
    browser: &TestBrowser,
    passphrase: Option<&str>,
) -> Result<Portal, cfp_core::IpcError> {
    portal_with_clock(
        profile,
        data_dir,
        secrets,
        browser,
        passphrase,
        Arc::new(SystemClock),
    )
    .await
}

pub async fn portal_with_clock(
    profile: CouncilProfile,
    data_dir: &Path,
    secrets: &SharedSecrets,
    browser: &TestBrowser,
    passphrase: Option<&str>,
    clock: Arc<dyn Clock>,
) -> Result<Portal, cfp_core::IpcError> {
    Portal::start(PortalSetup {
        profile,
        data_dir: data_dir.to_path_buf(),
        store_path: None,
        secrets: Box::new(secrets.clone()),
        browser: Arc::new(browser.clone()),
        clock,
        http: CouncilHttp::new(HttpTimeouts::default()).unwrap(),
        passphrase: passphrase.map(Passphrase::new),
        app_version: "test".into(),
    })
    .await
}

/// Every file under `dir`, recursively.
/// Every file under `dir`, sorted, leaving out SQLite's own `-wal` and `-shm` files (SQLite
/// creates and folds them away itself as connections open and close).
pub fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = kept_files_under(dir);
    found.retain(|path| {
        let name = path.to_string_lossy();
        !(name.ends_with("-wal") || name.ends_with("-shm"))
    });
    found.sort();
    found
}

fn kept_files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(kept_files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

pub fn no_progress(_: cfp_core::SyncProgressView) {}
