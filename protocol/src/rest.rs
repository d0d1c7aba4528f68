//! Resources and REST request/response bodies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
#[cfg(feature = "typescript")]
use ts_rs::TS;

use crate::frames::ServerFrame;

/// Whether an account is a person or a bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserKind {
    Human,
    Bot,
}

/// What an account may administer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Member,
}

/// An account as every client sees it (never with secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub kind: UserKind,
    pub role: Role,
    pub department_ids: Vec<String>,
    pub active: bool,
    /// A short status the person set ("De vacances fins dilluns"); absent when none
    /// (additive to v1).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<String>", optional))]
    pub status_text: String,
    /// The person's IANA time zone (`Europe/Madrid`), for their local time; absent when unset
    /// (additive to v1).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<String>", optional))]
    pub timezone: String,
    /// The person's e-mail address; absent when none was given (additive to v1).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<String>", optional))]
    pub email: String,
}

/// `GET /api/v1/me`: the caller's account, with what the client needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    #[serde(flatten)]
    pub user: User,
    /// On the support team (the support department's members and admins): the client shows
    /// the support queue (additive to v1).
    #[serde(default)]
    pub support_team: bool,
}

/// A department; its channel's membership follows the department's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Department {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub channel_id: String,
}

/// Who may see and join a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    Public,
    Private,
    Direct,
}

/// A channel, with the caller's own view of it (`joined`, `last_read_seq`, `unread`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Channel {
    pub id: String,
    pub name: String,
    pub kind: ChannelKind,
    pub department_id: Option<String>,
    pub topic: String,
    /// What the channel is for (additive to v1).
    #[serde(default)]
    pub purpose: String,
    /// Archived: read-only, kept and searchable (additive to v1).
    #[serde(default)]
    pub archived: bool,
    /// Who created it; with admins, it may rename, archive and delete any message (additive
    /// to v1; absent for direct and department channels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub owner_id: Option<String>,
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub last_seq: i64,
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub member_count: i64,
    pub joined: bool,
    /// The caller muted it: no badge, no notification (additive to v1).
    #[serde(default)]
    pub muted: bool,
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub last_read_seq: i64,
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub unread: i64,
    /// The caller's unread mentions: messages after `last_read_seq` that mention it (additive
    /// to v1).
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub mention_count: i64,
    /// For direct channels, the member ids (additive to v1, so clients can name the DM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub member_ids: Option<Vec<String>>,
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: String,
    pub channel_id: String,
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub seq: i64,
    pub author_id: String,
    pub body: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub client_msg_id: Option<String>,
    #[cfg_attr(feature = "typescript", ts(type = "number | null"))]
    pub thread_root: Option<i64>,
    pub edited_at: Option<String>,
    pub deleted: bool,
    /// Presentation extras (webhook overrides, attachments, blocks); absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub extras: Option<crate::integrations::MessageExtras>,
    /// Reactions, in the order each emoji was first used; absent when none (additive to v1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<Reaction>>", optional))]
    pub reactions: Vec<Reaction>,
    /// On a thread's root: how many replies it has (deleted ones not counted), when the last
    /// came, and who replied first (at most [`THREAD_PARTICIPANTS_SHOWN`], first to reply
    /// first). Absent on other messages (additive to v1).
    #[serde(default, skip_serializing_if = "is_zero")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<u32>", optional))]
    pub reply_count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub last_reply_at: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<String>>", optional))]
    pub participant_ids: Vec<String>,
    /// The channel members the body mentions (`@name`, `@channel`, `@here`, `@department`),
    /// resolved when it was posted or edited, its author left out; absent when none (additive
    /// to v1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<String>>", optional))]
    pub mentions: Vec<String>,
    /// A thread reply its author also showed in the channel (additive to v1; absent when not).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<bool>", optional))]
    pub also_in_channel: bool,
    /// Pinned in its channel (additive to v1; absent when not).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<bool>", optional))]
    pub pinned: bool,
    /// The files posted with the message, in the order given (additive to v1; absent when
    /// none, and emptied when the message is deleted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<FileInfo>>", optional))]
    pub files: Vec<FileInfo>,
}

/// An uploaded file: `POST /api/v1/files` answers it, and a message carries those posted with
/// it. The bytes are at `GET /api/v1/files/{id}`, for whoever may read them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileInfo {
    pub id: String,
    /// The file name the uploader gave, without any folder.
    pub name: String,
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub size: u64,
    /// Recognised from the bytes, not taken from the uploader's claim.
    pub content_type: String,
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    /// Pixels, for images the server could read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub height: Option<u32>,
}

/// How many files one message may carry.
pub const MAX_FILES_PER_MESSAGE: usize = 10;

/// How many of a thread's repliers a root names in `participant_ids`.
pub const THREAD_PARTICIPANTS_SHOWN: usize = 5;

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// One emoji's reactions to a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reaction {
    /// The Unicode emoji (a `:shortcode:` sent by a client is stored as its emoji).
    pub emoji: String,
    pub count: u32,
    /// Who reacted, first to react first.
    pub user_ids: Vec<String>,
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// Also set the refresh token as an HttpOnly cookie (browser clients).
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub cookie: Option<bool>,
}

/// `POST /api/v1/auth/refresh`. The token may instead come from the refresh cookie.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub refresh_token: Option<String>,
}

/// Answer of login and refresh.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: String,
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub expires_in: u64,
    pub refresh_token: String,
    pub user: User,
}

/// `POST /api/v1/users`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUserRequest {
    pub username: String,
    pub display_name: String,
    /// Left out (or `""`): the server makes a one-time password and answers it once
    /// (additive to v1).
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub password: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub role: Option<Role>,
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub department_ids: Option<Vec<String>>,
    /// (additive to v1)
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub email: Option<String>,
}

