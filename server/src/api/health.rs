//! Liveness and readiness probes.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// Alive: the process answers.
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// Ready: the store answers.
pub async fn readyz(State(ctx): State<Arc<crate::context::Context>>) -> (StatusCode, Json<Value>) {
    match ctx.store.health().await {
        Ok(()) => (StatusCode::OK, Json(json!({"status": "ok", "store": "ok"}))),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "store": "unavailable"})),
            )
        }
    }
}
