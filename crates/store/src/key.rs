//! The store key and the three ways it is kept.
//!
//! Every local store has its own random 256-bit key, given to SQLCipher as a raw key (no
//! PBKDF2 at open). The key is kept:
//! - **in the OS keychain** ([`keychain_key`]), behind the small [`SecretStore`] trait whose real
//!   implementation is [`OsKeychain`] (keyring). With no keychain the answer is
//!   [`StoreError::NoKeychain`]: there is no plaintext fallback.
//! - **wrapped by a passphrase** ([`create_with_passphrase`], [`unlock_with_passphrase`],
//!   [`change_passphrase`]): Argon2id turns the passphrase into a key-encryption key, which
//!   wraps the store key with XChaCha20-Poly1305 in a small versioned JSON key file beside the
//!   store. Changing the passphrase re-wraps the same key; the database is not re-encrypted.
//! - **nowhere** (kiosk): [`StoreKey::generate`] and keep it in memory.
//!
//! Whatever the mode, a persisted store has a key file (`<store>.key`) holding a *key check*
//! (a MAC of a fixed text under the key). It tells a wrong key from a damaged store without
//! touching the database, and tells the app which way the store is protected.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::StoreError;
use crate::paths::StorePaths;

/// Length of a store key in bytes (256 bits).
pub const KEY_LEN: usize = 32;

// ---------------------------------------------------------------------------------------------
// Randomness (passed in, so tests control it)

/// A source of random bytes. [`OsRandom`] is the real one.
pub trait RandomSource {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), StoreError>;
}

/// The operating system's random number generator.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsRandom;

impl RandomSource for OsRandom {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), StoreError> {
        getrandom::fill(dest).map_err(|_| StoreError::Random)
    }
}

// ---------------------------------------------------------------------------------------------
// The key

/// A store's 256-bit key. Zeroized when dropped; never printed.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct StoreKey([u8; KEY_LEN]);

impl StoreKey {
    /// A new random key.
    pub fn generate(rng: &mut dyn RandomSource) -> Result<Self, StoreError> {
        let mut key = StoreKey([0; KEY_LEN]);
        rng.fill(&mut key.0)?;
        Ok(key)
    }

    /// A key from its bytes (for example read back from a keychain).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        let mut bytes = bytes;
        let key = StoreKey(bytes);
        bytes.zeroize();
        key
    }

    /// The key's bytes, for callers that keep it somewhere themselves.
    pub fn expose_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The key as lower-case hex (64 characters), zeroized on drop.
    pub(crate) fn to_hex(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(KEY_LEN * 2));
        for b in self.0 {
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        }
        out
    }

    fn from_hex(text: &str) -> Option<Self> {
        let bytes = Zeroizing::new(decode_hex(text)?);
        let array: [u8; KEY_LEN] = bytes.as_slice().try_into().ok()?;
        Some(StoreKey::from_bytes(array))
    }

    /// The value of SQLCipher's `key` pragma for this raw key, already quoted:
    /// `"x'<64 hex>'"`. sqlx writes pragma values verbatim, so the quotes must be ours.
    pub(crate) fn sqlcipher_pragma(&self) -> Zeroizing<String> {
        let hex = self.to_hex();
        let mut out = Zeroizing::new(String::with_capacity(KEY_LEN * 2 + 5));
        out.push_str("\"x'");
        out.push_str(&hex);
        out.push_str("'\"");
        out
    }

    /// A check value that identifies this key without revealing it: the Poly1305 tag of an
    /// empty message under the key, with a fixed nonce and a fixed label.
    pub fn check_value(&self) -> [u8; 16] {
        let cipher = XChaCha20Poly1305::new(&self.0.into());
        let nonce = XNonce::default();
        let tag = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: b"",
                    aad: b"cfp-store key check v1",
                },
            )
            .expect("encrypting an empty message cannot fail");
        tag.as_slice()
            .try_into()
            .expect("a Poly1305 tag is 16 bytes")
    }
}

impl fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StoreKey(<redacted>)")
    }
}

