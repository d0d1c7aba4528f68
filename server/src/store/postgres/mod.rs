//! The PostgreSQL backend: a faithful port of the SQLite backend (`../sqlite/`), for
//! installations where several server processes ("nodes") share one database. The schema is
//! `migrations/postgres/`, the final state of the SQLite migrations in one step, with every
//! TEXT column in the "C" collation so that sorting and comparing strings (names, slugs,
//! ISO timestamps) gives the same answers as SQLite's byte-wise BINARY collation.
//!
//! Write transactions run at READ COMMITTED (asked for explicitly, whatever the database's
//! default), so every statement sees what other transactions committed before it started, and a
//! row lock, once granted, hands over the row as last committed.
//!
//! # Sequencing across nodes
//!
//! With SQLite one writer task owns every channel write. Here each node runs its own writer, so
//! two transactions may append to the same channel at once, and `seq` must still be gap-free
//! and unique. [`Store::apply_batch`] therefore starts by locking every channel its operations
//! touch:
//!
//! - it collects their channel ids (`PostMessage`, `EditMessage`, `AddMember` and
//!   `RemoveMember` name theirs; for the department operations the department's channel is
//!   looked up with a plain `SELECT`: it never changes), sorts and dedupes them;
//! - it locks them in that order with
//!   `SELECT id, last_seq FROM channels WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE`,
//!   and the `last_seq` values read under the lock are where the batch's counters start.
//!
//! The row lock is held until commit, so a batch of another node that touches one of these
//! channels waits, and then reads the `last_seq` this batch committed. Every batch takes its
//! locks in the same (sorted) order, so two batches never deadlock on channels. The other
//! lock every batch may take, the `meta` row of `membership_version`, always comes after the
//! channel locks (and the transactions that create channels take no lock on existing channel
//! rows), so it cannot close a cycle either. `FOR NO KEY UPDATE` is the lock an `UPDATE` of
//! `last_seq` takes anyway: it serialises batches without blocking the foreign-key checks of
//! other transactions that insert rows naming the channel (webhooks, grants).
//!
//! A channel that does not exist when the batch locks is `NotFound` for the whole batch.
//! Since every read of the batch happens after the locks are granted, the checks that precede
//! a write (already a member, the message's author, a repeated `client_msg_id` in the same
//! channel) see everything other nodes committed on these channels.
//!
//! The one check that crosses channels is the `(author, client_msg_id)` uniqueness: the same
//! pair posted at once to two different channels through two nodes. The insert uses
//! `ON CONFLICT ... DO NOTHING` on that index, so the loser waits for the winner's commit and
//! then answers `Duplicate`/`ClientMsgIdReused` as SQLite would, without aborting its batch
//! (and without consuming a `seq`).

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, Transaction};

use super::rows::{
    CommandRow, DepartmentRow, GrantRow, InfoArticleRow, TicketEventRow, TokenSessionInfoRow,
    TokenSessionRow, WebhookRow, channel_kind_str, extras_json, parse_channel_kind, role_str,
    user_kind_str,
};
use super::*;

