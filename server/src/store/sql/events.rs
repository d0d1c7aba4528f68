//! Channel events: history, the events feed and read markers (the batched writes are in `writes.rs`).
//!
//! Portable SQL, compiled once per backend (see `mod.rs`).

use super::*;

#[async_trait]
impl EventStore for DbStore {
    async fn apply_batch(&self, ops: &[WriteOp]) -> StoreResult<Vec<WriteOutcome>> {
        writes::apply_batch(self, ops).await
    }

    async fn messages(&self, channel_id: &str, query: HistoryQuery) -> StoreResult<MessageSlice> {
        const BEFORE: &str = "SELECT * FROM events WHERE channel_id = $1 AND kind = 'message'
             AND seq < $2 ORDER BY seq DESC LIMIT $3";
        const AFTER: &str = "SELECT * FROM events WHERE channel_id = $1 AND kind = 'message'
             AND seq > $2 ORDER BY seq ASC LIMIT $3";
        let (sql, bound, limit, descending) = match query {
            HistoryQuery::Before { seq, limit } => (BEFORE, seq, limit, true),
            HistoryQuery::Latest { limit } => (BEFORE, i64::MAX, limit, true),
            HistoryQuery::After { seq, limit } => (AFTER, seq, limit, false),
        };
        // One row more than asked tells whether more exist in that direction.
        let rows = sqlx::query(sql)
            .bind(channel_id)
            .bind(bound)
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        let has_more = rows.len() > limit as usize;
        let mut messages = rows
            .iter()
            .take(limit as usize)
            .map(message_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        if descending {
            messages.reverse();
        }
        if !messages.is_empty() {
            let mut conn = self.pool.acquire().await.map_err(db_error)?;
            decorations::decorate(&mut conn, messages.iter_mut().collect()).await?;
        }
        Ok(MessageSlice { messages, has_more })
    }

    async fn message(&self, channel_id: &str, message_id: &str) -> StoreResult<Option<Message>> {
        let row = sqlx::query(
            "SELECT * FROM events WHERE channel_id = $1 AND message_id = $2 AND kind = 'message'",
        )
        .bind(channel_id)
        .bind(message_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        let Some(mut message) = row.as_ref().map(message_from_row).transpose()? else {
            return Ok(None);
        };
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        decorations::decorate(&mut conn, vec![&mut message]).await?;
        Ok(Some(message))
    }

    async fn events_after(
        &self,
        channel_id: &str,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<ChannelEvent>> {
        // Each event joined with the message it is or names, as that message is now.
        let rows = sqlx::query(
            "SELECT e.channel_id, e.seq, e.kind, e.actor_id, e.ref_message_id, e.emoji,
                    c.name AS c_name, c.topic AS c_topic, c.purpose AS c_purpose,
                    c.archived_at IS NOT NULL AS c_archived,
                    m.channel_id AS m_channel_id, m.message_id AS m_message_id, m.seq AS m_seq,
                    m.actor_id AS m_actor_id, m.body AS m_body, m.created_at AS m_created_at,
                    m.client_msg_id AS m_client_msg_id, m.thread_root AS m_thread_root,
                    m.edited_at AS m_edited_at, m.deleted AS m_deleted, m.extras AS m_extras,
                    m.also_in_channel AS m_also_in_channel, m.files AS m_files
             FROM events e
             LEFT JOIN events m ON m.message_id = COALESCE(e.ref_message_id, e.message_id)
             JOIN channels c ON c.id = e.channel_id
             WHERE e.channel_id = $1 AND e.seq > $2 ORDER BY e.seq ASC LIMIT $3",
        )
        .bind(channel_id)
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let mut events = rows
            .iter()
            .map(joined_event_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        let messages = events
            .iter_mut()
            .filter_map(|event| match &mut event.kind {
                EventKind::Message(message) | EventKind::MessageUpdated(message) => Some(message),
                _ => None,
            })
            .collect::<Vec<_>>();
        if !messages.is_empty() {
            let mut conn = self.pool.acquire().await.map_err(db_error)?;
            decorations::decorate(&mut conn, messages).await?;
        }
        Ok(events)
    }

    async fn message_versions(&self, message_id: &str) -> StoreResult<Vec<MessageVersion>> {
        let rows: Vec<(String, Option<String>, String, String)> = sqlx::query_as(
            "SELECT body, extras, replaced_at, replaced_by FROM message_versions
             WHERE message_id = $1 ORDER BY replaced_at",
        )
        .bind(message_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.into_iter()
            .map(|(body, extras, replaced_at, replaced_by)| {
                Ok(MessageVersion {
                    body,
                    extras: extras
                        .map(|json| serde_json::from_str(&json).map_err(internal))
                        .transpose()?,
                    replaced_at,
                    replaced_by,
                })
            })
            .collect()
    }

    async fn mark_unread_from(
        &self,
        channel_id: &str,
        user_id: &str,
        seq: i64,
    ) -> StoreResult<Option<i64>> {
        let sql = format!(
            "UPDATE channel_members
             SET last_read_seq = {least}({greatest}($3 - 1, 0),
                   (SELECT last_seq FROM channels WHERE id = $1))
             WHERE channel_id = $1 AND user_id = $2
             RETURNING last_read_seq",
            greatest = dialect::GREATEST,
            least = dialect::LEAST,
        );
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(channel_id)
            .bind(user_id)
            .bind(seq)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn mark_read(&self, channel_id: &str, user_id: &str, seq: i64) -> StoreResult<i64> {
        let sql = format!(
            "UPDATE channel_members
             SET last_read_seq = {greatest}(last_read_seq,
                   {least}($3, (SELECT last_seq FROM channels WHERE id = $1)))
             WHERE channel_id = $1 AND user_id = $2
             RETURNING last_read_seq",
            greatest = dialect::GREATEST,
            least = dialect::LEAST,
        );
        let marker: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(channel_id)
            .bind(user_id)
            .bind(seq)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(marker.unwrap_or(0))
    }
}
