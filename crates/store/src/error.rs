//! The store's errors. Every message is plain English and safe to show or log: no key,
//! passphrase, token, name, client ID, amount or path ever goes into one.

use std::io;

/// What went wrong with the local store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The key given does not fit this store (its key check differs). Nothing was read or changed.
    #[error(
        "The information saved on this computer is locked with a different key. Nothing was changed."
    )]
    WrongKey,

    /// The passphrase did not unlock the store key. Nothing was changed.
    #[error("That passphrase is not right. Nothing was changed. Please try again.")]
    WrongPassphrase,

    /// The store file cannot be read with the right key: it is damaged, or not a store at all.
    /// It is only a copy of what the council holds, so [`crate::Store::rebuild`] can start it
    /// again empty, when the person agrees.
    #[error(
        "The information saved on this computer cannot be read. It may be damaged. \
         You can download it again from the council."
    )]
    Unreadable,

    /// There is no usable keychain (for example no Secret Service on Linux). There is no
    /// plaintext fallback: the app should offer to protect the store with a passphrase.
    #[error(
        "This computer has no keychain the app can use to keep your information safe. \
         Please choose a passphrase instead."
    )]
    NoKeychain,

    /// The keychain answered, but with an error other than "not available".
    #[error("The computer's keychain could not be used just now. Please try again.")]
    Keychain,

    /// The store exists but its key is no longer in the keychain.
    #[error(
        "The key for the information saved on this computer is missing from the keychain. \
         You can download your information again from the council."
    )]
    KeyMissing,

    /// The store is protected by a passphrase, so the keychain cannot unlock it.
    #[error(
        "The information saved on this computer is protected by a passphrase. Please enter it."
    )]
    PassphraseNeeded,

    /// The store is protected by the keychain, so a passphrase cannot unlock it.
    #[error("The information saved on this computer is protected by the computer's keychain, not a passphrase.")]
    KeychainNeeded,

    /// A passphrase store was asked for where one already exists (it would lose the old key).
    #[error("A protected store already exists here. Unlock it, or remove it first.")]
    AlreadyExists,

    /// The passphrase is too short to be worth anything.
    #[error("Please choose a passphrase of at least {min} characters.")]
    PassphraseTooShort { min: usize },

    /// The key file beside the store is damaged or from a newer version of the app.
    #[error(
        "The key file for the information saved on this computer cannot be read. \
         You can remove it and download your information again from the council."
    )]
    KeyFileUnreadable,

    /// Files on disk could not be read, written or removed.
    #[error("The app could not {action} on this computer ({kind}).")]
    Io {
        action: &'static str,
        kind: io::ErrorKind,
    },

    /// The system's random number source failed.
    #[error(
        "The computer could not produce the random numbers needed to protect your information."
    )]
    Random,

    /// A person named in a sync page is not one of the people the user may act for.
    #[error("That person is not one of the people you can act for on this computer.")]
    UnknownPerson,

    /// The data given to the store is not valid (the message says what, never with values).
    #[error("The information could not be saved: {0}.")]
    Invalid(&'static str),

    /// A saved document could not be turned back into its type.
    #[error("A saved document could not be read. It will be downloaded again at the next sync.")]
    BadDocument,

    /// The database refused an operation. The text is SQLite's own message (which names
    /// tables and constraints, never values) or the kind of failure.
    #[error("The local store could not do that: {0}.")]
    Database(String),

    /// The store has been closed.
    #[error("The local store is closed.")]
    Closed,
}

impl StoreError {
    pub(crate) fn io(action: &'static str) -> impl FnOnce(io::Error) -> StoreError {
        move |e| StoreError::Io {
            action,
            kind: e.kind(),
        }
    }
}

/// SQLite's primary result codes that mean "this is not a database we can read".
const SQLITE_CORRUPT: i64 = 11;
const SQLITE_NOTADB: i64 = 26;

/// Whether a sqlx error is SQLite saying the file cannot be decrypted or is damaged.
pub(crate) fn is_unreadable(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|d| d.code())
        .and_then(|c| c.parse::<i64>().ok())
        .is_some_and(|code| matches!(code & 0xff, SQLITE_CORRUPT | SQLITE_NOTADB))
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        if is_unreadable(&error) {
            return StoreError::Unreadable;
        }
        let text = match &error {
            sqlx::Error::Database(db) => db.message().to_string(),
            sqlx::Error::PoolClosed => return StoreError::Closed,
            sqlx::Error::PoolTimedOut => "it was busy for too long".to_string(),
            sqlx::Error::RowNotFound => "an expected row is missing".to_string(),
            sqlx::Error::ColumnDecode { index, .. } => format!("column {index} could not be read"),
            sqlx::Error::Migrate(_) => "its tables could not be brought up to date".to_string(),
            sqlx::Error::Io(e) => format!("a file could not be used ({})", e.kind()),
            _ => "an unexpected database error".to_string(),
        };
        StoreError::Database(text)
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        match error {
            sqlx::migrate::MigrateError::Execute(e) => e.into(),
            sqlx::migrate::MigrateError::VersionTooNew(..)
            | sqlx::migrate::MigrateError::VersionMissing(_) => {
                StoreError::Database("it was made by a newer version of the app".to_string())
            }
            _ => StoreError::Database("its tables could not be brought up to date".to_string()),
        }
    }
}
