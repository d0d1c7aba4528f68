//! Incoming webhooks: Slack-compatible URLs that post into a channel.
//!
//! Channel members create, list, rename, delete and regenerate a channel's hooks. A hook's URL
//! carries a random secret of which only the hash is kept, so it is shown only on creation and
//! regeneration. Posts are authored by one system account, `incoming-webhook` (kind bot), and
//! carry the hook's id and the sender's name and icon overrides, so clients mark them "via
//! webhook". A payload's `channel` is honoured only for a channel the hook's creator is in.

use xerrada_protocol::{Webhook, WebhookWithUrl};

use crate::auth::Caller;
use crate::context::Context;
use crate::error::{AppError, AppResult};
use crate::ids;
use crate::integrations::slack::{self, PayloadError};
use crate::services::accounts::system_account;
use crate::services::messages::{check_extras_size, require_member};
use crate::store::{WebhookRecord, WriteOp, WriteOutcome};
use crate::validate::Name;

/// Username of the account webhook posts are authored by.
pub const WEBHOOK_ACCOUNT: &str = "incoming-webhook";

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
    };
    ctx.store
        .create_webhook(WebhookRecord {
            webhook: webhook.clone(),
            secret_hash: ids::sha256_hex(&secret),
        })
        .await?;
    Ok(with_url(webhook, &secret))
}

/// `GET /channels/{id}/webhooks` (channel members).
pub async fn list(ctx: &Context, caller: &Caller, channel_id: &str) -> AppResult<Vec<Webhook>> {
    require_member(ctx, &caller.user.id, channel_id).await?;
    Ok(ctx.store.channel_webhooks(channel_id).await?)
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
    Ok(with_url(hook, &secret))
}

/// `DELETE /webhooks/{id}`.
pub async fn delete(ctx: &Context, caller: &Caller, hook_id: &str) -> AppResult<()> {
    let hook = managed(ctx, caller, hook_id).await?;
    if !ctx.store.delete_webhook(&hook.id, &ids::now()).await? {
        return Err(AppError::not_found("webhook"));
    }
    Ok(())
}

/// A hook the caller may manage: it exists and the caller is a member of its channel.
async fn managed(ctx: &Context, caller: &Caller, hook_id: &str) -> AppResult<Webhook> {
    let hook = ctx
        .store
        .webhook(hook_id)
        .await?
        .ok_or_else(|| AppError::not_found("webhook"))?;
    require_member(ctx, &caller.user.id, &hook.channel_id)
        .await
        .map_err(|e| match e {
            // Someone who cannot post in the channel cannot learn about its hooks either.
            AppError::Forbidden(_) | AppError::NotFound(_) => AppError::not_found("webhook"),
            other => other,
        })?;
    Ok(hook)
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
    let channel_id = target_channel(ctx, &hook, converted.channel.as_deref()).await?;
    let op = WriteOp::PostMessage {
        channel_id,
        author_id: integration_author(ctx).await?,
        message_id: ids::new_id(),
        body,
        client_msg_id: None,
        thread_root: None,
        created_at: ids::now(),
        extras: Some(Box::new(extras)),
    };
    match ctx.writer.write(op).await? {
        WriteOutcome::Committed(_) => Ok(()),
        WriteOutcome::NotFound => Err(AppError::NotFound("the webhook's channel is gone".into())),
        other => Err(AppError::internal(format!("unexpected outcome {other:?}"))),
    }
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

/// The hook's own channel, or the payload's `channel` when the hook's creator is in it.
async fn target_channel(
    ctx: &Context,
    hook: &Webhook,
    requested: Option<&str>,
) -> AppResult<String> {
    let Some(requested) = requested else {
        return Ok(hook.channel_id.clone());
    };
    let wanted = requested.trim_start_matches('#');
    let creator_active = ctx
        .store
        .user_by_id(&hook.created_by)
        .await?
        .is_some_and(|u| u.active);
    if creator_active {
        let channels = ctx.store.channels_for_user(&hook.created_by).await?;
        if let Some(view) = channels
            .iter()
            .find(|v| v.joined && (v.channel.id == wanted || v.channel.name == wanted))
        {
            return Ok(view.channel.id.clone());
        }
    }
    Ok(hook.channel_id.clone())
}

/// The id of the `incoming-webhook` account, created on first use. Integrations without a bot
/// of their own (webhooks, slash command replies) post as it, with a name override.
pub async fn integration_author(ctx: &Context) -> AppResult<String> {
    let user = system_account(ctx, &ctx.webhook_author, WEBHOOK_ACCOUNT, "Webhook").await?;
    Ok(user.id)
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
