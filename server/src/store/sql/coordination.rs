//! Health, shared secrets and leadership.
//!
//! Portable SQL, compiled once per backend (see `mod.rs`).

use super::*;

#[async_trait]
impl CoordinationStore for DbStore {
    async fn health(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn shared_secret(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>> {
        sqlx::query("INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(name)
            .bind(candidate)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        sqlx::query_scalar("SELECT value FROM secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn try_lead(&self, role: &str) -> StoreResult<Option<Box<dyn Leadership>>> {
        self.lead(role).await
    }
}
