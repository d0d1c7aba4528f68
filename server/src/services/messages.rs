//! Messages: posting (REST and WebSocket share the rules here), history, the events feed for
//! resync, read markers and typing.

use std::sync::Arc;

use xerrada_protocol::{
    EditMessageRequest, EventPage, Message, MessageExtras, MessagePage, SendMessageRequest,
    ServerFrame, User, UserKind, limits,
};

use crate::auth::Caller;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::events::event_frame;
use crate::hub::{OutFrame, Outbox};
use crate::ids;
use crate::memberships::Access;
use crate::services::commands::{self, Answer, Parsed};
use crate::store::{EventKind, HistoryQuery, WriteOp, WriteOutcome};
use crate::validate::{ClientMsgId, MessageBody};

/// A send, as received from either REST or a socket.
pub struct Draft {
    pub channel_id: String,
    pub body: String,
    pub client_msg_id: Option<String>,
    pub thread_root: Option<i64>,
    /// Presentation extras; only bots may send them.
    pub extras: Option<MessageExtras>,
}

impl Draft {
    pub fn from_rest(channel_id: &str, req: SendMessageRequest) -> Self {
        Draft {
            channel_id: channel_id.to_owned(),
            body: req.body,
            client_msg_id: req.client_msg_id,
            thread_root: req.thread_root,
            extras: req.extras,
        }
    }
}

/// Refuses callers who may not read or post in a channel: `forbidden` for a public channel not
/// joined, `not_found` for one they may not see.
pub async fn require_member(ctx: &Context, user_id: &str, channel_id: &str) -> AppResult<()> {
    match ctx.access(channel_id, user_id).await {
        Access::Member => Ok(()),
        Access::CanJoin => Err(AppError::Forbidden(
            "join the channel to read or post in it".into(),
        )),
        Access::Hidden => Err(AppError::not_found("channel")),
    }
}

/// Checks a draft and turns it into the writer's operation.
pub async fn prepare(ctx: &Context, author: &User, draft: Draft) -> AppResult<WriteOp> {
    let author_id = author.id.as_str();
    require_member(ctx, author_id, &draft.channel_id).await?;
    let extras = match draft.extras.filter(|e| !e.is_empty()) {
        Some(_) if author.kind != UserKind::Bot => {
            return Err(AppError::Forbidden(
                "only bots may send message extras".into(),
            ));
        }
        Some(mut extras) => {
            sanitize_extras(&mut extras)?;
            Some(Box::new(extras))
        }
        None => None,
    };
    let body = MessageBody::parse(draft.body, ctx.config.limits.max_body_bytes)?;
    let client_msg_id = draft.client_msg_id.map(ClientMsgId::parse).transpose()?;
    if draft.thread_root.is_some_and(|root| root < 1) {
        return Err(AppError::Invalid(
            "thread_root must be a positive seq".into(),
        ));
    }
    Ok(WriteOp::PostMessage {
        channel_id: draft.channel_id,
        author_id: author_id.to_owned(),
        message_id: ids::new_id(),
        body: body.into_string(),
        client_msg_id: client_msg_id.map(ClientMsgId::into_string),
        thread_root: draft.thread_root,
        created_at: ids::now(),
        extras,
    })
}

/// Most bytes of extras (attachments, blocks, buttons) kept with one message.
pub const MAX_EXTRAS_BYTES: usize = 64 * 1024;

/// Most attachments, blocks and buttons one message may carry.
pub const MAX_ATTACHMENTS: usize = 20;
pub const MAX_BLOCKS: usize = 50;
pub const MAX_ACTIONS: usize = 10;

