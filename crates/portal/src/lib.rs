//! The Client Finance Portal's use cases (`cfp-portal`): one [`Portal`] that owns everything a
//! session needs (the council profile and machine policy, the data folder, the keychain, the
//! browser, the clock, the HTTP client, the open store and the signed-in session) and answers
//! each command of the IPC contract (`cfp_core::ipc::COMMANDS`) with an async method that
//! returns the contract's view or an `IpcError`.
//!
//! The desktop shell (src-tauri) and the command line (crates/cli) are both thin faces over
//! it, so they behave the same.
//!
//! Modules, one per area: [`session`] (sign in and out, lock, unlock, silent refresh),
//! [`people`] (people and sync), [`documents`] (lists and explained advices), [`access`]
//! (access requests), [`settings`] (lock time, passphrase, removing local data).
//!
//! Errors and logs: every message comes from a fixed sentence or from a lower crate that
//! promises the same; none carries a name, client ID, amount, token, key or path.

pub mod access;
pub mod advice;
pub mod documents;
mod errors;
pub mod kinds;
mod kiosk;
mod local;
pub mod people;
pub mod prefs;
pub mod session;
pub mod settings;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cfp_core::{
    AppInfo, AppMode, CouncilProfile, IdleAction, IdlePolicy, IpcError, KeyProtectionView,
    MachinePolicy, SessionState, SessionView, UserView,
};
use cfp_council_client::{BrowserOpener, Clock, CouncilApi, CouncilHttp, Session, SignInClient};
use cfp_store::{AccountOwner, Passphrase, SecretStore, Store, StoreKey};
use tokio::sync::{oneshot, Mutex};

pub use cfp_store;
pub use kiosk::{IDLE_GRACE, KIOSK_SESSION_FLAG};
pub use prefs::Preferences;

/// Everything a [`Portal`] is built from. Time, the browser, the keychain and every path are
/// passed in, so tests control them.
pub struct PortalSetup {
    pub profile: CouncilProfile,
    /// The app's own data folder (the store and the preferences file live here).
    pub data_dir: PathBuf,
    /// Where the store lives; `None` means `documents.db` in the data folder.
    pub store_path: Option<PathBuf>,
    /// The OS keychain in the app; `InMemorySecrets` in tests. Unused in kiosk mode.
    pub secrets: Box<dyn SecretStore>,
    pub browser: Arc<dyn BrowserOpener>,
    pub clock: Arc<dyn Clock>,
    pub http: CouncilHttp,
    /// Protect the store with this passphrase instead of the keychain (the command line's
    /// `--passphrase-stdin`): unlocks an existing passphrase store at start, and makes a new
    /// store passphrase-protected.
    pub passphrase: Option<Passphrase>,
    pub app_version: String,
}

/// The application core for one person at one council.
pub struct Portal {
    profile: CouncilProfile,
    data_dir: PathBuf,
    store_path: PathBuf,
    secrets: Box<dyn SecretStore>,
    browser: Arc<dyn BrowserOpener>,
    clock: Arc<dyn Clock>,
    http: CouncilHttp,
    api: CouncilApi,
    app_version: String,
    /// The passphrase to create a new store with (command line only).
    new_store_passphrase: std::sync::Mutex<Option<Passphrase>>,
    /// Discovered once, when first needed (discovery needs the network).
    sign_in_client: Mutex<Option<SignInClient>>,
    /// Completing it (or dropping it) cancels the sign-in that is waiting for the browser.
    pending_sign_in: std::sync::Mutex<Option<oneshot::Sender<()>>>,
    prefs: std::sync::Mutex<Preferences>,
    /// When the webview last saw the person use the app (kiosk idle timeout, `kiosk.rs`).
    last_activity: std::sync::Mutex<time::OffsetDateTime>,
    local: Mutex<Local>,
}

impl fmt::Debug for Portal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // No paths (they can hold a user name), no session.
        f.debug_struct("Portal")
            .field("council", &self.profile.council_name)
            .field("kiosk", &self.profile.policy.is_kiosk())
            .finish_non_exhaustive()
    }
}

/// What changes while the app runs. Held behind one async mutex; never held while waiting for
/// the person (sign-in), only while talking to the store or refreshing a token.
pub(crate) struct Local {
    pub store: Option<Arc<Store>>,
    /// The open store's key (kept so a passphrase can be set without asking for anything else).
    pub key: Option<StoreKey>,
    pub protection: KeyProtectionView,
    /// Locked after inactivity, or a passphrase store not yet unlocked.
    pub locked: bool,
    pub session: Option<Session>,
    /// Unlocked with the passphrase: documents may be read without signing in (offline).
    pub passphrase_unlocked: bool,
    pub offline: bool,
    /// Plain-English notes for the person (for example "the store was rebuilt"), given once
    /// with the next sync summary.
    pub notices: Vec<String>,
    /// Documents that arrived in the most recent sync, by person id.
    pub new_by_person: HashMap<String, u32>,
}

