//! Administration: the audit log, the dashboard, staff import and account recovery (all
//! additions to v1, for admins only).

use serde::{Deserialize, Serialize};
#[cfg(feature = "typescript")]
use ts_rs::TS;

use crate::rest::User;

/// One line of the audit log: who did what to what, from where. Never changed once written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Increasing: later entries have larger ids.
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub id: i64,
    pub at: String,
    /// `null` for what nobody signed in did (a failed login, the server itself).
    pub actor_id: Option<String>,
    /// The actor's username when it acted (a failed login: the username tried).
    pub actor_name: String,
    /// A dotted name such as `user.created`; see docs/protocol.md for the list.
    pub action: String,
    /// The id (or name) of what was acted on; `""` when nothing.
    pub target: String,
    /// The client's address, when the action came over HTTP.
    pub ip: Option<String>,
    /// What changed, never a secret.
    #[cfg_attr(feature = "typescript", ts(type = "Record<string, unknown>"))]
    pub details: serde_json::Value,
}

/// `GET /api/v1/audit`: newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `cursor` for the next (older) page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// `GET /api/v1/admin/stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminStats {
    /// People (not bots) with at least one open socket on any node.
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub online: i64,
    /// Messages posted since midnight UTC, deleted ones included.
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub messages_today: i64,
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub open_tickets: i64,
    /// Active people (not bots).
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub users: i64,
    /// Channels other than direct ones.
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub channels: i64,
    pub storage: StorageUse,
    pub version: String,
}

/// Bytes kept: the database's, and the uploaded files' (previews aside).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StorageUse {
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub database_bytes: u64,
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub files_bytes: u64,
}

/// `POST /api/v1/users`'s answer: the account, and the password the server made when the
/// request gave none (shown only here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedUser {
    #[serde(flatten)]
    pub user: User,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub password: Option<String>,
}

/// `POST /api/v1/users/{id}/reset-password`: `{}` makes a one-time password.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetPasswordRequest {
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub password: Option<String>,
}

/// The password an admin set or the server made, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordAnswer {
    pub password: String,
}

/// `PATCH /api/v1/departments/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenameDepartmentRequest {
    pub name: String,
}

/// `POST /api/v1/admin/import`: staff from CSV (`username,display_name,email,departments`,
/// departments as slugs separated by `;`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRequest {
    pub csv: String,
    /// Check only; nothing is created.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub dry_run: Option<bool>,
}

/// A good line of an import: who is (or would be) created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRow {
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub line: u64,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub departments: Vec<String>,
    /// The new account's id, once created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub user_id: Option<String>,
    /// Its one-time password, once created; shown only in this answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub password: Option<String>,
}

/// A line an import refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportError {
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub line: u64,
    pub message: String,
}

/// The answer to an import, dry or not: the good lines and the refused ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportResult {
    pub dry_run: bool,
    pub rows: Vec<ImportRow>,
    pub errors: Vec<ImportError>,
}

/// `PUT /api/v1/admin/support`: the support desk's settings, kept by the server from then on
/// (they win over `xerrada.toml`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateSupportSettingsRequest {
    /// The slug of an existing department: its members are the support team.
    pub department: String,
    /// 1-20 names of 1-40 characters, no two alike in any letter case; the last is the
    /// default of new tickets.
    pub categories: Vec<String>,
}

/// `GET /api/v1/admin/support`: the support desk's settings now (an admin's, else
/// `xerrada.toml`'s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportSettings {
    /// The department whose members are the support team.
    pub department: String,
    pub categories: Vec<String>,
    /// Everyone who works tickets now: the department's members and the admins.
    pub team: Vec<User>,
}
