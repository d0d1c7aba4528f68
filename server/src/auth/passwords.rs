//! Password hashing with argon2id (OWASP parameters: 19 MiB, t=2, p=1).
//!
//! Hashing is CPU- and memory-heavy on purpose, so it runs on the blocking pool and a
//! semaphore bounds how many run at once: a burst of logins queues instead of exhausting memory.

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use tokio::sync::Semaphore;

use crate::error::AppError;

/// Hashes and verifies passwords with bounded concurrency.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// A real hash of a random password, verified against when the user does not exist, so a
    /// wrong username takes as long as a wrong password.
    decoy_hash: Arc<String>,
}

impl Passwords {
    pub fn new(max_concurrent: usize) -> Result<Self, AppError> {
        let decoy = crate::ids::random_token(24);
        let decoy_hash = hash_now(&decoy)?;
        Ok(Passwords {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            decoy_hash: Arc::new(decoy_hash),
        })
    }

    /// The PHC string of a new hash of `password`.
    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || hash_now(&password))
            .await
            .map_err(AppError::internal)?
    }

    /// Whether `password` matches `hash` (the decoy when the account has none).
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, AppError> {
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        let exists = hash.is_some();
        let hash = hash.unwrap_or(&self.decoy_hash).to_owned();
        let password = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || {
            Argon2::default()
                .verify_password(password.as_bytes(), hash.as_str())
                .is_ok()
        })
        .await
        .map_err(AppError::internal)?;
        Ok(exists && matches)
    }
}

fn hash_now(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(e.to_string()))
}
