//! `/api/v1/bots`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use xerrada_protocol::{
    BotToken, CreateBotRequest, CreateBotTokenRequest, CreatedBot, NewBotToken,
    TelegramBotSettings, User,
};

use super::extract::ApiJson;
use super::openapi::{Refusals, access};
use crate::auth::Caller;
use crate::context::Context;
use crate::http_error::HttpResult;
use crate::services::bots;

/// Create a bot account and its first token (admins only).
#[utoipa::path(
    post,
    path = "/bots",
    tag = "bots",
    request_body = CreateBotRequest,
    responses(
        (status = 201, description = "the bot and its first token, shown only this once", body = CreatedBot),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn create(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateBotRequest>,
) -> HttpResult<(StatusCode, Json<CreatedBot>)> {
    Ok((
        StatusCode::CREATED,
        Json(bots::create(&ctx, &caller, req).await?),
    ))
}

/// List every bot account.
#[utoipa::path(
    get,
    path = "/bots",
    tag = "bots",
    responses(
        (status = 200, description = "every account of kind `bot`, the server's own (`incoming-webhook`, `suport`) included", body = Vec<User>),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::SIGNED_IN))),
)]
pub async fn list(State(ctx): State<Arc<Context>>, _caller: Caller) -> HttpResult<Json<Vec<User>>> {
    Ok(Json(bots::list(&ctx).await?))
}

/// A bot's Telegram Bot API settings, such as its privacy mode (admins only).
#[utoipa::path(
    get,
    path = "/bots/{id}/telegram",
    tag = "bots",
    params(
        ("id" = String, Path, description = "the bot's account id"),
    ),
    responses(
        (status = 200, description = "the settings (the defaults for a bot that does not speak the Telegram API yet)", body = TelegramBotSettings),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn telegram(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(id): Path<String>,
) -> HttpResult<Json<TelegramBotSettings>> {
    Ok(Json(
        crate::telegram::settings::get(&ctx, &caller, &id).await?,
    ))
}

/// Make a bot speak the Telegram Bot API, with these settings (admins only).
#[utoipa::path(
    put,
    path = "/bots/{id}/telegram",
    tag = "bots",
    params(
        ("id" = String, Path, description = "the bot's account id"),
    ),
    request_body = TelegramBotSettings,
    responses(
        (status = 200, description = "the settings now in force", body = TelegramBotSettings),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn set_telegram(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(wanted): ApiJson<TelegramBotSettings>,
) -> HttpResult<Json<TelegramBotSettings>> {
    Ok(Json(
        crate::telegram::settings::set(&ctx, &caller, &id, wanted).await?,
    ))
}

/// List a bot's tokens, without their secrets (admins only).
#[utoipa::path(
    get,
    path = "/bots/{id}/tokens",
    tag = "bots",
    params(
        ("id" = String, Path, description = "the bot's account id"),
    ),
    responses(
        (status = 200, description = "the bot's tokens, revoked ones included", body = Vec<BotToken>),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn tokens(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(bot_id): Path<String>,
) -> HttpResult<Json<Vec<BotToken>>> {
    Ok(Json(bots::tokens(&ctx, &caller, &bot_id).await?))
}

/// Give a bot a further token, e.g. to rotate without downtime (admins only).
#[utoipa::path(
    post,
    path = "/bots/{id}/tokens",
    tag = "bots",
    params(
        ("id" = String, Path, description = "the bot's account id"),
    ),
    request_body = CreateBotTokenRequest,
    responses(
        (status = 201, description = "the new token, shown only this once", body = NewBotToken),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn add_token(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(bot_id): Path<String>,
    ApiJson(req): ApiJson<CreateBotTokenRequest>,
) -> HttpResult<(StatusCode, Json<NewBotToken>)> {
    let token = bots::add_token(&ctx, &caller, &bot_id, req.label).await?;
    Ok((StatusCode::CREATED, Json(token)))
}

/// Revoke one of a bot's tokens: refused at once, its sockets closed (admins only).
#[utoipa::path(
    delete,
    path = "/bots/{id}/tokens/{token_id}",
    tag = "bots",
    params(
        ("id" = String, Path, description = "the bot's account id"),
        ("token_id" = String, Path, description = "the token's id (not its secret)"),
    ),
    responses(
        (status = 204, description = "revoked (also when it already was)"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn revoke_token(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((bot_id, token_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    bots::revoke_token(&ctx, &caller, &bot_id, &token_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
