//! Random tokens and codes, and comparing secrets without leaking timing.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Where random bytes come from; injected so tests can pin them when they need to.
pub trait Randomness: Send + Sync + 'static {
    fn fill(&self, buf: &mut [u8]);
}

/// The operating system's cryptographically secure random number generator.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRandomness;

impl Randomness for OsRandomness {
    fn fill(&self, buf: &mut [u8]) {
        // Without OS randomness no secret could be trusted: stopping is the only safe answer.
        getrandom::fill(buf)
            .expect("the operating system's random number generator is unavailable");
    }
}

/// 256 random bits, URL-safe base64 without padding (43 characters).
pub fn random_token(rng: &dyn Randomness) -> String {
    let mut bytes = [0u8; 32];
    rng.fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A code of `digits` decimal digits, each uniformly random (rejection sampling avoids modulo bias).
pub fn random_digits(rng: &dyn Randomness, digits: usize) -> String {
    let mut code = String::with_capacity(digits);
    while code.len() < digits {
        let mut byte = [0u8; 1];
        rng.fill(&mut byte);
        // 250 is the largest multiple of 10 not above 256.
        if byte[0] < 250 {
            code.push(char::from(b'0' + byte[0] % 10));
        }
    }
    code
}

/// Compares two secrets in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// A one-way fingerprint of a high-entropy token, for storing tokens without storing them.
pub fn token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

/// SHA-256 of bytes, URL-safe base64 without padding (used for PKCE S256 and key ids).
pub fn sha256_base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cycles through given bytes: lets a test see exactly how bytes become digits.
    struct Scripted(std::sync::Mutex<std::vec::IntoIter<u8>>);
    impl Randomness for Scripted {
        fn fill(&self, buf: &mut [u8]) {
            let mut bytes = self.0.lock().unwrap();
            for b in buf {
                *b = bytes.next().expect("test ran out of scripted bytes");
            }
        }
    }

    #[test]
    fn digits_skip_biased_bytes() {
        let rng = Scripted(std::sync::Mutex::new(
            vec![255, 1, 250, 23, 9, 100, 249, 0].into_iter(),
        ));
        assert_eq!(random_digits(&rng, 6), "139090");
    }

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = random_token(&OsRandomness);
        let b = random_token(&OsRandomness);
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
    }

    #[test]
    fn constant_time_eq_compares_content_and_length() {
        assert!(constant_time_eq(b"123456", b"123456"));
        assert!(!constant_time_eq(b"123456", b"123457"));
        assert!(!constant_time_eq(b"12345", b"123456"));
    }

    #[test]
    fn pkce_s256_matches_rfc7636_example() {
        // RFC 7636 appendix B.
        assert_eq!(
            sha256_base64url(b"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
