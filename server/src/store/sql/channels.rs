//! Departments, channels and memberships.
//!
//! Portable SQL, compiled once per backend (see `mod.rs`).

use super::*;

/// The caller's view of channels: `$1` is the caller's user id.
const CHANNEL_VIEW_SELECT: &str =
    "SELECT c.id, c.name, c.kind, c.department_id, c.topic, c.last_seq, c.dm_key, c.created_by,
        c.purpose, c.archived_at IS NOT NULL AS archived,
        (SELECT COUNT(*) FROM channel_members m2 WHERE m2.channel_id = c.id) AS member_count,
        m.user_id IS NOT NULL AS joined,
        COALESCE(m.last_read_seq, 0) AS last_read_seq,
        COALESCE(m.muted, FALSE) AS muted,
        CASE WHEN m.user_id IS NULL THEN 0 ELSE
            (SELECT COUNT(*) FROM events e WHERE e.channel_id = c.id AND e.seq > m.last_read_seq
                AND e.kind = 'message' AND e.deleted = FALSE AND e.actor_id <> $1)
        END AS unread,
        CASE WHEN m.user_id IS NULL THEN 0 ELSE
            (SELECT COUNT(*) FROM mentions x WHERE x.user_id = $1 AND x.channel_id = c.id
                AND x.seq > m.last_read_seq)
        END AS mention_count
     FROM channels c LEFT JOIN channel_members m ON m.channel_id = c.id AND m.user_id = $1";

impl DbStore {
    /// The department `sql` finds with `value` bound as `$1`.
    async fn one_department(
        &self,
        sql: &'static str,
        value: &str,
    ) -> StoreResult<Option<Department>> {
        let row = sqlx::query(sql)
            .bind(value)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(from_row::<DepartmentRow, _>).transpose()
    }

    /// Channels with their members: all of them, or only `only`.
    async fn members_of(&self, which: MembersOf<'_>) -> StoreResult<Vec<ChannelMembers>> {
        let condition = match which {
            MembersOf::All => "TRUE",
            MembersOf::Channel(_) => "c.id = $1",
            MembersOf::ChangedSince(_) => "c.members_version > $1",
        };
        let sql = format!(
            "SELECT c.id, c.kind, c.department_id, m.user_id, c.archived_at IS NOT NULL AS archived,
                    EXISTS (SELECT 1 FROM departments d WHERE d.channel_id = c.id) AS follows_department
             FROM channels c LEFT JOIN channel_members m ON m.channel_id = c.id
             WHERE {condition}
             ORDER BY c.id, m.user_id"
        );
        let query = sqlx::query(sqlx::AssertSqlSafe(sql));
        let query = match which {
            MembersOf::All => query,
            MembersOf::Channel(id) => query.bind(id),
            MembersOf::ChangedSince(version) => query.bind(version),
        };
        let rows = query.fetch_all(&self.pool).await.map_err(db_error)?;
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
                    archived: row.try_get("archived").map_err(db_error)?,
                });
            }
            if let (Some(member), Some(channel)) = (member, out.last_mut()) {
                channel.member_ids.push(member);
            }
        }
        Ok(out)
    }
}

/// Which channels [`DbStore::members_of`] reads.
#[derive(Clone, Copy)]
enum MembersOf<'a> {
    All,
    Channel(&'a str),
    ChangedSince(i64),
}

#[async_trait]
impl ChannelStore for DbStore {
    async fn create_department(&self, dept: Department, channel: NewChannel) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        insert_channel(&mut tx, &channel).await?;
        bump_membership_version(&mut tx, &[channel.id.as_str()]).await?;
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
        let sql = "SELECT id, slug, name, channel_id FROM departments WHERE id = $1";
        self.one_department(sql, id).await
    }

    async fn department_by_slug(&self, slug: &str) -> StoreResult<Option<Department>> {
        let sql = "SELECT id, slug, name, channel_id FROM departments WHERE slug = $1";
        self.one_department(sql, slug).await
    }

    async fn create_channel(&self, channel: NewChannel, member_ids: &[String]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        insert_channel(&mut tx, &channel).await?;
        bump_membership_version(&mut tx, &[channel.id.as_str()]).await?;
        insert_members(&mut tx, &channel.id, member_ids, &channel.created_at).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn find_or_create_dm(
        &self,
        channel: NewChannel,
        member_ids: &[String],
    ) -> StoreResult<(String, bool)> {
        let mut tx = self.begin_write().await?;
        if !insert_channel(&mut tx, &channel).await? {
            // The direct channel of these members exists (or another process just made it).
            let id: String = sqlx::query_scalar("SELECT id FROM channels WHERE dm_key = $1")
                .bind(&channel.dm_key)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_error)?;
            return Ok((id, false));
        }
        insert_members(&mut tx, &channel.id, member_ids, &channel.created_at).await?;
        bump_membership_version(&mut tx, &[channel.id.as_str()]).await?;
        tx.commit().await.map_err(db_error)?;
        Ok((channel.id, true))
    }

    async fn channel_by_id(&self, id: &str) -> StoreResult<Option<ChannelRecord>> {
        let row = sqlx::query(
            "SELECT c.id, c.name, c.kind, c.department_id, c.topic, c.last_seq, c.dm_key, c.created_by,
        c.purpose, c.archived_at IS NOT NULL AS archived,
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

    async fn all_channels(&self, user_id: &str) -> StoreResult<Vec<ChannelView>> {
        let sql = format!("{CHANNEL_VIEW_SELECT} WHERE c.kind <> 'direct' ORDER BY c.name, c.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(channel_view_from_row).collect()
    }

    async fn rename_department(&self, id: &str, name: &str) -> StoreResult<Option<Department>> {
        let done = sqlx::query("UPDATE departments SET name = $2 WHERE id = $1")
            .bind(id)
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        self.department_by_id(id).await
    }

    async fn all_channel_members(&self) -> StoreResult<Vec<ChannelMembers>> {
        self.members_of(MembersOf::All).await
    }

    async fn channel_members(&self, channel_id: &str) -> StoreResult<Option<ChannelMembers>> {
        Ok(self.members_of(MembersOf::Channel(channel_id)).await?.pop())
    }

    async fn channel_members_changed_since(
        &self,
        version: i64,
    ) -> StoreResult<Vec<ChannelMembers>> {
        self.members_of(MembersOf::ChangedSince(version)).await
    }

    async fn set_muted(&self, channel_id: &str, user_id: &str, muted: bool) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE channel_members SET muted = $3 WHERE channel_id = $1 AND user_id = $2",
        )
        .bind(channel_id)
        .bind(user_id)
        .bind(muted)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
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
}

async fn insert_channel(
    tx: &mut Transaction<'static, Db>,
    channel: &NewChannel,
) -> StoreResult<bool> {
    // Only direct channels have a `dm_key`, and NULLs never conflict: any other conflict (a
    // taken name) is an error. A direct channel another process committed meanwhile makes the
    // insert wait for it, then do nothing.
    let inserted: Option<String> = sqlx::query_scalar(
        "INSERT INTO channels (id, name, kind, department_id, topic, dm_key, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (dm_key) DO NOTHING RETURNING id",
    )
    .bind(&channel.id)
    .bind(&channel.name)
    .bind(channel_kind_str(channel.kind))
    .bind(&channel.department_id)
    .bind(&channel.topic)
    .bind(&channel.dm_key)
    .bind(&channel.created_at)
    .bind(&channel.created_by)
    .fetch_optional(&mut **tx)
    .await
    .map_err(channel_insert_error)?;
    Ok(inserted.is_some())
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
    tx: &mut Transaction<'static, Db>,
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
