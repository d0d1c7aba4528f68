//! WebSocket frames: one JSON object per text frame, tagged by `"type"`.

use serde::{Deserialize, Serialize};
#[cfg(feature = "typescript")]
use ts_rs::TS;

use crate::error::ErrorCode;
use crate::rest::{Channel, Message, ResumePoints, User};

/// Frames a client sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Must be first, within the auth timeout.
    Auth {
        token: String,
        #[serde(default)]
        #[cfg_attr(feature = "typescript", ts(optional, type = "Record<string, number>"))]
        resume: Option<ResumePoints>,
        /// The client's UI language (`ca`, `es`, `en`), for answers such as `/info` (additive).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", ts(optional))]
        lang: Option<String>,
    },
    /// Post a message; answered by `ack` after commit, or `error`.
    Send {
        #[serde(rename = "ref", default)]
        #[cfg_attr(feature = "typescript", ts(optional))]
        reference: Option<String>,
        channel_id: String,
        client_msg_id: String,
        body: String,
        #[serde(default)]
        #[cfg_attr(feature = "typescript", ts(optional, type = "number"))]
        thread_root: Option<i64>,
        /// A thread reply also shown in the channel (additive to v1).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        #[cfg_attr(feature = "typescript", ts(as = "Option<bool>", optional))]
        also_in_channel: bool,
        /// Files to post with the message, as in `POST .../messages` (additive to v1).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<String>>", optional))]
        file_ids: Vec<String>,
    },
    /// Move the caller's read marker (never backwards); a thread's when `thread_root` is set
    /// (additive to v1).
    Read {
        channel_id: String,
        #[cfg_attr(feature = "typescript", ts(type = "number"))]
        seq: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", ts(optional, type = "number"))]
        thread_root: Option<i64>,
    },
    /// "I am typing" in a channel; relayed to the other members.
    Typing { channel_id: String },
    /// Edit one's own message (additive to v1; REST's `PATCH` does the same). Answered with an
    /// `ack` carrying the `message_updated` event's `seq`, or an `error`.
    Edit {
        #[serde(rename = "ref", default)]
        #[cfg_attr(feature = "typescript", ts(optional))]
        reference: Option<String>,
        channel_id: String,
        message_id: String,
        body: String,
    },
    /// Application-level ping; answered by `pong`.
    Ping {
        #[serde(rename = "ref", default)]
        #[cfg_attr(feature = "typescript", ts(optional))]
        reference: Option<String>,
    },
}

/// Presence of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PresenceStatus {
    Online,
    Away,
    Offline,
}

/// Frames the server sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    Ready {
        session_id: String,
        user: User,
        channels: Vec<Channel>,
        /// Users with at least one open socket right now (additive to v1).
        #[serde(default)]
        online_user_ids: Vec<String>,
    },
    Message {
        channel_id: String,
        #[cfg_attr(feature = "typescript", ts(type = "number"))]
        seq: i64,
        message: Message,
    },
    MemberJoined {
        channel_id: String,
        #[cfg_attr(feature = "typescript", ts(type = "number"))]
        seq: i64,
        user_id: String,
    },
    MemberLeft {
        channel_id: String,
        #[cfg_attr(feature = "typescript", ts(type = "number"))]
        seq: i64,
        user_id: String,
    },
    /// A message was edited (by its author, or a bot updating an interactive message). `seq`
    /// is this event's; `message.seq` is the message's own. Replace the message by `id`.
    MessageUpdated {
        channel_id: String,
        #[cfg_attr(feature = "typescript", ts(type = "number"))]
        seq: i64,
        message: Message,
    },
    /// A message was deleted by `user_id` (its author, the channel's owner or an admin). It
    /// stays in history as a tombstone (`deleted: true`, body and extras emptied).
    MessageDeleted {
        channel_id: String,
        #[cfg_attr(feature = "typescript", ts(type = "number"))]
        seq: i64,
        message_id: String,
        user_id: String,
    },
    /// `user_id` reacted to a message with `emoji` (its Unicode form).
    ReactionAdded {
        channel_id: String,
        #[cfg_attr(feature = "typescript", ts(type = "number"))]
        seq: i64,
        message_id: String,
        user_id: String,
        emoji: String,
    },
    /// `user_id` took back its `emoji` reaction.
    ReactionRemoved {
        channel_id: String,
        #[cfg_attr(feature = "typescript", ts(type = "number"))]
        seq: i64,
        message_id: String,
        user_id: String,
        emoji: String,
    },
    /// A channel's name, topic, purpose or archived state changed (by `user_id`); the frame
    /// carries them as they are now.
    ChannelUpdated {
        channel_id: String,
        #[cfg_attr(feature = "typescript", ts(type = "number"))]
        seq: i64,
        user_id: String,
        name: String,
        topic: String,
        purpose: String,
        archived: bool,
    },
    /// A member pinned a message of the channel.
    MessagePinned {
        channel_id: String,
        #[cfg_attr(feature = "typescript", ts(type = "number"))]
        seq: i64,
        message_id: String,
        user_id: String,
    },
    /// A member unpinned it.
    MessageUnpinned {
        channel_id: String,
        #[cfg_attr(feature = "typescript", ts(type = "number"))]
        seq: i64,
        message_id: String,
        user_id: String,
    },
    /// A click on a button of a message this bot posted (sent to the bot's sockets only).
    Action {
        channel_id: String,
        message_id: String,
        action_id: String,
        value: Option<String>,
        /// Who clicked.
        user_id: String,
    },
    Ack {
        #[serde(rename = "ref")]
        reference: Option<String>,
        channel_id: String,
        #[cfg_attr(feature = "typescript", ts(type = "number"))]
        seq: i64,
        message_id: String,
    },
    Error {
        #[serde(rename = "ref")]
        reference: Option<String>,
        code: ErrorCode,
        message: String,
        /// With `rate_limited`: how long to wait before sending the refused frame again
        /// (additive to v1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", ts(type = "number", optional))]
        retry_after_ms: Option<u64>,
    },
    Resync {
        channel_id: String,
        #[cfg_attr(feature = "typescript", ts(type = "number"))]
        from_seq: i64,
    },
    Typing {
        channel_id: String,
        user_id: String,
    },
    Read {
        channel_id: String,
        #[cfg_attr(feature = "typescript", ts(type = "number"))]
        seq: i64,
        /// Set when the marker is a thread's (additive to v1): `seq` is then a reply's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", ts(optional, type = "number"))]
        thread_root: Option<i64>,
    },
    Presence {
        user_id: String,
        status: PresenceStatus,
    },
    Channel {
        channel: Channel,
    },
    ChannelRemoved {
        channel_id: String,
    },
    Ephemeral {
        channel_id: String,
        #[serde(rename = "ref")]
        reference: Option<String>,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", ts(optional))]
        attachments: Option<Vec<crate::integrations::Attachment>>,
    },
    Pong {
        #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", ts(optional))]
        reference: Option<String>,
    },
}

