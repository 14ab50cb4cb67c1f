//! Kiosk mode: a memory-only store writes nothing to disk and keeps no tokens.
//!
//! The test re-runs itself in a child process whose working folder and temporary folder are
//! fresh empty folders, then checks they are still empty.

mod common;

use std::process::Command;

use cfp_store::*;
use common::*;

const CHILD: &str = "CFP_STORE_MEMORY_CHILD";

async fn use_a_memory_store() {
    let key = StoreKey::generate(&mut OsRandom).unwrap();
    let store = Store::open(&StoreLocation::Memory, &key).await.unwrap();
    let other = Store::open(&StoreLocation::Memory, &key).await.unwrap();
    assert!(!store.keeps_tokens());

    store.upsert_people(&[person(1)]).await.unwrap();
    let changes: Vec<_> = (0..20)
        .map(|s| StoreChange::Upsert(remittance_doc(1, s)))
        .collect();
    store
        .apply_page(&person(1).person_id, &changes, &SyncCursor("c".into()), NOW)
        .await
        .unwrap();
    // Many operations over time still see the same database (one connection, kept).
    for _ in 0..5 {
        tokio::task::yield_now().await;
        let list = store
            .list_documents(&person(1).person_id, &DocumentFilter::default())
            .await
            .unwrap();
        assert_eq!(list.len(), 20);
    }
    assert!(
        other.people().await.unwrap().is_empty(),
        "stores are separate"
    );

    store
        .set_tokens(&StoredTokens {
            refresh_token: RefreshToken::new("kiosk-token"),
            expires_at: None,
        })
        .await
        .unwrap();
    assert_eq!(
        store.tokens().await.unwrap(),
        None,
        "kiosk tokens are not kept"
    );
    store
        .outbox_push("accessRequest", &serde_json::json!({"a": 1}), NOW)
        .await
        .unwrap();
    assert_eq!(store.outbox_list().await.unwrap().len(), 1);
    store.remove(&InMemorySecrets::unavailable()).await.unwrap();
    other.close().await;
}

#[test]
fn a_memory_store_leaves_no_file() {
    if std::env::var_os(CHILD).is_some() {
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(use_a_memory_store());
        println!("MEMORY-CHILD-OK");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["a_memory_store_leaves_no_file", "--exact", "--nocapture"])
        .current_dir(work.path())
        .env(CHILD, "1")
        .env("TMPDIR", tmp.path())
        .env("HOME", tmp.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("MEMORY-CHILD-OK"),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        snapshot(work.path()).is_empty(),
        "nothing in the working folder"
    );
    assert!(
        snapshot(tmp.path()).is_empty(),
        "nothing in the temporary folder"
    );
}
