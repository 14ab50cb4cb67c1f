//! A small in-memory rate limiter: at most `limit` events per key within a sliding `window`.
//!
//! In memory on purpose: limits reset when the service restarts and are per instance. A council
//! running several instances behind a load balancer should also limit at the proxy.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use time::{Duration, OffsetDateTime};

/// Refused: too many events for this key. `retry_after` says when the oldest one leaves the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    pub retry_after: Duration,
}

#[derive(Debug)]
pub struct Throttle {
    limit: usize,
    window: Duration,
    events: Mutex<HashMap<String, VecDeque<OffsetDateTime>>>,
}

/// Past this many keys, keys with no recent events are dropped so memory stays bounded.
const PRUNE_ABOVE_KEYS: usize = 10_000;

impl Throttle {
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit,
            window,
            events: Mutex::new(HashMap::new()),
        }
    }

    /// Refuses if the key already used up its allowance; does not count an event.
    pub fn check(&self, key: &str, now: OffsetDateTime) -> Result<(), Throttled> {
        let mut events = self.lock();
        let Some(times) = events.get_mut(key) else {
            return Ok(());
        };
        Self::forget_old(times, now, self.window);
        if times.len() >= self.limit {
            let oldest = times.front().copied().unwrap_or(now);
            return Err(Throttled {
                retry_after: (oldest + self.window - now).max(Duration::ZERO),
            });
        }
        Ok(())
    }

    /// Counts one event for the key.
    pub fn record(&self, key: &str, now: OffsetDateTime) {
        let mut events = self.lock();
        if events.len() > PRUNE_ABOVE_KEYS {
            let window = self.window;
            events.retain(|_, times| {
                Self::forget_old(times, now, window);
                !times.is_empty()
            });
        }
        let times = events.entry(key.to_owned()).or_default();
        Self::forget_old(times, now, self.window);
        times.push_back(now);
    }

    /// Checks, and counts the event only if it is allowed.
    pub fn hit(&self, key: &str, now: OffsetDateTime) -> Result<(), Throttled> {
        self.check(key, now)?;
        self.record(key, now);
        Ok(())
    }

    /// Forgets a key's events (for example after a successful sign-in).
    pub fn clear(&self, key: &str) {
        self.lock().remove(key);
    }

    fn forget_old(times: &mut VecDeque<OffsetDateTime>, now: OffsetDateTime, window: Duration) {
        while times.front().is_some_and(|t| *t + window <= now) {
            times.pop_front();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<OffsetDateTime>>> {
        self.events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_limit_until_the_window_moves_on() {
        let throttle = Throttle::new(3, Duration::minutes(15));
        let start = OffsetDateTime::UNIX_EPOCH;
        for i in 0..3 {
            assert!(throttle.hit("a", start + Duration::minutes(i)).is_ok());
        }
        let refused = throttle.hit("a", start + Duration::minutes(5)).unwrap_err();
        assert_eq!(refused.retry_after, Duration::minutes(10));
        assert!(throttle.hit("b", start).is_ok(), "keys are independent");
        assert!(throttle.hit("a", start + Duration::minutes(15)).is_ok());
    }

    #[test]
    fn check_does_not_count_and_clear_forgets() {
        let throttle = Throttle::new(1, Duration::minutes(1));
        let now = OffsetDateTime::UNIX_EPOCH;
        assert!(throttle.check("a", now).is_ok());
        assert!(throttle.check("a", now).is_ok());
        throttle.record("a", now);
        assert!(throttle.check("a", now).is_err());
        throttle.clear("a");
        assert!(throttle.check("a", now).is_ok());
    }
}
