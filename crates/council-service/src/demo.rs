//! The built-in demo: a service on 127.0.0.1 with outbox mail, the desktop app registered as a
//! native client, and demo accounts whose credentials are printed at start.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use url::Url;

use council_identity::accounts::AccountDetails;
use council_identity::{ClientConfig, ClientKind, IdentityConfig, Policy};
use council_kit::mail::MailConfig;

use crate::{Service, ServiceConfig};

pub const DEFAULT_PORT: u16 = 8400;

/// The desktop app's client id, as registered in the demo.
pub const DESKTOP_CLIENT_ID: &str = "client-finance-portal-desktop";

/// The demo's configuration, keeping its database and outbox in `data_dir`.
pub fn demo_config(port: u16, data_dir: &Path, assets_dir: Option<PathBuf>) -> ServiceConfig {
    let issuer = Url::parse(&format!("http://127.0.0.1:{port}")).expect("a loopback URL is valid");
    ServiceConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], port)),
        database_url: format!("sqlite://{}", data_dir.join("council-demo.db").display()),
        assets_dir,
        trusted_proxies: Vec::new(),
        identity: IdentityConfig {
            issuer,
            // The same name as the desktop app's built-in demo profile (crates/core/profiles/demo.toml).
            council_name: "Demo County Council".into(),
            service_name: "Your council account".into(),
            access_token_audience: "council-finance-api".into(),
            policy: Policy::default(),
            clients: vec![ClientConfig {
                id: DESKTOP_CLIENT_ID.into(),
                name: "Client Finance Portal".into(),
                kind: ClientKind::Native,
                redirect_uris: vec![
                    "http://127.0.0.1/callback".into(),
                    "http://[::1]/callback".into(),
                ],
                post_logout_redirect_uris: vec![
                    "http://127.0.0.1/signed-out".into(),
                    "http://[::1]/signed-out".into(),
                ],
            }],
        },
        mail: MailConfig {
            from: "Example Council <no-reply@example.invalid>".into(),
            smtp: None,
            outbox_dir: Some(data_dir.join("outbox")),
        },
        finance: Default::default(),
    }
}

/// A demo person who can sign in straight away.
pub struct DemoAccount {
    pub details: AccountDetails,
    pub password: &'static str,
}

pub fn demo_accounts() -> Vec<DemoAccount> {
    vec![
        DemoAccount {
            details: AccountDetails {
                given_name: "Alex".into(),
                family_name: "Morgan".into(),
                address: "12 Foregate Street, Worcester".into(),
                postcode: "WR1 1DB".into(),
                email: "alex.morgan@example.org".into(),
            },
            password: "demo kettle orange bicycle",
        },
        DemoAccount {
            details: AccountDetails {
                given_name: "Sam".into(),
                family_name: "Patel".into(),
                address: "3 Sidbury, Worcester".into(),
                postcode: "WR1 2HU".into(),
                email: "sam.patel@example.org".into(),
            },
            password: "demo lantern meadow copper",
        },
    ]
}

/// Creates the demo accounts that do not exist yet.
pub async fn seed(service: &Service) -> Result<Vec<DemoAccount>, sqlx::Error> {
    let accounts = demo_accounts();
    for account in &accounts {
        service
            .identity
            .create_confirmed_account(&account.details, account.password)
            .await?;
    }
    Ok(accounts)
}
