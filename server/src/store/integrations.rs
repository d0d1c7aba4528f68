//! Integrations: incoming webhooks, slash commands and their response grants.

use async_trait::async_trait;

use super::*;

/// Implemented once, by the portable queries in `sql/`, for every backend.
#[async_trait]
pub trait IntegrationStore: Send + Sync {
    async fn create_webhook(&self, webhook: WebhookRecord) -> StoreResult<()>;
    /// A live (not deleted) webhook by id.
    async fn webhook(&self, id: &str) -> StoreResult<Option<Webhook>>;
    /// A live webhook by the hash of its secret.
    async fn webhook_by_secret(&self, secret_hash: &str) -> StoreResult<Option<Webhook>>;
    /// Live webhooks of a channel, oldest first.
    async fn channel_webhooks(&self, channel_id: &str) -> StoreResult<Vec<Webhook>>;
    /// Every hook not deleted, of every channel (the admin area).
    async fn all_webhooks(&self) -> StoreResult<Vec<Webhook>>;
    /// Renames and/or sets a new secret; false when the webhook is gone.
    async fn update_webhook(
        &self,
        id: &str,
        name: Option<&str>,
        secret_hash: Option<&str>,
    ) -> StoreResult<bool>;
    /// Makes `owner_id` the webhook's owner (`created_by`); false when the webhook is gone.
    async fn set_webhook_owner(&self, id: &str, owner_id: &str) -> StoreResult<bool>;
    /// Deletes a webhook (its secret stops working); false when it was gone.
    async fn delete_webhook(&self, id: &str, at: &str) -> StoreResult<bool>;
    /// Registers a command; `Conflict` when the name is taken.
    async fn create_command(&self, command: SlashCommand) -> StoreResult<()>;
    async fn commands(&self) -> StoreResult<Vec<SlashCommand>>;
    async fn command_by_name(&self, name: &str) -> StoreResult<Option<SlashCommand>>;
    /// Removes a command (and its pending response grants); false when it was gone.
    async fn delete_command(&self, id: &str) -> StoreResult<bool>;
    async fn create_response_grant(&self, grant: ResponseGrant) -> StoreResult<()>;
    /// Uses one of a grant's uses if it is still valid at `now`; the grant as it was.
    async fn use_response_grant(
        &self,
        token_hash: &str,
        now: &str,
    ) -> StoreResult<Option<ResponseGrant>>;
}
