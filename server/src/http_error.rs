//! How errors look over HTTP: a status and `{"code","message"}`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use xerrada_protocol::{ApiError, ErrorCode};

use crate::error::AppError;

/// An HTTP error answer.
#[derive(Debug)]
pub struct HttpError {
    status: StatusCode,
    body: ApiError,
    retry_after_secs: Option<u64>,
}

impl HttpError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        HttpError {
            status,
            body: ApiError {
                code,
                message: message.into(),
            },
            retry_after_secs: None,
        }
    }
}

impl From<AppError> for HttpError {
    fn from(e: AppError) -> Self {
        match &e {
            AppError::Internal(_) => {
                tracing::error!(error = %e, cause = ?std::error::Error::source(&e), "request failed");
            }
            AppError::Unavailable(_) => {
                tracing::warn!(error = %e, cause = ?std::error::Error::source(&e), "request refused for now");
            }
            _ => {}
        }
        let code = e.code();
        let status =
            StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after_secs = e.retry_after_secs();
        HttpError {
            status,
            body: ApiError {
                code,
                message: e.client_message(),
            },
            retry_after_secs,
        }
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// Result type of handlers.
pub type HttpResult<T> = Result<T, HttpError>;

/// Unknown route under the API.
pub async fn not_found() -> HttpError {
    HttpError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such route")
}

/// A route served outside the router (the Bot API's), asked with a method it does not take.
pub fn method_not_allowed_here(allowed: &'static str) -> Response {
    let mut response = HttpError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::InvalidRequest,
        "method not allowed on this route",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allowed));
    response
}

/// Known route, wrong method.
pub async fn method_not_allowed() -> HttpError {
    HttpError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::InvalidRequest,
        "method not allowed on this route",
    )
}
