//! Plain records the store reads and writes. Where a record is exactly a wire resource it is
//! the `protocol` type itself; the rest are defined here.

use serde::{Deserialize, Serialize};

pub use xerrada_protocol::{
    ChannelKind, Department, FileInfo, InfoArticle, Message, MessageExtras, Role, SlashCommand,
    Ticket, TicketEvent, TicketFile, TicketPriority, TicketStatus, User, UserKind, Webhook,
};

/// A new account. The password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub kind: UserKind,
    pub role: Role,
    pub password_hash: Option<String>,
    /// `""` when none.
    pub email: String,
    pub created_at: String,
}

/// An account with its password hash, for login only.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user: User,
    pub password_hash: Option<String>,
}

/// A partial update of an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    pub display_name: Option<String>,
    pub password_hash: Option<String>,
    pub role: Option<Role>,
    pub status_text: Option<String>,
    pub timezone: Option<String>,
    pub email: Option<String>,
}

/// A channel to create.
#[derive(Debug, Clone)]
pub struct NewChannel {
    pub id: String,
    pub name: String,
    pub kind: ChannelKind,
    pub department_id: Option<String>,
    pub topic: String,
    /// Set for direct channels only.
    pub dm_key: Option<String>,
    pub created_at: String,
    /// Who created it (its owner); `None` for direct and department channels.
    pub created_by: Option<String>,
}

/// A channel as stored, without any caller's view of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelRecord {
    pub id: String,
    pub name: String,
    pub kind: ChannelKind,
    pub department_id: Option<String>,
    pub topic: String,
    pub last_seq: i64,
    pub member_count: i64,
    /// Member ids, for direct channels only.
    pub dm_member_ids: Option<Vec<String>>,
    /// Its owner, with admins; `None` for direct and department channels and for channels
    /// made before owners were recorded.
    pub created_by: Option<String>,
    pub purpose: String,
    pub archived: bool,
}

/// A channel seen by one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelView {
    pub channel: ChannelRecord,
    pub joined: bool,
    pub last_read_seq: i64,
    pub unread: i64,
    pub mention_count: i64,
    pub muted: bool,
}

/// A channel with its member ids (for the membership cache).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChannelMembers {
    pub channel_id: String,
    pub kind: ChannelKind,
    pub department_id: Option<String>,
    /// True for a department's own channel, whose membership is the department's.
    pub follows_department: bool,
    pub member_ids: Vec<String>,
    /// Archived: read-only.
    #[serde(default)]
    pub archived: bool,
}

