//! Channels: listing, creation, joining and leaving, member management and direct messages.
//!
//! Visibility: a member sees a channel; anyone sees a public one. A channel the caller may not
//! see answers `not_found`, so private channels never leak their existence. Department
//! channels follow their department's membership and cannot be joined or left by hand; a
//! direct channel's members are fixed.

use std::collections::BTreeSet;

use xerrada_protocol::{
    Channel, ChannelKind, CreateChannelRequest, CreateDmRequest, Message, NewChannelKind,
    ServerFrame, User,
};

use serde_json::json;

use crate::auth::Caller;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::events::channel_resource;
use crate::hub::OutFrame;
use crate::ids;
use crate::memberships::{Access, ChannelInfo};
use crate::services::audit::{self, AuditAction};
use crate::store::{ChannelMembers, NewChannel, WriteOp};
use crate::validate::Name;

/// Most people in a direct conversation besides the caller.
pub(crate) const MAX_DM_OTHERS: usize = 15;
/// Longest channel topic, in characters.
pub(crate) const MAX_TOPIC_CHARS: usize = 250;

/// `GET /channels`: the caller's channels plus public ones it may join.
pub async fn list(ctx: &Context, caller: &Caller) -> AppResult<Vec<Channel>> {
    let views = ctx.store.channels_for_user(&caller.user.id).await?;
    Ok(views.into_iter().map(channel_resource).collect())
}

/// `GET /channels/{id}`.
pub async fn get(ctx: &Context, caller: &Caller, channel_id: &str) -> AppResult<Channel> {
    if ctx.access(channel_id, &caller.user.id).await == Access::Hidden {
        return Err(AppError::not_found("channel"));
    }
    view(ctx, channel_id, &caller.user.id).await
}

pub(crate) async fn view(ctx: &Context, channel_id: &str, user_id: &str) -> AppResult<Channel> {
    ctx.store
        .channel_view(channel_id, user_id)
        .await?
        .map(channel_resource)
        .ok_or_else(|| AppError::not_found("channel"))
}

/// A topic or purpose: at most [`MAX_TOPIC_CHARS`] characters, and no control character
/// but the line break.
pub(crate) fn short_text(raw: String, what: &str) -> AppResult<String> {
    if raw.chars().count() > MAX_TOPIC_CHARS {
        return Err(AppError::Invalid(format!(
            "{what} must be at most {MAX_TOPIC_CHARS} characters"
        )));
    }
    if raw.chars().any(|c| c.is_control() && c != '\n') {
        return Err(AppError::Invalid(format!(
            "{what} must not contain control characters"
        )));
    }
    Ok(raw)
}

/// `POST /channels`: any member creates a public or private channel and is its first member;
/// only admins attach a channel to a department.
pub async fn create(
    ctx: &Context,
    caller: &Caller,
    req: CreateChannelRequest,
) -> AppResult<Channel> {
    ctx.rate_limits
        .check(&caller.user.id, crate::rate_limits::Action::CreateChannel)?;
    let name = Name::parse(&req.name, "name")?.into_string();
    let topic = short_text(req.topic.unwrap_or_default(), "topic")?;
    if let Some(department_id) = &req.department_id {
        if !caller.is_admin() {
            return Err(AppError::Forbidden(
                "only an admin may create a department's channel".into(),
            ));
        }
        if ctx.store.department_by_id(department_id).await?.is_none() {
            return Err(AppError::Invalid(format!(
                "department {department_id:?} does not exist"
            )));
        }
    }
    let kind = match req.kind {
        NewChannelKind::Public => ChannelKind::Public,
        NewChannelKind::Private => ChannelKind::Private,
    };
    let channel = NewChannel {
        id: ids::new_id(),
        name,
        kind,
        department_id: req.department_id,
        topic,
        dm_key: None,
        created_at: ids::now(),
        created_by: Some(caller.user.id.clone()),
    };
    let members = vec![caller.user.id.clone()];
    ctx.store.create_channel(channel.clone(), &members).await?;
    remember_and_announce(ctx, &channel, members).await
}

