//! Incoming webhooks: Slack-compatible URLs that post into one channel.
//!
//! Channel members create and list a channel's hooks. A hook's URL carries a random secret of
//! which only the hash is kept, so it is shown only on creation and regeneration. Posts are
//! authored by one system account, `incoming-webhook` (kind bot), and carry the hook's id and
//! the sender's name and icon overrides, so clients mark them "via webhook".
//!
//! The rules that keep a hook from reaching conversations its owner cannot (see docs/bots.md):
//! - a hook posts only into its own channel; a payload's `channel` naming another is refused;
//! - only its owner (the creator, or whoever took it over) or an admin renames, regenerates or
//!   deletes it;
//! - it works only while its owner is active and a member of its channel. Otherwise it is
//!   disabled (posts get 404) until a member of the channel takes it over.

use xerrada_protocol::{Webhook, WebhookWithUrl};

use serde_json::json;

use crate::auth::Caller;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::integrations::slack::{self, PayloadError};
use crate::memberships::Access;
use crate::services::accounts::integration_author;
use crate::services::audit::{self, AuditAction};
use crate::services::channels::require_member;
use crate::services::extras::check_extras_size;
use crate::store::{WebhookRecord, WriteOp};
use crate::validate::Name;

/// The body of a POST to a hook, as it arrived.
pub struct Delivery<'a> {
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
}

/// `POST /channels/{id}/webhooks` (channel members).
pub async fn create(
    ctx: &Context,
    caller: &Caller,
    channel_id: &str,
    name: &str,
) -> AppResult<WebhookWithUrl> {
    require_member(ctx, &caller.user.id, channel_id).await?;
    let name = Name::parse(name, "name")?.into_string();
    let secret = ids::random_token(32);
    let webhook = Webhook {
        id: ids::new_id(),
        channel_id: channel_id.to_owned(),
        name,
        created_by: caller.user.id.clone(),
        created_at: ids::now(),
        disabled: false,
    };
    ctx.store
        .create_webhook(WebhookRecord {
            webhook: webhook.clone(),
            secret_hash: ids::sha256_hex(&secret),
        })
        .await?;
    let details = json!({"channel_id": webhook.channel_id, "name": webhook.name});
    audit::record(
        ctx,
        caller.into(),
        AuditAction::WebhookCreated,
        &webhook.id,
        details,
    )
    .await;
    Ok(with_url(webhook, &secret))
}

/// `GET /admin/webhooks` (admins): every channel's hooks, each marked disabled or not.
pub async fn list_all(ctx: &Context, caller: &Caller) -> AppResult<Vec<Webhook>> {
    crate::services::accounts::require_admin(caller)?;
    let mut hooks = ctx.store.all_webhooks().await?;
    for hook in &mut hooks {
        hook.disabled = !owner_may_post(ctx, hook).await?;
    }
    Ok(hooks)
}

/// `GET /channels/{id}/webhooks` (channel members), each marked disabled or not.
pub async fn list(ctx: &Context, caller: &Caller, channel_id: &str) -> AppResult<Vec<Webhook>> {
    require_member(ctx, &caller.user.id, channel_id).await?;
    let mut hooks = ctx.store.channel_webhooks(channel_id).await?;
    for hook in &mut hooks {
        hook.disabled = !owner_may_post(ctx, hook).await?;
    }
    Ok(hooks)
}

/// `PATCH /webhooks/{id}`: renames a hook.
pub async fn rename(
    ctx: &Context,
    caller: &Caller,
    hook_id: &str,
    name: &str,
) -> AppResult<Webhook> {
    let hook = managed(ctx, caller, hook_id).await?;
    let name = Name::parse(name, "name")?.into_string();
    if !ctx
        .store
        .update_webhook(&hook.id, Some(&name), None)
        .await?
    {
        return Err(AppError::not_found("webhook"));
    }
    let details = json!({"channel_id": hook.channel_id, "name": name});
    audit::record(
        ctx,
        caller.into(),
        AuditAction::WebhookRenamed,
        &hook.id,
        details,
    )
    .await;
    Ok(Webhook { name, ..hook })
}

