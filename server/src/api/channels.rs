//! `/api/v1/channels`, `/api/v1/dms` and channel messages and events.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use xerrada_protocol::{
    ActionRequest, Channel, CreateChannelRequest, CreateDmRequest, EditMessageRequest, EventPage,
    MarkUnreadRequest, Message, MessagePage, ReadMarker, SendMessageRequest, ServerFrame, User,
};

use super::extract::{ApiJson, ApiQuery, UiLang};
use super::openapi::{Refusals, access};
use crate::auth::Caller;
use crate::context::Context;
use crate::http_error::HttpResult;
use crate::services::channels;
use crate::services::message_changes;
use crate::services::messages::{self, Draft, HistoryParams, Sent};

/// The caller's channels, and the public channels it has not joined.
#[utoipa::path(
    get,
    path = "/channels",
    tag = "channels",
    responses(
        (status = 200, description = "the channels, sorted by name then id", body = Vec<Channel>),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::SIGNED_IN))),
)]
pub async fn list(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
) -> HttpResult<Json<Vec<Channel>>> {
    Ok(Json(channels::list(&ctx, &caller).await?))
}

/// Create a public or private channel, with the caller as its first member.
#[utoipa::path(
    post,
    path = "/channels",
    tag = "channels",
    request_body = CreateChannelRequest,
    responses(
        (status = 201, description = "the new channel", body = Channel),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::SIGNED_IN))),
)]
pub async fn create(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateChannelRequest>,
) -> HttpResult<(StatusCode, Json<Channel>)> {
    let channel = channels::create(&ctx, &caller, req).await?;
    Ok((StatusCode::CREATED, Json(channel)))
}

