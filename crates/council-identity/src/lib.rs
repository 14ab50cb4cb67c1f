//! The council's OpenID Connect provider: accounts with emailed codes, sign-in pages, and the
//! protocol endpoints (discovery, JWKS, authorize, token, userinfo, revoke, end session).
//!
//! Build one [`Identity`] with [`Identity::start`], mount [`Identity::router`], and serve it with
//! connection info so sign-in can be throttled per address:
//!
//! ```no_run
//! # async fn run(identity: council_identity::Identity) -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8400").await?;
//! axum::serve(
//!     listener,
//!     identity.router().into_make_service_with_connect_info::<std::net::SocketAddr>(),
//! )
//! .await
//! # }
//! ```
//!
//! The finance API checks access tokens with [`Identity::access_token_verifier`] (in-process) or
//! [`AccessTokenVerifier::from_jwks`] (from the published JWKS).

pub mod accounts;
pub mod clients;
pub mod codes;
pub mod config;
mod emails;
mod forms;
pub mod grants;
pub mod keys;
mod oidc;
mod pages;
pub mod sessions;
pub mod tokens;
mod web;

use std::sync::Arc;

use axum::Router;
use sqlx::SqlitePool;
use time::Duration;

use council_kit::clock::Clock;
use council_kit::mail::Mailer;
use council_kit::page::Chrome;
use council_kit::secret::{random_token, Randomness};
use council_kit::throttle::Throttle;

pub use config::{ClientConfig, ClientKind, IdentityConfig, Policy};
pub use keys::{Jwks, Rotation, SigningKeys};
pub use tokens::{AccessTokenClaims, AccessTokenVerifier, TokenError};

use accounts::{AccountDetails, Passwords};

/// The identity provider: configuration, database, keys, mail, clock and randomness.
/// Cheap to clone (everything is shared).
#[derive(Clone)]
pub struct Identity {
    inner: Arc<Inner>,
}

struct Inner {
    config: IdentityConfig,
    pool: SqlitePool,
    keys: SigningKeys,
    verifier: AccessTokenVerifier,
    mailer: Arc<Mailer>,
    clock: Arc<dyn Clock>,
    rng: Arc<dyn Randomness>,
    passwords: Passwords,
    chrome: Chrome,
    throttles: Throttles,
    forms: forms::FormKey,
}

/// Limits that slow down guessing and stop the service being used to flood someone's inbox.
///
/// Keys are normalised email addresses whether or not they have an account, so a limit answers
/// the same for both; per-address limits count an IPv6 visitor's whole /64 (see
/// [`council_kit::throttle::ClientAddress`]). The worst-case guessing rate these allow is worked
/// out in the service's README (security section).
struct Throttles {
    /// Wrong passwords per account.
    sign_in_per_account: Throttle,
    /// Wrong passwords per network address.
    sign_in_per_address: Throttle,
    /// "Send me a new code" per email address.
    resend_per_email: Throttle,
    /// Every email sent to one address, whatever page sends it (the cap warning aside: see
    /// `cap_warnings_per_email`).
    mail_per_email: Throttle,
    /// Codes issued per email address, whatever the page: each code allows 5 tries, so this
    /// bounds the guesses at one address in a short burst.
    codes_per_email: Throttle,
    /// Codes issued per email address in a day: the long-run bound on fresh tries.
    codes_per_email_daily: Throttle,
    /// Wrong codes per email address in a day, across all its codes: past this even the right
    /// code is refused until the day has passed.
    wrong_codes_per_email_daily: Throttle,
    /// The owner is told once a day when a daily cap is reached (a warning, never a code).
    cap_warnings_per_email: Throttle,
    /// Wrong codes per network address, across emails.
    code_tries_per_address: Throttle,
    /// "Create an account" forms per network address (each costs a password hash).
    new_accounts_per_address: Throttle,
    /// "Create an account" forms from everyone together (the policy's `new_accounts_per_hour`).
    new_accounts: Throttle,
}

/// "Create an account" forms accepted from one network address in an hour.
pub const NEW_ACCOUNTS_PER_ADDRESS_HOURLY: u32 = 10;

/// Codes issued to one email address in [`DAILY`].
pub const DAILY_CODES_PER_EMAIL: u32 = 10;
/// Wrong codes entered for one email address in [`DAILY`].
pub const DAILY_WRONG_CODES_PER_EMAIL: u32 = 20;
/// Emails sent to one address in [`DAILY`], whatever page sends them.
pub const DAILY_MAIL_PER_EMAIL: u32 = 10;
/// The window of the daily caps: a rolling 24 hours.
pub const DAILY: Duration = Duration::hours(24);

