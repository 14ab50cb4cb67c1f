//! The council's finance side: client records and their published documents (each change gets a
//! server-wide, monotonic change number), access requests reviewed by the finance team, the
//! finance-team console, and the documents API that the desktop app syncs from.
//!
//! Build one [`Finance`] with [`Finance::start`] from the same pool, mailer, clock and randomness
//! as the identity provider, check access tokens with the provider's
//! [`council_identity::AccessTokenVerifier`], and merge [`Finance::router`] into the service.
//!
//! - [`records`]: people, documents, change numbers and the change feed (the only SQL on documents).
//! - [`access`]: access requests, matching them against the records, and grants.
//! - [`import`]: the finance system's CSV export and JSON push, one transaction per file.
//! - [`api`]: `/api/v1`, the documents and access-request API, and its OpenAPI document.
//! - [`console`]: the finance team's server-rendered pages under `/console`.
//! - [`staff`], [`audit`], [`emails`]: staff accounts, the audit log, the emails people get.
//! - [`demo`]: the deterministic demo data set.
//! - [`service`]: settings and commands for `council-service`.

pub mod access;
pub mod api;
pub mod audit;
pub mod console;
pub mod demo;
pub mod emails;
pub mod import;
pub mod records;
pub mod service;
pub mod staff;

use std::sync::Arc;

use axum::Router;
use sqlx::SqlitePool;

use council_identity::AccessTokenVerifier;
use council_kit::clock::Clock;
use council_kit::mail::Mailer;
use council_kit::page::Chrome;
use council_kit::secret::Randomness;
use council_kit::throttle::Throttle;

/// The finance side's settings.
#[derive(Clone, PartialEq, Eq)]
pub struct FinanceConfig {
    /// Shown in the console's header and in emails.
    pub council_name: String,
    /// The credential the finance system presents to `POST /api/v1/import/remittances`
    /// (`Authorization: Bearer ...`). `None` turns the push endpoint off.
    pub import_credential: Option<String>,
    /// Mark console cookies `Secure` (the service is reached over https).
    pub secure_cookies: bool,
}

/// The credential is a secret: never print it.
impl std::fmt::Debug for FinanceConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FinanceConfig")
            .field("council_name", &self.council_name)
            .field(
                "import_credential",
                &self.import_credential.as_ref().map(|_| "(set)"),
            )
            .field("secure_cookies", &self.secure_cookies)
            .finish()
    }
}

/// The finance side, ready to serve. Cheap to clone (everything is shared).
#[derive(Clone)]
pub struct Finance {
    inner: Arc<Inner>,
}

struct Inner {
    config: FinanceConfig,
    pool: SqlitePool,
    verifier: AccessTokenVerifier,
    mailer: Arc<Mailer>,
    clock: Arc<dyn Clock>,
    rng: Arc<dyn Randomness>,
    chrome: Chrome,
    throttles: StaffThrottles,
    argon2_runs: staff::Argon2Runs,
}

/// Limits on console sign-in, kept in the database (they outlive a restart).
pub(crate) struct StaffThrottles {
    /// Wrong passwords per staff email address.
    pub per_account: Throttle,
    /// Wrong passwords per network address.
    pub per_address: Throttle,
}

/// The finance side's migrations (versions 2000-2999).
pub fn migrator() -> sqlx::migrate::Migrator {
    sqlx::migrate!("./migrations")
}

impl Finance {
    /// Brings the database up to date and returns the finance side.
    pub async fn start(
        config: FinanceConfig,
        pool: SqlitePool,
        verifier: AccessTokenVerifier,
        mailer: Arc<Mailer>,
        clock: Arc<dyn Clock>,
        rng: Arc<dyn Randomness>,
    ) -> Result<Self, council_kit::db::DbError> {
        council_kit::db::migrate(&pool, migrator()).await?;
        let filled = records::fill_missing_document_json(&pool)
            .await
            .map_err(|e| council_kit::db::DbError::Upgrade(e.to_string()))?;
        if filled > 0 {
            tracing::info!(documents = filled, "stored the API form of older documents");
        }
        let chrome = Chrome {
            council_name: config.council_name.clone(),
            service_name: "Finance team console".into(),
            service_href: console::HOME.into(),
        };
        let throttles = StaffThrottles {
            per_account: Throttle::new(
                pool.clone(),
                "console.sign-in.account",
                5,
                time::Duration::minutes(15),
            ),
            per_address: Throttle::new(
                pool.clone(),
                "console.sign-in.address",
                50,
                time::Duration::minutes(15),
            ),
        };
        Ok(Self {
            inner: Arc::new(Inner {
                throttles,
                argon2_runs: staff::Argon2Runs::default(),
                config,
                pool,
                verifier,
                mailer,
                clock,
                rng,
                chrome,
            }),
        })
    }

    /// The documents API under `/api/v1` and the console under `/console`.
    pub fn router(&self) -> Router {
        self.router_with_push_limit(api::PUSH_BODY_LIMIT_BYTES)
    }

    /// [`Finance::router`] with another body limit on the finance system's push (for tests).
    pub fn router_with_push_limit(&self, push_body_limit_bytes: usize) -> Router {
        api::routes_with_push_limit(self.clone(), push_body_limit_bytes)
            .merge(console::routes(self.clone()))
    }

    pub fn config(&self) -> &FinanceConfig {
        &self.inner.config
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.inner.pool
    }

    pub fn now(&self) -> time::OffsetDateTime {
        self.inner.clock.now()
    }

    pub(crate) fn rng(&self) -> &dyn Randomness {
        self.inner.rng.as_ref()
    }

    pub(crate) fn verifier(&self) -> &AccessTokenVerifier {
        &self.inner.verifier
    }

    pub(crate) fn mailer(&self) -> &Mailer {
        &self.inner.mailer
    }

    pub(crate) fn throttles(&self) -> &StaffThrottles {
        &self.inner.throttles
    }

    /// How many Argon2 computations console sign-ins have made since the service started (each
    /// try should cost exactly one, whatever the email: see [`staff::Argon2Runs`]).
    pub fn argon2_runs(&self) -> u64 {
        self.inner.argon2_runs.get()
    }

    pub(crate) fn argon2(&self) -> &staff::Argon2Runs {
        &self.inner.argon2_runs
    }

    pub(crate) fn chrome(&self) -> &Chrome {
        &self.inner.chrome
    }

    /// A new opaque identifier (256 random bits).
    pub(crate) fn new_id(&self) -> String {
        council_kit::secret::random_token(self.rng())
    }
}
