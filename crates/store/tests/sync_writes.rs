//! What the sync engine needs from the store: several people's pages written at once, and one
//! person purged when the council takes access away.

mod common;

use std::sync::Arc;

use cfp_store::*;
use common::*;

async fn file_store(dir: &std::path::Path) -> Store {
    let db = dir.join("store.db");
    let secrets = InMemorySecrets::default();
    let key = keychain_key(&db, &secrets, &mut OsRandom).unwrap();
    Store::open(&StoreLocation::File(db), &key).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_of_many_people_written_at_once_all_commit() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(file_store(dir.path()).await);
    let people: Vec<PersonAccess> = (1..=8).map(person).collect();
    store.upsert_people(&people).await.unwrap();

    // Eight writers at once, three pages each: every page reads (the person check, the count)
    // before it writes, which is where deferred transactions would fail with SQLITE_BUSY.
    let mut writers = tokio::task::JoinSet::new();
    for (n, p) in people.iter().enumerate() {
        let store = store.clone();
        let person_id = p.person_id.clone();
        let n = n as u32 + 1;
        writers.spawn(async move {
            for page in 0..3u32 {
                let changes: Vec<StoreChange> = (0..20)
                    .map(|i| StoreChange::Upsert(remittance_doc(n, page * 20 + i)))
                    .collect();
                let outcome = store
                    .apply_page(&person_id, &changes, &SyncCursor(format!("c-{page}")), NOW)
                    .await
                    .expect("a page written alongside others commits");
                assert_eq!((outcome.added, outcome.replaced), (20, 0));
            }
        });
    }
    while let Some(done) = writers.join_next().await {
        done.unwrap();
    }

    for p in &people {
        let listed = store
            .list_documents(&p.person_id, &DocumentFilter::default())
            .await
            .unwrap();
        assert_eq!(listed.len(), 60);
        assert_eq!(
            store.cursor(&p.person_id).await.unwrap(),
            Some(SyncCursor("c-2".into()))
        );
    }
    Arc::into_inner(store).unwrap().close().await;
}

#[tokio::test]
async fn replaced_documents_are_told_from_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(dir.path()).await;
    store.upsert_people(&[person(1)]).await.unwrap();
    let p1 = person(1).person_id;
    let first: Vec<_> = (0..3)
        .map(|s| StoreChange::Upsert(remittance_doc(1, s)))
        .collect();
    store
        .apply_page(&p1, &first, &SyncCursor("a".into()), NOW)
        .await
        .unwrap();
    // One correction, one new, one withdrawn, and one added and withdrawn in the same page.
    let page = [
        StoreChange::Upsert(StoredDocument::remittance(doc_id(1, 0), 2, &advice(1, 0)).unwrap()),
        StoreChange::Upsert(remittance_doc(1, 7)),
        StoreChange::Remove(doc_id(1, 2)),
        StoreChange::Upsert(remittance_doc(1, 8)),
        StoreChange::Remove(doc_id(1, 8)),
    ];
    let outcome = store
        .apply_page(&p1, &page, &SyncCursor("b".into()), NOW)
        .await
        .unwrap();
    assert_eq!(
        outcome,
        PageOutcome {
            upserted: 3,
            added: 2,
            replaced: 1,
            removed: 2
        }
    );
    store.close().await;
}

#[tokio::test]
async fn one_person_is_purged_with_their_documents_and_cursor_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(dir.path()).await;
    store.upsert_people(&[person(1), person(2)]).await.unwrap();
    for n in [1, 2] {
        store
            .apply_page(
                &person(n).person_id,
                &[StoreChange::Upsert(remittance_doc(n, 0))],
                &SyncCursor(format!("c-{n}")),
                NOW,
            )
            .await
            .unwrap();
    }

    assert!(store.remove_person(&person(1).person_id).await.unwrap());
    assert_eq!(store.person(&person(1).person_id).await.unwrap(), None);
    assert_eq!(store.cursor(&person(1).person_id).await.unwrap(), None);
    assert!(store
        .list_documents(&person(1).person_id, &DocumentFilter::default())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .get_document(&person(1).person_id, &doc_id(1, 0))
            .await
            .unwrap(),
        None
    );
    // The other person is untouched; purging again says nobody was there.
    assert_eq!(
        store
            .list_documents(&person(2).person_id, &DocumentFilter::default())
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store.cursor(&person(2).person_id).await.unwrap(),
        Some(SyncCursor("c-2".into()))
    );
    assert!(!store.remove_person(&person(1).person_id).await.unwrap());
    store.close().await;
}
