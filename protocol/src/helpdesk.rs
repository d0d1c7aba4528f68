//! The support desk: tickets of the IT support requests staff open with `/suport`.

use serde::{Deserialize, Serialize};
#[cfg(feature = "typescript")]
use ts_rs::TS;

/// Where a ticket is in its life. `closed` tickets may be reopened (back to `open`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    Open,
    InProgress,
    Waiting,
    Resolved,
    Closed,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 5] = [
        TicketStatus::Open,
        TicketStatus::InProgress,
        TicketStatus::Waiting,
        TicketStatus::Resolved,
        TicketStatus::Closed,
    ];

    /// The wire (and command) spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Open => "open",
            TicketStatus::InProgress => "in_progress",
            TicketStatus::Waiting => "waiting",
            TicketStatus::Resolved => "resolved",
            TicketStatus::Closed => "closed",
        }
    }

    /// A status by its wire name (the server reads people's words in `helpdesk::texts`).
    pub fn parse(text: &str) -> Option<TicketStatus> {
        TicketStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// How urgent a ticket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketPriority {
    Baixa,
    Normal,
    Alta,
    Urgent,
}

impl TicketPriority {
    pub const ALL: [TicketPriority; 4] = [
        TicketPriority::Baixa,
        TicketPriority::Normal,
        TicketPriority::Alta,
        TicketPriority::Urgent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TicketPriority::Baixa => "baixa",
            TicketPriority::Normal => "normal",
            TicketPriority::Alta => "alta",
            TicketPriority::Urgent => "urgent",
        }
    }

    /// A priority by its wire name (the server reads people's words in `helpdesk::texts`).
    pub fn parse(text: &str) -> Option<TicketPriority> {
        TicketPriority::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// A support request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ticket {
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub number: i64,
    pub requester_id: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub priority: TicketPriority,
    pub status: TicketStatus,
    pub assignee_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// One line of a ticket's history: who did what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketEvent {
    pub at: String,
    pub actor_id: String,
    /// `opened`, `status`, `priority`, `category`, `assigned`, `comment`, `note`, `files`
    /// (attached, named in `detail`) or `note_files` (attached with an internal note).
    pub kind: String,
    /// The new value, or the text of a comment or note.
    pub detail: String,
}

/// `GET /api/v1/tickets/{number}`: the ticket with its history (internal notes only for the
/// support team).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketDetail {
    #[serde(flatten)]
    pub ticket: Ticket,
    pub history: Vec<TicketEvent>,
    /// The files attached to the ticket, oldest first (those of internal notes only for the
    /// support team). Each is read at `GET /api/v1/files/{id}` (additive).
    #[serde(default)]
    pub files: Vec<TicketFile>,
}

/// A file attached to a ticket: with the request, a comment or an internal note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketFile {
    #[serde(flatten)]
    pub file: crate::FileInfo,
    /// Attached with an internal note: the requester does not see it.
    pub internal: bool,
    pub added_by: String,
    pub added_at: String,
}

/// `GET /api/v1/tickets`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketList {
    pub tickets: Vec<Ticket>,
}

/// `POST /api/v1/tickets`: opens a ticket (what `/suport` does).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenTicketRequest {
    pub description: String,
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub title: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub category: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub priority: Option<TicketPriority>,
    /// Uploads of the caller's (`POST /api/v1/files`) or files they posted, attached to the
    /// ticket: at most 10 (additive).
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<String>>", optional))]
    pub file_ids: Vec<String>,
}

/// `PATCH /api/v1/tickets/{number}`: any subset of changes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateTicketRequest {
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub status: Option<TicketStatus>,
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub priority: Option<TicketPriority>,
    /// A user id; `""` unassigns.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub assignee_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub category: Option<String>,
    /// A comment, seen by the requester.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub comment: Option<String>,
    /// An internal note, seen only by the support team.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub note: Option<String>,
    /// Files for the comment (or, with a note and no comment, for the note: internal).
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<String>>", optional))]
    pub file_ids: Vec<String>,
}

/// An article of the `/info` knowledge base, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InfoArticle {
    /// Lowercase key, e.g. `vpn`.
    pub topic: String,
    /// `ca`, `es` or `en`.
    pub lang: String,
    pub title: String,
    pub body: String,
    pub updated_at: String,
}

/// `PUT /api/v1/info/{topic}` (admins): creates or replaces the article in one language.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetInfoArticleRequest {
    pub title: String,
    pub body: String,
    /// Default `ca`.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub lang: Option<String>,
}

/// Durations over a set of tickets: how many had one, and their median and 90th percentile
/// in seconds (`null` when none had one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DurationFigures {
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub count: i64,
    #[cfg_attr(feature = "typescript", ts(type = "number | null"))]
    pub median_secs: Option<i64>,
    #[cfg_attr(feature = "typescript", ts(type = "number | null"))]
    pub p90_secs: Option<i64>,
}

/// One week (starting on Monday, UTC) of the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekFigures {
    /// The Monday, `2026-11-30`.
    pub week: String,
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub opened: i64,
    /// Tickets that reached `resolved` or `closed` (for the last time) that week.
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub closed: i64,
}

/// A count under a key (a status, a category).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountBy {
    pub key: String,
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub count: i64,
}

/// What one assignee holds of the period's tickets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssigneeFigures {
    pub assignee_id: String,
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub open: i64,
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub resolved: i64,
    pub resolution: DurationFigures,
}

/// The requesters' answers to "were you satisfied?" (the latest per ticket).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Satisfaction {
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub up: i64,
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub down: i64,
}

/// `GET /api/v1/tickets/stats`: how the desk is doing over the tickets opened in a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketStats {
    pub from: String,
    pub to: String,
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub opened: i64,
    /// From opening to the first comment by someone other than the requester.
    pub first_response: DurationFigures,
    /// From opening to the last time it reached `resolved` or `closed`, for tickets that are
    /// resolved or closed now.
    pub resolution: DurationFigures,
    pub weeks: Vec<WeekFigures>,
    /// Every ticket not closed now, whenever it was opened.
    pub backlog_by_status: Vec<CountBy>,
    pub backlog_by_category: Vec<CountBy>,
    pub by_assignee: Vec<AssigneeFigures>,
    pub satisfaction: Satisfaction,
    /// The `/info` articles requesters said solved their ticket (closing it), by topic.
    pub solved_by_article: Vec<CountBy>,
}
