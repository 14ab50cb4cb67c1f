//! Signing in and out, locking and unlocking, and keeping the access token fresh.
//!
//! - Sign-in opens the system browser (RFC 8252) and waits without holding any lock, so the
//!   person can cancel it (`cancel_sign_in`) or the UI can ask for the session meanwhile.
//! - The session is kept inside the encrypted store (never in a plain file), so the app stays
//!   signed in across restarts; in kiosk mode the store is in memory and keeps nothing.
//! - Sign-out revokes the tokens and opens the council's end-session page in the browser, so
//!   the next person at the computer cannot reuse the council's session. Kiosk sign-out (and
//!   the idle timeout) clears everything.

use std::sync::Arc;

use cfp_core::{AppMode, ErrorCode, IpcError, KeyProtectionView, SessionView};
use cfp_council_client::{OsRandomness, Secret, Session, SignInClient, SignInError, SignInOptions};
use cfp_store::{
    create_with_passphrase, unlock_with_passphrase, KdfParams, OsRandom, Passphrase, RefreshToken,
    Store, StoreError, StoredTokens,
};
use tokio::sync::oneshot;

use crate::kiosk;
use crate::local::{self, Found, Opened};
use crate::{bind_store, errors, Local, Portal};

impl Portal {
    /// `sign_in`: the council's sign-in page in the browser; resolves when the person has
    /// finished there (or cancelled). Kiosk: always asks for the password (`prompt=login`,
    /// `max_age=0`). While locked, signing in again unlocks, and asks for the password.
    pub async fn sign_in(&self) -> Result<SessionView, IpcError> {
        let locked = self.local.lock().await.locked;
        let options = if self.is_kiosk() || locked {
            SignInOptions::kiosk()
        } else {
            SignInOptions::default()
        };
        self.sign_in_with(options).await
    }

    /// `create_account`: the council's registration page first (`prompt=create`), then signed in.
    pub async fn create_account(&self) -> Result<SessionView, IpcError> {
        let mut options = SignInOptions::create_account();
        if self.is_kiosk() {
            options.force_login = true;
            options.max_age = Some(std::time::Duration::ZERO);
        }
        self.sign_in_with(options).await
    }

    /// `cancel_sign_in`: stops a sign-in waiting for the browser. Nothing happens if none is.
    pub fn cancel_sign_in(&self) {
        if let Some(cancel) = self.pending_sign_in.lock().expect("not poisoned").take() {
            let _ = cancel.send(());
        }
    }

    async fn sign_in_with(&self, options: SignInOptions) -> Result<SessionView, IpcError> {
        let client = self.sign_in_client().await?;
        if self.is_kiosk() {
            // From here the browser may hold a session at the council: if the app dies before
            // signing out, its next start ends it (kiosk.rs).
            kiosk::mark_session_open(&self.data_dir);
        }
        let (cancel_tx, cancel_rx) = oneshot::channel::<()>();
        // A new attempt replaces (and so cancels) any older one still waiting.
        *self.pending_sign_in.lock().expect("not poisoned") = Some(cancel_tx);
        let cancelled = async {
            let _ = cancel_rx.await;
        };
        let result = client
            .sign_in(
                &options,
                self.browser.as_ref(),
                &OsRandomness,
                self.clock.as_ref(),
                cancelled,
            )
            .await;
        let session = match result {
            Ok(session) => session,
            Err(error) => {
                if error.is_offline() {
                    self.local.lock().await.offline = true;
                }
                return Err(errors::sign_in(error));
            }
        };
        self.pending_sign_in.lock().expect("not poisoned").take();
        self.note_activity();

        let mut local = self.local.lock().await;
        local.offline = false;
        if local.store.is_none() {
            if let Some(opened) = self.store_for_sign_in(&mut local).await? {
                self.adopt(&mut local, opened).await?;
            }
        }
        // Signing in again unlocks an app locked after inactivity, but a passphrase store
        // whose key is not here stays locked until its passphrase is given.
        local.locked = local.store.is_none() && local.protection == KeyProtectionView::Passphrase;
        if let Some(store) = local.store.clone() {
            // Whoever signed in before, this copy now holds only this account's rows: bound
            // before the people list is refreshed, so a refresh that fails shows nobody else's.
            bind_store(&store, &session, &mut local).await?;
            save_session(&store, &session).await;
        }
        local.session = Some(session);
        let store = local.store.clone();
        drop(local);
        // Whoever signed in, the store must only show the people *they* may act for: the
        // council's list replaces what is kept (anyone else's people are purged at once).
        if let Some(store) = store {
            self.refresh_people_list(&store).await;
        }
        Ok(self.session().await)
    }

