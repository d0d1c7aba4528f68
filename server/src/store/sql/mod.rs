//! Every query of the store, written once for both backends.
//!
//! This folder is not a module of `store` on its own: each backend includes it with
//! `#[path = "../sql/mod.rs"] mod sql;`, after naming what it brings:
//! - `Db`, its sqlx database type, and `DbStore`, its store, which holds a `pool: Pool<Db>` and
//!   has the inherent methods `begin_write` (how a write transaction starts) and `lead` (how
//!   one process of several takes a role);
//! - `db_error`, its mapping of driver errors to [`StoreError`];
//! - `dialect`, the few spellings the two SQL dialects do not share, and whether other
//!   processes write the same database at once.
//!
//! So the same text is compiled twice, each time against one driver's concrete types: no
//! generic bounds, no query builder, and each query type-checked with each driver. The SQL
//! uses `$N` placeholders, which PostgreSQL reads natively and sqlx's SQLite driver maps to
//! bound values by number; and only syntax both engines know (`TRUE`/`FALSE`, `string_agg`,
//! `RETURNING`, `ON CONFLICT`, `CAST(... AS TEXT)`).

mod accounts;
mod admin;
mod channels;
mod coordination;
mod decorations;
mod events;
mod helpdesk;
mod integrations;
mod message_changes;
mod pins;
mod rows;
mod search;
mod telegram;
mod threads;
mod uploads;
mod writes;

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::{Row, Transaction};

use super::{Db, DbStore, db_error, dialect};
use crate::store::columns::Column;
use crate::store::rows::{
    CommandRow, DepartmentRow, GrantRow, InfoArticleRow, TicketEventRow, TokenSessionInfoRow,
    TokenSessionRow, WebhookRow, channel_kind_str, extras_json, files_json, parse_channel_kind,
    role_str, user_kind_str,
};
use crate::store::*;
use rows::*;
use writes::bump_membership_version;

/// A row of this backend.
type DbRow = <Db as sqlx::Database>::Row;

/// Bound values per statement: well under SQLite's limit of 32,766 (and PostgreSQL's 65,535).
const MAX_BOUND_PER_STATEMENT: usize = 900;
/// Bound values per statement of a batch's inserts (messages, their index).
const MAX_BOUND_PER_BATCH_INSERT: usize = dialect::MAX_BOUND_PER_BATCH_INSERT;

fn internal(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> StoreError {
    StoreError::Internal(e.into())
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

/// `count` placeholders for the values bound `first`-th to `first + count - 1`-th, in this
/// order (see `dialect::param`): `$3, $4, $5` on PostgreSQL.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(dialect::param)
        .collect::<Vec<_>>()
        .join(", ")
}
