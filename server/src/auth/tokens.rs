//! Access tokens: short-lived JWTs signed with HS256 and a key kept in the data dir.
//!
//! The algorithm is pinned (a token claiming `none` or RS256 is refused before its signature
//! is looked at), and `exp`, `iss`, `aud` and `sub` are required, not merely checked when
//! present, which is jsonwebtoken's default.

use std::io::Write;
use std::path::Path;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

const ISSUER: &str = "xerrada";
const AUDIENCE: &str = "xerrada";
const KEY_FILE: &str = "jwt-signing.key";

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

    /// Loads the signing key from the data dir, generating it (mode 0600) on first start.
    pub fn load_or_create(data_dir: &Path, ttl_secs: u64) -> std::io::Result<Self> {
        let path = data_dir.join(KEY_FILE);
        let secret = match std::fs::read(&path) {
            Ok(secret) => secret,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut secret = vec![0u8; 64];
                getrandom::fill(&mut secret).map_err(std::io::Error::other)?;
                write_private_file(&path, &secret)?;
                secret
            }
            Err(e) => return Err(e),
        };
        if secret.len() < 32 {
            return Err(std::io::Error::other(format!(
                "{} is shorter than 32 bytes; delete it to generate a new key",
                path.display()
            )));
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

/// Creates `path` readable by its owner only, failing if it exists (two first starts racing
/// must not overwrite each other's key).
fn write_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
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

    #[test]
    fn the_key_file_is_private_and_reused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = TokenKeys::load_or_create(dir.path(), 900).expect("create key");
        let token = first.issue("u", "s");
        let again = TokenKeys::load_or_create(dir.path(), 900).expect("load key");
        assert!(again.verify(&token).is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .expect("key file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