/// Makes extras from a bot or a command safe to store: counts within limits, links only to
/// web or mail addresses, and no claim to be a webhook (only webhooks set `webhook_id`).
pub fn sanitize_extras(extras: &mut MessageExtras) -> AppResult<()> {
    if extras.attachments.len() > MAX_ATTACHMENTS
        || extras.blocks.len() > MAX_BLOCKS
        || extras.actions.len() > MAX_ACTIONS
    {
        return Err(AppError::Invalid(format!(
            "at most {MAX_ATTACHMENTS} attachments, {MAX_BLOCKS} blocks and {MAX_ACTIONS} buttons"
        )));
    }
    extras.webhook_id = None;
    for attachment in &mut extras.attachments {
        let web = attachment.title_link.as_deref().is_some_and(|l| {
            ["http://", "https://", "mailto:"]
                .iter()
                .any(|s| l.starts_with(s))
        });
        if !web {
            attachment.title_link = None;
        }
    }
    if extras
        .actions
        .iter()
        .any(|a| a.id.is_empty() || a.label.trim().is_empty())
    {
        return Err(AppError::Invalid(
            "every button needs an id and a label".into(),
        ));
    }
    check_extras_size(extras)
}

/// Refuses extras too large to store with a message.
pub fn check_extras_size(extras: &MessageExtras) -> AppResult<()> {
    let bytes = serde_json::to_vec(extras)
        .map_err(AppError::internal)?
        .len();
    if bytes > MAX_EXTRAS_BYTES {
        return Err(AppError::TooLarge(format!(
            "extras take {bytes} bytes; the limit is {MAX_EXTRAS_BYTES}"
        )));
    }
    Ok(())
}

/// What a send over REST produced.
pub enum Sent {
    /// A message was stored (`created` is false for a repeated `client_msg_id`).
    Message { message: Message, created: bool },
    /// A command answered privately: the `ephemeral` frame, also pushed to the caller's sockets.
    CommandAnswer(ServerFrame),
}

/// `POST /channels/{id}/messages`: a message, or a slash command.
pub async fn send(
    ctx: &Context,
    caller: &Caller,
    draft: Draft,
    lang: Option<&str>,
) -> AppResult<Sent> {
    match commands::parse(&draft.body) {
        Parsed::Command { name, text } => {
            let channel_id = draft.channel_id.clone();
            match commands::invoke(ctx, &caller.user, &channel_id, &name, &text, lang).await? {
                Answer::Posted(message) => Ok(Sent::Message {
                    message: *message,
                    created: true,
                }),
                Answer::Ephemeral { text, attachments } => {
                    let frame = ephemeral(&channel_id, None, text, attachments);
                    let shared = OutFrame::encode(&frame);
                    ctx.hub.deliver_to_users([&caller.user.id], &shared, None);
                    Ok(Sent::CommandAnswer(frame))
                }
            }
        }
        Parsed::Escaped(body) => {
            let (message, created) = post(ctx, caller, Draft { body, ..draft }).await?;
            Ok(Sent::Message { message, created })
        }
        Parsed::Plain => {
            let (message, created) = post(ctx, caller, draft).await?;
            Ok(Sent::Message { message, created })
        }
    }
}

/// An `ephemeral` frame.
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

/// Runs a command sent over a socket without holding up the socket's other frames; the answer
/// goes back to that socket: `ephemeral` (echoing `ref`), `ack` for a posted answer, or `error`.
/// A command typed on a socket.
pub struct SocketCommand {
    pub user: User,
    pub channel_id: String,
    pub name: String,
    pub text: String,
    pub reference: Option<String>,
    /// The socket's UI language, for answers that have translations.
    pub lang: Option<String>,
}

pub fn command_from_socket(ctx: Arc<Context>, outbox: Arc<Outbox>, command: SocketCommand) {
    let SocketCommand {
        user,
        channel_id,
        name,
        text,
        reference,
        lang,
    } = command;
    tokio::spawn(async move {
        let lang = lang.as_deref();
        let frame = match commands::invoke(&ctx, &user, &channel_id, &name, &text, lang).await {
            Ok(Answer::Ephemeral { text, attachments }) => {
                ephemeral(&channel_id, reference, text, attachments)
            }
            Ok(Answer::Posted(message)) => ServerFrame::Ack {
                reference,
                channel_id: message.channel_id.clone(),
                seq: message.seq,
                message_id: message.id.clone(),
            },
            Err(e) => ServerFrame::Error {
                reference,
                code: e.code(),
                message: e.client_message(),
            },
        };
        outbox.push_frame(&frame);
    });
}

