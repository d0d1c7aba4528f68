//! `/api/v1/channels/{id}/threads/...` and `/api/v1/threads`: threads over REST.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use xerrada_protocol::{MarkUnreadRequest, ReadMarker, ThreadList, ThreadPage, ThreadReadRequest};

use super::extract::{ApiJson, ApiQuery};
use super::openapi::{Refusals, access};
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

/// A thread: its root, then its replies after a seq, ascending.
#[utoipa::path(
    get,
    path = "/channels/{id}/threads/{root_seq}",
    tag = "threads",
    params(
        ("id" = String, Path, description = "the channel's id"),
        ("root_seq" = String, Path, description = "the seq of the thread's root message (a number; anything else answers 404)"),
        ("after" = Option<i64>, Query, description = "replies with a seq above this (default 0)"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 200, description = "at most this many replies (default 50)"),
    ),
    responses(
        (status = 200, description = "the root, a page of its replies, and whether more follow", body = ThreadPage),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
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

/// Follow a thread.
#[utoipa::path(
    put,
    path = "/channels/{id}/threads/{root_seq}/follow",
    tag = "threads",
    params(
        ("id" = String, Path, description = "the channel's id"),
        ("root_seq" = String, Path, description = "the seq of the thread's root message (a number; anything else answers 404)"),
    ),
    responses(
        (status = 204, description = "the caller follows the thread"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn follow(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, raw)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    threads::set_following(&ctx, &caller, &channel_id, root_seq(&raw)?, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stop following a thread (its read marker is kept).
#[utoipa::path(
    delete,
    path = "/channels/{id}/threads/{root_seq}/follow",
    tag = "threads",
    params(
        ("id" = String, Path, description = "the channel's id"),
        ("root_seq" = String, Path, description = "the seq of the thread's root message (a number; anything else answers 404)"),
    ),
    responses(
        (status = 204, description = "the caller no longer follows the thread"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn unfollow(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((channel_id, raw)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    threads::set_following(&ctx, &caller, &channel_id, root_seq(&raw)?, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Move the caller's read marker in a thread forward.
#[utoipa::path(
    put,
    path = "/channels/{id}/threads/{root_seq}/read",
    tag = "threads",
    params(
        ("id" = String, Path, description = "the channel's id"),
        ("root_seq" = String, Path, description = "the seq of the thread's root message (a number; anything else answers 404)"),
    ),
    request_body = ThreadReadRequest,
    responses(
        (status = 200, description = "the caller's marker in the thread now in force", body = ReadMarker),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
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

/// Mark a thread unread from a reply on, and follow it again.
#[utoipa::path(
    post,
    path = "/channels/{id}/threads/{root_seq}/unread",
    tag = "threads",
    params(
        ("id" = String, Path, description = "the channel's id"),
        ("root_seq" = String, Path, description = "the seq of the thread's root message (a number; anything else answers 404)"),
    ),
    request_body = MarkUnreadRequest,
    responses(
        (status = 200, description = "the caller's marker in the thread now in force", body = ReadMarker),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
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

/// The threads the caller follows, most recent reply first, with their unread replies.
#[utoipa::path(
    get,
    path = "/threads",
    tag = "threads",
    params(
        ("before" = Option<String>, Query, description = "the root's last_reply_at (RFC 3339) of the previous page's last thread; empty means none"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "at most this many (default 50)"),
    ),
    responses(
        (status = 200, description = "the followed threads, and whether more follow", body = ThreadList),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::SIGNED_IN))),
)]
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
