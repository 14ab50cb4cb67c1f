//! What `council-service` needs to run the finance side: its settings from the configuration
//! file, and the `import` and `staff add` / `staff disable` / `staff enable` commands, so wiring
//! it in is a few lines there.

use std::path::PathBuf;

use serde::Deserialize;

use crate::staff::{self, Role};
use crate::{import, Finance, FinanceConfig};

/// The `[finance]` part of the service's configuration file. Everything is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinanceSettings {
    /// The environment variable holding the finance system's credential for
    /// `POST /api/v1/import/remittances`. Leave it out to turn the push endpoint off.
    #[serde(default)]
    pub import_credential_env: Option<String>,
}

/// The shortest credential accepted: it must be hard to guess.
pub const CREDENTIAL_MIN_CHARS: usize = 32;

impl FinanceSettings {
    /// Plain-English problems with these settings (empty when all is well).
    pub fn problems(&self, env: impl Fn(&str) -> Option<String>) -> Vec<String> {
        match &self.import_credential_env {
            Some(var) => match env(var) {
                None => vec![format!(
                    "[finance] import_credential_env names {var}, but it is not set"
                )],
                Some(value) if value.chars().count() < CREDENTIAL_MIN_CHARS => vec![format!(
                    "the import credential in {var} must be at least {CREDENTIAL_MIN_CHARS} characters"
                )],
                Some(_) => Vec::new(),
            },
            None => Vec::new(),
        }
    }

    pub fn to_config(
        &self,
        council_name: &str,
        https: bool,
        env: impl Fn(&str) -> Option<String>,
    ) -> FinanceConfig {
        FinanceConfig {
            council_name: council_name.to_owned(),
            import_credential: self.import_credential_env.as_deref().and_then(env),
            secure_cookies: https,
        }
    }
}

/// `council-service import FILE...`: each file in its own transaction. Returns what to print,
/// or every problem (file, line, reason) of the first file refused; files before it stay imported.
pub async fn import_files(finance: &Finance, files: &[PathBuf]) -> Result<String, String> {
    if files.is_empty() {
        return Err(
            "name at least one CSV file to import (see crates/council-finance/IMPORT.md)".into(),
        );
    }
    let mut report = String::new();
    for file in files {
        let ids = finance.clone();
        let summary =
            import::import_csv_file(finance.pool(), file, move || ids.new_id(), finance.now())
                .await
                .map_err(|error| format!("{report}{error}"))?;
        report.push_str(&format!(
            "{}: {} people added, {} updated; {} documents added, {} corrected, {} unchanged, {} withdrawn\n",
            file.display(),
            summary.people_added,
            summary.people_updated,
            summary.documents_added,
            summary.documents_corrected,
            summary.documents_unchanged,
            summary.documents_withdrawn
        ));
    }
    Ok(report)
}

/// `council-service staff add --email E --name N --role reviewer|admin`, with the password read
/// by the caller (never from the command line, where it would land in shell history).
pub async fn add_staff(
    finance: &Finance,
    email: &str,
    name: &str,
    role: &str,
    password: &str,
) -> Result<String, String> {
    let role = Role::parse(role).ok_or("the role must be reviewer or admin")?;
    let mut conn = finance.pool().acquire().await.map_err(|e| e.to_string())?;
    staff::create(
        &mut conn,
        email,
        name,
        role,
        password,
        finance.rng(),
        finance.now(),
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok(format!(
        "Added {} as {}. They sign in at /console/sign-in.",
        email.trim(),
        role.as_str()
    ))
}

/// `council-service staff disable EMAIL`: the account can no longer sign in to the console, and
/// every console session it has open ends now.
pub async fn disable_staff(finance: &Finance, email: &str) -> Result<String, String> {
    let mut conn = finance.pool().acquire().await.map_err(|e| e.to_string())?;
    let email = staff::set_turned_off(&mut conn, email, true, finance.now())
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "Turned off the console account of {email}; its open sessions have ended."
    ))
}

/// `council-service staff enable EMAIL`: a turned-off account may sign in again.
pub async fn enable_staff(finance: &Finance, email: &str) -> Result<String, String> {
    let mut conn = finance.pool().acquire().await.map_err(|e| e.to_string())?;
    let email = staff::set_turned_off(&mut conn, email, false, finance.now())
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "Turned on the console account of {email}. They can sign in again."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_credential_comes_from_the_named_variable_and_must_be_long() {
        let settings = FinanceSettings {
            import_credential_env: Some("CFP_IMPORT".into()),
        };
        let long = "x".repeat(CREDENTIAL_MIN_CHARS);
        assert_eq!(
            settings.problems(|_| None),
            ["[finance] import_credential_env names CFP_IMPORT, but it is not set"]
        );
        assert_eq!(settings.problems(|_| Some("short".into())).len(), 1);
        assert!(settings.problems(|_| Some(long.clone())).is_empty());
        let config = settings.to_config("Council", true, |_| Some(long.clone()));
        assert_eq!(config.import_credential.as_deref(), Some(long.as_str()));
        assert!(config.secure_cookies);
        assert!(
            !format!("{config:?}").contains(&long),
            "Debug hides the credential"
        );
        let off = FinanceSettings::default().to_config("Council", false, |_| Some(long.clone()));
        assert_eq!(off.import_credential, None);
    }
}
