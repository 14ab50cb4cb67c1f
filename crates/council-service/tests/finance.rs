//! The finance side inside the service: `[finance]` settings, the finance API and console on the
//! same port as the identity provider, and the `import` command of the real binary.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use council_kit::clock::SystemClock;
use council_kit::secret::OsRandomness;
use council_service::{Service, ServiceConfig};

const CREDENTIAL: &str = "finance-system-credential-for-the-service-test";

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

[finance]
import_credential_env = "CFP_TEST_IMPORT_CREDENTIAL"
"#,
        db = dir.join("council.db").display(),
        outbox = dir.join("outbox").display(),
    )
}

fn env(name: &str) -> Option<String> {
    (name == "CFP_TEST_IMPORT_CREDENTIAL").then(|| CREDENTIAL.to_owned())
}

#[tokio::test]
async fn the_service_serves_the_finance_api_and_console_and_takes_pushed_imports() {
    let dir = tempfile::tempdir().unwrap();
    let config = ServiceConfig::from_toml(&config_toml(dir.path())).unwrap();
    assert_eq!(config.problems(env), Vec::<String>::new());
    assert_eq!(
        config.problems(|_| None),
        ["[finance] import_credential_env names CFP_TEST_IMPORT_CREDENTIAL, but it is not set"]
    );
    let service = Service::build(config, Arc::new(SystemClock), Arc::new(OsRandomness), env)
        .await
        .unwrap();
    let (address, server) = service
        .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let server = tokio::spawn(server);
    let base = format!("http://{address}");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    let openapi: serde_json::Value = client
        .get(format!("{base}/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(openapi["paths"]["/people/{personId}/changes"].is_object());
    let response = client.get(format!("{base}/console")).send().await.unwrap();
    assert_eq!(response.status(), 303, "the console asks staff to sign in");

    let response = client
        .post(format!("{base}/api/v1/import/remittances"))
        .bearer_auth(CREDENTIAL)
        .json(&council_finance::demo::records())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let summary: serde_json::Value = response.json().await.unwrap();
    assert_eq!(summary["peopleAdded"], 5);
    server.abort();
}

#[test]
fn the_import_command_imports_a_file_and_refuses_a_bad_one_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("council.toml");
    std::fs::write(&config, config_toml(dir.path())).unwrap();
    let good = dir.path().join("export.csv");
    std::fs::write(
        &good,
        "PERSON,100234567,Margaret,Okafor,1941-03-09,\"14 Battenhall Road, Worcester\",WR5 2NP\n\
         REMITTANCE,RA-1,100234567,Margaret Okafor,M Okafor,2026-03-01,2026-03-31,2026-02-20,2026-02-27,575.72\n\
         LINE,RA-1,Budget,Care budget,664.29,150.00,31,\n\
         LINE,RA-1,Contribution,Your weekly contribution,-88.57,20.00,31,\n",
    )
    .unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "PERSON,100234568,Nora,Lane,1950-02-30,\"1 Road\",WR1 1AA\n",
    )
    .unwrap();
    let run = |file: &Path| {
        Command::new(env!("CARGO_BIN_EXE_council-service"))
            .args(["import", "--config"])
            .arg(&config)
            .arg(file)
            .env("CFP_TEST_IMPORT_CREDENTIAL", CREDENTIAL)
            .output()
            .unwrap()
    };
    let output = run(&good);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("1 people added") && stdout.contains("1 documents added"),
        "{stdout}"
    );
    let again = run(&good);
    assert!(String::from_utf8_lossy(&again.stdout).contains("1 unchanged"));

    let output = run(&bad);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.csv was not imported"), "{stderr}");
    assert!(
        stderr.contains("line 1: date_of_birth '1950-02-30' is not a date"),
        "{stderr}"
    );
}
