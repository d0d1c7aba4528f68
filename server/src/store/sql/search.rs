//! The search index (see `store/search.rs`): kept by the batch in the transaction of each
//! post, edit and delete, and read with the dialect's text search.

use super::decorations::{DbConnection, decorate};
use super::*;
use crate::search::{self, Term};
use crate::store::IndexTerm;

/// A message to index, and the id of its `events` row when the caller knows it.
pub(super) struct Indexable<'a> {
    pub event_id: Option<i64>,
    pub message: &'a Message,
}

/// Indexes `messages` (just inserted): their body and their files' names.
pub(super) async fn index(conn: &mut DbConnection, messages: &[Indexable<'_>]) -> StoreResult<()> {
    if dialect::SEARCH_WORDS_IN_DOCS {
        index_in_docs(conn, messages).await
    } else {
        index_under_event_ids(conn, messages).await
    }
}

/// PostgreSQL: one `search_docs` row per message, the filters' columns and the words.
async fn index_in_docs(conn: &mut DbConnection, messages: &[Indexable<'_>]) -> StoreResult<()> {
    const COLUMNS: usize = 6;
    let messages: Vec<&Message> = messages.iter().map(|m| m.message).collect();
    for chunk in messages.chunks(dialect::rows_per_statement(COLUMNS)) {
        let texts: Vec<String> = chunk.iter().map(|m| text_of(m)).collect();
        let columns = [
            Column::Text(chunk.iter().map(|m| Some(m.channel_id.as_str())).collect()),
            Column::Int(chunk.iter().map(|m| Some(m.seq)).collect()),
            Column::Text(chunk.iter().map(|m| Some(m.author_id.as_str())).collect()),
            Column::Text(chunk.iter().map(|m| Some(m.created_at.as_str())).collect()),
            Column::Bool(chunk.iter().map(|m| !m.files.is_empty()).collect()),
            Column::Text(texts.iter().map(|t| Some(t.as_str())).collect()),
        ];
        let sql = format!(
            "INSERT INTO search_docs (channel_id, seq, author_id, created_at, has_file, doc)
             SELECT channel_id, seq, author_id, created_at, has_file, to_tsvector('xerrada_search', words)
             FROM ({}) AS posted (channel_id, seq, author_id, created_at, has_file, words)",
            dialect::rows(&columns)
        );
        dialect::bind_columns(sqlx::query(sqlx::AssertSqlSafe(sql)), &columns)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}

/// SQLite: the words only, in FTS5 under the `id` of the message's `events` row (the filters
/// read that row). One index entry per message is what keeps posting fast. A batch's posts
/// come with their ids; a row is looked up only for the others (an edit).
async fn index_under_event_ids(
    conn: &mut DbConnection,
    messages: &[Indexable<'_>],
) -> StoreResult<()> {
    let (known, unknown): (Vec<&Indexable>, Vec<&Indexable>) =
        messages.iter().partition(|m| m.event_id.is_some());
    for chunk in known.chunks(dialect::rows_per_statement(3)) {
        let texts: Vec<String> = chunk.iter().map(|m| text_of(m.message)).collect();
        let channels: Vec<String> = chunk
            .iter()
            .map(|m| search::channel_token(&m.message.channel_id))
            .collect();
        let columns = [
            Column::Int(chunk.iter().map(|m| m.event_id).collect()),
            Column::Text(texts.iter().map(|t| Some(t.as_str())).collect()),
            Column::Text(channels.iter().map(|c| Some(c.as_str())).collect()),
        ];
        let sql = format!(
            "INSERT INTO search_text (rowid, text, channel) {}",
            dialect::rows(&columns)
        );
        dialect::bind_columns(sqlx::query(sqlx::AssertSqlSafe(sql)), &columns)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    let unknown: Vec<&Message> = unknown.iter().map(|m| m.message).collect();
    const COLUMNS: usize = 4;
    for chunk in unknown.chunks(MAX_BOUND_PER_BATCH_INSERT / COLUMNS) {
        let rows = (0..chunk.len())
            .map(|i| {
                let p = |column: usize| dialect::param(i * COLUMNS + column);
                format!(
                    "((SELECT id FROM events WHERE channel_id = {} AND seq = {}), {}, {})",
                    p(1),
                    p(2),
                    p(3),
                    p(4)
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO search_text (rowid, text, channel) VALUES {rows}");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for message in chunk {
            query = query
                .bind(&message.channel_id)
                .bind(message.seq)
                .bind(text_of(message))
                .bind(search::channel_token(&message.channel_id));
        }
        query.execute(&mut *conn).await.map_err(db_error)?;
    }
    Ok(())
}

/// Indexes an edited message's new words in place of its old ones, under the same id, so
/// that it keeps its place among the results (newest first is by posting, not by editing).
pub(super) async fn index_edited(conn: &mut DbConnection, message: &Message) -> StoreResult<()> {
    if dialect::SEARCH_WORDS_IN_DOCS {
        sqlx::query(
            "UPDATE search_docs SET doc = to_tsvector('xerrada_search', $3)
             WHERE channel_id = $1 AND seq = $2",
        )
        .bind(&message.channel_id)
        .bind(message.seq)
        .bind(text_of(message))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
        return Ok(());
    }
    unindex(conn, &message.channel_id, message.seq).await?;
    let edited = Indexable {
        event_id: None,
        message,
    };
    index_under_event_ids(conn, &[edited]).await
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
    let sql = if dialect::SEARCH_WORDS_IN_DOCS {
        "DELETE FROM search_docs WHERE channel_id = $1 AND seq = $2"
    } else {
        "DELETE FROM search_text WHERE rowid =
             (SELECT id FROM events WHERE channel_id = $1 AND seq = $2)"
    };
    sqlx::query(sql)
        .bind(channel_id)
        .bind(seq)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Messages indexed again per transaction when the whole index is rebuilt.
#[allow(
    dead_code,
    reason = "SQLite only: PostgreSQL's migrations build its index in SQL"
)]
const REINDEX_PAGE: i64 = 2_000;

#[allow(
    dead_code,
    reason = "SQLite only: PostgreSQL's migrations build its index in SQL"
)]
impl DbStore {
    /// Rebuilds SQLite's index from every message when a migration asked for it (the
    /// `search_reindex` key in `meta`): the words are made here, by `search::index_text`,
    /// which SQL cannot repeat. Each page is its own transaction, so a large history never
    /// holds the write lock for long; the key goes with the last page, and a restart midway
    /// starts again. Answers how many messages were indexed.
    pub(crate) async fn reindex_search_if_asked(&self) -> StoreResult<u64> {
        if dialect::SEARCH_WORDS_IN_DOCS {
            return Ok(0);
        }
        let asked: Option<i64> =
            sqlx::query_scalar("SELECT value FROM meta WHERE key = 'search_reindex'")
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        if asked.is_none() {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO search_text (search_text) VALUES ('delete-all')")
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let mut after = 0i64;
        let mut indexed = 0u64;
        loop {
            let rows = sqlx::query(
                "SELECT * FROM events WHERE kind = 'message' AND deleted = 0 AND id > $1
                 ORDER BY id LIMIT $2",
            )
            .bind(after)
            .bind(REINDEX_PAGE)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
            let messages = rows
                .iter()
                .map(|row| Ok((row.try_get("id").map_err(db_error)?, message_from_row(row)?)))
                .collect::<StoreResult<Vec<(i64, Message)>>>()?;
            let indexable: Vec<Indexable> = messages
                .iter()
                .map(|(id, message)| Indexable {
                    event_id: Some(*id),
                    message,
                })
                .collect();
            index_under_event_ids(&mut tx, &indexable).await?;
            if let Some((last, _)) = messages.last() {
                after = *last;
            }
            indexed += messages.len() as u64;
            let done = (rows.len() as i64) < REINDEX_PAGE;
            if done {
                sqlx::query("DELETE FROM meta WHERE key = 'search_reindex'")
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
            }
            tx.commit().await.map_err(db_error)?;
            if done {
                return Ok(indexed);
            }
            tx = self.begin_write().await?;
        }
    }
}

#[async_trait]
impl SearchStore for DbStore {
    async fn search(&self, filter: &SearchFilter) -> StoreResult<Vec<SearchHit>> {
        // The store's semaphore is never closed.
        let _turn = self.searches.acquire().await.map_err(internal)?;
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
        sqlx::query_scalar(dialect::SEARCH_NEWEST_ID)
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }
}

impl DbStore {
    /// The newest matches of `filter`, at most its limit, decorated. One statement, after
    /// one more that spells prefixes out where the dialect can (both in one snapshot, so that
    /// a word first posted in between is not missed).
    async fn search_once(&self, filter: &SearchFilter) -> StoreResult<Vec<SearchHit>> {
        if filter.channel_ids.is_empty() || filter.limit == 0 {
            return Ok(Vec::new());
        }
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        let mut hits = match dialect::PREFIX_WORDS {
            Some(sql) if filter.terms.iter().any(|t| spellable_prefix(t).is_some()) => {
                let mut tx = sqlx::Connection::begin(&mut *conn)
                    .await
                    .map_err(db_error)?;
                let mut terms = Vec::with_capacity(filter.terms.len());
                for term in &filter.terms {
                    terms.push(spell_out(&mut tx, sql, term).await?);
                }
                let hits = matching(&mut tx, filter, &terms).await?;
                tx.commit().await.map_err(db_error)?;
                hits
            }
            _ => {
                let terms: Vec<IndexTerm> = filter.terms.iter().map(IndexTerm::Typed).collect();
                matching(&mut conn, filter, &terms).await?
            }
        };
        decorate(&mut conn, hits.iter_mut().map(|h| &mut h.message).collect()).await?;
        Ok(hits)
    }
}

/// At most this many words stand for a prefix; a prefix that starts more is left to the
/// index's own prefix search (an OR of hundreds of words would read every list too).
const MAX_PREFIX_WORDS: i64 = 64;

/// The prefix of `term` when it can be spelled out: one word, of ASCII letters and digits
/// (folded alike by this server and the index; other scripts are left to the index).
fn spellable_prefix(term: &Term) -> Option<&str> {
    match term {
        Term::Prefix(words) if words.len() == 1 => {
            let prefix = words[0].as_str();
            (!prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_alphanumeric()))
                .then_some(prefix)
        }
        _ => None,
    }
}

/// `term` as the index is asked for it: a spellable prefix as the words of the index that
/// start with it, when there are at least one and at most [`MAX_PREFIX_WORDS`].
async fn spell_out<'a>(
    conn: &mut DbConnection,
    sql: &'static str,
    term: &'a Term,
) -> StoreResult<IndexTerm<'a>> {
    let Some(prefix) = spellable_prefix(term) else {
        return Ok(IndexTerm::Typed(term));
    };
    let mut above = prefix.as_bytes().to_vec();
    if let Some(last) = above.last_mut() {
        *last += 1;
    }
    // ASCII letters and digits plus one are still ASCII.
    let above = String::from_utf8(above).map_err(internal)?;
    let words: Vec<String> = sqlx::query_scalar(sql)
        .bind(prefix)
        .bind(above)
        .bind(MAX_PREFIX_WORDS + 1)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
    if words.is_empty() || words.len() as i64 > MAX_PREFIX_WORDS {
        return Ok(IndexTerm::Typed(term));
    }
    Ok(IndexTerm::AnyOf(words))
}

/// One statement: the newest matches of `filter` for `terms`, at most its limit.
async fn matching(
    conn: &mut DbConnection,
    filter: &SearchFilter,
    terms: &[IndexTerm<'_>],
) -> StoreResult<Vec<SearchHit>> {
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
    conditions.extend(dialect::SEARCH_ONLY_MESSAGES.map(String::from));
    let expression =
        (!terms.is_empty()).then(|| dialect::search_expression(terms, &filter.channel_ids));
    if expression.is_some() {
        conditions.push(dialect::search_match(&param()));
    }
    if filter.author_id.is_some() {
        conditions.push(format!("{} = {}", dialect::SEARCH_AUTHOR, param()));
    }
    if filter.has_file {
        conditions.push(dialect::SEARCH_HAS_FILE.into());
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
    let rows = query.fetch_all(&mut *conn).await.map_err(db_error)?;
    rows.iter()
        .map(|row| {
            Ok(SearchHit {
                doc_id: row.try_get("doc_id").map_err(db_error)?,
                message: message_from_row(row)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()
}