/// `POST /webhooks/{id}/regenerate`: a new secret; the old URL stops working at once.
pub async fn regenerate(
    ctx: &Context,
    caller: &Caller,
    hook_id: &str,
) -> AppResult<WebhookWithUrl> {
    let hook = managed(ctx, caller, hook_id).await?;
    let secret = ids::random_token(32);
    if !ctx
        .store
        .update_webhook(&hook.id, None, Some(&ids::sha256_hex(&secret)))
        .await?
    {
        return Err(AppError::not_found("webhook"));
    }
    let details = json!({"channel_id": hook.channel_id, "name": hook.name});
    audit::record(
        ctx,
        caller.into(),
        AuditAction::WebhookRegenerated,
        &hook.id,
        details,
    )
    .await;
    Ok(with_url(hook, &secret))
}

/// `DELETE /webhooks/{id}`.
pub async fn delete(ctx: &Context, caller: &Caller, hook_id: &str) -> AppResult<()> {
    let hook = managed(ctx, caller, hook_id).await?;
    if !ctx.store.delete_webhook(&hook.id, &ids::now()).await? {
        return Err(AppError::not_found("webhook"));
    }
    let details = json!({"channel_id": hook.channel_id, "name": hook.name});
    audit::record(
        ctx,
        caller.into(),
        AuditAction::WebhookDeleted,
        &hook.id,
        details,
    )
    .await;
    Ok(())
}

/// `POST /webhooks/{id}/take-over`: the caller, a member of the hook's channel, becomes its
/// owner, which re-enables a disabled hook (same URL). A working hook is taken over only by an
/// admin: otherwise any member could take another's hook and then regenerate it.
pub async fn take_over(ctx: &Context, caller: &Caller, hook_id: &str) -> AppResult<Webhook> {
    let hook = visible(ctx, caller, hook_id).await?;
    if require_member(ctx, &caller.user.id, &hook.channel_id)
        .await
        .is_err()
    {
        return Err(AppError::Forbidden(
            "only a member of the webhook's channel can take it over: a hook works only while \
             its owner is a member"
                .into(),
        ));
    }
    // `visible` has just checked the owner: a hook that is not disabled works.
    if hook.created_by != caller.user.id && !caller.is_admin() && !hook.disabled {
        return Err(AppError::Forbidden(
            "the webhook works; only its owner or an admin may take it over".into(),
        ));
    }
    if !ctx
        .store
        .set_webhook_owner(&hook.id, &caller.user.id)
        .await?
    {
        return Err(AppError::not_found("webhook"));
    }
    let details = json!({"channel_id": hook.channel_id, "from": hook.created_by});
    audit::record(
        ctx,
        caller.into(),
        AuditAction::WebhookTakenOver,
        &hook.id,
        details,
    )
    .await;
    Ok(Webhook {
        created_by: caller.user.id.clone(),
        disabled: false,
        ..hook
    })
}

/// A hook the caller may see: it exists and the caller is an admin or a member of its channel.
/// Anyone else learns nothing about it, not even that it exists.
async fn visible(ctx: &Context, caller: &Caller, hook_id: &str) -> AppResult<Webhook> {
    let mut hook = ctx
        .store
        .webhook(hook_id)
        .await?
        .ok_or_else(|| AppError::not_found("webhook"))?;
    if !caller.is_admin() {
        require_member(ctx, &caller.user.id, &hook.channel_id)
            .await
            .map_err(|e| match e {
                AppError::Forbidden(_) | AppError::NotFound(_) => AppError::not_found("webhook"),
                other => other,
            })?;
    }
    hook.disabled = !owner_may_post(ctx, &hook).await?;
    Ok(hook)
}

/// A hook the caller may change: its owner's or, for an admin, any.
async fn managed(ctx: &Context, caller: &Caller, hook_id: &str) -> AppResult<Webhook> {
    let hook = visible(ctx, caller, hook_id).await?;
    if hook.created_by != caller.user.id && !caller.is_admin() {
        return Err(AppError::Forbidden(
            "only the webhook's owner or an admin may change it".into(),
        ));
    }
    Ok(hook)
}