impl ServerFrame {
    /// The `(channel_id, seq)` of a channel event frame, `None` for other frames.
    pub fn channel_seq(&self) -> Option<(&str, i64)> {
        match self {
            ServerFrame::Message {
                channel_id, seq, ..
            }
            | ServerFrame::MemberJoined {
                channel_id, seq, ..
            }
            | ServerFrame::MemberLeft {
                channel_id, seq, ..
            }
            | ServerFrame::MessageUpdated {
                channel_id, seq, ..
            }
            | ServerFrame::MessageDeleted {
                channel_id, seq, ..
            }
            | ServerFrame::ReactionAdded {
                channel_id, seq, ..
            }
            | ServerFrame::ReactionRemoved {
                channel_id, seq, ..
            }
            | ServerFrame::MessagePinned {
                channel_id, seq, ..
            }
            | ServerFrame::MessageUnpinned {
                channel_id, seq, ..
            }
            | ServerFrame::ChannelUpdated {
                channel_id, seq, ..
            } => Some((channel_id, *seq)),
            _ => None,
        }
    }
}

impl ClientFrame {
    /// A plain `send` frame; set the other fields on the result (`thread_root`, `ref`, ...).
    /// Clients build frames with this rather than a literal, which breaks each time the
    /// contract adds an optional field.
    pub fn send(
        channel_id: impl Into<String>,
        client_msg_id: impl Into<String>,
        body: impl Into<String>,
    ) -> ClientFrame {
        ClientFrame::Send {
            reference: None,
            channel_id: channel_id.into(),
            client_msg_id: client_msg_id.into(),
            body: body.into(),
            thread_root: None,
            also_in_channel: false,
            file_ids: Vec::new(),
        }
    }

    /// The same frame with `ref` set (frames without a `ref` are returned unchanged).
    pub fn with_ref(mut self, value: impl Into<String>) -> ClientFrame {
        if let ClientFrame::Send { reference, .. } | ClientFrame::Edit { reference, .. } = &mut self
        {
            *reference = Some(value.into());
        }
        self
    }

    /// The same `send` placed in the thread of `root` (other frames unchanged).
    pub fn in_thread(mut self, root: i64) -> ClientFrame {
        if let ClientFrame::Send { thread_root, .. } = &mut self {
            *thread_root = Some(root);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_frame_reads_ref_and_optional_thread_root() {
        let frame: ClientFrame = serde_json::from_str(
            r#"{"type":"send","ref":"r1","channel_id":"c","client_msg_id":"m","body":"hola"}"#,
        )
        .expect("valid send frame");
        assert_eq!(
            frame,
            ClientFrame::Send {
                reference: Some("r1".into()),
                channel_id: "c".into(),
                client_msg_id: "m".into(),
                body: "hola".into(),
                thread_root: None,
                also_in_channel: false,
                file_ids: Vec::new(),
            }
        );
    }

    #[test]
    fn unknown_frame_type_is_refused() {
        assert!(serde_json::from_str::<ClientFrame>(r#"{"type":"shout"}"#).is_err());
    }

    #[test]
    fn ack_and_error_always_carry_ref_even_when_null() {
        let ack = ServerFrame::Ack {
            reference: None,
            channel_id: "c".into(),
            seq: 3,
            message_id: "m".into(),
        };
        assert_eq!(
            serde_json::to_value(&ack).expect("serializable"),
            serde_json::json!({"type":"ack","ref":null,"channel_id":"c","seq":3,"message_id":"m"})
        );
        let err = ServerFrame::Error {
            reference: Some("x".into()),
            code: ErrorCode::NotFound,
            message: "no".into(),
            retry_after_ms: None,
        };
        assert_eq!(
            serde_json::to_value(&err).expect("serializable"),
            serde_json::json!({"type":"error","ref":"x","code":"not_found","message":"no"})
        );
    }

    #[test]
    fn member_events_report_their_channel_seq() {
        let joined = ServerFrame::MemberJoined {
            channel_id: "c".into(),
            seq: 7,
            user_id: "u".into(),
        };
        assert_eq!(joined.channel_seq(), Some(("c", 7)));
        assert_eq!(ServerFrame::Pong { reference: None }.channel_seq(), None);
    }
}
