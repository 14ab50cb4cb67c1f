//! `council-service staff add` as a real process: the account it makes can sign in, the password
//! never appears in its output, and its refusals are plain.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use council_kit::clock::SystemClock;
use council_kit::secret::OsRandomness;
use council_service::{Service, ServiceConfig};

const PASSWORD: &str = "staff kettle harbour lantern";

fn config_toml(dir: &Path) -> String {
    format!(
        r#"
listen = "127.0.0.1:0"
database_url = "sqlite://{db}"

[identity]
issuer = "http://127.0.0.1:8400"
council_name = "Example Council"

[mail]
from = "Example Council <no-reply@example.org>"
outbox_dir = "{outbox}"
"#,
        db = dir.join("council.db").display(),
        outbox = dir.join("outbox").display(),
    )
}

/// Runs `staff add` with `stdin` piped in (not a terminal, as in a script).
fn staff_add(config: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_council-service"))
        .args(["staff", "add", "--config"])
        .arg(config)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn staff_add_makes_an_account_that_can_sign_in_and_never_prints_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("council.toml");
    std::fs::write(&config, config_toml(dir.path())).unwrap();
    let rita = [
        "--email",
        "Rita@Council.example",
        "--name",
        "Rita Reviewer",
        "--role",
        "reviewer",
    ];

    let output = staff_add(&config, &rita, &format!("{PASSWORD}\n"));
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "Added Rita@Council.example as reviewer. They sign in at /console/sign-in."
    );
    assert!(
        !text(&output).contains(PASSWORD),
        "the password is never shown"
    );

    // The same address again, a short password, a made-up role: refused in words, not added.
    let again = staff_add(&config, &rita, &format!("{PASSWORD}\n"));
    assert!(!again.status.success());
    assert!(text(&again).contains("already exists"), "{}", text(&again));
    let short = staff_add(
        &config,
        &[
            "--email",
            "sam@council.example",
            "--name",
            "Sam",
            "--role",
            "admin",
        ],
        "short\n",
    );
    assert!(!short.status.success());
    assert!(
        text(&short).contains("at least 12 characters"),
        "{}",
        text(&short)
    );
    assert!(!text(&short).contains("short\n"));
    let role = staff_add(
        &config,
        &[
            "--email",
            "sam@council.example",
            "--name",
            "Sam",
            "--role",
            "boss",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(!role.status.success());
    assert!(text(&role).contains("the role must be reviewer or admin"));
    let missing = staff_add(&config, &["--email", "sam@council.example"], "");
    assert!(!missing.status.success());
    assert!(text(&missing).contains("--name is required"));

    // The account works: its password (and only it) signs in, and it is a reviewer.
    let service = Service::build(
        ServiceConfig::load(&config).unwrap(),
        Arc::new(SystemClock),
        Arc::new(OsRandomness),
        |_| None,
    )
    .await
    .unwrap();
    let mut conn = service.finance.pool().acquire().await.unwrap();
    let member =
        council_finance::staff::check_password(&mut conn, "rita@council.example", PASSWORD)
            .await
            .unwrap()
            .expect("the new account signs in");
    assert_eq!(member.name, "Rita Reviewer");
    assert_eq!(member.role, council_finance::staff::Role::Reviewer);
    let wrong = council_finance::staff::check_password(
        &mut conn,
        "rita@council.example",
        "staff kettle harbour lanterns",
    )
    .await
    .unwrap();
    assert!(wrong.is_none());
    let refused =
        council_finance::staff::check_password(&mut conn, "sam@council.example", PASSWORD)
            .await
            .unwrap();
    assert!(refused.is_none(), "the refused accounts were not added");
}

/// Runs `staff disable` or `staff enable` for `email`.
fn staff_turn(config: &Path, turn: &str, email: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_council-service"))
        .args(["staff", turn, "--config"])
        .arg(config)
        .arg(email)
        .output()
        .unwrap()
}

#[tokio::test]
async fn staff_disable_stops_sign_in_and_ends_open_sessions_and_staff_enable_undoes_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("council.toml");
    std::fs::write(&config, config_toml(dir.path())).unwrap();
    let rita = [
        "--email",
        "rita@council.example",
        "--name",
        "Rita Reviewer",
        "--role",
        "admin",
    ];
    assert!(staff_add(&config, &rita, &format!("{PASSWORD}\n"))
        .status
        .success());
    let service = Service::build(
        ServiceConfig::load(&config).unwrap(),
        Arc::new(SystemClock),
        Arc::new(OsRandomness),
        |_| None,
    )
    .await
    .unwrap();
    let mut conn = service.finance.pool().acquire().await.unwrap();
    let member =
        council_finance::staff::check_password(&mut conn, "rita@council.example", PASSWORD)
            .await
            .unwrap()
            .unwrap();
    let now = time::OffsetDateTime::now_utc();
    let (session, _) =
        council_finance::staff::start_session(&mut conn, &member.staff_id, &OsRandomness, now)
            .await
            .unwrap();

    let output = staff_turn(&config, "disable", "Rita@Council.example");
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "Turned off the console account of rita@council.example; its open sessions have ended."
    );
    let open = council_finance::staff::session(&mut conn, &session, now)
        .await
        .unwrap();
    assert_eq!(open, council_finance::staff::SessionCheck::None);
    let signed_in =
        council_finance::staff::check_password(&mut conn, "rita@council.example", PASSWORD)
            .await
            .unwrap();
    assert!(signed_in.is_none(), "a turned-off account cannot sign in");

    let output = staff_turn(&config, "enable", "rita@council.example");
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        council_finance::staff::check_password(&mut conn, "rita@council.example", PASSWORD)
            .await
            .unwrap()
            .is_some(),
        "on again"
    );

    let output = staff_turn(&config, "disable", "nobody@council.example");
    assert!(!output.status.success());
    assert!(
        text(&output).contains("There is no staff account with the email address"),
        "{}",
        text(&output)
    );
}
