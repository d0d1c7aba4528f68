//! The Bot API's envelope: `{"ok":true,"result":…}`, or `{"ok":false,"error_code","description"}`
//! with the same HTTP status. python-telegram-bot picks its exception by the status and
//! teloxide by the description, so both follow Telegram's exact spellings.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::error::AppError;

/// A refused call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TgError {
    pub code: u16,
    pub description: String,
    pub retry_after: Option<u64>,
}

impl TgError {
    fn new(code: u16, description: String) -> TgError {
        TgError {
            code,
            description,
            retry_after: None,
        }
    }

    pub fn bad_request(what: impl std::fmt::Display) -> TgError {
        TgError::new(400, format!("Bad Request: {what}"))
    }

    pub fn unauthorized() -> TgError {
        TgError::new(401, "Unauthorized".into())
    }

    pub fn forbidden(what: impl std::fmt::Display) -> TgError {
        TgError::new(403, format!("Forbidden: {what}"))
    }

    pub fn not_found() -> TgError {
        TgError::new(404, "Not Found".into())
    }

    pub fn conflict(what: impl std::fmt::Display) -> TgError {
        TgError::new(409, format!("Conflict: {what}"))
    }

    pub fn chat_not_found() -> TgError {
        TgError::bad_request("chat not found")
    }
}

impl std::fmt::Display for TgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.description)
    }
}

/// Xerrada's refusals in Telegram's words: what the bot may not do is 403, a missing thing or a
/// bad value 400 (Telegram answers 404 only for an unknown method or token).
impl From<AppError> for TgError {
    fn from(e: AppError) -> TgError {
        match e {
            AppError::Unauthorized(_) => TgError::unauthorized(),
            AppError::Forbidden(m) => TgError::forbidden(m),
            AppError::NotFound(m) | AppError::Invalid(m) | AppError::TooLarge(m) => {
                TgError::bad_request(m)
            }
            AppError::Conflict(m) => TgError::conflict(m),
            AppError::RateLimited { .. } => {
                let retry_after_secs = e.retry_after_secs().unwrap_or(1);
                TgError {
                    code: 429,
                    description: format!("Too Many Requests: retry after {retry_after_secs}"),
                    retry_after: Some(retry_after_secs),
                }
            }
            AppError::Busy(m) => TgError::new(503, format!("Service Unavailable: {m}")),
            other => {
                tracing::warn!(error = %other, "telegram API call failed");
                TgError::new(500, "Internal Server Error".into())
            }
        }
    }
}

impl From<crate::store::StoreError> for TgError {
    fn from(e: crate::store::StoreError) -> TgError {
        TgError::from(AppError::from(e))
    }
}

impl IntoResponse for TgError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut body = json!({
            "ok": false,
            "error_code": self.code,
            "description": self.description,
        });
        if let Some(seconds) = self.retry_after {
            body["parameters"] = json!({ "retry_after": seconds });
        }
        (status, Json(body)).into_response()
    }
}

/// A successful call's answer.
pub fn ok(result: Value) -> Response {
    Json(json!({ "ok": true, "result": result })).into_response()
}

pub type TgResult<T> = Result<T, TgError>;

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(response: Response) -> (u16, Value) {
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .expect("body");
        (status, serde_json::from_slice(&bytes).expect("JSON"))
    }

    #[tokio::test]
    async fn refusals_carry_their_status_and_telegrams_words() {
        let limited = AppError::RateLimited {
            message: "slow down".into(),
            retry_after: std::time::Duration::from_millis(6_200),
        };
        assert_eq!(
            body(TgError::from(limited).into_response()).await,
            (
                429,
                json!({"ok": false, "error_code": 429,
                       "description": "Too Many Requests: retry after 7",
                       "parameters": {"retry_after": 7}})
            )
        );
        let (status, refused) =
            body(TgError::from(AppError::Forbidden("not yours".into())).into_response()).await;
        assert_eq!(
            (status, refused["description"].clone()),
            (403, json!("Forbidden: not yours"))
        );
        let (status, missing) =
            body(TgError::from(AppError::NotFound("no such message".into())).into_response()).await;
        assert_eq!(
            (status, missing["description"].clone()),
            (400, json!("Bad Request: no such message")),
            "Telegram answers 404 only for an unknown method or token"
        );
        let (status, ok) = body(ok(json!(true))).await;
        assert_eq!((status, ok), (200, json!({"ok": true, "result": true})));
    }
}
