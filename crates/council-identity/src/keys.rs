//! Token signing keys: RS256 (the algorithm every OpenID Connect relying party must accept),
//! made on first start, kept in the database, published in JWKS with a `kid`.
//!
//! Rotation takes two steps, because relying parties cache the JWKS (we allow 5 minutes):
//! [`SigningKeys::rotate`] first adds a "next" key, published but not signing; run again (after a
//! restart and at least [`NEXT_KEY_MIN_AGE`]) it promotes that key to signing, and the old key
//! stays published so tokens it signed still verify until [`SigningKeys::retire`] removes it.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{DecodingKey, EncodingKey};
use serde::{Deserialize, Serialize};
use sqlx::{Row, SqlitePool};
use time::OffsetDateTime;

use council_kit::secret::sha256_base64url;

/// RSA modulus size: 2048 bits is the widely supported minimum for RS256.
const RSA_SIZE: KeySize = KeySize::Rsa2048;
const ALGORITHM: &str = "RS256";

/// How long a next key must have existed before it may sign: the JWKS cache time (300 s) twice
/// over, so relying parties have it before the first token signed with it.
pub const NEXT_KEY_MIN_AGE: time::Duration = time::Duration::minutes(10);

/// What [`SigningKeys::rotate`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// A next key was added: published from the next start, not yet signing.
    AddedNext { kid: String },
    /// The next key signs from the next start; `previous` stays published until retired.
    Promoted { kid: String, previous: String },
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("could not read or store signing keys: {0}")]
    Database(#[from] sqlx::Error),
    #[error("could not make a new signing key")]
    Generate,
    #[error("a stored signing key is damaged")]
    Damaged,
    #[error("the next key {kid} was added less than {minutes} minutes ago: restart the service, wait, then rotate again", minutes = NEXT_KEY_MIN_AGE.whole_minutes())]
    NextKeyTooNew { kid: String },
    #[error("key {0} signs new tokens: rotate to a new key before retiring it")]
    RetiringSigningKey(String),
    #[error("there is no published key {0}")]
    UnknownKey(String),
}

/// One public key as published in JWKS (RFC 7517).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicJwk {
    pub kty: String,
    #[serde(rename = "use")]
    pub key_use: String,
    pub alg: String,
    pub kid: String,
    pub n: String,
    pub e: String,
}

/// The JWKS document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwks {
    pub keys: Vec<PublicJwk>,
}

impl PublicJwk {
    pub fn decoding_key(&self) -> Result<DecodingKey, KeyError> {
        DecodingKey::from_rsa_components(&self.n, &self.e).map_err(|_| KeyError::Damaged)
    }
}

/// The provider's keys, loaded once at start.
pub struct SigningKeys {
    active_kid: String,
    active: EncodingKey,
    published: Jwks,
}

impl std::fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeys")
            .field("active_kid", &self.active_kid)
            .finish_non_exhaustive()
    }
}

impl SigningKeys {
    /// Loads the keys, making the first one (signing at once) if there is none yet.
    pub async fn load_or_create(pool: &SqlitePool, now: OffsetDateTime) -> Result<Self, KeyError> {
        if Self::stored(pool)
            .await?
            .iter()
            .all(|k| k.promoted.is_none())
        {
            let kid = Self::add(pool, now).await?;
            Self::promote(pool, &kid, now).await?;
        }
        Self::load(pool).await
    }

    /// One step of rotation (see the module's documentation). Takes effect at the next start.
    pub async fn rotate(pool: &SqlitePool, now: OffsetDateTime) -> Result<Rotation, KeyError> {
        // Before the first start there is no signing key yet: make it, so "next" means next.
        Self::load_or_create(pool, now).await?;
        let stored = Self::stored(pool).await?;
        let Some(next) = stored.iter().find(|k| k.promoted.is_none()) else {
            return Ok(Rotation::AddedNext {
                kid: Self::add(pool, now).await?,
            });
        };
        if now.unix_timestamp() - next.created < NEXT_KEY_MIN_AGE.whole_seconds() {
            return Err(KeyError::NextKeyTooNew {
                kid: next.kid.clone(),
            });
        }
        let previous = signing(&stored).ok_or(KeyError::Damaged)?.kid.clone();
        Self::promote(pool, &next.kid, now).await?;
        Ok(Rotation::Promoted {
            kid: next.kid.clone(),
            previous,
        })
    }

    /// Stops publishing a key (from the next start). Refuses the key that signs.
    pub async fn retire(pool: &SqlitePool, kid: &str, now: OffsetDateTime) -> Result<(), KeyError> {
        let stored = Self::stored(pool).await?;
        if !stored.iter().any(|k| k.kid == kid) {
            return Err(KeyError::UnknownKey(kid.to_owned()));
        }
        if signing(&stored).is_some_and(|k| k.kid == kid) {
            return Err(KeyError::RetiringSigningKey(kid.to_owned()));
        }
        sqlx::query("UPDATE identity_signing_keys SET retired_at = ? WHERE kid = ?")
            .bind(now.unix_timestamp())
            .bind(kid)
            .execute(pool)
            .await?;
        Ok(())
    }

