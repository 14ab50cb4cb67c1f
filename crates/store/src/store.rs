//! The store itself: an SQLCipher database through sqlx, and what the app does with it.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use cfp_domain::{ClientId, DocumentKind, Money, Relationship, RemittanceAdvice};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{ConnectOptions, Row};
use time::{Date, OffsetDateTime, UtcOffset};

use crate::error::StoreError;
use crate::key::{KeyFile, SecretStore, StoreKey};
use crate::model::*;
use crate::paths::{remove_if_present, remove_local_data, StorePaths};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Where a store lives.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// An encrypted file (with its -wal, -shm and .key files beside it).
    File(PathBuf),
    /// Memory only (kiosk): nothing touches the disk, and everything is gone when the
    /// [`Store`] is dropped. Tokens are not kept at all.
    Memory,
}

impl fmt::Debug for StoreLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A path can hold a user name: leave it out.
        match self {
            StoreLocation::File(_) => f.write_str("File(..)"),
            StoreLocation::Memory => f.write_str("Memory"),
        }
    }
}

/// An open local store.
pub struct Store {
    pool: SqlitePool,
    location: StoreLocation,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

fn text_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => unreachable!("unit enums serialise as strings"),
    }
}

fn from_text<T: DeserializeOwned>(text: String) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(text)).map_err(|_| StoreError::BadDocument)
}

fn utc(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(UtcOffset::UTC)
}

fn pence_of(money: Option<Money>) -> Option<i64> {
    money.map(Money::pence)
}

impl Store {
    /// Opens (or creates) the store with its key. For a file:
    /// - if the key file beside it was made for another key: [`StoreError::WrongKey`], and the
    ///   database is not touched;
    /// - if the database cannot be decrypted or is damaged: [`StoreError::Unreadable`] (nothing
    ///   is deleted; [`Store::rebuild`] starts again when the person agrees);
    /// - a new store with no key file gets one recording that the caller keeps the key.
    ///
    /// Statement logging is off for this connection (sqlx would otherwise log the key pragma).
    pub async fn open(location: &StoreLocation, key: &StoreKey) -> Result<Store, StoreError> {
        match location {
            StoreLocation::File(path) => Self::open_file(path, key).await,
            StoreLocation::Memory => Self::open_memory(key).await,
        }
    }

    async fn open_file(path: &Path, key: &StoreKey) -> Result<Store, StoreError> {
        let key_file = KeyFile::read(path)?;
        if let Some(file) = &key_file {
            if !file.matches(key) {
                return Err(StoreError::WrongKey);
            }
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .pragma("key", key.sqlcipher_pragma().to_string())
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .pragma("temp_store", "MEMORY")
            .pragma("secure_delete", "ON")
            .busy_timeout(Duration::from_secs(5))
            .disable_statement_logging();
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .min_connections(0)
            .connect_with(options)
            .await?;
        let store = Store {
            pool,
            location: StoreLocation::File(path.to_path_buf()),
        };
        if let Err(e) = store.probe_and_migrate().await {
            close_fully(&store.pool).await;
            return Err(e);
        }
        if key_file.is_none() {
            KeyFile::write_for_caller_key(path, key)?;
        }
        Ok(store)
    }

    async fn open_memory(key: &StoreKey) -> Result<Store, StoreError> {
        let options = SqliteConnectOptions::new()
            .in_memory(true)
            .shared_cache(false)
            .pragma("key", key.sqlcipher_pragma().to_string())
            .foreign_keys(true)
            .pragma("temp_store", "MEMORY")
            .pragma("secure_delete", "ON")
            .disable_statement_logging();
        // One connection, never recycled: the database lives exactly as long as the pool.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        let store = Store {
            pool,
            location: StoreLocation::Memory,
        };
        store.probe_and_migrate().await?;
        Ok(store)
    }