/// Posts over REST. The boolean is false when `client_msg_id` repeated an earlier send and the
/// original message is returned.
pub async fn post(ctx: &Context, caller: &Caller, draft: Draft) -> AppResult<(Message, bool)> {
    let op = prepare(ctx, &caller.user, draft).await?;
    let (event, created) = match ctx.writer.write(op).await? {
        WriteOutcome::Committed(event) => (event, true),
        WriteOutcome::Duplicate(event) => (event, false),
        WriteOutcome::NotFound => return Err(AppError::not_found("channel")),
        WriteOutcome::InvalidThreadRoot => {
            return Err(AppError::Invalid(
                "thread_root is not a message of this channel".into(),
            ));
        }
        WriteOutcome::ClientMsgIdReused => {
            return Err(AppError::Conflict(
                "client_msg_id was already used for a message in another channel".into(),
            ));
        }
        other => return Err(AppError::internal(format!("unexpected outcome {other:?}"))),
    };
    match event.kind {
        EventKind::Message(message) => Ok((message, created)),
        _ => Err(AppError::internal("a post committed a non-message event")),
    }
}

/// Posts from a socket: the `ack` or `error` goes to `outbox` once committed.
pub async fn post_from_socket(
    ctx: &Context,
    author: &User,
    draft: Draft,
    outbox: &Arc<Outbox>,
    reference: Option<String>,
) -> AppResult<()> {
    let op = prepare(ctx, author, draft).await?;
    ctx.writer
        .write_for_socket(op, outbox.clone(), reference)
        .await
}

/// `PATCH /channels/{id}/messages/{message_id}`: the author changes its message. Only bots may
/// set extras (a person could otherwise forge buttons or a webhook's look).
pub async fn edit(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
    message_id: &str,
    req: EditMessageRequest,
) -> AppResult<Message> {
    require_member(ctx, &caller.user.id, channel_id).await?;
    if req.body.is_none() && req.extras.is_none() {
        return Err(AppError::Invalid("give body, extras or both".into()));
    }
    if req.extras.is_some() && caller.user.kind != UserKind::Bot {
        return Err(AppError::Forbidden(
            "only bots may set message extras".into(),
        ));
    }
    let body = req
        .body
        .map(|b| MessageBody::parse(b, ctx.config.limits.max_body_bytes))
        .transpose()?
        .map(MessageBody::into_string);
    let mut extras = req.extras;
    if let Some(extras) = &mut extras {
        sanitize_extras(extras)?;
    }
    let extras = extras.map(|e| (!e.is_empty()).then(|| Box::new(e)));
    let op = WriteOp::EditMessage {
        channel_id: channel_id.to_owned(),
        message_id: message_id.to_owned(),
        editor_id: caller.user.id.clone(),
        body,
        extras,
        at: ids::now(),
    };
    match ctx.writer.write(op).await? {
        WriteOutcome::Committed(event) => match event.kind {
            EventKind::MessageUpdated(message) => Ok(message),
            _ => Err(AppError::internal(
                "an edit committed another kind of event",
            )),
        },
        WriteOutcome::NotFound => Err(AppError::not_found("message")),
        WriteOutcome::NotAuthor => Err(AppError::Forbidden(
            "only its author may change a message".into(),
        )),
        other => Err(AppError::internal(format!("unexpected outcome {other:?}"))),
    }
}

/// `POST /channels/{id}/messages/{message_id}/actions`: a member clicks a button of a bot's
/// message; the click goes to that bot's sockets as an `action` frame.
pub async fn click(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
    message_id: &str,
    action_id: &str,
) -> AppResult<()> {
    require_member(ctx, &caller.user.id, channel_id).await?;
    let message = ctx
        .store
        .message(channel_id, message_id)
        .await?
        .ok_or_else(|| AppError::not_found("message"))?;
    let action = message
        .extras
        .as_ref()
        .and_then(|e| e.actions.iter().find(|a| a.id == action_id))
        .ok_or_else(|| AppError::NotFound(format!("the message has no action {action_id:?}")))?;
    let frame = OutFrame::encode(&ServerFrame::Action {
        channel_id: channel_id.to_owned(),
        message_id: message_id.to_owned(),
        action_id: action.id.clone(),
        value: action.value.clone(),
        user_id: caller.user.id.clone(),
    });
    if !ctx.hub.is_online(&message.author_id) {
        return Err(AppError::Busy(
            "the bot that posted this message is not connected; try again later".into(),
        ));
    }
    ctx.hub.deliver_to_users([&message.author_id], &frame, None);
    Ok(())
}

