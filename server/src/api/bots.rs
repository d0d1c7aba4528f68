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
use crate::auth::Caller;
use crate::context::Context;
use crate::http_error::HttpResult;
use crate::services::bots;

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

pub async fn list(State(ctx): State<Arc<Context>>, _caller: Caller) -> HttpResult<Json<Vec<User>>> {
    Ok(Json(bots::list(&ctx).await?))
}

pub async fn telegram(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(id): Path<String>,
) -> HttpResult<Json<TelegramBotSettings>> {
    Ok(Json(
        crate::telegram::settings::get(&ctx, &caller, &id).await?,
    ))
}

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

pub async fn tokens(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(bot_id): Path<String>,
) -> HttpResult<Json<Vec<BotToken>>> {
    Ok(Json(bots::tokens(&ctx, &caller, &bot_id).await?))
}

pub async fn add_token(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(bot_id): Path<String>,
    ApiJson(req): ApiJson<CreateBotTokenRequest>,
) -> HttpResult<(StatusCode, Json<NewBotToken>)> {
    let token = bots::add_token(&ctx, &caller, &bot_id, req.label).await?;
    Ok((StatusCode::CREATED, Json(token)))
}

pub async fn revoke_token(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path((bot_id, token_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    bots::revoke_token(&ctx, &caller, &bot_id, &token_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
