//! Two-step key rotation on a real database: a new key is published before it signs, the old
//! one stays published after, and the signing key cannot be retired.

mod support;

use council_identity::keys::{KeyError, NEXT_KEY_MIN_AGE};
use council_identity::{Rotation, SigningKeys};
use council_kit::clock::Clock;
use time::{Duration, OffsetDateTime};

async fn database(dir: &tempfile::TempDir) -> sqlx::SqlitePool {
    database_named(dir, "keys.db").await
}

async fn database_named(dir: &tempfile::TempDir, name: &str) -> sqlx::SqlitePool {
    let url = format!("sqlite://{}", dir.path().join(name).display());
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

/// A key made before the signing backend changed (PKCS#1, as the database has always held it;
/// made with `openssl genrsa -traditional`), and the kid the old code gave it on 2023-11-14.
const EXISTING_KEY_PEM: &str = include_str!("fixtures/existing-signing-key.pem");
const EXISTING_KID: &str = "2023-11-14-kUFZlvNs14NXKeQH";

#[tokio::test]
async fn a_key_stored_before_the_backend_changed_still_loads_signs_and_verifies() {
    use base64::Engine;
    let dir = tempfile::tempdir().unwrap();
    {
        // The provider's own file, as an earlier version left it.
        let pool = database_named(&dir, "identity.db").await;
        let body: String = EXISTING_KEY_PEM
            .lines()
            .filter(|line| !line.starts_with("-----"))
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap();
        sqlx::query(
            "INSERT INTO identity_signing_keys (kid, algorithm, private_key_pkcs1_base64, created_at, promoted_at) \
             VALUES (?, 'RS256', ?, 1700000000, 1700000000)",
        )
        .bind(EXISTING_KID)
        .bind(base64::engine::general_purpose::STANDARD.encode(der))
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    }
    let provider = support::start_in(council_identity::Policy::default(), dir).await;

    // The same key, under the same kid, is published (a changed n or e encoding would change it).
    let jwks: council_identity::Jwks = reqwest::get(format!("{}/jwks.json", provider.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kids: Vec<&str> = jwks.keys.iter().map(|k| k.kid.as_str()).collect();
    assert_eq!(kids, [EXISTING_KID]);

    // A real sign-in: the access token it gets is signed by that key and verifies against the
    // published JWKS, as a relying party would check it.
    let browser = provider
        .create_confirmed_account("old-key@example.org")
        .await;
    let code = support::code_for_signed_in(&browser).await;
    let (status, tokens) = support::exchange(&provider, &code, support::VERIFIER).await;
    assert_eq!(status, reqwest::StatusCode::OK, "{tokens}");
    let access_token = tokens["access_token"].as_str().unwrap();
    let header = jsonwebtoken::decode_header(access_token).unwrap();
    assert_eq!(header.kid.as_deref(), Some(EXISTING_KID));
    assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
    let verifier = council_identity::AccessTokenVerifier::from_jwks(
        provider.identity.config().issuer_str(),
        "council-finance-api",
        &jwks,
    )
    .unwrap();
    let claims = verifier.verify(access_token, provider.clock.now()).unwrap();
    assert_eq!(claims.email, "old-key@example.org");
}