/// A channel the caller belongs to, or any public channel.
#[utoipa::path(
    get,
    path = "/channels/{id}",
    tag = "channels",
    params(
        ("id" = String, Path, description = "the channel's id"),
    ),
    responses(
        (status = 200, description = "the channel (`joined` false for a public one not joined)", body = Channel),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_VISIBLE))),
)]
pub async fn get(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<Json<Channel>> {
    Ok(Json(channels::get(&ctx, &caller, &channel_id).await?))
}

/// Join a public channel (a no-op for a member).
#[utoipa::path(
    post,
    path = "/channels/{id}/join",
    tag = "channels",
    params(
        ("id" = String, Path, description = "the channel's id"),
    ),
    responses(
        (status = 204, description = "the caller is a member"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_VISIBLE))),
)]
pub async fn join(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<StatusCode> {
    channels::join(&ctx, &caller, &channel_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Leave a channel (not a department or direct one).
#[utoipa::path(
    post,
    path = "/channels/{id}/leave",
    tag = "channels",
    params(
        ("id" = String, Path, description = "the channel's id"),
    ),
    responses(
        (status = 204, description = "the caller left the channel"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn leave(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<StatusCode> {
    channels::leave(&ctx, &caller, &channel_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add someone to a private channel (its members, or an admin on any channel).
#[utoipa::path(
    put,
    path = "/channels/{id}/members/{user_id}",
    tag = "channels",
    params(
        ("id" = String, Path, description = "the channel's id"),
        ("user_id" = String, Path, description = "the id of the person to add"),
    ),
    responses(
        (status = 204, description = "the person is a member (a no-op if already one)"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBERSHIP))),
)]
pub async fn add_member(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, user_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    channels::add_member(&ctx, &caller, &channel_id, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove someone from a private channel (its members, or an admin); one's own id is a leave.
#[utoipa::path(
    delete,
    path = "/channels/{id}/members/{user_id}",
    tag = "channels",
    params(
        ("id" = String, Path, description = "the channel's id"),
        ("user_id" = String, Path, description = "the id of the member to remove"),
    ),
    responses(
        (status = 204, description = "the member was removed"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBERSHIP))),
)]
pub async fn remove_member(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, user_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    channels::remove_member(&ctx, &caller, &channel_id, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The direct channel of the caller and the given people, created on first use.
#[utoipa::path(
    post,
    path = "/dms",
    tag = "channels",
    request_body = CreateDmRequest,
    responses(
        (status = 200, description = "the direct channel", body = Channel),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::SIGNED_IN))),
)]
pub async fn open_dm(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateDmRequest>,
) -> HttpResult<Json<Channel>> {
    Ok(Json(channels::open_dm(&ctx, &caller, req).await?))
}

/// The 200 answer of `POST /channels/{id}/messages`, for the OpenAPI document only: the
/// original message of a repeated `client_msg_id`, or a slash command's `ephemeral` frame.
#[derive(utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum PostAnswer {
    Message(Message),
    CommandAnswer(ServerFrame),
}

#[derive(Deserialize)]
pub struct HistoryQuery {
    before: Option<i64>,
    after: Option<i64>,
    around: Option<i64>,
    limit: Option<u32>,
}

/// A page of a channel's messages, in ascending seq.
#[utoipa::path(
    get,
    path = "/channels/{id}/messages",
    tag = "messages",
    params(
        ("id" = String, Path, description = "the channel's id"),
        ("before" = Option<i64>, Query, description = "messages just below this seq (not with after or around)"),
        ("after" = Option<i64>, Query, description = "messages just above this seq (not with before or around)"),
        ("around" = Option<i64>, Query, description = "the message at this seq and those around it (alone, without before or after)"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 200, description = "at most this many (default 50)"),
    ),
    responses(
        (status = 200, description = "the page, and whether more messages lie beyond it", body = MessagePage),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn history(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> HttpResult<Json<MessagePage>> {
    let params = HistoryParams {
        before: query.before,
        after: query.after,
        around: query.around,
        limit: query.limit,
    };
    Ok(Json(
        messages::history(&ctx, &caller, &channel_id, params).await?,
    ))
}

/// Post a message to a channel, or run a slash command.
#[utoipa::path(
    post,
    path = "/channels/{id}/messages",
    tag = "messages",
    params(
        ("id" = String, Path, description = "the channel's id"),
        ("Accept-Language" = Option<String>, Header, description = "the language of a command's answer (ca, es or en; default the installation's)"),
    ),
    request_body = SendMessageRequest,
    responses(
        (status = 201, description = "the stored message (or the message a command posted)", body = Message),
        (status = 200, description = "the original message of a repeated client_msg_id, or a command's private answer (an ephemeral frame)", body = PostAnswer),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn post(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
    UiLang(lang): UiLang,
    ApiJson(req): ApiJson<SendMessageRequest>,
) -> HttpResult<Response> {
    let sent = messages::send(&ctx, &caller, Draft::from_rest(&channel_id, req), lang).await?;
    Ok(match sent {
        Sent::Message { message, created } => {
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            (status, Json(message)).into_response()
        }
        Sent::CommandAnswer(frame) => (StatusCode::OK, Json(frame)).into_response(),
    })
}

/// Change a message's body (or, for bots, its extras); only its author may.
#[utoipa::path(
    patch,
    path = "/channels/{id}/messages/{message_id}",
    tag = "messages",
    params(
        ("id" = String, Path, description = "the channel's id"),
        ("message_id" = String, Path, description = "the message's id"),
    ),
    request_body = EditMessageRequest,
    responses(
        (status = 200, description = "the updated message", body = Message),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::MESSAGE_AUTHOR))),
)]
pub async fn edit(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, message_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<EditMessageRequest>,
) -> HttpResult<Json<Message>> {
    Ok(Json(
        message_changes::edit(&ctx, &caller, &channel_id, &message_id, req).await?,
    ))
}

