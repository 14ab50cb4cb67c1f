//! The council service: configuration, wiring and serving.
//!
//! `main.rs` is a thin command line over this library, so tests start the very same service
//! in-process on a free loopback port ([`Service::build`] then [`Service::serve`]).
//!
//! To add another part of the service (such as the finance API), build it from the same pool,
//! mailer, clock and randomness in [`Service::build`] and merge its router in [`Service::router`].

pub mod config;
pub mod demo;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;

use council_finance::Finance;
use council_identity::Identity;
use council_kit::clock::Clock;
use council_kit::mail::Mailer;
use council_kit::secret::Randomness;
use council_kit::throttle::TrustedProxies;

pub use config::{ConfigError, ServiceConfig};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("email settings: {0}")]
    Mail(#[from] council_kit::mail::MailError),
    #[error(transparent)]
    Database(#[from] council_kit::db::DbError),
    #[error("identity provider: {0}")]
    Identity(#[from] council_identity::StartError),
    #[error("could not listen on {address}: {source}")]
    Listen {
        address: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

/// A configured, started service, ready to serve.
#[derive(Clone)]
pub struct Service {
    pub config: ServiceConfig,
    pub identity: Identity,
    pub finance: Finance,
}

impl Service {
    /// Opens the database, runs migrations and loads keys. `env` resolves environment variables
    /// named by the configuration (the SMTP password).
    pub async fn build(
        config: ServiceConfig,
        clock: Arc<dyn Clock>,
        rng: Arc<dyn Randomness>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ServiceError> {
        let mailer = Arc::new(Mailer::from_config(&config.mail, &env)?);
        Self::build_with(config, mailer, clock, rng, env).await
    }

    pub async fn build_with_mailer(
        config: ServiceConfig,
        mailer: Arc<Mailer>,
        clock: Arc<dyn Clock>,
        rng: Arc<dyn Randomness>,
    ) -> Result<Self, ServiceError> {
        Self::build_with(config, mailer, clock, rng, |_| None).await
    }

    /// Like [`Service::build_with_mailer`]; `env` resolves the environment variables named by the
    /// configuration (the finance system's import credential).
    pub async fn build_with(
        config: ServiceConfig,
        mailer: Arc<Mailer>,
        clock: Arc<dyn Clock>,
        rng: Arc<dyn Randomness>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ServiceError> {
        let pool = council_kit::db::open_sqlite(&config.database_url).await?;
        let identity = Identity::start(
            config.identity.clone(),
            pool.clone(),
            mailer.clone(),
            clock.clone(),
            rng.clone(),
        )
        .await?;
        let finance_config = config.finance.to_config(
            &config.identity.council_name,
            config.identity.is_https(),
            env,
        );
        let finance = Finance::start(
            finance_config,
            pool,
            identity.access_token_verifier(),
            mailer,
            clock,
            rng,
        )
        .await?;
        Ok(Self {
            config,
            identity,
            finance,
        })
    }

    /// Every route of the service.
    pub fn router(&self) -> Router {
        let routes = self
            .identity
            .router()
            .merge(self.finance.router())
            .merge(council_kit::assets::router(self.config.assets_dir.clone()))
            .layer(axum::Extension(TrustedProxies::new(
                self.config.trusted_proxies.iter().copied(),
            )));
        let https = self.identity.config().is_https();
        council_kit::hsts::strict_transport_security(routes, https)
    }

    /// Binds the listen address (port 0 picks a free one) and returns the bound address and the
    /// server future.
    pub async fn bind(
        &self,
        address: SocketAddr,
    ) -> Result<
        (
            SocketAddr,
            impl std::future::Future<Output = std::io::Result<()>>,
        ),
        ServiceError,
    > {
        let listener = TcpListener::bind(address)
            .await
            .map_err(|source| ServiceError::Listen { address, source })?;
        let bound = listener
            .local_addr()
            .map_err(|source| ServiceError::Listen { address, source })?;
        let app = self
            .router()
            .into_make_service_with_connect_info::<SocketAddr>();
        Ok((bound, async move { axum::serve(listener, app).await }))
    }
}
