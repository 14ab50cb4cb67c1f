//! The service as a whole: configuration from TOML, the binary's check-config, and a service
//! started in-process answering over real HTTP with its stylesheet.

use std::net::SocketAddr;
use std::sync::Arc;

use council_kit::clock::SystemClock;
use council_kit::secret::OsRandomness;
use council_service::{Service, ServiceConfig};

fn config_toml(dir: &std::path::Path, assets: &std::path::Path) -> String {
    format!(
        r#"
listen = "127.0.0.1:0"
database_url = "sqlite://{db}"
assets_dir = "{assets}"

[identity]
issuer = "http://127.0.0.1:8400"
council_name = "Example Council"

[identity.policy]
sign_in_code_every_time = true

[[identity.clients]]
id = "client-finance-portal-desktop"
name = "Client Finance Portal"
kind = "native"
redirect_uris = ["http://127.0.0.1/callback"]

[mail]
from = "Example Council <no-reply@example.org>"
outbox_dir = "{outbox}"
"#,
        db = dir.join("council.db").display(),
        assets = assets.display(),
        outbox = dir.join("outbox").display(),
    )
}

#[tokio::test]
async fn a_configured_service_serves_discovery_pages_and_its_stylesheet() {
    let dir = tempfile::tempdir().unwrap();
    let assets = dir.path().join("assets");
    std::fs::create_dir_all(&assets).unwrap();
    std::fs::write(assets.join("council.css"), "body{margin:0}").unwrap();
    let config = ServiceConfig::from_toml(&config_toml(dir.path(), &assets)).unwrap();
    assert!(config.identity.policy.sign_in_code_every_time);
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
    let server = tokio::spawn(server);
    let base = format!("http://{address}");

    let discovery: serde_json::Value =
        reqwest::get(format!("{base}/.well-known/openid-configuration"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(discovery["issuer"], "http://127.0.0.1:8400");
    assert_eq!(
        discovery["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );

    let css = reqwest::get(format!("{base}/assets/council.css"))
        .await
        .unwrap();
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert_eq!(css.text().await.unwrap(), "body{margin:0}");

    let page = reqwest::get(format!("{base}/sign-in"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Example Council") && page.contains("/assets/council.css"));

    // Without the stylesheet the pages still work.
    std::fs::remove_file(assets.join("council.css")).unwrap();
    assert_eq!(
        reqwest::get(format!("{base}/assets/council.css"))
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        reqwest::get(format!("{base}/sign-in"))
            .await
            .unwrap()
            .status(),
        200
    );
    server.abort();
}

#[test]
fn check_config_names_every_problem_in_plain_english() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        r#"
listen = "0.0.0.0:8400"
database_url = "postgres://elsewhere"

[identity]
issuer = "http://accounts.example.gov.uk"
council_name = "Example Council"

[mail]
from = "no-reply@example.org"
[mail.smtp]
host = "smtp.example.org"
port = 587
tls = "none"
username = "portal"
password_env = "COUNCIL_TEST_UNSET_PASSWORD"
"#,
    )
    .unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_council-service"))
        .args(["check-config", "--config"])
        .arg(&path)
        .env_remove("COUNCIL_TEST_UNSET_PASSWORD")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    for expected in [
        "the issuer uses http",
        "database_url must start with sqlite:",
        "COUNCIL_TEST_UNSET_PASSWORD is not set",
        "tls = \"none\" is only safe",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }

    std::fs::write(&path, "listen = \"here\"\n").unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_council-service"))
        .args(["check-config", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8(output.stderr)
        .unwrap()
        .contains("the configuration is not valid"));
}

#[tokio::test]
async fn the_demo_config_registers_the_desktop_app_and_seeds_accounts_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = council_service::demo::demo_config(0, dir.path(), None);
    assert_eq!(config.problems(|_| None), Vec::<String>::new());
    let service = Service::build(
        config,
        Arc::new(SystemClock),
        Arc::new(OsRandomness),
        |_| None,
    )
    .await
    .unwrap();
    let accounts = council_service::demo::seed(&service).await.unwrap();
    council_service::demo::seed(&service).await.unwrap();
    for account in &accounts {
        let stored = council_identity::accounts::find_by_email(
            service.identity.pool(),
            &account.details.email,
        )
        .await
        .unwrap()
        .expect("demo account exists");
        assert!(stored.email_verified);
    }
    assert!(service
        .identity
        .config()
        .client("client-finance-portal-desktop")
        .is_some());
}

/// The example in the README is what people paste: it must pass the same checks as `serve`.
#[test]
fn the_readme_example_config_passes_check_config() {
    let readme = include_str!("../README.md");
    let section = &readme[readme.find("## Configuration (TOML)").unwrap()..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let mut config = ServiceConfig::from_toml(example).unwrap();
    assert_eq!(
        config.trusted_proxies,
        ["127.0.0.1".parse::<std::net::IpAddr>().unwrap()]
    );
    // The stylesheet is built separately (npm); stand in one so only the settings are judged.
    let assets = tempfile::tempdir().unwrap();
    std::fs::write(assets.path().join("council.css"), "").unwrap();
    config.assets_dir = Some(assets.path().to_owned());
    let env = |name: &str| match name {
        "COUNCIL_SMTP_PASSWORD" => Some("secret".to_owned()),
        "COUNCIL_IMPORT_CREDENTIAL" => {
            Some("a credential of thirty-two characters or more".to_owned())
        }
        _ => None,
    };
    assert_eq!(config.problems(env), Vec::<String>::new());
    assert_eq!(
        config.finance.import_credential_env.as_deref(),
        Some("COUNCIL_IMPORT_CREDENTIAL"),
        "the example shows the [finance] settings"
    );

    // And check-config names an issuer with a path.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("path.toml");
    let with_path = example.replace(
        "issuer = \"https://accounts.example-council.gov.uk\"",
        "issuer = \"https://example-council.gov.uk/accounts\"",
    );
    assert_ne!(with_path, example);
    std::fs::write(&path, with_path).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_council-service"))
        .args(["check-config", "--config"])
        .arg(&path)
        .env("COUNCIL_SMTP_PASSWORD", "secret")
        .env(
            "COUNCIL_IMPORT_CREDENTIAL",
            "a credential of thirty-two characters or more",
        )
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("the issuer must have no path"), "{stderr}");
}

fn council_service(args: &[&str], config: &std::path::Path) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_council-service"))
        .args(args)
        .arg("--config")
        .arg(config)
        .output()
        .unwrap();
    let text =
        String::from_utf8(output.stdout).unwrap() + &String::from_utf8(output.stderr).unwrap();
    (output.status.success(), text)
}

#[tokio::test]
async fn rotate_keys_and_retire_key_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let assets = dir.path().join("assets");
    std::fs::create_dir_all(&assets).unwrap();
    std::fs::write(assets.join("council.css"), "").unwrap();
    let path = dir.path().join("council.toml");
    std::fs::write(&path, config_toml(dir.path(), &assets)).unwrap();

    let (ok, text) = council_service(&["rotate-keys"], &path);
    assert!(ok, "{text}");
    let next = text
        .strip_prefix("Added the next signing key ")
        .and_then(|rest| rest.split('.').next())
        .unwrap_or_else(|| panic!("{text}"))
        .to_owned();
    let (ok, text) = council_service(&["rotate-keys"], &path);
    assert!(!ok && text.contains("less than 10 minutes"), "{text}");

    let pool = council_kit::db::open_sqlite(&format!(
        "sqlite://{}",
        dir.path().join("council.db").display()
    ))
    .await
    .unwrap();
    let signing =
        council_identity::SigningKeys::load_or_create(&pool, time::OffsetDateTime::now_utc())
            .await
            .unwrap()
            .active_kid()
            .to_owned();
    assert_ne!(signing, next);
    let (ok, text) = council_service(&["retire-key", &signing], &path);
    assert!(!ok && text.contains("signs new tokens"), "{text}");
    let (ok, text) = council_service(&["retire-key", &next], &path);
    assert!(ok, "{text}");
    let (ok, text) = council_service(&["retire-key", &next], &path);
    assert!(!ok && text.contains("there is no published key"), "{text}");
}
