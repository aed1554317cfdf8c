//! RS256 signing keys, kept in the provider's database so that every provider
//! process signs with the same key and publishes the same JWKS.
//!
//! The newest unretired key signs. Rotation retires it and creates another;
//! the JWKS keeps publishing the previous key, so tokens it signed still verify.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use orgdesk_db::Database;
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};
use sqlx::Row;

use crate::ids;

const KEY_BITS: usize = 2048;

/// Key times are in milliseconds: rotations can follow each other within a second.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as i64
}
/// An unknown `kid` makes a process re-read the keys at most this often.
const RELOAD_AT_MOST_EVERY: Duration = Duration::from_secs(5);

/// Why a token was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("malformed token")]
    Malformed,
    #[error("unknown signing key")]
    UnknownKey,
    #[error("invalid token: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
    #[error("key store: {0}")]
    Store(#[from] sqlx::Error),
}

/// The keys as one process holds them.
struct KeySet {
    active_kid: String,
    encoding: EncodingKey,
    decoding: HashMap<String, DecodingKey>,
    jwks: Value,
}

/// Signing and verification with the provider's keys.
pub struct Keys {
    db: Database,
    set: RwLock<Arc<KeySet>>,
    last_reload: RwLock<Instant>,
}

impl Keys {
    /// Loads the keys, creating the first one on a new database.
    pub async fn load(db: Database) -> Result<Self, sqlx::Error> {
        let set = match read_key_set(&db).await? {
            Some(set) => set,
            None => {
                create_key(&db).await?;
                read_key_set(&db).await?.expect("a key was just created")
            }
        };
        Ok(Self {
            db,
            set: RwLock::new(Arc::new(set)),
            last_reload: RwLock::new(Instant::now()),
        })
    }

    fn current(&self) -> Arc<KeySet> {
        self.set.read().expect("key lock").clone()
    }

    /// Re-reads the keys (after a rotation by another process).
    pub async fn reload(&self) -> Result<(), sqlx::Error> {
        if let Some(set) = read_key_set(&self.db).await? {
            *self.set.write().expect("key lock") = Arc::new(set);
        }
        *self.last_reload.write().expect("key lock") = Instant::now();
        Ok(())
    }

    /// Whether a key id is among the keys tokens are verified with now.
    pub fn publishes(&self, kid: &str) -> bool {
        self.current().decoding.contains_key(kid)
    }

    /// Signs claims with the active key (RS256, with its `kid`).
    pub fn sign<T: Serialize>(&self, claims: &T) -> String {
        let set = self.current();
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(set.active_kid.clone());
        jsonwebtoken::encode(&header, claims, &set.encoding).expect("RS256 signing cannot fail")
    }

    /// Verifies a token's signature and the checks in `validation`.
    pub async fn verify<T: DeserializeOwned>(
        &self,
        token: &str,
        validation: &Validation,
    ) -> Result<T, TokenError> {
        let kid = jsonwebtoken::decode_header(token)
            .map_err(|_| TokenError::Malformed)?
            .kid
            .ok_or(TokenError::Malformed)?;
        let mut set = self.current();
        if !set.decoding.contains_key(&kid) {
            let stale = self.last_reload.read().expect("key lock").elapsed() > RELOAD_AT_MOST_EVERY;
            if stale {
                self.reload().await?;
                set = self.current();
            }
        }
        let key = set.decoding.get(&kid).ok_or(TokenError::UnknownKey)?;
        Ok(jsonwebtoken::decode::<T>(token, key, validation)?.claims)
    }

    /// The published keys: `{"keys": [...]}`.
    pub fn jwks(&self) -> Value {
        self.current().jwks.clone()
    }
}

/// Retires the active key and creates a new one, in one transaction; returns
/// the new key's id. The retired key stays published until the next rotation.
pub async fn rotate(db: &Database) -> Result<String, sqlx::Error> {
    let key = generate_key().await;
    let mut tx = db.pool().begin().await?;
    sqlx::query("UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL")
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    insert_key(&mut tx, &key).await?;
    tx.commit().await?;
    Ok(key.kid)
}

async fn create_key(db: &Database) -> Result<String, sqlx::Error> {
    let key = generate_key().await;
    let mut conn = db.pool().acquire().await?;
    insert_key(&mut conn, &key).await?;
    Ok(key.kid)
}

struct NewKey {
    kid: String,
    pem: String,
    jwk: String,
}

/// A fresh RSA key (on a blocking thread: generation takes a while).
async fn generate_key() -> NewKey {
    tokio::task::spawn_blocking(|| {
        let mut rng = rand_core::OsRng;
        let key = rsa::RsaPrivateKey::new(&mut rng, KEY_BITS).expect("RSA key generation");
        let pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .expect("PKCS#8 encoding")
            .to_string();
        let kid = ids::key_id();
        let jwk = json!({
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": kid,
            "n": URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()),
        });
        NewKey {
            kid,
            pem,
            jwk: jwk.to_string(),
        }
    })
    .await
    .expect("key generation task")
}

async fn insert_key(conn: &mut sqlx::AnyConnection, key: &NewKey) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO signing_keys (kid, private_key_pem, public_jwk, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&key.kid)
    .bind(&key.pem)
    .bind(&key.jwk)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// The active key (the newest unretired) and the published ones: the active
/// key and the newest retired one. Key generation takes milliseconds, so
/// creation times order keys strictly.
async fn read_key_set(db: &Database) -> Result<Option<KeySet>, sqlx::Error> {
    let active = sqlx::query(
        "SELECT kid, private_key_pem, public_jwk FROM signing_keys \
         WHERE retired_at IS NULL ORDER BY created_at DESC, kid LIMIT 1",
    )
    .fetch_optional(db.pool())
    .await?;
    let Some(active) = active else {
        return Ok(None);
    };
    let previous = sqlx::query(
        "SELECT kid, public_jwk FROM signing_keys WHERE retired_at IS NOT NULL \
         ORDER BY created_at DESC LIMIT 1",
    )
    .fetch_optional(db.pool())
    .await?;

    let active_kid: String = active.try_get("kid")?;
    let pem: String = active.try_get("private_key_pem")?;
    let encoding = EncodingKey::from_rsa_pem(pem.as_bytes()).expect("stored PEM is valid");
    let mut published = vec![(
        active_kid.clone(),
        active.try_get::<String, _>("public_jwk")?,
    )];
    if let Some(row) = previous {
        published.push((row.try_get("kid")?, row.try_get("public_jwk")?));
    }
    let mut decoding = HashMap::new();
    let mut keys = Vec::new();
    for (kid, jwk) in published {
        let jwk: Value = serde_json::from_str(&jwk).expect("stored JWK is JSON");
        let n = jwk["n"].as_str().unwrap_or_default();
        let e = jwk["e"].as_str().unwrap_or_default();
        decoding.insert(
            kid,
            DecodingKey::from_rsa_components(n, e).expect("stored JWK is RSA"),
        );
        keys.push(jwk);
    }
    Ok(Some(KeySet {
        active_kid,
        encoding,
        decoding,
        jwks: json!({ "keys": keys }),
    }))
}
