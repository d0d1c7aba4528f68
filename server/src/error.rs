//! The service layer's error: what went wrong, in terms a client can act on.
//!
//! Each variant maps to exactly one protocol [`ErrorCode`]; the HTTP edge (`http_error`) and
//! the WebSocket session (`ws`) translate it. Unexpected failures keep their cause for the log
//! and tell the client only `internal`.

use xerrada_protocol::ErrorCode;

use crate::store::StoreError;

/// An error a service returns.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{message}")]
    RateLimited {
        message: String,
        /// How long until the same request would pass.
        retry_after: std::time::Duration,
    },
    #[error("service unavailable: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A temporary refusal whose reason the client should see (a bot that is not connected,
    /// a server shutting down); answered as `unavailable`.
    #[error("{0}")]
    Busy(String),
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// The protocol code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Unauthorized(_) => ErrorCode::Unauthorized,
            AppError::Forbidden(_) => ErrorCode::Forbidden,
            AppError::NotFound(_) => ErrorCode::NotFound,
            AppError::Invalid(_) => ErrorCode::InvalidRequest,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::TooLarge(_) => ErrorCode::TooLarge,
            AppError::RateLimited { .. } => ErrorCode::RateLimited,
            AppError::Unavailable(_) | AppError::Busy(_) => ErrorCode::Unavailable,
            AppError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The text shown to the client: never the internal cause.
    pub fn client_message(&self) -> String {
        match self {
            AppError::Unavailable(_) => "the service is temporarily unavailable; retry".into(),
            AppError::Internal(_) => "internal error".into(),
            other => other.to_string(),
        }
    }

    /// Whole seconds to wait before retrying a `rate_limited` request (rounded up, at least
    /// 1, as `Retry-After` wants); `None` for any other error.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after, .. } => {
                Some(retry_after.as_secs_f64().ceil().max(1.0) as u64)
            }
            _ => None,
        }
    }

    /// Milliseconds to wait before retrying a `rate_limited` request (the socket's hint).
    pub fn retry_after_ms(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after, .. } => Some(
                retry_after
                    .as_secs_f64()
                    .mul_add(1000.0, 0.0)
                    .ceil()
                    .max(1.0) as u64,
            ),
            _ => None,
        }
    }

    pub fn not_found(what: &str) -> Self {
        AppError::NotFound(format!("{what} not found"))
    }

    pub fn internal(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(what) => AppError::Conflict(format!("{what} already exists")),
            StoreError::Unavailable(cause) => AppError::Unavailable(cause),
            StoreError::Internal(cause) => AppError::Internal(cause),
        }
    }
}
