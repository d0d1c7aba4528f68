//! The help desk: tickets and `/info` articles.
//!
//! Portable SQL, compiled once per backend (see `mod.rs`).

use super::*;

#[async_trait]
impl HelpdeskStore for DbStore {
    async fn create_ticket(&self, ticket: NewTicket) -> StoreResult<Ticket> {
        let mut tx = self.begin_write().await?;
        let number: i64 = sqlx::query_scalar(
            "INSERT INTO tickets (requester_id, title, description, category, priority, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'open', $6, $6) RETURNING number",
        )
        .bind(&ticket.requester_id)
        .bind(&ticket.title)
        .bind(&ticket.description)
        .bind(&ticket.category)
        .bind(ticket.priority.as_str())
        .bind(&ticket.created_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        insert_ticket_history(
            &mut tx,
            number,
            &ticket.requester_id,
            "opened",
            &ticket.title,
            &ticket.created_at,
        )
        .await?;
        let attached = Attached {
            number,
            internal: false,
            by: &ticket.requester_id,
            at: &ticket.created_at,
        };
        attach_files(&mut tx, attached, &ticket.file_ids).await?;
        tx.commit().await.map_err(db_error)?;
        self.ticket(number)
            .await?
            .ok_or_else(|| internal("ticket vanished after insert"))
    }

    async fn ticket(&self, number: i64) -> StoreResult<Option<Ticket>> {
        let row = sqlx::query("SELECT * FROM tickets WHERE number = $1")
            .bind(number)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(ticket_from_row).transpose()
    }

    async fn tickets(&self, filter: TicketFilter) -> StoreResult<Vec<Ticket>> {
        let rows = sqlx::query(
            "SELECT * FROM tickets
             WHERE (CAST($1 AS TEXT) IS NULL OR status = $1) AND (CAST($2 AS TEXT) IS NULL OR assignee_id = $2)
               AND (CAST($3 AS TEXT) IS NULL OR category = $3) AND (CAST($4 AS TEXT) IS NULL OR requester_id = $4)
               AND (NOT $5 OR status <> 'closed')
             ORDER BY number DESC LIMIT 500",
        )
        .bind(filter.status.map(TicketStatus::as_str))
        .bind(&filter.assignee_id)
        .bind(&filter.category)
        .bind(&filter.requester_id)
        .bind(filter.open_only)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(ticket_from_row).collect()
    }

    async fn update_ticket(
        &self,
        number: i64,
        change: TicketChange,
        history: &[(String, String)],
        actor_id: &str,
        at: &str,
    ) -> StoreResult<Option<Ticket>> {
        let mut tx = self.begin_write().await?;
        let (set_assignee, assignee) = match &change.assignee_id {
            Some(assignee) => (true, assignee.clone()),
            None => (false, None),
        };
        let done = sqlx::query(
            "UPDATE tickets SET
                status = COALESCE($2, status),
                priority = COALESCE($3, priority),
                assignee_id = CASE WHEN $4 THEN $5 ELSE assignee_id END,
                category = COALESCE($6, category),
                updated_at = $7
             WHERE number = $1",
        )
        .bind(number)
        .bind(change.status.map(TicketStatus::as_str))
        .bind(change.priority.map(TicketPriority::as_str))
        .bind(set_assignee)
        .bind(assignee)
        .bind(&change.category)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        for (kind, detail) in history {
            insert_ticket_history(&mut tx, number, actor_id, kind, detail, at).await?;
        }
        let attached = Attached {
            number,
            internal: change.attach_internal,
            by: actor_id,
            at,
        };
        attach_files(&mut tx, attached, &change.attach).await?;
        tx.commit().await.map_err(db_error)?;
        self.ticket(number).await
    }

    async fn tickets_opened_between(
        &self,
        from: &str,
        to: &str,
    ) -> StoreResult<Vec<(Ticket, Vec<TicketEvent>)>> {
        let tickets = sqlx::query(
            "SELECT * FROM tickets WHERE created_at >= $1 AND created_at < $2 ORDER BY number",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let events = sqlx::query(
            "SELECT h.ticket_number, h.created_at, h.actor_id, h.kind, h.detail
             FROM ticket_history h JOIN tickets t ON t.number = h.ticket_number
             WHERE t.created_at >= $1 AND t.created_at < $2 ORDER BY h.ticket_number, h.id",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let mut histories: HashMap<i64, Vec<TicketEvent>> = HashMap::new();
        for row in &events {
            let number: i64 = row.try_get("ticket_number").map_err(db_error)?;
            histories
                .entry(number)
                .or_default()
                .push(from_row::<TicketEventRow, _>(row)?);
        }
        tickets
            .iter()
            .map(|row| {
                let ticket = ticket_from_row(row)?;
                let history = histories.remove(&ticket.number).unwrap_or_default();
                Ok((ticket, history))
            })
            .collect()
    }

    async fn ticket_backlog(&self) -> StoreResult<Vec<Ticket>> {
        let rows = sqlx::query("SELECT * FROM tickets WHERE status <> 'closed' ORDER BY number")
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(ticket_from_row).collect()
    }

    async fn ticket_history(&self, number: i64) -> StoreResult<Vec<TicketEvent>> {
        let rows = sqlx::query(
            "SELECT created_at, actor_id, kind, detail FROM ticket_history
             WHERE ticket_number = $1 ORDER BY id",
        )
        .bind(number)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(from_row::<TicketEventRow, _>).collect()
    }

    async fn set_ticket_card(
        &self,
        number: i64,
        channel_id: &str,
        message_id: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE tickets SET card_channel_id = $2, card_message_id = $3 WHERE number = $1",
        )
        .bind(number)
        .bind(channel_id)
        .bind(message_id)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn ticket_card(&self, number: i64) -> StoreResult<Option<(String, String)>> {
        sqlx::query_as(
            "SELECT card_channel_id, card_message_id FROM tickets
             WHERE number = $1 AND card_message_id IS NOT NULL",
        )
        .bind(number)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)
    }

    async fn link_ticket_message(
        &self,
        channel_id: &str,
        seq: i64,
        number: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO ticket_messages (channel_id, seq, number) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(channel_id)
        .bind(seq)
        .bind(number)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn ticket_of_message(&self, channel_id: &str, seq: i64) -> StoreResult<Option<i64>> {
        sqlx::query_scalar("SELECT number FROM ticket_messages WHERE channel_id = $1 AND seq = $2")
            .bind(channel_id)
            .bind(seq)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn ticket_files(&self, number: i64) -> StoreResult<Vec<TicketFile>> {
        let rows = sqlx::query(
            "SELECT f.*, t.internal, t.added_by, t.added_at FROM ticket_files t
             JOIN files f ON f.id = t.file_id
             WHERE t.number = $1 ORDER BY t.added_at, f.id",
        )
        .bind(number)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                Ok(TicketFile {
                    file: super::uploads::file_from_row(row)?.info,
                    internal: row.try_get("internal").map_err(db_error)?,
                    added_by: row.try_get("added_by").map_err(db_error)?,
                    added_at: row.try_get("added_at").map_err(db_error)?,
                })
            })
            .collect()
    }

    async fn ticket_of_file(&self, file_id: &str) -> StoreResult<Option<(i64, bool)>> {
        sqlx::query_as("SELECT number, internal FROM ticket_files WHERE file_id = $1")
            .bind(file_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn set_article(&self, article: InfoArticle, updated_by: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO info_articles (topic, lang, title, body, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (topic, lang) DO UPDATE SET
                title = excluded.title, body = excluded.body,
                updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(&article.topic)
        .bind(&article.lang)
        .bind(&article.title)
        .bind(&article.body)
        .bind(updated_by)
        .bind(&article.updated_at)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn articles(&self) -> StoreResult<Vec<InfoArticle>> {
        let rows = sqlx::query(
            "SELECT topic, lang, title, body, updated_at FROM info_articles ORDER BY topic, lang",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(from_row::<InfoArticleRow, _>).collect()
    }

    async fn remove_article(&self, topic: &str, lang: Option<&str>) -> StoreResult<u64> {
        let done = sqlx::query(
            "DELETE FROM info_articles WHERE topic = $1 AND (CAST($2 AS TEXT) IS NULL OR lang = $2)",
        )
        .bind(topic)
        .bind(lang)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected())
    }
}

/// Where and how files are attached to a ticket.
struct Attached<'a> {
    number: i64,
    internal: bool,
    by: &'a str,
    at: &'a str,
}

/// Attaches `file_ids` to a ticket. An upload never posted counts as posted from now on (to
/// the ticket), and no attached file is swept: the ticket references it. A file already on a
/// ticket stays on that one.
async fn attach_files(
    tx: &mut Transaction<'static, Db>,
    attached: Attached<'_>,
    file_ids: &[String],
) -> StoreResult<()> {
    for file_id in file_ids {
        sqlx::query(
            "INSERT INTO ticket_files (file_id, number, internal, added_by, added_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (file_id) DO NOTHING",
        )
        .bind(file_id)
        .bind(attached.number)
        .bind(attached.internal)
        .bind(attached.by)
        .bind(attached.at)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
        sqlx::query(
            "UPDATE files SET posted_at = COALESCE(posted_at, $2), unreferenced_since = NULL
             WHERE id = $1",
        )
        .bind(file_id)
        .bind(attached.at)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

async fn insert_ticket_history(
    tx: &mut Transaction<'static, Db>,
    number: i64,
    actor_id: &str,
    kind: &str,
    detail: &str,
    at: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO ticket_history (ticket_number, actor_id, kind, detail, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(number)
    .bind(actor_id)
    .bind(kind)
    .bind(detail)
    .bind(at)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}
