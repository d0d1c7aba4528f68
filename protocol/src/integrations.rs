//! Integration types: what a message posted by a webhook or a bot may carry besides its body,
//! and the management bodies of incoming webhooks.
//!
//! Attachments and blocks follow Slack's shapes (the subset PROTOCOL.md names), so that tools
//! that speak Slack's webhook format work unchanged. Their text fields are already converted
//! from Slack mrkdwn to Xerrada's Markdown when stored.

use serde::{Deserialize, Serialize};
#[cfg(feature = "typescript")]
use ts_rs::TS;

/// Extra presentation of a message; absent on ordinary messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageExtras {
    /// Name to show instead of the author's (webhook `username`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub username: Option<String>,
    /// Icon the sender asked for. Clients must not fetch it from another origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub icon_url: Option<String>,
    /// An emoji shortcode such as `:ghost:`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub icon_emoji: Option<String>,
    /// The incoming webhook that posted it, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub webhook_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<Attachment>>", optional))]
    pub attachments: Vec<Attachment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<Block>>", optional))]
    pub blocks: Vec<Block>,
    /// Buttons under the message. A click is sent to the bot that posted it (an `action`
    /// frame), which answers by updating the message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(
        feature = "typescript",
        ts(as = "Option<Vec<MessageAction>>", optional)
    )]
    pub actions: Vec<MessageAction>,
}

/// A button of an interactive message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageAction {
    /// Identifies the button to the bot (e.g. `assign`).
    pub id: String,
    /// Text on the button.
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub style: Option<ActionStyle>,
    /// Opaque data the bot gets back with the click (e.g. a ticket number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub value: Option<String>,
}

/// How a button looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionStyle {
    Default,
    Primary,
    Danger,
}

/// `POST /api/v1/channels/{id}/messages/{message_id}/actions`: a click on a button.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionRequest {
    pub action_id: String,
}

/// `PATCH /api/v1/channels/{id}/messages/{message_id}`: the author changes its message.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EditMessageRequest {
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub body: Option<String>,
    /// Replaces the message's extras (bots updating an interactive message).
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub extras: Option<MessageExtras>,
}

impl MessageExtras {
    /// True when there is nothing to store.
    pub fn is_empty(&self) -> bool {
        self == &MessageExtras::default()
    }
}

/// A Slack-style attachment (legacy "secondary" content with a color bar).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub fallback: Option<String>,
    /// `good`, `warning`, `danger` or a `#rrggbb` color.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub pretext: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub author_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub title_link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(
        feature = "typescript",
        ts(as = "Option<Vec<AttachmentField>>", optional)
    )]
    pub fields: Vec<AttachmentField>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub footer: Option<String>,
}

/// A field of an attachment: a small title/value pair, shown two per row when `short`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentField {
    pub title: String,
    pub value: String,
    #[serde(default)]
    pub short: bool,
}

/// A Block Kit block of the supported kinds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// Text, optionally with fields shown in two columns.
    Section {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", ts(optional))]
        text: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<String>>", optional))]
        fields: Vec<String>,
    },
    /// A large plain-text title.
    Header { text: String },
    /// Small, muted text elements.
    Context { elements: Vec<String> },
    /// A horizontal rule.
    Divider,
}

/// An incoming webhook as listed to channel members (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub id: String,
    pub channel_id: String,
    pub name: String,
    /// The hook's owner: its creator, or whoever took it over.
    pub created_by: String,
    pub created_at: String,
    /// True while the owner is deactivated or no longer a member of the channel: posts to
    /// the hook are refused until a member takes it over.
    #[serde(default)]
    pub disabled: bool,
}

/// A webhook with its posting URL, answered only on creation and regeneration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookWithUrl {
    pub id: String,
    pub channel_id: String,
    pub name: String,
    /// Path to POST to, e.g. `/hooks/<secret>`; the secret is shown only now.
    pub url: String,
}

/// `POST /api/v1/channels/{id}/webhooks` and `PATCH /api/v1/webhooks/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookRequest {
    pub name: String,
}

/// `POST /api/v1/commands` (admins): registers an external slash command.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateCommandRequest {
    /// Without the slash: `deploy` is invoked as `/deploy`.
    pub name: String,
    /// Where calls are POSTed; its host must be on the outbound allowlist.
    pub url: String,
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub description: Option<String>,
}

/// A registered slash command. `token` is shown to admins: the receiving service checks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlashCommand {
    pub id: String,
    pub name: String,
    pub url: String,
    pub token: String,
    pub description: String,
    pub created_by: String,
    pub created_at: String,
}

/// `GET /api/v1/channels/{id}/commands`: a command someone may type in that channel, besides
/// the built-in ones: an admin's external command, or one a member bot registered with the
/// Telegram-compatible `setMyCommands` (then `bot_id` and `bot_username` name it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelCommand {
    pub name: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub bot_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub bot_username: Option<String>,
}

/// `GET`/`PUT /api/v1/bots/{id}/telegram` (admins): how a bot speaks the Telegram-compatible
/// Bot API. `privacy` is Telegram's privacy mode: on (the default), the bot receives in group
/// channels only commands, mentions of it and replies in its threads; off, every message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TelegramBotSettings {
    pub privacy: bool,
}

/// How an external command (or a late reply on its `response_url`) answers.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommandResponse {
    /// `ephemeral` (the default: only the caller sees it) or `in_channel` (posted).
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub response_type: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub text: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub attachments: Option<Vec<Attachment>>,
    /// Name to show for an `in_channel` answer.
    #[serde(default)]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub username: Option<String>,
}
