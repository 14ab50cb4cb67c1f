//! The store against real SQLCipher files in temporary folders.

mod common;

use std::path::Path;
use std::process::Command;

use cfp_domain::{what_changed, DocumentKind, Money};
use cfp_store::*;
use common::*;
use time::macros::{date, datetime};

fn db_in(dir: &Path) -> std::path::PathBuf {
    dir.join("store.db")
}

async fn keychain_store(dir: &Path, secrets: &InMemorySecrets) -> (Store, StoreKey) {
    let db = db_in(dir);
    let key = keychain_key(&db, secrets, &mut OsRandom).unwrap();
    let store = Store::open(&StoreLocation::File(db), &key).await.unwrap();
    (store, key)
}

#[tokio::test]
async fn people_documents_cursors_tokens_and_outbox_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = InMemorySecrets::default();
    let (store, key) = keychain_store(dir.path(), &secrets).await;

    let update = store
        .upsert_people(&[person(2), person(1), person(0)])
        .await
        .unwrap();
    assert_eq!(update.added.len(), 3);
    assert!(update.updated.is_empty() && update.removed.is_empty());

    let p1 = person(1).person_id;
    assert_eq!(store.cursor(&p1).await.unwrap(), None);
    let changes: Vec<_> = (0..5)
        .map(|seq| StoreChange::Upsert(remittance_doc(1, seq)))
        .collect();
    let outcome = store
        .apply_page(&p1, &changes, &SyncCursor("c-5".into()), NOW)
        .await
        .unwrap();
    assert_eq!(
        outcome,
        PageOutcome {
            upserted: 5,
            added: 5,
            replaced: 0,
            removed: 0
        }
    );
    assert_eq!(
        store.cursor(&p1).await.unwrap(),
        Some(SyncCursor("c-5".into()))
    );

    let tokens = StoredTokens {
        refresh_token: RefreshToken::new("rt-secret-value"),
        expires_at: Some(datetime!(2026-12-30 09:00 UTC)),
    };
    store.set_tokens(&tokens).await.unwrap();
    let action = serde_json::json!({"personName": "Given9 Family9", "relationship": "deputy"});
    let queued = store
        .outbox_push("accessRequest", &action, NOW)
        .await
        .unwrap();
    store.outbox_record_attempt(queued).await.unwrap();
    store.close().await;

    // Everything survives closing and reopening with the same key.
    let store = Store::open(&StoreLocation::File(db_in(dir.path())), &key)
        .await
        .unwrap();
    let people = store.people().await.unwrap();
    let ids: Vec<_> = people
        .iter()
        .map(|p| p.access.person_id.0.clone())
        .collect();
    assert_eq!(ids, ["p-000", "p-001", "p-002"], "ordered by family name");
    assert_eq!(people[1].access, person(1));
    assert_eq!(people[1].last_synced_at, Some(NOW));
    assert_eq!(people[0].last_synced_at, None);

    let list = store
        .list_documents(&p1, &DocumentFilter::default())
        .await
        .unwrap();
    assert_eq!(list.len(), 5);
    assert_eq!(list[0].document_id, doc_id(1, 4), "newest first");
    assert_eq!(list[4].document_id, doc_id(1, 0));
    let newest = advice(1, 4);
    assert_eq!(list[0].net, Some(newest.net_amount()));
    assert_eq!(list[0].payment_date, newest.header().payment_date);
    assert_eq!(list[0].period_from, Some(newest.header().period_from));
    assert_eq!(list[0].reference.as_deref(), Some("RA-001-0004"));
    assert_eq!(list[0].kind, DocumentKind::RemittanceAdvice);

    let doc = store
        .get_document(&p1, &doc_id(1, 4))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(doc.content, DocumentContent::Remittance(newest.clone()));
    assert_eq!(doc.summary, list[0]);
    // Another person cannot see it.
    assert!(store
        .get_document(&person(2).person_id, &doc_id(1, 4))
        .await
        .unwrap()
        .is_none());

    let (prev_id, prev) = store
        .previous_remittance(&p1, &doc_id(1, 4))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(prev_id, doc_id(1, 3));
    assert_eq!(prev, advice(1, 3));
    assert!(!what_changed(&prev, &newest).is_empty());
    assert!(store
        .previous_remittance(&p1, &doc_id(1, 0))
        .await
        .unwrap()
        .is_none());

    assert_eq!(store.tokens().await.unwrap(), Some(tokens));
    store.clear_tokens().await.unwrap();
    assert_eq!(store.tokens().await.unwrap(), None);

    let items = store.outbox_list().await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].id, queued);
    assert_eq!(items[0].kind, "accessRequest");
    assert_eq!(items[0].payload, action);
    assert_eq!(items[0].created_at, NOW);
    assert_eq!(items[0].attempts, 1);
    assert!(store.outbox_remove(queued).await.unwrap());
    assert!(!store.outbox_remove(queued).await.unwrap());
    assert!(store.outbox_list().await.unwrap().is_empty());
    store.close().await;
}

