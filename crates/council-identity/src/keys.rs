//! Token signing keys: RS256 (the algorithm every OpenID Connect relying party must accept),
//! made on first start, kept in the database, published in JWKS with a `kid`.
//!
//! Rotation: [`SigningKeys::rotate`] adds a new key; from the next start it signs new tokens while
//! the older keys stay published (so tokens they signed still verify) until retired.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{DecodingKey, EncodingKey};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::traits::PublicKeyParts;
use serde::{Deserialize, Serialize};
use sqlx::{Row, SqlitePool};
use time::OffsetDateTime;

use council_kit::secret::sha256_base64url;

/// RSA modulus size: 2048 bits is the widely supported minimum for RS256.
const RSA_BITS: usize = 2048;
const ALGORITHM: &str = "RS256";

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("could not read or store signing keys: {0}")]
    Database(#[from] sqlx::Error),
    #[error("could not make a new signing key")]
    Generate,
    #[error("a stored signing key is damaged")]
    Damaged,
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
    /// Loads the keys, making the first one if there is none yet.
    pub async fn load_or_create(pool: &SqlitePool, now: OffsetDateTime) -> Result<Self, KeyError> {
        if Self::stored(pool).await?.is_empty() {
            Self::rotate(pool, now).await?;
        }
        Self::load(pool).await
    }

    /// Adds a new key, which signs from the next start on.
    pub async fn rotate(pool: &SqlitePool, now: OffsetDateTime) -> Result<String, KeyError> {
        // Key generation is CPU-heavy: keep it off the async workers.
        let key = tokio::task::spawn_blocking(|| {
            rsa::PrivateKey::new(&mut getrandom::SysRng, RSA_BITS).map_err(|_| KeyError::Generate)
        })
        .await
        .map_err(|_| KeyError::Generate)??;
        let der = key.to_pkcs1_der().map_err(|_| KeyError::Generate)?;
        let jwk = public_jwk(&key, now);
        sqlx::query(
            "INSERT INTO identity_signing_keys (kid, algorithm, private_key_pkcs1_base64, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(&jwk.kid)
        .bind(ALGORITHM)
        .bind(STANDARD.encode(der.as_bytes()))
        .bind(now.unix_timestamp())
        .execute(pool)
        .await?;
        Ok(jwk.kid)
    }

    async fn stored(pool: &SqlitePool) -> Result<Vec<(String, String, i64)>, KeyError> {
        let rows = sqlx::query(
            "SELECT kid, private_key_pkcs1_base64, created_at FROM identity_signing_keys \
             WHERE retired_at IS NULL ORDER BY created_at DESC, kid DESC",
        )
        .fetch_all(pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| (row.get(0), row.get(1), row.get(2)))
            .collect())
    }

    async fn load(pool: &SqlitePool) -> Result<Self, KeyError> {
        let stored = Self::stored(pool).await?;
        let mut keys = Vec::with_capacity(stored.len());
        let mut active = None;
        for (kid, pkcs1_base64, created_at) in stored {
            let der = STANDARD
                .decode(pkcs1_base64)
                .map_err(|_| KeyError::Damaged)?;
            let private = rsa::PrivateKey::from_pkcs1_der(&der).map_err(|_| KeyError::Damaged)?;
            let created =
                OffsetDateTime::from_unix_timestamp(created_at).map_err(|_| KeyError::Damaged)?;
            let jwk = public_jwk(&private, created);
            if jwk.kid != kid {
                return Err(KeyError::Damaged);
            }
            if active.is_none() {
                active = Some((kid, EncodingKey::from_rsa_der(&der)));
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

/// The public half as a JWK. The `kid` is derived from the key itself (and its creation date, so
/// an operator can tell keys apart), so it can never point at the wrong key.
fn public_jwk(key: &rsa::PrivateKey, created: OffsetDateTime) -> PublicJwk {
    let n = URL_SAFE_NO_PAD.encode(key.n_bytes());
    let e = URL_SAFE_NO_PAD.encode(key.e_bytes());
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