/// Store backed by a PostgreSQL database, possibly shared by several nodes.
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.kind, u.role, u.active, \
     (SELECT string_agg(d.department_id, ',') FROM department_members d WHERE d.user_id = u.id) AS department_ids";

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:pass@host/db`) and applies
    /// migrations. A database that cannot be reached is reported within seconds.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url).map_err(internal)?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(db_error)?;
        // The migrator holds an advisory lock, so nodes starting together apply them once.
        sqlx::migrate!("../migrations/postgres")
            .run(&pool)
            .await
            .map_err(internal)?;
        Ok(PostgresStore { pool })
    }

    /// The connection pool (for the data migration between backends).
    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn begin_write(&self) -> StoreResult<Transaction<'static, Postgres>> {
        self.pool
            .begin_with("BEGIN ISOLATION LEVEL READ COMMITTED")
            .await
            .map_err(db_error)
    }

    async fn fetch_user(&self, id: &str) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.map(|r| user_from_row(&r)).transpose()
    }

    /// Channels with their members: all of them, or only `only`.
    async fn members_of(&self, only: Option<&str>) -> StoreResult<Vec<ChannelMembers>> {
        let rows = sqlx::query(
            "SELECT c.id, c.kind, c.department_id, m.user_id,
                    EXISTS (SELECT 1 FROM departments d WHERE d.channel_id = c.id) AS follows_department
             FROM channels c LEFT JOIN channel_members m ON m.channel_id = c.id
             WHERE ($1::TEXT IS NULL OR c.id = $1)
             ORDER BY c.id, m.user_id",
        )
        .bind(only)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let mut out: Vec<ChannelMembers> = Vec::new();
        for row in &rows {
            let channel_id: String = row.try_get("id").map_err(db_error)?;
            let member: Option<String> = row.try_get("user_id").map_err(db_error)?;
            if out.last().is_none_or(|c| c.channel_id != channel_id) {
                out.push(ChannelMembers {
                    channel_id,
                    kind: parse_channel_kind(&row.try_get::<String, _>("kind").map_err(db_error)?)?,
                    department_id: row.try_get("department_id").map_err(db_error)?,
                    follows_department: row.try_get("follows_department").map_err(db_error)?,
                    member_ids: Vec::new(),
                });
            }
            if let (Some(member), Some(channel)) = (member, out.last_mut()) {
                channel.member_ids.push(member);
            }
        }
        Ok(out)
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn health(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn create_user(&self, user: NewUser) -> StoreResult<User> {
        let result = sqlx::query(
            "INSERT INTO users (id, username, username_key, display_name, kind, role, password_hash, active, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8)",
        )
        .bind(&user.id)
        .bind(&user.username)
        .bind(user.username.to_lowercase())
        .bind(&user.display_name)
        .bind(user_kind_str(user.kind))
        .bind(role_str(user.role))
        .bind(&user.password_hash)
        .bind(&user.created_at)
        .execute(&self.pool)
        .await;
        match result {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(StoreError::Conflict("username")),
            Err(e) => return Err(db_error(e)),
        }
        self.fetch_user(&user.id)
            .await?
            .ok_or_else(|| internal("user vanished after insert"))
    }

    async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>> {
        self.fetch_user(id).await
    }

    async fn credentials_by_username(&self, username: &str) -> StoreResult<Option<Credentials>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username_key = $1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(username.to_lowercase())
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.map(|r| {
            Ok(Credentials {
                user: user_from_row(&r)?,
                password_hash: r.try_get("password_hash").map_err(db_error)?,
            })
        })
        .transpose()
    }

    async fn password_hash(&self, user_id: &str) -> StoreResult<Option<String>> {
        let hash: Option<Option<String>> =
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        Ok(hash.flatten())
    }

    async fn list_users(&self, query: Option<&str>, limit: u32) -> StoreResult<Vec<User>> {
        // lower() in the "C" collation folds ASCII letters only, like SQLite's lower(); the
        // parameter is given that collation explicitly (it would otherwise take the database's).
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users u
             WHERE $1::text IS NULL
                   OR strpos(lower(u.username), lower($1 COLLATE \"C\")) > 0
                   OR strpos(lower(u.display_name), lower($1 COLLATE \"C\")) > 0
             ORDER BY u.username_key LIMIT $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(query)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(user_from_row).collect()
    }

    async fn update_user(&self, id: &str, change: UserChange) -> StoreResult<Option<User>> {
        let done = sqlx::query(
            "UPDATE users SET
                display_name = COALESCE($2, display_name),
                password_hash = COALESCE($3, password_hash),
                role = COALESCE($4, role)
             WHERE id = $1",
        )
        .bind(id)
        .bind(&change.display_name)
        .bind(&change.password_hash)
        .bind(change.role.map(role_str))
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        self.fetch_user(id).await
    }

    async fn deactivate_user(&self, id: &str, at: &str) -> StoreResult<Option<Vec<String>>> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET active = FALSE WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let sessions: Vec<String> = sqlx::query_scalar(
            "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING id",
        )
        .bind(id)
        .bind(at)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(Some(sessions))
    }

    async fn create_department(&self, dept: Department, channel: NewChannel) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        insert_channel(&mut tx, &channel).await?;
        bump_membership_version(&mut tx).await?;
        // A failed statement aborts the transaction; it is only returned from (rolled back).
        let result = sqlx::query(
            "INSERT INTO departments (id, slug, name, channel_id, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&dept.id)
        .bind(&dept.slug)
        .bind(&dept.name)
        .bind(&dept.channel_id)
        .bind(&channel.created_at)
        .execute(&mut *tx)
        .await;
        match result {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(StoreError::Conflict("slug")),
            Err(e) => return Err(db_error(e)),
        }
        tx.commit().await.map_err(db_error)
    }

    async fn list_departments(&self) -> StoreResult<Vec<Department>> {
        let rows = sqlx::query("SELECT id, slug, name, channel_id FROM departments ORDER BY slug")
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(from_row::<DepartmentRow, _>).collect()
    }

    async fn department_by_id(&self, id: &str) -> StoreResult<Option<Department>> {
        let row = sqlx::query("SELECT id, slug, name, channel_id FROM departments WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(from_row::<DepartmentRow, _>).transpose()
    }

    async fn department_by_slug(&self, slug: &str) -> StoreResult<Option<Department>> {
        let row = sqlx::query("SELECT id, slug, name, channel_id FROM departments WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(from_row::<DepartmentRow, _>).transpose()
    }

    async fn create_channel(&self, channel: NewChannel, member_ids: &[String]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        insert_channel(&mut tx, &channel).await?;
        bump_membership_version(&mut tx).await?;
        insert_members(&mut tx, &channel.id, member_ids, &channel.created_at).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn find_or_create_dm(
        &self,
        channel: NewChannel,
        member_ids: &[String],
    ) -> StoreResult<(String, bool)> {
        let mut tx = self.begin_write().await?;
        let existing: Option<String> =
            sqlx::query_scalar("SELECT id FROM channels WHERE dm_key = $1")
                .bind(&channel.dm_key)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
        if let Some(id) = existing {
            return Ok((id, false));
        }
        // Another node may be creating the same direct channel right now: the insert then
        // waits for it, does nothing, and the channel it committed is the answer.
        let inserted: Option<String> = sqlx::query_scalar(
            "INSERT INTO channels (id, name, kind, department_id, topic, dm_key, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (dm_key) DO NOTHING RETURNING id",
        )
        .bind(&channel.id)
        .bind(&channel.name)
        .bind(channel_kind_str(channel.kind))
        .bind(&channel.department_id)
        .bind(&channel.topic)
        .bind(&channel.dm_key)
        .bind(&channel.created_at)
        .fetch_optional(&mut *tx)
        .await
        .map_err(channel_insert_error)?;
        if inserted.is_none() {
            let id: Option<String> =
                sqlx::query_scalar("SELECT id FROM channels WHERE dm_key = $1")
                    .bind(&channel.dm_key)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_error)?;
            return id
                .map(|id| (id, false))
                .ok_or_else(|| internal("direct channel vanished after a conflicting insert"));
        }
        insert_members(&mut tx, &channel.id, member_ids, &channel.created_at).await?;
        bump_membership_version(&mut tx).await?;
        tx.commit().await.map_err(db_error)?;
        Ok((channel.id, true))
    }

    async fn channel_by_id(&self, id: &str) -> StoreResult<Option<ChannelRecord>> {
        let row = sqlx::query(
            "SELECT c.id, c.name, c.kind, c.department_id, c.topic, c.last_seq, c.dm_key,
                    (SELECT COUNT(*) FROM channel_members m WHERE m.channel_id = c.id) AS member_count
             FROM channels c WHERE c.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.as_ref().map(channel_from_row).transpose()
    }

    async fn channel_view(&self, id: &str, user_id: &str) -> StoreResult<Option<ChannelView>> {
        let sql = format!("{CHANNEL_VIEW_SELECT} WHERE c.id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(channel_view_from_row).transpose()
    }

    async fn channels_for_user(&self, user_id: &str) -> StoreResult<Vec<ChannelView>> {
        let sql = format!(
            "{CHANNEL_VIEW_SELECT} WHERE m.user_id IS NOT NULL OR c.kind = 'public'
             ORDER BY c.name, c.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(channel_view_from_row).collect()
    }

    async fn all_channel_members(&self) -> StoreResult<Vec<ChannelMembers>> {
        self.members_of(None).await
    }

    async fn channel_members(&self, channel_id: &str) -> StoreResult<Option<ChannelMembers>> {
        Ok(self.members_of(Some(channel_id)).await?.pop())
    }

    async fn membership_version(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT value FROM meta WHERE key = 'membership_version'")
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn channel_heads(&self) -> StoreResult<Vec<(String, i64)>> {
        sqlx::query_as("SELECT id, last_seq FROM channels ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)
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

    async fn apply_batch(&self, ops: &[WriteOp]) -> StoreResult<Vec<WriteOutcome>> {
        let mut tx = self.begin_write().await?;
        // First the channel locks, in id order (see the module docs).
        let mut seqs = lock_channels(&mut tx, ops).await?;
        let mut outcomes = Vec::with_capacity(ops.len());
        let mut memberships_changed = false;
        for op in ops {
            let outcome = apply_one(&mut tx, &mut seqs, op).await?;
            memberships_changed |= matches!(
                &outcome,
                WriteOutcome::Committed(ChannelEvent {
                    kind: EventKind::MemberJoined { .. } | EventKind::MemberLeft { .. },
                    ..
                })
            );
            outcomes.push(outcome);
        }
        // Then, always after the channel locks, the meta row.
        if memberships_changed {
            bump_membership_version(&mut tx).await?;
        }
        let (channel_ids, last_seqs) = seqs.advanced();
        if !channel_ids.is_empty() {
            sqlx::query(
                "UPDATE channels AS c SET last_seq = v.last_seq
                 FROM UNNEST($1::text[], $2::bigint[]) AS v (id, last_seq)
                 WHERE c.id = v.id",
            )
            .bind(channel_ids)
            .bind(last_seqs)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(outcomes)
    }

    async fn messages(&self, channel_id: &str, query: HistoryQuery) -> StoreResult<MessageSlice> {
        let (sql, bound, limit, descending) = match query {
            HistoryQuery::Before { seq, limit } => (
                "SELECT * FROM events WHERE channel_id = $1 AND kind = 'message' AND seq < $2
                 ORDER BY seq DESC LIMIT $3",
                seq,
                limit,
                true,
            ),
            HistoryQuery::After { seq, limit } => (
                "SELECT * FROM events WHERE channel_id = $1 AND kind = 'message' AND seq > $2
                 ORDER BY seq ASC LIMIT $3",
                seq,
                limit,
                false,
            ),
            HistoryQuery::Latest { limit } => (
                "SELECT * FROM events WHERE channel_id = $1 AND kind = 'message' AND seq < $2
                 ORDER BY seq DESC LIMIT $3",
                i64::MAX,
                limit,
                true,
            ),
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
        Ok(MessageSlice { messages, has_more })
    }

    async fn events_after(
        &self,
        channel_id: &str,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<ChannelEvent>> {
        // Each event joined with the message it is or names, as that message is now.
        let rows = sqlx::query(
            "SELECT e.channel_id, e.seq, e.kind, e.actor_id,
                    m.channel_id AS m_channel_id, m.message_id AS m_message_id, m.seq AS m_seq,
                    m.actor_id AS m_actor_id, m.body AS m_body, m.created_at AS m_created_at,
                    m.client_msg_id AS m_client_msg_id, m.thread_root AS m_thread_root,
                    m.edited_at AS m_edited_at, m.deleted AS m_deleted, m.extras AS m_extras
             FROM events e
             LEFT JOIN events m ON m.message_id = COALESCE(e.ref_message_id, e.message_id)
             WHERE e.channel_id = $1 AND e.seq > $2 ORDER BY e.seq ASC LIMIT $3",
        )
        .bind(channel_id)
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(joined_event_from_row).collect()
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
        row.as_ref().map(message_from_row).transpose()
    }

    async fn mark_read(&self, channel_id: &str, user_id: &str, seq: i64) -> StoreResult<i64> {
        let marker: Option<i64> = sqlx::query_scalar(
            "UPDATE channel_members
             SET last_read_seq = GREATEST(last_read_seq,
                   LEAST($3, (SELECT last_seq FROM channels WHERE id = $1)))
             WHERE channel_id = $1 AND user_id = $2
             RETURNING last_read_seq",
        )
        .bind(channel_id)
        .bind(user_id)
        .bind(seq)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(marker.unwrap_or(0))
    }

    async fn create_session(&self, session: NewSession) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&session.id)
        .bind(&session.user_id)
        .bind(&session.created_at)
        .bind(&session.expires_at)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        insert_refresh_token(
            &mut tx,
            &session.refresh_hash,
            &session.id,
            &session.created_at,
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

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
        let row = sqlx::query("SELECT * FROM webhooks WHERE id = $1 AND deleted_at IS NULL")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(from_row::<WebhookRow, _>).transpose()
    }

    async fn webhook_by_secret(&self, secret_hash: &str) -> StoreResult<Option<Webhook>> {
        let row =
            sqlx::query("SELECT * FROM webhooks WHERE secret_hash = $1 AND deleted_at IS NULL")
                .bind(secret_hash)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        row.as_ref().map(from_row::<WebhookRow, _>).transpose()
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
             WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR assignee_id = $2)
               AND ($3::text IS NULL OR category = $3) AND ($4::text IS NULL OR requester_id = $4)
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
        tx.commit().await.map_err(db_error)?;
        self.ticket(number).await
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
        let row = sqlx::query(
            "SELECT card_channel_id, card_message_id FROM tickets
             WHERE number = $1 AND card_message_id IS NOT NULL",
        )
        .bind(number)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.map(|r| {
            Ok((
                r.try_get("card_channel_id").map_err(db_error)?,
                r.try_get("card_message_id").map_err(db_error)?,
            ))
        })
        .transpose()
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
            "DELETE FROM info_articles WHERE topic = $1 AND ($2::text IS NULL OR lang = $2)",
        )
        .bind(topic)
        .bind(lang)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected())
    }

    async fn create_bot(&self, bot: NewUser, token: NewTokenSession) -> StoreResult<User> {
        let mut tx = self.begin_write().await?;
        let result = sqlx::query(
            "INSERT INTO users (id, username, username_key, display_name, kind, role, password_hash, active, created_at)
             VALUES ($1, $2, $3, $4, 'bot', 'member', NULL, TRUE, $5)",
        )
        .bind(&bot.id)
        .bind(&bot.username)
        .bind(bot.username.to_lowercase())
        .bind(&bot.display_name)
        .bind(&bot.created_at)
        .execute(&mut *tx)
        .await;
        match result {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(StoreError::Conflict("username")),
            Err(e) => return Err(db_error(e)),
        }
        insert_token_session(&mut tx, &token).await?;
        tx.commit().await.map_err(db_error)?;
        self.fetch_user(&bot.id)
            .await?
            .ok_or_else(|| internal("bot vanished after insert"))
    }

    async fn create_token_session(&self, token: NewTokenSession) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        insert_token_session(&mut tx, &token).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn token_session(&self, token_hash: &str) -> StoreResult<Option<TokenSession>> {
        let row = sqlx::query(
            "SELECT id, user_id, revoked_at IS NOT NULL AS revoked FROM sessions
             WHERE token_hash = $1 AND kind = 'bot_token'",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.as_ref().map(from_row::<TokenSessionRow, _>).transpose()
    }

    async fn token_sessions(&self, user_id: &str) -> StoreResult<Vec<TokenSessionInfo>> {
        let rows = sqlx::query(
            "SELECT id, label, created_at, revoked_at FROM sessions
             WHERE user_id = $1 AND kind = 'bot_token' ORDER BY created_at, id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(from_row::<TokenSessionInfoRow, _>)
            .collect()
    }

    async fn rotate_refresh_token(
        &self,
        old_hash: &str,
        new_hash: &str,
        now: &str,
    ) -> StoreResult<RefreshOutcome> {
        let mut tx = self.begin_write().await?;
        // The token's row is locked: when two nodes present the same token at once, the second
        // waits, then sees it used (a reuse), as it would after SQLite's BEGIN IMMEDIATE.
        let row = sqlx::query(
            "SELECT r.session_id, r.used_at, s.user_id, s.revoked_at, s.expires_at
             FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id
             WHERE r.token_hash = $1
             FOR UPDATE OF r",
        )
        .bind(old_hash)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let Some(row) = row else {
            return Ok(RefreshOutcome::Invalid);
        };
        let session_id: String = row.try_get("session_id").map_err(db_error)?;
        let user_id: String = row.try_get("user_id").map_err(db_error)?;
        let used_at: Option<String> = row.try_get("used_at").map_err(db_error)?;
        let revoked_at: Option<String> = row.try_get("revoked_at").map_err(db_error)?;
        let expires_at: String = row.try_get("expires_at").map_err(db_error)?;
        if revoked_at.is_some() || expires_at.as_str() <= now {
            return Ok(RefreshOutcome::Invalid);
        }
        if used_at.is_some() {
            sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE id = $1")
                .bind(&session_id)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            tx.commit().await.map_err(db_error)?;
            return Ok(RefreshOutcome::Reused { session_id });
        }
        sqlx::query("UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1")
            .bind(old_hash)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        insert_refresh_token(&mut tx, new_hash, &session_id, now).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(RefreshOutcome::Rotated {
            session_id,
            user_id,
        })
    }

    async fn revoke_session(&self, session_id: &str, at: &str) -> StoreResult<bool> {
        let done =
            sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
                .bind(session_id)
                .bind(at)
                .execute(&self.pool)
                .await
                .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn sessions_revoked_since(&self, since: &str) -> StoreResult<Vec<String>> {
        sqlx::query_scalar("SELECT id FROM sessions WHERE revoked_at >= $1")
            .bind(since)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn try_lead(&self, role: &str) -> StoreResult<Option<Box<dyn Leadership>>> {
        // A session-level advisory lock on a connection of its own: held while the connection
        // lives, released by PostgreSQL the moment the process or its connection dies.
        let mut conn = self.pool.acquire().await.map_err(db_error)?.detach();
        let held: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtextextended($1, 0))")
            .bind(role)
            .fetch_one(&mut conn)
            .await
            .map_err(db_error)?;
        if !held {
            let _ = sqlx::Connection::close(conn).await;
            return Ok(None);
        }
        Ok(Some(Box::new(AdvisoryLock { conn })))
    }
}

/// The caller's view of channels: `$1` is the caller's user id.
const CHANNEL_VIEW_SELECT: &str =
    "SELECT c.id, c.name, c.kind, c.department_id, c.topic, c.last_seq, c.dm_key,
        (SELECT COUNT(*) FROM channel_members m2 WHERE m2.channel_id = c.id) AS member_count,
        m.user_id IS NOT NULL AS joined,
        COALESCE(m.last_read_seq, 0) AS last_read_seq,
        CASE WHEN m.user_id IS NULL THEN 0 ELSE
            (SELECT COUNT(*) FROM events e WHERE e.channel_id = c.id AND e.seq > m.last_read_seq
                AND e.kind = 'message' AND e.actor_id <> $1)
        END AS unread
     FROM channels c LEFT JOIN channel_members m ON m.channel_id = c.id AND m.user_id = $1";

/// Each locked channel's last `seq` as the batch advances it; the advanced ones are written
/// back once, at commit.
#[derive(Default)]
struct SeqCounters {
    /// `last_seq` as read under the lock, for every channel of the batch that exists.
    start: HashMap<String, i64>,
    last: HashMap<String, i64>,
}

impl SeqCounters {
    /// The next `seq` of `channel_id`, or `None` when the channel does not exist (it was not
    /// found when the batch locked its channels).
    fn next(&mut self, channel_id: &str) -> Option<i64> {
        let last = self.last.get_mut(channel_id)?;
        *last += 1;
        Some(*last)
    }

    /// Gives back the `seq` just taken from `channel_id` (its insert did nothing).
    fn give_back(&mut self, channel_id: &str) {
        if let Some(last) = self.last.get_mut(channel_id) {
            *last -= 1;
        }
    }

    /// The channels whose `last_seq` moved, with their new values.
    fn advanced(&self) -> (Vec<String>, Vec<i64>) {
        self.last
            .iter()
            .filter(|(id, last)| self.start.get(*id) != Some(*last))
            .map(|(id, last)| (id.clone(), *last))
            .unzip()
    }
}

/// Locks the channels `ops` touch, in id order, and starts their counters at the `last_seq`
/// read under the lock (see the module docs).
async fn lock_channels(
    tx: &mut Transaction<'static, Postgres>,
    ops: &[WriteOp],
) -> StoreResult<SeqCounters> {
    let mut channel_ids: Vec<String> = Vec::new();
    let mut department_ids: Vec<String> = Vec::new();
    for op in ops {
        match op {
            WriteOp::PostMessage { channel_id, .. }
            | WriteOp::EditMessage { channel_id, .. }
            | WriteOp::AddMember { channel_id, .. }
            | WriteOp::RemoveMember { channel_id, .. } => channel_ids.push(channel_id.clone()),
            WriteOp::AddDepartmentMember { department_id, .. }
            | WriteOp::RemoveDepartmentMember { department_id, .. } => {
                department_ids.push(department_id.clone())
            }
        }
    }
    if !department_ids.is_empty() {
        let department_channels: Vec<String> =
            sqlx::query_scalar("SELECT channel_id FROM departments WHERE id = ANY($1)")
                .bind(department_ids)
                .fetch_all(&mut **tx)
                .await
                .map_err(db_error)?;
        channel_ids.extend(department_channels);
    }
    channel_ids.sort();
    channel_ids.dedup();
    if channel_ids.is_empty() {
        return Ok(SeqCounters::default());
    }
    // ORDER BY is applied before the locking clause, so rows are locked in id order (the "C"
    // collation: the same byte order as the sort above).
    let locked: Vec<(String, i64)> = sqlx::query_as(
        "SELECT id, last_seq FROM channels WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE",
    )
    .bind(channel_ids)
    .fetch_all(&mut **tx)
    .await
    .map_err(db_error)?;
    let start: HashMap<String, i64> = locked.into_iter().collect();
    Ok(SeqCounters {
        last: start.clone(),
        start,
    })
}

async fn apply_one(
    tx: &mut Transaction<'static, Postgres>,
    seqs: &mut SeqCounters,
    op: &WriteOp,
) -> StoreResult<WriteOutcome> {
    match op {
        WriteOp::PostMessage {
            channel_id,
            author_id,
            message_id,
            body,
            client_msg_id,
            thread_root,
            created_at,
            extras,
        } => {
            if let Some(client_msg_id) = client_msg_id
                && let Some(outcome) =
                    repeated_post(tx, channel_id, author_id, client_msg_id).await?
            {
                return Ok(outcome);
            }
            if let Some(root) = thread_root {
                let exists: Option<i32> = sqlx::query_scalar(
                    "SELECT 1 FROM events WHERE channel_id = $1 AND seq = $2 AND kind = 'message'",
                )
                .bind(channel_id)
                .bind(root)
                .fetch_optional(&mut **tx)
                .await
                .map_err(db_error)?;
                if exists.is_none() {
                    return Ok(WriteOutcome::InvalidThreadRoot);
                }
            }
            let Some(seq) = seqs.next(channel_id) else {
                return Ok(WriteOutcome::NotFound);
            };
            // The conflict clause covers only the (author, client_msg_id) index: the same pair
            // committed meanwhile by another node (in another channel, since this one is
            // locked). Any other conflict is an error.
            let done = sqlx::query(
                "INSERT INTO events (channel_id, seq, kind, actor_id, message_id, body, client_msg_id, thread_root, created_at, extras)
                 VALUES ($1, $2, 'message', $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (actor_id, client_msg_id) WHERE client_msg_id IS NOT NULL DO NOTHING",
            )
            .bind(channel_id)
            .bind(seq)
            .bind(author_id)
            .bind(message_id)
            .bind(body)
            .bind(client_msg_id)
            .bind(thread_root)
            .bind(created_at)
            .bind(extras.as_deref().map(extras_json).transpose()?)
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
            if done.rows_affected() == 0 {
                seqs.give_back(channel_id);
                let outcome = match client_msg_id {
                    Some(client_msg_id) => {
                        repeated_post(tx, channel_id, author_id, client_msg_id).await?
                    }
                    None => None,
                };
                return outcome
                    .ok_or_else(|| internal("message insert did nothing, and no original found"));
            }
            Ok(WriteOutcome::Committed(ChannelEvent {
                channel_id: channel_id.clone(),
                seq,
                kind: EventKind::Message(
                    op.posted_message(seq)
                        .ok_or_else(|| internal("not a post"))?,
                ),
            }))
        }
        WriteOp::EditMessage {
            channel_id,
            message_id,
            editor_id,
            body,
            extras,
            at,
        } => {
            let row = sqlx::query(
                "SELECT * FROM events WHERE channel_id = $1 AND message_id = $2 AND kind = 'message'",
            )
            .bind(channel_id)
            .bind(message_id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(db_error)?;
            let Some(row) = row else {
                return Ok(WriteOutcome::NotFound);
            };
            let mut message = message_from_row(&row)?;
            if message.author_id != *editor_id {
                return Ok(WriteOutcome::NotAuthor);
            }
            if let Some(body) = body {
                message.body = body.clone();
            }
            if let Some(extras) = extras {
                message.extras = extras.as_deref().cloned();
            }
            message.edited_at = Some(at.clone());
            let Some(seq) = seqs.next(channel_id) else {
                return Ok(WriteOutcome::NotFound);
            };
            sqlx::query(
                "UPDATE events SET body = $3, extras = $4, edited_at = $5
                 WHERE channel_id = $1 AND message_id = $2",
            )
            .bind(channel_id)
            .bind(message_id)
            .bind(&message.body)
            .bind(message.extras.as_ref().map(extras_json).transpose()?)
            .bind(at)
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
            sqlx::query(
                "INSERT INTO events (channel_id, seq, kind, actor_id, created_at, ref_message_id)
                 VALUES ($1, $2, 'message_updated', $3, $4, $5)",
            )
            .bind(channel_id)
            .bind(seq)
            .bind(editor_id)
            .bind(at)
            .bind(message_id)
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
            Ok(WriteOutcome::Committed(ChannelEvent {
                channel_id: channel_id.clone(),
                seq,
                kind: EventKind::MessageUpdated(message),
            }))
        }
        WriteOp::AddMember {
            channel_id,
            user_id,
            at,
        } => add_member(tx, seqs, channel_id, user_id, at).await,
        WriteOp::RemoveMember {
            channel_id,
            user_id,
            at,
        } => remove_member(tx, seqs, channel_id, user_id, at).await,
        WriteOp::AddDepartmentMember {
            department_id,
            user_id,
            at,
        } => {
            let Some(channel_id) = department_channel(tx, department_id).await? else {
                return Ok(WriteOutcome::NotFound);
            };
            if !user_exists(tx, user_id).await? {
                return Ok(WriteOutcome::NotFound);
            }
            sqlx::query(
                "INSERT INTO department_members (department_id, user_id) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
            )
            .bind(department_id)
            .bind(user_id)
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
            add_member(tx, seqs, &channel_id, user_id, at).await
        }
        WriteOp::RemoveDepartmentMember {
            department_id,
            user_id,
            at,
        } => {
            let Some(channel_id) = department_channel(tx, department_id).await? else {
                return Ok(WriteOutcome::NotFound);
            };
            sqlx::query("DELETE FROM department_members WHERE department_id = $1 AND user_id = $2")
                .bind(department_id)
                .bind(user_id)
                .execute(&mut **tx)
                .await
                .map_err(db_error)?;
            remove_member(tx, seqs, &channel_id, user_id, at).await
        }
    }
}

/// The outcome of a post whose author already used `client_msg_id`: the original message, or
/// `ClientMsgIdReused` when it is in another channel. `None` when it was not used.
async fn repeated_post(
    tx: &mut Transaction<'static, Postgres>,
    channel_id: &str,
    author_id: &str,
    client_msg_id: &str,
) -> StoreResult<Option<WriteOutcome>> {
    let original = sqlx::query("SELECT * FROM events WHERE actor_id = $1 AND client_msg_id = $2")
        .bind(author_id)
        .bind(client_msg_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_error)?;
    let Some(row) = original else {
        return Ok(None);
    };
    let original = event_from_row(&row)?;
    if original.channel_id != channel_id {
        return Ok(Some(WriteOutcome::ClientMsgIdReused));
    }
    Ok(Some(WriteOutcome::Duplicate(original)))
}

async fn add_member(
    tx: &mut Transaction<'static, Postgres>,
    seqs: &mut SeqCounters,
    channel_id: &str,
    user_id: &str,
    at: &str,
) -> StoreResult<WriteOutcome> {
    if !user_exists(tx, user_id).await? {
        return Ok(WriteOutcome::NotFound);
    }
    let already: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM channel_members WHERE channel_id = $1 AND user_id = $2")
            .bind(channel_id)
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(db_error)?;
    if already.is_some() {
        return Ok(WriteOutcome::Unchanged);
    }
    let Some(seq) = seqs.next(channel_id) else {
        return Ok(WriteOutcome::NotFound);
    };
    // A newcomer starts with everything before its arrival read.
    sqlx::query(
        "INSERT INTO channel_members (channel_id, user_id, last_read_seq, joined_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(channel_id)
    .bind(user_id)
    .bind(seq)
    .bind(at)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    insert_member_event(tx, channel_id, seq, "member_joined", user_id, at).await?;
    Ok(WriteOutcome::Committed(ChannelEvent {
        channel_id: channel_id.to_owned(),
        seq,
        kind: EventKind::MemberJoined {
            user_id: user_id.to_owned(),
        },
    }))
}

async fn remove_member(
    tx: &mut Transaction<'static, Postgres>,
    seqs: &mut SeqCounters,
    channel_id: &str,
    user_id: &str,
    at: &str,
) -> StoreResult<WriteOutcome> {
    let done = sqlx::query("DELETE FROM channel_members WHERE channel_id = $1 AND user_id = $2")
        .bind(channel_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Ok(WriteOutcome::Unchanged);
    }
    let Some(seq) = seqs.next(channel_id) else {
        return Ok(WriteOutcome::NotFound);
    };
    insert_member_event(tx, channel_id, seq, "member_left", user_id, at).await?;
    Ok(WriteOutcome::Committed(ChannelEvent {
        channel_id: channel_id.to_owned(),
        seq,
        kind: EventKind::MemberLeft {
            user_id: user_id.to_owned(),
        },
    }))
}

async fn insert_member_event(
    tx: &mut Transaction<'static, Postgres>,
    channel_id: &str,
    seq: i64,
    kind: &'static str,
    user_id: &str,
    at: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO events (channel_id, seq, kind, actor_id, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(channel_id)
    .bind(seq)
    .bind(kind)
    .bind(user_id)
    .bind(at)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Records that memberships changed (see [`Store::membership_version`]). Locks the meta row
/// until commit: in a batch, always after the channel locks.
async fn bump_membership_version(tx: &mut Transaction<'static, Postgres>) -> StoreResult<()> {
    sqlx::query("UPDATE meta SET value = value + 1 WHERE key = 'membership_version'")
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    Ok(())
}

async fn department_channel(
    tx: &mut Transaction<'static, Postgres>,
    department_id: &str,
) -> StoreResult<Option<String>> {
    sqlx::query_scalar("SELECT channel_id FROM departments WHERE id = $1")
        .bind(department_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_error)
}

async fn user_exists(tx: &mut Transaction<'static, Postgres>, user_id: &str) -> StoreResult<bool> {
    let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_error)?;
    Ok(found.is_some())
}

async fn insert_channel(
    tx: &mut Transaction<'static, Postgres>,
    channel: &NewChannel,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO channels (id, name, kind, department_id, topic, dm_key, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&channel.id)
    .bind(&channel.name)
    .bind(channel_kind_str(channel.kind))
    .bind(&channel.department_id)
    .bind(&channel.topic)
    .bind(&channel.dm_key)
    .bind(&channel.created_at)
    .execute(&mut **tx)
    .await
    .map_err(channel_insert_error)?;
    Ok(())
}

/// A channel insert that broke a uniqueness rule is a `Conflict`.
fn channel_insert_error(e: sqlx::Error) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::Conflict("channel")
    } else {
        db_error(e)
    }
}

async fn insert_members(
    tx: &mut Transaction<'static, Postgres>,
    channel_id: &str,
    member_ids: &[String],
    at: &str,
) -> StoreResult<()> {
    for user_id in member_ids {
        sqlx::query(
            "INSERT INTO channel_members (channel_id, user_id, last_read_seq, joined_at)
             VALUES ($1, $2, 0, $3) ON CONFLICT DO NOTHING",
        )
        .bind(channel_id)
        .bind(user_id)
        .bind(at)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

async fn insert_token_session(
    tx: &mut Transaction<'static, Postgres>,
    token: &NewTokenSession,
) -> StoreResult<()> {
    // Bot tokens live until revoked; `expires_at` is far enough away to mean "never".
    sqlx::query(
        "INSERT INTO sessions (id, user_id, created_at, expires_at, kind, token_hash, label)
         VALUES ($1, $2, $3, '9999-12-31T23:59:59.999Z', 'bot_token', $4, $5)",
    )
    .bind(&token.id)
    .bind(&token.user_id)
    .bind(&token.created_at)
    .bind(&token.token_hash)
    .bind(&token.label)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

async fn insert_refresh_token(
    tx: &mut Transaction<'static, Postgres>,
    hash: &str,
    session_id: &str,
    at: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(hash)
    .bind(session_id)
    .bind(at)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

async fn insert_ticket_history(
    tx: &mut Transaction<'static, Postgres>,
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

// --- row mapping ------------------------------------------------------------------------

// --- errors -----------------------------------------------------------------------------

/// SQLSTATE 23505, `unique_violation`.
fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.code().as_deref() == Some("23505"))
}

/// Whether a SQLSTATE means "try again later": connection exceptions (class 08), the server
/// shutting down or starting (57P01..57P03), a cancelled statement (57014, e.g. a
/// statement timeout), insufficient resources (class 53), and a serialization failure or
/// deadlock (40001, 40P01: the transaction was rolled back and may be retried).
fn is_unavailable_code(code: &str) -> bool {
    code.starts_with("08")
        || code.starts_with("53")
        || matches!(
            code,
            "57P01" | "57P02" | "57P03" | "57014" | "40001" | "40P01"
        )
}

/// Classifies a driver error: a busy or unreachable database is `Unavailable` (the client may
/// retry), anything else is `Internal`.
fn db_error(e: sqlx::Error) -> StoreError {
    let unavailable = match &e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(d) => d.code().is_some_and(|code| is_unavailable_code(&code)),
        _ => false,
    };
    if unavailable {
        StoreError::Unavailable(Box::new(e))
    } else {
        StoreError::Internal(Box::new(e))
    }
}

fn internal(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> StoreError {
    StoreError::Internal(e.into())
}

/// A role held through an advisory lock on `conn`.
struct AdvisoryLock {
    conn: sqlx::postgres::PgConnection,
}

#[async_trait]
impl Leadership for AdvisoryLock {
    async fn lost(&mut self) {
        // The lock lives as long as the connection: checking the connection checks the lock.
        loop {
            tokio::time::sleep(Duration::from_secs(2)).await;
            let alive = tokio::time::timeout(
                Duration::from_secs(5),
                sqlx::query("SELECT 1").execute(&mut self.conn),
            )
            .await;
            if !matches!(alive, Ok(Ok(_))) {
                return;
            }
        }
    }
}

super::rows::composed_rows!(PgRow);
