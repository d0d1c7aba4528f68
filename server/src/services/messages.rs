//! Messages: posting (REST and WebSocket share the rules here), history, the events feed for
//! resync, read markers and typing.

use std::sync::Arc;

use xerrada_protocol::{
    EventPage, Message, MessageExtras, MessagePage, SendMessageRequest, ServerFrame, User,
    UserKind, limits,
};

use crate::auth::Caller;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::events::{ephemeral, event_frame};
use crate::hub::{OutFrame, Outbox};
use crate::services::channel_settings::require_writable;
use crate::services::channels::{member_message, require_member};
use crate::services::commands::{self, Answer, Parsed};
use crate::services::extras::sanitize_extras;
use crate::services::files;
use crate::services::mentions;
use crate::store::{HistoryQuery, WriteOp};
use crate::texts::Lang;
use crate::validate::{ClientMsgId, MessageBody};

/// A send, as received from either REST or a socket.
#[derive(Default)]
pub struct Draft {
    pub channel_id: String,
    pub body: String,
    pub client_msg_id: Option<String>,
    pub thread_root: Option<i64>,
    /// A reply also shown in the channel.
    pub also_in_channel: bool,
    /// Presentation extras; only bots may send them.
    pub extras: Option<MessageExtras>,
    /// The author's unposted uploads to post with it.
    pub file_ids: Vec<String>,
}

impl Draft {
    pub fn from_rest(channel_id: &str, req: SendMessageRequest) -> Self {
        Draft {
            channel_id: channel_id.to_owned(),
            body: req.body,
            client_msg_id: req.client_msg_id,
            thread_root: req.thread_root,
            also_in_channel: req.also_in_channel.unwrap_or(false),
            extras: req.extras,
            file_ids: req.file_ids,
        }
    }
}

/// Checks a draft and turns it into the writer's operation.
pub async fn prepare(ctx: &Context, author: &User, draft: Draft) -> AppResult<WriteOp> {
    let author_id = author.id.as_str();
    require_member(ctx, author_id, &draft.channel_id).await?;
    require_writable(ctx, &draft.channel_id)?;
    let extras = match draft.extras.filter(|e| !e.is_empty()) {
        Some(_) if author.kind != UserKind::Bot => {
            return Err(AppError::Forbidden(
                "only bots may send message extras".into(),
            ));
        }
        Some(mut extras) => {
            sanitize_extras(&mut extras)?;
            Some(extras)
        }
        None => None,
    };
    let files = files::attachable(
        ctx,
        author_id,
        draft.client_msg_id.as_deref(),
        &draft.file_ids,
    )
    .await?;
    let body = if files.is_empty() {
        MessageBody::parse(draft.body, ctx.config.limits.max_body_bytes)?
    } else {
        MessageBody::parse_caption(draft.body, ctx.config.limits.max_body_bytes)?
    };
    let client_msg_id = draft.client_msg_id.map(ClientMsgId::parse).transpose()?;
    if draft.thread_root.is_some_and(|root| root < 1) {
        return Err(AppError::Invalid(
            "thread_root must be a positive seq".into(),
        ));
    }
    if draft.also_in_channel && draft.thread_root.is_none() {
        return Err(AppError::Invalid(
            "also_in_channel is for thread replies: give thread_root too".into(),
        ));
    }
    let body = body.into_string();
    let mentioned = mentions::resolve(ctx, &draft.channel_id, author_id, &body).await?;
    Ok(WriteOp::post(&draft.channel_id, author_id, body, extras)
        .keyed(
            client_msg_id.map(ClientMsgId::into_string),
            draft.thread_root,
        )
        .mentioning(mentioned)
        .also_in_channel(draft.also_in_channel)
        .with_files(files))
}

/// What a send over REST produced.
pub enum Sent {
    /// A message was stored (`created` is false for a repeated `client_msg_id`).
    Message { message: Message, created: bool },
    /// A command answered privately: the `ephemeral` frame, also pushed to the caller's sockets.
    CommandAnswer(ServerFrame),
}

