//! What every part of the council service shares.
//!
//! The identity provider (`council-identity`) and the finance API and console build on these pieces
//! so that mail, pages, CSRF, secrets, throttling, the database and API errors work the same way
//! everywhere:
//!
//! - [`mail`]: send plain-text email through SMTP, or into an outbox folder for the demo.
//! - [`page`]: the server-rendered, accessible page layout (govuk-frontend classes) and form parts.
//! - [`csrf`], [`cookie`]: per-session CSRF tokens and session cookies.
//! - [`secret`]: random tokens and codes from an injectable source, constant-time comparison.
//! - [`clock`]: the injectable clock, so tests can expire things without sleeping.
//! - [`throttle`]: rate limits per key kept in the database, and the caller's address (read
//!   from `X-Forwarded-For` only behind a trusted proxy).
//! - [`db`]: open a SQLite pool (WAL, foreign keys) and run a crate's migrations.
//! - [`error`]: the one JSON error shape of every API.
//! - [`hsts`]: `Strict-Transport-Security` on every response of a service reached over https.
//! - `smtp_sink` (feature `test-sink`): a real minimal SMTP server for tests.

pub mod assets;
pub mod clock;
pub mod cookie;
pub mod csrf;
pub mod db;
pub mod error;
pub mod hsts;
pub mod mail;
pub mod page;
pub mod secret;
#[cfg(feature = "test-sink")]
pub mod smtp_sink;
pub mod throttle;
