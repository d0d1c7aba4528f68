//! Pinned messages (a channel's, each pin a channel event) and saved messages (a person's own,
//! seen by nobody else).

use xerrada_protocol::{PinList, SavedList};

use crate::auth::Caller;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::services::channel_settings::require_writable;
use crate::services::channels::require_member;
use crate::services::messages::page_limit;
use crate::store::WriteOp;

/// `PUT` (`pin`) or `DELETE /channels/{id}/pins/{message_id}`: any member; idempotent.
pub async fn set_pinned(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
    message_id: &str,
    pin: bool,
) -> AppResult<()> {
    require_member(ctx, &caller.user.id, channel_id).await?;
    require_writable(ctx, channel_id)?;
    let op = WriteOp::Pin {
        channel_id: channel_id.to_owned(),
        message_id: message_id.to_owned(),
        user_id: caller.user.id.clone(),
        pin,
        at: ids::now(),
    };
    ctx.writer.write(op).await?;
    Ok(())
}

/// `GET /channels/{id}/pins`.
pub async fn pinned(ctx: &Context, caller: &Caller, channel_id: &str) -> AppResult<PinList> {
    require_member(ctx, &caller.user.id, channel_id).await?;
    Ok(PinList {
        pins: ctx.store.pinned(channel_id).await?,
    })
}

/// The message a caller may save: one of a channel it is a member of. Anything else is
/// `not_found`, so message ids reveal nothing.
async fn visible_message(ctx: &Context, caller: &Caller, message_id: &str) -> AppResult<String> {
    let not_found = || AppError::not_found("message");
    let message = ctx
        .store
        .message_by_id(message_id)
        .await?
        .filter(|m| !m.deleted)
        .ok_or_else(not_found)?;
    require_member(ctx, &caller.user.id, &message.channel_id)
        .await
        .map_err(|_| not_found())?;
    Ok(message.channel_id)
}

/// `PUT /saved/{message_id}`: idempotent.
pub async fn save(ctx: &Context, caller: &Caller, message_id: &str) -> AppResult<()> {
    let channel_id = visible_message(ctx, caller, message_id).await?;
    ctx.store
        .save_message(&caller.user.id, &channel_id, message_id, &ids::now())
        .await?;
    Ok(())
}

/// `DELETE /saved/{message_id}`: idempotent.
pub async fn unsave(ctx: &Context, caller: &Caller, message_id: &str) -> AppResult<()> {
    ctx.store
        .unsave_message(&caller.user.id, message_id)
        .await?;
    Ok(())
}

/// `GET /saved?limit=`: most recently saved first.
pub async fn saved(ctx: &Context, caller: &Caller, limit: Option<u32>) -> AppResult<SavedList> {
    let limit = page_limit(limit, 50, 200)?;
    Ok(SavedList {
        saved: ctx.store.saved_messages(&caller.user.id, limit).await?,
    })
}