/// A send is a slash command or a post; [`commands::parse`] decides, for REST and sockets alike.
enum Routed {
    Command {
        channel_id: String,
        name: String,
        text: String,
        file_ids: Vec<String>,
    },
    Post(Box<Draft>),
}

/// A command nobody on the server knows, in a channel with a bot that takes commands (one
/// that speaks the Telegram API), is a message for that bot, as in Telegram.
async fn route(ctx: &Context, draft: Draft) -> AppResult<Routed> {
    Ok(match commands::parse(&draft.body) {
        Parsed::Command { name, .. }
            if !commands::is_known(ctx, &name).await?
                && commands::bot_takes_commands(ctx, &draft.channel_id).await? =>
        {
            Routed::Post(Box::new(draft))
        }
        Parsed::Command { name, text } => Routed::Command {
            channel_id: draft.channel_id,
            name,
            text,
            file_ids: draft.file_ids,
        },
        Parsed::Escaped(body) => Routed::Post(Box::new(Draft { body, ..draft })),
        Parsed::Plain => Routed::Post(Box::new(draft)),
    })
}

/// `POST /channels/{id}/messages`: a message, or a slash command.
pub async fn send(ctx: &Context, caller: &Caller, draft: Draft, lang: Lang) -> AppResult<Sent> {
    match route(ctx, draft).await? {
        Routed::Command {
            channel_id,
            name,
            text,
            file_ids,
        } => match commands::invoke(
            ctx,
            &caller.user,
            &channel_id,
            &name,
            &text,
            &file_ids,
            lang,
        )
        .await?
        {
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
        },
        Routed::Post(draft) => {
            let (message, created) = post(ctx, caller, *draft).await?;
            Ok(Sent::Message { message, created })
        }
    }
}

/// A `send` frame. A slash command runs in a task of its own, so the socket's other frames are
/// not held up, and its answer goes back to this socket: `ephemeral` (echoing `ref`), `ack` for
/// a posted answer, or `error`. A post goes to the writer, which acks it into `outbox` once
/// committed.
pub async fn send_from_socket(
    ctx: &Arc<Context>,
    author: &User,
    lang: Lang,
    outbox: &Arc<Outbox>,
    reference: Option<String>,
    draft: Draft,
) -> AppResult<()> {
    match route(ctx, draft).await? {
        Routed::Command {
            channel_id,
            name,
            text,
            file_ids,
        } => {
            let command = SocketCommand {
                user: author.clone(),
                channel_id,
                name,
                text,
                file_ids,
                reference,
                lang,
            };
            tokio::spawn(run_socket_command(ctx.clone(), outbox.clone(), command));
            Ok(())
        }
        Routed::Post(draft) => {
            ctx.rate_limits
                .check(&author.id, crate::rate_limits::Action::Send)?;
            let op = prepare(ctx, author, *draft).await?;
            ctx.writer
                .write_for_socket(op, outbox.clone(), reference)
                .await
        }
    }
}

/// A command typed on a socket.
struct SocketCommand {
    user: User,
    channel_id: String,
    name: String,
    text: String,
    /// Uploads sent with the command (`/suport` attaches them to the new ticket).
    file_ids: Vec<String>,
    reference: Option<String>,
    /// The socket's language, the answer's.
    lang: Lang,
}

/// Runs a socket's command and pushes its answer to the socket.
async fn run_socket_command(ctx: Arc<Context>, outbox: Arc<Outbox>, command: SocketCommand) {
    let SocketCommand {
        user,
        channel_id,
        name,
        text,
        file_ids,
        reference,
        lang,
    } = command;
    let invoked = commands::invoke(&ctx, &user, &channel_id, &name, &text, &file_ids, lang);
    let frame = match invoked.await {
        Ok(Answer::Ephemeral { text, attachments }) => {
            ephemeral(&channel_id, reference, text, attachments)
        }
        Ok(Answer::Posted(message)) => ServerFrame::Ack {
            reference,
            channel_id: message.channel_id.clone(),
            seq: message.seq,
            message_id: message.id.clone(),
        },
        Err(e) => crate::events::error_frame(reference, &e),
    };
    outbox.push_frame(&frame);
}