    async fn probe_and_migrate(&self) -> Result<(), StoreError> {
        // The probe reads page 1: a wrong key or a damaged file fails here (code 26 / 11).
        sqlx::query("SELECT count(*) FROM sqlite_master")
            .fetch_one(&self.pool)
            .await?;
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// Throws away an unreadable store's database (keeping its key file) and opens a new
    /// empty one with the same key. Only call it when the person has agreed: the documents
    /// come back at the next sync.
    pub async fn rebuild(location: &StoreLocation, key: &StoreKey) -> Result<Store, StoreError> {
        if let StoreLocation::File(path) = location {
            if let Some(file) = KeyFile::read(path)? {
                if !file.matches(key) {
                    return Err(StoreError::WrongKey);
                }
            }
            for file in StorePaths::new(path).database_files() {
                remove_if_present(file)?;
            }
        }
        Self::open(location, key).await
    }

    /// Where this store lives.
    pub fn location(&self) -> &StoreLocation {
        &self.location
    }

    /// Whether tokens are kept (not in a memory store: kiosk tokens live only in the session).
    pub fn keeps_tokens(&self) -> bool {
        matches!(self.location, StoreLocation::File(_))
    }

    /// Closes the store, waiting until every connection is closed (so the -wal file has been
    /// checkpointed and removed, and the files can be copied or deleted).
    pub async fn close(self) {
        close_fully(&self.pool).await;
    }

    /// "Remove my data": closes the store, then deletes its files and keychain entry (see
    /// [`remove_local_data`]). A memory store is simply dropped.
    pub async fn remove(self, secrets: &dyn SecretStore) -> Result<(), StoreError> {
        close_fully(&self.pool).await;
        match &self.location {
            StoreLocation::File(path) => remove_local_data(path, secrets),
            StoreLocation::Memory => Ok(()),
        }
    }

    // -----------------------------------------------------------------------------------------
    // People

    /// Saves the people the user may act for, as the council now lists them, and purges
    /// anyone no longer listed, with their documents and cursor (one transaction).
    pub async fn upsert_people(&self, people: &[PersonAccess]) -> Result<PeopleUpdate, StoreError> {
        let mut listed = HashSet::new();
        for person in people {
            if !listed.insert(person.person_id.as_str()) {
                return Err(StoreError::Invalid("a person is listed twice"));
            }
        }
        let mut tx = self.begin_write().await?;
        let existing: Vec<String> = sqlx::query_scalar("SELECT person_id FROM people")
            .fetch_all(&mut *tx)
            .await?;
        let existing: HashSet<String> = existing.into_iter().collect();
        let mut update = PeopleUpdate::default();
        for person in people {
            sqlx::query(
                "INSERT INTO people (person_id, client_id, given_name, family_name, relationship, granted_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (person_id) DO UPDATE SET
                   client_id = excluded.client_id, given_name = excluded.given_name,
                   family_name = excluded.family_name, relationship = excluded.relationship,
                   granted_at = excluded.granted_at",
            )
            .bind(person.person_id.as_str())
            .bind(person.client_id.as_str())
            .bind(&person.given_name)
            .bind(&person.family_name)
            .bind(text_of(&person.relationship))
            .bind(utc(person.granted_at))
            .execute(&mut *tx)
            .await?;
            if existing.contains(person.person_id.as_str()) {
                update.updated.push(person.person_id.clone());
            } else {
                update.added.push(person.person_id.clone());
            }
        }
        let mut gone: Vec<String> = existing
            .into_iter()
            .filter(|id| !listed.contains(id.as_str()))
            .collect();
        gone.sort();
        for id in gone {
            sqlx::query("DELETE FROM people WHERE person_id = ?1")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            update.removed.push(PersonId(id));
        }
        tx.commit().await?;
        Ok(update)
    }

    /// Everyone the user may act for, by family name then given name.
    pub async fn people(&self) -> Result<Vec<StoredPerson>, StoreError> {
        let rows = sqlx::query(
            "SELECT person_id, client_id, given_name, family_name, relationship, granted_at, last_synced_at
             FROM people ORDER BY family_name, given_name, person_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(person_from_row).collect()
    }

    /// One person, if the user may act for them.
    pub async fn person(&self, person_id: &PersonId) -> Result<Option<StoredPerson>, StoreError> {
        let row = sqlx::query(
            "SELECT person_id, client_id, given_name, family_name, relationship, granted_at, last_synced_at
             FROM people WHERE person_id = ?1",
        )
        .bind(person_id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(person_from_row).transpose()
    }

    // -----------------------------------------------------------------------------------------
    // Sync

    /// Applies one page of a person's sync: every upsert and removal, the new cursor and the
    /// last-synced time, all in ONE transaction. If anything fails nothing changes, so an
    /// interrupted sync resumes from the old cursor and loses nothing.
    ///
    /// An upsert replaces the kept document when its version is the same or newer; an older
    /// version is skipped (pages can be replayed). A document kept for another person is an
    /// error.
    pub async fn apply_page(
        &self,
        person_id: &PersonId,
        changes: &[StoreChange],
        new_cursor: &SyncCursor,
        synced_at: OffsetDateTime,
    ) -> Result<PageOutcome, StoreError> {
        self.apply_feed_page(person_id, changes, new_cursor, synced_at, false)
            .await
    }

    /// As [`Store::apply_page`]; `last` says the feed has no more pages, so documents still
    /// unconfirmed since [`Store::read_again`] are ones the council no longer holds: they are
    /// removed in the same transaction (and counted as removed).
    pub async fn apply_feed_page(
        &self,
        person_id: &PersonId,
        changes: &[StoreChange],
        new_cursor: &SyncCursor,
        synced_at: OffsetDateTime,
        last: bool,
    ) -> Result<PageOutcome, StoreError> {
        let mut tx = self.begin_write().await?;
        let known: Option<i64> = sqlx::query_scalar("SELECT 1 FROM people WHERE person_id = ?1")
            .bind(person_id.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        if known.is_none() {
            return Err(StoreError::UnknownPerson);
        }
        // Counting before and after tells new documents from replaced ones without a lookup
        // per document (the count uses the person's index).
        let count_before = count_documents(&mut tx, person_id).await?;
        let mut outcome = PageOutcome::default();
        for change in changes {
            match change {
                StoreChange::Upsert(doc) => {
                    let body = serde_json::to_string(&doc.body)
                        .map_err(|_| StoreError::Invalid("a document body"))?;
                    let done = sqlx::query(
                        "INSERT INTO documents (document_id, person_id, kind, version, reference,
                           payment_date, period_from, period_to, net_pence, body)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                         ON CONFLICT (document_id) DO UPDATE SET
                           kind = excluded.kind, version = excluded.version,
                           reference = excluded.reference, payment_date = excluded.payment_date,
                           period_from = excluded.period_from, period_to = excluded.period_to,
                           net_pence = excluded.net_pence, body = excluded.body,
                           unconfirmed = 0
                         WHERE documents.person_id = excluded.person_id
                           AND (excluded.version >= documents.version
                                OR documents.unconfirmed = 1)",
                    )
                    .bind(doc.document_id.as_str())
                    .bind(person_id.as_str())
                    .bind(text_of(&doc.kind))
                    .bind(doc.version)
                    .bind(doc.reference.as_deref())
                    .bind(doc.payment_date)
                    .bind(doc.period.map(|p| p.0))
                    .bind(doc.period.map(|p| p.1))
                    .bind(pence_of(doc.net))
                    .bind(body)
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() == 1 {
                        outcome.upserted += 1;
                    } else {
                        let owner: Option<String> = sqlx::query_scalar(
                            "SELECT person_id FROM documents WHERE document_id = ?1",
                        )
                        .bind(doc.document_id.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                        if owner.as_deref() != Some(person_id.as_str()) {
                            return Err(StoreError::Invalid(
                                "a document in the page is kept for another person",
                            ));
                        }
                    }
                }
                StoreChange::Remove(document_id) => {
                    let done = sqlx::query(
                        "DELETE FROM documents WHERE document_id = ?1 AND person_id = ?2",
                    )
                    .bind(document_id.as_str())
                    .bind(person_id.as_str())
                    .execute(&mut *tx)
                    .await?;
                    outcome.removed += done.rows_affected() as usize;
                }
            }
        }
        if last {
            let done =
                sqlx::query("DELETE FROM documents WHERE person_id = ?1 AND unconfirmed = 1")
                    .bind(person_id.as_str())
                    .execute(&mut *tx)
                    .await?;
            outcome.removed += done.rows_affected() as usize;
        }
        sqlx::query(
            "INSERT INTO sync_cursors (person_id, cursor) VALUES (?1, ?2)
             ON CONFLICT (person_id) DO UPDATE SET cursor = excluded.cursor",
        )
        .bind(person_id.as_str())
        .bind(new_cursor.as_str())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE people SET last_synced_at = ?2 WHERE person_id = ?1")
            .bind(person_id.as_str())
            .bind(utc(synced_at))
            .execute(&mut *tx)
            .await?;
        let count_after = count_documents(&mut tx, person_id).await?;
        tx.commit().await?;
        outcome.added = (count_after + outcome.removed as i64 - count_before).max(0) as usize;
        outcome.replaced = outcome.upserted.saturating_sub(outcome.added);
        Ok(outcome)
    }

    /// Starts reading a person's feed again from the start (the council's records were restored
    /// from an earlier backup, so the kept cursor means nothing there now), in one transaction:
    /// the cursor goes, and every kept document is marked unconfirmed. Nothing is deleted yet:
    /// the documents stay readable, each is replaced by the council's version when the feed
    /// brings it (even an older one), and those the feed never brings go with its last page.
    pub async fn read_again(&self, person_id: &PersonId) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sync_cursors WHERE person_id = ?1")
            .bind(person_id.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE documents SET unconfirmed = 1 WHERE person_id = ?1")
            .bind(person_id.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Purges one person (the council no longer lets the user act for them): their documents
    /// and cursor go with them, in one transaction. `false` if they were not kept.
    pub async fn remove_person(&self, person_id: &PersonId) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        // Documents and the cursor go by ON DELETE CASCADE.
        let done = sqlx::query("DELETE FROM people WHERE person_id = ?1")
            .bind(person_id.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Starts a transaction that writes. `BEGIN IMMEDIATE` takes SQLite's write lock at once
    /// (waiting up to the busy timeout), so concurrent writers (sync pages of several people)
    /// queue up instead of failing with SQLITE_BUSY when a read-then-write transaction finds
    /// its snapshot stale.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Where the person's last committed sync page ended (`None`: start from the beginning).
    pub async fn cursor(&self, person_id: &PersonId) -> Result<Option<SyncCursor>, StoreError> {
        let cursor: Option<String> =
            sqlx::query_scalar("SELECT cursor FROM sync_cursors WHERE person_id = ?1")
                .bind(person_id.as_str())
                .fetch_optional(&self.pool)
                .await?;
        Ok(cursor.map(SyncCursor))
    }

    // -----------------------------------------------------------------------------------------
    // Documents

    /// A person's documents, newest first, filtered by kind and date range.
    pub async fn list_documents(
        &self,
        person_id: &PersonId,
        filter: &DocumentFilter,
    ) -> Result<Vec<DocumentSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT document_id, kind, version, reference, payment_date, period_from, period_to, net_pence
             FROM documents
             WHERE person_id = ?1
               AND (?2 IS NULL OR kind = ?2)
               AND (?3 IS NULL OR payment_date >= ?3)
               AND (?4 IS NULL OR payment_date <= ?4)
             ORDER BY payment_date DESC, document_id DESC",
        )
        .bind(person_id.as_str())
        .bind(filter.kind.as_ref().map(text_of))
        .bind(filter.from)
        .bind(filter.to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(summary_from_row).collect()
    }

    /// One document, typed (a remittance comes back as a checked [`RemittanceAdvice`]).
    pub async fn get_document(
        &self,
        person_id: &PersonId,
        document_id: &DocumentId,
    ) -> Result<Option<Document>, StoreError> {
        let row = sqlx::query(
            "SELECT document_id, kind, version, reference, payment_date, period_from, period_to, net_pence, body
             FROM documents WHERE person_id = ?1 AND document_id = ?2",
        )
        .bind(person_id.as_str())
        .bind(document_id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| document_from_row(&row)).transpose()
    }

    /// The remittance paid before `document_id` (by payment date), for "what changed".
    pub async fn previous_remittance(
        &self,
        person_id: &PersonId,
        document_id: &DocumentId,
    ) -> Result<Option<(DocumentId, RemittanceAdvice)>, StoreError> {
        let row = sqlx::query(
            "SELECT d.document_id, d.body FROM documents d, documents cur
             WHERE cur.person_id = ?1 AND cur.document_id = ?2
               AND d.person_id = ?1 AND d.kind = 'remittanceAdvice'
               AND (d.payment_date, d.document_id) < (cur.payment_date, cur.document_id)
             ORDER BY d.payment_date DESC, d.document_id DESC
             LIMIT 1",
        )
        .bind(person_id.as_str())
        .bind(document_id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let id: String = row.try_get(0)?;
        let body: String = row.try_get(1)?;
        let advice =
            serde_json::from_str::<RemittanceAdvice>(&body).map_err(|_| StoreError::BadDocument)?;
        Ok(Some((DocumentId(id), advice)))
    }

    // -----------------------------------------------------------------------------------------
    // Owner

    /// Binds this copy to the council account `owner` (its issuer and subject). If it held
    /// another account's rows, or rows of no known account (a store from before owners were
    /// kept), they go first, in one transaction: people, documents, cursors and the kept
    /// session (a cache, rebuilt by sync). The other account's queued actions are not a cache:
    /// they are set aside under that account, never listed or sent for `owner`, and come back
    /// to the outbox when that account signs in again (with `owner`'s own set-aside actions
    /// coming back now). Returns whether anything was removed from view.
    pub async fn bind_to_account(&self, owner: &AccountOwner) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let current = sqlx::query("SELECT issuer, subject FROM owner WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = &current {
            let issuer: String = row.try_get(0)?;
            let subject: String = row.try_get(1)?;
            if issuer == owner.issuer && subject == owner.subject {
                return Ok(false);
            }
        }
        let mut removed = 0;
        if let Some(row) = &current {
            let issuer: String = row.try_get(0)?;
            let subject: String = row.try_get(1)?;
            removed += sqlx::query(
                "INSERT INTO outbox_set_aside (issuer, subject, kind, payload, created_at, attempts)
                 SELECT ?1, ?2, kind, payload, created_at, attempts FROM outbox ORDER BY id",
            )
            .bind(issuer)
            .bind(subject)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        // Documents and cursors go with their people (ON DELETE CASCADE). Queued actions of no
        // known account cannot be given back to anyone, so they go too.
        for table in ["people", "tokens", "outbox"] {
            removed += sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        sqlx::query(
            "INSERT INTO outbox (kind, payload, created_at, attempts)
             SELECT kind, payload, created_at, attempts FROM outbox_set_aside
             WHERE issuer = ?1 AND subject = ?2 ORDER BY id",
        )
        .bind(&owner.issuer)
        .bind(&owner.subject)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM outbox_set_aside WHERE issuer = ?1 AND subject = ?2")
            .bind(&owner.issuer)
            .bind(&owner.subject)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO owner (id, issuer, subject) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET issuer = excluded.issuer, subject = excluded.subject",
        )
        .bind(&owner.issuer)
        .bind(&owner.subject)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(removed > 0)
    }

    /// Records `owner` as this copy's account if it has none yet, removing nothing: for a
    /// store from before owners were kept that holds a signed-in session, whose rows are that
    /// session's account's.
    pub async fn claim_if_unowned(&self, owner: &AccountOwner) -> Result<(), StoreError> {
        sqlx::query("INSERT OR IGNORE INTO owner (id, issuer, subject) VALUES (1, ?1, ?2)")
            .bind(&owner.issuer)
            .bind(&owner.subject)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The account this copy was filled for, if it is bound to one.
    pub async fn owner(&self) -> Result<Option<AccountOwner>, StoreError> {
        let row = sqlx::query("SELECT issuer, subject FROM owner WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok(AccountOwner {
                issuer: row.try_get(0)?,
                subject: row.try_get(1)?,
            })
        })
        .transpose()
    }

    // -----------------------------------------------------------------------------------------
    // Tokens

    /// Keeps the refresh token (replacing any other). A memory store keeps nothing.
    pub async fn set_tokens(&self, tokens: &StoredTokens) -> Result<(), StoreError> {
        if !self.keeps_tokens() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO tokens (id, refresh_token, expires_at) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET refresh_token = excluded.refresh_token,
               expires_at = excluded.expires_at",
        )
        .bind(tokens.refresh_token.expose())
        .bind(tokens.expires_at.map(utc))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The kept refresh token, if any.
    pub async fn tokens(&self) -> Result<Option<StoredTokens>, StoreError> {
        let row = sqlx::query("SELECT refresh_token, expires_at FROM tokens WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let token: zeroize::Zeroizing<String> = zeroize::Zeroizing::new(row.try_get(0)?);
        Ok(Some(StoredTokens {
            refresh_token: RefreshToken::new(token.as_str()),
            expires_at: row.try_get(1)?,
        }))
    }

    /// Forgets the refresh token (sign-out). `secure_delete` overwrites it in the file.
    pub async fn clear_tokens(&self) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM tokens")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Outbox

    /// Queues an action made offline.
    pub async fn outbox_push(
        &self,
        kind: &str,
        payload: &serde_json::Value,
        created_at: OffsetDateTime,
    ) -> Result<OutboxId, StoreError> {
        if kind.trim().is_empty() {
            return Err(StoreError::Invalid("an outbox action needs a kind"));
        }
        let payload =
            serde_json::to_string(payload).map_err(|_| StoreError::Invalid("an outbox payload"))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO outbox (kind, payload, created_at) VALUES (?1, ?2, ?3) RETURNING id",
        )
        .bind(kind)
        .bind(payload)
        .bind(utc(created_at))
        .fetch_one(&self.pool)
        .await?;
        Ok(OutboxId(id))
    }

    /// Every waiting action, oldest first.
    pub async fn outbox_list(&self) -> Result<Vec<OutboxItem>, StoreError> {
        let rows =
            sqlx::query("SELECT id, kind, payload, created_at, attempts FROM outbox ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|row| {
                let payload: String = row.try_get(2)?;
                Ok(OutboxItem {
                    id: OutboxId(row.try_get(0)?),
                    kind: row.try_get(1)?,
                    payload: serde_json::from_str(&payload).map_err(|_| StoreError::BadDocument)?,
                    created_at: row.try_get(3)?,
                    attempts: row.try_get(4)?,
                })
            })
            .collect()
    }

    /// Notes one more attempt to send an action.
    pub async fn outbox_record_attempt(&self, id: OutboxId) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?1")
            .bind(id.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes a sent (or abandoned) action; `false` if it was not there.
    pub async fn outbox_remove(&self, id: OutboxId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM outbox WHERE id = ?1")
            .bind(id.0)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

async fn count_documents(
    conn: &mut sqlx::SqliteConnection,
    person_id: &PersonId,
) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM documents WHERE person_id = ?1")
            .bind(person_id.as_str())
            .fetch_one(conn)
            .await?,
    )
}

/// Closes the pool and waits until no connection is left. A connection that was on its way
/// back to the pool when `close` began can land in the idle queue of the closed pool; closing
/// again closes it.
async fn close_fully(pool: &SqlitePool) {
    // Fold the write-ahead log into the file now rather than when the last connection's worker
    // happens to close it (that can finish after `close` returns): whatever reads the file next
    // (a backup, "Remove my data", a damage check) then sees all of it. Best effort: closing
    // cannot fail, and SQLite checkpoints on the last close anyway.
    let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(pool)
        .await;
    pool.close().await;
    for _ in 0..1000 {
        if pool.size() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
        pool.close().await;
    }
}

fn person_from_row(row: SqliteRow) -> Result<StoredPerson, StoreError> {
    let client_id: String = row.try_get(1)?;
    Ok(StoredPerson {
        access: PersonAccess {
            person_id: PersonId(row.try_get(0)?),
            client_id: client_id
                .parse::<ClientId>()
                .map_err(|_| StoreError::BadDocument)?,
            given_name: row.try_get(2)?,
            family_name: row.try_get(3)?,
            relationship: from_text::<Relationship>(row.try_get(4)?)?,
            granted_at: row.try_get(5)?,
        },
        last_synced_at: row.try_get(6)?,
    })
}

fn summary_from_row(row: &SqliteRow) -> Result<DocumentSummary, StoreError> {
    let net: Option<i64> = row.try_get(7)?;
    Ok(DocumentSummary {
        document_id: DocumentId(row.try_get(0)?),
        kind: from_text::<DocumentKind>(row.try_get(1)?)?,
        version: row.try_get(2)?,
        reference: row.try_get(3)?,
        payment_date: row.try_get::<Date, _>(4)?,
        period_from: row.try_get(5)?,
        period_to: row.try_get(6)?,
        net: net.map(Money::from_pence),
    })
}

fn document_from_row(row: &SqliteRow) -> Result<Document, StoreError> {
    let summary = summary_from_row(row)?;
    let body: String = row.try_get(8)?;
    let content = match summary.kind {
        DocumentKind::RemittanceAdvice => DocumentContent::Remittance(
            serde_json::from_str(&body).map_err(|_| StoreError::BadDocument)?,
        ),
        _ => DocumentContent::Other(
            serde_json::from_str(&body).map_err(|_| StoreError::BadDocument)?,
        ),
    };
    Ok(Document { summary, content })
}
