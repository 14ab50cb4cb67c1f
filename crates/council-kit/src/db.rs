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
    #[error("could not make the database file private to this service: {0}")]
    Private(#[source] std::io::Error),
}

/// Opens (creating if needed) the SQLite database at `url` (e.g. `sqlite://council.db`).
pub async fn open_sqlite(url: &str) -> Result<SqlitePool, DbError> {
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| DbError::BadUrl(e.to_string()))?
        .create_if_missing(true)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    if !in_memory {
        make_private(options.get_filename()).map_err(DbError::Private)?;
    }
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

/// Creates the database file readable and writable by the service's user only (it holds
/// password hashes, personal details and the token signing keys), and takes other users' access
/// away from an existing one and its WAL files. SQLite gives the -wal and -shm files it creates
/// the permissions of the database file, so they are private too.
fn make_private(path: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
        {
            Ok(_) => return Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(error),
        }
        for suffix in ["", "-wal", "-shm"] {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            let Ok(metadata) = std::fs::metadata(&file) else {
                continue;
            };
            let mode = metadata.permissions().mode();
            if mode & 0o077 != 0 {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode & 0o700))?;
                tracing::warn!(
                    "a database file was open to other users: now only to this service's"
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path; // Windows: the file inherits its folder's access list.
    Ok(())
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

    #[cfg(unix)]
    #[tokio::test]
    async fn database_files_are_readable_by_the_services_user_only() {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        let pool = open_sqlite(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        migrate(&pool, kit_migrator()).await.unwrap();
        for suffix in ["", "-wal", "-shm"] {
            let file = dir.path().join(format!("new.db{suffix}"));
            assert_eq!(mode(&file), 0o600, "new.db{suffix}");
        }
        pool.close().await;

        // A database made before this (0644) is made private when opened.
        let old = dir.path().join("old.db");
        std::fs::write(&old, b"").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        let pool = open_sqlite(&format!("sqlite://{}", old.display()))
            .await
            .unwrap();
        migrate(&pool, kit_migrator()).await.unwrap();
        assert_eq!(mode(&old), 0o600);
        assert_eq!(mode(&dir.path().join("old.db-wal")), 0o600);
    }
}
