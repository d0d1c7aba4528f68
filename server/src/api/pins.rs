//! `/api/v1/channels/{id}/pins` and `/api/v1/saved`: pinned and saved messages.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use xerrada_protocol::{PinList, SavedList};

use super::extract::ApiQuery;
use crate::auth::Caller;
use crate::context::Context;
use crate::http_error::HttpResult;
use crate::services::pins;

pub async fn list(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<Json<PinList>> {
    Ok(Json(pins::pinned(&ctx, &caller, &channel_id).await?))
}

pub async fn pin(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, message_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    pins::set_pinned(&ctx, &caller, &channel_id, &message_id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

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

pub async fn saved(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiQuery(query): ApiQuery<SavedQuery>,
) -> HttpResult<Json<SavedList>> {
    Ok(Json(pins::saved(&ctx, &caller, query.limit).await?))
}

pub async fn save(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(message_id): Path<String>,
) -> HttpResult<StatusCode> {
    pins::save(&ctx, &caller, &message_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn unsave(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(message_id): Path<String>,
) -> HttpResult<StatusCode> {
    pins::unsave(&ctx, &caller, &message_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
