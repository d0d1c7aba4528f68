//! `PATCH /api/v1/channels/{id}`, archiving and muting.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use xerrada_protocol::{Channel, UpdateChannelRequest};

use super::extract::ApiJson;
use super::openapi::{Refusals, access};
use crate::auth::Caller;
use crate::context::Context;
use crate::http_error::HttpResult;
use crate::services::channel_settings;

/// Change a channel's topic or purpose (any member, or an admin),
/// or rename it (its owner or an admin).
#[utoipa::path(
    patch,
    path = "/channels/{id}",
    tag = "channels",
    params(
        ("id" = String, Path, description = "the channel's id"),
    ),
    request_body = UpdateChannelRequest,
    responses(
        (status = 200, description = "the channel as it now is", body = Channel),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_SETTINGS))),
)]
pub async fn update(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
    ApiJson(req): ApiJson<UpdateChannelRequest>,
) -> HttpResult<Json<Channel>> {
    Ok(Json(
        channel_settings::update(&ctx, &caller, &channel_id, req).await?,
    ))
}

/// Archive a channel, making it read-only (its owner or an admin).
#[utoipa::path(
    post,
    path = "/channels/{id}/archive",
    tag = "channels",
    params(
        ("id" = String, Path, description = "the channel's id"),
    ),
    responses(
        (status = 200, description = "the archived channel", body = Channel),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MANAGER))),
)]
pub async fn archive(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<Json<Channel>> {
    Ok(Json(
        channel_settings::set_archived(&ctx, &caller, &channel_id, true).await?,
    ))
}

/// Unarchive a channel (its owner or an admin).
#[utoipa::path(
    post,
    path = "/channels/{id}/unarchive",
    tag = "channels",
    params(
        ("id" = String, Path, description = "the channel's id"),
    ),
    responses(
        (status = 200, description = "the unarchived channel", body = Channel),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MANAGER))),
)]
pub async fn unarchive(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<Json<Channel>> {
    Ok(Json(
        channel_settings::set_archived(&ctx, &caller, &channel_id, false).await?,
    ))
}

/// Mute a channel for the caller.
#[utoipa::path(
    put,
    path = "/channels/{id}/mute",
    tag = "channels",
    params(
        ("id" = String, Path, description = "the channel's id"),
    ),
    responses(
        (status = 200, description = "the channel, with muted set", body = Channel),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn mute(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<Json<Channel>> {
    Ok(Json(
        channel_settings::set_muted(&ctx, &caller, &channel_id, true).await?,
    ))
}

/// Unmute a channel for the caller.
#[utoipa::path(
    delete,
    path = "/channels/{id}/mute",
    tag = "channels",
    params(
        ("id" = String, Path, description = "the channel's id"),
    ),
    responses(
        (status = 200, description = "the channel, with muted cleared", body = Channel),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn unmute(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<Json<Channel>> {
    Ok(Json(
        channel_settings::set_muted(&ctx, &caller, &channel_id, false).await?,
    ))
}