/// Whether the hook's owner is an active account and a member of the hook's channel: a hook
/// never reaches further than the person accountable for it.
async fn owner_may_post(ctx: &Context, hook: &Webhook) -> AppResult<bool> {
    let active = ctx
        .store
        .user_by_id(&hook.created_by)
        .await?
        .is_some_and(|u| u.active);
    Ok(active && ctx.access(&hook.channel_id, &hook.created_by).await == Access::Member)
}

fn with_url(hook: Webhook, secret: &str) -> WebhookWithUrl {
    WebhookWithUrl {
        id: hook.id,
        channel_id: hook.channel_id,
        name: hook.name,
        url: format!("/hooks/{secret}"),
    }
}

/// `POST /hooks/{secret}`: posts a Slack-style payload (JSON, or form field `payload`).
pub async fn deliver(ctx: &Context, secret: &str, delivery: Delivery<'_>) -> AppResult<()> {
    let hook = ctx
        .store
        .webhook_by_secret(&ids::sha256_hex(secret))
        .await?
        .ok_or_else(|| AppError::NotFound("unknown or deleted webhook".into()))?;
    if !owner_may_post(ctx, &hook).await? {
        return Err(AppError::NotFound(
            "the webhook is disabled: its owner is no longer an active member of its channel"
                .into(),
        ));
    }
    // A monitoring system in a loop is limited per webhook, as a person is per account.
    let key = format!("webhook:{}", hook.id);
    ctx.rate_limits
        .check(&key, crate::rate_limits::Action::Send)?;
    let payload = read_payload(&delivery).map_err(payload_error)?;
    let converted = slack::convert(payload).map_err(payload_error)?;
    let limit = ctx.config.limits.max_body_bytes;
    let body = if converted.body.len() <= limit {
        converted.body
    } else if converted.body_is_text {
        return Err(AppError::TooLarge(format!(
            "text is {} bytes; the limit is {limit}",
            converted.body.len()
        )));
    } else {
        truncate(&converted.body, limit)
    };
    let mut extras = converted.extras;
    extras.webhook_id = Some(hook.id.clone());
    extras.username = extras.username.or_else(|| Some(hook.name.clone()));
    check_extras_size(&extras)?;
    check_channel_field(ctx, &hook, converted.channel.as_deref()).await?;
    crate::services::channel_settings::require_writable(ctx, &hook.channel_id)?;
    let author_id = integration_author(ctx).await?;
    let op = WriteOp::post(&hook.channel_id, &author_id, body, Some(extras));
    ctx.writer.write(op).await?;
    Ok(())
}

fn read_payload(delivery: &Delivery<'_>) -> Result<slack::Payload, PayloadError> {
    let content_type = delivery.content_type.unwrap_or("").to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let payload = form_urlencoded::parse(delivery.body)
            .find(|(key, _)| key == "payload")
            .map(|(_, value)| value.into_owned())
            .ok_or_else(|| PayloadError::Malformed("form body without a payload field".into()))?;
        return slack::parse(payload.as_bytes());
    }
    if delivery.body.iter().all(u8::is_ascii_whitespace) {
        return Err(PayloadError::Malformed("empty body".into()));
    }
    slack::parse(delivery.body)
}

fn payload_error(e: PayloadError) -> AppError {
    AppError::Invalid(e.to_string())
}

/// A payload's `channel` may only name the hook's own channel (by id or name, with or without
/// `#`): Slack tools often send it. Naming any other is refused, never followed.
async fn check_channel_field(
    ctx: &Context,
    hook: &Webhook,
    requested: Option<&str>,
) -> AppResult<()> {
    let Some(wanted) = requested
        .map(|c| c.trim().trim_start_matches('#'))
        .filter(|c| !c.is_empty())
    else {
        return Ok(());
    };
    if wanted == hook.channel_id {
        return Ok(());
    }
    let channel = ctx.store.channel_by_id(&hook.channel_id).await?;
    if channel.is_some_and(|c| c.name == wanted) {
        return Ok(());
    }
    Err(AppError::Invalid(
        "a webhook posts only into its own channel: `channel` may name no other; leave it out \
         or create a webhook in the other channel"
            .into(),
    ))
}

/// Cuts `text` to at most `max_bytes`, on a character boundary, marking the cut.
fn truncate(text: &str, max_bytes: usize) -> String {
    let room = max_bytes.saturating_sub('…'.len_utf8());
    let mut end = room.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}
