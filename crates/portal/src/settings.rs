//! Settings: how long before the app locks, protecting the kept documents with a passphrase,
//! and removing everything from this computer.

use std::sync::Arc;

use cfp_core::{IpcError, KeyProtectionView, SessionView, SettingsView};
use cfp_store::{protect_with_passphrase, KdfParams, OsRandom, Passphrase, StoreError};

use crate::local::Opened;
use crate::prefs::{self, LOCK_AFTER_MAX, LOCK_AFTER_MIN};
use crate::{errors, Portal};

impl Portal {
    /// `settings`.
    pub async fn settings(&self) -> SettingsView {
        let protection = self.local.lock().await.protection;
        SettingsView {
            lock_after_minutes: self.idle_policy().after_seconds / 60,
            lock_after_min_minutes: LOCK_AFTER_MIN,
            lock_after_max_minutes: LOCK_AFTER_MAX,
            key_protection: protection,
            can_set_passphrase: !self.is_kiosk(),
            can_save_files: self.can_save_files(),
        }
    }

    /// `set_lock_after`: minutes without use before the app locks (1 to 60). The machine
    /// policy, when it sets a time, wins: a person cannot loosen it.
    pub async fn set_lock_after(&self, minutes: u32) -> Result<SettingsView, IpcError> {
        if self.is_kiosk() || self.policy().idle_minutes().is_some() {
            return Err(errors::kiosk_forbids(
                "Changing the time before the app locks",
            ));
        }
        if !(LOCK_AFTER_MIN..=LOCK_AFTER_MAX).contains(&minutes) {
            return Err(errors::invalid(format!(
                "Choose a time from {LOCK_AFTER_MIN} to {LOCK_AFTER_MAX} minutes."
            )));
        }
        let updated = {
            let mut prefs = self.prefs.lock().expect("not poisoned");
            prefs.lock_after_minutes = minutes;
            *prefs
        };
        updated.save(&prefs::path_in(&self.data_dir)).map_err(|e| {
            errors::store(StoreError::Io {
                action: "save your settings",
                kind: e.kind(),
            })
        })?;
        Ok(self.settings().await)
    }

    /// `set_passphrase`: protects the kept documents with a passphrase (for working offline,
    /// or on a computer with no keychain). A keychain store moves to the passphrase and its
    /// keychain entry is removed; a passphrase store gets the new passphrase; documents kept
    /// only in memory (no keychain) are saved in a new passphrase-protected store.
    pub async fn set_passphrase(&self, passphrase: &str) -> Result<SettingsView, IpcError> {
        if self.is_kiosk() {
            return Err(errors::kiosk_forbids("Keeping documents on this computer"));
        }
        let passphrase = Passphrase::new(passphrase);
        let mut local = self.local.lock().await;
        if local.locked {
            return Err(errors::locked());
        }
        let Some(store) = local.store.clone() else {
            return Err(errors::signed_out());
        };
        match local.protection {
            KeyProtectionView::Keychain | KeyProtectionView::Passphrase => {
                let key = local.key.as_ref().ok_or_else(errors::locked)?;
                protect_with_passphrase(
                    &self.store_path,
                    key,
                    &passphrase,
                    KdfParams::default(),
                    self.secrets.as_ref(),
                    &mut OsRandom,
                )
                .map_err(errors::store)?;
            }
            KeyProtectionView::NotSetUp => {
                let mut notices = Vec::new();
                let opened = self
                    .create_passphrase_store(&passphrase, &mut notices)
                    .await?;
                copy_documents(&store, &opened).await?;
                if let Some(session) = &local.session {
                    crate::session::save_session(&opened.store, session).await;
                }
                local.notices.extend(notices);
                local.store = Some(opened.store);
                local.key = Some(opened.key);
            }
            KeyProtectionView::MemoryOnly => {
                return Err(errors::kiosk_forbids("Keeping documents on this computer"))
            }
        }
        local.protection = KeyProtectionView::Passphrase;
        drop(local);
        Ok(self.settings().await)
    }

    /// `remove_local_data`: signs out, then deletes the store, its key file and its keychain
    /// entry. Afterwards nothing of the person is left on this computer.
    pub async fn remove_local_data(&self) -> Result<SessionView, IpcError> {
        self.sign_out().await;
        let store = {
            let mut local = self.local.lock().await;
            local.key = None;
            local.locked = false;
            local.passphrase_unlocked = false;
            local.notices.clear();
            local.new_by_person.clear();
            local.protection = if self.is_kiosk() {
                KeyProtectionView::MemoryOnly
            } else {
                KeyProtectionView::NotSetUp
            };
            local.store.take()
        };
        if let Some(store) = store {
            match Arc::try_unwrap(store) {
                Ok(store) => store.close().await,
                // Someone is still reading (an export): its files go anyway, below.
                Err(_still_shared) => {}
            }
        }
        if !self.is_kiosk() {
            cfp_store::remove_local_data(&self.store_path, self.secrets.as_ref())
                .map_err(errors::store)?;
        }
        Ok(self.session().await)
    }
}

/// Copies what a memory store holds into a new file store, so choosing a passphrase keeps
/// the documents already downloaded in this session (no need to be online).
async fn copy_documents(from: &cfp_store::Store, to: &Opened) -> Result<(), IpcError> {
    use cfp_store::{DocumentContent, DocumentFilter, StoreChange, StoredDocument, SyncCursor};
    let people = from.people().await.map_err(errors::store)?;
    let access: Vec<_> = people.iter().map(|p| p.access.clone()).collect();
    to.store
        .upsert_people(&access)
        .await
        .map_err(errors::store)?;
    for person in &people {
        let id = &person.access.person_id;
        // Without a cursor, the next sync starts this person from the beginning, which
        // replays what is copied here harmlessly (same versions).
        let Some(cursor) = from.cursor(id).await.map_err(errors::store)? else {
            continue;
        };
        let mut changes = Vec::new();
        for summary in from
            .list_documents(id, &DocumentFilter::default())
            .await
            .map_err(errors::store)?
        {
            let Some(document) = from
                .get_document(id, &summary.document_id)
                .await
                .map_err(errors::store)?
            else {
                continue;
            };
            let stored = match document.content {
                DocumentContent::Remittance(advice) => {
                    StoredDocument::remittance(summary.document_id, summary.version, &advice)
                }
                DocumentContent::Other(body) => StoredDocument::other(
                    summary.document_id,
                    summary.kind,
                    summary.version,
                    summary.reference,
                    summary.payment_date,
                    summary.period_from.zip(summary.period_to),
                    summary.net,
                    body,
                ),
            }
            .map_err(errors::store)?;
            changes.push(StoreChange::Upsert(stored));
        }
        let synced_at = person
            .last_synced_at
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        to.store
            .apply_page(id, &changes, &SyncCursor(cursor.0), synced_at)
            .await
            .map_err(errors::store)?;
    }
    for item in from.outbox_list().await.map_err(errors::store)? {
        to.store
            .outbox_push(&item.kind, &item.payload, item.created_at)
            .await
            .map_err(errors::store)?;
    }
    Ok(())
}
