//! Webhooks, slash commands and response grants.
//!
//! Portable SQL, compiled once per backend (see `mod.rs`).

use super::*;

impl DbStore {
    /// The webhook `sql` finds with `value` bound as `$1`.
    async fn one_webhook(&self, sql: &'static str, value: &str) -> StoreResult<Option<Webhook>> {
        let row = sqlx::query(sql)
            .bind(value)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(from_row::<WebhookRow, _>).transpose()
    }
}

#[async_trait]
impl IntegrationStore for DbStore {
    async fn create_webhook(&self, record: WebhookRecord) -> StoreResult<()> {
        let hook = &record.webhook;
        sqlx::query(
            "INSERT INTO webhooks (id, channel_id, name, secret_hash, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&hook.id)
        .bind(&hook.channel_id)
        .bind(&hook.name)
        .bind(&record.secret_hash)
        .bind(&hook.created_by)
        .bind(&hook.created_at)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn webhook(&self, id: &str) -> StoreResult<Option<Webhook>> {
        self.one_webhook(
            "SELECT * FROM webhooks WHERE id = $1 AND deleted_at IS NULL",
            id,
        )
        .await
    }

    async fn webhook_by_secret(&self, secret_hash: &str) -> StoreResult<Option<Webhook>> {
        let sql = "SELECT * FROM webhooks WHERE secret_hash = $1 AND deleted_at IS NULL";
        self.one_webhook(sql, secret_hash).await
    }

    async fn channel_webhooks(&self, channel_id: &str) -> StoreResult<Vec<Webhook>> {
        let rows = sqlx::query(
            "SELECT * FROM webhooks WHERE channel_id = $1 AND deleted_at IS NULL
             ORDER BY created_at, id",
        )
        .bind(channel_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(from_row::<WebhookRow, _>).collect()
    }

    async fn all_webhooks(&self) -> StoreResult<Vec<Webhook>> {
        let rows = sqlx::query(
            "SELECT * FROM webhooks WHERE deleted_at IS NULL ORDER BY channel_id, created_at, id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(from_row::<WebhookRow, _>).collect()
    }

    async fn update_webhook(
        &self,
        id: &str,
        name: Option<&str>,
        secret_hash: Option<&str>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE webhooks SET name = COALESCE($2, name), secret_hash = COALESCE($3, secret_hash)
             WHERE id = $1 AND deleted_at IS NULL",
        )
        .bind(id)
        .bind(name)
        .bind(secret_hash)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_webhook_owner(&self, id: &str, owner_id: &str) -> StoreResult<bool> {
        let done =
            sqlx::query("UPDATE webhooks SET created_by = $2 WHERE id = $1 AND deleted_at IS NULL")
                .bind(id)
                .bind(owner_id)
                .execute(&self.pool)
                .await
                .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_webhook(&self, id: &str, at: &str) -> StoreResult<bool> {
        let done =
            sqlx::query("UPDATE webhooks SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL")
                .bind(id)
                .bind(at)
                .execute(&self.pool)
                .await
                .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn create_command(&self, command: SlashCommand) -> StoreResult<()> {
        let result = sqlx::query(
            "INSERT INTO slash_commands (id, name, url, token, description, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&command.id)
        .bind(&command.name)
        .bind(&command.url)
        .bind(&command.token)
        .bind(&command.description)
        .bind(&command.created_by)
        .bind(&command.created_at)
        .execute(&self.pool)
        .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict("command")),
            Err(e) => Err(db_error(e)),
        }
    }

    async fn commands(&self) -> StoreResult<Vec<SlashCommand>> {
        let rows = sqlx::query("SELECT * FROM slash_commands ORDER BY name")
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(from_row::<CommandRow, _>).collect()
    }

    async fn command_by_name(&self, name: &str) -> StoreResult<Option<SlashCommand>> {
        let row = sqlx::query("SELECT * FROM slash_commands WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(from_row::<CommandRow, _>).transpose()
    }

    async fn delete_command(&self, id: &str) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM command_responses WHERE command_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let done = sqlx::query("DELETE FROM slash_commands WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn create_response_grant(&self, grant: ResponseGrant) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO command_responses (token_hash, command_id, channel_id, user_id, expires_at, uses_left)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&grant.token_hash)
        .bind(&grant.command_id)
        .bind(&grant.channel_id)
        .bind(&grant.user_id)
        .bind(&grant.expires_at)
        .bind(grant.uses)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn use_response_grant(
        &self,
        token_hash: &str,
        now: &str,
    ) -> StoreResult<Option<ResponseGrant>> {
        // One statement: the row lock makes two concurrent uses count twice.
        let row = sqlx::query(
            "UPDATE command_responses SET uses_left = uses_left - 1
             WHERE token_hash = $1 AND uses_left > 0 AND expires_at > $2
             RETURNING token_hash, command_id, channel_id, user_id, expires_at, uses_left + 1 AS uses",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.as_ref().map(from_row::<GrantRow, _>).transpose()
    }
}
