//! Checks on what people type, each with the message the GOV.UK patterns suggest.

use crate::accounts::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};

pub fn email_problem(email: &str) -> Option<&'static str> {
    let email = email.trim();
    if email.is_empty() {
        return Some("Enter your email address");
    }
    let well_formed = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split('@').count() == 2
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    (!well_formed).then_some("Enter an email address in the correct format, like name@example.com")
}

pub fn new_password_problem(password: &str, email: &str) -> Option<&'static str> {
    let length = password.chars().count();
    if password.is_empty() {
        Some("Enter a password")
    } else if length < PASSWORD_MIN_CHARS {
        Some("Your password must be at least 12 characters")
    } else if length > PASSWORD_MAX_CHARS {
        Some("Your password must be 256 characters or fewer")
    } else if password.trim().eq_ignore_ascii_case(email.trim()) {
        Some("Your password must not be your email address")
    } else {
        None
    }
}

/// A required free-text field with a maximum length.
pub fn text_problem(
    value: &str,
    max_chars: usize,
    empty: &'static str,
    too_long: &'static str,
) -> Option<&'static str> {
    let value = value.trim();
    if value.is_empty() {
        Some(empty)
    } else if value.chars().count() > max_chars {
        Some(too_long)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(email_problem(""), Some("Enter your email address"));
        assert!(email_problem("name@example.com").is_none());
        assert!(email_problem(" name@example.com ").is_none());
        for bad in [
            "name",
            "name@",
            "@example.com",
            "a@b",
            "a b@example.com",
            "a@@example.com",
            "a@example.",
        ] {
            assert!(email_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(new_password_problem("kettle orange bicycle", "a@example.org").is_none());
        assert_eq!(
            new_password_problem("short", "a@x.org"),
            Some("Your password must be at least 12 characters")
        );
        assert!(new_password_problem("long@example.org", "long@example.org").is_some());
        assert!(new_password_problem(&"x".repeat(257), "a@x.org").is_some());
    }
}