/// A passphrase typed by a person. Zeroized when dropped; never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Passphrase(String);

impl Passphrase {
    /// The shortest passphrase accepted when one is chosen.
    pub const MIN_CHARS: usize = 8;

    pub fn new(text: impl Into<String>) -> Self {
        Passphrase(text.into())
    }

    fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    fn check_new(&self) -> Result<(), StoreError> {
        if self.0.chars().count() < Self::MIN_CHARS {
            return Err(StoreError::PassphraseTooShort {
                min: Self::MIN_CHARS,
            });
        }
        Ok(())
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

// ---------------------------------------------------------------------------------------------
// Key file

/// Argon2id cost settings, recorded in the key file so they can be raised later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl Default for KdfParams {
    /// 64 MiB, 3 passes, 1 lane: about a quarter of a second on a modest PC.
    fn default() -> Self {
        KdfParams {
            memory_kib: 64 * 1024,
            iterations: 3,
            parallelism: 1,
        }
    }
}

impl KdfParams {
    fn argon2(&self) -> Result<Argon2<'static>, StoreError> {
        let params = Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(KEY_LEN),
        )
        .map_err(|_| StoreError::KeyFileUnreadable)?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// How a store's key is kept, as recorded in its key file.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum KeyProtection {
    /// In the OS keychain, under this service and account.
    #[serde(rename_all = "camelCase")]
    Keychain { service: String, account: String },
    /// Wrapped with a key derived from a passphrase.
    #[serde(rename_all = "camelCase")]
    Passphrase {
        /// Always "argon2id" in version 1.
        kdf: String,
        params: KdfParams,
        /// Hex.
        salt: String,
        /// Hex, 24 bytes (XChaCha20-Poly1305).
        nonce: String,
        /// Hex: the store key encrypted, with its 16-byte tag.
        wrapped_key: String,
    },
    /// Kept by the caller (for example a key the app manages itself).
    Caller,
}

impl fmt::Debug for KeyProtection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyProtection::Keychain { .. } => f.write_str("Keychain"),
            KeyProtection::Passphrase { params, .. } => {
                write!(f, "Passphrase(argon2id {params:?})")
            }
            KeyProtection::Caller => f.write_str("Caller"),
        }
    }
}

/// The small file beside a store saying how its key is kept, with a key check.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyFile {
    /// Always "cfp-store-key".
    pub format: String,
    pub version: u32,
    /// Hex of [`StoreKey::check_value`].
    pub key_check: String,
    pub protection: KeyProtection,
}

impl fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyFile")
            .field("version", &self.version)
            .field("protection", &self.protection)
            .finish_non_exhaustive()
    }
}

const KEY_FILE_FORMAT: &str = "cfp-store-key";
const KEY_FILE_VERSION: u32 = 1;
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;

impl KeyFile {
    fn new(key: &StoreKey, protection: KeyProtection) -> Self {
        KeyFile {
            format: KEY_FILE_FORMAT.to_string(),
            version: KEY_FILE_VERSION,
            key_check: encode_hex(&key.check_value()),
            protection,
        }
    }

    /// Reads the key file of the store at `db_path`; `Ok(None)` if there is none.
    pub fn read(db_path: &Path) -> Result<Option<KeyFile>, StoreError> {
        let path = StorePaths::new(db_path).key_file;
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError::io("read the store's key file")(e)),
        };
        let file: KeyFile =
            serde_json::from_str(&text).map_err(|_| StoreError::KeyFileUnreadable)?;
        if file.format != KEY_FILE_FORMAT || file.version != KEY_FILE_VERSION {
            return Err(StoreError::KeyFileUnreadable);
        }
        Ok(Some(file))
    }

    /// Writes it atomically (temporary file, flush, rename), readable by the owner only.
    fn write(&self, db_path: &Path) -> Result<(), StoreError> {
        let paths = StorePaths::new(db_path);
        let text = serde_json::to_string_pretty(self).map_err(|_| StoreError::KeyFileUnreadable)?;
        let tmp = paths.key_file_tmp.clone();
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let write = || -> std::io::Result<()> {
            let mut file = options.open(&tmp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            fs::rename(&tmp, &paths.key_file)
        };
        write().map_err(StoreError::io("save the store's key file"))
    }

    /// Whether `key` is the key this file was made for.
    pub fn matches(&self, key: &StoreKey) -> bool {
        // Not secret (a MAC of a public text), so an ordinary comparison is fine.
        self.key_check == encode_hex(&key.check_value())
    }

    /// Records that the caller keeps the key itself (for stores opened with a raw key).
    pub fn write_for_caller_key(db_path: &Path, key: &StoreKey) -> Result<(), StoreError> {
        KeyFile::new(key, KeyProtection::Caller).write(db_path)
    }
}

