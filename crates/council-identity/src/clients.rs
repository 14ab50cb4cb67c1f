//! Matching redirect addresses against what a client registered.

use url::Url;

use crate::config::{ClientConfig, ClientKind};

/// Whether `requested` is one of the client's registered redirect URIs.
///
/// Exact string match, except (RFC 8252 section 7.3) a native client's loopback IP redirect
/// (`http://127.0.0.1/...` or `http://[::1]/...`) matches on any port: the app picks a free port
/// at the moment it signs in. Scheme, host, path and query must still match exactly.
pub fn redirect_allowed(client: &ClientConfig, requested: &str) -> bool {
    allowed_in(client, &client.redirect_uris, requested)
}

/// The same rule for post-logout redirect URIs.
pub fn post_logout_redirect_allowed(client: &ClientConfig, requested: &str) -> bool {
    allowed_in(client, &client.post_logout_redirect_uris, requested)
}

fn allowed_in(client: &ClientConfig, registered: &[String], requested: &str) -> bool {
    if registered.iter().any(|r| r == requested) {
        return true;
    }
    if client.kind != ClientKind::Native {
        return false;
    }
    let Ok(requested) = Url::parse(requested) else {
        return false;
    };
    if !is_loopback_ip(&requested) || requested.fragment().is_some() {
        return false;
    }
    registered
        .iter()
        .filter_map(|r| Url::parse(r).ok())
        .any(|registered| {
            is_loopback_ip(&registered)
                && registered.host() == requested.host()
                && registered.path() == requested.path()
                && registered.query() == requested.query()
        })
}

/// `http` to the IPv4 or IPv6 loopback address (not the name "localhost", which RFC 8252 8.3
/// advises against because it can be resolved elsewhere), with no user information.
fn is_loopback_ip(url: &Url) -> bool {
    url.scheme() == "http"
        && url.username().is_empty()
        && url.password().is_none()
        && matches!(url.host_str(), Some("127.0.0.1" | "[::1]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(kind: ClientKind) -> ClientConfig {
        ClientConfig {
            id: "app".into(),
            name: "App".into(),
            kind,
            redirect_uris: vec![
                "http://127.0.0.1/callback".into(),
                "http://[::1]/callback".into(),
                "https://app.example.org/cb".into(),
            ],
            post_logout_redirect_uris: vec!["http://127.0.0.1/signed-out".into()],
        }
    }

    #[test]
    fn native_loopback_accepts_any_port_but_nothing_else() {
        let native = client(ClientKind::Native);
        assert!(redirect_allowed(&native, "http://127.0.0.1:53124/callback"));
        assert!(redirect_allowed(&native, "http://[::1]:8080/callback"));
        assert!(redirect_allowed(&native, "https://app.example.org/cb"));
        assert!(!redirect_allowed(&native, "http://127.0.0.1:53124/other"));
        assert!(!redirect_allowed(
            &native,
            "http://localhost:53124/callback"
        ));
        assert!(!redirect_allowed(
            &native,
            "http://127.0.0.1:53124/callback?x=1"
        ));
        assert!(!redirect_allowed(
            &native,
            "http://evil@127.0.0.1:53124/callback"
        ));
        assert!(!redirect_allowed(
            &native,
            "https://127.0.0.1:53124/callback"
        ));
        assert!(!redirect_allowed(&native, "https://app.example.org/cb/"));
        assert!(!redirect_allowed(&native, "http://127.0.0.2:1/callback"));
        assert!(post_logout_redirect_allowed(
            &native,
            "http://127.0.0.1:9/signed-out"
        ));
        assert!(!post_logout_redirect_allowed(
            &native,
            "http://127.0.0.1:9/callback"
        ));
    }

    #[test]
    fn web_clients_need_an_exact_match() {
        let web = client(ClientKind::Web);
        assert!(redirect_allowed(&web, "http://127.0.0.1/callback"));
        assert!(!redirect_allowed(&web, "http://127.0.0.1:53124/callback"));
    }
}
