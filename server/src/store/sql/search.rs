//! The search index (see `store/search.rs`): kept by the batch in the transaction of each
//! post, edit and delete, and read with the dialect's text search.

use super::decorations::{DbConnection, decorate};
use super::*;
use crate::search;

/// Indexes `messages` (just inserted): their body and their files' names.
pub(super) async fn index(conn: &mut DbConnection, messages: &[&Message]) -> StoreResult<()> {
    const COLUMNS: usize = 6;
    for chunk in messages.chunks(MAX_BOUND_PER_STATEMENT / COLUMNS) {
        let rows = (0..chunk.len())
            .map(|i| {
                let p = |column: usize| dialect::param(i * COLUMNS + column);
                let words = if dialect::SEARCH_WORDS_IN_DOCS {
                    format!(", to_tsvector('xerrada_search', {})", p(6))
                } else {
                    String::new()
                };
                format!("({}, {}, {}, {}, {}{words})", p(1), p(2), p(3), p(4), p(5))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let words_column = if dialect::SEARCH_WORDS_IN_DOCS {
            ", doc"
        } else {
            ""
        };
        let sql = format!(
            "INSERT INTO search_docs (channel_id, seq, author_id, created_at, has_file{words_column})
             VALUES {rows} RETURNING id, channel_id, seq"
        );
        let mut query = sqlx::query_as::<_, (i64, String, i64)>(sqlx::AssertSqlSafe(sql));
        let texts: Vec<String> = chunk.iter().map(|m| text_of(m)).collect();
        for (message, text) in chunk.iter().zip(&texts) {
            query = query
                .bind(&message.channel_id)
                .bind(message.seq)
                .bind(&message.author_id)
                .bind(&message.created_at)
                .bind(!message.files.is_empty());
            // SQLite takes the words in a second statement.
            if dialect::SEARCH_WORDS_IN_DOCS {
                query = query.bind(text.as_str());
            }
        }
        let ids = query.fetch_all(&mut *conn).await.map_err(db_error)?;
        if !dialect::SEARCH_WORDS_IN_DOCS {
            insert_words(conn, chunk, &texts, &ids).await?;
        }
    }
    Ok(())
}

/// SQLite: the words of each new `search_docs` row into FTS5, under its id.
async fn insert_words(
    conn: &mut DbConnection,
    messages: &[&Message],
    texts: &[String],
    ids: &[(i64, String, i64)],
) -> StoreResult<()> {
    let rows = (0..ids.len())
        .map(|i| {
            format!(
                "({}, {})",
                dialect::param(2 * i + 1),
                dialect::param(2 * i + 2)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("INSERT INTO search_text (rowid, text) VALUES {rows}");
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (id, channel_id, seq) in ids {
        let text = messages
            .iter()
            .zip(texts)
            .find(|(m, _)| &m.channel_id == channel_id && m.seq == *seq)
            .map(|(_, text)| text.as_str())
            .ok_or_else(|| internal("a search row without its message"))?;
        query = query.bind(*id).bind(text);
    }
    query.execute(&mut *conn).await.map_err(db_error)?;
    Ok(())
}

fn text_of(message: &Message) -> String {
    let names: Vec<&str> = message.files.iter().map(|f| f.name.as_str()).collect();
    search::index_text(&message.body, &names)
}

/// Takes the message at `seq` of `channel_id` out of the index (deleted, or about to be
/// indexed again after an edit).
pub(super) async fn unindex(
    conn: &mut DbConnection,
    channel_id: &str,
    seq: i64,
) -> StoreResult<()> {
    if !dialect::SEARCH_WORDS_IN_DOCS {
        sqlx::query(
            "DELETE FROM search_text WHERE rowid =
                 (SELECT id FROM search_docs WHERE channel_id = $1 AND seq = $2)",
        )
        .bind(channel_id)
        .bind(seq)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    sqlx::query("DELETE FROM search_docs WHERE channel_id = $1 AND seq = $2")
        .bind(channel_id)
        .bind(seq)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

#[async_trait]
impl SearchStore for DbStore {
    async fn search(&self, filter: &SearchFilter) -> StoreResult<Vec<SearchHit>> {
        if filter.channel_ids.is_empty() || filter.limit == 0 {
            return Ok(Vec::new());
        }
        // Generated statements number every value with `dialect::param`, never `$N`.
        let mut next = 0;
        let mut param = || {
            next += 1;
            dialect::param(next)
        };
        let channels = (0..filter.channel_ids.len())
            .map(|_| param())
            .collect::<Vec<_>>()
            .join(", ");
        let mut conditions = vec![format!("d.channel_id IN ({channels})")];
        let expression =
            (!filter.terms.is_empty()).then(|| dialect::search_expression(&filter.terms));
        if expression.is_some() {
            conditions.push(dialect::search_match(&param()));
        }
        if filter.author_id.is_some() {
            conditions.push(format!("d.author_id = {}", param()));
        }
        if filter.has_file {
            conditions.push("d.has_file = TRUE".into());
        }
        if filter.before.is_some() {
            conditions.push(format!("d.created_at < {}", param()));
        }
        if filter.after.is_some() {
            conditions.push(format!("d.created_at >= {}", param()));
        }
        if filter.below.is_some() {
            conditions.push(format!("d.id < {}", param()));
        }
        let limit = param();
        let sql = format!(
            "SELECT d.id AS doc_id, e.* FROM search_docs d
             JOIN events e ON e.channel_id = d.channel_id AND e.seq = d.seq
             WHERE {} ORDER BY d.id DESC LIMIT {limit}",
            conditions.join(" AND ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in &filter.channel_ids {
            query = query.bind(id);
        }
        if let Some(expression) = &expression {
            query = query.bind(expression);
        }
        if let Some(author) = &filter.author_id {
            query = query.bind(author);
        }
        if let Some(before) = &filter.before {
            query = query.bind(before);
        }
        if let Some(after) = &filter.after {
            query = query.bind(after);
        }
        if let Some(below) = filter.below {
            query = query.bind(below);
        }
        query = query.bind(i64::from(filter.limit));
        let rows = query.fetch_all(&self.pool).await.map_err(db_error)?;
        let mut hits = rows
            .iter()
            .map(|row| {
                Ok(SearchHit {
                    doc_id: row.try_get("doc_id").map_err(db_error)?,
                    message: message_from_row(row)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        let mut channels: Vec<String> = hits.iter().map(|h| h.message.channel_id.clone()).collect();
        channels.sort_unstable();
        channels.dedup();
        for channel in channels {
            let messages = hits
                .iter_mut()
                .filter(|h| h.message.channel_id == channel)
                .map(|h| &mut h.message)
                .collect();
            decorate(&mut conn, &channel, messages).await?;
        }
        Ok(hits)
    }
}
