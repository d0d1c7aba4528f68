//! Converting stored channel events and channel views into wire types.

use xerrada_protocol::{Channel, ServerFrame};

use crate::store::{ChannelEvent, ChannelView, EventKind};

/// The frame a channel event travels as, live, on replay and from the REST events endpoint.
pub fn event_frame(event: &ChannelEvent) -> ServerFrame {
    let channel_id = event.channel_id.clone();
    let seq = event.seq;
    match &event.kind {
        EventKind::Message(message) => ServerFrame::Message {
            channel_id,
            seq,
            message: message.clone(),
        },
        EventKind::MessageUpdated(message) => ServerFrame::MessageUpdated {
            channel_id,
            seq,
            message: message.clone(),
        },
        EventKind::MemberJoined { user_id } => ServerFrame::MemberJoined {
            channel_id,
            seq,
            user_id: user_id.clone(),
        },
        EventKind::MemberLeft { user_id } => ServerFrame::MemberLeft {
            channel_id,
            seq,
            user_id: user_id.clone(),
        },
        EventKind::MessageDeleted {
            message_id,
            user_id,
        } => ServerFrame::MessageDeleted {
            channel_id,
            seq,
            message_id: message_id.clone(),
            user_id: user_id.clone(),
        },
        EventKind::ChannelUpdated {
            user_id,
            name,
            topic,
            purpose,
            archived,
        } => ServerFrame::ChannelUpdated {
            channel_id,
            seq,
            user_id: user_id.clone(),
            name: name.clone(),
            topic: topic.clone(),
            purpose: purpose.clone(),
            archived: *archived,
        },
        EventKind::MessagePinned {
            message_id,
            user_id,
        } => ServerFrame::MessagePinned {
            channel_id,
            seq,
            message_id: message_id.clone(),
            user_id: user_id.clone(),
        },
        EventKind::MessageUnpinned {
            message_id,
            user_id,
        } => ServerFrame::MessageUnpinned {
            channel_id,
            seq,
            message_id: message_id.clone(),
            user_id: user_id.clone(),
        },
        EventKind::ReactionAdded {
            message_id,
            user_id,
            emoji,
        } => ServerFrame::ReactionAdded {
            channel_id,
            seq,
            message_id: message_id.clone(),
            user_id: user_id.clone(),
            emoji: emoji.clone(),
        },
        EventKind::ReactionRemoved {
            message_id,
            user_id,
            emoji,
        } => ServerFrame::ReactionRemoved {
            channel_id,
            seq,
            message_id: message_id.clone(),
            user_id: user_id.clone(),
            emoji: emoji.clone(),
        },
    }
}

/// A channel as the caller sees it.
pub fn channel_resource(view: ChannelView) -> Channel {
    let record = view.channel;
    Channel {
        id: record.id,
        name: record.name,
        kind: record.kind,
        department_id: record.department_id,
        topic: record.topic,
        last_seq: record.last_seq,
        member_count: record.member_count,
        joined: view.joined,
        last_read_seq: view.last_read_seq,
        unread: view.unread,
        mention_count: view.mention_count,
        member_ids: record.dm_member_ids,
        purpose: record.purpose,
        archived: record.archived,
        owner_id: record.created_by,
        muted: view.muted,
    }
}

/// An `ephemeral` frame.
/// The `error` frame answering a refused frame (with the wait when it is `rate_limited`).
pub fn error_frame(reference: Option<String>, error: &crate::error::AppError) -> ServerFrame {
    ServerFrame::Error {
        reference,
        code: error.code(),
        message: error.client_message(),
        retry_after_ms: error.retry_after_ms(),
    }
}

/// A refusal that is not an [`AppError`] (a frame that cannot be decoded).
pub fn refusal_frame(
    reference: Option<String>,
    code: xerrada_protocol::ErrorCode,
    message: impl Into<String>,
) -> ServerFrame {
    ServerFrame::Error {
        reference,
        code,
        message: message.into(),
        retry_after_ms: None,
    }
}

pub fn ephemeral(
    channel_id: &str,
    reference: Option<String>,
    text: String,
    attachments: Vec<xerrada_protocol::Attachment>,
) -> ServerFrame {
    ServerFrame::Ephemeral {
        channel_id: channel_id.to_owned(),
        reference,
        text,
        attachments: (!attachments.is_empty()).then_some(attachments),
    }
}
