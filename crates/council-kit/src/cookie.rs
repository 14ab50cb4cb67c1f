//! Session cookies: HttpOnly, SameSite=Lax, Path=/, and Secure when the service is reached over https.

use axum::http::header::COOKIE;
use axum::http::HeaderMap;

/// The `Set-Cookie` value for a session cookie. `max_age_seconds: None` makes a browser-session cookie.
pub fn session_cookie(
    name: &str,
    value: &str,
    secure: bool,
    max_age_seconds: Option<i64>,
) -> String {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(max_age) = max_age_seconds {
        cookie.push_str(&format!("; Max-Age={max_age}"));
    }
    if secure {
        cookie.push_str("; Secure");
    }
    cookie
}

/// The `Set-Cookie` value that removes a cookie.
pub fn expired_cookie(name: &str, secure: bool) -> String {
    session_cookie(name, "", secure, Some(0))
}

/// The value of the named cookie in the request, if any.
pub fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cookie_attributes() {
        assert_eq!(
            session_cookie("sid", "abc", true, Some(60)),
            "sid=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure"
        );
        assert!(!session_cookie("sid", "abc", false, None).contains("Secure"));
    }

    #[test]
    fn reads_the_named_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; sid=xyz; b=2"));
        assert_eq!(read_cookie(&headers, "sid"), Some("xyz"));
        assert_eq!(read_cookie(&headers, "missing"), None);
    }
}
