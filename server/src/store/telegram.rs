//! The Telegram-compatible bot API's state: stable integer ids for users and channels, each
//! Telegram bot's settings, its queue of updates, and how far each channel's events have been
//! turned into updates.

use async_trait::async_trait;

use super::*;

/// A bot that has spoken the Telegram API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelegramBot {
    pub bot_id: String,
    /// Where updates are pushed; empty when the bot polls with `getUpdates`.
    pub webhook_url: String,
    pub webhook_secret: String,
    /// The update kinds the bot asked for, as JSON (`[]`: all but a few, as Telegram's default).
    pub allowed_updates: String,
    /// `setMyCommands`, as JSON.
    pub commands: String,
    /// Privacy mode: in group channels, only commands, mentions and replies to the bot.
    pub privacy: bool,
}

/// An update waiting for a bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelegramUpdate {
    pub update_id: i64,
    /// `message`, `edited_message`, `callback_query` or `my_chat_member`.
    pub kind: String,
    /// The update's object (a Message, a CallbackQuery, ...), as JSON.
    pub payload: String,
    pub created_at: String,
}

/// Implemented once, by the portable queries in `sql/`, for every backend.
#[async_trait]
pub trait TelegramStore: Send + Sync {
    /// The integer a user or channel id goes by, given on first use and kept.
    async fn telegram_number(&self, xerrada_id: &str) -> StoreResult<i64>;
    /// The user or channel id an integer stands for.
    async fn telegram_id_of(&self, number: i64) -> StoreResult<Option<String>>;
    /// The bot's settings; the row is made on the bot's first call (`created_at`).
    async fn telegram_bot(&self, bot_id: &str, created_at: &str) -> StoreResult<TelegramBot>;
    /// Every bot that has spoken the Telegram API.
    async fn telegram_bots(&self) -> StoreResult<Vec<TelegramBot>>;
    /// Stores the bot's webhook (`""` removes it) and, when given, its allowed updates.
    async fn set_telegram_webhook(
        &self,
        bot_id: &str,
        url: &str,
        secret: &str,
        allowed_updates: Option<&str>,
    ) -> StoreResult<()>;
    async fn set_telegram_allowed_updates(&self, bot_id: &str, allowed: &str) -> StoreResult<()>;
    async fn set_telegram_commands(&self, bot_id: &str, commands: &str) -> StoreResult<()>;
    async fn set_telegram_privacy(&self, bot_id: &str, privacy: bool) -> StoreResult<()>;
    /// Queues an update and returns its id. With `cursor` (a channel and the `seq` of the event
    /// it comes from), nothing is queued when that event was turned into updates already, and
    /// the channel's cursor moves to it in the same transaction.
    async fn push_telegram_update(
        &self,
        bot_id: &str,
        update: NewTelegramUpdate<'_>,
    ) -> StoreResult<Option<i64>>;
    /// Moves a channel's cursor forward to `seq` (an event that makes no update).
    async fn advance_telegram_cursor(
        &self,
        bot_id: &str,
        channel_id: &str,
        seq: i64,
    ) -> StoreResult<()>;
    /// Where a channel's cursor is, if it has one.
    async fn telegram_cursor(&self, bot_id: &str, channel_id: &str) -> StoreResult<Option<i64>>;
    /// Up to `limit` updates from `from_id` on, oldest first.
    async fn telegram_updates(
        &self,
        bot_id: &str,
        from_id: i64,
        limit: u32,
    ) -> StoreResult<Vec<TelegramUpdate>>;
    /// The id of the newest queued update, if any.
    async fn last_telegram_update(&self, bot_id: &str) -> StoreResult<Option<i64>>;
    /// Forgets the bot's updates below `below` (acknowledged).
    async fn ack_telegram_updates(&self, bot_id: &str, below: i64) -> StoreResult<()>;
    /// How many updates wait for the bot.
    async fn pending_telegram_updates(&self, bot_id: &str) -> StoreResult<i64>;
    /// Forgets every bot's updates queued before `cutoff`; how many went.
    async fn prune_telegram_updates(&self, cutoff: &str) -> StoreResult<u64>;
}

/// An update to queue (see [`TelegramStore::push_telegram_update`]).
#[derive(Debug, Clone)]
pub struct NewTelegramUpdate<'a> {
    pub kind: &'a str,
    pub payload: &'a str,
    pub cursor: Option<(&'a str, i64)>,
    pub at: &'a str,
}
