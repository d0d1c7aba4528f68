//! Webhook management under `/api/v1` and the posting endpoint `/hooks/{secret}`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use xerrada_protocol::{Webhook, WebhookRequest, WebhookWithUrl};

use super::extract::{ApiBytes, ApiJson};
use super::openapi::{Refusals, access};
use crate::auth::Caller;
use crate::context::Context;
use crate::http_error::HttpResult;
use crate::services::webhooks::{self, Delivery};

/// Create an incoming webhook that posts into this channel (channel members).
#[utoipa::path(
    post,
    path = "/channels/{id}/webhooks",
    tag = "webhooks",
    params(
        ("id" = String, Path, description = "the channel's id"),
    ),
    request_body = WebhookRequest,
    responses(
        (status = 201, description = "the new webhook with its URL (`/hooks/{secret}`), shown only this once", body = WebhookWithUrl),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn create(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
    ApiJson(req): ApiJson<WebhookRequest>,
) -> HttpResult<(StatusCode, Json<WebhookWithUrl>)> {
    let hook = webhooks::create(&ctx, &caller, &channel_id, &req.name).await?;
    Ok((StatusCode::CREATED, Json(hook)))
}

/// List a channel's incoming webhooks, each marked disabled or not (channel members).
#[utoipa::path(
    get,
    path = "/channels/{id}/webhooks",
    tag = "webhooks",
    params(
        ("id" = String, Path, description = "the channel's id"),
    ),
    responses(
        (status = 200, description = "the channel's webhooks, without their secrets", body = Vec<Webhook>),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn list(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<Json<Vec<Webhook>>> {
    Ok(Json(webhooks::list(&ctx, &caller, &channel_id).await?))
}

/// Rename a webhook (its owner, or an admin).
#[utoipa::path(
    patch,
    path = "/webhooks/{id}",
    tag = "webhooks",
    params(
        ("id" = String, Path, description = "the webhook's id"),
    ),
    request_body = WebhookRequest,
    responses(
        (status = 200, description = "the webhook, renamed", body = Webhook),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::WEBHOOK_MANAGER))),
)]
pub async fn rename(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(hook_id): Path<String>,
    ApiJson(req): ApiJson<WebhookRequest>,
) -> HttpResult<Json<Webhook>> {
    Ok(Json(
        webhooks::rename(&ctx, &caller, &hook_id, &req.name).await?,
    ))
}

/// Give a webhook a new secret; the old URL stops working at once (its owner, or an admin).
#[utoipa::path(
    post,
    path = "/webhooks/{id}/regenerate",
    tag = "webhooks",
    params(
        ("id" = String, Path, description = "the webhook's id"),
    ),
    responses(
        (status = 200, description = "the webhook with its new URL, shown only this once", body = WebhookWithUrl),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::WEBHOOK_MANAGER))),
)]
pub async fn regenerate(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(hook_id): Path<String>,
) -> HttpResult<Json<WebhookWithUrl>> {
    Ok(Json(webhooks::regenerate(&ctx, &caller, &hook_id).await?))
}

/// Become a webhook's owner, which re-enables a disabled one (members of its channel).
///
/// A webhook that still works is taken over only by its owner or an admin.
#[utoipa::path(
    post,
    path = "/webhooks/{id}/take-over",
    tag = "webhooks",
    params(
        ("id" = String, Path, description = "the webhook's id"),
    ),
    responses(
        (status = 200, description = "the webhook, now the caller's and enabled (same URL)", body = Webhook),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::WEBHOOK_CHANNEL_MEMBER))),
)]
pub async fn take_over(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(hook_id): Path<String>,
) -> HttpResult<Json<Webhook>> {
    Ok(Json(webhooks::take_over(&ctx, &caller, &hook_id).await?))
}

/// Delete a webhook; its URL stops working (its owner, or an admin).
#[utoipa::path(
    delete,
    path = "/webhooks/{id}",
    tag = "webhooks",
    params(
        ("id" = String, Path, description = "the webhook's id"),
    ),
    responses(
        (status = 204, description = "deleted"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::WEBHOOK_MANAGER))),
)]
pub async fn delete(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(hook_id): Path<String>,
) -> HttpResult<StatusCode> {
    webhooks::delete(&ctx, &caller, &hook_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Post a message into the webhook's channel: a Slack-compatible incoming webhook.
///
/// `POST /hooks/{secret}`: answers `ok` like Slack does.
#[utoipa::path(
    post,
    path = "/{secret}",
    tag = "hooks",
    params(
        ("secret" = String, Path, description = "the webhook's secret, the last part of its URL"),
    ),
    request_body(
        description = "A Slack-style payload: `text` (Slack mrkdwn), and optionally `username`, \
                       `icon_url`, `icon_emoji`, `channel` (only the webhook's own channel, by id \
                       or name), `attachments` (at most 20) and `blocks` (at most 50); it needs \
                       text, attachments or blocks. Sent as a JSON object (a body of any \
                       Content-Type but a form is read as JSON), or as a form whose field \
                       `payload` holds that JSON.",
        content(
            (Object = "application/json", example = json!({"text": "Deploy *finished*"})),
            (std::collections::HashMap<String, String> = "application/x-www-form-urlencoded",
                example = json!({"payload": "{\"text\": \"Deploy *finished*\"}"})),
        ),
    ),
    responses(
        (status = 200, description = "posted; the body is `ok`", body = String, content_type = "text/plain"),
        Refusals,
    ),
    extensions(("x-access" = json!(access::PUBLIC))),
)]
pub async fn deliver(
    State(ctx): State<Arc<Context>>,
    Path(secret): Path<String>,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> HttpResult<&'static str> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let delivery = Delivery {
        content_type,
        body: &body,
    };
    webhooks::deliver(&ctx, &secret, delivery).await?;
    Ok("ok")
}
