//! `/api/v1/commands` (registration) and `/hooks/commands/{token}` (late replies).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use xerrada_protocol::{ChannelCommand, CommandResponse, CreateCommandRequest, SlashCommand};

use super::extract::{ApiBytes, ApiJson};
use super::openapi::{Refusals, access};
use crate::auth::Caller;
use crate::context::Context;
use crate::events::ephemeral;
use crate::http_error::HttpResult;
use crate::hub::OutFrame;
use crate::services::commands::{self, Answer};

/// Register an external slash command, called at its URL (admins only).
#[utoipa::path(
    post,
    path = "/commands",
    tag = "commands",
    request_body = CreateCommandRequest,
    responses(
        (status = 201, description = "the new command, with the token its service checks", body = SlashCommand),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn register(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateCommandRequest>,
) -> HttpResult<(StatusCode, Json<SlashCommand>)> {
    let command = commands::register(&ctx, &caller, req).await?;
    Ok((StatusCode::CREATED, Json(command)))
}

/// List the registered external slash commands, with their tokens (admins only).
#[utoipa::path(
    get,
    path = "/commands",
    tag = "commands",
    responses(
        (status = 200, description = "every registered command", body = Vec<SlashCommand>),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn list(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
) -> HttpResult<Json<Vec<SlashCommand>>> {
    Ok(Json(commands::list(&ctx, &caller).await?))
}

/// The slash commands offered in a channel besides the built-in ones (channel members).
#[utoipa::path(
    get,
    path = "/channels/{id}/commands",
    tag = "commands",
    params(
        ("id" = String, Path, description = "the channel's id"),
    ),
    responses(
        (status = 200, description = "the external commands, then those of the channel's bots that speak the Telegram API, by name", body = Vec<ChannelCommand>),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::CHANNEL_MEMBER))),
)]
pub async fn in_channel(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<Json<Vec<ChannelCommand>>> {
    Ok(Json(
        commands::in_channel(&ctx, &caller, &channel_id).await?,
    ))
}

/// Remove an external slash command (admins only).
#[utoipa::path(
    delete,
    path = "/commands/{id}",
    tag = "commands",
    params(
        ("id" = String, Path, description = "the command's id"),
    ),
    responses(
        (status = 204, description = "removed"),
        Refusals,
    ),
    security(("bearer" = [])),
    extensions(("x-access" = json!(access::ADMIN))),
)]
pub async fn remove(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    commands::remove(&ctx, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A command's late reply on its `response_url`; an ephemeral one goes to the caller's sockets.
///
/// A `response_url` may be used at most 5 times, within 30 minutes of the command.
#[utoipa::path(
    post,
    path = "/commands/{token}",
    tag = "hooks",
    params(
        ("token" = String, Path, description = "the token of the `response_url` the command's service was given"),
    ),
    request_body(
        content = CommandResponse,
        content_type = "application/json",
        description = "the reply: `response_type` `in_channel` posts it in the channel, anything \
                       else shows it only to whoever ran the command (the body is read as JSON \
                       whatever its Content-Type)",
    ),
    responses(
        (status = 200, description = "delivered; the body is `ok`", body = String, content_type = "text/plain"),
        Refusals,
    ),
    extensions(("x-access" = json!(access::PUBLIC))),
)]
pub async fn late_reply(
    State(ctx): State<Arc<Context>>,
    Path(token): Path<String>,
    ApiBytes(body): ApiBytes,
) -> HttpResult<&'static str> {
    let (user_id, channel_id, answer) = commands::late_reply(&ctx, &token, &body).await?;
    if let Answer::Ephemeral { text, attachments } = answer {
        let frame = OutFrame::encode(&ephemeral(&channel_id, None, text, attachments));
        ctx.hub.deliver_to_users([&user_id], &frame, None);
    }
    Ok("ok")
}