#[tokio::test]
async fn filters_by_kind_and_date_and_keeps_other_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = InMemorySecrets::default();
    let (store, _key) = keychain_store(dir.path(), &secrets).await;
    store.upsert_people(&[person(1)]).await.unwrap();
    let p1 = person(1).person_id;
    let statement_body = serde_json::json!({"closingBalance": "1234.56"});
    let statement = StoredDocument::other(
        DocumentId("dps-1".into()),
        DocumentKind::DeferredPaymentStatement,
        1,
        Some("DPS-2026-H1".into()),
        date!(2021 - 03 - 15),
        Some((date!(2020 - 07 - 01), date!(2020 - 12 - 31))),
        Some(Money::from_pence(123_456)),
        statement_body.clone(),
    )
    .unwrap();
    let mut changes: Vec<_> = (0..6)
        .map(|seq| StoreChange::Upsert(remittance_doc(1, seq)))
        .collect();
    changes.push(StoreChange::Upsert(statement));
    store
        .apply_page(&p1, &changes, &SyncCursor("c".into()), NOW)
        .await
        .unwrap();

    let only_statements = DocumentFilter {
        kind: Some(DocumentKind::DeferredPaymentStatement),
        ..Default::default()
    };
    let list = store.list_documents(&p1, &only_statements).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].net, Some(Money::from_pence(123_456)));
    let doc = store
        .get_document(&p1, &DocumentId("dps-1".into()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(doc.content, DocumentContent::Other(statement_body));

    // Payment dates are 2021-01-01 + 28 days each; pick the 2nd to 4th.
    let from = advice(1, 1).header().payment_date;
    let to = advice(1, 3).header().payment_date;
    let range = DocumentFilter {
        kind: Some(DocumentKind::RemittanceAdvice),
        from: Some(from),
        to: Some(to),
    };
    let list = store.list_documents(&p1, &range).await.unwrap();
    let ids: Vec<_> = list.iter().map(|d| d.document_id.clone()).collect();
    assert_eq!(ids, [doc_id(1, 3), doc_id(1, 2), doc_id(1, 1)]);

    // A remittance cannot be smuggled in unchecked.
    assert!(matches!(
        StoredDocument::other(
            DocumentId("x".into()),
            DocumentKind::RemittanceAdvice,
            1,
            None,
            date!(2021 - 01 - 01),
            None,
            None,
            serde_json::json!({})
        ),
        Err(StoreError::Invalid(_))
    ));
    store.close().await;
}

#[tokio::test]
async fn the_file_is_encrypted_and_plain_sqlite_cannot_read_it() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = InMemorySecrets::default();
    let (store, _key) = keychain_store(dir.path(), &secrets).await;
    store.upsert_people(&[person(1)]).await.unwrap();
    store
        .apply_page(
            &person(1).person_id,
            &[StoreChange::Upsert(remittance_doc(1, 0))],
            &SyncCursor("c".into()),
            NOW,
        )
        .await
        .unwrap();
    store
        .set_tokens(&StoredTokens {
            refresh_token: RefreshToken::new("rt-very-secret"),
            expires_at: None,
        })
        .await
        .unwrap();

    // While open, the write-ahead log is encrypted too.
    let paths = StorePaths::new(&db_in(dir.path()));
    for file in [&paths.db, &paths.wal] {
        let bytes = std::fs::read(file).unwrap();
        assert!(!bytes.is_empty(), "{} has data", file.display());
        for needle in [
            &b"Family1"[..],
            b"RA-001-0000",
            b"rt-very-secret",
            b"SQLite format 3",
        ] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{} contains {}",
                file.display(),
                String::from_utf8_lossy(needle)
            );
        }
    }
    store.close().await;

    let bytes = std::fs::read(&paths.db).unwrap();
    assert!(bytes.len() >= 4096);
    assert_ne!(&bytes[..16], b"SQLite format 3\0");
    assert!(!bytes.windows(7).any(|w| w == b"Family1"));

    // Debian's plain sqlite3 cannot open it.
    let out = Command::new("sqlite3")
        .arg(&paths.db)
        .arg("SELECT count(*) FROM sqlite_master;")
        .output()
        .expect("the sqlite3 command-line tool is installed");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("file is not a database"),
        "sqlite3 said: {stderr}"
    );
}