/// Posts over REST. The boolean is false when `client_msg_id` repeated an earlier send and the
/// original message is returned.
pub async fn post(ctx: &Context, caller: &Caller, draft: Draft) -> AppResult<(Message, bool)> {
    ctx.rate_limits
        .check(&caller.user.id, crate::rate_limits::Action::Send)?;
    let op = prepare(ctx, &caller.user, draft).await?;
    ctx.writer.write(op).await?.into_message()
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
    let message = member_message(ctx, &caller.user.id, channel_id, message_id).await?;
    // An archived channel is read-only: its buttons no longer ask a bot to act either.
    require_writable(ctx, channel_id)?;
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
    /// The messages around this `seq` (it included), e.g. to open a search result.
    pub around: Option<i64>,
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
    if let Some(seq) = params.around {
        if params.before.is_some() || params.after.is_some() {
            return Err(AppError::Invalid(
                "give around alone, without before or after".into(),
            ));
        }
        // The message and older ones take the larger half, so that it is never cut off.
        let newer = limit / 2;
        let older = ctx
            .store
            .messages(
                channel_id,
                HistoryQuery::Before {
                    seq: seq.saturating_add(1),
                    limit: limit - newer,
                },
            )
            .await?;
        let mut messages = older.messages;
        let mut has_more = older.has_more;
        if newer > 0 {
            let later = ctx
                .store
                .messages(channel_id, HistoryQuery::After { seq, limit: newer })
                .await?;
            messages.extend(later.messages);
            has_more |= later.has_more;
        }
        return Ok(MessagePage { messages, has_more });
    }
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
        thread_root: None,
    });
    ctx.hub
        .deliver_to_users([&user_id.to_owned()], &frame, skip);
    Ok(marker)
}

/// `POST /channels/{id}/unread`: "mark unread from this message". The marker moves back to
/// just before `seq`, so that message is the first unread; every socket of the caller (the
/// one that asked too) gets the `read` frame, so tabs and phones agree.
pub async fn mark_unread(
    ctx: &Context,
    user_id: &str,
    channel_id: &str,
    seq: i64,
) -> AppResult<i64> {
    require_member(ctx, user_id, channel_id).await?;
    if seq < 1 {
        return Err(AppError::Invalid("seq must be 1 or more".into()));
    }
    let marker = ctx
        .store
        .mark_unread_from(channel_id, user_id, seq)
        .await?
        .ok_or_else(|| AppError::not_found("channel"))?;
    let frame = OutFrame::encode(&ServerFrame::Read {
        channel_id: channel_id.to_owned(),
        seq: marker,
        thread_root: None,
    });
    ctx.hub
        .deliver_to_users([&user_id.to_owned()], &frame, None);
    Ok(marker)
}

/// Relays "typing" to the channel's other members (not stored), at most once per
/// `rate_limits.typing_interval_ms` for each person and channel.
pub async fn typing(ctx: &Context, user_id: &str, channel_id: &str) -> AppResult<()> {
    require_member(ctx, user_id, channel_id).await?;
    if !ctx.rate_limits.relay_typing(user_id, channel_id) {
        return Ok(());
    }
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

pub(crate) fn page_limit(requested: Option<u32>, default: u32, max: u32) -> AppResult<u32> {
    match requested {
        None => Ok(default),
        Some(limit) if (1..=max).contains(&limit) => Ok(limit),
        Some(_) => Err(AppError::Invalid(format!("limit must be 1-{max}"))),
    }
}