// ---------------------------------------------------------------------------------------------
// Passphrase mode

fn wrap_aad(params: &KdfParams, salt: &[u8]) -> Vec<u8> {
    // Binding the settings and salt to the wrapped key means tampering with them fails the
    // tag instead of silently weakening the derivation.
    format!(
        "cfp-store-key v1 argon2id m={} t={} p={} salt={}",
        params.memory_kib,
        params.iterations,
        params.parallelism,
        encode_hex(salt)
    )
    .into_bytes()
}

fn derive_kek(
    passphrase: &Passphrase,
    params: &KdfParams,
    salt: &[u8],
) -> Result<Zeroizing<[u8; KEY_LEN]>, StoreError> {
    let mut kek = Zeroizing::new([0u8; KEY_LEN]);
    params
        .argon2()?
        .hash_password_into(passphrase.bytes(), salt, kek.as_mut_slice())
        .map_err(|_| StoreError::KeyFileUnreadable)?;
    Ok(kek)
}

fn wrap(
    key: &StoreKey,
    passphrase: &Passphrase,
    params: KdfParams,
    rng: &mut dyn RandomSource,
) -> Result<KeyProtection, StoreError> {
    let mut salt = [0u8; SALT_LEN];
    rng.fill(&mut salt)?;
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill(&mut nonce)?;
    let kek = derive_kek(passphrase, &params, &salt)?;
    let cipher = XChaCha20Poly1305::new(&(*kek).into());
    let aad = wrap_aad(&params, &salt);
    let wrapped = cipher
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: key.expose_bytes(),
                aad: &aad,
            },
        )
        .map_err(|_| StoreError::Random)?;
    Ok(KeyProtection::Passphrase {
        kdf: "argon2id".to_string(),
        params,
        salt: encode_hex(&salt),
        nonce: encode_hex(&nonce),
        wrapped_key: encode_hex(&wrapped),
    })
}

fn unwrap(file: &KeyFile, passphrase: &Passphrase) -> Result<StoreKey, StoreError> {
    let KeyProtection::Passphrase {
        kdf,
        params,
        salt,
        nonce,
        wrapped_key,
    } = &file.protection
    else {
        return Err(StoreError::KeychainNeeded);
    };
    if kdf != "argon2id" {
        return Err(StoreError::KeyFileUnreadable);
    }
    let salt = decode_hex(salt).ok_or(StoreError::KeyFileUnreadable)?;
    let nonce: [u8; NONCE_LEN] = decode_hex(nonce)
        .and_then(|n| n.try_into().ok())
        .ok_or(StoreError::KeyFileUnreadable)?;
    let wrapped = decode_hex(wrapped_key).ok_or(StoreError::KeyFileUnreadable)?;
    let kek = derive_kek(passphrase, params, &salt)?;
    let cipher = XChaCha20Poly1305::new(&(*kek).into());
    let aad = wrap_aad(params, &salt);
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: &wrapped,
                    aad: &aad,
                },
            )
            .map_err(|_| StoreError::WrongPassphrase)?,
    );
    let bytes: [u8; KEY_LEN] = plain
        .as_slice()
        .try_into()
        .map_err(|_| StoreError::KeyFileUnreadable)?;
    let key = StoreKey::from_bytes(bytes);
    if !file.matches(&key) {
        return Err(StoreError::KeyFileUnreadable);
    }
    Ok(key)
}

