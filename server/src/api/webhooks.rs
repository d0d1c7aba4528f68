//! Webhook management under `/api/v1` and the posting endpoint `/hooks/{secret}`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use xerrada_protocol::{Webhook, WebhookRequest, WebhookWithUrl};

use super::extract::{ApiBytes, ApiJson};
use crate::auth::Caller;
use crate::context::Context;
use crate::http_error::HttpResult;
use crate::services::webhooks::{self, Delivery};

pub async fn create(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
    ApiJson(req): ApiJson<WebhookRequest>,
) -> HttpResult<(StatusCode, Json<WebhookWithUrl>)> {
    let hook = webhooks::create(&ctx, &caller, &channel_id, &req.name).await?;
    Ok((StatusCode::CREATED, Json(hook)))
}

pub async fn list(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<Json<Vec<Webhook>>> {
    Ok(Json(webhooks::list(&ctx, &caller, &channel_id).await?))
}

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

pub async fn regenerate(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(hook_id): Path<String>,
) -> HttpResult<Json<WebhookWithUrl>> {
    Ok(Json(webhooks::regenerate(&ctx, &caller, &hook_id).await?))
}

pub async fn take_over(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(hook_id): Path<String>,
) -> HttpResult<Json<Webhook>> {
    Ok(Json(webhooks::take_over(&ctx, &caller, &hook_id).await?))
}

pub async fn delete(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(hook_id): Path<String>,
) -> HttpResult<StatusCode> {
    webhooks::delete(&ctx, &caller, &hook_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /hooks/{secret}`: answers `ok` like Slack does.
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
