//! Rate limits kept in the database: at most `limit` events per key within a sliding `window`.
//!
//! Kept in the service's database (table `kit_throttle_events`), so a restart does not hand an
//! attacker a fresh allowance, and several instances sharing one database share one limit. Keys
//! are stored only as SHA-256 fingerprints (they are email and network addresses). Old events
//! are deleted as new ones are counted, so the table stays small.
//!
//! Behind a reverse proxy every visitor would have the proxy's address; list the proxy in
//! [`TrustedProxies`] and the visitor's address is read from its `X-Forwarded-For` instead.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use sqlx::SqlitePool;
use time::{Duration, OffsetDateTime};

use crate::secret::sha256_base64url;

/// Refused: too many events for this key. `retry_after` says when the oldest one leaves the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    pub retry_after: Duration,
}

impl Throttled {
    /// The wait in words for a page: "12 minutes" (or "5 hours" past an hour and a half),
    /// rounded up, never zero.
    pub fn wait_text(&self) -> String {
        let seconds = self.retry_after.whole_seconds();
        let minutes = ((seconds + 59) / 60).max(1);
        match minutes {
            1 => "1 minute".into(),
            ..=90 => format!("{minutes} minutes"),
            _ => format!("{} hours", (seconds + 3599) / 3600),
        }
    }
}

/// The reverse proxies whose `X-Forwarded-For` header is believed (the service's
/// `trusted_proxies`). Put it in the request extensions (`axum::Extension`); none means none.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<[IpAddr]>);

impl TrustedProxies {
    pub fn new(addresses: impl IntoIterator<Item = IpAddr>) -> Self {
        Self(addresses.into_iter().collect())
    }

    fn trusts(&self, address: IpAddr) -> bool {
        // IPv4 peers on a dual-stack socket arrive as ::ffff:a.b.c.d.
        self.0
            .iter()
            .any(|t| t.to_canonical() == address.to_canonical())
    }

    /// The visitor's address: the TCP peer, unless the peer is a trusted proxy; then the
    /// right-most address in `X-Forwarded-For` that is not a trusted proxy (the ones to its left
    /// were written by the visitor and could say anything).
    pub fn client_ip<'a>(
        &self,
        peer: IpAddr,
        forwarded_for: impl DoubleEndedIterator<Item = &'a str>,
    ) -> IpAddr {
        let mut client = peer;
        if !self.trusts(client) {
            return client;
        }
        let hops: Vec<&str> = forwarded_for.flat_map(|v| v.split(',')).collect();
        for hop in hops.iter().rev() {
            // Something unreadable: stop at the last address we could trust to have written it.
            let Ok(address) = hop.trim().parse::<IpAddr>() else {
                break;
            };
            client = address;
            if !self.trusts(address) {
                break;
            }
        }
        client
    }
}

/// The caller's network, for per-address limits (needs the server to be run with
/// `into_make_service_with_connect_info::<SocketAddr>()`): the TCP peer, or when the peer is one
/// of the [`TrustedProxies`] in the request extensions, the visitor it forwarded for.
///
/// An IPv4 address counts alone; an IPv6 address counts as its whole /64 ("2001:db8:1:2::/64"),
/// because one home or host is routinely given a /64 and could otherwise pick a fresh address
/// for every try.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl ClientAddress {
    /// The key that per-address limits count under: see [`ClientAddress`].
    pub fn for_limits(address: IpAddr) -> Self {
        match address.to_canonical() {
            IpAddr::V4(v4) => Self(v4.to_string()),
            IpAddr::V6(v6) => {
                let s = v6.segments();
                let network = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                Self(format!("{network}/64"))
            }
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(peer) = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip())
        else {
            return Ok(Self("unknown".into()));
        };
        let trusted = parts.extensions.get::<TrustedProxies>();
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok());
        let address = match trusted {
            Some(trusted) => trusted.client_ip(peer, forwarded),
            None => peer,
        };
        Ok(Self::for_limits(address))
    }
}

