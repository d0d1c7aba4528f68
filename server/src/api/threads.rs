//! `/api/v1/channels/{id}/threads/...` and `/api/v1/threads`: threads over REST.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use xerrada_protocol::{MarkUnreadRequest, ReadMarker, ThreadList, ThreadPage, ThreadReadRequest};

use super::extract::{ApiJson, ApiQuery};
use crate::auth::Caller;
use crate::context::Context;
use crate::error::AppError;
use crate::http_error::HttpResult;
use crate::services::threads;

/// A root's seq from the path; anything else names no thread.
fn root_seq(raw: &str) -> Result<i64, AppError> {
    raw.parse()
        .map_err(|_| AppError::NotFound(format!("no thread at seq {raw:?}")))
}

#[derive(Deserialize)]
pub struct ThreadQuery {
    after: Option<i64>,
    limit: Option<u32>,
}

pub async fn thread(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, raw)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<ThreadQuery>,
) -> HttpResult<Json<ThreadPage>> {
    let root = root_seq(&raw)?;
    let page = threads::thread(&ctx, &caller, &channel_id, root, query.after, query.limit).await?;
    Ok(Json(page))
}

pub async fn follow(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, raw)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    threads::set_following(&ctx, &caller, &channel_id, root_seq(&raw)?, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn unfollow(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, raw)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    threads::set_following(&ctx, &caller, &channel_id, root_seq(&raw)?, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn read(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, raw)): Path<(String, String)>,
    ApiJson(req): ApiJson<ThreadReadRequest>,
) -> HttpResult<Json<ReadMarker>> {
    let root = root_seq(&raw)?;
    let last_read_seq =
        threads::mark_read(&ctx, &caller.user.id, &channel_id, root, req.seq, None).await?;
    Ok(Json(ReadMarker { last_read_seq }))
}

pub async fn unread(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, raw)): Path<(String, String)>,
    ApiJson(req): ApiJson<MarkUnreadRequest>,
) -> HttpResult<Json<ReadMarker>> {
    let root = root_seq(&raw)?;
    let last_read_seq =
        threads::mark_unread(&ctx, &caller.user.id, &channel_id, root, req.seq).await?;
    Ok(Json(ReadMarker { last_read_seq }))
}

#[derive(Deserialize)]
pub struct FollowedQuery {
    before: Option<String>,
    limit: Option<u32>,
}

pub async fn followed(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiQuery(query): ApiQuery<FollowedQuery>,
) -> HttpResult<Json<ThreadList>> {
    let before = query.before.as_deref().filter(|b| !b.is_empty());
    Ok(Json(
        threads::followed(&ctx, &caller, before, query.limit).await?,
    ))
}
