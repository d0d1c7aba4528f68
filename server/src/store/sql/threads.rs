//! Threads: a root and its replies, follows and thread read markers.
//!
//! Portable SQL, compiled once per backend (see `mod.rs`).

use xerrada_protocol::FollowedThread;

use super::decorations::{DbConnection, decorate};
use super::*;

/// A reply being posted, as its thread's follows need it.
pub(super) struct Reply<'a> {
    pub channel_id: &'a str,
    pub root_seq: i64,
    pub root_author: &'a str,
    pub replier: &'a str,
    pub seq: i64,
    pub mentioned: &'a [String],
}

/// Makes a reply's author follow its thread (read up to its own reply: replying means having
/// read it) and the people it mentions, and the root's author too unless it decided otherwise
/// before. Part of the batch that posts the reply.
pub(super) async fn follow_on_reply(
    tx: &mut Transaction<'static, Db>,
    reply: Reply<'_>,
) -> StoreResult<()> {
    let Reply {
        channel_id,
        root_seq,
        root_author,
        replier,
        seq: reply_seq,
        mentioned,
    } = reply;
    let sql = format!(
        "INSERT INTO thread_follows (user_id, channel_id, root_seq, following, last_read_seq)
         VALUES ($1, $2, $3, TRUE, $4)
         ON CONFLICT (user_id, channel_id, root_seq) DO UPDATE
         SET following = TRUE,
             last_read_seq = {greatest}(thread_follows.last_read_seq, excluded.last_read_seq)",
        greatest = dialect::GREATEST
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(replier)
        .bind(channel_id)
        .bind(root_seq)
        .bind(reply_seq)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    sqlx::query(
        "INSERT INTO thread_follows (user_id, channel_id, root_seq, following, last_read_seq)
         VALUES ($1, $2, $3, TRUE, 0)
         ON CONFLICT (user_id, channel_id, root_seq) DO NOTHING",
    )
    .bind(root_author)
    .bind(channel_id)
    .bind(root_seq)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    for user_id in mentioned {
        sqlx::query(
            "INSERT INTO thread_follows (user_id, channel_id, root_seq, following, last_read_seq)
             VALUES ($1, $2, $3, TRUE, 0)
             ON CONFLICT (user_id, channel_id, root_seq) DO UPDATE SET following = TRUE",
        )
        .bind(user_id)
        .bind(channel_id)
        .bind(root_seq)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

/// The root message at `root_seq`, if it is one (a message that is not a reply).
async fn root(
    conn: &mut DbConnection,
    channel_id: &str,
    root_seq: i64,
) -> StoreResult<Option<Message>> {
    let row = sqlx::query(
        "SELECT * FROM events WHERE channel_id = $1 AND seq = $2 AND kind = 'message'
           AND thread_root IS NULL",
    )
    .bind(channel_id)
    .bind(root_seq)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    row.as_ref().map(message_from_row).transpose()
}

#[async_trait]
impl ThreadStore for DbStore {
    async fn thread(
        &self,
        channel_id: &str,
        root_seq: i64,
        after: i64,
        limit: u32,
    ) -> StoreResult<Option<(Message, MessageSlice)>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        let Some(mut root) = root(&mut conn, channel_id, root_seq).await? else {
            return Ok(None);
        };
        let rows = sqlx::query(
            "SELECT * FROM events WHERE channel_id = $1 AND thread_root = $2 AND kind = 'message'
               AND seq > $3 ORDER BY seq LIMIT $4",
        )
        .bind(channel_id)
        .bind(root_seq)
        .bind(after)
        .bind(i64::from(limit) + 1)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        let has_more = rows.len() > limit as usize;
        let mut replies = rows
            .iter()
            .take(limit as usize)
            .map(message_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        let mut all: Vec<&mut Message> = replies.iter_mut().collect();
        all.push(&mut root);
        decorate(&mut conn, all).await?;
        Ok(Some((
            root,
            MessageSlice {
                messages: replies,
                has_more,
            },
        )))
    }

    async fn set_following(
        &self,
        user_id: &str,
        channel_id: &str,
        root_seq: i64,
        following: bool,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO thread_follows (user_id, channel_id, root_seq, following) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, channel_id, root_seq) DO UPDATE SET following = excluded.following",
        )
        .bind(user_id)
        .bind(channel_id)
        .bind(root_seq)
        .bind(following)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn mark_thread_read(
        &self,
        user_id: &str,
        channel_id: &str,
        root_seq: i64,
        seq: i64,
    ) -> StoreResult<i64> {
        let sql = format!(
            "INSERT INTO thread_follows (user_id, channel_id, root_seq, following, last_read_seq)
             VALUES ($1, $2, $3, FALSE, {least}($4, (SELECT last_seq FROM channels WHERE id = $2)))
             ON CONFLICT (user_id, channel_id, root_seq) DO UPDATE
             SET last_read_seq = {greatest}(thread_follows.last_read_seq, excluded.last_read_seq)
             RETURNING last_read_seq",
            least = dialect::LEAST,
            greatest = dialect::GREATEST,
        );
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(channel_id)
            .bind(root_seq)
            .bind(seq)
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn mark_thread_unread_from(
        &self,
        user_id: &str,
        channel_id: &str,
        root_seq: i64,
        seq: i64,
    ) -> StoreResult<i64> {
        let sql = format!(
            "INSERT INTO thread_follows (user_id, channel_id, root_seq, following, last_read_seq)
             VALUES ($1, $2, $3, TRUE,
                     {least}({greatest}($4 - 1, 0), (SELECT last_seq FROM channels WHERE id = $2)))
             ON CONFLICT (user_id, channel_id, root_seq) DO UPDATE
             SET following = TRUE, last_read_seq = excluded.last_read_seq
             RETURNING last_read_seq",
            least = dialect::LEAST,
            greatest = dialect::GREATEST,
        );
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(channel_id)
            .bind(root_seq)
            .bind(seq)
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn followed_threads(
        &self,
        user_id: &str,
        before: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<FollowedThread>> {
        let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT channel_id, root_seq, last_read_seq, unread FROM (
                SELECT f.channel_id, f.root_seq, f.last_read_seq,
                    (SELECT COUNT(*) FROM events r
                     WHERE r.channel_id = f.channel_id AND r.thread_root = f.root_seq
                       AND r.kind = 'message' AND r.deleted = FALSE
                       AND r.seq > f.last_read_seq AND r.actor_id <> f.user_id) AS unread,
                    (SELECT MAX(r.created_at) FROM events r
                     WHERE r.channel_id = f.channel_id AND r.thread_root = f.root_seq
                       AND r.kind = 'message') AS last_reply_at
                FROM thread_follows f
                JOIN channel_members m ON m.channel_id = f.channel_id AND m.user_id = f.user_id
                WHERE f.user_id = $1 AND f.following = TRUE
             ) t
             WHERE t.last_reply_at IS NOT NULL
               AND (CAST($2 AS TEXT) IS NULL OR t.last_reply_at < $2)
             ORDER BY t.last_reply_at DESC, t.channel_id, t.root_seq
             LIMIT $3",
        )
        .bind(user_id)
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        let mut threads = Vec::with_capacity(rows.len());
        for (channel_id, root_seq, last_read_seq, unread) in rows {
            let Some(root) = root(&mut conn, &channel_id, root_seq).await? else {
                continue;
            };
            threads.push(FollowedThread {
                channel_id,
                root,
                last_read_seq,
                unread_replies: u32::try_from(unread).unwrap_or(u32::MAX),
            });
        }
        decorate(&mut conn, threads.iter_mut().map(|t| &mut t.root).collect()).await?;
        Ok(threads)
    }
}
