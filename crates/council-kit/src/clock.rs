//! Time is passed in, never reached for, so tests can move it forward instead of sleeping.

use std::sync::{Arc, Mutex};
use time::{Duration, OffsetDateTime};

/// Where the service gets the current time from.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> OffsetDateTime;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that only moves when told to; for tests (shared: clones see the same time).
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<OffsetDateTime>>);

impl ManualClock {
    pub fn new(start: OffsetDateTime) -> Self {
        Self(Arc::new(Mutex::new(start)))
    }

    /// Starts at the real current time, so tokens it stamps also pass other libraries' checks.
    pub fn starting_now() -> Self {
        Self::new(OffsetDateTime::now_utc())
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced_and_clones_share_it() {
        let clock = ManualClock::new(OffsetDateTime::UNIX_EPOCH);
        let other = clock.clone();
        assert_eq!(clock.now(), OffsetDateTime::UNIX_EPOCH);
        other.advance(Duration::minutes(16));
        assert_eq!(
            clock.now(),
            OffsetDateTime::UNIX_EPOCH + Duration::minutes(16)
        );
    }
}