/// Delete a message (its author, the channel's owner or an admin).
#[utoipa::path(
    delete,
    path = "/channels/{id}/messages/{message_id}",
    tag = "messages",
    params(
        ("id" = String, Path, description = "the channel's id"),
        ("message_id" = String, Path, description = "the message's id"),
    ),
    responses(
        (status = 204, description = "the message is a tombstone"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::MESSAGE_AUTHOR))),
)]
pub async fn delete_message(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, message_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    message_changes::delete(&ctx, &caller, &channel_id, &message_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// React to a message with an emoji.
#[utoipa::path(
    put,
    path = "/channels/{id}/messages/{message_id}/reactions/{emoji}",
    tag = "messages",
    params(
        ("id" = String, Path, description = "the channel's id"),
        ("message_id" = String, Path, description = "the message's id"),
        ("emoji" = String, Path, description = "a Unicode emoji (URL-encoded) or a gemoji :shortcode:"),
    ),
    responses(
        (status = 204, description = "the reaction is there (a no-op if it already was)"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn add_reaction(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, message_id, emoji)): Path<(String, String, String)>,
) -> HttpResult<StatusCode> {
    message_changes::react(&ctx, &caller, &channel_id, &message_id, &emoji, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take back one's reaction to a message.
#[utoipa::path(
    delete,
    path = "/channels/{id}/messages/{message_id}/reactions/{emoji}",
    tag = "messages",
    params(
        ("id" = String, Path, description = "the channel's id"),
        ("message_id" = String, Path, description = "the message's id"),
        ("emoji" = String, Path, description = "a Unicode emoji (URL-encoded) or a gemoji :shortcode:"),
    ),
    responses(
        (status = 204, description = "the reaction is gone (a no-op if it already was)"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn remove_reaction(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, message_id, emoji)): Path<(String, String, String)>,
) -> HttpResult<StatusCode> {
    message_changes::react(&ctx, &caller, &channel_id, &message_id, &emoji, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Click a button of a bot's message; the bot's sockets get an action frame.
#[utoipa::path(
    post,
    path = "/channels/{id}/messages/{message_id}/actions",
    tag = "messages",
    params(
        ("id" = String, Path, description = "the channel's id"),
        ("message_id" = String, Path, description = "the message's id"),
    ),
    request_body = ActionRequest,
    responses(
        (status = 204, description = "the click was passed to the bot"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn click(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, message_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<ActionRequest>,
) -> HttpResult<StatusCode> {
    messages::click(&ctx, &caller, &channel_id, &message_id, &req.action_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct EventsQuery {
    after: Option<i64>,
    limit: Option<u32>,
}

/// A channel's event frames after a seq, to fill a gap after a resync.
#[utoipa::path(
    get,
    path = "/channels/{id}/events",
    tag = "messages",
    params(
        ("id" = String, Path, description = "the channel's id"),
        ("after" = Option<i64>, Query, description = "events with a seq above this (default 0; a negative value counts as 0)"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 1000, description = "at most this many (default 100)"),
    ),
    responses(
        (status = 200, description = "the events in ascending seq, and whether more follow", body = EventPage),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn events(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
    ApiQuery(query): ApiQuery<EventsQuery>,
) -> HttpResult<Json<EventPage>> {
    Ok(Json(
        messages::events(&ctx, &caller, &channel_id, query.after, query.limit).await?,
    ))
}

/// Mark a channel unread from a message on: the read marker moves to just before it.
#[utoipa::path(
    post,
    path = "/channels/{id}/unread",
    tag = "messages",
    params(
        ("id" = String, Path, description = "the channel's id"),
    ),
    request_body = MarkUnreadRequest,
    responses(
        (status = 200, description = "the caller's read marker now in force", body = ReadMarker),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn mark_unread(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
    ApiJson(req): ApiJson<MarkUnreadRequest>,
) -> HttpResult<Json<ReadMarker>> {
    let last_read_seq = messages::mark_unread(&ctx, &caller.user.id, &channel_id, req.seq).await?;
    Ok(Json(ReadMarker { last_read_seq }))
}

/// The members of a channel the caller may see.
#[utoipa::path(
    get,
    path = "/channels/{id}/members",
    tag = "channels",
    params(
        ("id" = String, Path, description = "the channel's id"),
    ),
    responses(
        (status = 200, description = "the channel's members, by username", body = Vec<User>),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBERSHIP))),
)]
pub async fn members(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<Json<Vec<User>>> {
    Ok(Json(channels::members(&ctx, &caller, &channel_id).await?))
}