/// One write of the writer's batch.
#[derive(Debug, Clone)]
pub enum WriteOp {
    /// Post a message. `message_id` and `created_at` are chosen by the caller; when the author
    /// already posted `client_msg_id`, the original message is the outcome instead.
    PostMessage {
        channel_id: String,
        author_id: String,
        message_id: String,
        body: String,
        client_msg_id: Option<String>,
        thread_root: Option<i64>,
        created_at: String,
        /// Presentation extras (webhooks, bots); `None` for ordinary messages. Boxed: most
        /// operations are plain messages and should not carry its size.
        extras: Option<Box<MessageExtras>>,
        /// The channel members the body mentions, resolved by the service.
        mentions: Vec<String>,
        /// A thread reply also shown in the channel.
        also_in_channel: bool,
        /// The author's unposted uploads it carries, as checked by the service; the batch
        /// claims them, or answers `FilesUnavailable`.
        files: Vec<FileInfo>,
        /// The files are a ticket's, shown again (the desk bot's relays): they stay where
        /// they were posted, and are read through the ticket.
        files_from_ticket: bool,
    },
    /// Change a message's body and/or extras (a `message_updated` event). Only its author may.
    EditMessage {
        channel_id: String,
        message_id: String,
        editor_id: String,
        body: Option<String>,
        /// `Some(None)` removes the extras; `None` leaves them.
        extras: Option<Option<Box<MessageExtras>>>,
        /// Who the new body mentions; `None` leaves the mentions as they are.
        mentions: Option<Vec<String>>,
        at: String,
    },
    /// Delete a message (a `message_deleted` event): it stays as a tombstone, its last version
    /// is kept in `message_versions`, its reactions go. Who may is the service's rule.
    DeleteMessage {
        channel_id: String,
        message_id: String,
        actor_id: String,
        at: String,
    },
    /// Add (`add`) or take back a reaction (a `reaction_added` / `reaction_removed` event, or
    /// `Unchanged` when there is nothing to do). `emoji` is already in its Unicode form.
    React {
        channel_id: String,
        message_id: String,
        user_id: String,
        emoji: String,
        add: bool,
        at: String,
    },
    /// Pin (`pin`) or unpin a message (a `message_pinned` / `message_unpinned` event, or
    /// `Unchanged` when there is nothing to do).
    Pin {
        channel_id: String,
        message_id: String,
        user_id: String,
        pin: bool,
        at: String,
    },
    /// Change a channel's name, topic, purpose or archived state (a `channel_updated` event, or
    /// `Unchanged` when nothing differs). Who may is the service's rule.
    UpdateChannel {
        channel_id: String,
        user_id: String,
        change: ChannelChange,
        at: String,
    },
    /// Add a member to a channel (a `member_joined` event unless already a member).
    AddMember {
        channel_id: String,
        user_id: String,
        at: String,
    },
    /// Remove a member from a channel (a `member_left` event unless not a member).
    RemoveMember {
        channel_id: String,
        user_id: String,
        at: String,
    },
    /// Add a user to a department and so to its channel.
    AddDepartmentMember {
        department_id: String,
        user_id: String,
        at: String,
    },
    /// Remove a user from a department and so from its channel.
    RemoveDepartmentMember {
        department_id: String,
        user_id: String,
        at: String,
    },
}

/// What one [`WriteOp`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOutcome {
    /// A new event was committed.
    Committed(ChannelEvent),
    /// The message was posted before with this `client_msg_id`: the original.
    Duplicate(ChannelEvent),
    /// Nothing to do (already a member, not a member).
    Unchanged,
    /// The channel, department or user does not exist.
    NotFound,
    /// `thread_root` does not name a message of the channel.
    InvalidThreadRoot,
    /// `thread_root` names a reply: threads are one level deep.
    ReplyToReply,
    /// The author already used this `client_msg_id` for a message in another channel.
    ClientMsgIdReused,
    /// Only a message's author may edit it.
    NotAuthor,
    /// The message is deleted: it cannot be edited or reacted to.
    Deleted,
    /// The message already has [`MAX_REACTION_KINDS`] different emoji.
    TooManyReactions,
    /// The channel already has [`MAX_PINS`] pinned messages.
    TooManyPins,
    /// A file to post is not the author's, was posted already, or is gone.
    FilesUnavailable,
}

/// How many different emoji one message may carry (Mattermost allows 50 as well).
pub const MAX_REACTION_KINDS: usize = 50;

/// How many messages one channel may have pinned (as Slack).
pub const MAX_PINS: usize = 100;

/// An event of a channel's sequence (also what nodes send each other on the bus).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelEvent {
    pub channel_id: String,
    pub seq: i64,
    pub kind: EventKind,
}

/// What happened at a channel's `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
// Nearly every event is a message: boxing it would add an allocation to the common case to
// save memory in the rare membership events.
#[allow(clippy::large_enum_variant)]
pub enum EventKind {
    Message(Message),
    /// A message changed; this is its new version (with its own, original `seq`).
    MessageUpdated(Message),
    MemberJoined {
        user_id: String,
    },
    MemberLeft {
        user_id: String,
    },
    MessageDeleted {
        message_id: String,
        user_id: String,
    },
    ReactionAdded {
        message_id: String,
        user_id: String,
        emoji: String,
    },
    ReactionRemoved {
        message_id: String,
        user_id: String,
        emoji: String,
    },
    MessagePinned {
        message_id: String,
        user_id: String,
    },
    /// The channel as it is after the change.
    ChannelUpdated {
        user_id: String,
        name: String,
        topic: String,
        purpose: String,
        archived: bool,
    },
    MessageUnpinned {
        message_id: String,
        user_id: String,
    },
}