impl Portal {
    /// Builds the portal and looks at what is kept on this computer: a keychain store is
    /// opened (with its saved session), a passphrase store waits locked, a kiosk keeps nothing.
    pub async fn start(setup: PortalSetup) -> Result<Portal, IpcError> {
        let PortalSetup {
            profile,
            data_dir,
            store_path,
            secrets,
            browser,
            clock,
            http,
            passphrase,
            app_version,
        } = setup;
        let api =
            CouncilApi::new(http.clone(), &profile.api_url, clock.clone()).map_err(errors::api)?;
        let kiosk = profile.policy.is_kiosk();
        let store_path = store_path.unwrap_or_else(|| data_dir.join("documents.db"));
        let prefs = if kiosk {
            Preferences::default()
        } else {
            Preferences::load(&prefs::path_in(&data_dir))
        };
        let started = clock.now();
        let portal = Portal {
            profile,
            data_dir,
            store_path,
            secrets,
            browser,
            clock,
            http,
            api,
            app_version,
            new_store_passphrase: std::sync::Mutex::new(None),
            sign_in_client: Mutex::new(None),
            pending_sign_in: std::sync::Mutex::new(None),
            prefs: std::sync::Mutex::new(prefs),
            last_activity: std::sync::Mutex::new(started),
            local: Mutex::new(Local {
                store: None,
                key: None,
                protection: if kiosk {
                    KeyProtectionView::MemoryOnly
                } else {
                    KeyProtectionView::NotSetUp
                },
                locked: false,
                session: None,
                passphrase_unlocked: false,
                offline: false,
                notices: Vec::new(),
                new_by_person: HashMap::new(),
            }),
        };
        portal.open_kept_store(passphrase).await?;
        Ok(portal)
    }

    async fn open_kept_store(&self, passphrase: Option<Passphrase>) -> Result<(), IpcError> {
        let mut local = self.local.lock().await;
        let mut notices = Vec::new();
        let found = local::find(
            &self.store_path,
            self.is_kiosk(),
            self.secrets.as_ref(),
            &mut notices,
        )
        .await?;
        local.notices.extend(notices);
        match found {
            local::Found::Open(opened) => {
                self.adopt(&mut local, opened).await?;
            }
            local::Found::NeedsPassphrase => {
                local.protection = KeyProtectionView::Passphrase;
                local.locked = true;
                if let Some(passphrase) = passphrase {
                    drop(local);
                    self.unlock_with(&passphrase).await?;
                }
            }
            local::Found::Nothing => {
                *self.new_store_passphrase.lock().expect("not poisoned") = passphrase;
            }
        }
        Ok(())
    }