impl Throttles {
    /// Kept in the database (council-kit's `kit_throttle_events`): they outlive a restart and
    /// hold across instances that share the database.
    fn new(pool: &SqlitePool, policy: &Policy) -> Self {
        let limit = |scope, limit, window| Throttle::new(pool.clone(), scope, limit, window);
        Self {
            sign_in_per_account: limit("identity.sign-in.account", 5, Duration::minutes(15)),
            sign_in_per_address: limit("identity.sign-in.address", 50, Duration::minutes(15)),
            resend_per_email: limit("identity.resend.email", 3, Duration::minutes(15)),
            mail_per_email: limit("identity.mail.email.day", DAILY_MAIL_PER_EMAIL, DAILY),
            codes_per_email: limit("identity.codes.email", 4, Duration::minutes(15)),
            codes_per_email_daily: limit("identity.codes.email.day", DAILY_CODES_PER_EMAIL, DAILY),
            wrong_codes_per_email_daily: limit(
                "identity.wrong-codes.email.day",
                DAILY_WRONG_CODES_PER_EMAIL,
                DAILY,
            ),
            cap_warnings_per_email: limit("identity.cap-warning.email", 1, DAILY),
            code_tries_per_address: limit("identity.code-tries.address", 50, Duration::minutes(15)),
            new_accounts_per_address: limit(
                "identity.new-accounts.address",
                NEW_ACCOUNTS_PER_ADDRESS_HOURLY,
                Duration::hours(1),
            ),
            new_accounts: limit(
                "identity.new-accounts",
                policy.new_accounts_per_hour,
                Duration::hours(1),
            ),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("the identity settings have problems: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Config(Vec<config::ConfigProblem>),
    #[error(transparent)]
    Database(#[from] council_kit::db::DbError),
    #[error(transparent)]
    Keys(#[from] keys::KeyError),
    #[error("could not read or store the key that signs form tokens: {0}")]
    FormKey(#[source] sqlx::Error),
}

/// The identity provider's migrations (versions 1000-1999).
pub fn migrator() -> sqlx::migrate::Migrator {
    sqlx::migrate!("./migrations")
}

impl Identity {
    /// Checks the settings, brings the database up to date and loads (or makes) the signing keys.
    pub async fn start(
        config: IdentityConfig,
        pool: SqlitePool,
        mailer: Arc<Mailer>,
        clock: Arc<dyn Clock>,
        rng: Arc<dyn Randomness>,
    ) -> Result<Self, StartError> {
        let problems = config.problems();
        if !problems.is_empty() {
            return Err(StartError::Config(problems));
        }
        council_kit::db::migrate(&pool, migrator()).await?;
        let keys = SigningKeys::load_or_create(&pool, clock.now()).await?;
        let verifier = AccessTokenVerifier::from_jwks(
            config.issuer_str(),
            config.access_token_audience.clone(),
            keys.jwks(),
        )
        .map_err(|_| keys::KeyError::Damaged)?
        .with_grant_check(pool.clone());
        let chrome = Chrome {
            council_name: config.council_name.clone(),
            service_name: config.service_name.clone(),
            service_href: "/".into(),
        };
        let passwords = Passwords::new(rng.as_ref());
        let throttles = Throttles::new(&pool, &config.policy);
        let forms = forms::FormKey::load_or_create(&pool, rng.as_ref(), clock.now())
            .await
            .map_err(StartError::FormKey)?;
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                pool,
                keys,
                verifier,
                mailer,
                clock,
                rng,
                passwords,
                chrome,
                throttles,
                forms,
            }),
        })
    }

    /// All the provider's routes: protocol endpoints and pages (with HSTS when the issuer is
    /// https).
    pub fn router(&self) -> Router {
        let routes = oidc::routes()
            .merge(pages::routes())
            .with_state(self.clone());
        council_kit::hsts::strict_transport_security(routes, self.config().is_https())
    }

    /// Checks access tokens against this provider's keys, issuer and the finance API audience,
    /// and (with `verify_current`) that their grant has not been revoked.
    pub fn access_token_verifier(&self) -> AccessTokenVerifier {
        self.inner.verifier.clone()
    }

    pub fn config(&self) -> &IdentityConfig {
        &self.inner.config
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.inner.pool
    }

    pub fn jwks(&self) -> &Jwks {
        self.inner.keys.jwks()
    }

    /// Creates an account whose email is already confirmed (demo data and administration).
    /// Returns the account's `sub`, or `None` if the email is already registered.
    pub async fn create_confirmed_account(
        &self,
        details: &AccountDetails,
        password: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        if accounts::find_by_email(self.pool(), &details.email)
            .await?
            .is_some()
        {
            return Ok(None);
        }
        let id = random_token(self.rng());
        let hash = self.inner.passwords.hash(password, self.rng()).await;
        accounts::insert(self.pool(), &id, details, &hash, true, self.now()).await?;
        Ok(Some(id))
    }

    fn now(&self) -> time::OffsetDateTime {
        self.inner.clock.now()
    }

    fn rng(&self) -> &dyn Randomness {
        self.inner.rng.as_ref()
    }
}
