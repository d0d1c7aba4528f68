//! What a message carries beyond its own row, read next to the messages of a history page, an
//! events page, a thread or an edit: its reactions (written by `message_changes.rs`) and, on a
//! thread's root, the thread's summary (counted from the replies, never kept as counters).

use xerrada_protocol::{Reaction, THREAD_PARTICIPANTS_SHOWN};

use super::*;

/// Fills reactions and thread summaries of `messages`, all of `channel_id`.
pub(super) async fn decorate(
    conn: &mut DbConnection,
    channel_id: &str,
    mut messages: Vec<&mut Message>,
) -> StoreResult<()> {
    attach_thread_summaries(conn, channel_id, &mut messages).await?;
    attach_mentions(conn, channel_id, &mut messages).await?;
    attach_pins(conn, channel_id, &mut messages).await?;
    attach(conn, messages).await
}

/// `pinned` of `messages`.
async fn attach_pins(
    conn: &mut DbConnection,
    channel_id: &str,
    messages: &mut [&mut Message],
) -> StoreResult<()> {
    let mut ids: Vec<String> = messages
        .iter()
        .filter(|m| !m.deleted)
        .map(|m| m.id.clone())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut pinned = std::collections::HashSet::new();
    for chunk in ids.chunks(MAX_BOUND_PER_STATEMENT) {
        let sql = format!(
            "SELECT message_id FROM pins WHERE channel_id = {} AND message_id IN ({})",
            dialect::param(1),
            placeholders(2, chunk.len())
        );
        let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql)).bind(channel_id);
        for id in chunk {
            query = query.bind(id);
        }
        pinned.extend(query.fetch_all(&mut *conn).await.map_err(db_error)?);
    }
    for message in messages.iter_mut() {
        message.pinned = pinned.contains(&message.id);
    }
    Ok(())
}

/// `mentions` of `messages`, as resolved when each was posted or last edited.
async fn attach_mentions(
    conn: &mut DbConnection,
    channel_id: &str,
    messages: &mut [&mut Message],
) -> StoreResult<()> {
    let mut seqs: Vec<i64> = messages
        .iter()
        .filter(|m| !m.deleted)
        .map(|m| m.seq)
        .collect();
    seqs.sort_unstable();
    seqs.dedup();
    let mut by_seq: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in seqs.chunks(MAX_BOUND_PER_STATEMENT) {
        let sql = format!(
            "SELECT seq, user_id FROM mentions WHERE channel_id = {} AND seq IN ({})
             ORDER BY seq, user_id",
            dialect::param(1),
            placeholders(2, chunk.len())
        );
        let mut query =
            sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql)).bind(channel_id);
        for seq in chunk {
            query = query.bind(seq);
        }
        for (seq, user_id) in query.fetch_all(&mut *conn).await.map_err(db_error)? {
            by_seq.entry(seq).or_default().push(user_id);
        }
    }
    for message in messages.iter_mut() {
        if let Some(users) = by_seq.get(&message.seq) {
            message.mentions = users.clone();
        }
    }
    Ok(())
}

/// `reply_count`, `last_reply_at` and `participant_ids` of the roots among `messages`.
async fn attach_thread_summaries(
    conn: &mut DbConnection,
    channel_id: &str,
    messages: &mut [&mut Message],
) -> StoreResult<()> {
    let mut roots: Vec<i64> = messages
        .iter()
        .filter(|m| m.thread_root.is_none())
        .map(|m| m.seq)
        .collect();
    roots.sort_unstable();
    roots.dedup();
    let mut counts: HashMap<i64, (i64, Option<String>)> = HashMap::new();
    let mut participants: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in roots.chunks(MAX_BOUND_PER_STATEMENT) {
        // Generated statements number every value with `dialect::param`, never `$N`.
        let channel = dialect::param(1);
        let list = placeholders(2, chunk.len());
        let sql = format!(
            "SELECT thread_root, COUNT(*), MAX(created_at) FROM events
             WHERE channel_id = {channel} AND kind = 'message' AND deleted = FALSE
               AND thread_root IN ({list})
             GROUP BY thread_root"
        );
        let mut query = sqlx::query_as::<_, (i64, i64, Option<String>)>(sqlx::AssertSqlSafe(sql))
            .bind(channel_id);
        for root in chunk {
            query = query.bind(root);
        }
        for (root, count, last) in query.fetch_all(&mut *conn).await.map_err(db_error)? {
            counts.insert(root, (count, last));
        }
        if counts.is_empty() {
            continue;
        }
        let sql = format!(
            "SELECT thread_root, actor_id, MIN(seq) AS first_seq FROM events
             WHERE channel_id = {channel} AND kind = 'message' AND deleted = FALSE
               AND thread_root IN ({list})
             GROUP BY thread_root, actor_id ORDER BY thread_root, first_seq"
        );
        let mut query =
            sqlx::query_as::<_, (i64, String, i64)>(sqlx::AssertSqlSafe(sql)).bind(channel_id);
        for root in chunk {
            query = query.bind(root);
        }
        for (root, author, _) in query.fetch_all(&mut *conn).await.map_err(db_error)? {
            let shown = participants.entry(root).or_default();
            if shown.len() < THREAD_PARTICIPANTS_SHOWN {
                shown.push(author);
            }
        }
    }
    for message in messages.iter_mut().filter(|m| m.thread_root.is_none()) {
        if let Some((count, last)) = counts.get(&message.seq) {
            message.reply_count = u32::try_from(*count).unwrap_or(u32::MAX);
            message.last_reply_at = last.clone();
            message.participant_ids = participants.remove(&message.seq).unwrap_or_default();
        }
    }
    Ok(())
}

/// A connection of this backend: the pool's, or a write transaction's.
pub(super) type DbConnection = <Db as sqlx::Database>::Connection;

/// Fills the `reactions` of `messages` (one query per chunk of ids; none when no message can
/// have any). A message may appear more than once (an events page holds a message and its
/// updates): each copy gets them.
async fn attach(conn: &mut DbConnection, mut messages: Vec<&mut Message>) -> StoreResult<()> {
    let mut ids: Vec<String> = messages
        .iter()
        .filter(|m| !m.deleted)
        .map(|m| m.id.clone())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut by_message: HashMap<String, Vec<Reaction>> = HashMap::new();
    for chunk in ids.chunks(MAX_BOUND_PER_STATEMENT) {
        let sql = format!(
            "SELECT message_id, emoji, user_id FROM reactions WHERE message_id IN ({})
             ORDER BY created_at, user_id",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query_as::<_, (String, String, String)>(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(id);
        }
        for (message_id, emoji, user_id) in query.fetch_all(&mut *conn).await.map_err(db_error)? {
            let reactions = by_message.entry(message_id).or_default();
            match reactions.iter_mut().find(|r| r.emoji == emoji) {
                Some(reaction) => {
                    reaction.count += 1;
                    reaction.user_ids.push(user_id);
                }
                None => reactions.push(Reaction {
                    emoji,
                    count: 1,
                    user_ids: vec![user_id],
                }),
            }
        }
    }
    for message in messages.iter_mut() {
        if let Some(reactions) = by_message.get(&message.id) {
            message.reactions = reactions.clone();
        }
    }
    Ok(())
}
