//! `/api/v1/info`: the support desk's knowledge base.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use xerrada_protocol::{InfoArticle, SetInfoArticleRequest};

use super::extract::{ApiJson, ApiQuery};
use serde_json::json;

use crate::auth::Caller;
use crate::context::Context;
use crate::helpdesk::info;
use crate::http_error::HttpResult;
use crate::services::accounts::require_admin;
use crate::services::audit::{self, AuditAction};

pub async fn list(
    State(ctx): State<Arc<Context>>,
    _caller: Caller,
) -> HttpResult<Json<Vec<InfoArticle>>> {
    Ok(Json(info::list(&ctx).await?))
}

pub async fn set(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(topic): Path<String>,
    ApiJson(req): ApiJson<SetInfoArticleRequest>,
) -> HttpResult<Json<InfoArticle>> {
    require_admin(&caller)?;
    let article = info::set(&ctx, &caller.user.id, &topic, req).await?;
    let details = json!({"lang": article.lang, "title": article.title});
    audit::record(
        &ctx,
        (&caller).into(),
        AuditAction::InfoSet,
        &article.topic,
        details,
    )
    .await;
    Ok(Json(article))
}

#[derive(Deserialize)]
pub struct RemoveQuery {
    lang: Option<String>,
}

pub async fn remove(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(topic): Path<String>,
    ApiQuery(query): ApiQuery<RemoveQuery>,
) -> HttpResult<StatusCode> {
    require_admin(&caller)?;
    info::remove(&ctx, &topic, query.lang.as_deref()).await?;
    let details = json!({"lang": query.lang});
    audit::record(
        &ctx,
        (&caller).into(),
        AuditAction::InfoRemoved,
        &topic,
        details,
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}
