//! What the admin area reads: the audit log (appended to, read with filters, never changed:
//! the schema refuses updates and deletes too) and the dashboard's counts.

use async_trait::async_trait;
use xerrada_protocol::AuditEntry;

use super::*;

/// An entry to append; the store gives it its id.
#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    pub at: String,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub action: String,
    pub target: String,
    pub ip: Option<String>,
    /// JSON text.
    pub details: String,
}

/// Which entries to read; every filter is optional. Newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// An account id, or the username an entry was made under.
    pub actor: Option<String>,
    pub action: Option<String>,
    /// At or after (a stored time string).
    pub from: Option<String>,
    /// Before.
    pub to: Option<String>,
    /// Only entries with an id below this (the page before).
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// Implemented once, by the portable queries in `sql/`, for every backend.
#[async_trait]
pub trait AdminStore: Send + Sync {
    async fn append_audit(&self, entry: NewAuditEntry) -> StoreResult<()>;
    async fn audit_entries(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>>;
    /// A setting an admin stored (JSON text), if any.
    async fn setting(&self, key: &str) -> StoreResult<Option<String>>;
    /// Stores a setting, replacing the previous value.
    async fn set_setting(&self, key: &str, value: &str, by: &str, at: &str) -> StoreResult<()>;
    /// The dashboard's counts; messages are those created at or after `today`.
    async fn dashboard_counts(&self, today: &str) -> StoreResult<DashboardCounts>;
}

/// What the dashboard counts in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DashboardCounts {
    pub messages_today: i64,
    pub open_tickets: i64,
    /// Active people (not bots).
    pub users: i64,
    /// Channels other than direct ones, archived included.
    pub channels: i64,
    /// Bytes of the uploaded files (their previews aside).
    pub files_bytes: i64,
    pub database_bytes: i64,
}
