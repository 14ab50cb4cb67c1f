//! The desktop app's encrypted local store (`cfp-store`): the only crate on the client that
//! knows SQL.
//!
//! - [`Store`]: an SQLCipher database through sqlx, opened with a random 256-bit raw key, in a
//!   file or in memory (kiosk). People the user may act for, their documents, per-person sync
//!   cursors, the refresh token, and an outbox of actions made offline.
//! - [`key`]: the store key and the ways it is kept (OS keychain, passphrase, memory).
//! - [`remove_local_data`]: "remove my data from this computer".
//!
//! Nothing here reaches for the clock, randomness, paths or keys: they are passed in.
//! Keys, passphrases, tokens and personal data never appear in errors or Debug output.

pub mod error;
pub mod key;
pub mod model;
pub mod paths;
mod store;

pub use error::StoreError;
pub use key::{
    change_passphrase, create_with_passphrase, keychain_key, protect_with_passphrase,
    unlock_with_passphrase, InMemorySecrets, KdfParams, KeyFile, KeyProtection, KeychainName,
    OsKeychain, OsRandom, Passphrase, RandomSource, SecretStore, SecretStoreError, StoreKey,
};
pub use model::{
    AccountOwner, Document, DocumentContent, DocumentFilter, DocumentId, DocumentSummary, OutboxId,
    OutboxItem, PageOutcome, PeopleUpdate, PersonAccess, PersonId, RefreshToken, StoreChange,
    StoredDocument, StoredPerson, StoredTokens, SyncCursor,
};
pub use paths::{remove_local_data, StorePaths};
pub use store::{Store, StoreLocation};
