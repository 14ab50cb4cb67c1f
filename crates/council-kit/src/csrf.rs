//! CSRF protection for HTML forms: each session has a random token; every POST form carries it in
//! a hidden field named [`FIELD`], and the handler checks it before doing anything else.
//! SameSite=Lax cookies already stop most cross-site posts; the token covers older browsers too.

use crate::secret::{constant_time_eq, random_token, Randomness};

/// The hidden form field that carries the token.
pub const FIELD: &str = "csrf_token";

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("This form has expired or did not come from this service. Go back, reload the page and try again.")]
pub struct CsrfRejected;

/// A fresh token for a new session.
pub fn new_token(rng: &dyn Randomness) -> String {
    random_token(rng)
}

/// Accepts the submitted token only if it matches the session's, in constant time.
pub fn verify(session_token: &str, submitted: Option<&str>) -> Result<(), CsrfRejected> {
    match submitted {
        Some(submitted)
            if !session_token.is_empty()
                && constant_time_eq(session_token.as_bytes(), submitted.as_bytes()) =>
        {
            Ok(())
        }
        _ => Err(CsrfRejected),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::OsRandomness;

    #[test]
    fn only_the_sessions_token_passes() {
        let token = new_token(&OsRandomness);
        assert!(verify(&token, Some(&token)).is_ok());
        assert!(verify(&token, None).is_err());
        assert!(verify(&token, Some("forged")).is_err());
        assert!(verify("", Some("")).is_err());
    }
}
