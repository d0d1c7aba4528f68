//! Pushing a bot's updates to its webhook (`setWebhook`) instead of waiting to be polled: one
//! request per update, in order, each acknowledged by a 2xx answer, as Telegram does. A failed
//! push is retried with a growing pause, and `getWebhookInfo` tells why it failed.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use xerrada_protocol::User;

use crate::context::Context;

/// Updates read from the queue per round.
const BATCH: u32 = 20;
/// How long a push may take.
const PUSH_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the queue is looked at with nothing to wake it (updates queued on another node).
const IDLE_RECHECK: Duration = Duration::from_secs(2);
const FIRST_RETRY: Duration = Duration::from_secs(1);
const LAST_RETRY: Duration = Duration::from_secs(60);

/// The header with the bot's `secret_token`, so that its webhook can tell the calls are ours.
const SECRET_HEADER: &str = "X-Telegram-Bot-Api-Secret-Token";

/// Pushes the bot's updates for as long as the relay follows it.
pub async fn push_forever(ctx: &Arc<Context>, bot: &User) {
    let mut retry = FIRST_RETRY;
    loop {
        let wakeup = ctx.bot_polls.wakeup(&bot.id);
        let woken = wakeup.notified();
        match push_some(ctx, bot).await {
            Ok(true) => {
                retry = FIRST_RETRY;
                ctx.bot_polls.set_push_error(&bot.id, None);
            }
            Ok(false) => {
                tokio::select! {
                    () = woken => {}
                    () = tokio::time::sleep(IDLE_RECHECK) => {}
                }
            }
            Err(why) => {
                tracing::warn!(bot = %bot.username, error = %why, "could not push to a bot's webhook");
                let now = time::OffsetDateTime::now_utc().unix_timestamp();
                ctx.bot_polls.set_push_error(&bot.id, Some((now, why)));
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(LAST_RETRY);
            }
        }
    }
}

/// Pushes what waits, in order, stopping at the first failure. `Ok(false)`: nothing to push
/// (or no webhook).
async fn push_some(ctx: &Context, bot: &User) -> Result<bool, String> {
    let settings = ctx
        .store
        .telegram_bot(&bot.id, &crate::ids::now())
        .await
        .map_err(|e| e.to_string())?;
    if settings.webhook_url.is_empty() {
        return Ok(false);
    }
    let allowed: Vec<String> = serde_json::from_str(&settings.allowed_updates).unwrap_or_default();
    let updates = ctx
        .store
        .telegram_updates(&bot.id, 1, BATCH)
        .await
        .map_err(|e| e.to_string())?;
    if updates.is_empty() {
        return Ok(false);
    }
    for update in updates {
        let wanted = allowed.is_empty() || allowed.contains(&update.kind);
        if wanted {
            let payload: Value =
                serde_json::from_str(&update.payload).map_err(|e| e.to_string())?;
            let body = json!({ "update_id": update.update_id, (update.kind.as_str()): payload });
            let mut request = ctx
                .outbound
                .post(&settings.webhook_url)
                .timeout(PUSH_TIMEOUT)
                .json(&body);
            if !settings.webhook_secret.is_empty() {
                request = request.header(SECRET_HEADER, &settings.webhook_secret);
            }
            let response = request.send().await.map_err(|e| {
                if e.is_timeout() {
                    "Read timeout expired".to_owned()
                } else {
                    "Connection refused".to_owned()
                }
            })?;
            if !response.status().is_success() {
                return Err(format!(
                    "Wrong response from the webhook: {}",
                    response.status()
                ));
            }
        }
        ctx.store
            .ack_telegram_updates(&bot.id, update.update_id + 1)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(true)
}
