//! `/api/v1/channels/{id}/pins` and `/api/v1/saved`: pinned and saved messages.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use xerrada_protocol::{PinList, SavedList};

use super::extract::ApiQuery;
use super::openapi::{Refusals, access};
use crate::auth::Caller;
use crate::context::Context;
use crate::http_error::HttpResult;
use crate::services::pins;

/// A channel's pinned messages, most recently pinned first.
#[utoipa::path(
    get,
    path = "/channels/{id}/pins",
    tag = "pins",
    params(
        ("id" = String, Path, description = "the channel's id"),
    ),
    responses(
        (status = 200, description = "the pins", body = PinList),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn list(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<Json<PinList>> {
    Ok(Json(pins::pinned(&ctx, &caller, &channel_id).await?))
}

/// Pin a message of the channel.
#[utoipa::path(
    put,
    path = "/channels/{id}/pins/{message_id}",
    tag = "pins",
    params(
        ("id" = String, Path, description = "the channel's id"),
        ("message_id" = String, Path, description = "the message's id"),
    ),
    responses(
        (status = 204, description = "the message is pinned (a no-op if it already was)"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn pin(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, message_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    pins::set_pinned(&ctx, &caller, &channel_id, &message_id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Unpin a message of the channel.
#[utoipa::path(
    delete,
    path = "/channels/{id}/pins/{message_id}",
    tag = "pins",
    params(
        ("id" = String, Path, description = "the channel's id"),
        ("message_id" = String, Path, description = "the message's id"),
    ),
    responses(
        (status = 204, description = "the message is not pinned (a no-op if it was not)"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn unpin(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, message_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    pins::set_pinned(&ctx, &caller, &channel_id, &message_id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct SavedQuery {
    limit: Option<u32>,
}

/// The caller's saved messages, most recently saved first.
#[utoipa::path(
    get,
    path = "/saved",
    tag = "pins",
    params(
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 200, description = "at most this many (default 50)"),
    ),
    responses(
        (status = 200, description = "the saved messages", body = SavedList),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::SIGNED_IN))),
)]
pub async fn saved(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiQuery(query): ApiQuery<SavedQuery>,
) -> HttpResult<Json<SavedList>> {
    Ok(Json(pins::saved(&ctx, &caller, query.limit).await?))
}

/// Save a message of a channel the caller is a member of, for the caller only.
#[utoipa::path(
    put,
    path = "/saved/{message_id}",
    tag = "pins",
    params(
        ("message_id" = String, Path, description = "the message's id"),
    ),
    responses(
        (status = 204, description = "the message is saved (a no-op if it already was)"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn save(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(message_id): Path<String>,
) -> HttpResult<StatusCode> {
    pins::save(&ctx, &caller, &message_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove a message from the caller's saved messages.
#[utoipa::path(
    delete,
    path = "/saved/{message_id}",
    tag = "pins",
    params(
        ("message_id" = String, Path, description = "the message's id"),
    ),
    responses(
        (status = 204, description = "the message is not saved (a no-op if it was not)"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::SIGNED_IN))),
)]
pub async fn unsave(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(message_id): Path<String>,
) -> HttpResult<StatusCode> {
    pins::unsave(&ctx, &caller, &message_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