    /// The store a sign-in should use; `None` when a passphrase store stays locked.
    async fn store_for_sign_in(&self, local: &mut Local) -> Result<Option<Opened>, IpcError> {
        let mut notices = Vec::new();
        let new_passphrase = self
            .new_store_passphrase
            .lock()
            .expect("not poisoned")
            .take();
        let found = match new_passphrase {
            Some(passphrase) if !self.is_kiosk() && !self.store_path.exists() => {
                let opened = self
                    .create_passphrase_store(&passphrase, &mut notices)
                    .await?;
                local.passphrase_unlocked = true;
                Found::Open(opened)
            }
            _ => {
                local::for_sign_in(
                    &self.store_path,
                    self.is_kiosk(),
                    self.secrets.as_ref(),
                    &mut notices,
                )
                .await?
            }
        };
        local.notices.extend(notices);
        match found {
            Found::Open(opened) => Ok(Some(opened)),
            Found::NeedsPassphrase => {
                local.protection = KeyProtectionView::Passphrase;
                Ok(None)
            }
            Found::Nothing => Ok(None),
        }
    }

    pub(crate) async fn create_passphrase_store(
        &self,
        passphrase: &Passphrase,
        notices: &mut Vec<String>,
    ) -> Result<Opened, IpcError> {
        if let Some(dir) = self.store_path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                errors::store(StoreError::Io {
                    action: "create the app's data folder",
                    kind: e.kind(),
                })
            })?;
        }
        let key = create_with_passphrase(
            &self.store_path,
            passphrase,
            KdfParams::default(),
            &mut OsRandom,
        )
        .map_err(errors::store)?;
        let store = local::open_file(&self.store_path, &key, notices).await?;
        Ok(Opened {
            store: Arc::new(store),
            key,
            protection: KeyProtectionView::Passphrase,
        })
    }

    /// `sign_out`: revokes the tokens, ends the council's session in the browser, and forgets
    /// the session here. Kiosk: everything is cleared. Never fails: the app forgets the
    /// session whatever the council answers.
    pub async fn sign_out(&self) -> SessionView {
        self.cancel_sign_in();
        let (session, store) = {
            let mut local = self.local.lock().await;
            (local.session.take(), local.store.clone())
        };
        if let Some(store) = &store {
            // A failure here leaves an encrypted token the council has revoked anyway.
            let _ = store.clear_tokens().await;
        }
        if let Some(session) = session {
            self.end_council_session(session).await;
        } else {
            // A kiosk sign-in given up half-way may still have signed the browser in.
            self.end_previous_kiosk_session().await;
        }
        if self.is_kiosk() {
            kiosk::clear_session_flag(&self.data_dir);
            self.clear_everything().await;
        } else {
            let mut local = self.local.lock().await;
            local.passphrase_unlocked = false;
            local.new_by_person.clear();
        }
        self.session().await
    }

    async fn end_council_session(&self, session: Session) {
        // Discovery may fail offline: the tokens then simply expire at the council.
        let Ok(client) = self.sign_in_client().await else {
            return;
        };
        let signed_out = client.sign_out(session, None).await;
        if let Some(url) = signed_out.end_session_url {
            // Ending the browser's session at the council matters most on shared computers;
            // if no browser opens, the council's session still times out on its own.
            let _ = self.browser.open(&url);
        }
    }

    /// Kiosk: drops the memory store (and with it every document, person and token).
    async fn clear_everything(&self) {
        let store = {
            let mut local = self.local.lock().await;
            local.session = None;
            local.key = None;
            local.locked = false;
            local.offline = false;
            local.notices.clear();
            local.new_by_person.clear();
            local.store.take()
        };
        if let Some(store) = store {
            if let Ok(store) = Arc::try_unwrap(store) {
                store.close().await;
            }
            // Otherwise the last reader drops it, and the memory goes with it.
        }
    }

    /// Before the program ends (its window closed, or it was told to quit): a kiosk signs out
    /// as "Finish" does (tokens revoked, the council's browser session ended, everything
    /// dropped). Then the store is closed, so its connections are shut on their worker
    /// threads while the process is still whole. (A program that exits with them still open
    /// races SQLCipher's own clean-up at exit; the command line once died there with "double
    /// free".) At home nothing else changes: the session and the documents stay on disk.
    pub async fn close(&self) {
        if self.is_kiosk() {
            self.sign_out().await;
        }
        let store = self.local.lock().await.store.take();
        if let Some(store) = store {
            if let Ok(store) = Arc::try_unwrap(store) {
                store.close().await;
            }
            // Otherwise a task still reading holds it, and closes it when it lets go.
        }
    }

    /// `lock`: hides everything until the passphrase is given or the person signs in again.
    /// A passphrase store is closed and its key forgotten. Kiosk: the same as signing out.
    pub async fn lock(&self) -> SessionView {
        if self.is_kiosk() {
            return self.sign_out().await;
        }
        let mut local = self.local.lock().await;
        if local.session.is_none() && !local.passphrase_unlocked && local.store.is_none() {
            // Nothing to hide.
            return self.session_view(&local, AppMode::Home);
        }
        local.locked = true;
        local.passphrase_unlocked = false;
        if local.protection == KeyProtectionView::Passphrase {
            local.key = None;
            if let Some(store) = local.store.take() {
                if let Ok(store) = Arc::try_unwrap(store) {
                    store.close().await;
                }
            }
        }
        drop(local);
        self.session().await
    }

    /// `unlock`: opens a passphrase-protected store. A wrong passphrase is `storeLocked`
    /// ("That passphrase is not right...") and changes nothing.
    pub async fn unlock(&self, passphrase: &str) -> Result<SessionView, IpcError> {
        self.unlock_with(&Passphrase::new(passphrase)).await?;
        Ok(self.session().await)
    }

    pub(crate) async fn unlock_with(&self, passphrase: &Passphrase) -> Result<(), IpcError> {
        let mut local = self.local.lock().await;
        if !local.locked {
            return Ok(());
        }
        if local.protection != KeyProtectionView::Passphrase {
            return Err(IpcError::new(
                ErrorCode::StoreLocked,
                "This computer keeps your documents safe without a passphrase. \
                 Please sign in again to carry on.",
            ));
        }
        let key = unlock_with_passphrase(&self.store_path, passphrase).map_err(errors::store)?;
        let mut notices = Vec::new();
        let store = local::open_file(&self.store_path, &key, &mut notices).await?;
        local.notices.extend(notices);
        self.adopt(
            &mut local,
            Opened {
                store: Arc::new(store),
                key,
                protection: KeyProtectionView::Passphrase,
            },
        )
        .await?;
        local.passphrase_unlocked = true;
        Ok(())
    }

    /// The council's identity service, discovered on first use.
    pub(crate) async fn sign_in_client(&self) -> Result<SignInClient, IpcError> {
        let mut cached = self.sign_in_client.lock().await;
        if let Some(client) = cached.as_ref() {
            return Ok(client.clone());
        }
        let client = SignInClient::for_profile(self.http.clone(), &self.profile)
            .await
            .map_err(|e| {
                if e.is_offline() {
                    IpcError::new(
                        ErrorCode::Offline,
                        "The council's sign-in service could not be reached. \
                         Check your internet connection and try again.",
                    )
                } else {
                    errors::sign_in(e)
                }
            })?;
        *cached = Some(client.clone());
        Ok(client)
    }

    /// A fresh access token for the documents API: refreshed silently when it is about to run
    /// out. A session the council no longer accepts is forgotten (`unauthorised`).
    pub(crate) async fn access_token(&self) -> Result<Secret, IpcError> {
        self.token(false).await
    }

    /// Like [`Portal::access_token`], but refreshes even if the token looks fresh (after the
    /// council said it expired: the clocks may disagree).
    pub(crate) async fn refreshed_token(&self) -> Result<Secret, IpcError> {
        self.token(true).await
    }

    async fn token(&self, force: bool) -> Result<Secret, IpcError> {
        let now = self.clock.now();
        let needs = {
            let local = self.local.lock().await;
            if local.locked {
                return Err(errors::locked());
            }
            let session = local.session.as_ref().ok_or_else(errors::signed_out)?;
            if !(force || session.needs_refresh(now)) {
                return Ok(session.access_token().clone());
            }
            true
        };
        debug_assert!(needs);
        let client = self.sign_in_client().await?;
        let mut local = self.local.lock().await;
        let Some(mut session) = local.session.clone() else {
            return Err(errors::signed_out());
        };
        match client.refresh(&mut session, now).await {
            Ok(()) => {
                if let Some(store) = &local.store {
                    save_session(store, &session).await;
                }
                let token = session.access_token().clone();
                local.session = Some(session);
                Ok(token)
            }
            Err(SignInError::SessionEnded) => {
                local.session = None;
                if let Some(store) = &local.store {
                    let _ = store.clear_tokens().await;
                }
                Err(IpcError::new(
                    ErrorCode::Unauthorised,
                    "Your sign-in has ended. Please sign in again.",
                ))
            }
            Err(e) => {
                if e.is_offline() {
                    local.offline = true;
                }
                Err(errors::sign_in(e))
            }
        }
    }
}

/// The session is kept whole (it holds the refresh token, and the ID token that ends the
/// council's session), serialised into the store's encrypted token slot. A memory store
/// keeps nothing.
pub(crate) async fn save_session(store: &Store, session: &Session) {
    let Ok(text) = serde_json::to_string(session) else {
        return;
    };
    let tokens = StoredTokens {
        refresh_token: RefreshToken::new(text),
        expires_at: session.access_token_expires_at(),
    };
    // Not keeping it only means signing in again next time.
    let _ = store.set_tokens(&tokens).await;
}

pub(crate) async fn load_session(store: &Store) -> Option<Session> {
    let tokens = store.tokens().await.ok()??;
    serde_json::from_str(tokens.refresh_token.expose()).ok()
}
