//! A channel's settings: renaming, its topic and purpose, archiving (read-only, kept and
//! searchable), and each member's mute. Every change but a mute is a `channel_updated` event.

use xerrada_protocol::{Channel, ChannelKind, ServerFrame, UpdateChannelRequest};

use crate::auth::Caller;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::hub::OutFrame;
use crate::ids;
use crate::services::audit::{self, AuditAction};
use crate::services::channels::{require_member, short_text, view};
use crate::store::{ChannelChange, ChannelRecord, WriteOp};
use crate::validate::Name;

/// Refuses a change to an archived channel's content: it is read-only until unarchived.
pub fn require_writable(ctx: &Context, channel_id: &str) -> AppResult<()> {
    match ctx.memberships.get(channel_id) {
        Some(info) if info.archived => Err(AppError::Forbidden(
            "the channel is archived: it is read-only until an admin or its owner unarchives it"
                .into(),
        )),
        _ => Ok(()),
    }
}

/// The channel, for a member who may manage it: its owner or an admin, and not a direct or a
/// department channel (whose name follows the department).
async fn managed(ctx: &Context, caller: &Caller, channel_id: &str) -> AppResult<ChannelRecord> {
    // Admins manage every channel from the admin area, joined or not.
    if !caller.is_admin() {
        require_member(ctx, &caller.user.id, channel_id).await?;
    }
    let channel = ctx
        .store
        .channel_by_id(channel_id)
        .await?
        .ok_or_else(|| AppError::not_found("channel"))?;
    if channel.kind == ChannelKind::Direct || channel.department_id.is_some() {
        return Err(AppError::Invalid(
            "direct and department channels cannot be renamed or archived".into(),
        ));
    }
    let owner = channel.created_by.as_deref() == Some(caller.user.id.as_str());
    if !owner && !caller.is_admin() {
        return Err(AppError::Forbidden(
            "only the channel's owner or an admin may rename or archive it".into(),
        ));
    }
    Ok(channel)
}

/// `PATCH /channels/{id}`: any member sets the topic and purpose (of a direct channel too);
/// renaming is the owner's or an admin's. Admins may do both from the admin area without
/// joining, as they archive; a direct conversation is only its members' (the admin area
/// leaves those out).
pub async fn update(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
    req: UpdateChannelRequest,
) -> AppResult<Channel> {
    if !caller.is_admin() || is_direct(ctx, channel_id).await? {
        require_member(ctx, &caller.user.id, channel_id).await?;
    }
    if req.name.is_none() && req.topic.is_none() && req.purpose.is_none() {
        return Err(AppError::Invalid("give name, topic or purpose".into()));
    }
    let name = match req.name {
        Some(name) => {
            managed(ctx, caller, channel_id).await?;
            Some(Name::parse(&name, "name")?.into_string())
        }
        None => None,
    };
    let change = ChannelChange {
        name,
        topic: req.topic.map(|t| short_text(t, "topic")).transpose()?,
        purpose: req.purpose.map(|p| short_text(p, "purpose")).transpose()?,
        archived: None,
    };
    write(ctx, caller, channel_id, change).await
}

async fn is_direct(ctx: &Context, channel_id: &str) -> AppResult<bool> {
    let channel = ctx.store.channel_by_id(channel_id).await?;
    Ok(channel.is_some_and(|c| c.kind == ChannelKind::Direct))
}

/// `POST /channels/{id}/archive` and `/unarchive`: the owner or an admin.
pub async fn set_archived(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
    archived: bool,
) -> AppResult<Channel> {
    managed(ctx, caller, channel_id).await?;
    let change = ChannelChange {
        archived: Some(archived),
        ..ChannelChange::default()
    };
    let channel = write(ctx, caller, channel_id, change).await?;
    let action = if archived {
        AuditAction::ChannelArchived
    } else {
        AuditAction::ChannelUnarchived
    };
    let details = serde_json::json!({"name": channel.name});
    audit::record(ctx, caller.into(), action, channel_id, details).await;
    Ok(channel)
}

async fn write(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
    change: ChannelChange,
) -> AppResult<Channel> {
    let op = WriteOp::UpdateChannel {
        channel_id: channel_id.to_owned(),
        user_id: caller.user.id.clone(),
        change,
        at: ids::now(),
    };
    ctx.writer.write(op).await?;
    view(ctx, channel_id, &caller.user.id).await
}

/// `PUT` (mute) and `DELETE /channels/{id}/mute`: the caller's own; its other sockets get the
/// channel as it now is, so every tab and phone agrees.
pub async fn set_muted(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
    muted: bool,
) -> AppResult<Channel> {
    require_member(ctx, &caller.user.id, channel_id).await?;
    if !ctx
        .store
        .set_muted(channel_id, &caller.user.id, muted)
        .await?
    {
        return Err(AppError::not_found("channel"));
    }
    let channel = view(ctx, channel_id, &caller.user.id).await?;
    let frame = OutFrame::encode(&ServerFrame::Channel {
        channel: channel.clone(),
    });
    ctx.hub.deliver_to_users([&caller.user.id], &frame, None);
    Ok(channel)
}
