//! The built command line against the real council service (the demo, in this process, on a
//! free loopback port): sign in (BROWSER is a tiny script that writes down the URL; this test
//! then does what the person does in the browser), sync, stop the service, and still list and
//! show every document. Plus the exit codes a script relies on.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::LOCATION;
use tokio::io::AsyncWriteExt;
use url::Url;

const CLI: &str = env!("CARGO_BIN_EXE_client-finance-portal-cli");
const RUTH: (&str, &str) = ("ruth.adeyemi@example.org", "demo attorney willow harbour");
const PASSPHRASE: &str = "a long enough passphrase";

struct Council {
    base: Url,
    _dir: tempfile::TempDir,
    server: tokio::task::JoinHandle<()>,
}

async fn start_council() -> Council {
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
struct Desk {
    dir: tempfile::TempDir,
}

impl Desk {
    fn new(council: &Council) -> Desk {
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

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self, args: &[&str]) -> tokio::process::Command {
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
    async fn run(&self, args: &[&str], stdin: &str) -> Output {
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
    async fn run_locked(&self, args: &[&str]) -> Output {
        let mut all = vec!["--passphrase-stdin"];
        all.extend_from_slice(args);
        self.run(&all, &format!("{PASSPHRASE}\n")).await
    }

    /// The URL the browser script was given, once it has been.
    async fn opened_url(&self) -> Url {
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

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What the person does in the browser: sign in at the council's page, which sends the browser
/// back to the command line's loopback address.
async fn sign_in_in_browser(url: Url) {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_sync_go_offline_and_still_read_every_document() {
    let council = start_council().await;
    let desk = Desk::new(&council);

    // sign-in: the command waits while the "browser" signs in.
    let child = desk
        .command(&["--passphrase-stdin", "sign-in"])
        .spawn()
        .unwrap();
    let mut child = child;
    let mut input = child.stdin.take().unwrap();
    input
        .write_all(format!("{PASSPHRASE}\n").as_bytes())
        .await
        .unwrap();
    drop(input);
    sign_in_in_browser(desk.opened_url().await).await;
    let out = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Signed in as Ruth Adeyemi"),
        "{}",
        text(&out.stdout)
    );

    // sync
    let out = desk.run_locked(&["sync"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("new documents for"),
        "{}",
        text(&out.stdout)
    );

    // The council goes away.
    council.server.abort();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let out = desk.run_locked(&["sync"]).await;
    assert_eq!(out.status.code(), Some(4), "offline: {}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("offline"),
        "{}",
        text(&out.stderr)
    );

    // Still: people, every person's documents, and every document shown and explained.
    let out = desk.run_locked(&["people"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let people = text(&out.stdout);
    let names = ["Margaret Okafor", "Dennis Hartley", "Irene Hartley"];
    for name in names {
        assert!(people.contains(name), "{people}");
    }
    let mut shown = 0;
    for name in names {
        let out = desk.run_locked(&["documents", "--person", name]).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let list = text(&out.stdout);
        let ids: Vec<String> = list
            .lines()
            .skip(3)
            .filter_map(|l| l.split_whitespace().last().map(str::to_string))
            .collect();
        let total: usize = list
            .lines()
            .next()
            .and_then(|l| l.split('(').nth(1))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(total > 0);
        assert_eq!(ids.len(), total, "{list}");
        let mut args = vec!["show"];
        args.extend(ids.iter().map(String::as_str));
        let out = desk.run_locked(&args).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let page = text(&out.stdout);
        assert_eq!(page.matches("How the payment adds up").count(), total);
        assert_eq!(
            page.matches("What changed since the last payment").count(),
            total
        );
        assert!(page.contains(&format!("For {name}")));
        assert!(page.contains("This is the money agreed for your care and support."));
        assert!(page.contains("mailto:finance.team@demo-county.example?subject=About%20payment%20"));
        shown += total;
    }
    assert!(shown >= 3);

    // A wrong passphrase: exit 5, plain words, nothing deleted.
    let out = desk
        .run(&["--passphrase-stdin", "people"], "not the passphrase\n")
        .await;
    assert_eq!(out.status.code(), Some(5));
    assert!(
        text(&out.stderr).starts_with("That passphrase is not right"),
        "{}",
        text(&out.stderr)
    );
    assert!(desk.path("store/documents.db").exists());

    // Signed out: documents need signing in (3).
    let out = desk.run_locked(&["sign-out"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = desk.run_locked(&["requests"]).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
}

#[tokio::test]
async fn usage_and_help_say_what_the_exit_codes_mean() {
    let out = tokio::process::Command::new(CLI).output().await.unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = tokio::process::Command::new(CLI)
        .arg("--help")
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for line in [
        "3  you are not signed in",
        "4  the council could not be reached",
        "5  the documents on this computer are locked",
    ] {
        assert!(help.contains(line), "{help}");
    }
    let out = tokio::process::Command::new(CLI)
        .args(["--profile", "/nonexistent/profile.toml", "people"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("could not be read"),
        "{}",
        text(&out.stderr)
    );
}
