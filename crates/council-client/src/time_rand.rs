//! Time and randomness are passed in, so tests control them.

use time::OffsetDateTime;

/// Where "now" comes from.
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

/// The computer's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

impl<F> Clock for F
where
    F: Fn() -> OffsetDateTime + Send + Sync,
{
    fn now(&self) -> OffsetDateTime {
        self()
    }
}

/// Where unpredictable bytes come from (state, nonce and PKCE verifier).
pub trait Randomness: Send + Sync {
    fn fill(&self, dest: &mut [u8]) -> std::io::Result<()>;
}

/// The operating system's secure random number generator.
#[derive(Clone, Copy, Debug, Default)]
pub struct OsRandomness;

impl Randomness for OsRandomness {
    fn fill(&self, dest: &mut [u8]) -> std::io::Result<()> {
        getrandom::fill(dest).map_err(|_| std::io::Error::other("no secure randomness"))
    }
}