#[tokio::test]
async fn a_wrong_key_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = InMemorySecrets::default();
    let (store, right) = keychain_store(dir.path(), &secrets).await;
    store.upsert_people(&[person(1)]).await.unwrap();
    store.close().await;
    let before = snapshot(dir.path());
    let location = StoreLocation::File(db_in(dir.path()));

    let wrong = StoreKey::generate(&mut Counter(3)).unwrap();
    let err = Store::open(&location, &wrong).await.unwrap_err();
    assert!(matches!(err, StoreError::WrongKey), "{err:?}");
    assert!(err.to_string().contains("different key"));
    assert!(err.to_string().contains("Nothing was changed"));
    assert_eq!(snapshot(dir.path()), before, "no file changed");

    // Rebuilding is refused with the wrong key too.
    assert!(matches!(
        Store::rebuild(&location, &wrong).await,
        Err(StoreError::WrongKey)
    ));
    assert_eq!(snapshot(dir.path()), before);

    // Even without the key file, SQLCipher itself refuses it, and nothing is written.
    let paths = StorePaths::new(&db_in(dir.path()));
    std::fs::remove_file(&paths.key_file).unwrap();
    let without_key_file = snapshot(dir.path());
    let err = Store::open(&location, &wrong).await.unwrap_err();
    assert!(matches!(err, StoreError::Unreadable), "{err:?}");
    assert_eq!(snapshot(dir.path()), without_key_file);

    // The right key still opens it.
    let store = Store::open(&location, &right).await.unwrap();
    assert_eq!(store.people().await.unwrap().len(), 1);
    store.close().await;
}

#[tokio::test]
async fn a_wrong_passphrase_is_refused_and_the_passphrase_can_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(dir.path());
    let location = StoreLocation::File(db.clone());
    let first = Passphrase::new("first passphrase here");
    let key = create_with_passphrase(&db, &first, quick_kdf(), &mut OsRandom).unwrap();
    let store = Store::open(&location, &key).await.unwrap();
    store.upsert_people(&[person(4)]).await.unwrap();
    store.close().await;
    let before = snapshot(dir.path());

    let err = unlock_with_passphrase(&db, &Passphrase::new("not the passphrase")).unwrap_err();
    assert!(matches!(err, StoreError::WrongPassphrase));
    assert_eq!(
        err.to_string(),
        "That passphrase is not right. Nothing was changed. Please try again."
    );
    assert_eq!(snapshot(dir.path()), before);
    // The keychain cannot open a passphrase store.
    assert!(matches!(
        keychain_key(&db, &InMemorySecrets::default(), &mut OsRandom),
        Err(StoreError::PassphraseNeeded)
    ));

    let second = Passphrase::new("second passphrase here");
    change_passphrase(&db, &first, &second, quick_kdf(), &mut OsRandom).unwrap();
    let after_change = snapshot(dir.path());
    let db_bytes = |snap: &[(String, usize, u64)]| {
        snap.iter()
            .find(|(n, _, _)| n == "store.db")
            .unwrap()
            .clone()
    };
    assert_eq!(
        db_bytes(&after_change),
        db_bytes(&before),
        "the database is not re-encrypted"
    );
    assert!(matches!(
        unlock_with_passphrase(&db, &first),
        Err(StoreError::WrongPassphrase)
    ));
    let key2 = unlock_with_passphrase(&db, &second).unwrap();
    assert_eq!(key2, key, "the same store key, re-wrapped");
    let store = Store::open(&location, &key2).await.unwrap();
    assert_eq!(
        store.people().await.unwrap()[0].access.person_id,
        person(4).person_id
    );
    store.close().await;
}

