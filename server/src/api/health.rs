//! Liveness and readiness probes.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use super::openapi::access;

/// How long the store may take to answer a readiness check. A database that hangs (a host
/// gone from the network, a server stopped mid-query) would otherwise hold the probe for as
/// long as the pool waits for a connection, past any load balancer's probe timeout; the node
/// is then reported not ready, in time.
const STORE_CHECK_TIMEOUT: Duration = Duration::from_millis(800);

/// The answer of `/healthz`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Liveness {
    /// Always `ok`: a process that answers is alive.
    status: &'static str,
}

/// The answer of `/readyz`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Readiness {
    /// `ok`, or `unavailable` when the store is.
    status: &'static str,
    /// `ok`, `unavailable` or `timeout`.
    store: &'static str,
    /// `ok`, `unavailable` or `disabled` (a single node has no bus).
    bus: &'static str,
    /// The parts that are down.
    down: Vec<&'static str>,
}

/// Alive: the process answers.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "probes",
    responses((status = 200, description = "the process answers", body = Liveness)),
    extensions(("x-access" = json!(access::PUBLIC))),
)]
pub async fn healthz() -> Json<Liveness> {
    Json(Liveness { status: "ok" })
}

/// Ready: the store answers within [`STORE_CHECK_TIMEOUT`] (503 otherwise). The body names
/// each part's state (`store`: ok, unavailable or timeout; `bus`: ok, unavailable or
/// disabled) and lists what is down. A node without its bus still serves its own sockets from
/// the store, so it stays ready, but operators should hear of it.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "probes",
    responses(
        (status = 200, description = "ready", body = Readiness),
        (status = 503, description = "not ready: the store does not answer", body = Readiness),
    ),
    extensions(("x-access" = json!(access::PUBLIC))),
)]
pub async fn readyz(
    State(ctx): State<Arc<crate::context::Context>>,
) -> (StatusCode, Json<Readiness>) {
    let bus = match ctx.hub.link().bus_connected() {
        None => "disabled",
        Some(true) => "ok",
        Some(false) => "unavailable",
    };
    let store = match tokio::time::timeout(STORE_CHECK_TIMEOUT, ctx.store.health()).await {
        Ok(Ok(())) => "ok",
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check: the store failed");
            "unavailable"
        }
        Err(_) => {
            tracing::warn!(
                timeout_ms = STORE_CHECK_TIMEOUT.as_millis() as u64,
                "readiness check: the store did not answer in time"
            );
            "timeout"
        }
    };
    let down: Vec<&'static str> = [("store", store), ("bus", bus)]
        .into_iter()
        .filter(|(_, state)| !matches!(*state, "ok" | "disabled"))
        .map(|(part, _)| part)
        .collect();
    let (status, overall) = if store == "ok" {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    };
    (
        status,
        Json(Readiness {
            status: overall,
            store,
            bus,
            down,
        }),
    )
}
