//! The identity provider's settings (the `[identity]` part of the service's configuration).

use serde::Deserialize;
use url::Url;

/// Everything the provider needs to know about where it runs and whom it serves.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityConfig {
    /// The issuer URL: exactly what relying parties configure and what tokens carry in `iss`.
    /// Use `https` in production; cookies are then marked `Secure`.
    pub issuer: Url,
    /// The council's name, shown in every page's header and in emails.
    pub council_name: String,
    /// The name of this service as people see it.
    #[serde(default = "default_service_name")]
    pub service_name: String,
    /// The `aud` of access tokens: the finance API's identifier.
    #[serde(default = "default_audience")]
    pub access_token_audience: String,
    #[serde(default)]
    pub policy: Policy,
    /// The applications allowed to ask for sign-ins.
    #[serde(default)]
    pub clients: Vec<ClientConfig>,
}

fn default_service_name() -> String {
    "Your council account".to_owned()
}

fn default_audience() -> String {
    "council-finance-api".to_owned()
}

/// Council policy settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    /// Email a sign-in code at every sign-in, after the password (as the council's other portals do).
    pub sign_in_code_every_time: bool,
    /// Minutes an access token lasts. Short, though they also stop working once their grant is
    /// revoked (the verifier checks it on every call).
    pub access_token_minutes: i64,
    /// Days a refresh token lasts unused (each use replaces it with a new one).
    pub refresh_token_days: i64,
    /// Days after the sign-in when its refresh tokens stop, however often they were replaced:
    /// then the person signs in again.
    pub refresh_token_absolute_days: i64,
    /// Hours a browser stays signed in to this service.
    pub session_hours: i64,
    /// New accounts accepted in an hour from everyone together: the ceiling on what a flood of
    /// sign-ups can cost (password hashing, stored details, mail), whatever addresses it comes
    /// from. Each network address has its own, lower limit too.
    pub new_accounts_per_hour: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            sign_in_code_every_time: false,
            access_token_minutes: 5,
            refresh_token_days: 30,
            refresh_token_absolute_days: 30,
            session_hours: 8,
            new_accounts_per_hour: 200,
        }
    }
}

/// What kind of application a client is. Both kinds are public clients that must use PKCE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ClientKind {
    /// A desktop or mobile app (RFC 8252): a loopback redirect URI is accepted on any port.
    #[default]
    Native,
    /// A browser-based application: redirect URIs must match exactly.
    Web,
}

/// One registered application.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    pub id: String,
    /// Shown to people: "Sign in to continue to NAME".
    pub name: String,
    #[serde(default)]
    pub kind: ClientKind,
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
}

/// A setting that cannot work, said plainly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigProblem {
    #[error("the issuer must be an http or https URL with no query or fragment")]
    BadIssuer,
    #[error("the issuer uses http: only do this on your own machine (127.0.0.1 or localhost)")]
    PlainHttpIssuer,
    #[error("the issuer must have no path (the service answers at the root of its address)")]
    IssuerPath,
    #[error("client {0} is listed twice")]
    DuplicateClient(String),
    #[error("client {client} has a redirect address that is not a valid absolute URL: {uri}")]
    BadRedirect { client: String, uri: String },
    #[error("client {client} is a web client, so its redirect address must use https: {uri}")]
    InsecureRedirect { client: String, uri: String },
    #[error("the policy's lifetimes must all be at least 1")]
    BadLifetime,
}

