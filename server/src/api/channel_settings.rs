//! `PATCH /api/v1/channels/{id}`, archiving and muting.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use xerrada_protocol::{Channel, UpdateChannelRequest};

use super::extract::ApiJson;
use crate::auth::Caller;
use crate::context::Context;
use crate::http_error::HttpResult;
use crate::services::channel_settings;

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

pub async fn archive(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<Json<Channel>> {
    Ok(Json(
        channel_settings::set_archived(&ctx, &caller, &channel_id, true).await?,
    ))
}

pub async fn unarchive(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<Json<Channel>> {
    Ok(Json(
        channel_settings::set_archived(&ctx, &caller, &channel_id, false).await?,
    ))
}

pub async fn mute(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<Json<Channel>> {
    Ok(Json(
        channel_settings::set_muted(&ctx, &caller, &channel_id, true).await?,
    ))
}

pub async fn unmute(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<Json<Channel>> {
    Ok(Json(
        channel_settings::set_muted(&ctx, &caller, &channel_id, false).await?,
    ))
}
