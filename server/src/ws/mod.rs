//! `GET /api/v1/ws`: the upgrade (with the Origin check axum does not do) and the socket's
//! configured limits. One socket's life is in [`session`].

mod duplex;
mod origin;
mod session;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Extension;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use xerrada_protocol::ErrorCode;

use crate::context::Context;
use crate::http_error::HttpError;
use crate::net::Unauthenticated;

/// The socket's read buffer to begin with: the `auth` frame and most client frames fit.
const READ_BUFFER_BYTES: usize = 512;

/// Bytes of frames gathered before they are written, when the socket's task finds several
/// queued (docs/benchmarks.md, "Performance round 2").
const WRITE_COALESCE_BYTES: usize = 16 * 1024;

/// Upgrades to a WebSocket if the request's origin is allowed.
///
/// The socket authenticates with its first frame (`auth`), not with a header; the frames are
/// described in docs/protocol.md.
#[utoipa::path(
    get,
    path = "/ws",
    tag = "realtime",
    responses(
        (status = 101, description = "switching to the WebSocket protocol"),
        (status = 400, description = "not a WebSocket upgrade request", body = xerrada_protocol::ApiError),
        (status = 403, description = "the Origin is not allowed", body = xerrada_protocol::ApiError),
    ),
    // `api::openapi::access::PUBLIC`, spelled out: `api` imports this module, and modules
    // never import each other back (tests/layers.rs).
    extensions(("x-access" = json!("public"))),
)]
pub async fn upgrade(
    State(ctx): State<Arc<Context>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    connection: Option<Extension<Unauthenticated>>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => {
            return HttpError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidRequest,
                format!("expected a WebSocket upgrade: {}", rejection.body_text()),
            )
            .into_response();
        }
    };
    if !origin::allowed(&headers, peer.ip(), &ctx.config) {
        return HttpError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "WebSocket origin not allowed",
        )
        .into_response();
    }
    let limits = &ctx.config.limits;
    upgrade
        .max_message_size(limits.max_ws_frame_bytes)
        .max_frame_size(limits.max_ws_frame_bytes)
        // A small read buffer: most sockets are idle most of the time. It grows for a large
        // frame when one comes (docs/benchmarks.md: 4 KiB cost 3 KiB per socket, 1 KiB half
        // a KiB more than this).
        .read_buffer_size(READ_BUFFER_BYTES)
        // Frames the socket's task finds queued together go into this buffer and leave in one
        // system call when it flushes (0 meant one `send` per frame). Our own outbox bounds
        // what waits beyond it.
        .write_buffer_size(WRITE_COALESCE_BYTES)
        .max_write_buffer_size(limits.max_ws_frame_bytes * 4)
        .on_upgrade(move |socket| session::run(ctx, socket, connection.map(|Extension(c)| c)))
}