#[test]
fn default_argon2id_settings_are_recorded_and_work() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(dir.path());
    let pass = Passphrase::new("a passphrase for the default settings");
    let key = create_with_passphrase(&db, &pass, KdfParams::default(), &mut OsRandom).unwrap();
    let file = KeyFile::read(&db).unwrap().unwrap();
    match &file.protection {
        KeyProtection::Passphrase { kdf, params, .. } => {
            assert_eq!(kdf, "argon2id");
            assert_eq!(
                *params,
                KdfParams {
                    memory_kib: 65536,
                    iterations: 3,
                    parallelism: 1
                }
            );
        }
        other => panic!("unexpected protection {other:?}"),
    }
    assert!(file.matches(&key));
    assert_eq!(unlock_with_passphrase(&db, &pass).unwrap(), key);
}

#[tokio::test]
async fn a_damaged_file_is_reported_plainly_and_rebuilt_only_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = InMemorySecrets::default();
    let (store, key) = keychain_store(dir.path(), &secrets).await;
    store.upsert_people(&[person(1)]).await.unwrap();
    store.close().await;
    let paths = StorePaths::new(&db_in(dir.path()));
    let location = StoreLocation::File(paths.db.clone());

    // Damage the first page.
    let mut bytes = std::fs::read(&paths.db).unwrap();
    for b in &mut bytes[200..1200] {
        *b ^= 0x5a;
    }
    std::fs::write(&paths.db, &bytes).unwrap();
    let damaged = snapshot(dir.path());

    let err = Store::open(&location, &key).await.unwrap_err();
    assert!(matches!(err, StoreError::Unreadable), "{err:?}");
    assert_eq!(
        err.to_string(),
        "The information saved on this computer cannot be read. It may be damaged. \
         You can download it again from the council."
    );
    assert_eq!(snapshot(dir.path()), damaged, "nothing deleted or changed");

    // Only when asked: start again, empty, with the same key.
    let store = Store::rebuild(&location, &key).await.unwrap();
    assert!(store.people().await.unwrap().is_empty());
    store.upsert_people(&[person(2)]).await.unwrap();
    store.close().await;
    let store = Store::open(&location, &key).await.unwrap();
    assert_eq!(store.people().await.unwrap().len(), 1);
    store.close().await;
}

#[tokio::test]
async fn a_plain_sqlite_file_or_garbage_is_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let key = StoreKey::generate(&mut OsRandom).unwrap();

    let plain = dir.path().join("plain.db");
    let status = Command::new("sqlite3")
        .arg(&plain)
        .arg("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .status()
        .unwrap();
    assert!(status.success());
    let err = Store::open(&StoreLocation::File(plain.clone()), &key)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unreadable), "{err:?}");
    assert!(plain.exists());

    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, vec![0x42u8; 10_000]).unwrap();
    let err = Store::open(&StoreLocation::File(garbage.clone()), &key)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unreadable), "{err:?}");
    assert_eq!(std::fs::read(&garbage).unwrap(), vec![0x42u8; 10_000]);
    // A failed open records no key file.
    assert!(!StorePaths::new(&garbage).key_file.exists());
}

async fn listed(store: &Store, person_id: &PersonId) -> Vec<(String, u32)> {
    store
        .list_documents(person_id, &DocumentFilter::default())
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.document_id.0, d.version))
        .collect()
}

