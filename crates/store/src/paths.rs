//! The files that make up one store on disk, and removing them all.

use std::ffi::OsString;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::error::StoreError;
use crate::key::{KeyFile, KeyProtection, KeychainName, SecretStore, SecretStoreError};

/// Every file a store at `db` may have.
#[derive(Clone, PartialEq, Eq)]
pub struct StorePaths {
    pub db: PathBuf,
    pub wal: PathBuf,
    pub shm: PathBuf,
    pub journal: PathBuf,
    pub key_file: PathBuf,
    pub(crate) key_file_tmp: PathBuf,
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name: OsString = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

impl StorePaths {
    pub fn new(db: &Path) -> Self {
        StorePaths {
            db: db.to_path_buf(),
            wal: with_suffix(db, "-wal"),
            shm: with_suffix(db, "-shm"),
            journal: with_suffix(db, "-journal"),
            key_file: with_suffix(db, ".key"),
            key_file_tmp: with_suffix(db, ".key.tmp"),
        }
    }

    /// The database and its SQLite side files (not the key file).
    pub(crate) fn database_files(&self) -> [&Path; 4] {
        [&self.db, &self.wal, &self.shm, &self.journal]
    }

    /// Every file, including the key file.
    pub fn all(&self) -> [&Path; 6] {
        [
            &self.db,
            &self.wal,
            &self.shm,
            &self.journal,
            &self.key_file,
            &self.key_file_tmp,
        ]
    }
}

pub(crate) fn remove_if_present(path: &Path) -> Result<(), StoreError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::io("remove a file of the saved information")(e)),
    }
}

/// "Remove my data from this computer": deletes the store at `db_path` (database, its -wal,
/// -shm and -journal files, and its key file) and its keychain entry. Close the store first
/// (or use [`crate::Store::remove`]). Files already gone are not an error.
///
/// The files go first, so the person's information is gone even when the keychain cannot be
/// reached; then [`StoreError::NoKeychain`] or [`StoreError::Keychain`] says the (now useless)
/// key is still in the keychain.
pub fn remove_local_data(db_path: &Path, secrets: &dyn SecretStore) -> Result<(), StoreError> {
    let paths = StorePaths::new(db_path);
    // Which keychain entry to remove: the one recorded, and the one the path names (in case
    // the key file was lost).
    let recorded = match KeyFile::read(db_path) {
        Ok(Some(KeyFile {
            protection: KeyProtection::Keychain { service, account },
            ..
        })) => Some(KeychainName { service, account }),
        _ => None,
    };
    let derived = KeychainName::for_store(db_path).ok();
    for path in paths.all() {
        remove_if_present(path)?;
    }
    // (name, whether the key file says the key is there)
    let mut names: Vec<(KeychainName, bool)> = recorded.into_iter().map(|n| (n, true)).collect();
    if let Some(derived) = derived {
        if !names.iter().any(|(n, _)| *n == derived) {
            names.push((derived, false));
        }
    }
    for (name, recorded) in names {
        match secrets.delete(&name) {
            Ok(_) => {}
            // No keychain, and none was used for this store: there is nothing to remove.
            Err(SecretStoreError::Unavailable) if !recorded => {}
            Err(SecretStoreError::Unavailable) => return Err(StoreError::NoKeychain),
            Err(SecretStoreError::Failed) => return Err(StoreError::Keychain),
        }
    }
    Ok(())
}