/// `PATCH /api/v1/users/{id}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateUserRequest {
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub display_name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub password: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub current_password: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub role: Option<Role>,
    /// Self or admin; `""` clears it (additive to v1).
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub status_text: Option<String>,
    /// Self or admin; an IANA name, `""` clears it (additive to v1).
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub timezone: Option<String>,
    /// Admins only; `""` clears it (additive to v1).
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub email: Option<String>,
}

/// `POST /api/v1/departments`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateDepartmentRequest {
    pub slug: String,
    pub name: String,
}

/// Kinds a client may create with `POST /api/v1/channels` (direct channels come from `/dms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NewChannelKind {
    Public,
    Private,
}

/// `PATCH /api/v1/channels/{id}`: what to change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateChannelRequest {
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub topic: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub purpose: Option<String>,
}

/// `POST /api/v1/channels`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateChannelRequest {
    pub name: String,
    pub kind: NewChannelKind,
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub department_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub topic: Option<String>,
}

/// `POST /api/v1/dms`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateDmRequest {
    pub user_ids: Vec<String>,
}

/// `POST /api/v1/channels/{id}/messages`. Build it with `..Default::default()`: fields are
/// added to it as the contract grows.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendMessageRequest {
    pub body: String,
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub client_msg_id: Option<String>,
    #[serde(default, deserialize_with = "crate::integers::optional_integer")]
    #[cfg_attr(feature = "typescript", ts(optional, type = "number"))]
    pub thread_root: Option<i64>,
    /// A thread reply also shown in the channel (additive to v1).
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub also_in_channel: Option<bool>,
    /// Attachments, blocks and buttons (bots only; additive to v1).
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub extras: Option<crate::integrations::MessageExtras>,
    /// Files the sender uploaded and has not posted yet, at most
    /// [`MAX_FILES_PER_MESSAGE`] (additive to v1). The body may then be empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<String>>", optional))]
    pub file_ids: Vec<String>,
}

/// `GET /api/v1/channels/{id}/messages`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessagePage {
    pub messages: Vec<Message>,
    pub has_more: bool,
}

/// `GET /api/v1/channels/{id}/threads/{root_seq}`: the root, then a page of its replies.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThreadPage {
    pub root: Message,
    /// Ascending `seq`.
    pub replies: Vec<Message>,
    pub has_more: bool,
}

/// A thread the caller follows, in `GET /api/v1/threads`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowedThread {
    pub channel_id: String,
    /// The root, with its `reply_count`, `last_reply_at` and `participant_ids`.
    pub root: Message,
    /// The caller's read marker in the thread (a reply's `seq`).
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub last_read_seq: i64,
    /// Replies after `last_read_seq` that others wrote.
    pub unread_replies: u32,
}

/// `GET /api/v1/threads`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThreadList {
    /// Most recent reply first.
    pub threads: Vec<FollowedThread>,
    pub has_more: bool,
}

/// A read marker as it is after a change (`…/unread`, a thread's `…/read`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadMarker {
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    pub last_read_seq: i64,
}

/// `POST /api/v1/channels/{id}/unread`: mark unread from the message at `seq` on.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkUnreadRequest {
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    #[serde(deserialize_with = "crate::integers::integer")]
    pub seq: i64,
}

/// `PUT /api/v1/channels/{id}/threads/{root_seq}/read`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThreadReadRequest {
    #[cfg_attr(feature = "typescript", ts(type = "number"))]
    #[serde(deserialize_with = "crate::integers::integer")]
    pub seq: i64,
}

/// A pinned message in `GET /api/v1/channels/{id}/pins`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pin {
    pub message: Message,
    pub pinned_by: String,
    pub pinned_at: String,
}

/// `GET /api/v1/channels/{id}/pins`: most recently pinned first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PinList {
    pub pins: Vec<Pin>,
}

/// A message the caller saved, in `GET /api/v1/saved`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavedMessage {
    pub message: Message,
    pub saved_at: String,
}

/// `GET /api/v1/saved`: most recently saved first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavedList {
    pub saved: Vec<SavedMessage>,
}

/// `GET /api/v1/channels/{id}/events`: event frames exactly as the WebSocket sends them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventPage {
    pub events: Vec<ServerFrame>,
    pub has_more: bool,
}

/// `resume` map of the `auth` frame: channel id -> last `seq` seen.
pub type ResumePoints = BTreeMap<String, i64>;

/// `POST /api/v1/bots` (admins).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateBotRequest {
    pub username: String,
    pub display_name: String,
}

/// Answer of `POST /api/v1/bots`: the bot account and its first token, shown only this once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedBot {
    pub bot: User,
    pub token: String,
}

/// `POST /api/v1/bots/{id}/tokens`: a further token (to rotate: create one, then revoke the old).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateBotTokenRequest {
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub label: Option<String>,
}

/// A new bot token; the secret is shown only this once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewBotToken {
    pub id: String,
    pub token: String,
}

/// A bot token as listed: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BotToken {
    pub id: String,
    pub label: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// `GET /api/v1/search`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub results: Vec<SearchResult>,
    /// Pass as `cursor` for the next page; `null` on the last one.
    pub next_cursor: Option<String>,
}

/// One message a search found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResult {
    pub channel_id: String,
    pub message: Message,
    /// An excerpt of the body (or of a file name) around the words found: HTML-escaped text
    /// in which each found word is wrapped in `<mark>` and `</mark>`.
    pub highlight: String,
}