/// Puts a new channel in the membership cache and tells its members' sockets.
async fn remember_and_announce(
    ctx: &Context,
    channel: &NewChannel,
    member_ids: Vec<String>,
) -> AppResult<Channel> {
    ctx.remember_new_channel(ChannelMembers {
        channel_id: channel.id.clone(),
        kind: channel.kind,
        department_id: channel.department_id.clone(),
        follows_department: false,
        member_ids: member_ids.clone(),
        archived: false,
    });
    let mut first = None;
    for member in &member_ids {
        let resource = view(ctx, &channel.id, member).await?;
        let frame = OutFrame::encode(&ServerFrame::Channel {
            channel: resource.clone(),
        });
        ctx.hub.deliver_to_users([member], &frame, None);
        first.get_or_insert(resource);
    }
    first.ok_or_else(|| AppError::internal("a new channel has no members"))
}

/// `POST /channels/{id}/join`: public channels only; joining twice is harmless.
pub async fn join(ctx: &Context, caller: &Caller, channel_id: &str) -> AppResult<()> {
    match ctx.access(channel_id, &caller.user.id).await {
        Access::Hidden => Err(AppError::not_found("channel")),
        Access::Member => Ok(()),
        Access::CanJoin => add(ctx, channel_id, &caller.user.id).await,
    }
}

/// `POST /channels/{id}/leave`.
pub async fn leave(ctx: &Context, caller: &Caller, channel_id: &str) -> AppResult<()> {
    let info = visible_info(ctx, caller, channel_id)?;
    if !info.members.contains(&caller.user.id) {
        return Err(AppError::Forbidden(
            "you are not a member of this channel".into(),
        ));
    }
    require_manual_membership(&info)?;
    remove(ctx, channel_id, &caller.user.id).await
}

/// `GET /channels/{id}/members`: who is in a channel the caller can see (a public one, or one
/// it belongs to), by username.
pub async fn members(ctx: &Context, caller: &Caller, channel_id: &str) -> AppResult<Vec<User>> {
    let info = visible_info(ctx, caller, channel_id)?;
    let ids: Vec<String> = info.members.iter().cloned().collect();
    Ok(ctx.store.users_by_ids(&ids).await?)
}

/// `PUT /channels/{id}/members/{user_id}`: members of the channel, and admins.
pub async fn add_member(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
    user_id: &str,
) -> AppResult<()> {
    let info = managed_info(ctx, caller, channel_id)?;
    require_manual_membership(&info)?;
    let user = ctx
        .store
        .user_by_id(user_id)
        .await?
        .filter(|u| u.active)
        .ok_or_else(|| AppError::not_found("user"))?;
    if info.members.contains(&user.id) {
        return Ok(());
    }
    add(ctx, channel_id, &user.id).await?;
    let details = json!({"user_id": user.id});
    audit::record(
        ctx,
        caller.into(),
        AuditAction::ChannelMemberAdded,
        channel_id,
        details,
    )
    .await;
    Ok(())
}

/// `DELETE /channels/{id}/members/{user_id}`: members of the channel, and admins.
pub async fn remove_member(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
    user_id: &str,
) -> AppResult<()> {
    if user_id == caller.user.id {
        return leave(ctx, caller, channel_id).await;
    }
    let info = managed_info(ctx, caller, channel_id)?;
    require_manual_membership(&info)?;
    if !info.members.contains(user_id) {
        return Err(AppError::not_found("member"));
    }
    remove(ctx, channel_id, user_id).await?;
    let details = json!({"user_id": user_id});
    audit::record(
        ctx,
        caller.into(),
        AuditAction::ChannelMemberRemoved,
        channel_id,
        details,
    )
    .await;
    Ok(())
}

/// `POST /dms`: the direct channel of the caller and `user_ids`, created on first use.
pub async fn open_dm(ctx: &Context, caller: &Caller, req: CreateDmRequest) -> AppResult<Channel> {
    let mut member_ids: BTreeSet<String> = req.user_ids.into_iter().collect();
    member_ids.insert(caller.user.id.clone());
    if member_ids.len() > MAX_DM_OTHERS + 1 {
        return Err(AppError::Invalid(format!(
            "a direct conversation has at most {MAX_DM_OTHERS} other people"
        )));
    }
    let channel_id = direct_channel(ctx, member_ids).await?;
    view(ctx, &channel_id, &caller.user.id).await
}

