//! `/api/v1/auth/*` and `/api/v1/me`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use xerrada_protocol::{LoginRequest, RefreshRequest, TokenResponse, User};

use super::error::HttpResult;
use super::extract::ApiJson;
use crate::auth::{Caller, Issued};
use crate::context::Context;
use crate::error::AppError;

fn token_response(issued: Issued) -> TokenResponse {
    TokenResponse {
        access_token: issued.access_token,
        token_type: "Bearer".into(),
        expires_in: issued.expires_in,
        refresh_token: issued.refresh_token,
        user: issued.user,
    }
}

pub async fn login(
    State(ctx): State<Arc<Context>>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> HttpResult<Json<TokenResponse>> {
    let issued = ctx.auth.login(&req.username, &req.password).await?;
    Ok(Json(token_response(issued)))
}

pub async fn refresh(
    State(ctx): State<Arc<Context>>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> HttpResult<Json<TokenResponse>> {
    let token = req
        .refresh_token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| AppError::Unauthorized("missing refresh_token".into()))?;
    let issued = ctx.auth.refresh(&token).await?;
    Ok(Json(token_response(issued)))
}

pub async fn logout(State(ctx): State<Arc<Context>>, caller: Caller) -> HttpResult<StatusCode> {
    ctx.auth.logout(&caller.session_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(caller: Caller) -> Json<User> {
    Json(caller.user)
}
