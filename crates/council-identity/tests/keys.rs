//! Two-step key rotation on a real database: a new key is published before it signs, the old
//! one stays published after, and the signing key cannot be retired.

use council_identity::keys::{KeyError, NEXT_KEY_MIN_AGE};
use council_identity::{Rotation, SigningKeys};
use time::{Duration, OffsetDateTime};

async fn database(dir: &tempfile::TempDir) -> sqlx::SqlitePool {
    let url = format!("sqlite://{}", dir.path().join("keys.db").display());
    let pool = council_kit::db::open_sqlite(&url).await.unwrap();
    council_kit::db::migrate(&pool, council_identity::migrator())
        .await
        .unwrap();
    pool
}

/// The published kids, and the signing one (what a restart would load).
async fn restart(pool: &sqlx::SqlitePool, now: OffsetDateTime) -> (Vec<String>, String) {
    let keys = SigningKeys::load_or_create(pool, now).await.unwrap();
    let published = keys.jwks().keys.iter().map(|k| k.kid.clone()).collect();
    (published, keys.active_kid().to_owned())
}

#[tokio::test]
async fn a_new_key_is_published_first_signs_later_and_the_old_one_stays_until_retired() {
    let dir = tempfile::tempdir().unwrap();
    let pool = database(&dir).await;
    let start = OffsetDateTime::now_utc();
    let (published, first) = restart(&pool, start).await;
    assert_eq!(published, vec![first.clone()]);

    // Step 1: the next key is published but does not sign.
    let Rotation::AddedNext { kid: next } = SigningKeys::rotate(&pool, start).await.unwrap() else {
        panic!("the first rotate adds a next key");
    };
    let (published, signing) = restart(&pool, start).await;
    assert_eq!(signing, first);
    assert_eq!(published, [first.clone(), next.clone()]);

    // Step 2 waits until relying parties can have fetched the JWKS.
    let too_soon = start + NEXT_KEY_MIN_AGE - Duration::seconds(1);
    assert!(matches!(
        SigningKeys::rotate(&pool, too_soon).await,
        Err(KeyError::NextKeyTooNew { .. })
    ));
    let later = start + NEXT_KEY_MIN_AGE;
    assert_eq!(
        SigningKeys::rotate(&pool, later).await.unwrap(),
        Rotation::Promoted {
            kid: next.clone(),
            previous: first.clone()
        }
    );
    let (published, signing) = restart(&pool, later).await;
    assert_eq!(signing, next);
    assert_eq!(
        published,
        [next.clone(), first.clone()],
        "the old key stays"
    );

    // Retiring: never the signing key; an old one leaves the JWKS.
    assert!(matches!(
        SigningKeys::retire(&pool, &next, later).await,
        Err(KeyError::RetiringSigningKey(_))
    ));
    assert!(matches!(
        SigningKeys::retire(&pool, "no-such-key", later).await,
        Err(KeyError::UnknownKey(_))
    ));
    SigningKeys::retire(&pool, &first, later).await.unwrap();
    let (published, signing) = restart(&pool, later).await;
    assert_eq!((published, signing), (vec![next.clone()], next));
}