/// One limit (for example "wrong passwords per account"), named by its `scope`.
#[derive(Debug, Clone)]
pub struct Throttle {
    pool: SqlitePool,
    scope: &'static str,
    limit: i64,
    window: Duration,
}

impl Throttle {
    /// `scope` names this limit in the table: give each limit its own.
    pub fn new(pool: SqlitePool, scope: &'static str, limit: u32, window: Duration) -> Self {
        Self {
            pool,
            scope,
            limit: i64::from(limit),
            window,
        }
    }

    /// Refuses (`Some`) if the key already used up its allowance; does not count an event.
    pub async fn check(
        &self,
        key: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Throttled>, sqlx::Error> {
        let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(at) FROM kit_throttle_events \
             WHERE scope = ? AND key_hash = ? AND at > ?",
        )
        .bind(self.scope)
        .bind(fingerprint(key))
        .bind((now - self.window).unix_timestamp())
        .fetch_one(&self.pool)
        .await?;
        if count < self.limit {
            return Ok(None);
        }
        let oldest = oldest.unwrap_or(now.unix_timestamp());
        let retry_after =
            Duration::seconds(oldest + self.window.whole_seconds() - now.unix_timestamp());
        Ok(Some(Throttled {
            retry_after: retry_after.max(Duration::ZERO),
        }))
    }

