//! What the command line's tests share: the real council service (the demo, in this process,
//! on a free loopback port), a desk of files for one run (profile, store, and a BROWSER script
//! that writes down the URL it is given), and what the person does in the browser.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::LOCATION;
use tokio::io::AsyncWriteExt;
use url::Url;

pub const CLI: &str = env!("CARGO_BIN_EXE_client-finance-portal-cli");
pub const RUTH: (&str, &str) = ("ruth.adeyemi@example.org", "demo attorney willow harbour");
pub const PASSPHRASE: &str = "a long enough passphrase";

pub struct Council {
    pub base: Url,
    _dir: tempfile::TempDir,
    pub server: tokio::task::JoinHandle<()>,
}

pub async fn start_council() -> Council {
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    };
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
    let (bound, server) = service.bind(service.config.listen).await.unwrap();
    let server = tokio::spawn(async move {
        let _ = server.await;
    });
    Council {
        base: Url::parse(&format!("http://{bound}/")).unwrap(),
        _dir: dir,
        server,
    }
}

/// The files a test run uses: a profile for the council, a store, and the browser script.
pub struct Desk {
    dir: tempfile::TempDir,
}

impl Desk {
    pub fn new(council: &Council) -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let base = council.base.as_str().trim_end_matches('/');
        let profile = cfp_core_demo_profile().replace("http://127.0.0.1:8400", base);
        std::fs::write(dir.path().join("profile.toml"), profile).unwrap();
        let script = dir.path().join("browser.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
                dir.path().join("opened.txt").display()
            ),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        Desk { dir }
    }

    /// A desk whose council profile ends with `extra` (a `[policy]` table, for instance).
    pub fn with_profile_extra(council: &Council, extra: &str) -> Desk {
        let desk = Desk::new(council);
        let path = desk.path("profile.toml");
        let profile = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{profile}\n{extra}")).unwrap();
        desk
    }

    /// Signs in as Ruth (the store protected by [`PASSPHRASE`]), then syncs.
    /// `sign-in --passphrase-stdin`, with the "browser" signing in as the representative while
    /// the command waits; the command's output, once it has finished.
    pub async fn sign_in(&self) -> Output {
        let mut child = self
            .command(&["--passphrase-stdin", "sign-in"])
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        input
            .write_all(format!("{PASSPHRASE}\n").as_bytes())
            .await
            .unwrap();
        drop(input);
        sign_in_in_browser(self.opened_url().await).await;
        tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
            .await
            .unwrap()
            .unwrap()
    }

    pub async fn sign_in_and_sync(&self) {
        let out = self.sign_in().await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let out = self.run_locked(&["sync"]).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(CLI);
        command
            .arg("--profile")
            .arg(self.path("profile.toml"))
            .arg("--store")
            .arg(self.path("store/documents.db"))
            .args(args)
            .env("BROWSER", self.path("browser.sh"))
            .env("XDG_DATA_HOME", self.path("data"))
            .env("HOME", self.dir.path())
            .env_remove("CFP_PROFILE")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        command
    }

    /// Runs the command line with `stdin` as its standard input.
    pub async fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self.command(args).spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_bytes()).await.unwrap();
        drop(input);
        tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
            .await
            .expect("the command finished")
            .unwrap()
    }

    /// With the passphrase on standard input.
    pub async fn run_locked(&self, args: &[&str]) -> Output {
        let mut all = vec!["--passphrase-stdin"];
        all.extend_from_slice(args);
        self.run(&all, &format!("{PASSPHRASE}\n")).await
    }

    /// The URL the browser script was given, once it has been.
    pub async fn opened_url(&self) -> Url {
        for _ in 0..500 {
            if let Ok(text) = std::fs::read_to_string(self.path("opened.txt")) {
                if let Some(line) = text.lines().last() {
                    return Url::parse(line).unwrap();
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the browser was never opened");
    }
}

fn cfp_core_demo_profile() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/profiles/demo.toml"),
    )
    .unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What the person does in the browser: sign in at the council's page, which sends the browser
/// back to the command line's loopback address.
pub async fn sign_in_in_browser(url: Url) {
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut request = browser.get(url);
    for _ in 0..20 {
        let response = request.send().await.unwrap();
        let here = response.url().clone();
        if response.status().is_redirection() {
            let location = response.headers()[LOCATION].to_str().unwrap().to_string();
            request = browser.get(here.join(&location).unwrap());
            continue;
        }
        let body = response.text().await.unwrap();
        if let Some(at) = body.find("name=\"csrf_token\"") {
            assert!(
                body.contains("action=\"/sign-in\""),
                "the council's sign-in page"
            );
            let rest = &body[at..];
            let start = rest.find("value=\"").unwrap() + 7;
            let csrf = &rest[start..start + rest[start..].find('"').unwrap()];
            request = browser.post(here.join("/sign-in").unwrap()).form(&[
                ("csrf_token", csrf),
                ("email", RUTH.0),
                ("password", RUTH.1),
            ]);
            continue;
        }
        assert!(
            body.contains("You have signed in"),
            "back at the app: {body}"
        );
        return;
    }
    panic!("too many redirects");
}
