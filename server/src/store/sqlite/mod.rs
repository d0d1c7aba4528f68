//! The SQLite backend: the default, embedded in the binary, one file in the data dir.
//!
//! Durability comes from WAL with `synchronous=FULL` (checked at start, because sqlx does not
//! guarantee the journal mode): a committed transaction survives power loss. Write transactions
//! start with `BEGIN IMMEDIATE` so that two connections never deadlock upgrading a read lock;
//! `busy_timeout` makes the loser wait instead of failing.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use tokio::sync::Semaphore;

use super::search::concurrent_searches;
use super::{Leadership, StoreError, StoreResult};

/// The portable queries, compiled for SQLite.
// Compiled once per backend on purpose: the same SQL against each driver's concrete types.
#[allow(clippy::duplicate_mod)]
#[path = "../sql/mod.rs"]
mod sql;

type Db = Sqlite;
type DbStore = SqliteStore;

/// What SQLite spells differently from PostgreSQL (see `sql/mod.rs`).
mod dialect {
    use sqlx::Sqlite;
    use sqlx::query::Query;
    use sqlx::sqlite::SqliteArguments;

    use crate::store::columns::{Column, row_count};

    /// Only one writer at a time: the write transaction starts with `BEGIN IMMEDIATE`, which
    /// takes the database's write lock (an admin command's writer waits for it too).
    pub const CONCURRENT_WRITERS: bool = false;
    /// Rows need no lock of their own: the write transaction holds the whole database.
    pub const LOCK_FOR_WRITE: &str = "";
    /// Bound values per statement of a batch's inserts. Statements are a cheap hop to
    /// SQLite's thread, but each size of a batched insert is compiled and cached apart: kept
    /// small, the sizes stay few.
    pub const MAX_BOUND_PER_BATCH_INSERT: usize = 900;
    /// Never run: one writer needs no author locks.
    pub const LOCK_AUTHORS: &str = "";
    /// The rows bound by [`bind_columns`], as a `VALUES` list (see `store/columns.rs`).
    pub fn rows(columns: &[Column<'_>]) -> String {
        let row = format!("({})", vec!["?"; columns.len()].join(", "));
        format!("VALUES {}", vec![row; row_count(columns)].join(", "))
    }
    /// Binds `columns` for [`rows`]: row after row.
    pub fn bind_columns<'q>(
        mut query: Query<'q, Sqlite, SqliteArguments>,
        columns: &'q [Column<'q>],
    ) -> Query<'q, Sqlite, SqliteArguments> {
        for row in 0..row_count(columns) {
            for column in columns {
                query = match column {
                    Column::Text(values) => query.bind(values[row]),
                    Column::Int(values) => query.bind(values[row]),
                    Column::Bool(values) => query.bind(values[row]),
                };
            }
        }
        query
    }
    /// Rows per statement of a batch's inserts, for `columns` values a row.
    pub const fn rows_per_statement(columns: usize) -> usize {
        MAX_BOUND_PER_BATCH_INSERT / columns
    }
    /// The id of the first `events` row that an insert of `rows` rows wrote. Rows inserted
    /// without an id take the next ones in order (`id INTEGER PRIMARY KEY`, and the write
    /// transaction holds the whole database), so the last one's id tells them all. The
    /// caller checks the first against the table.
    pub fn first_inserted_id(result: &sqlx::sqlite::SqliteQueryResult, rows: u64) -> Option<i64> {
        i64::try_from(rows)
            .ok()
            .map(|rows| result.last_insert_rowid() - rows + 1)
    }
    /// The stored messages whose (author, key) pair is one of the `count` rows bound by
    /// [`bind_columns`] (two text columns): `(a = ? AND b = ?) OR ...` uses the
    /// (actor_id, client_msg_id) index for each term.
    pub fn events_with_keys(count: usize) -> String {
        let terms = vec!["(actor_id = ? AND client_msg_id = ?)"; count].join(" OR ");
        format!("SELECT * FROM events WHERE {terms}")
    }
    /// The locking clause for the rows of `alias` read in a write transaction: none needed.
    pub fn lock_rows_of(_alias: &str) -> String {
        String::new()
    }
    /// The placeholder of the `n`-th bound value in statements built for a batch, whose values
    /// are bound in the order they appear. Anonymous: SQLite finds a numbered or named
    /// parameter by a linear search while preparing, which is quadratic in a statement with
    /// hundreds of them (and a batch's statements are prepared often: their text varies with
    /// the batch's size). Hand-written statements use `$N`.
    pub fn param(_n: usize) -> String {
        "?".to_owned()
    }
    /// Scalar maximum and minimum of two values.
    pub const GREATEST: &str = "max";
    pub const LEAST: &str = "min";
    /// `POSITION(haystack, needle)`: the 1-based byte position of needle, 0 when absent.
    pub const POSITION: &str = "instr";

    /// The words of a message are in FTS5's `search_text`, under the `id` of its `events`
    /// row; the filters read that row.
    pub const SEARCH_WORDS_IN_DOCS: bool = false;
    /// Up to this many channels, a search finds them in the index (FTS5 intersects the
    /// words' matches with the channels' lists); above it, it reads each match's row. On a
    /// test index of 1,000,000 messages in 200 channels (docs/benchmarks.md, "Searching,
    /// third round"), one word took 0.5–0.8 ms in one channel against 4–9 ms reading rows,
    /// 0.7–1.0 against 1.2–1.8 in five, and 1.9–4.0 against 0.2–0.7 in twenty: FTS5 reads
    /// each channel's whole list, and most matches are kept anyway.
    pub const CHANNELS_MATCHED_IN_INDEX: usize = 8;
    /// The words of the index that start with a prefix (`$1`: the prefix, `$2`: the prefix
    /// with its last character one higher), at most `$3` of them. FTS5 answers a prefix by
    /// merging the lists of all those words over the whole history before it can return the
    /// newest match; asked for the words one by one (`IndexTerm::AnyOf`), it walks them
    /// newest first and stops at the page. Listing them reads each one's entries once.
    pub const PREFIX_WORDS: Option<&str> =
        Some("SELECT term FROM search_vocabulary WHERE term >= $1 AND term < $2 LIMIT $3");
    /// FTS5 already walks its matches newest first and stops at the page: no windows.
    pub const SEARCH_FIRST_WINDOW: Option<i64> = None;
    /// Searches run at once, per core. A search is several statements in turn, each handed
    /// from an async worker to its connection's thread and back; with one search per core
    /// the cores idled through those hand-offs (144 % of 200 % busy on two cores with 20
    /// people searching back to back; 167 % and 1.2–1.4 times the searches with two per
    /// core; three per core slowed every post's ack: docs/benchmarks.md, "Searching, fourth
    /// round").
    pub const SEARCHES_PER_CORE: usize = 2;

    /// The rows a search reads: with words, FTS5's matches first, so that SQLite walks them
    /// newest first (`search_id` descending) and stops at the limit, however common the words;
    /// `d` is always the message's `events` row.
    pub fn search_from(words: bool) -> &'static str {
        if words {
            // CROSS JOIN keeps FTS5 the outer loop (SQLite never reorders it), whatever the
            // channel filter's index would suggest.
            "search_text CROSS JOIN events d ON d.id = search_text.rowid"
        } else {
            "events d"
        }
    }

    /// The id results are ordered and paged by.
    pub fn search_id(words: bool) -> &'static str {
        if words { "search_text.rowid" } else { "d.id" }
    }

    /// The bytes the database takes (its pages; the WAL comes and goes).
    pub const DATABASE_BYTES: &str =
        "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()";
    /// The largest id a search can find.
    pub const SEARCH_NEWEST_ID: &str =
        "SELECT MAX(id) FROM events WHERE kind = 'message' AND deleted = 0";
    /// The author of the message `d`.
    pub const SEARCH_AUTHOR: &str = "d.actor_id";
    /// "The message `d` has files".
    pub const SEARCH_HAS_FILE: &str = "d.files IS NOT NULL";
    /// `events` holds every kind of event, and a deleted message keeps its row.
    pub const SEARCH_ONLY_MESSAGES: Option<&str> = Some("d.kind = 'message' AND d.deleted = 0");

    /// The condition "the message matches the expression bound at `param`".
    pub fn search_match(param: &str) -> String {
        format!("search_text MATCH {param}")
    }

    /// The query terms as an FTS5 expression: each word quoted (words hold only letters and
    /// digits), a phrase's words in one string, a prefix with `*`; all of them required, in
    /// the `text` column. A search in at most [`CHANNELS_MATCHED_IN_INDEX`] channels also
    /// asks for one of their tokens in the `channel` column.
    pub fn search_expression(
        terms: &[crate::store::IndexTerm<'_>],
        channel_ids: &[String],
    ) -> String {
        use crate::search::{Term, channel_token};
        use crate::store::IndexTerm;
        let words = terms
            .iter()
            .map(|term| match term {
                IndexTerm::Typed(Term::Phrase(words)) => format!("\"{}\"", words.join(" ")),
                IndexTerm::Typed(Term::Prefix(words)) => format!("\"{}\" *", words.join(" ")),
                IndexTerm::AnyOf(words) => {
                    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
                    format!("({})", quoted.join(" OR "))
                }
            })
            .collect::<Vec<_>>()
            .join(" AND ");
        if channel_ids.is_empty() || channel_ids.len() > CHANNELS_MATCHED_IN_INDEX {
            return format!("text : ({words})");
        }
        let channels = channel_ids
            .iter()
            .map(|id| format!("\"{}\"", channel_token(id)))
            .collect::<Vec<_>>()
            .join(" OR ");
        format!("text : ({words}) AND channel : ({channels})")
    }
}

