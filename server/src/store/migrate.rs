//! `xerrada migrate-store`: copies a whole installation from SQLite to PostgreSQL.
//!
//! The copy is generic over the schema: for each table (in an order that satisfies the
//! foreign keys) it reads the target's column names and types, selects the same columns from
//! the source and inserts them in batches. Both sides use one transaction each: the source is
//! read from one snapshot (WAL lets a running server keep writing meanwhile, its later writes
//! are simply not part of the copy), and the target sees all of it or nothing.
//!
//! Afterwards every table is read back from the target and compared with the source by row
//! count and an order-independent checksum (the sum of each row's SHA-256), which is printed
//! for the operator. Any difference fails the command.

use std::fmt::Write as _;

use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgArguments, PgPool};
use sqlx::sqlite::SqliteRow;
use sqlx::{Arguments, Row};

use super::postgres::PostgresStore;
use super::sqlite::SqliteStore;
use super::{StoreError, StoreResult};

/// Every table, parents before children.
const TABLES: &[&str] = &[
    "users",
    "files",
    "channels",
    "departments",
    "department_members",
    "channel_members",
    "events",
    "reactions",
    "message_versions",
    "thread_follows",
    "mentions",
    "pins",
    "saved_messages",
    "sessions",
    "refresh_tokens",
    "meta",
    "webhooks",
    "slash_commands",
    "command_responses",
    "tickets",
    "ticket_history",
    "info_articles",
    "secrets",
    "audit_log",
    "ticket_messages",
    "settings",
    "ticket_files",
    "telegram_ids",
    "telegram_bots",
    "telegram_updates",
    "telegram_cursors",
];

/// Tables whose ids come from an identity sequence, which must continue after the copy.
const IDENTITY_COLUMNS: &[(&str, &str)] = &[
    ("tickets", "number"),
    ("ticket_history", "id"),
    ("audit_log", "id"),
    ("telegram_ids", "number"),
];

/// Rows per INSERT (PostgreSQL allows at most 65,535 bound values per statement).
const BATCH_ROWS: usize = 500;

/// What one table looked like on both sides after the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableReport {
    pub table: &'static str,
    pub source_rows: u64,
    pub target_rows: u64,
    pub source_checksum: String,
    pub target_checksum: String,
}

impl TableReport {
    pub fn matches(&self) -> bool {
        self.source_rows == self.target_rows && self.source_checksum == self.target_checksum
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnType {
    Integer,
    Boolean,
    Text,
    Bytes,
}

struct Column {
    name: String,
    kind: ColumnType,
}

/// One value, typed as the target column wants it.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Integer(i64),
    Boolean(bool),
    Text(String),
    Bytes(Vec<u8>),
}

impl Value {
    /// Feeds the value, tagged by type, into a row hash.
    fn hash_into(&self, hasher: &mut Sha256) {
        match self {
            Value::Null => hasher.update(b"N"),
            Value::Integer(i) => {
                hasher.update(b"I");
                hasher.update(i.to_le_bytes());
            }
            Value::Boolean(b) => hasher.update(if *b { b"B1" } else { b"B0" }),
            Value::Text(s) => {
                hasher.update(b"T");
                hasher.update((s.len() as u64).to_le_bytes());
                hasher.update(s.as_bytes());
            }
            Value::Bytes(b) => {
                hasher.update(b"Y");
                hasher.update((b.len() as u64).to_le_bytes());
                hasher.update(b);
            }
        }
    }
}

/// Sum of the rows' hashes: equal for equal multisets of rows, whatever their order.
#[derive(Default)]
struct Checksum {
    rows: u64,
    sum: u128,
}

impl Checksum {
    fn add(&mut self, row: &[Value]) {
        let mut hasher = Sha256::new();
        for value in row {
            value.hash_into(&mut hasher);
        }
        let digest = hasher.finalize();
        let mut prefix = [0u8; 16];
        prefix.copy_from_slice(&digest[..16]);
        self.sum = self.sum.wrapping_add(u128::from_le_bytes(prefix));
        self.rows += 1;
    }

