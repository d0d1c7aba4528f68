//! One WebSocket's life: authenticate, register with the hub, send `ready` and the replay of
//! missed events, then serve the socket from its one task until it closes:
//! - client frames are handled as they come (sends go to the writer, whose `ack` lands in this
//!   socket's outbox);
//! - meanwhile [`Duplex`] drains the outbox to the socket (queued frames leave in one flush),
//!   pings, and notices when the socket is asked to close.
//!
//! Events committed while the replay is read from the store are also queued live; the duplex
//! drops those the replay already sent, so the client sees each `seq` once and in order.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::{SinkExt, StreamExt};
use tracing::Instrument;
use xerrada_protocol::frames::PresenceStatus;
use xerrada_protocol::{ClientFrame, ErrorCode, ResumePoints, ServerFrame, close_code};

use crate::auth::Caller;
use crate::context::Context;
use crate::error::AppError;
use crate::events::{error_frame, refusal_frame};
use crate::hub::{CloseReason, Connection};
use crate::net::Unauthenticated;
use crate::services::accounts;
use crate::services::message_changes;
use crate::services::messages::{self, Draft};
use crate::services::{resume, threads};
use crate::texts::Lang;

use super::duplex::{Duplex, Event, Heartbeat};

/// How long a closing socket may take to flush its close frame to a client that is not
/// reading, before the connection is dropped.
const CLOSE_GRACE: Duration = Duration::from_secs(30);

/// Runs a socket from upgrade to close. Until its `auth` frame is accepted, the socket counts
/// against its address's unauthenticated connections (`connection`, see `net.rs`).
pub async fn run(ctx: Arc<Context>, mut socket: WebSocket, connection: Option<Unauthenticated>) {
    // The steps that run once (auth, the language, `ready` and the replay) are boxed while
    // they run: a task is as large as its largest state, and unboxed they would keep every
    // idle socket's task that large (docs/benchmarks.md, "One task per socket").
    let auth_timeout = Duration::from_millis(ctx.config.auth.auth_timeout_ms);
    let (caller, resume, lang) =
        match tokio::time::timeout(auth_timeout, Box::pin(authenticate(&ctx, &mut socket))).await {
            Ok(Ok(authenticated)) => authenticated,
            Ok(Err(refusal)) => {
                refuse(&mut socket, refusal).await;
                return;
            }
            Err(_) => {
                let refusal = Refusal::new(None, ErrorCode::Unauthorized, "no auth frame in time");
                refuse(&mut socket, refusal).await;
                return;
            }
        };
    if let Some(connection) = connection {
        connection.authenticated();
    }
    let span = tracing::info_span!(
        "socket",
        user = %caller.user.username,
        session = %caller.session_id
    );
    let peer = Authenticated {
        caller,
        resume,
        lang,
    };
    serve(ctx, socket, peer).instrument(span).await;
}

/// Who a socket turned out to be, from its `auth` frame.
struct Authenticated {
    caller: Caller,
    resume: Option<ResumePoints>,
    lang: Option<String>,
}

/// An authenticated socket's life, inside its tracing span.
async fn serve(ctx: Arc<Context>, mut socket: WebSocket, peer: Authenticated) {
    let Authenticated {
        caller,
        resume,
        lang,
    } = peer;
    // Remembered for what the server later writes to this person unasked (the bot's DMs).
    let lang = Box::pin(accounts::socket_language(
        &ctx,
        &caller.user.id,
        lang.as_deref(),
    ))
    .await;
    let (outbox, receiver) = ctx.hub.new_outbox();
    let (connection, first) = ctx
        .hub
        .register(&caller.user.id, &caller.session_id, outbox.clone());
    if first {
        ctx.hub
            .announce_presence(&caller.user.id, PresenceStatus::Online);
    }
    let replayed = match Box::pin(greet(&ctx, &caller, resume, &mut socket)).await {
        Ok(replayed) => replayed,
        Err(e) => {
            tracing::warn!(error = %e, "could not send ready");
            close_now(
                &mut socket,
                CloseReason {
                    code: close_code::GOING_AWAY,
                    reason: "try again",
                },
            )
            .await;
            leave(&ctx, &connection);
            return;
        }
    };
    let heartbeat = Heartbeat {
        interval: Duration::from_millis(ctx.config.realtime.ping_interval_ms),
        timeout: Duration::from_millis(ctx.config.realtime.pong_timeout_ms),
    };
    let mut duplex = Duplex::new(&mut socket, receiver, replayed, heartbeat);
    let reason = serve_frames(&ctx, &caller, lang, &connection, &mut duplex).await;
    // Free the queue at once (only the close frame remains to be written) and let the hub
    // forget the socket before the close, which may wait for a client that does not read.
    outbox.close(reason.code, reason.reason);
    let socket = duplex.finish();
    leave(&ctx, &connection);
    if reason.code == 1000 && reason.reason.is_empty() {
        let _ = tokio::time::timeout(Duration::from_secs(1), socket.close()).await;
        return;
    }
    let close = Message::Close(Some(CloseFrame {
        code: reason.code,
        reason: Utf8Bytes::from_static(reason.reason),
    }));
    let _ = tokio::time::timeout(CLOSE_GRACE, socket.send(close)).await;
}