    async fn add(pool: &SqlitePool, now: OffsetDateTime) -> Result<String, KeyError> {
        // Key generation is CPU-heavy: keep it off the async workers. aws-lc (constant-time
        // RSA, unlike the `rsa` crate: RUSTSEC-2023-0071) makes the key; it is stored as PKCS#1,
        // the form keys have always been stored in.
        let der = tokio::task::spawn_blocking(|| {
            let key = KeyPair::generate(RSA_SIZE).map_err(|_| KeyError::Generate)?;
            let pkcs8 = key.as_der().map_err(|_| KeyError::Generate)?;
            pkcs1_from_pkcs8(pkcs8.as_ref())
        })
        .await
        .map_err(|_| KeyError::Generate)??;
        let key = KeyPair::from_der(&der).map_err(|_| KeyError::Generate)?;
        let jwk = public_jwk(&key, now);
        sqlx::query(
            "INSERT INTO identity_signing_keys (kid, algorithm, private_key_pkcs1_base64, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(&jwk.kid)
        .bind(ALGORITHM)
        .bind(STANDARD.encode(&der))
        .bind(now.unix_timestamp())
        .execute(pool)
        .await?;
        Ok(jwk.kid)
    }

    async fn promote(pool: &SqlitePool, kid: &str, now: OffsetDateTime) -> Result<(), KeyError> {
        sqlx::query("UPDATE identity_signing_keys SET promoted_at = ? WHERE kid = ?")
            .bind(now.unix_timestamp())
            .bind(kid)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// The unretired keys, the signing one first.
    async fn stored(pool: &SqlitePool) -> Result<Vec<StoredKey>, KeyError> {
        let rows = sqlx::query(
            "SELECT kid, private_key_pkcs1_base64, created_at, promoted_at FROM identity_signing_keys \
             WHERE retired_at IS NULL ORDER BY promoted_at IS NULL, promoted_at DESC, created_at DESC, kid DESC",
        )
        .fetch_all(pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| StoredKey {
                kid: row.get(0),
                pkcs1_base64: row.get(1),
                created: row.get(2),
                promoted: row.get(3),
            })
            .collect())
    }

    async fn load(pool: &SqlitePool) -> Result<Self, KeyError> {
        let stored = Self::stored(pool).await?;
        let mut keys = Vec::with_capacity(stored.len());
        let mut active = None;
        for key in stored {
            let der = STANDARD
                .decode(&key.pkcs1_base64)
                .map_err(|_| KeyError::Damaged)?;
            let private = KeyPair::from_der(&der).map_err(|_| KeyError::Damaged)?;
            let created =
                OffsetDateTime::from_unix_timestamp(key.created).map_err(|_| KeyError::Damaged)?;
            let jwk = public_jwk(&private, created);
            if jwk.kid != key.kid {
                return Err(KeyError::Damaged);
            }
            if active.is_none() && key.promoted.is_some() {
                active = Some((key.kid, EncodingKey::from_rsa_der(&der)));
            }
            keys.push(jwk);
        }
        let (active_kid, active) = active.ok_or(KeyError::Damaged)?;
        Ok(Self {
            active_kid,
            active,
            published: Jwks { keys },
        })
    }

    pub fn jwks(&self) -> &Jwks {
        &self.published
    }

    pub fn active_kid(&self) -> &str {
        &self.active_kid
    }

    pub(crate) fn active_key(&self) -> &EncodingKey {
        &self.active
    }
}

struct StoredKey {
    kid: String,
    pkcs1_base64: String,
    created: i64,
    promoted: Option<i64>,
}

/// The key that signs: the most recently promoted (`stored` lists it first).
fn signing(stored: &[StoredKey]) -> Option<&StoredKey> {
    stored.iter().find(|k| k.promoted.is_some())
}

/// The public half as a JWK. The `kid` is derived from the key itself (and its creation date, so
/// an operator can tell keys apart), so it can never point at the wrong key.
fn public_jwk(key: &KeyPair, created: OffsetDateTime) -> PublicJwk {
    // Big-endian without leading zeros (RFC 7518 section 6.3.1), as the kid has always been made.
    let public = key.public_key();
    let n = URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero());
    let e = URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero());
    let thumbprint = sha256_base64url(format!("{n}.{e}").as_bytes());
    PublicJwk {
        kty: "RSA".into(),
        key_use: "sig".into(),
        alg: ALGORITHM.into(),
        kid: format!("{}-{}", created.date(), &thumbprint[..16]),
        n,
        e,
    }
}

/// The PKCS#1 `RSAPrivateKey` inside a PKCS#8 `PrivateKeyInfo` (RFC 5208): what aws-lc makes,
/// unwrapped to what the database has always held (and what `EncodingKey::from_rsa_der` reads).
fn pkcs1_from_pkcs8(pkcs8: &[u8]) -> Result<Vec<u8>, KeyError> {
    let info = pkcs8::PrivateKeyInfo::try_from(pkcs8).map_err(|_| KeyError::Generate)?;
    if info.algorithm.oid != RSA_ENCRYPTION {
        return Err(KeyError::Generate);
    }
    Ok(info.private_key.to_vec())
}

/// rsaEncryption (RFC 8017, appendix A.1).
const RSA_ENCRYPTION: pkcs8::ObjectIdentifier =
    pkcs8::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
