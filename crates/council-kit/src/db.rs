//! Opening the service's SQL database.
//!
//! SQLite by default (one file, WAL so readers never wait for the writer, foreign keys on). Keep the
//! SQL itself portable to PostgreSQL: TEXT ids, INTEGER unix seconds for times, no AUTOINCREMENT,
//! `?` placeholders only through sqlx, and no SQLite-only functions.
//!
//! Several crates keep their own migrations in the same database. Each crate's migration versions
//! must not collide with another crate's (identity uses 1000-1999, finance 2000-2999), and each
//! migrator is run with `ignore_missing` so it does not object to the other crates' rows in
//! `_sqlx_migrations`.

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database address is not valid: {0}")]
    BadUrl(String),
    #[error("could not open the database: {0}")]
    Open(#[source] sqlx::Error),
    #[error("could not bring the database up to date: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

/// Opens (creating if needed) the SQLite database at `url` (e.g. `sqlite://council.db`).
pub async fn open_sqlite(url: &str) -> Result<SqlitePool, DbError> {
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| DbError::BadUrl(e.to_string()))?
        .create_if_missing(true)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let options = if in_memory {
        options
    } else {
        options.journal_mode(SqliteJournalMode::Wal)
    };
    // Each connection to an in-memory database is a separate database: keep exactly one.
    let max_connections = if in_memory { 1 } else { 8 };
    SqlitePoolOptions::new()
        .max_connections(max_connections)
        .connect_with(options)
        .await
        .map_err(DbError::Open)
}

/// Runs one crate's migrations, tolerating other crates' migrations in the same database.
pub async fn migrate(pool: &SqlitePool, mut migrator: Migrator) -> Result<(), DbError> {
    migrator.set_ignore_missing(true);
    migrator.run(pool).await.map_err(DbError::Migrate)
}
