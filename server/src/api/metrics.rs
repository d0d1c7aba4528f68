//! `GET /metrics` for Prometheus, and the count of every HTTP request by route template.

use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::openapi::access;
use crate::context::Context;
use crate::http_error::HttpError;
use crate::metrics::HttpLabels;
use xerrada_protocol::ErrorCode;

/// The Prometheus text format.
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Everything `/metrics` reports; only with the configured bearer token (404 when none is
/// configured: the endpoint does not exist then).
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "probes",
    responses(
        (status = 200, description = "the Prometheus text format", content_type = "text/plain; version=0.0.4"),
        (status = 401, description = "no token, or not the configured one", body = xerrada_protocol::ApiError),
        (status = 404, description = "metrics are off (no token configured)", body = xerrada_protocol::ApiError),
    ),
    security(("metrics" = [])),
    extensions(("x-access" = json!(access::PUBLIC))),
)]
pub async fn scrape(State(ctx): State<Arc<Context>>, headers: HeaderMap) -> Response {
    let Some(expected) = ctx.config.metrics.token.as_deref() else {
        return crate::http_error::not_found().await.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    // Compared as digests, so that the time taken says nothing about the token.
    if given.map(|token| Sha256::digest(token.as_bytes())) != Some(Sha256::digest(expected)) {
        let mut response = HttpError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "metrics need the configured bearer token",
        )
        .into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
        return response;
    }
    match ctx.metrics.render(&ctx.hub) {
        Ok(text) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "metrics could not be encoded");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Counts the request under its route's template (never the path itself, which holds ids).
pub async fn count_request(
    State(ctx): State<Arc<Context>>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let response = next.run(request).await;
    ctx.metrics
        .http_requests
        .get_or_create(&HttpLabels {
            route,
            method,
            status: response.status().as_u16(),
        })
        .inc();
    response
}