/// Unregisters a socket; the user goes offline with its last socket.
fn leave(ctx: &Context, connection: &Connection) {
    connection.outbox.close(1000, "");
    if ctx.hub.unregister(connection) {
        ctx.hub
            .announce_presence(&connection.user_id, PresenceStatus::Offline);
    }
}

/// Why a socket is refused before it is authenticated.
struct Refusal {
    reference: Option<String>,
    code: ErrorCode,
    message: String,
    close: CloseReason,
}

impl Refusal {
    fn new(reference: Option<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        Refusal {
            reference,
            code,
            message: message.into(),
            close: CloseReason {
                code: close_code::NOT_AUTHENTICATED,
                reason: "not authenticated",
            },
        }
    }
}

/// Waits for the `auth` frame and checks its token.
async fn authenticate(
    ctx: &Context,
    socket: &mut WebSocket,
) -> Result<(Caller, Option<ResumePoints>, Option<String>), Refusal> {
    loop {
        let text = match socket.next().await {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(Message::Binary(_))) => {
                return Err(Refusal::new(
                    None,
                    ErrorCode::InvalidRequest,
                    "binary frames are not supported; send the auth frame first",
                ));
            }
            Some(Ok(Message::Close(_))) | None => {
                return Err(Refusal::new(
                    None,
                    ErrorCode::Unauthorized,
                    "closed before auth",
                ));
            }
            Some(Err(e)) => {
                let mut refusal = Refusal::new(None, ErrorCode::InvalidRequest, "unreadable frame");
                if let Some(close) = protocol_violation(&e) {
                    refusal.close = close;
                }
                return Err(refusal);
            }
        };
        return match serde_json::from_str::<ClientFrame>(&text) {
            Ok(ClientFrame::Auth {
                token,
                resume,
                lang,
            }) => match ctx.auth.authenticate(&token).await {
                Ok(caller) => Ok((caller, resume, lang)),
                Err(e) => Err(Refusal::new(None, e.code(), e.client_message())),
            },
            Ok(_) => Err(Refusal::new(
                reference_of(&text),
                ErrorCode::Unauthorized,
                "the first frame must be auth",
            )),
            Err(e) => Err(Refusal::new(
                reference_of(&text),
                ErrorCode::InvalidRequest,
                format!("malformed frame (the first frame must be auth): {e}"),
            )),
        };
    }
}

/// Tells an unauthenticated client why, then closes.
async fn refuse(socket: &mut WebSocket, refusal: Refusal) {
    let frame = refusal_frame(refusal.reference, refusal.code, refusal.message);
    let text = serde_json::to_string(&frame).expect("server frames always serialize");
    let _ = tokio::time::timeout(
        Duration::from_secs(5),
        socket.send(Message::Text(text.into())),
    )
    .await;
    close_now(socket, refusal.close).await;
}

async fn close_now(socket: &mut WebSocket, reason: CloseReason) {
    let frame = CloseFrame {
        code: reason.code,
        reason: Utf8Bytes::from_static(reason.reason),
    };
    let _ = tokio::time::timeout(
        Duration::from_secs(5),
        socket.send(Message::Close(Some(frame))),
    )
    .await;
}

/// Sends `ready` and the replay of each resumed channel. Returns, per channel, the highest
/// `seq` already sent, below which queued live events are duplicates.
async fn greet(
    ctx: &Context,
    caller: &Caller,
    resume_points: Option<ResumePoints>,
    socket: &mut WebSocket,
) -> Result<HashMap<String, i64>, AppError> {
    send_frame(socket, &resume::ready(ctx, caller).await?).await?;
    let mut replayed = HashMap::new();
    for (channel_id, last_seen) in resume_points.unwrap_or_default() {
        let Some(replay) = resume::replay(ctx, &caller.user.id, &channel_id, last_seen).await?
        else {
            continue;
        };
        for frame in &replay.frames {
            send_frame(socket, frame).await?;
        }
        replayed.insert(channel_id, replay.floor);
    }
    Ok(replayed)
}

async fn send_frame(socket: &mut WebSocket, frame: &ServerFrame) -> Result<(), AppError> {
    let text = serde_json::to_string(frame).expect("server frames always serialize");
    socket
        .send(Message::Text(text.into()))
        .await
        .map_err(|e| AppError::Unavailable(Box::new(e)))
}

