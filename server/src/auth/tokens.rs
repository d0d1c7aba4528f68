//! Access tokens: short-lived JWTs signed with HS256 and a key kept in the store.
//!
//! The algorithm is pinned (a token claiming `none` or RS256 is refused before its signature
//! is looked at), and `exp`, `iss`, `aud` and `sub` are required, not merely checked when
//! present, which is jsonwebtoken's default.

use std::path::Path;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::store::{Store, StoreError};

const ISSUER: &str = "xerrada";
const AUDIENCE: &str = "xerrada";
/// Where versions before the key moved into the store kept it.
const LEGACY_KEY_FILE: &str = "jwt-signing.key";
const SECRET_NAME: &str = "jwt_signing_key";

/// Why the signing key could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the old key file: {0}")]
    LegacyFile(std::io::Error),
    #[error("no randomness: {0}")]
    Random(String),
    #[error("the stored signing key is shorter than 32 bytes")]
    TooShort,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Session id: revoking the session revokes the token at once.
    pub sid: String,
    pub iss: String,
    pub aud: String,
    pub iat: u64,
    pub exp: u64,
}

/// Signs and verifies access tokens.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl_secs: u64,
}

/// Why a token was refused.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the access token has expired")]
    Expired,
    #[error("the access token is invalid")]
    Invalid,
}

impl TokenKeys {
    /// Keys from a raw secret.
    pub fn from_secret(secret: &[u8], ttl_secs: u64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.leeway = 5;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl_secs,
        }
    }

    /// The installation's signing key, kept in the store so that every node and the admin CLI
    /// share it. Generated on first start; a key file left in the data dir by an earlier
    /// version is adopted instead, so tokens issued before the upgrade stay valid.
    pub async fn load_or_create(
        store: &dyn Store,
        data_dir: &Path,
        ttl_secs: u64,
    ) -> Result<Self, KeyError> {
        let candidate = match std::fs::read(data_dir.join(LEGACY_KEY_FILE)) {
            Ok(secret) => secret,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut secret = vec![0u8; 64];
                getrandom::fill(&mut secret).map_err(|e| KeyError::Random(e.to_string()))?;
                secret
            }
            Err(e) => return Err(KeyError::LegacyFile(e)),
        };
        let secret = store.shared_secret(SECRET_NAME, &candidate).await?;
        if secret.len() < 32 {
            return Err(KeyError::TooShort);
        }
        Ok(Self::from_secret(&secret, ttl_secs))
    }

    /// Lifetime of the tokens this issues.
    pub fn ttl_secs(&self) -> u64 {
        self.ttl_secs
    }

    /// A new access token for this user and session.
    pub fn issue(&self, user_id: &str, session_id: &str) -> String {
        let now = unix_now();
        let claims = Claims {
            sub: user_id.to_owned(),
            sid: session_id.to_owned(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            exp: now + self.ttl_secs,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing of plain claims cannot fail")
    }

    /// The claims of a valid token.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_with_its_key_only() {
        let keys = TokenKeys::from_secret(&[7u8; 64], 900);
        let token = keys.issue("u1", "s1");
        let claims = keys.verify(&token).expect("valid token");
        assert_eq!((claims.sub.as_str(), claims.sid.as_str()), ("u1", "s1"));
        let other = TokenKeys::from_secret(&[8u8; 64], 900);
        assert!(matches!(other.verify(&token), Err(TokenError::Invalid)));
    }

    #[test]
    fn unsigned_tokens_are_refused() {
        let keys = TokenKeys::from_secret(&[7u8; 64], 900);
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = b64.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let payload = b64.encode(format!(
            r#"{{"sub":"u1","sid":"s1","iss":"xerrada","aud":"xerrada","iat":0,"exp":{}}}"#,
            unix_now() + 600
        ));
        assert!(keys.verify(&format!("{header}.{payload}.")).is_err());
    }

    #[tokio::test]
    async fn the_key_is_kept_in_the_store_and_an_old_key_file_is_adopted() {
        let store = crate::store::sqlite::SqliteStore::open("sqlite::memory:")
            .await
            .expect("store");
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(LEGACY_KEY_FILE), [9u8; 64]).expect("old key");
        let first = TokenKeys::load_or_create(&store, dir.path(), 900)
            .await
            .expect("key");
        let token = first.issue("u", "s");
        assert!(
            TokenKeys::from_secret(&[9u8; 64], 900)
                .verify(&token)
                .is_ok()
        );
        // Another process on the same store, without the file, gets the same key.
        let elsewhere = tempfile::tempdir().expect("tempdir");
        let again = TokenKeys::load_or_create(&store, elsewhere.path(), 900)
            .await
            .expect("key");
        assert!(again.verify(&token).is_ok());
    }
}
