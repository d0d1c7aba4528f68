//! The Telegram-compatible bot API's state (see `store/telegram.rs`).

use super::*;

fn bot_from_row(row: &DbRow) -> StoreResult<TelegramBot> {
    Ok(TelegramBot {
        bot_id: row.try_get("bot_id").map_err(db_error)?,
        webhook_url: row.try_get("webhook_url").map_err(db_error)?,
        webhook_secret: row.try_get("webhook_secret").map_err(db_error)?,
        allowed_updates: row.try_get("allowed_updates").map_err(db_error)?,
        commands: row.try_get("commands").map_err(db_error)?,
        privacy: row.try_get("privacy").map_err(db_error)?,
    })
}

#[async_trait]
impl TelegramStore for DbStore {
    async fn telegram_number(&self, xerrada_id: &str) -> StoreResult<i64> {
        sqlx::query(
            "INSERT INTO telegram_ids (xerrada_id) VALUES ($1) ON CONFLICT (xerrada_id) DO NOTHING",
        )
        .bind(xerrada_id)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        sqlx::query_scalar("SELECT number FROM telegram_ids WHERE xerrada_id = $1")
            .bind(xerrada_id)
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn telegram_id_of(&self, number: i64) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT xerrada_id FROM telegram_ids WHERE number = $1")
            .bind(number)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn telegram_bot(&self, bot_id: &str, created_at: &str) -> StoreResult<TelegramBot> {
        sqlx::query(
            "INSERT INTO telegram_bots (bot_id, created_at) VALUES ($1, $2)
             ON CONFLICT (bot_id) DO NOTHING",
        )
        .bind(bot_id)
        .bind(created_at)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        let row = sqlx::query("SELECT * FROM telegram_bots WHERE bot_id = $1")
            .bind(bot_id)
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
        bot_from_row(&row)
    }

    async fn telegram_bots(&self) -> StoreResult<Vec<TelegramBot>> {
        let rows = sqlx::query("SELECT * FROM telegram_bots ORDER BY bot_id")
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(bot_from_row).collect()
    }

    async fn set_telegram_webhook(
        &self,
        bot_id: &str,
        url: &str,
        secret: &str,
        allowed_updates: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE telegram_bots SET webhook_url = $2, webhook_secret = $3,
                 allowed_updates = COALESCE($4, allowed_updates)
             WHERE bot_id = $1",
        )
        .bind(bot_id)
        .bind(url)
        .bind(secret)
        .bind(allowed_updates)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn set_telegram_allowed_updates(&self, bot_id: &str, allowed: &str) -> StoreResult<()> {
        sqlx::query("UPDATE telegram_bots SET allowed_updates = $2 WHERE bot_id = $1")
            .bind(bot_id)
            .bind(allowed)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn set_telegram_commands(&self, bot_id: &str, commands: &str) -> StoreResult<()> {
        sqlx::query("UPDATE telegram_bots SET commands = $2 WHERE bot_id = $1")
            .bind(bot_id)
            .bind(commands)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn set_telegram_privacy(&self, bot_id: &str, privacy: bool) -> StoreResult<()> {
        sqlx::query("UPDATE telegram_bots SET privacy = $2 WHERE bot_id = $1")
            .bind(bot_id)
            .bind(privacy)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn push_telegram_update(
        &self,
        bot_id: &str,
        update: NewTelegramUpdate<'_>,
    ) -> StoreResult<Option<i64>> {
        let mut tx = self.begin_write().await?;
        if let Some((channel_id, seq)) = update.cursor {
            let done: Option<i64> = sqlx::query_scalar(
                "SELECT seq FROM telegram_cursors WHERE bot_id = $1 AND channel_id = $2",
            )
            .bind(bot_id)
            .bind(channel_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
            if done.is_some_and(|done| done >= seq) {
                return Ok(None);
            }
            set_cursor(&mut tx, bot_id, channel_id, seq).await?;
        }
        let next: i64 = sqlx::query_scalar(
            "UPDATE telegram_bots SET next_update_id = next_update_id + 1 WHERE bot_id = $1
             RETURNING next_update_id",
        )
        .bind(bot_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        let update_id = next - 1;
        sqlx::query(
            "INSERT INTO telegram_updates (bot_id, update_id, kind, payload, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(bot_id)
        .bind(update_id)
        .bind(update.kind)
        .bind(update.payload)
        .bind(update.at)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(Some(update_id))
    }

    async fn advance_telegram_cursor(
        &self,
        bot_id: &str,
        channel_id: &str,
        seq: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        set_cursor(&mut tx, bot_id, channel_id, seq).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(())
    }

    async fn telegram_cursor(&self, bot_id: &str, channel_id: &str) -> StoreResult<Option<i64>> {
        sqlx::query_scalar("SELECT seq FROM telegram_cursors WHERE bot_id = $1 AND channel_id = $2")
            .bind(bot_id)
            .bind(channel_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn telegram_updates(
        &self,
        bot_id: &str,
        from_id: i64,
        limit: u32,
    ) -> StoreResult<Vec<TelegramUpdate>> {
        let rows = sqlx::query(
            "SELECT update_id, kind, payload, created_at FROM telegram_updates
             WHERE bot_id = $1 AND update_id >= $2 ORDER BY update_id LIMIT $3",
        )
        .bind(bot_id)
        .bind(from_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                Ok(TelegramUpdate {
                    update_id: row.try_get("update_id").map_err(db_error)?,
                    kind: row.try_get("kind").map_err(db_error)?,
                    payload: row.try_get("payload").map_err(db_error)?,
                    created_at: row.try_get("created_at").map_err(db_error)?,
                })
            })
            .collect()
    }

    async fn last_telegram_update(&self, bot_id: &str) -> StoreResult<Option<i64>> {
        sqlx::query_scalar("SELECT MAX(update_id) FROM telegram_updates WHERE bot_id = $1")
            .bind(bot_id)
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn ack_telegram_updates(&self, bot_id: &str, below: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM telegram_updates WHERE bot_id = $1 AND update_id < $2")
            .bind(bot_id)
            .bind(below)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn pending_telegram_updates(&self, bot_id: &str) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM telegram_updates WHERE bot_id = $1")
            .bind(bot_id)
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn prune_telegram_updates(&self, cutoff: &str) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM telegram_updates WHERE created_at < $1")
            .bind(cutoff)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected())
    }
}

async fn set_cursor(
    tx: &mut Transaction<'static, Db>,
    bot_id: &str,
    channel_id: &str,
    seq: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO telegram_cursors (bot_id, channel_id, seq) VALUES ($1, $2, $3)
         ON CONFLICT (bot_id, channel_id) DO UPDATE SET seq = excluded.seq
         WHERE telegram_cursors.seq < excluded.seq",
    )
    .bind(bot_id)
    .bind(channel_id)
    .bind(seq)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}
