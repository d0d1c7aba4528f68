//! What a message carries beyond its own row, read next to the messages of a history page, an
//! events page, a thread or an edit: its reactions (written by `message_changes.rs`) and, on a
//! thread's root, the thread's summary (counted from the replies, never kept as counters).

use xerrada_protocol::{Reaction, THREAD_PARTICIPANTS_SHOWN};

use super::*;

/// Fills reactions, mentions, pins and thread summaries of `messages`, which may come from
/// several channels (a search page, the saved messages): one statement per decoration for the
/// whole page, never one per channel, so a page of twenty results in twenty channels costs five
/// statements, not a hundred.
pub(super) async fn decorate(
    conn: &mut DbConnection,
    mut messages: Vec<&mut Message>,
) -> StoreResult<()> {
    attach_thread_summaries(conn, &mut messages).await?;
    attach_mentions(conn, &mut messages).await?;
    attach_pins(conn, &mut messages).await?;
    attach(conn, messages).await
}

/// Keys of `messages` grouped by channel, each group sorted and without repeats.
fn by_channel<K: Ord>(
    messages: &[&mut Message],
    key: impl Fn(&Message) -> Option<K>,
) -> Vec<(String, Vec<K>)> {
    let mut groups: std::collections::BTreeMap<&str, Vec<K>> = Default::default();
    for message in messages {
        if let Some(k) = key(message) {
            groups.entry(&message.channel_id).or_default().push(k);
        }
    }
    groups
        .into_iter()
        .map(|(channel, mut keys)| {
            keys.sort_unstable();
            keys.dedup();
            (channel.to_owned(), keys)
        })
        .collect()
}

/// `groups` cut into statements of at most `MAX_BOUND_PER_STATEMENT` values (a channel id and
/// each of its keys count one).
fn statements<K: Clone>(groups: Vec<(String, Vec<K>)>) -> Vec<Vec<(String, Vec<K>)>> {
    let mut statements = Vec::new();
    let mut current: Vec<(String, Vec<K>)> = Vec::new();
    let mut bound = 0;
    for (channel, keys) in groups {
        for part in keys.chunks(MAX_BOUND_PER_STATEMENT - 1) {
            if bound + 1 + part.len() > MAX_BOUND_PER_STATEMENT {
                statements.push(std::mem::take(&mut current));
                bound = 0;
            }
            bound += 1 + part.len();
            current.push((channel.clone(), part.to_vec()));
        }
    }
    if !current.is_empty() {
        statements.push(current);
    }
    statements
}

/// The condition "`channel_column` and `key_column` are one of `groups`", with values numbered
/// from 1 by `dialect::param` in the order `bind` must give them: each channel, then its keys.
/// Each term is an index range per channel on both engines.
fn condition<K>(channel_column: &str, key_column: &str, groups: &[(String, Vec<K>)]) -> String {
    let mut next = 1;
    let terms: Vec<String> = groups
        .iter()
        .map(|(_, keys)| {
            let channel = dialect::param(next);
            let list = placeholders(next + 1, keys.len());
            next += 1 + keys.len();
            format!("({channel_column} = {channel} AND {key_column} IN ({list}))")
        })
        .collect();
    format!("({})", terms.join(" OR "))
}

/// `pinned` of `messages`.
async fn attach_pins(conn: &mut DbConnection, messages: &mut [&mut Message]) -> StoreResult<()> {
    let groups = by_channel(messages, |m| (!m.deleted).then(|| m.id.clone()));
    let mut pinned = std::collections::HashSet::new();
    for groups in statements(groups) {
        let sql = format!(
            "SELECT message_id FROM pins WHERE {}",
            condition("channel_id", "message_id", &groups)
        );
        let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
        for (channel, ids) in &groups {
            query = query.bind(channel);
            for id in ids {
                query = query.bind(id);
            }
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
    messages: &mut [&mut Message],
) -> StoreResult<()> {
    let groups = by_channel(messages, |m| (!m.deleted).then_some(m.seq));
    let mut by_message: HashMap<(String, i64), Vec<String>> = HashMap::new();
    for groups in statements(groups) {
        let sql = format!(
            "SELECT channel_id, seq, user_id FROM mentions WHERE {}
             ORDER BY channel_id, seq, user_id",
            condition("channel_id", "seq", &groups)
        );
        let mut query = sqlx::query_as::<_, (String, i64, String)>(sqlx::AssertSqlSafe(sql));
        for (channel, seqs) in &groups {
            query = query.bind(channel);
            for seq in seqs {
                query = query.bind(seq);
            }
        }
        for (channel, seq, user_id) in query.fetch_all(&mut *conn).await.map_err(db_error)? {
            by_message.entry((channel, seq)).or_default().push(user_id);
        }
    }
    for message in messages.iter_mut() {
        if let Some(users) = by_message.get(&(message.channel_id.clone(), message.seq)) {
            message.mentions = users.clone();
        }
    }
    Ok(())
}

/// `reply_count`, `last_reply_at` and `participant_ids` of the roots among `messages`.
async fn attach_thread_summaries(
    conn: &mut DbConnection,
    messages: &mut [&mut Message],
) -> StoreResult<()> {
    let groups = by_channel(messages, |m| m.thread_root.is_none().then_some(m.seq));
    let mut counts: HashMap<(String, i64), (i64, Option<String>)> = HashMap::new();
    let mut participants: HashMap<(String, i64), Vec<String>> = HashMap::new();
    for groups in statements(groups) {
        let roots = condition("channel_id", "thread_root", &groups);
        let sql = format!(
            "SELECT channel_id, thread_root, COUNT(*), MAX(created_at) FROM events
             WHERE {roots} AND kind = 'message' AND deleted = FALSE
             GROUP BY channel_id, thread_root"
        );
        let mut query =
            sqlx::query_as::<_, (String, i64, i64, Option<String>)>(sqlx::AssertSqlSafe(sql));
        for (channel, seqs) in &groups {
            query = query.bind(channel);
            for seq in seqs {
                query = query.bind(seq);
            }
        }
        let found = query.fetch_all(&mut *conn).await.map_err(db_error)?;
        if found.is_empty() {
            continue;
        }
        for (channel, root, count, last) in found {
            counts.insert((channel, root), (count, last));
        }
        let sql = format!(
            "SELECT channel_id, thread_root, actor_id, MIN(seq) AS first_seq FROM events
             WHERE {roots} AND kind = 'message' AND deleted = FALSE
             GROUP BY channel_id, thread_root, actor_id
             ORDER BY channel_id, thread_root, first_seq"
        );
        let mut query = sqlx::query_as::<_, (String, i64, String, i64)>(sqlx::AssertSqlSafe(sql));
        for (channel, seqs) in &groups {
            query = query.bind(channel);
            for seq in seqs {
                query = query.bind(seq);
            }
        }
        for (channel, root, author, _) in query.fetch_all(&mut *conn).await.map_err(db_error)? {
            let shown = participants.entry((channel, root)).or_default();
            if shown.len() < THREAD_PARTICIPANTS_SHOWN {
                shown.push(author);
            }
        }
    }
    for message in messages.iter_mut().filter(|m| m.thread_root.is_none()) {
        let key = (message.channel_id.clone(), message.seq);
        if let Some((count, last)) = counts.get(&key) {
            message.reply_count = u32::try_from(*count).unwrap_or(u32::MAX);
            message.last_reply_at = last.clone();
            message.participant_ids = participants.remove(&key).unwrap_or_default();
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