/// What a SQLite database holds (for `xerrada restore`).
#[derive(Debug, Clone)]
pub struct SqliteContents {
    pub integrity: String,
    pub users: i64,
    pub channels: i64,
    pub messages: i64,
    pub files: i64,
}

/// Store backed by one SQLite database file.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// A turn for each search that may run (see `sql/search.rs`).
    searches: Arc<Semaphore>,
}

/// Creates the database file readable by its owner only (0600), or narrows an existing one and
/// its WAL files: they hold every message. SQLite gives the WAL and shared-memory files it
/// creates the database file's mode.
fn create_private(path: &std::path::Path) -> std::io::Result<()> {
    if path.as_os_str().is_empty() || path == std::path::Path::new(":memory:") {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)?;
        for suffix in ["", "-wal", "-shm"] {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    Ok(())
}

/// Turns on SQLite's query planner stability guarantee for `conn`: plans never depend on the
/// values bound to a statement. Without it, SQLite compiles a statement whose `LIMIT` is a
/// bound value (history pages, search, `getUpdates`, ...) again on every run: it notes that the
/// plan could depend on that value, and any new binding expires the compiled statement. That
/// was 6.6 % of the server's CPU while 20 people searched (docs/benchmarks.md). Nothing here
/// needs a value-dependent plan: no `LIKE` on an index, no `sqlite_stat4`.
async fn keep_plans_stable(conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    // SAFETY: `db` is this open connection, locked for the call. ENABLE_QPSG takes an int
    // (1: on) and an `int*` for the previous value, which may be null.
    let code = unsafe {
        libsqlite3_sys::sqlite3_db_config(
            db,
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as std::ffi::c_int,
            std::ptr::null_mut::<std::ffi::c_int>(),
        )
    };
    if code != libsqlite3_sys::SQLITE_OK {
        return Err(sqlx::Error::Configuration(
            format!("SQLite refused the query planner stability guarantee (code {code})").into(),
        ));
    }
    Ok(())
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite://path` or `sqlite::memory:`),
    /// applies migrations and checks the durability settings.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(internal)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        // sqlx names an in-memory database `file:sqlx-in-memory-N`: no file to create.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if !in_memory {
            create_private(options.get_filename()).map_err(internal)?;
        }
        let searches = concurrent_searches(dialect::SEARCHES_PER_CORE);
        // A connection for each search, one for the writer's batches, and one for what every
        // request reads besides (its caller, its channel).
        let connections = u32::try_from(searches.saturating_add(2)).unwrap_or(u32::MAX);
        let pool = SqlitePoolOptions::new()
            .max_connections(connections)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(|conn, _| Box::pin(keep_plans_stable(conn)))
            .connect_with(options)
            .await
            .map_err(db_error)?;
        sqlx::migrate!("../migrations/sqlite")
            .run(&pool)
            .await
            .map_err(internal)?;
        let store = SqliteStore {
            pool,
            searches: Arc::new(Semaphore::new(searches)),
        };
        store.check_durability().await?;
        let reindexed = store.reindex_search_if_asked().await?;
        if reindexed > 0 {
            tracing::info!(messages = reindexed, "search index rebuilt");
        }
        Ok(store)
    }

    /// Copies the database at `database` into a new file `into` with `VACUUM INTO`: one
    /// consistent snapshot, while the server may keep writing. The database is opened as it
    /// is: no migration runs on a database another process serves.
    pub async fn snapshot_into(database: &Path, into: &Path) -> StoreResult<()> {
        use sqlx::Connection;
        let options = SqliteConnectOptions::new()
            .filename(database)
            .create_if_missing(false)
            .busy_timeout(Duration::from_secs(5));
        let mut conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .map_err(db_error)?;
        let into = into
            .to_str()
            .ok_or_else(|| internal("the backup path is not UTF-8"))?;
        sqlx::query("VACUUM INTO $1")
            .bind(into)
            .execute(&mut conn)
            .await
            .map_err(db_error)?;
        conn.close().await.map_err(db_error)?;
        create_private(Path::new(into)).map_err(internal)
    }

    /// What the database holds, and SQLite's verdict on its integrity (`ok` when sound).
    pub async fn contents(&self) -> StoreResult<SqliteContents> {
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
        let (users, channels, messages, files): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM channels),
                    (SELECT COUNT(*) FROM events WHERE kind = 'message' AND deleted = 0),
                    (SELECT COUNT(*) FROM files)",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(SqliteContents {
            integrity,
            users,
            channels,
            messages,
            files,
        })
    }

    /// Closes every connection, so that the files can be moved or removed.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The connection pool (for the data migration between backends).
    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    async fn check_durability(&self) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *conn)
            .await
            .map_err(db_error)?;
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *conn)
            .await
            .map_err(db_error)?;
        // An in-memory database cannot use WAL; it is only used by tests that need no durability.
        let in_memory = journal.eq_ignore_ascii_case("memory");
        if !(journal.eq_ignore_ascii_case("wal") || in_memory) || synchronous != 2 {
            return Err(internal(format!(
                "SQLite durability not in force: journal_mode={journal}, synchronous={synchronous}"
            )));
        }
        Ok(())
    }

    async fn begin_write(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error)
    }

    /// One serving process per SQLite database: it always leads.
    async fn lead(&self, _role: &str) -> StoreResult<Option<Box<dyn Leadership>>> {
        Ok(Some(Box::new(SoleProcess)))
    }
}

