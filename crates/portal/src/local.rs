//! Opening the local store the way this computer keeps its key (see the security model in
//! ARCHITECTURE.md):
//! - kiosk: a memory store with a random key; nothing touches the disk;
//! - home: the key in the OS keychain; with no keychain, a memory store for this session and
//!   `KeyProtectionView::NotSetUp`, so the UI can offer a passphrase (never a plaintext key);
//! - a passphrase-protected store waits, locked, for its passphrase.
//!
//! The store is a cache of what the council holds, so a damaged store, or one whose key is
//! gone from the keychain, is started again empty (and the person told) rather than left in
//! the way; a wrong passphrase, on the other hand, never deletes anything.

use std::path::Path;
use std::sync::Arc;

use cfp_core::{IpcError, KeyProtectionView};
use cfp_store::{
    keychain_key, remove_local_data, KeyFile, KeyProtection, OsRandom, SecretStore, Store,
    StoreError, StoreKey, StoreLocation,
};

use crate::errors;

/// An open store with the key that opened it and how that key is kept.
pub(crate) struct Opened {
    pub store: Arc<Store>,
    pub key: StoreKey,
    pub protection: KeyProtectionView,
}

pub(crate) enum Found {
    Open(Opened),
    /// A passphrase-protected store: it stays locked until the passphrase is given.
    NeedsPassphrase,
    /// No store on this computer yet (or kiosk mode, where one is made at sign-in).
    Nothing,
}

pub(crate) const REBUILT: &str = "The documents saved on this computer could not be read, so the \
     app has started again with an empty copy. Update your documents to download them again from \
     the council.";

/// What is on this computer at start-up. Creates nothing.
pub(crate) async fn find(
    path: &Path,
    kiosk: bool,
    secrets: &dyn SecretStore,
    notices: &mut Vec<String>,
) -> Result<Found, IpcError> {
    if kiosk {
        return Ok(Found::Nothing);
    }
    match KeyFile::read(path) {
        Ok(Some(KeyFile {
            protection: KeyProtection::Passphrase { .. },
            ..
        })) => Ok(Found::NeedsPassphrase),
        Ok(None) if !path.exists() => Ok(Found::Nothing),
        Ok(_) => open_with_keychain(path, secrets, notices).await,
        Err(StoreError::KeyFileUnreadable) => {
            start_again(path, secrets, notices);
            Ok(Found::Nothing)
        }
        Err(e) => Err(errors::store(e)),
    }
}

/// The store to use once someone has signed in: what is there, or a new one.
pub(crate) async fn for_sign_in(
    path: &Path,
    kiosk: bool,
    secrets: &dyn SecretStore,
    notices: &mut Vec<String>,
) -> Result<Found, IpcError> {
    if kiosk {
        return Ok(Found::Open(memory(KeyProtectionView::MemoryOnly).await?));
    }
    match find(path, kiosk, secrets, notices).await? {
        Found::Nothing => open_with_keychain(path, secrets, notices).await,
        other => Ok(other),
    }
}

/// A store that lives only as long as this session.
pub(crate) async fn memory(protection: KeyProtectionView) -> Result<Opened, IpcError> {
    let key = StoreKey::generate(&mut OsRandom).map_err(errors::store)?;
    let store = Store::open(&StoreLocation::Memory, &key)
        .await
        .map_err(errors::store)?;
    Ok(Opened {
        store: Arc::new(store),
        key,
        protection,
    })
}

async fn open_with_keychain(
    path: &Path,
    secrets: &dyn SecretStore,
    notices: &mut Vec<String>,
) -> Result<Found, IpcError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            errors::store(StoreError::Io {
                action: "create the app's data folder",
                kind: e.kind(),
            })
        })?;
    }
    let key = match keychain_key(path, secrets, &mut OsRandom) {
        Ok(key) => key,
        // No keychain: keep this session's documents in memory and let the person choose a
        // passphrase if they want them kept. Never a key in a plain file.
        Err(StoreError::NoKeychain) => {
            return Ok(Found::Open(memory(KeyProtectionView::NotSetUp).await?))
        }
        Err(StoreError::PassphraseNeeded) => return Ok(Found::NeedsPassphrase),
        // The key is gone from the keychain (or the files disagree): nothing can open this
        // store any more, and it is only a copy, so start again.
        Err(StoreError::KeyMissing | StoreError::WrongKey) => {
            start_again(path, secrets, notices);
            keychain_key(path, secrets, &mut OsRandom).map_err(errors::store)?
        }
        Err(e) => return Err(errors::store(e)),
    };
    let store = open_file(path, &key, notices).await?;
    Ok(Found::Open(Opened {
        store: Arc::new(store),
        key,
        protection: KeyProtectionView::Keychain,
    }))
}

/// Opens a file store with its key; a damaged one is rebuilt empty (it is a cache).
pub(crate) async fn open_file(
    path: &Path,
    key: &StoreKey,
    notices: &mut Vec<String>,
) -> Result<Store, IpcError> {
    let location = StoreLocation::File(path.to_path_buf());
    match Store::open(&location, key).await {
        Ok(store) => Ok(store),
        Err(StoreError::Unreadable) => {
            notices.push(REBUILT.to_string());
            Store::rebuild(&location, key).await.map_err(errors::store)
        }
        Err(e) => Err(errors::store(e)),
    }
}

fn start_again(path: &Path, secrets: &dyn SecretStore, notices: &mut Vec<String>) {
    // The files go first; a keychain that cannot be reached only leaves a useless key behind.
    let _ = remove_local_data(path, secrets);
    notices.push(REBUILT.to_string());
}