#[tokio::test]
async fn apply_page_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = InMemorySecrets::default();
    let (store, _key) = keychain_store(dir.path(), &secrets).await;
    store.upsert_people(&[person(1), person(2)]).await.unwrap();
    let p1 = person(1).person_id;
    let first = [0, 1, 2].map(|s| StoreChange::Upsert(remittance_doc(1, s)));
    store
        .apply_page(&p1, &first, &SyncCursor("c-1".into()), NOW)
        .await
        .unwrap();
    let before = listed(&store, &p1).await;

    // A page whose third change violates a constraint (version 0) fails as a whole.
    let bad = StoredDocument::remittance(doc_id(1, 9), 0, &advice(1, 9)).unwrap();
    let page = [
        StoreChange::Upsert(remittance_doc(1, 3)),
        StoreChange::Remove(doc_id(1, 0)),
        StoreChange::Upsert(bad),
        StoreChange::Upsert(remittance_doc(1, 4)),
    ];
    let later = datetime!(2026-11-30 10:00 UTC);
    let err = store
        .apply_page(&p1, &page, &SyncCursor("c-2".into()), later)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err:?}");
    assert!(err.to_string().contains("CHECK constraint failed"), "{err}");
    assert_eq!(listed(&store, &p1).await, before, "no document moved");
    assert_eq!(
        store.cursor(&p1).await.unwrap(),
        Some(SyncCursor("c-1".into()))
    );
    assert_eq!(
        store.person(&p1).await.unwrap().unwrap().last_synced_at,
        Some(NOW)
    );

    // A document kept for someone else is refused, also as a whole.
    store
        .apply_page(
            &person(2).person_id,
            &[StoreChange::Upsert(remittance_doc(2, 0))],
            &SyncCursor("x".into()),
            NOW,
        )
        .await
        .unwrap();
    let stolen = StoredDocument::remittance(doc_id(2, 0), 5, &advice(1, 5)).unwrap();
    let err = store
        .apply_page(
            &p1,
            &[
                StoreChange::Upsert(remittance_doc(1, 3)),
                StoreChange::Upsert(stolen),
            ],
            &SyncCursor("c-2".into()),
            later,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    assert_eq!(listed(&store, &p1).await, before);

    // An unknown person is refused.
    assert!(matches!(
        store
            .apply_page(
                &PersonId("nobody".into()),
                &[],
                &SyncCursor("z".into()),
                later
            )
            .await,
        Err(StoreError::UnknownPerson)
    ));

    // The corrected page resumes from the old cursor and applies.
    let good = [
        StoreChange::Upsert(remittance_doc(1, 3)),
        StoreChange::Remove(doc_id(1, 0)),
        StoreChange::Upsert(StoredDocument::remittance(doc_id(1, 1), 2, &advice(1, 1)).unwrap()),
        StoreChange::Remove(DocumentId("never-kept".into())),
    ];
    let outcome = store
        .apply_page(&p1, &good, &SyncCursor("c-2".into()), later)
        .await
        .unwrap();
    assert_eq!(
        outcome,
        PageOutcome {
            upserted: 2,
            added: 1,
            replaced: 1,
            removed: 1
        }
    );
    assert_eq!(
        listed(&store, &p1).await,
        [
            ("d-001-0003".to_string(), 1),
            ("d-001-0002".to_string(), 1),
            ("d-001-0001".to_string(), 2)
        ]
    );
    assert_eq!(
        store.cursor(&p1).await.unwrap(),
        Some(SyncCursor("c-2".into()))
    );

    // Replaying an older version changes nothing.
    let old = StoredDocument::remittance(doc_id(1, 1), 1, &advice(1, 1)).unwrap();
    let outcome = store
        .apply_page(
            &p1,
            &[StoreChange::Upsert(old)],
            &SyncCursor("c-3".into()),
            later,
        )
        .await
        .unwrap();
    assert_eq!(outcome.upserted, 0);
    assert_eq!(listed(&store, &p1).await[2], ("d-001-0001".to_string(), 2));
    store.close().await;
}

