//! Reactions as messages carry them (`Message.reactions`), read next to the messages of a
//! history page, an events page or an edit. They are written by `message_changes.rs`.

use xerrada_protocol::Reaction;

use super::*;

/// A connection of this backend: the pool's, or a write transaction's.
pub(super) type DbConnection = <Db as sqlx::Database>::Connection;

/// Fills the `reactions` of `messages` (one query per chunk of ids; none when no message can
/// have any). A message may appear more than once (an events page holds a message and its
/// updates): each copy gets them.
pub(super) async fn attach(
    conn: &mut DbConnection,
    mut messages: Vec<&mut Message>,
) -> StoreResult<()> {
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