impl WriteOp {
    /// A new message by `author_id` in `channel_id`, with a fresh id and the current time; the
    /// one way every path (REST, sockets, webhooks, commands, the support bot) builds a post.
    pub fn post(
        channel_id: &str,
        author_id: &str,
        body: String,
        extras: Option<MessageExtras>,
    ) -> WriteOp {
        WriteOp::PostMessage {
            channel_id: channel_id.to_owned(),
            author_id: author_id.to_owned(),
            message_id: crate::ids::new_id(),
            body,
            client_msg_id: None,
            thread_root: None,
            created_at: crate::ids::now(),
            extras: extras.map(Box::new),
            mentions: Vec::new(),
            also_in_channel: false,
            files: Vec::new(),
            files_from_ticket: false,
        }
    }

    /// The same post, as a reply in the thread of the message at `root_seq`.
    pub fn in_thread(mut self, root_seq: i64) -> WriteOp {
        if let WriteOp::PostMessage { thread_root, .. } = &mut self {
            *thread_root = Some(root_seq);
        }
        self
    }

    /// The same reply, also shown in the channel.
    pub fn also_in_channel(mut self, shown: bool) -> WriteOp {
        if let WriteOp::PostMessage {
            also_in_channel, ..
        } = &mut self
        {
            *also_in_channel = shown;
        }
        self
    }

    /// The same post, mentioning `user_ids`.
    pub fn mentioning(mut self, user_ids: Vec<String>) -> WriteOp {
        if let WriteOp::PostMessage { mentions, .. } = &mut self {
            *mentions = user_ids;
        }
        self
    }

    /// The same post, carrying `files` (checked by the service, claimed by the batch).
    pub fn with_files(mut self, attached: Vec<FileInfo>) -> WriteOp {
        if let WriteOp::PostMessage { files, .. } = &mut self {
            *files = attached;
        }
        self
    }

    /// The same post, showing files attached to a ticket (the desk bot's relays): nothing is
    /// claimed, and who may read them is the ticket's business.
    pub fn showing_ticket_files(mut self, shown: Vec<FileInfo>) -> WriteOp {
        if let WriteOp::PostMessage {
            files,
            files_from_ticket,
            ..
        } = &mut self
        {
            *files = shown;
            *files_from_ticket = true;
        }
        self
    }

    /// The same post, made idempotent by `client_msg_id` and placed in a thread.
    pub fn keyed(mut self, key: Option<String>, root: Option<i64>) -> WriteOp {
        if let WriteOp::PostMessage {
            client_msg_id,
            thread_root,
            ..
        } = &mut self
        {
            *client_msg_id = key;
            *thread_root = root;
        }
        self
    }

    /// The message a `PostMessage` stores at `seq` (the same record for every backend);
    /// `None` for other operations.
    pub fn posted_message(&self, seq: i64) -> Option<Message> {
        match self {
            WriteOp::PostMessage {
                channel_id,
                author_id,
                message_id,
                body,
                client_msg_id,
                thread_root,
                created_at,
                extras,
                mentions,
                also_in_channel,
                files,
                files_from_ticket: _,
            } => Some(Message {
                id: message_id.clone(),
                channel_id: channel_id.clone(),
                seq,
                author_id: author_id.clone(),
                body: body.clone(),
                created_at: created_at.clone(),
                client_msg_id: client_msg_id.clone(),
                thread_root: *thread_root,
                edited_at: None,
                deleted: false,
                extras: extras.as_deref().cloned(),
                reactions: Vec::new(),
                reply_count: 0,
                last_reply_at: None,
                participant_ids: Vec::new(),
                mentions: mentions.clone(),
                also_in_channel: *also_in_channel,
                pinned: false,
                files: files.clone(),
            }),
            _ => None,
        }
    }
}

