//! Test helpers: the independent provider (npm `oidc-provider`) and a browser played by an
//! HTTP client.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Stdio;

use cfp_council_client::{BrowserError, BrowserOpener, CALLBACK_PATH};
use reqwest::header::LOCATION;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use url::Url;

pub const CLIENT_ID: &str = "client-finance-portal-desktop";
pub const LOGIN: &str = "ada@example.test";
pub const PASSWORD: &str = "correct horse battery staple";
pub const SUBJECT: &str = "ada-lovelace-0001";
pub const NAME: &str = "Ada Lovelace";

/// `npm oidc-provider` 9.13.3 running on 127.0.0.1 with a port the system picked.
pub struct OidcProvider {
    pub issuer: Url,
    _child: Child,
}

impl OidcProvider {
    pub async fn start() -> Self {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc-provider");
        assert!(
            dir.join("node_modules/oidc-provider").is_dir(),
            "The oidc-provider test fixture is not installed. Run \
             `npm --prefix crates/council-client/tests/oidc-provider ci` from the repository root \
             (CI does this before the Rust tests)."
        );
        // One start, no second try: a fixture that does not say it is ready fails the test
        // with everything it wrote on stderr (oidc-provider's warnings and errors, and when
        // each part of its start finished) and how long it was waited for.
        let started = std::time::Instant::now();
        let mut child = spawn_fixture(&dir);
        let stderr = collect_lines(child.stderr.take().expect("piped stderr"));
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = tokio::time::timeout(READY_WITHIN, lines.next_line()).await;
        let what = match first {
            Ok(Ok(Some(line))) => Ok(line),
            Err(_) => Err(format!("said nothing on stdout in {READY_WITHIN:?}")),
            Ok(Err(e)) => Err(format!("could not be read: {e}")),
            Ok(Ok(None)) => Err(format!(
                "closed stdout after {:?} ({})",
                started.elapsed(),
                match child.wait().await {
                    Ok(status) => status.to_string(),
                    Err(e) => e.to_string(),
                }
            )),
        };
        if what.is_err() {
            // Give the reader a moment to take in the last of stderr.
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        let line = what.unwrap_or_else(|what| {
            panic!(
                "the oidc-provider fixture {what}. Its stderr:\n{}",
                stderr.lock().unwrap().join("\n")
            )
        });
        let ready: serde_json::Value = serde_json::from_str(&line).expect("fixture JSON line");
        let issuer = Url::parse(ready["issuer"].as_str().expect("issuer")).expect("issuer URL");
        // Keep reading, so the provider's later notices never meet a closed pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self {
            issuer,
            _child: child,
        }
    }

    pub fn endpoint(&self, path: &str) -> Url {
        self.issuer.join(path).unwrap()
    }
}

/// How long a fixture may take to say it is ready. It takes under a second alone and a few
/// seconds with eight starting at once on a busy two-core machine.
const READY_WITHIN: std::time::Duration = std::time::Duration::from_secs(60);

/// Reads a child's output to the end in the background, keeping its lines for error messages
/// (so the child never blocks on a full pipe).
fn collect_lines(
    output: impl tokio::io::AsyncRead + Unpin + Send + 'static,
) -> std::sync::Arc<std::sync::Mutex<Vec<String>>> {
    let kept = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = kept.clone();
    tokio::spawn(async move {
        let mut lines = BufReader::new(output).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            sink.lock().unwrap().push(line);
        }
    });
    kept
}

/// `node server.mjs` with the test account, its stdin and stdout piped (it exits when stdin
/// closes, so it never outlives the test).
fn spawn_fixture(dir: &std::path::Path) -> Child {
    Command::new("node")
        .arg("server.mjs")
        .current_dir(dir)
        .env("FIXTURE_CLIENT_ID", CLIENT_ID)
        .env("FIXTURE_LOGIN", LOGIN)
        .env("FIXTURE_PASSWORD", PASSWORD)
        .env("FIXTURE_ACCESS_TTL", "600")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node (Node.js 20 or later) must be installed to run the sign-in tests")
}

/// A browser opener that hands the URL to the test instead of a real browser.
pub fn channel_browser() -> (impl BrowserOpener, UnboundedReceiver<Url>) {
    let (tx, rx): (UnboundedSender<Url>, _) = unbounded_channel();
    let opener = move |url: &Url| tx.send(url.clone()).map_err(|_| BrowserError);
    (opener, rx)
}

