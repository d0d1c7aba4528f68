//! `/api/v1/info`: the support desk's knowledge base.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use xerrada_protocol::{InfoArticle, SetInfoArticleRequest};

use super::extract::{ApiJson, ApiQuery};
use super::openapi::{Refusals, access};
use serde_json::json;

use crate::auth::Caller;
use crate::context::Context;
use crate::helpdesk::info;
use crate::http_error::HttpResult;
use crate::services::accounts::require_admin;
use crate::services::audit::{self, AuditAction};

/// List the support desk's knowledge-base articles, in every language.
#[utoipa::path(
    get,
    path = "/info",
    tag = "info",
    responses(
        (status = 200, description = "every article, each topic in each of its languages", body = Vec<InfoArticle>),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::SIGNED_IN))),
)]
pub async fn list(
    State(ctx): State<Arc<Context>>,
    _caller: Caller,
) -> HttpResult<Json<Vec<InfoArticle>>> {
    Ok(Json(info::list(&ctx).await?))
}

/// Create or replace a knowledge-base article in one language (admins only).
#[utoipa::path(
    put,
    path = "/info/{topic}",
    tag = "info",
    params(
        ("topic" = String, Path, pattern = "^[A-Za-z0-9_-]{1,40}$", description = "the topic key: 1-40 letters, digits, `-` or `_` (stored in lowercase)"),
    ),
    request_body = SetInfoArticleRequest,
    responses(
        (status = 200, description = "the article as stored", body = InfoArticle),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
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

/// Remove a knowledge-base article in one language, or in all of them (admins only).
#[utoipa::path(
    delete,
    path = "/info/{topic}",
    tag = "info",
    params(
        ("topic" = String, Path, pattern = "^[A-Za-z0-9_-]{1,40}$", description = "the topic key: 1-40 letters, digits, `-` or `_` (any case)"),
        ("lang" = Option<String>, Query, pattern = "^([cC][aA]|[eE][sS]|[eE][nN])?$", description = "only this language's version: `ca`, `es` or `en` (any case); absent or empty removes every language"),
    ),
    responses(
        (status = 204, description = "removed"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
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