/// Handles client frames until the client goes away or the socket must close; returns how to
/// close it.
async fn serve_frames(
    ctx: &Arc<Context>,
    caller: &Caller,
    lang: Lang,
    connection: &Arc<Connection>,
    duplex: &mut Duplex<'_>,
) -> CloseReason {
    let outbox = &connection.outbox;
    let gone = CloseReason {
        code: 1000,
        reason: "",
    };
    loop {
        let message = match duplex.next_event().await {
            Event::Incoming(message) => message,
            Event::Close(reason) => return reason,
            Event::Broken => return gone,
        };
        match message {
            Some(Ok(Message::Text(text))) => {
                // Boxed: the handling of a frame is a large future, and the socket's task
                // would otherwise be that large for as long as the socket lives.
                let handling = Box::pin(handle_text(ctx, caller, lang, connection, &text));
                duplex.alongside(handling).await
            }
            Some(Ok(Message::Binary(_))) => {
                outbox.push_frame(&refusal_frame(
                    None,
                    ErrorCode::InvalidRequest,
                    "binary frames are not supported; send JSON text frames",
                ));
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            Some(Ok(Message::Close(_))) | None => return gone,
            Some(Err(e)) => return protocol_violation(&e).unwrap_or(gone),
        }
    }
}

/// The close a read error calls for: 1009 for a frame over the limit, 1007 for invalid UTF-8.
fn protocol_violation(e: &axum::Error) -> Option<CloseReason> {
    let source = std::error::Error::source(e)?;
    match source.downcast_ref::<tungstenite::Error>()? {
        tungstenite::Error::Capacity(_) => Some(CloseReason {
            code: close_code::TOO_LARGE,
            reason: "frame too large",
        }),
        tungstenite::Error::Utf8(_) => Some(CloseReason {
            code: close_code::INVALID_UTF8,
            reason: "invalid UTF-8",
        }),
        _ => None,
    }
}

/// The `ref` of a frame that could not be decoded as a whole, if it is a JSON object with one.
fn reference_of(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    value.get("ref")?.as_str().map(str::to_owned)
}

async fn handle_text(
    ctx: &Arc<Context>,
    caller: &Caller,
    lang: Lang,
    connection: &Arc<Connection>,
    text: &str,
) {
    let outbox = &connection.outbox;
    if crate::validate::refuse_nul_in_json(text.as_bytes()).is_err() {
        outbox.push_frame(&refusal_frame(
            reference_of(text),
            ErrorCode::InvalidRequest,
            crate::validate::NUL_REFUSED,
        ));
        return;
    }
    let frame = match serde_json::from_str::<ClientFrame>(text) {
        Ok(frame) => frame,
        Err(e) => {
            outbox.push_frame(&refusal_frame(
                reference_of(text),
                ErrorCode::InvalidRequest,
                format!("malformed frame: {e}"),
            ));
            return;
        }
    };
    let user_id = &caller.user.id;
    let (reference, result) = match frame {
        ClientFrame::Auth { .. } => (None, Err(AppError::Invalid("already authenticated".into()))),
        ClientFrame::Send {
            reference,
            channel_id,
            client_msg_id,
            body,
            thread_root,
            also_in_channel,
            file_ids,
        } => {
            let draft = Draft {
                channel_id,
                body,
                client_msg_id: Some(client_msg_id),
                thread_root,
                also_in_channel,
                extras: None,
                file_ids,
            };
            let result = messages::send_from_socket(
                ctx,
                &caller.user,
                lang,
                outbox,
                reference.clone(),
                draft,
            )
            .await;
            (reference, result)
        }
        ClientFrame::Edit {
            reference,
            channel_id,
            message_id,
            body,
        } => {
            let result = message_changes::edit_from_socket(
                ctx,
                &caller.user,
                outbox,
                reference.clone(),
                &channel_id,
                &message_id,
                body,
            )
            .await;
            (reference, result)
        }
        ClientFrame::Read {
            channel_id,
            seq,
            thread_root,
        } => {
            let skip = Some(connection.id);
            let result = match thread_root {
                Some(root) => threads::mark_read(ctx, user_id, &channel_id, root, seq, skip).await,
                None => messages::mark_read(ctx, user_id, &channel_id, seq, skip).await,
            };
            (None, result.map(|_| ()))
        }
        ClientFrame::Typing { channel_id } => {
            (None, messages::typing(ctx, user_id, &channel_id).await)
        }
        ClientFrame::Ping { reference } => {
            outbox.push_frame(&ServerFrame::Pong { reference });
            (None, Ok(()))
        }
    };
    if let Err(e) = result {
        if matches!(e, AppError::Internal(_) | AppError::Unavailable(_)) {
            tracing::error!(error = %e, "socket request failed");
        }
        outbox.push_frame(&error_frame(reference, &e));
    }
}
