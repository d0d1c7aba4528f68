//! An admin's settings of a bot's Telegram side (`/api/v1/bots/{id}/telegram`): what
//! Telegram's BotFather sets, such as the privacy mode.

use serde_json::json;
use xerrada_protocol::{TelegramBotSettings, User};

use crate::auth::{Caller, require_admin};
use crate::context::Context;
use crate::error::AppResult;
use crate::services::audit::{self, AuditAction};

async fn bot(ctx: &Context, caller: &Caller, bot_id: &str) -> AppResult<User> {
    require_admin(caller)?;
    crate::services::bots::find_bot(ctx, bot_id).await
}

/// `GET /bots/{id}/telegram`.
pub async fn get(ctx: &Context, caller: &Caller, bot_id: &str) -> AppResult<TelegramBotSettings> {
    let bot = bot(ctx, caller, bot_id).await?;
    // Read without making the bot a Telegram bot (only `set` and its first call do).
    let privacy = ctx
        .store
        .telegram_bots()
        .await?
        .into_iter()
        .find(|b| b.bot_id == bot.id)
        .is_none_or(|b| b.privacy);
    Ok(TelegramBotSettings { privacy })
}

/// `PUT /bots/{id}/telegram`: from now on the bot speaks the Telegram API (its updates are
/// queued), with these settings.
pub async fn set(
    ctx: &Context,
    caller: &Caller,
    bot_id: &str,
    wanted: TelegramBotSettings,
) -> AppResult<TelegramBotSettings> {
    let bot = bot(ctx, caller, bot_id).await?;
    let known = ctx.store.telegram_bots().await?;
    if !known.iter().any(|b| b.bot_id == bot.id) {
        super::relay::begin(ctx, &bot).await?;
    }
    ctx.store
        .set_telegram_privacy(&bot.id, wanted.privacy)
        .await?;
    let details = json!({ "privacy": wanted.privacy });
    audit::record(
        ctx,
        caller.into(),
        AuditAction::BotTelegramChanged,
        &bot.id,
        details,
    )
    .await;
    get(ctx, caller, bot_id).await
}