    /// Makes `opened` the store in use, with the session it kept (if any). When someone is
    /// already signed in (a passphrase store unlocked after signing in), the store is bound to
    /// their account first: another account's rows never show (see [`bind_store`]).
    pub(crate) async fn adopt(
        &self,
        local: &mut Local,
        opened: local::Opened,
    ) -> Result<(), IpcError> {
        match local.session.clone() {
            Some(session) => bind_store(&opened.store, &session, local).await?,
            None => {
                let kept = session::load_session(&opened.store).await;
                if let Some(kept) = &kept {
                    // A store from before owners were kept: its session says whose it is.
                    opened
                        .store
                        .claim_if_unowned(&owner_of(kept))
                        .await
                        .map_err(errors::store)?;
                }
                local.session = kept;
            }
        }
        local.store = Some(opened.store);
        local.key = Some(opened.key);
        local.protection = opened.protection;
        local.locked = false;
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // What the shell and the command line may read

    pub fn profile(&self) -> &CouncilProfile {
        &self.profile
    }

    pub fn policy(&self) -> &MachinePolicy {
        &self.profile.policy
    }

    pub fn is_kiosk(&self) -> bool {
        self.profile.policy.is_kiosk()
    }

    /// Whether documents and statements may be saved as files on this computer (kiosk policy
    /// may forbid it; printing is always allowed).
    pub fn can_save_files(&self) -> bool {
        self.profile.policy.allow_saving()
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The open store, for read access by other parts of the app (statements and exports).
    /// Fails with `storeLocked` while the app is locked and `unauthorised` when nobody is
    /// signed in, so a caller can never read around the lock.
    pub async fn store(&self) -> Result<Arc<Store>, IpcError> {
        let local = self.local.lock().await;
        readable(&local)
    }

    /// Runs `f` with read access to the open store (same rules as [`Portal::store`]).
    pub async fn with_store<T, F, Fut>(&self, f: F) -> Result<T, IpcError>
    where
        F: FnOnce(Arc<Store>) -> Fut,
        Fut: std::future::Future<Output = Result<T, IpcError>>,
    {
        let store = self.store().await?;
        f(store).await
    }

    /// `app_info`: the council and how this copy of the app is used.
    pub async fn app_info(&self) -> AppInfo {
        AppInfo::new(&self.profile, self.mode().await, &self.app_version)
    }

    /// Kiosk from policy; otherwise a representative once they act for someone other than
    /// themself.
    pub async fn mode(&self) -> AppMode {
        if self.is_kiosk() {
            return AppMode::Kiosk;
        }
        let store = {
            let local = self.local.lock().await;
            readable(&local).ok()
        };
        let Some(store) = store else {
            return AppMode::Home;
        };
        match store.people().await {
            Ok(people)
                if people
                    .iter()
                    .any(|p| p.access.relationship != cfp_domain::Relationship::Myself) =>
            {
                AppMode::Representative
            }
            _ => AppMode::Home,
        }
    }

    /// `session`: where the session stands, and the inactivity rule.
    pub async fn session(&self) -> SessionView {
        let mode = self.mode().await;
        let local = self.local.lock().await;
        self.session_view(&local, mode)
    }

    pub(crate) fn session_view(&self, local: &Local, mode: AppMode) -> SessionView {
        let state = if local.locked {
            SessionState::Locked
        } else if local.session.is_some() {
            SessionState::SignedIn
        } else {
            SessionState::SignedOut
        };
        let user = match (&local.session, state) {
            (Some(session), SessionState::SignedIn) => Some(UserView {
                name: session.name().unwrap_or_default().to_string(),
                email: session.email().unwrap_or_default().to_string(),
            }),
            _ => None,
        };
        SessionView {
            state,
            user,
            mode,
            idle: self.idle_policy(),
            key_protection: local.protection,
            offline: local.offline,
        }
    }

    /// Kiosk: the policy's idle time, then everything is cleared. Home: the person's lock time.
    pub fn idle_policy(&self) -> IdlePolicy {
        let (minutes, action) = match self.profile.policy.idle_minutes() {
            Some(minutes) if self.is_kiosk() => (minutes, IdleAction::ClearEverything),
            Some(minutes) => (minutes, IdleAction::Lock),
            None => (self.lock_after_minutes(), IdleAction::Lock),
        };
        let after_seconds = minutes.saturating_mul(60);
        IdlePolicy {
            after_seconds,
            // WCAG 2.2.1: warn early enough to react (at least 20 s), at most a minute ahead.
            warn_before_seconds: (after_seconds / 5).clamp(20, 60),
            action,
        }
    }

    pub(crate) fn lock_after_minutes(&self) -> u32 {
        self.prefs.lock().expect("not poisoned").lock_after_minutes
    }
}

/// The account a session belongs to, as the store records it.
pub(crate) fn owner_of(session: &Session) -> AccountOwner {
    AccountOwner {
        issuer: session.issuer().to_string(),
        subject: session.subject().to_string(),
    }
}

/// Binds `store` to the signed-in account: if it held anyone else's rows (people, documents,
/// queued requests, a kept session), they are removed before anything is shown or sent. The
/// store is a cache, so the account's own people and documents come back from the council.
pub(crate) async fn bind_store(
    store: &Store,
    session: &Session,
    local: &mut Local,
) -> Result<(), IpcError> {
    let emptied = store
        .bind_to_account(&owner_of(session))
        .await
        .map_err(errors::store)?;
    if emptied {
        local.new_by_person.clear();
        local.passphrase_unlocked = false;
    }
    Ok(())
}

/// The store, if the person may read it now.
pub(crate) fn readable(local: &Local) -> Result<Arc<Store>, IpcError> {
    if local.locked {
        return Err(errors::locked());
    }
    if local.session.is_none() && !local.passphrase_unlocked {
        return Err(errors::signed_out());
    }
    local.store.clone().ok_or_else(errors::signed_out)
}

/// The real parts, for the desktop app and the command line.
pub mod desktop {
    use std::path::PathBuf;
    use std::sync::Arc;

    use cfp_core::{CouncilProfile, ErrorCode, IpcError};
    use cfp_council_client::{CouncilHttp, HttpTimeouts, SystemBrowser, SystemClock};
    use cfp_store::{InMemorySecrets, OsKeychain, Passphrase, SecretStore};

    use crate::{Portal, PortalSetup};

    /// The setup of a real app: the OS keychain (none at all in kiosk mode, where nothing is
    /// kept), the person's own browser (honouring `BROWSER`), the system clock.
    pub fn setup(
        profile: CouncilProfile,
        data_dir: PathBuf,
        store_path: Option<PathBuf>,
        passphrase: Option<Passphrase>,
        app_version: &str,
    ) -> Result<PortalSetup, IpcError> {
        let secrets: Box<dyn SecretStore> = if profile.policy.is_kiosk() {
            Box::new(InMemorySecrets::unavailable())
        } else {
            Box::new(OsKeychain)
        };
        let http = CouncilHttp::new(HttpTimeouts::default()).map_err(|_| {
            IpcError::new(
                ErrorCode::Internal,
                "The app could not prepare its connection to the council.",
            )
        })?;
        Ok(PortalSetup {
            profile,
            data_dir,
            store_path,
            secrets,
            browser: Arc::new(SystemBrowser::from_env()),
            clock: Arc::new(SystemClock),
            http,
            passphrase,
            app_version: app_version.to_string(),
        })
    }

    /// The desktop app's portal, with its store in `data_dir`.
    pub async fn start(
        profile: CouncilProfile,
        data_dir: PathBuf,
        app_version: &str,
    ) -> Result<Portal, IpcError> {
        Portal::start(setup(profile, data_dir, None, None, app_version)?).await
    }
}
