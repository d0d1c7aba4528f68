//! Full-text search over messages. The index is written by the batch, in the transaction of
//! each post, edit and delete (`sql/search.rs`), so it never lags behind the messages; what a
//! caller may see is decided by the service, which passes the channels to look in.

use async_trait::async_trait;

use super::*;
use crate::search::Term;

/// How many searches a store runs at once: `per_core` (its dialect's `SEARCHES_PER_CORE`)
/// for each core. The bound keeps a crowd of searchers from taking every connection of the
/// pool, and so from keeping the writer (every post's ack) waiting for one.
pub(super) fn concurrent_searches(per_core: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    per_core.saturating_mul(cores).max(1)
}

/// What to look for, and where.
#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    /// Every term must match; none: every message passing the other filters.
    pub terms: Vec<Term>,
    /// The channels to look in (the caller's, narrowed by the filters).
    pub channel_ids: Vec<String>,
    pub author_id: Option<String>,
    pub has_file: bool,
    /// Posted before this time (`created_at <`).
    pub before: Option<String>,
    /// Posted at or after this time.
    pub after: Option<String>,
    /// Only results older than this cursor (a result's `doc_id`).
    pub below: Option<i64>,
    /// Only results newer than this `doc_id` (the service searches the newest first, in
    /// widening windows).
    pub above: Option<i64>,
    pub limit: u32,
}

/// One thing a search statement asks the index for: a term of the query as typed, or the
/// words a one-word prefix stands for, when the backend listed them (SQLite, see
/// `sql/search.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexTerm<'a> {
    Typed(&'a Term),
    AnyOf(Vec<String>),
}

/// A message found, newest first by `doc_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub doc_id: i64,
    pub message: Message,
}

/// Implemented once, by the portable queries in `sql/`, with the dialect's text search.
#[async_trait]
pub trait SearchStore: Send + Sync {
    async fn search(&self, filter: &SearchFilter) -> StoreResult<Vec<SearchHit>>;
    /// The largest `doc_id` so far, if anything was indexed.
    async fn newest_search_id(&self) -> StoreResult<Option<i64>>;
}
