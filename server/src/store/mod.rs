//! Persistence: one small trait per area, and the backends that implement them.
//!
//! Services speak only to the traits ([`Store`] bundles them), so where something is stored is
//! one step away: accounts and sessions (`accounts.rs`), departments, channels and memberships
//! (`channels.rs`), channel events (`events.rs`), integrations (`integrations.rs`), the help
//! desk (`helpdesk.rs`), threads (`threads.rs`), pinned and saved messages (`pins.rs`), uploaded
//! files (`uploads.rs`), full-text search (`search.rs`), the admin area's audit log and counts (`admin.rs`), and what
//! the nodes share (`coordination.rs`).
//!
//! Every query is written once, in `sql/`, with `$N` placeholders that both SQLite and
//! PostgreSQL read. That folder is compiled once per backend (see `sql/mod.rs`), so the SQL is
//! checked against each driver's types without a generic layer; a backend's `dialect` covers
//! the few spellings that differ. What differs on purpose stays in `sqlite/` and `postgres/`:
//! opening the database (pragmas, pools, migrations), how a write transaction begins and locks,
//! whether other processes write at the same time, and leadership.
//!
//! No business rule lives here: the store answers "what is", services decide "what may be".
//! The one exception is the channel sequence: assigning the next gap-free `seq` and committing
//! the event must be one transaction, so [`EventStore::apply_batch`] owns it (it is called only
//! by the writer task).

mod accounts;
mod admin;
mod channels;
mod columns;
mod coordination;
mod events;
mod helpdesk;
mod integrations;
pub mod migrate;
mod pins;
pub mod postgres;
mod records;
mod rows;
mod search;
pub mod sqlite;
mod telegram;
mod threads;
mod uploads;

use std::sync::Arc;

pub use accounts::AccountStore;
pub use admin::{AdminStore, AuditFilter, DashboardCounts, NewAuditEntry};
pub use channels::ChannelStore;
pub use coordination::{CoordinationStore, Leadership};
pub use events::EventStore;
pub use helpdesk::HelpdeskStore;
pub use integrations::IntegrationStore;
pub use pins::PinStore;
pub use records::*;
pub use search::{IndexTerm, SearchFilter, SearchHit, SearchStore};
pub use telegram::{NewTelegramUpdate, TelegramBot, TelegramStore, TelegramUpdate};
pub use threads::ThreadStore;
pub use uploads::UploadStore;

/// The database engines a store can live in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names, if it is one this build knows.
    pub fn of(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// Opens the store a URL names, applying its migrations.
pub async fn open(url: &str) -> StoreResult<Arc<dyn Store>> {
    match Backend::of(url) {
        Some(Backend::Sqlite) => Ok(Arc::new(sqlite::SqliteStore::open(url).await?)),
        Some(Backend::Postgres) => Ok(Arc::new(postgres::PostgresStore::open(url).await?)),
        None => Err(StoreError::Internal(
            format!("unsupported database URL {url:?}").into(),
        )),
    }
}

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken (username, department slug, ...).
    #[error("already exists: {0}")]
    Conflict(&'static str),
    /// The database cannot be reached or is busy past its timeout.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Anything else: a bug or corruption; logged with its cause, reported as `internal`.
    #[error("database error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Database errors seen since start, by kind, for `/metrics`. Counted where each backend turns
/// a driver error into a [`StoreError`] (its `db_error`); a process-wide tally, since a
/// process has one store.
pub mod error_counts {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::StoreError;

    static UNAVAILABLE: AtomicU64 = AtomicU64::new(0);
    static INTERNAL: AtomicU64 = AtomicU64::new(0);

    /// Counts `error` and gives it back.
    pub fn counted(error: StoreError) -> StoreError {
        match &error {
            StoreError::Unavailable(_) => UNAVAILABLE.fetch_add(1, Ordering::Relaxed),
            StoreError::Internal(_) => INTERNAL.fetch_add(1, Ordering::Relaxed),
            StoreError::Conflict(_) => 0,
        };
        error
    }

    /// `(unavailable, internal)` so far.
    pub fn read() -> (u64, u64) {
        (
            UNAVAILABLE.load(Ordering::Relaxed),
            INTERNAL.load(Ordering::Relaxed),
        )
    }
}

/// Everything the server keeps: one trait per area, each implemented once by the portable
/// queries in `sql/` for every backend. See `tests/` for the conformance suite every backend
/// must pass.
pub trait Store:
    AccountStore
    + ChannelStore
    + EventStore
    + IntegrationStore
    + HelpdeskStore
    + TelegramStore
    + ThreadStore
    + PinStore
    + UploadStore
    + SearchStore
    + CoordinationStore
    + AdminStore
    + 'static
{
}

impl<T> Store for T where
    T: AccountStore
        + ChannelStore
        + EventStore
        + IntegrationStore
        + HelpdeskStore
        + TelegramStore
        + ThreadStore
        + PinStore
        + UploadStore
        + SearchStore
        + CoordinationStore
        + AdminStore
        + 'static
{
}