    /// Counts one event for the key (and forgets this scope's events older than the window).
    pub async fn record(&self, key: &str, now: OffsetDateTime) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM kit_throttle_events WHERE scope = ? AND at <= ?")
            .bind(self.scope)
            .bind((now - self.window).unix_timestamp())
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO kit_throttle_events (scope, key_hash, at) VALUES (?, ?, ?)")
            .bind(self.scope)
            .bind(fingerprint(key))
            .bind(now.unix_timestamp())
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }

    /// Checks, and counts the event only if it is allowed.
    pub async fn hit(
        &self,
        key: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Throttled>, sqlx::Error> {
        if let Some(throttled) = self.check(key, now).await? {
            return Ok(Some(throttled));
        }
        self.record(key, now).await?;
        Ok(None)
    }

    /// Forgets a key's events (for example after a successful sign-in).
    pub async fn clear(&self, key: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM kit_throttle_events WHERE scope = ? AND key_hash = ?")
            .bind(self.scope)
            .bind(fingerprint(key))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

fn fingerprint(key: &str) -> String {
    sha256_base64url(key.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn database(dir: &tempfile::TempDir) -> SqlitePool {
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let pool = crate::db::open_sqlite(&url).await.unwrap();
        crate::db::migrate(&pool, crate::db::kit_migrator())
            .await
            .unwrap();
        pool
    }

    #[tokio::test]
    async fn refuses_past_the_limit_until_the_window_moves_on() {
        let dir = tempfile::tempdir().unwrap();
        let throttle = Throttle::new(database(&dir).await, "test", 3, Duration::minutes(15));
        let start = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        for i in 0..3 {
            assert_eq!(
                throttle
                    .hit("a", start + Duration::minutes(i))
                    .await
                    .unwrap(),
                None
            );
        }
        let refused = throttle
            .hit("a", start + Duration::minutes(5))
            .await
            .unwrap();
        assert_eq!(
            refused,
            Some(Throttled {
                retry_after: Duration::minutes(10)
            })
        );
        assert_eq!(
            throttle.hit("b", start).await.unwrap(),
            None,
            "keys are independent"
        );
        assert_eq!(
            throttle
                .hit("a", start + Duration::minutes(15))
                .await
                .unwrap(),
            None
        );
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let proxies = TrustedProxies::new([ip("10.0.0.1"), ip("10.0.0.2")]);
        let client = |peer: &str, headers: &[&str]| {
            proxies
                .client_ip(ip(peer), headers.iter().copied())
                .to_string()
        };
        assert_eq!(
            client("192.0.2.9", &["203.0.113.5"]),
            "192.0.2.9",
            "untrusted peer"
        );
        assert_eq!(client("10.0.0.1", &[]), "10.0.0.1");
        assert_eq!(client("10.0.0.1", &["203.0.113.5"]), "203.0.113.5");
        assert_eq!(
            client("10.0.0.1", &["1.2.3.4, 203.0.113.5, 10.0.0.2"]),
            "203.0.113.5",
            "the right-most untrusted address"
        );
        assert_eq!(
            client("10.0.0.1", &["1.2.3.4", "203.0.113.5"]),
            "203.0.113.5"
        );
        assert_eq!(client("10.0.0.1", &["203.0.113.5, junk"]), "10.0.0.1");
        assert_eq!(client("::ffff:10.0.0.1", &["203.0.113.5"]), "203.0.113.5");
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_ip(ip("10.0.0.1"), ["203.0.113.5"].into_iter())
                .to_string(),
            "10.0.0.1"
        );
    }

    #[test]
    fn an_ipv6_visitor_counts_as_their_whole_64() {
        let key = |s: &str| ClientAddress::for_limits(s.parse().unwrap()).0;
        assert_eq!(key("2001:db8:1:2::a"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:ffff:1:2:3"), "2001:db8:1:2::/64");
        assert_ne!(key("2001:db8:1:3::a"), key("2001:db8:1:2::a"));
        assert_eq!(key("203.0.113.5"), "203.0.113.5");
        assert_eq!(key("::ffff:203.0.113.5"), "203.0.113.5");
    }

    #[test]
    fn waits_are_whole_minutes_rounded_up() {
        let wait = |seconds| {
            Throttled {
                retry_after: Duration::seconds(seconds),
            }
            .wait_text()
        };
        assert_eq!(wait(0), "1 minute");
        assert_eq!(wait(60), "1 minute");
        assert_eq!(wait(61), "2 minutes");
        assert_eq!(wait(600), "10 minutes");
        assert_eq!(wait(90 * 60), "90 minutes");
        assert_eq!(wait(90 * 60 + 1), "2 hours");
        assert_eq!(wait(23 * 3600 + 1), "24 hours");
    }

    #[tokio::test]
    async fn check_does_not_count_and_clear_forgets() {
        let dir = tempfile::tempdir().unwrap();
        let throttle = Throttle::new(database(&dir).await, "test", 1, Duration::minutes(1));
        let now = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        assert_eq!(throttle.check("a", now).await.unwrap(), None);
        assert_eq!(throttle.check("a", now).await.unwrap(), None);
        throttle.record("a", now).await.unwrap();
        assert!(throttle.check("a", now).await.unwrap().is_some());
        throttle.clear("a").await.unwrap();
        assert_eq!(throttle.check("a", now).await.unwrap(), None);
    }

    #[tokio::test]
    async fn limits_outlive_a_restart_and_scopes_and_keys_stay_apart() {
        let dir = tempfile::tempdir().unwrap();
        let now = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        let first = Throttle::new(database(&dir).await, "sign-in", 2, Duration::minutes(15));
        first.record("ann@example.org", now).await.unwrap();
        first.record("ann@example.org", now).await.unwrap();
        drop(first);
        // A new process: a new pool on the same file.
        let pool = database(&dir).await;
        let again = Throttle::new(pool.clone(), "sign-in", 2, Duration::minutes(15));
        assert!(again.check("ann@example.org", now).await.unwrap().is_some());
        let other_scope = Throttle::new(pool.clone(), "resend", 2, Duration::minutes(15));
        assert_eq!(
            other_scope.check("ann@example.org", now).await.unwrap(),
            None
        );
        let stored: Vec<String> = sqlx::query_scalar("SELECT key_hash FROM kit_throttle_events")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(stored.len(), 2);
        assert!(
            stored.iter().all(|k| !k.contains("ann")),
            "only fingerprints are kept"
        );
        // Old events are deleted as new ones are counted.
        again
            .record("bob@example.org", now + Duration::minutes(16))
            .await
            .unwrap();
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM kit_throttle_events")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(left, 1);
    }
}