/// The direct channel of exactly these people, created (and announced) on first use.
pub async fn direct_channel(ctx: &Context, member_ids: BTreeSet<String>) -> AppResult<String> {
    let mut usernames = Vec::with_capacity(member_ids.len());
    for member in &member_ids {
        let user = ctx
            .store
            .user_by_id(member)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("user {member:?} not found")))?;
        usernames.push(user.username);
    }
    usernames.sort();
    let member_ids: Vec<String> = member_ids.into_iter().collect();
    let channel = NewChannel {
        id: ids::new_id(),
        name: usernames.join(", "),
        kind: ChannelKind::Direct,
        department_id: None,
        topic: String::new(),
        dm_key: Some(member_ids.join(",")),
        created_at: ids::now(),
        created_by: None,
    };
    let (channel_id, created) = ctx
        .store
        .find_or_create_dm(channel.clone(), &member_ids)
        .await?;
    if created {
        remember_and_announce(ctx, &channel, member_ids).await?;
    }
    Ok(channel_id)
}

/// The channel's membership, if the caller may see the channel.
fn visible_info(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
) -> AppResult<std::sync::Arc<ChannelInfo>> {
    let info = ctx
        .memberships
        .get(channel_id)
        .ok_or_else(|| AppError::not_found("channel"))?;
    // Admins see who is in any channel (the admin area), never its messages.
    let visible = info.kind == ChannelKind::Public
        || info.members.contains(&caller.user.id)
        || (caller.is_admin() && info.kind != ChannelKind::Direct);
    if !visible {
        return Err(AppError::not_found("channel"));
    }
    Ok(info)
}

/// The channel's membership, if the caller may manage its members (member or admin).
fn managed_info(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
) -> AppResult<std::sync::Arc<ChannelInfo>> {
    let info = ctx
        .memberships
        .get(channel_id)
        .ok_or_else(|| AppError::not_found("channel"))?;
    let member = info.members.contains(&caller.user.id);
    if caller.is_admin() || (member && info.kind == ChannelKind::Private) {
        return Ok(info);
    }
    if info.kind == ChannelKind::Public || member {
        // People join public channels themselves; only admins move others in or out.
        return Err(AppError::Forbidden(
            "only an admin may manage the members of this channel".into(),
        ));
    }
    Err(AppError::not_found("channel"))
}

fn require_manual_membership(info: &ChannelInfo) -> AppResult<()> {
    if info.follows_department {
        return Err(AppError::Forbidden(
            "membership of a department channel follows the department".into(),
        ));
    }
    if info.kind == ChannelKind::Direct {
        return Err(AppError::Forbidden(
            "the members of a direct conversation cannot change".into(),
        ));
    }
    Ok(())
}

async fn add(ctx: &Context, channel_id: &str, user_id: &str) -> AppResult<()> {
    let op = WriteOp::AddMember {
        channel_id: channel_id.to_owned(),
        user_id: user_id.to_owned(),
        at: ids::now(),
    };
    ctx.writer.write(op).await?;
    Ok(())
}

async fn remove(ctx: &Context, channel_id: &str, user_id: &str) -> AppResult<()> {
    let op = WriteOp::RemoveMember {
        channel_id: channel_id.to_owned(),
        user_id: user_id.to_owned(),
        at: ids::now(),
    };
    ctx.writer.write(op).await?;
    // Read-your-writes on this node: the cache would learn of it from the delivery, which runs
    // after the writer answers (and, with several nodes, through the cluster's ordered
    // delivery), so a search right after leaving could still see the channel.
    ctx.memberships.remove_member(channel_id, user_id);
    Ok(())
}

/// Refuses callers who may not read or post in a channel: `forbidden` for a public channel not
/// joined, `not_found` for one they may not see.
pub async fn require_member(ctx: &Context, user_id: &str, channel_id: &str) -> AppResult<()> {
    match ctx.access(channel_id, user_id).await {
        Access::Member => Ok(()),
        Access::CanJoin => Err(AppError::Forbidden(
            "join the channel to read or post in it".into(),
        )),
        Access::Hidden => Err(AppError::not_found("channel")),
    }
}

/// A message of a channel `user_id` belongs to: 403/404 as for [`require_member`], then 404
/// for a message that is not in it.
pub async fn member_message(
    ctx: &Context,
    user_id: &str,
    channel_id: &str,
    message_id: &str,
) -> AppResult<Message> {
    require_member(ctx, user_id, channel_id).await?;
    ctx.store
        .message(channel_id, message_id)
        .await?
        .ok_or_else(|| AppError::not_found("message"))
}
