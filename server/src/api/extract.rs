//! Extractors that answer bad input with the contract's JSON errors instead of axum's text.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;
use xerrada_protocol::ErrorCode;

use crate::api::client_addr::ClientAddr;
use crate::auth::Caller;
use crate::context::Context;
use crate::error::AppError;
use crate::http_error::HttpError;
use crate::net::Unauthenticated;
use crate::texts::Lang;

/// A JSON body. Malformed JSON is 400, well-formed but wrong JSON 422, a missing JSON content
/// type 415, a body over the HTTP limit 413 — each with the JSON error body.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !has_json_content_type(req.headers()) {
            return Err(HttpError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::InvalidRequest,
                "expected Content-Type: application/json",
            ));
        }
        let ApiBytes(bytes) = ApiBytes::from_request(req, state).await?;
        crate::validate::refuse_nul_in_json(&bytes)?;
        // serde reads a struct from an array of its fields in order too; every body of the
        // API is an object, and `[null, null]` must not pass for one.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
            return Err(HttpError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::InvalidRequest,
                "the body must be a JSON object",
            ));
        }
        match Json::<T>::from_bytes(&bytes) {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

/// `application/json` or `application/<anything>+json`, as axum's own `Json` accepts.
fn has_json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn json_rejection(rejection: JsonRejection) -> HttpError {
    let status = rejection.status();
    let message = rejection.body_text();
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            HttpError::new(status, ErrorCode::TooLarge, "request body too large")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => HttpError::new(
            status,
            ErrorCode::InvalidRequest,
            "expected Content-Type: application/json",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => {
            HttpError::new(status, ErrorCode::InvalidRequest, message)
        }
        _ => HttpError::new(StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest, message),
    }
}

/// A raw body (webhook payloads); over the HTTP limit it is 413 `too_large` in JSON.
pub struct ApiBytes(pub axum::body::Bytes);

impl<S> FromRequest<S> for ApiBytes
where
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::body::Bytes::from_request(req, state).await {
            Ok(bytes) => Ok(ApiBytes(bytes)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(HttpError::new(
                    rejection.status(),
                    ErrorCode::TooLarge,
                    "request body too large",
                ))
            }
            Err(rejection) => Err(HttpError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidRequest,
                rejection.body_text(),
            )),
        }
    }
}

/// Query parameters; unparsable ones are 400 `invalid_request`.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(query_rejection(rejection)),
        }
    }
}

fn query_rejection(rejection: QueryRejection) -> HttpError {
    HttpError::new(
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidRequest,
        rejection.body_text(),
    )
}

/// The bearer token of a request, if any.
pub fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty())
}

impl FromRequestParts<Arc<Context>> for Caller {
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut Parts,
        ctx: &Arc<Context>,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts).ok_or_else(|| {
            HttpError::from(AppError::Unauthorized(
                "missing Authorization: Bearer token".into(),
            ))
        })?;
        let mut caller = ctx.auth.authenticate(token).await?;
        if let Some(connection) = parts.extensions.get::<Unauthenticated>() {
            connection.authenticated();
        }
        let ClientAddr(ip) = ClientAddr::from_request_parts(parts, ctx).await?;
        caller.ip = Some(ip);
        Ok(caller)
    }
}

/// The language a REST caller reads answers in: the first supported one of its
/// `Accept-Language`, else the installation's.
pub struct UiLang(pub Lang);

impl FromRequestParts<Arc<Context>> for UiLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        ctx: &Arc<Context>,
    ) -> Result<Self, Self::Rejection> {
        let said = parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Lang::negotiate);
        Ok(UiLang(said.unwrap_or(ctx.config.default_lang)))
    }
}
