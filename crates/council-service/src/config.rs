//! The service's TOML configuration (documented in the crate's README).

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use council_identity::IdentityConfig;
use council_kit::mail::MailConfig;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    /// Where to listen, e.g. `127.0.0.1:8400` (behind a TLS-terminating proxy in production).
    pub listen: SocketAddr,
    /// e.g. `sqlite://council.db` (relative paths are relative to the working directory).
    pub database_url: String,
    /// The folder holding `council.css`; pages work unstyled without it.
    #[serde(default)]
    pub assets_dir: Option<PathBuf>,
    /// The reverse proxies in front of the service. Only requests from these have their
    /// `X-Forwarded-For` believed for per-address limits; empty (the default) believes none.
    #[serde(default)]
    pub trusted_proxies: Vec<IpAddr>,
    pub identity: IdentityConfig,
    pub mail: MailConfig,
    /// The finance API and console (all optional).
    #[serde(default)]
    pub finance: council_finance::service::FinanceSettings,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read the configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the configuration is not valid: {0}")]
    Parse(String),
    #[error("the configuration has problems:\n  - {}", .0.join("\n  - "))]
    Problems(Vec<String>),
}

impl ServiceConfig {
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        // toml's messages name the line and the key, which is what a person needs to fix it.
        toml::from_str(text).map_err(|e| ConfigError::Parse(e.to_string()))
    }

    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml(&text)
    }

    /// Every problem the service would hit at start, in plain English (empty when all is well).
    pub fn problems(&self, env: impl Fn(&str) -> Option<String>) -> Vec<String> {
        let mut problems: Vec<String> = self
            .identity
            .problems()
            .iter()
            .map(ToString::to_string)
            .collect();
        problems.extend(self.finance.problems(&env));
        if !self.database_url.starts_with("sqlite:") {
            problems.push(
                "database_url must start with sqlite: (for example sqlite://council.db)".into(),
            );
        }
        match (&self.mail.smtp, &self.mail.outbox_dir) {
            (Some(_), Some(_)) | (None, None) => {
                problems.push("[mail] must have exactly one of [mail.smtp] or outbox_dir".into())
            }
            (Some(smtp), None) => {
                if let Some(var) = &smtp.password_env {
                    if env(var).is_none() {
                        problems.push(format!(
                            "the SMTP password environment variable {var} is not set"
                        ));
                    }
                }
                if smtp.tls == council_kit::mail::SmtpTls::None
                    && !matches!(smtp.host.as_str(), "127.0.0.1" | "localhost" | "::1")
                {
                    problems.push(
                        "[mail.smtp] tls = \"none\" is only safe for a mail server on this machine"
                            .into(),
                    );
                }
            }
            (None, Some(_)) => {
                if self.identity.is_https() {
                    problems.push("outbox_dir is for demos and development: use [mail.smtp] for a real (https) service".into());
                }
            }
        }
        if let Some(dir) = &self.assets_dir {
            if !dir.join("council.css").is_file() {
                problems.push(format!(
                    "assets_dir {} has no council.css (pages will be unstyled; build it with npm ci && npm run build in crates/council-kit/styles)",
                    dir.display()
                ));
            }
        }
        problems
    }
}