    fn hex(&self) -> String {
        let mut out = String::with_capacity(32);
        for byte in self.sum.to_be_bytes() {
            let _ = write!(out, "{byte:02x}");
        }
        out
    }
}

/// Indexes every message that can be found, as `migrations/postgres/0011_search.sql` does.
const REBUILD_SEARCH_INDEX: &str = "INSERT INTO search_docs (channel_id, seq, author_id, created_at, has_file, doc)
     SELECT channel_id, seq, actor_id, created_at, files IS NOT NULL,
            to_tsvector('xerrada_search',
                replace(replace(replace(replace(body, 'l·l', 'll'), 'L·L', 'LL'), 'l.l', 'll'), 'L.L', 'LL'))
     FROM events WHERE kind = 'message' AND NOT deleted ORDER BY created_at, channel_id, seq";

/// Copies everything from `source` to `target`, which must be empty, and verifies the copy.
pub async fn copy_sqlite_to_postgres(
    source: &SqliteStore,
    target: &PostgresStore,
) -> StoreResult<Vec<TableReport>> {
    let pg = target.pool();
    refuse_non_empty_target(pg).await?;
    let mut read = source.pool().begin().await.map_err(internal)?;
    let mut write = pg.begin().await.map_err(internal)?;
    // The schema's own seed rows (the membership counter) are replaced by the source's.
    sqlx::query("DELETE FROM meta")
        .execute(&mut *write)
        .await
        .map_err(internal)?;
    let mut copied = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let columns = target_columns(pg, table).await?;
        let select = select_sql(table, &columns);
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(select)).fetch(&mut *read);
        let mut checksum = Checksum::default();
        let mut batch: Vec<Vec<Value>> = Vec::with_capacity(BATCH_ROWS);
        while let Some(row) = rows.try_next().await.map_err(internal)? {
            let values = read_sqlite_row(&row, &columns)?;
            checksum.add(&values);
            batch.push(values);
            if batch.len() == BATCH_ROWS {
                insert_batch(&mut write, table, &columns, &batch).await?;
                batch.clear();
            }
        }
        drop(rows);
        if !batch.is_empty() {
            insert_batch(&mut write, table, &columns, &batch).await?;
        }
        copied.push((*table, checksum));
    }
    for (table, column) in IDENTITY_COLUMNS {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), \
             COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *write)
            .await
            .map_err(internal)?;
    }
    // The search index is not copied but rebuilt from the messages, in PostgreSQL's form.
    sqlx::query(REBUILD_SEARCH_INDEX)
        .execute(&mut *write)
        .await
        .map_err(internal)?;
    write.commit().await.map_err(internal)?;
    read.rollback().await.map_err(internal)?;

    let mut reports = Vec::with_capacity(copied.len());
    for (table, source) in copied {
        let columns = target_columns(pg, table).await?;
        let target = postgres_checksum(pg, table, &columns).await?;
        reports.push(TableReport {
            table,
            source_rows: source.rows,
            target_rows: target.rows,
            source_checksum: source.hex(),
            target_checksum: target.hex(),
        });
    }
    Ok(reports)
}

async fn refuse_non_empty_target(pg: &PgPool) -> StoreResult<()> {
    for table in TABLES.iter().filter(|t| **t != "meta") {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {table})");
        let any: bool = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(pg)
            .await
            .map_err(internal)?;
        if any {
            return Err(StoreError::Conflict(
                "the target database already holds data; migrate into an empty database",
            ));
        }
    }
    Ok(())
}

/// The target table's columns, in order, with the type each value must have.
async fn target_columns(pg: &PgPool, table: &str) -> StoreResult<Vec<Column>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::TEXT, data_type::TEXT FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(pg)
    .await
    .map_err(internal)?;
    if rows.is_empty() {
        return Err(internal(format!("the target has no table {table}")));
    }
    rows.into_iter()
        .map(|(name, data_type)| {
            let kind = match data_type.as_str() {
                "bigint" | "integer" | "smallint" => ColumnType::Integer,
                "boolean" => ColumnType::Boolean,
                "text" | "character varying" => ColumnType::Text,
                "bytea" => ColumnType::Bytes,
                other => {
                    return Err(internal(format!(
                        "{table}.{name} has type {other}, which the copy does not know"
                    )));
                }
            };
            Ok(Column { name, kind })
        })
        .collect()
}