#[tokio::test]
async fn people_no_longer_listed_are_purged_with_their_documents() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = InMemorySecrets::default();
    let (store, _key) = keychain_store(dir.path(), &secrets).await;
    store
        .upsert_people(&[person(1), person(2), person(3)])
        .await
        .unwrap();
    let p2 = person(2).person_id;
    store
        .apply_page(
            &p2,
            &[StoreChange::Upsert(remittance_doc(2, 0))],
            &SyncCursor("c".into()),
            NOW,
        )
        .await
        .unwrap();

    let mut renamed = person(3);
    renamed.family_name = "Newname".into();
    let update = store
        .upsert_people(&[person(1), renamed.clone()])
        .await
        .unwrap();
    assert_eq!(update.removed, vec![p2.clone()]);
    assert_eq!(update.updated.len(), 2);
    assert!(update.added.is_empty());
    assert!(store
        .list_documents(&p2, &DocumentFilter::default())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.cursor(&p2).await.unwrap(), None);
    assert!(store
        .get_document(&p2, &doc_id(2, 0))
        .await
        .unwrap()
        .is_none());
    let people = store.people().await.unwrap();
    assert_eq!(people.len(), 2);
    assert_eq!(
        store
            .person(&renamed.person_id)
            .await
            .unwrap()
            .unwrap()
            .access,
        renamed
    );
    assert!(matches!(
        store.upsert_people(&[person(1), person(1)]).await,
        Err(StoreError::Invalid(_))
    ));
    store.close().await;
}

#[tokio::test]
async fn remove_local_data_removes_every_file_and_the_keychain_entry() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = InMemorySecrets::default();
    let (store, _key) = keychain_store(dir.path(), &secrets).await;
    store.upsert_people(&[person(1)]).await.unwrap();
    assert_eq!(secrets.len(), 1);
    let names: Vec<_> = snapshot(dir.path())
        .into_iter()
        .map(|(n, _, _)| n)
        .collect();
    assert!(names.contains(&"store.db".to_string()));
    assert!(names.contains(&"store.db-wal".to_string()));
    assert!(names.contains(&"store.db.key".to_string()));

    store.remove(&secrets).await.unwrap();
    assert!(snapshot(dir.path()).is_empty(), "the folder is empty");
    assert!(secrets.is_empty(), "the keychain entry is gone");

    // A closed passphrase store goes the same way, and removing twice is fine.
    let db = db_in(dir.path());
    let key = create_with_passphrase(
        &db,
        &Passphrase::new("a long passphrase"),
        quick_kdf(),
        &mut OsRandom,
    )
    .unwrap();
    Store::open(&StoreLocation::File(db.clone()), &key)
        .await
        .unwrap()
        .close()
        .await;
    remove_local_data(&db, &secrets).unwrap();
    remove_local_data(&db, &secrets).unwrap();
    assert!(snapshot(dir.path()).is_empty());

    // Without a keychain a keychain store is never made, so there is nothing left behind.
    assert!(matches!(
        keychain_key(&db, &InMemorySecrets::unavailable(), &mut OsRandom),
        Err(StoreError::NoKeychain)
    ));
    assert!(snapshot(dir.path()).is_empty());
}

#[tokio::test]
async fn a_lost_keychain_key_is_reported_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = InMemorySecrets::default();
    let (store, _key) = keychain_store(dir.path(), &secrets).await;
    store.close().await;
    let db = db_in(dir.path());
    secrets
        .delete(&KeychainName::for_store(&db).unwrap())
        .unwrap();
    let before = snapshot(dir.path());
    assert!(matches!(
        keychain_key(&db, &secrets, &mut OsRandom),
        Err(StoreError::KeyMissing)
    ));
    assert!(secrets.is_empty(), "no new key was made over the old store");
    assert_eq!(snapshot(dir.path()), before);
}

#[tokio::test]
async fn debug_and_errors_show_no_personal_data_or_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = InMemorySecrets::default();
    let (store, key) = keychain_store(dir.path(), &secrets).await;
    store.upsert_people(&[person(7)]).await.unwrap();
    store
        .apply_page(
            &person(7).person_id,
            &[StoreChange::Upsert(remittance_doc(7, 0))],
            &SyncCursor("c".into()),
            NOW,
        )
        .await
        .unwrap();
    let people = store.people().await.unwrap();
    let doc = store
        .get_document(&person(7).person_id, &doc_id(7, 0))
        .await
        .unwrap()
        .unwrap();
    let tokens = StoredTokens {
        refresh_token: RefreshToken::new("rt-abcdef"),
        expires_at: None,
    };
    let text = format!(
        "{people:?} {doc:?} {tokens:?} {key:?} {store:?} {:?} {:?}",
        remittance_doc(7, 0),
        KeyFile::read(&db_in(dir.path())).unwrap()
    );
    for secret in [
        "Given7",
        "Family7",
        "100000007",
        "rt-abcdef",
        "RA-007",
        &*advice(7, 0).net_amount().to_plain_string(),
        "store.db",
    ] {
        assert!(!text.contains(secret), "{secret} leaked in: {text}");
    }
    assert!(text.contains("p-007"), "ids are still shown: {text}");
    store.close().await;
}

