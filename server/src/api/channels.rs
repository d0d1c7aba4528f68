//! `/api/v1/channels`, `/api/v1/dms` and channel messages and events.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use xerrada_protocol::{
    ActionRequest, Channel, CreateChannelRequest, CreateDmRequest, EditMessageRequest, EventPage,
    MarkUnreadRequest, Message, MessagePage, ReadMarker, SendMessageRequest, User,
};

use super::extract::{ApiJson, ApiQuery, UiLang};
use crate::auth::Caller;
use crate::context::Context;
use crate::http_error::HttpResult;
use crate::services::channels;
use crate::services::message_changes;
use crate::services::messages::{self, Draft, HistoryParams, Sent};

pub async fn list(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
) -> HttpResult<Json<Vec<Channel>>> {
    Ok(Json(channels::list(&ctx, &caller).await?))
}

pub async fn create(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateChannelRequest>,
) -> HttpResult<(StatusCode, Json<Channel>)> {
    let channel = channels::create(&ctx, &caller, req).await?;
    Ok((StatusCode::CREATED, Json(channel)))
}

pub async fn get(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<Json<Channel>> {
    Ok(Json(channels::get(&ctx, &caller, &channel_id).await?))
}

pub async fn join(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<StatusCode> {
    channels::join(&ctx, &caller, &channel_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn leave(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<StatusCode> {
    channels::leave(&ctx, &caller, &channel_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn add_member(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, user_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    channels::add_member(&ctx, &caller, &channel_id, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove_member(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, user_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    channels::remove_member(&ctx, &caller, &channel_id, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn open_dm(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateDmRequest>,
) -> HttpResult<Json<Channel>> {
    Ok(Json(channels::open_dm(&ctx, &caller, req).await?))
}

#[derive(Deserialize)]
pub struct HistoryQuery {
    before: Option<i64>,
    after: Option<i64>,
    around: Option<i64>,
    limit: Option<u32>,
}

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

pub async fn delete_message(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, message_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    message_changes::delete(&ctx, &caller, &channel_id, &message_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn add_reaction(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, message_id, emoji)): Path<(String, String, String)>,
) -> HttpResult<StatusCode> {
    message_changes::react(&ctx, &caller, &channel_id, &message_id, &emoji, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove_reaction(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, message_id, emoji)): Path<(String, String, String)>,
) -> HttpResult<StatusCode> {
    message_changes::react(&ctx, &caller, &channel_id, &message_id, &emoji, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

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

pub async fn mark_unread(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
    ApiJson(req): ApiJson<MarkUnreadRequest>,
) -> HttpResult<Json<ReadMarker>> {
    let last_read_seq = messages::mark_unread(&ctx, &caller.user.id, &channel_id, req.seq).await?;
    Ok(Json(ReadMarker { last_read_seq }))
}

pub async fn members(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<Json<Vec<User>>> {
    Ok(Json(channels::members(&ctx, &caller, &channel_id).await?))
}