/// Makes a new store key protected by `passphrase`, and writes the key file beside `db_path`.
/// Refuses if the store already has a key file (that would orphan the old key).
pub fn create_with_passphrase(
    db_path: &Path,
    passphrase: &Passphrase,
    params: KdfParams,
    rng: &mut dyn RandomSource,
) -> Result<StoreKey, StoreError> {
    passphrase.check_new()?;
    if KeyFile::read(db_path)?.is_some() {
        return Err(StoreError::AlreadyExists);
    }
    let key = StoreKey::generate(rng)?;
    let protection = wrap(&key, passphrase, params, rng)?;
    KeyFile::new(&key, protection).write(db_path)?;
    Ok(key)
}

/// Unlocks the store key with the passphrase. A wrong passphrase is
/// [`StoreError::WrongPassphrase`], and nothing on disk changes.
pub fn unlock_with_passphrase(
    db_path: &Path,
    passphrase: &Passphrase,
) -> Result<StoreKey, StoreError> {
    let file = KeyFile::read(db_path)?.ok_or(StoreError::KeyMissing)?;
    unwrap(&file, passphrase)
}

/// Re-wraps the same store key under a new passphrase (the database is not touched).
pub fn change_passphrase(
    db_path: &Path,
    old: &Passphrase,
    new: &Passphrase,
    params: KdfParams,
    rng: &mut dyn RandomSource,
) -> Result<(), StoreError> {
    new.check_new()?;
    let file = KeyFile::read(db_path)?.ok_or(StoreError::KeyMissing)?;
    let key = unwrap(&file, old)?;
    let protection = wrap(&key, new, params, rng)?;
    KeyFile::new(&key, protection).write(db_path)
}