/// The leadership of the only serving process; never lost.
struct SoleProcess;

#[async_trait]
impl Leadership for SoleProcess {
    async fn lost(&mut self) {
        std::future::pending::<()>().await;
    }
}

/// Classifies a driver error: a busy or unreachable database is `Unavailable` (the client may
/// retry), anything else is `Internal`.
fn db_error(e: sqlx::Error) -> StoreError {
    let busy = match &e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(d) => matches!(d.code().as_deref(), Some("5") | Some("6")),
        _ => false,
    };
    super::error_counts::counted(if busy {
        StoreError::Unavailable(Box::new(e))
    } else {
        StoreError::Internal(Box::new(e))
    })
}

fn internal(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> StoreError {
    StoreError::Internal(e.into())
}

#[cfg(test)]
mod plan_tests {
    use super::*;

    /// How many times SQLite compiled the cached statement `sql` of `conn` again.
    async fn recompilations(conn: &mut sqlx::SqliteConnection, sql: &str) -> Option<i32> {
        let mut handle = conn.lock_handle().await.expect("handle");
        let db = handle.as_raw_handle().as_ptr();
        let mut stmt = std::ptr::null_mut();
        loop {
            // SAFETY: `db` is open and locked; `sqlite3_next_stmt` walks its prepared
            // statements, each alive while the lock is held, and `sqlite3_sql` gives the text
            // each was prepared from (NUL-terminated, owned by the statement) or null.
            unsafe {
                stmt = libsqlite3_sys::sqlite3_next_stmt(db, stmt);
                if stmt.is_null() {
                    return None;
                }
                let text = libsqlite3_sys::sqlite3_sql(stmt);
                if !text.is_null() && std::ffi::CStr::from_ptr(text).to_str() == Ok(sql) {
                    return Some(libsqlite3_sys::sqlite3_stmt_status(
                        stmt,
                        libsqlite3_sys::SQLITE_STMTSTATUS_REPREPARE,
                        0,
                    ));
                }
            }
        }
    }

    #[tokio::test]
    async fn a_bound_limit_does_not_compile_its_statement_again() {
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}", dir.path().join("x.db").display());
        let store = SqliteStore::open(&url).await.expect("store");
        let mut conn = store.pool.acquire().await.expect("connection");
        const SQL: &str = "SELECT key FROM meta ORDER BY key LIMIT $1";
        for limit in 1..=3i64 {
            let keys = sqlx::query_scalar::<_, String>(SQL)
                .bind(limit)
                .fetch_all(&mut *conn)
                .await
                .expect("query");
            assert!(keys.len() <= limit as usize);
        }
        assert_eq!(recompilations(&mut conn, SQL).await, Some(0));
    }
}
