//! What the nodes of one installation share: health, secrets and leadership.

use async_trait::async_trait;

use super::*;

/// Implemented once, by the portable queries in `sql/`, for every backend.
#[async_trait]
pub trait CoordinationStore: Send + Sync {
    /// Answers when the database is reachable (for `/readyz`).
    async fn health(&self) -> StoreResult<()>;
    /// The secret called `name`, stored as `candidate` when none is stored yet. The first
    /// writer wins, so nodes that start together end up with the same secret.
    async fn shared_secret(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>>;
    /// Tries to become the one process of the installation that plays `role` (the support
    /// bot, which must answer once, not once per node). `None`: another process holds it.
    async fn try_lead(&self, role: &str) -> StoreResult<Option<Box<dyn Leadership>>>;
}

/// A role held by this process until dropped or lost.
#[async_trait]
pub trait Leadership: Send {
    /// Resolves when the role is lost (its database connection is gone); the role is then
    /// free for another process.
    async fn lost(&mut self);
}