/// Moves a keychain-protected store to passphrase protection (for example before going
/// offline on a machine whose keychain may be locked), and removes the keychain entry.
pub fn protect_with_passphrase(
    db_path: &Path,
    key: &StoreKey,
    passphrase: &Passphrase,
    params: KdfParams,
    secrets: &dyn SecretStore,
    rng: &mut dyn RandomSource,
) -> Result<(), StoreError> {
    passphrase.check_new()?;
    let old = KeyFile::read(db_path)?;
    if let Some(file) = &old {
        if !file.matches(key) {
            return Err(StoreError::WrongKey);
        }
    }
    let protection = wrap(key, passphrase, params, rng)?;
    KeyFile::new(key, protection).write(db_path)?;
    if let Some(KeyFile {
        protection: KeyProtection::Keychain { service, account },
        ..
    }) = old
    {
        secrets
            .delete(&KeychainName { service, account })
            .map_err(SecretStoreError::into_store_error)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Keychain mode

/// Where in the keychain a store's key lives.
#[derive(Clone, PartialEq, Eq)]
pub struct KeychainName {
    pub service: String,
    pub account: String,
}

impl fmt::Debug for KeychainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The account holds a path, which can hold a user name: keep it out of logs.
        f.debug_struct("KeychainName")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl KeychainName {
    /// The service under which every store key is kept.
    pub const SERVICE: &'static str = "Client Finance Portal local store";

    /// The name for the store at `db_path`: the fixed service, and the store's absolute path
    /// as the account, so two stores on one machine never share a key.
    pub fn for_store(db_path: &Path) -> Result<Self, StoreError> {
        let absolute = absolute_store_path(db_path)?;
        Ok(KeychainName {
            service: Self::SERVICE.to_string(),
            account: format!("store:{}", absolute.display()),
        })
    }
}

fn absolute_store_path(db_path: &Path) -> Result<PathBuf, StoreError> {
    let file_name = db_path
        .file_name()
        .ok_or(StoreError::Invalid("the store needs a file name"))?;
    let parent = match db_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let parent = fs::canonicalize(&parent).map_err(StoreError::io("find the store's folder"))?;
    Ok(parent.join(file_name))
}

/// Why a secret store failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SecretStoreError {
    /// There is no keychain, or it cannot be reached or unlocked.
    #[error("no keychain is available")]
    Unavailable,
    /// The keychain failed in another way.
    #[error("the keychain failed")]
    Failed,
}

impl SecretStoreError {
    fn into_store_error(self) -> StoreError {
        match self {
            SecretStoreError::Unavailable => StoreError::NoKeychain,
            SecretStoreError::Failed => StoreError::Keychain,
        }
    }
}

/// A place to keep one secret string per name: the OS keychain, or memory in tests.
pub trait SecretStore: Send + Sync {
    fn get(&self, name: &KeychainName) -> Result<Option<Zeroizing<String>>, SecretStoreError>;
    fn set(&self, name: &KeychainName, secret: &str) -> Result<(), SecretStoreError>;
    /// Deletes the entry; `Ok(false)` if there was none.
    fn delete(&self, name: &KeychainName) -> Result<bool, SecretStoreError>;
}

/// The operating system's keychain (macOS Keychain, Windows Credential Manager, the Secret
/// Service on Linux) through keyring.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeychain;

fn keyring_error(error: keyring::Error) -> SecretStoreError {
    // Never format the error: `BadEncoding` carries the secret's bytes.
    match error {
        keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => {
            SecretStoreError::Unavailable
        }
        _ => SecretStoreError::Failed,
    }
}

impl SecretStore for OsKeychain {
    fn get(&self, name: &KeychainName) -> Result<Option<Zeroizing<String>>, SecretStoreError> {
        let entry = keyring::Entry::new(&name.service, &name.account).map_err(keyring_error)?;
        match entry.get_password() {
            Ok(secret) => Ok(Some(Zeroizing::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn set(&self, name: &KeychainName, secret: &str) -> Result<(), SecretStoreError> {
        let entry = keyring::Entry::new(&name.service, &name.account).map_err(keyring_error)?;
        entry.set_password(secret).map_err(keyring_error)
    }

    fn delete(&self, name: &KeychainName) -> Result<bool, SecretStoreError> {
        let entry = keyring::Entry::new(&name.service, &name.account).map_err(keyring_error)?;
        match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

/// Secrets kept in memory, for tests of one piece. Secrets vanish with it: never use it to
/// protect a real store.
#[derive(Default)]
pub struct InMemorySecrets {
    entries: std::sync::Mutex<Vec<(KeychainName, Zeroizing<String>)>>,
    /// When set, every call fails as if there were no keychain.
    pub unavailable: bool,
}

impl fmt::Debug for InMemorySecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InMemorySecrets(<redacted>)")
    }
}

impl InMemorySecrets {
    /// A secret store that behaves like a machine with no keychain.
    pub fn unavailable() -> Self {
        InMemorySecrets {
            unavailable: true,
            ..Default::default()
        }
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.entries.lock().expect("not poisoned").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl SecretStore for InMemorySecrets {
    fn get(&self, name: &KeychainName) -> Result<Option<Zeroizing<String>>, SecretStoreError> {
        if self.unavailable {
            return Err(SecretStoreError::Unavailable);
        }
        let entries = self.entries.lock().expect("not poisoned");
        Ok(entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s.clone()))
    }

    fn set(&self, name: &KeychainName, secret: &str) -> Result<(), SecretStoreError> {
        if self.unavailable {
            return Err(SecretStoreError::Unavailable);
        }
        let mut entries = self.entries.lock().expect("not poisoned");
        entries.retain(|(n, _)| n != name);
        entries.push((name.clone(), Zeroizing::new(secret.to_string())));
        Ok(())
    }

    fn delete(&self, name: &KeychainName) -> Result<bool, SecretStoreError> {
        if self.unavailable {
            return Err(SecretStoreError::Unavailable);
        }
        let mut entries = self.entries.lock().expect("not poisoned");
        let before = entries.len();
        entries.retain(|(n, _)| n != name);
        Ok(entries.len() != before)
    }
}

/// Gets the key of the store at `db_path` from the keychain, creating it (and the key file)
/// for a new store.
///
/// - No keychain: [`StoreError::NoKeychain`] (ask for a passphrase; never a plaintext file).
/// - The store is passphrase-protected: [`StoreError::PassphraseNeeded`].
/// - The store exists but its key is gone from the keychain: [`StoreError::KeyMissing`]
///   (the store can be rebuilt with a new key once the person agrees: see
///   [`crate::remove_local_data`]).
pub fn keychain_key(
    db_path: &Path,
    secrets: &dyn SecretStore,
    rng: &mut dyn RandomSource,
) -> Result<StoreKey, StoreError> {
    let file = KeyFile::read(db_path)?;
    let name = match &file {
        Some(KeyFile {
            protection: KeyProtection::Keychain { service, account },
            ..
        }) => KeychainName {
            service: service.clone(),
            account: account.clone(),
        },
        Some(KeyFile {
            protection: KeyProtection::Passphrase { .. },
            ..
        }) => return Err(StoreError::PassphraseNeeded),
        Some(KeyFile {
            protection: KeyProtection::Caller,
            ..
        }) => return Err(StoreError::KeyMissing),
        None => KeychainName::for_store(db_path)?,
    };
    let stored = secrets
        .get(&name)
        .map_err(SecretStoreError::into_store_error)?;
    match (stored, file) {
        (Some(hex), file) => {
            let key = StoreKey::from_hex(hex.trim()).ok_or(StoreError::KeyMissing)?;
            match file {
                Some(file) if !file.matches(&key) => Err(StoreError::WrongKey),
                Some(_) => Ok(key),
                None => {
                    KeyFile::new(&key, keychain_protection(name)).write(db_path)?;
                    Ok(key)
                }
            }
        }
        (None, Some(_)) => Err(StoreError::KeyMissing),
        (None, None) => {
            if StorePaths::new(db_path).db.exists() {
                // A store with no key file and no key: nothing can open it.
                return Err(StoreError::KeyMissing);
            }
            let key = StoreKey::generate(rng)?;
            secrets
                .set(&name, &key.to_hex())
                .map_err(SecretStoreError::into_store_error)?;
            KeyFile::new(&key, keychain_protection(name)).write(db_path)?;
            Ok(key)
        }
    }
}

fn keychain_protection(name: KeychainName) -> KeyProtection {
    KeyProtection::Keychain {
        service: name.service,
        account: name.account,
    }
}

// ---------------------------------------------------------------------------------------------
// Hex

const HEX: &[u8; 16] = b"0123456789abcdef";

fn encode_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 0xf) as usize] as char);
    }
    out
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if bytes.len() & 1 == 1 {
        return None;
    }
    bytes
        .chunks(2)
        .map(|pair| Some(nibble(pair[0])? << 4 | nibble(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic bytes, so tests are repeatable.
    struct Counter(u8);
    impl RandomSource for Counter {
        fn fill(&mut self, dest: &mut [u8]) -> Result<(), StoreError> {
            for b in dest {
                self.0 = self.0.wrapping_add(1);
                *b = self.0;
            }
            Ok(())
        }
    }

    fn small() -> KdfParams {
        KdfParams {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        }
    }

    #[test]
    fn debug_never_shows_secrets() {
        let key = StoreKey::from_bytes([0xab; 32]);
        let shown = format!("{key:?} {:?}", Passphrase::new("correct horse battery"));
        assert!(!shown.contains("ab"), "{shown}");
        assert!(!shown.contains("horse"), "{shown}");
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn pragma_is_a_quoted_raw_key() {
        let key = StoreKey::from_bytes([0x0f; 32]);
        let pragma = key.sqlcipher_pragma();
        assert_eq!(pragma.len(), 64 + 5);
        assert!(pragma.starts_with("\"x'0f0f"));
        assert!(pragma.ends_with("0f'\""));
    }

    #[test]
    fn hex_round_trip_and_refusals() {
        let key = StoreKey::generate(&mut Counter(0)).unwrap();
        let back = StoreKey::from_hex(&key.to_hex()).unwrap();
        assert_eq!(back, key);
        assert!(StoreKey::from_hex("abc").is_none());
        assert!(StoreKey::from_hex(&"zz".repeat(32)).is_none());
        assert!(StoreKey::from_hex(&"00".repeat(31)).is_none());
    }

    #[test]
    fn key_checks_tell_keys_apart() {
        let a = StoreKey::from_bytes([1; 32]);
        let b = StoreKey::from_bytes([2; 32]);
        assert_eq!(a.check_value(), a.clone().check_value());
        assert_ne!(a.check_value(), b.check_value());
    }

    #[test]
    fn passphrase_wraps_and_unwraps() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("store.db");
        let pass = Passphrase::new("a long passphrase");
        let key = create_with_passphrase(&db, &pass, small(), &mut Counter(7)).unwrap();
        assert_eq!(unlock_with_passphrase(&db, &pass).unwrap(), key);
        let text = fs::read_to_string(StorePaths::new(&db).key_file).unwrap();
        assert!(
            !text.contains(&*key.to_hex()),
            "the raw key is not in the file"
        );
        assert!(text.contains("argon2id"));
        assert!(text.contains("\"memoryKib\": 1024"));
        // A second create would orphan the key.
        assert!(matches!(
            create_with_passphrase(&db, &pass, small(), &mut Counter(9)),
            Err(StoreError::AlreadyExists)
        ));
    }

    #[test]
    fn tampered_settings_fail_the_tag() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("store.db");
        let pass = Passphrase::new("a long passphrase");
        create_with_passphrase(&db, &pass, small(), &mut Counter(7)).unwrap();
        let path = StorePaths::new(&db).key_file;
        let text = fs::read_to_string(&path).unwrap();
        fs::write(
            &path,
            text.replace("\"iterations\": 1", "\"iterations\": 2"),
        )
        .unwrap();
        assert!(matches!(
            unlock_with_passphrase(&db, &pass),
            Err(StoreError::WrongPassphrase)
        ));
    }

    #[test]
    fn short_passphrases_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("store.db");
        let err = create_with_passphrase(&db, &Passphrase::new("short"), small(), &mut Counter(0))
            .unwrap_err();
        assert!(matches!(err, StoreError::PassphraseTooShort { min: 8 }));
        assert!(!StorePaths::new(&db).key_file.exists());
    }

    #[test]
    fn keychain_get_or_create() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("store.db");
        let secrets = InMemorySecrets::default();
        let first = keychain_key(&db, &secrets, &mut Counter(0)).unwrap();
        assert_eq!(secrets.len(), 1);
        let again = keychain_key(&db, &secrets, &mut Counter(100)).unwrap();
        assert_eq!(first, again, "the second call reads the same key");
        let file = KeyFile::read(&db).unwrap().unwrap();
        assert!(file.matches(&first));
        assert!(matches!(file.protection, KeyProtection::Keychain { .. }));
    }

    #[test]
    fn no_keychain_means_no_key_and_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("store.db");
        let err = keychain_key(&db, &InMemorySecrets::unavailable(), &mut Counter(0)).unwrap_err();
        assert!(matches!(err, StoreError::NoKeychain));
        assert!(err.to_string().contains("passphrase"));
        assert!(!StorePaths::new(&db).key_file.exists());
    }

    #[test]
    fn keychain_refuses_passphrase_stores_and_notices_lost_keys() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("store.db");
        let secrets = InMemorySecrets::default();
        create_with_passphrase(
            &db,
            &Passphrase::new("a long passphrase"),
            small(),
            &mut Counter(1),
        )
        .unwrap();
        assert!(matches!(
            keychain_key(&db, &secrets, &mut Counter(0)),
            Err(StoreError::PassphraseNeeded)
        ));

        let other = dir.path().join("other.db");
        keychain_key(&other, &secrets, &mut Counter(50)).unwrap();
        secrets
            .delete(&KeychainName::for_store(&other).unwrap())
            .unwrap();
        assert!(matches!(
            keychain_key(&other, &secrets, &mut Counter(0)),
            Err(StoreError::KeyMissing)
        ));
    }
}