#[tokio::test]
async fn reading_a_person_again_keeps_documents_readable_until_the_feed_ends_and_then_matches_it() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = InMemorySecrets::default();
    let (store, _key) = keychain_store(dir.path(), &secrets).await;
    store.upsert_people(&[person(1), person(2)]).await.unwrap();
    let p1 = person(1).person_id;
    let p2 = person(2).person_id;
    // Before the council's restore: three documents, the first at version 3.
    let corrected = StoredDocument::remittance(doc_id(1, 0), 3, &advice(1, 0)).unwrap();
    let kept = [
        StoreChange::Upsert(corrected),
        StoreChange::Upsert(remittance_doc(1, 1)),
        StoreChange::Upsert(remittance_doc(1, 2)),
    ];
    store
        .apply_page(&p1, &kept, &SyncCursor("old-5".into()), NOW)
        .await
        .unwrap();
    store
        .apply_page(
            &p2,
            &[StoreChange::Upsert(remittance_doc(2, 0))],
            &SyncCursor("x".into()),
            NOW,
        )
        .await
        .unwrap();

    store.read_again(&p1).await.unwrap();
    assert_eq!(
        store.cursor(&p1).await.unwrap(),
        None,
        "read from the start"
    );
    assert_eq!(listed(&store, &p1).await.len(), 3, "still readable");

    // The restored council holds document 0 at version 1 and document 1; document 2 is gone
    // and document 3 is new. First page (more to come): the older version replaces the kept one.
    let outcome = store
        .apply_feed_page(
            &p1,
            &[StoreChange::Upsert(remittance_doc(1, 0))],
            &SyncCursor("new-1".into()),
            NOW,
            false,
        )
        .await
        .unwrap();
    assert_eq!(
        (outcome.added, outcome.replaced, outcome.removed),
        (0, 1, 0)
    );
    let mut now = listed(&store, &p1).await;
    now.sort();
    assert_eq!(now[0], (doc_id(1, 0).0, 1));
    assert_eq!(now.len(), 3, "nothing goes before the feed ends");

    // The last page: what the feed never brought goes, in the same transaction.
    let outcome = store
        .apply_feed_page(
            &p1,
            &[
                StoreChange::Upsert(remittance_doc(1, 1)),
                StoreChange::Upsert(remittance_doc(1, 3)),
            ],
            &SyncCursor("new-2".into()),
            NOW,
            true,
        )
        .await
        .unwrap();
    assert_eq!(
        (outcome.added, outcome.replaced, outcome.removed),
        (1, 1, 1)
    );
    let mut now = listed(&store, &p1).await;
    now.sort();
    let ids: Vec<String> = now.iter().map(|d| d.0.clone()).collect();
    assert_eq!(ids, [doc_id(1, 0).0, doc_id(1, 1).0, doc_id(1, 3).0]);
    assert_eq!(
        store.cursor(&p1).await.unwrap(),
        Some(SyncCursor("new-2".into()))
    );
    // Someone else's documents are untouched, and an ordinary last page removes nothing.
    assert_eq!(listed(&store, &p2).await.len(), 1);
    let outcome = store
        .apply_feed_page(&p1, &[], &SyncCursor("new-2".into()), NOW, true)
        .await
        .unwrap();
    assert_eq!(outcome.removed, 0);
    // Back to ordinary: an older version no longer replaces a kept one.
    store
        .apply_page(
            &p1,
            &[StoreChange::Upsert(
                StoredDocument::remittance(doc_id(1, 1), 2, &advice(1, 1)).unwrap(),
            )],
            &SyncCursor("new-3".into()),
            NOW,
        )
        .await
        .unwrap();
    store
        .apply_page(
            &p1,
            &[StoreChange::Upsert(remittance_doc(1, 1))],
            &SyncCursor("new-4".into()),
            NOW,
        )
        .await
        .unwrap();
    assert!(listed(&store, &p1).await.contains(&(doc_id(1, 1).0, 2)));
}
