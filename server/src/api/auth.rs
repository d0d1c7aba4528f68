//! `/api/v1/auth/*` and `/api/v1/me`.
//!
//! Browsers keep the refresh token in an HttpOnly, SameSite=Strict cookie scoped to
//! `/api/v1/auth` (login with `{"cookie": true}`; refresh accepts the cookie; logout clears
//! it), so page scripts never see it. Other clients use the JSON fields as PROTOCOL.md says.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use xerrada_protocol::{LoginRequest, Me, RefreshRequest, TokenResponse};

use super::client_addr::ClientAddr;
use super::extract::ApiJson;
use crate::auth::{Caller, Issued};
use crate::context::Context;
use crate::error::AppError;
use crate::helpdesk;
use crate::http_error::HttpResult;
use crate::services::audit::{self, AuditAction};
use serde_json::json;

use super::openapi::{Refusals, access};

const REFRESH_COOKIE: &str = "xerrada_refresh";

fn token_response(issued: Issued) -> TokenResponse {
    TokenResponse {
        access_token: issued.access_token,
        token_type: "Bearer".into(),
        expires_in: issued.expires_in,
        refresh_token: issued.refresh_token,
        user: issued.user,
    }
}

/// The `Set-Cookie` value carrying a refresh token (or clearing it, with `None`).
fn refresh_cookie(token: Option<&str>, max_age_secs: u64) -> HeaderValue {
    let value = match token {
        Some(token) => format!(
            "{REFRESH_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/api/v1/auth; Max-Age={max_age_secs}"
        ),
        None => {
            format!("{REFRESH_COOKIE}=; HttpOnly; SameSite=Strict; Path=/api/v1/auth; Max-Age=0")
        }
    };
    HeaderValue::from_str(&value).expect("refresh tokens are URL-safe base64")
}

/// The refresh token from the request's cookie, if any.
fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == REFRESH_COOKIE && !value.is_empty())
        .map(|(_, value)| value.to_owned())
}

fn with_cookie(issued: Issued, ctx: &Context) -> Response {
    let cookie = refresh_cookie(
        Some(&issued.refresh_token),
        ctx.config.auth.session_ttl_days * 86_400,
    );
    let mut response = Json(token_response(issued)).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
}

/// Sign in with a username and password.
///
/// With `"cookie": true` the refresh token is also set as an HttpOnly cookie scoped to
/// `/api/v1/auth` (for browsers).
#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "an access token and a refresh token", body = TokenResponse),
        Refusals,
    ),
    extensions(("x-access" = json!(access::PUBLIC))),
)]
pub async fn login(
    State(ctx): State<Arc<Context>>,
    ClientAddr(client): ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> HttpResult<Response> {
    let outcome = ctx.auth.login(&req.username, &req.password, client).await;
    audit::record_login(&ctx, &req.username, client, &outcome).await;
    let issued = outcome?;
    if req.cookie == Some(true) {
        return Ok(with_cookie(issued, &ctx));
    }
    Ok(Json(token_response(issued)).into_response())
}

/// Trade a refresh token (in the body, or the browser's cookie) for new tokens.
#[utoipa::path(
    post,
    path = "/auth/refresh",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "new tokens; the old refresh token is spent", body = TokenResponse),
        Refusals,
    ),
    extensions(("x-access" = json!(access::PUBLIC))),
)]
pub async fn refresh(
    State(ctx): State<Arc<Context>>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> HttpResult<Response> {
    let from_body = req.refresh_token.filter(|t| !t.is_empty());
    let (token, from_cookie) = match from_body {
        Some(token) => (token, false),
        None => (
            cookie_token(&headers)
                .ok_or_else(|| AppError::Unauthorized("missing refresh_token".into()))?,
            true,
        ),
    };
    let issued = ctx.auth.refresh(&token).await?;
    if from_cookie {
        return Ok(with_cookie(issued, &ctx));
    }
    Ok(Json(token_response(issued)).into_response())
}

/// End this session: its tokens stop working and its sockets close.
#[utoipa::path(
    post,
    path = "/auth/logout",
    tag = "auth",
    responses((status = 204, description = "signed out"), Refusals),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::SIGNED_IN))),
)]
pub async fn logout(State(ctx): State<Arc<Context>>, caller: Caller) -> HttpResult<Response> {
    ctx.auth.logout(&caller.session_id).await?;
    audit::record(
        &ctx,
        (&caller).into(),
        AuditAction::Logout,
        &caller.user.id,
        json!({}),
    )
    .await;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, refresh_cookie(None, 0));
    Ok(response)
}

/// The signed-in account, and whether it is on the support team.
#[utoipa::path(
    get,
    path = "/me",
    tag = "auth",
    responses((status = 200, description = "the caller", body = Me), Refusals),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::SIGNED_IN))),
)]
pub async fn me(State(ctx): State<Arc<Context>>, caller: Caller) -> HttpResult<Json<Me>> {
    let support_team = helpdesk::is_team(&ctx, &caller.user).await?;
    Ok(Json(Me {
        user: caller.user,
        support_team,
    }))
}
