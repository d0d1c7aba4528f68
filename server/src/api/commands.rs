//! `/api/v1/commands` (registration) and `/hooks/commands/{token}` (late replies).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use xerrada_protocol::{ChannelCommand, CreateCommandRequest, SlashCommand};

use super::extract::{ApiBytes, ApiJson};
use crate::auth::Caller;
use crate::context::Context;
use crate::events::ephemeral;
use crate::http_error::HttpResult;
use crate::hub::OutFrame;
use crate::services::commands::{self, Answer};

pub async fn register(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateCommandRequest>,
) -> HttpResult<(StatusCode, Json<SlashCommand>)> {
    let command = commands::register(&ctx, &caller, req).await?;
    Ok((StatusCode::CREATED, Json(command)))
}

pub async fn list(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
) -> HttpResult<Json<Vec<SlashCommand>>> {
    Ok(Json(commands::list(&ctx, &caller).await?))
}

pub async fn in_channel(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(channel_id): Path<String>,
) -> HttpResult<Json<Vec<ChannelCommand>>> {
    Ok(Json(
        commands::in_channel(&ctx, &caller, &channel_id).await?,
    ))
}

pub async fn remove(
    State(ctx): State<Arc<Context>>,
    caller: Caller,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    commands::remove(&ctx, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A command's late reply on its `response_url`; an ephemeral one goes to the caller's sockets.
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
