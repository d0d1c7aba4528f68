//! The PostgreSQL backend, for installations where several server processes ("nodes") share
//! one database. The schema is `migrations/postgres/`, the final state of the SQLite migrations
//! in one step, with every TEXT column in the "C" collation so that sorting and comparing
//! strings (names, slugs, ISO timestamps) gives the same answers as SQLite's byte-wise BINARY
//! collation. The queries are the portable ones of `../sql/`; this module owns what differs on
//! purpose: the pool, how a write transaction starts, the row locks that let writers on
//! several nodes share channels, and leadership through an advisory lock.
//!
//! Write transactions run at READ COMMITTED (asked for explicitly, whatever the database's
//! default), so every statement sees what other transactions committed before it started, and a
//! row lock, once granted, hands over the row as last committed. How a batch locks its channels
//! so that `seq` stays gap-free with a writer on every node, and how a `client_msg_id` posted at
//! once through two nodes is stored once, is told in `sql/writes.rs`.
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};
use tokio::sync::Semaphore;

use super::search::concurrent_searches;
use super::{Leadership, StoreError, StoreResult};

/// The portable queries, compiled for PostgreSQL.
// Compiled once per backend on purpose: the same SQL against each driver's concrete types.
#[allow(clippy::duplicate_mod)]
#[path = "../sql/mod.rs"]
mod sql;

type Db = Postgres;
type DbStore = PostgresStore;

/// What PostgreSQL spells differently from SQLite (see `sql/mod.rs`).
mod dialect {
    use sqlx::Postgres;
    use sqlx::postgres::PgArguments;
    use sqlx::query::Query;

    use crate::store::columns::Column;

