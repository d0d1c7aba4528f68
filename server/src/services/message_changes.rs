//! Changing a posted message: edits (REST and the socket's `edit` frame), deletes and
//! reactions. Each is a channel event written by the writer; the rules of who may are here.

use std::sync::Arc;

use xerrada_protocol::{EditMessageRequest, Message, MessageExtras, User, UserKind};

use crate::auth::Caller;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::hub::Outbox;
use crate::ids;
use crate::services::channel_settings::require_writable;
use crate::services::channels::{member_message, require_member};
use crate::services::extras::sanitize_extras;
use crate::services::mentions;
use crate::store::WriteOp;
use crate::validate::{Emoji, MessageBody};

/// An edit as checked against the rules: only bots may set extras (a person could otherwise
/// forge buttons or a webhook's look); the body obeys the same limits as a new message.
async fn edit_op(
    ctx: &Context,
    editor: &User,
    channel_id: &str,
    message_id: &str,
    req: EditMessageRequest,
) -> AppResult<WriteOp> {
    ctx.rate_limits
        .check(&editor.id, crate::rate_limits::Action::Edit)?;
    require_member(ctx, &editor.id, channel_id).await?;
    require_writable(ctx, channel_id)?;
    if req.body.is_none() && req.extras.is_none() {
        return Err(AppError::Invalid("give body, extras or both".into()));
    }
    if req.extras.is_some() && editor.kind != UserKind::Bot {
        return Err(AppError::Forbidden(
            "only bots may set message extras".into(),
        ));
    }
    let body = req
        .body
        .map(|b| MessageBody::parse(b, ctx.config.limits.max_body_bytes))
        .transpose()?
        .map(MessageBody::into_string);
    let mut extras: Option<MessageExtras> = req.extras;
    if let Some(extras) = &mut extras {
        sanitize_extras(extras)?;
    }
    let extras = extras.map(|e| (!e.is_empty()).then(|| Box::new(e)));
    let mentions = match &body {
        Some(body) => Some(mentions::resolve(ctx, channel_id, &editor.id, body).await?),
        None => None,
    };
    Ok(WriteOp::EditMessage {
        channel_id: channel_id.to_owned(),
        message_id: message_id.to_owned(),
        editor_id: editor.id.clone(),
        body,
        extras,
        mentions,
        at: ids::now(),
    })
}

/// `PATCH /channels/{id}/messages/{message_id}`: the author changes its message.
pub async fn edit(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
    message_id: &str,
    req: EditMessageRequest,
) -> AppResult<Message> {
    let op = edit_op(ctx, &caller.user, channel_id, message_id, req).await?;
    let (message, _) = ctx.writer.write(op).await?.into_message()?;
    Ok(message)
}

/// The socket's `edit` frame: acked into `outbox` with the `message_updated` event's `seq` once
/// committed, like a send.
pub async fn edit_from_socket(
    ctx: &Arc<Context>,
    editor: &User,
    outbox: &Arc<Outbox>,
    reference: Option<String>,
    channel_id: &str,
    message_id: &str,
    body: String,
) -> AppResult<()> {
    let req = EditMessageRequest {
        body: Some(body),
        extras: None,
    };
    let op = edit_op(ctx, editor, channel_id, message_id, req).await?;
    ctx.writer
        .write_for_socket(op, outbox.clone(), reference)
        .await
}

/// `DELETE /channels/{id}/messages/{message_id}`: by its author, the channel's owner (who
/// created it) or an admin, members all. Deleting a deleted message changes nothing.
pub async fn delete(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
    message_id: &str,
) -> AppResult<()> {
    let message = member_message(ctx, &caller.user.id, channel_id, message_id).await?;
    require_writable(ctx, channel_id)?;
    if message.author_id != caller.user.id && !caller.is_admin() {
        let owner = ctx
            .store
            .channel_by_id(channel_id)
            .await?
            .and_then(|c| c.created_by);
        if owner.as_deref() != Some(caller.user.id.as_str()) {
            return Err(AppError::Forbidden(
                "only its author, the channel's owner or an admin may delete a message".into(),
            ));
        }
    }
    let op = WriteOp::DeleteMessage {
        channel_id: channel_id.to_owned(),
        message_id: message_id.to_owned(),
        actor_id: caller.user.id.clone(),
        at: ids::now(),
    };
    ctx.writer.write(op).await?;
    Ok(())
}

/// `PUT` (`add`) or `DELETE .../reactions/{emoji}`: idempotent, an event only when something
/// changed.
pub async fn react(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
    message_id: &str,
    emoji: &str,
    add: bool,
) -> AppResult<()> {
    ctx.rate_limits
        .check(&caller.user.id, crate::rate_limits::Action::React)?;
    require_member(ctx, &caller.user.id, channel_id).await?;
    require_writable(ctx, channel_id)?;
    let emoji = Emoji::parse(emoji)?.into_string();
    let op = WriteOp::React {
        channel_id: channel_id.to_owned(),
        message_id: message_id.to_owned(),
        user_id: caller.user.id.clone(),
        emoji,
        add,
        at: ids::now(),
    };
    ctx.writer.write(op).await?;
    Ok(())
}
