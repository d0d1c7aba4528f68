//! The search index (see `store/search.rs`): kept by the batch in the transaction of each
//! post, edit and delete, and read with the dialect's text search.

use super::decorations::{DbConnection, decorate};
use super::*;
use crate::search;

/// Indexes `messages` (just inserted): their body and their files' names.
pub(super) async fn index(conn: &mut DbConnection, messages: &[&Message]) -> StoreResult<()> {
    if messages.is_empty() {
        return Ok(());
    }
    // SQLite has one writer, inside this transaction: the ids that follow the largest one are
    // free, so the words can go under them without reading the new rows back.
    let first_id = if dialect::SEARCH_WORDS_IN_DOCS {
        None
    } else {
        let largest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM search_docs")
            .fetch_one(&mut *conn)
            .await
            .map_err(db_error)?;
        Some(largest.unwrap_or(0) + 1)
    };
    let texts: Vec<String> = messages.iter().map(|m| text_of(m)).collect();
    // Six values a row: SQLite binds the id and five columns, PostgreSQL five columns and
    // the words (the id is its sequence's).
    const COLUMNS: usize = 6;
    for (chunk_start, chunk) in (0..messages.len())
        .step_by(MAX_BOUND_PER_STATEMENT / COLUMNS)
        .map(|start| {
            let end = (start + MAX_BOUND_PER_STATEMENT / COLUMNS).min(messages.len());
            (start, &messages[start..end])
        })
    {
        let rows = (0..chunk.len())
            .map(|i| {
                let p = |column: usize| dialect::param(i * COLUMNS + column);
                if dialect::SEARCH_WORDS_IN_DOCS {
                    format!(
                        "(DEFAULT, {}, {}, {}, {}, {}, to_tsvector('xerrada_search', {}))",
                        p(1),
                        p(2),
                        p(3),
                        p(4),
                        p(5),
                        p(6)
                    )
                } else {
                    format!(
                        "({}, {}, {}, {}, {}, {})",
                        p(1),
                        p(2),
                        p(3),
                        p(4),
                        p(5),
                        p(6)
                    )
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        let words_column = if dialect::SEARCH_WORDS_IN_DOCS {
            ", doc"
        } else {
            ""
        };
        let sql = format!(
            "INSERT INTO search_docs (id, channel_id, seq, author_id, created_at, has_file{words_column})
             VALUES {rows}"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (offset, message) in chunk.iter().enumerate() {
            if let Some(first) = first_id {
                query = query.bind(first + (chunk_start + offset) as i64);
            }
            query = query
                .bind(&message.channel_id)
                .bind(message.seq)
                .bind(&message.author_id)
                .bind(&message.created_at)
                .bind(!message.files.is_empty());
            // SQLite takes the words in a second statement.
            if dialect::SEARCH_WORDS_IN_DOCS {
                query = query.bind(texts[chunk_start + offset].as_str());
            }
        }
        query.execute(&mut *conn).await.map_err(db_error)?;
        if let Some(first) = first_id {
            let rows = (0..chunk.len())
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
            for offset in 0..chunk.len() {
                let at = chunk_start + offset;
                query = query.bind(first + at as i64).bind(texts[at].as_str());
            }
            query.execute(&mut *conn).await.map_err(db_error)?;
        }
    }
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
        let Some(first_width) = dialect::SEARCH_FIRST_WINDOW else {
            return self.search_once(filter).await;
        };
        let Some(newest) = self.newest_search_id().await? else {
            return Ok(Vec::new());
        };
        let wanted = filter.limit as usize;
        let top = newest + 1;
        let start = filter.below.map_or(top, |below| below.min(top));
        let mut hits = Vec::new();
        for (below, above) in search::id_windows(start, first_width) {
            let window = SearchFilter {
                below: Some(below),
                above: match (above, filter.above) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                },
                limit: (wanted - hits.len()) as u32,
                ..filter.clone()
            };
            hits.extend(self.search_once(&window).await?);
            if hits.len() >= wanted || above.is_none_or(|a| filter.above.is_some_and(|b| a <= b)) {
                break;
            }
        }
        Ok(hits)
    }

    async fn newest_search_id(&self) -> StoreResult<Option<i64>> {
        sqlx::query_scalar("SELECT MAX(id) FROM search_docs")
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }
}

impl DbStore {
    /// One statement: the newest matches of `filter`, at most its limit.
    async fn search_once(&self, filter: &SearchFilter) -> StoreResult<Vec<SearchHit>> {
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
        let words = expression.is_some();
        let id = dialect::search_id(words);
        if filter.below.is_some() {
            conditions.push(format!("{id} < {}", param()));
        }
        if filter.above.is_some() {
            conditions.push(format!("{id} > {}", param()));
        }
        let limit = param();
        // The page is chosen first and only its rows are joined with `events`: a phrase that
        // PostgreSQL's GIN index can only narrow down (the positions are rechecked on the
        // rows) could otherwise join thousands of candidates before keeping twenty.
        let sql = format!(
            "SELECT found.doc_id, e.* FROM (
                 SELECT {id} AS doc_id, d.channel_id, d.seq FROM {}
                 WHERE {} ORDER BY {id} DESC LIMIT {limit}
             ) found
             JOIN events e ON e.channel_id = found.channel_id AND e.seq = found.seq
             ORDER BY found.doc_id DESC",
            dialect::search_from(words),
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
        if let Some(above) = filter.above {
            query = query.bind(above);
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
        decorate(&mut conn, hits.iter_mut().map(|h| &mut h.message).collect()).await?;
        Ok(hits)
    }
}
