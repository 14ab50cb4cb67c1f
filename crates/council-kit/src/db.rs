//! Opening the service's SQL database.
//!
//! SQLite by default: one file, WAL so readers never wait for the writer, foreign keys on, and
//! `synchronous=NORMAL`. In WAL mode that means a commit appends to the log without waiting for
//! the disk to flush it: the database still cannot be corrupted by a crash or a power cut, but the
//! last commits before a power cut (not a crash of the service) may be lost. That is SQLite's own
//! advice for WAL, and it takes several milliseconds off every write, such as the audit entry
//! each documents read makes.
//!
//! Keep the SQL itself portable to PostgreSQL: TEXT ids, INTEGER unix seconds for times, no
//! AUTOINCREMENT, no INSERT OR IGNORE/REPLACE, and no SQLite-only functions. sqlx does not
//! translate placeholders: the queries use `?`, which PostgreSQL refuses; moving to it means
//! writing them as `$1, $2, ...`, which sqlx's SQLite driver also accepts, so that change can be
//! made first on SQLite.
//!
//! Several crates keep their own migrations in the same database. Each crate's migration versions
//! must not collide with another crate's (council-kit's own use 100-999, identity 1000-1999,
//! finance 2000-2999), and each migrator is run with `ignore_missing` so it does not object to
//! the other crates' rows in `_sqlx_migrations`. [`migrate`] always runs council-kit's first.

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database address is not valid: {0}")]
    BadUrl(String),
    #[error("could not open the database: {0}")]
    Open(#[source] sqlx::Error),
    #[error("could not bring the database up to date: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    #[error("could not bring the stored data up to date: {0}")]
    Upgrade(String),
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
        options
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
    };
    // Each connection to an in-memory database is a separate database: keep exactly one.
    let max_connections = if in_memory { 1 } else { 8 };
    SqlitePoolOptions::new()
        .max_connections(max_connections)
        .connect_with(options)
        .await
        .map_err(DbError::Open)
}

/// council-kit's own tables (versions 100-999), such as the rate limits' events.
pub fn kit_migrator() -> Migrator {
    sqlx::migrate!("./migrations")
}

/// Runs council-kit's migrations, then one crate's, tolerating other crates' migrations in the
/// same database.
pub async fn migrate(pool: &SqlitePool, migrator: Migrator) -> Result<(), DbError> {
    for mut migrator in [kit_migrator(), migrator] {
        migrator.set_ignore_missing(true);
        migrator.run(pool).await.map_err(DbError::Migrate)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_file_database_uses_wal_with_normal_sync_and_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let pool = open_sqlite(&url).await.unwrap();
        let mut conn = pool.acquire().await.unwrap();
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!((mode.as_str(), sync, keys), ("wal", 1, 1), "1 is NORMAL");
    }
}