/// What a `WriteOp::UpdateChannel` changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChannelChange {
    pub name: Option<String>,
    pub topic: Option<String>,
    pub purpose: Option<String>,
    pub archived: Option<bool>,
}

/// A version of a message that an edit or a delete replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageVersion {
    pub body: String,
    pub extras: Option<MessageExtras>,
    pub replaced_at: String,
    pub replaced_by: String,
}

/// Which slice of history to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryQuery {
    /// The `limit` messages just before `seq`.
    Before { seq: i64, limit: u32 },
    /// The `limit` messages just after `seq`.
    After { seq: i64, limit: u32 },
    /// The latest `limit` messages.
    Latest { limit: u32 },
}

/// Messages in ascending `seq`, and whether more exist in the direction read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageSlice {
    pub messages: Vec<Message>,
    pub has_more: bool,
}

/// A login session with its first refresh token (hashed).
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: String,
    pub user_id: String,
    pub refresh_hash: String,
    pub created_at: String,
    pub expires_at: String,
}

/// A long-lived token session (a bot token), stored as the hash of its secret.
#[derive(Debug, Clone)]
pub struct NewTokenSession {
    pub id: String,
    pub user_id: String,
    pub token_hash: String,
    pub label: String,
    pub created_at: String,
}

/// What authenticating with a bot token needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSession {
    pub id: String,
    pub user_id: String,
    pub revoked: bool,
}

/// A token session as listed to its managers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSessionInfo {
    pub id: String,
    pub label: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// An incoming webhook with the hash of its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRecord {
    pub webhook: Webhook,
    pub secret_hash: String,
}

/// A grant to answer a command later through its `response_url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseGrant {
    pub token_hash: String,
    pub command_id: String,
    pub channel_id: String,
    pub user_id: String,
    pub expires_at: String,
    pub uses: i64,
}

/// A ticket to open.
#[derive(Debug, Clone)]
pub struct NewTicket {
    pub requester_id: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub priority: TicketPriority,
    pub created_at: String,
    /// Files attached with the request (checked by the service).
    pub file_ids: Vec<String>,
}

/// Which tickets to list; `None` does not filter.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    pub status: Option<TicketStatus>,
    pub assignee_id: Option<String>,
    pub category: Option<String>,
    pub requester_id: Option<String>,
    /// Leave out closed tickets.
    pub open_only: bool,
}

/// A change of a ticket's fields; `None` leaves a field, `assignee_id: Some(None)` unassigns.
#[derive(Debug, Clone, Default)]
pub struct TicketChange {
    pub status: Option<TicketStatus>,
    pub priority: Option<TicketPriority>,
    pub assignee_id: Option<Option<String>>,
    pub category: Option<String>,
    /// Files to attach (checked by the service), internal ones with a note.
    pub attach: Vec<String>,
    pub attach_internal: bool,
}

/// Result of presenting a refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The token was current: it is now used, the new one is current.
    Rotated { session_id: String, user_id: String },
    /// The token had been used already: the session is now revoked (probable theft).
    Reused { session_id: String },
    /// Unknown token, or its session is revoked or expired.
    Invalid,
}

/// An uploaded file as the store keeps it: what clients see, and who may read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRecord {
    pub info: FileInfo,
    pub uploader_id: String,
    pub created_at: String,
    /// Where it is posted now; `None` before it is posted and after its message is deleted.
    pub channel_id: Option<String>,
    pub message_id: Option<String>,
    /// It was posted once: a file is posted at most once, even after its message is deleted.
    pub posted: bool,
}