/// What the person does at the provider's sign-in page.
#[derive(Clone, Copy, Debug)]
pub enum AtLogin {
    /// Types the test account's email and password.
    SignIn,
    /// Presses "Cancel".
    Cancel,
    /// Fails the test: the provider should not have asked.
    Unexpected,
}

/// Where the browser ended up.
#[derive(Debug)]
pub struct Visit {
    pub saw_login_form: bool,
    pub final_url: Url,
    pub status: u16,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

/// The browser's part, played by an HTTP client with a cookie jar that follows redirects itself.
pub struct TestBrowser {
    http: reqwest::Client,
}

impl Default for TestBrowser {
    fn default() -> Self {
        Self::new()
    }
}

fn attribute_after(body: &str, marker: &str, attribute: &str) -> Option<String> {
    let start = body.find(marker)?;
    let rest = &body[start..];
    let needle = format!("{attribute}=\"");
    let at = rest.find(&needle)? + needle.len();
    let end = rest[at..].find('"')?;
    Some(rest[at..at + end].replace("&amp;", "&"))
}

impl TestBrowser {
    pub fn new() -> Self {
        Self {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    /// Follows the URL through the provider's pages until a page that is not a redirect.
    pub async fn visit(&self, url: Url, at_login: AtLogin) -> Visit {
        let mut request = self.http.get(url.clone());
        let mut saw_login_form = false;
        for _ in 0..20 {
            let response = request.send().await.expect("browser request");
            let here = response.url().clone();
            if response.status().is_redirection() {
                let location = response.headers()[LOCATION].to_str().unwrap().to_string();
                request = self.http.get(here.join(&location).unwrap());
                continue;
            }
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let content_type = headers
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default();
            let body = response.text().await.unwrap();
            if body.contains("id=\"login\"") && !body.contains("id=\"error\"") {
                saw_login_form = true;
                match at_login {
                    AtLogin::SignIn => {
                        let action = attribute_after(&body, "id=\"login\"", "action").unwrap();
                        request = self
                            .http
                            .post(here.join(&action).unwrap())
                            .form(&[("login", LOGIN), ("password", PASSWORD)]);
                    }
                    AtLogin::Cancel => {
                        let action = attribute_after(&body, "id=\"cancel\"", "action").unwrap();
                        request = self.http.post(here.join(&action).unwrap());
                    }
                    AtLogin::Unexpected => panic!("the provider asked for the password again"),
                }
                continue;
            }
            return Visit {
                saw_login_form,
                final_url: here,
                status,
                content_type,
                headers,
                body,
            };
        }
        panic!("too many redirects");
    }

    /// Opens the end-session URL and confirms "Yes, sign me out" on the provider's page.
    pub async fn end_session(&self, url: Url) -> Visit {
        let page = self.visit(url, AtLogin::Unexpected).await;
        assert!(
            page.body.contains("op.logoutForm"),
            "the provider asks to confirm sign-out: {}",
            page.body
        );
        let action = attribute_after(&page.body, "id=\"op.logoutForm\"", "action").unwrap();
        let xsrf = attribute_after(&page.body, "name=\"xsrf\"", "value").unwrap();
        let response = self
            .http
            .post(page.final_url.join(&action).unwrap())
            .form(&[("xsrf", xsrf.as_str()), ("logout", "yes")])
            .send()
            .await
            .unwrap();
        assert!(response.status().is_redirection(), "sign-out confirmed");
        let location = response.headers()[LOCATION].to_str().unwrap().to_string();
        let next = response.url().join(&location).unwrap();
        self.visit(next, AtLogin::Unexpected).await
    }

    /// A plain GET, for poking the loopback listener directly.
    pub async fn get(&self, url: Url) -> (u16, String) {
        let response = self.http.get(url).send().await.expect("GET");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }
}

/// True when the final page was served by the app's loopback listener.
pub fn is_loopback_callback(visit: &Visit, provider: &OidcProvider) -> bool {
    visit.final_url.host_str() == Some("127.0.0.1")
        && visit.final_url.port() != provider.issuer.port()
        && visit.final_url.path() == CALLBACK_PATH
}

/// The claims of a JWT, read without checking anything (for tests only).
pub fn jwt_claims(raw: &str) -> serde_json::Value {
    use base64::Engine;
    let payload = raw.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

pub fn jwt_with_claims(raw: &str, claims: &serde_json::Value) -> String {
    use base64::Engine;
    let mut parts: Vec<String> = raw.split('.').map(String::from).collect();
    parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(claims).unwrap());
    parts.join(".")
}