/// Which page of history a client asked for.
pub struct HistoryParams {
    pub before: Option<i64>,
    pub after: Option<i64>,
    pub limit: Option<u32>,
}

/// `GET /channels/{id}/messages`.
pub async fn history(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
    params: HistoryParams,
) -> AppResult<MessagePage> {
    require_member(ctx, &caller.user.id, channel_id).await?;
    let limit = page_limit(
        params.limit,
        limits::DEFAULT_MESSAGES_PAGE,
        limits::MAX_MESSAGES_PAGE,
    )?;
    let query = match (params.before, params.after) {
        (Some(_), Some(_)) => {
            return Err(AppError::Invalid(
                "give either before or after, not both".into(),
            ));
        }
        (Some(seq), None) => HistoryQuery::Before { seq, limit },
        (None, Some(seq)) => HistoryQuery::After { seq, limit },
        (None, None) => HistoryQuery::Latest { limit },
    };
    let slice = ctx.store.messages(channel_id, query).await?;
    Ok(MessagePage {
        messages: slice.messages,
        has_more: slice.has_more,
    })
}

/// `GET /channels/{id}/events`: the channel's event frames after `after`, for resync.
pub async fn events(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
    after: Option<i64>,
    limit: Option<u32>,
) -> AppResult<EventPage> {
    require_member(ctx, &caller.user.id, channel_id).await?;
    let limit = page_limit(limit, limits::DEFAULT_EVENTS_PAGE, limits::MAX_EVENTS_PAGE)?;
    let after = after.unwrap_or(0).max(0);
    let mut events = ctx.store.events_after(channel_id, after, limit + 1).await?;
    let has_more = events.len() > limit as usize;
    events.truncate(limit as usize);
    Ok(EventPage {
        events: events.iter().map(event_frame).collect(),
        has_more,
    })
}

/// Moves the caller's read marker and tells the caller's other sockets (`skip` is the socket
/// that sent it, if any). Returns the marker now in force.
pub async fn mark_read(
    ctx: &Context,
    user_id: &str,
    channel_id: &str,
    seq: i64,
    skip: Option<u64>,
) -> AppResult<i64> {
    require_member(ctx, user_id, channel_id).await?;
    if seq < 0 {
        return Err(AppError::Invalid("seq must not be negative".into()));
    }
    let marker = ctx.store.mark_read(channel_id, user_id, seq).await?;
    let frame = OutFrame::encode(&ServerFrame::Read {
        channel_id: channel_id.to_owned(),
        seq: marker,
    });
    ctx.hub
        .deliver_to_users([&user_id.to_owned()], &frame, skip);
    Ok(marker)
}

/// Relays "typing" to the channel's other members (not stored).
pub async fn typing(ctx: &Context, user_id: &str, channel_id: &str) -> AppResult<()> {
    require_member(ctx, user_id, channel_id).await?;
    let Some(info) = ctx.memberships.get(channel_id) else {
        return Err(AppError::not_found("channel"));
    };
    let frame = OutFrame::encode(&ServerFrame::Typing {
        channel_id: channel_id.to_owned(),
        user_id: user_id.to_owned(),
    });
    ctx.hub
        .deliver_to_users(info.members.iter().filter(|m| *m != user_id), &frame, None);
    Ok(())
}

fn page_limit(requested: Option<u32>, default: u32, max: u32) -> AppResult<u32> {
    match requested {
        None => Ok(default),
        Some(limit) if (1..=max).contains(&limit) => Ok(limit),
        Some(_) => Err(AppError::Invalid(format!("limit must be 1-{max}"))),
    }
}