fn select_sql(table: &str, columns: &[Column]) -> String {
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    format!("SELECT {} FROM {table}", names.join(", "))
}

/// Reads one row's columns as the target's types want them. `$boolean` is the type a boolean
/// column has on that side (an integer in SQLite, a boolean in PostgreSQL); the rest decode
/// alike on both.
macro_rules! read_values {
    ($row:expr, $columns:expr, $boolean:ty) => {
        $columns
            .iter()
            .enumerate()
            .map(|(i, column)| {
                let value = match column.kind {
                    ColumnType::Integer => $row
                        .try_get::<Option<i64>, _>(i)
                        .map(|v| v.map_or(Value::Null, Value::Integer)),
                    ColumnType::Boolean => $row
                        .try_get::<Option<$boolean>, _>(i)
                        .map(|v| v.map_or(Value::Null, |v| Value::Boolean(as_bool(v)))),
                    ColumnType::Text => $row
                        .try_get::<Option<String>, _>(i)
                        .map(|v| v.map_or(Value::Null, Value::Text)),
                    ColumnType::Bytes => $row
                        .try_get::<Option<Vec<u8>>, _>(i)
                        .map(|v| v.map_or(Value::Null, Value::Bytes)),
                };
                value.map_err(internal)
            })
            .collect::<StoreResult<Vec<_>>>()
    };
}

/// SQLite keeps booleans as integers, PostgreSQL as booleans.
trait AsBool {
    fn truth(self) -> bool;
}

impl AsBool for i64 {
    fn truth(self) -> bool {
        self != 0
    }
}

impl AsBool for bool {
    fn truth(self) -> bool {
        self
    }
}

fn as_bool(value: impl AsBool) -> bool {
    value.truth()
}

fn read_sqlite_row(row: &SqliteRow, columns: &[Column]) -> StoreResult<Vec<Value>> {
    read_values!(row, columns, i64)
}

async fn insert_batch(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    table: &str,
    columns: &[Column],
    rows: &[Vec<Value>],
) -> StoreResult<()> {
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", names.join(", "));
    let mut args = PgArguments::default();
    let mut n = 0;
    for (r, row) in rows.iter().enumerate() {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for (c, (value, column)) in row.iter().zip(columns).enumerate() {
            n += 1;
            let _ = write!(sql, "{}${n}", if c == 0 { "" } else { ", " });
            bind(&mut args, value, column.kind)?;
        }
        sql.push(')');
    }
    // Identity columns get the source's values, not the sequence's.
    if IDENTITY_COLUMNS.iter().any(|(t, _)| *t == table) {
        sql = sql.replacen(") VALUES ", ") OVERRIDING SYSTEM VALUE VALUES ", 1);
    }
    sqlx::query_with(sqlx::AssertSqlSafe(sql), args)
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    Ok(())
}

fn bind(args: &mut PgArguments, value: &Value, kind: ColumnType) -> StoreResult<()> {
    let added = match (value, kind) {
        (Value::Null, ColumnType::Integer) => args.add(None::<i64>),
        (Value::Null, ColumnType::Boolean) => args.add(None::<bool>),
        (Value::Null, ColumnType::Text) => args.add(None::<String>),
        (Value::Null, ColumnType::Bytes) => args.add(None::<Vec<u8>>),
        (Value::Integer(i), _) => args.add(*i),
        (Value::Boolean(b), _) => args.add(*b),
        (Value::Text(s), _) => args.add(s.clone()),
        (Value::Bytes(b), _) => args.add(b.clone()),
    };
    added.map_err(StoreError::Internal)
}

async fn postgres_checksum(pg: &PgPool, table: &str, columns: &[Column]) -> StoreResult<Checksum> {
    let mut checksum = Checksum::default();
    let sql = select_sql(table, columns);
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(pg);
    while let Some(row) = rows.try_next().await.map_err(internal)? {
        let values = read_values!(row, columns, bool)?;
        checksum.add(&values);
    }
    Ok(checksum)
}

fn internal(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> StoreError {
    StoreError::Internal(e.into())
}
