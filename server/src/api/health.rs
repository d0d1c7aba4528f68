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

/// Ready: the store answers (503 otherwise). The body also tells whether the bus is up: a
/// node without it still serves its own sockets from the store, so it stays ready, but
/// operators should hear of it.
pub async fn readyz(State(ctx): State<Arc<crate::context::Context>>) -> (StatusCode, Json<Value>) {
    let bus = match ctx.hub.link().bus_connected() {
        None => "disabled",
        Some(true) => "ok",
        Some(false) => "unavailable",
    };
    match ctx.store.health().await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({"status": "ok", "store": "ok", "bus": bus})),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "store": "unavailable", "bus": bus})),
            )
        }
    }
}