    /// Every node runs its own writer on the shared database.
    pub const CONCURRENT_WRITERS: bool = true;
    /// Locks the channel rows a batch reads until it commits (the lock an `UPDATE` of
    /// `last_seq` takes anyway, which does not block foreign-key checks of other inserts).
    pub const LOCK_FOR_WRITE: &str = " FOR NO KEY UPDATE";
    /// Locks the authors' lock keys bound as one `int8` column (sorted), until the
    /// transaction ends. The keys are in their own class (the two-key form), apart from every
    /// other advisory lock (1480676692 is "XAUT"); `UNNEST` yields them in the order bound, so
    /// they are taken in it.
    pub const LOCK_AUTHORS: &str = "SELECT pg_advisory_xact_lock(1480676692, CAST(key AS int4)) FROM UNNEST($1::int8[]) AS authors (key)";
    /// The rows bound by [`bind_columns`]: one array per column, unnested (see
    /// `store/columns.rs`).
    pub fn rows(columns: &[Column<'_>]) -> String {
        let arrays = columns
            .iter()
            .enumerate()
            .map(|(i, column)| format!("${}::{}", i + 1, column.pg_array_type()))
            .collect::<Vec<_>>()
            .join(", ");
        format!("SELECT * FROM UNNEST({arrays})")
    }
    /// Binds `columns` for [`rows`]: an array each.
    pub fn bind_columns<'q>(
        mut query: Query<'q, Postgres, PgArguments>,
        columns: &'q [Column<'q>],
    ) -> Query<'q, Postgres, PgArguments> {
        for column in columns {
            query = match column {
                Column::Text(values) => query.bind(values.as_slice()),
                Column::Int(values) => query.bind(values.as_slice()),
                Column::Bool(values) => query.bind(values.as_slice()),
            };
        }
        query
    }
    /// Rows per statement of a batch's inserts: an array takes any number.
    pub const fn rows_per_statement(_columns: usize) -> usize {
        usize::MAX
    }
    /// Not needed: PostgreSQL's search index is keyed by channel and `seq`.
    pub fn first_inserted_id(_result: &sqlx::postgres::PgQueryResult, _rows: u64) -> Option<i64> {
        None
    }
    /// The stored messages whose (author, key) pair is one of the rows bound by
    /// [`bind_columns`] (two text columns).
    pub fn events_with_keys(_count: usize) -> String {
        "SELECT * FROM events WHERE client_msg_id IS NOT NULL \
         AND (actor_id, client_msg_id) IN (SELECT * FROM UNNEST($1::text[], $2::text[]))"
            .to_owned()
    }
    /// Bound values per statement of the inserts still written as `VALUES` lists (at most
    /// 65,535); a batch's posts, their words and mentions go as arrays instead.
    pub const MAX_BOUND_PER_BATCH_INSERT: usize = 12_000;

    /// The words of a message are the `doc` column (a `tsvector`) of its `search_docs` row.
    pub const SEARCH_WORDS_IN_DOCS: bool = true;
    /// The GIN index gives every match of a word unordered, and a phrase's positions are
    /// rechecked on each row: a search walks the newest ids first, in widening windows, so a
    /// common word fills its page without gathering the whole history (see `sql/search.rs`).
    pub const SEARCH_FIRST_WINDOW: Option<i64> = Some(20_000);
    /// Searches run at once, per core of this node. The work is PostgreSQL's, which a second
    /// search per core did not speed up: it only slowed the posts' acks (docs/benchmarks.md,
    /// "Searching, fourth round").
    pub const SEARCHES_PER_CORE: usize = 1;
    /// A prefix stays a prefix: the GIN index finds its rows directly.
    pub const PREFIX_WORDS: Option<&str> = None;

    /// The rows a search reads (`d`, a `search_docs` row, holds the words too).
    pub fn search_from(_words: bool) -> &'static str {
        "search_docs d"
    }

    /// The id results are ordered and paged by.
    pub fn search_id(_words: bool) -> &'static str {
        "d.id"
    }

    /// The bytes the database takes.
    pub const DATABASE_BYTES: &str = "SELECT pg_database_size(current_database())";
    /// The largest id a search can find.
    pub const SEARCH_NEWEST_ID: &str = "SELECT MAX(id) FROM search_docs";
    /// The author of the message `d`.
    pub const SEARCH_AUTHOR: &str = "d.author_id";
    /// "The message `d` has files".
    pub const SEARCH_HAS_FILE: &str = "d.has_file = TRUE";
    /// `search_docs` holds only messages that can be found.
    pub const SEARCH_ONLY_MESSAGES: Option<&str> = None;

    /// The condition "the message `d` (a `search_docs` row) matches the query bound at
    /// `param`".
    pub fn search_match(param: &str) -> String {
        format!("d.doc @@ to_tsquery('xerrada_search', {param})")
    }

    /// The query terms as a `tsquery`: each word quoted (words hold only letters and digits),
    /// a phrase's words joined by `<->`, a prefix with `:*`; all of them required. The
    /// channels are a column of `search_docs`, filtered beside the words.
    pub fn search_expression(
        terms: &[crate::store::IndexTerm<'_>],
        _channel_ids: &[String],
    ) -> String {
        use crate::search::Term;
        use crate::store::IndexTerm;
        let quoted = |words: &[String]| words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>();
        terms
            .iter()
            .map(|term| match term {
                IndexTerm::Typed(Term::Phrase(words)) => {
                    format!("({})", quoted(words).join(" <-> "))
                }
                IndexTerm::Typed(Term::Prefix(words)) => {
                    format!("({}:*)", quoted(words).join(" <-> "))
                }
                IndexTerm::AnyOf(words) => format!("({})", quoted(words).join(" | ")),
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }
    /// Locks the rows of `alias` read in a write transaction until it commits.
    pub fn lock_rows_of(alias: &str) -> String {
        format!(" FOR UPDATE OF {alias}")
    }
    /// The placeholder of the `n`-th bound value in statements built for a batch.
    pub fn param(n: usize) -> String {
        format!("${n}")
    }
    /// Scalar maximum and minimum of two values.
    pub const GREATEST: &str = "GREATEST";
    pub const LEAST: &str = "LEAST";
    /// `POSITION(haystack, needle)`: the 1-based position of needle, 0 when absent.
    pub const POSITION: &str = "strpos";
}

/// Store backed by a PostgreSQL database, possibly shared by several nodes.
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
    /// A turn for each search that may run (see `sql/search.rs`).
    searches: Arc<Semaphore>,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:pass@host/db`) and applies
    /// migrations. A database that cannot be reached is reported within seconds.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url).map_err(internal)?;
        let searches = concurrent_searches(dialect::SEARCHES_PER_CORE);
        // Room for every search, the writer and the requests' own reads.
        let connections = u32::try_from(searches.saturating_add(2).max(8)).unwrap_or(u32::MAX);
        let pool = PgPoolOptions::new()
            .max_connections(connections)
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
        Ok(PostgresStore {
            pool,
            searches: Arc::new(Semaphore::new(searches)),
        })
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

    /// Takes `role` through a PostgreSQL advisory lock; `None` when another process holds it.
    async fn lead(&self, role: &str) -> StoreResult<Option<Box<dyn Leadership>>> {
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
    super::error_counts::counted(if unavailable {
        StoreError::Unavailable(Box::new(e))
    } else {
        StoreError::Internal(Box::new(e))
    })
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