impl IdentityConfig {
    /// Checks the settings; returns every problem found, so they can all be fixed at once.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        let issuer = &self.issuer;
        if !matches!(issuer.scheme(), "http" | "https")
            || issuer.query().is_some()
            || issuer.fragment().is_some()
        {
            problems.push(ConfigProblem::BadIssuer);
        } else if issuer.scheme() == "http" && !is_local_host(issuer) {
            problems.push(ConfigProblem::PlainHttpIssuer);
        }
        if issuer.path() != "/" {
            problems.push(ConfigProblem::IssuerPath);
        }
        let policy = &self.policy;
        if policy.access_token_minutes < 1
            || policy.refresh_token_days < 1
            || policy.refresh_token_absolute_days < 1
            || policy.session_hours < 1
        {
            problems.push(ConfigProblem::BadLifetime);
        }
        let mut seen = std::collections::HashSet::new();
        for client in &self.clients {
            if !seen.insert(client.id.as_str()) {
                problems.push(ConfigProblem::DuplicateClient(client.id.clone()));
            }
            for uri in client
                .redirect_uris
                .iter()
                .chain(&client.post_logout_redirect_uris)
            {
                match Url::parse(uri) {
                    Err(_) => problems.push(ConfigProblem::BadRedirect {
                        client: client.id.clone(),
                        uri: uri.clone(),
                    }),
                    Ok(url)
                        if client.kind == ClientKind::Web
                            && url.scheme() != "https"
                            && !is_local_host(&url) =>
                    {
                        problems.push(ConfigProblem::InsecureRedirect {
                            client: client.id.clone(),
                            uri: uri.clone(),
                        })
                    }
                    Ok(_) => {}
                }
            }
        }
        problems
    }

    /// Whether browsers reach the service over https (cookies are then `Secure`).
    pub fn is_https(&self) -> bool {
        self.issuer.scheme() == "https"
    }

    /// The issuer as it appears in `iss` (no trailing slash).
    pub fn issuer_str(&self) -> &str {
        self.issuer.as_str().trim_end_matches('/')
    }

    /// An endpoint's absolute URL under the issuer.
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{}", self.issuer_str(), path)
    }

    pub fn client(&self, id: &str) -> Option<&ClientConfig> {
        self.clients.iter().find(|c| c.id == id)
    }
}

fn is_local_host(url: &Url) -> bool {
    matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> IdentityConfig {
        IdentityConfig {
            issuer: Url::parse("https://id.example.gov.uk").unwrap(),
            council_name: "Example Council".into(),
            service_name: default_service_name(),
            access_token_audience: default_audience(),
            policy: Policy::default(),
            clients: vec![ClientConfig {
                id: "desktop".into(),
                name: "Desktop".into(),
                kind: ClientKind::Native,
                redirect_uris: vec!["http://127.0.0.1/callback".into()],
                post_logout_redirect_uris: vec![],
            }],
        }
    }

    #[test]
    fn a_sound_config_has_no_problems() {
        assert_eq!(config().problems(), vec![]);
        assert_eq!(config().issuer_str(), "https://id.example.gov.uk");
    }

    #[test]
    fn an_issuer_with_a_path_is_refused() {
        for issuer in [
            "https://id.example.gov.uk/accounts",
            "https://id.example.gov.uk/a/",
        ] {
            let mut bad = config();
            bad.issuer = Url::parse(issuer).unwrap();
            assert_eq!(bad.problems(), [ConfigProblem::IssuerPath], "{issuer}");
        }
        let mut fine = config();
        fine.issuer = Url::parse("https://id.example.gov.uk/").unwrap();
        assert_eq!(fine.problems(), []);
    }

    #[test]
    fn reports_every_problem() {
        let mut bad = config();
        bad.issuer = Url::parse("http://id.example.gov.uk").unwrap();
        bad.policy.access_token_minutes = 0;
        bad.clients.push(bad.clients[0].clone());
        bad.clients.push(ClientConfig {
            id: "web".into(),
            name: "Web".into(),
            kind: ClientKind::Web,
            redirect_uris: vec!["http://app.example.org/cb".into(), "not a url".into()],
            post_logout_redirect_uris: vec![],
        });
        let problems = bad.problems();
        assert!(problems.contains(&ConfigProblem::PlainHttpIssuer));
        assert!(problems.contains(&ConfigProblem::BadLifetime));
        assert!(problems.contains(&ConfigProblem::DuplicateClient("desktop".into())));
        assert!(!problems.contains(&ConfigProblem::IssuerPath));
        assert!(problems
            .iter()
            .any(|p| matches!(p, ConfigProblem::InsecureRedirect { .. })));
        assert!(problems
            .iter()
            .any(|p| matches!(p, ConfigProblem::BadRedirect { .. })));
    }
}
