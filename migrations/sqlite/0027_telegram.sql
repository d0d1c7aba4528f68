-- The Telegram-compatible bot API (/bot<token>/<method>).
-- Stable integer ids for users and channels, as Telegram's chats and users have.
CREATE TABLE telegram_ids (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    xerrada_id TEXT NOT NULL UNIQUE
);
-- A bot that speaks the Telegram API: its webhook, its commands, and its update counter.
CREATE TABLE telegram_bots (
    bot_id TEXT PRIMARY KEY,
    webhook_url TEXT NOT NULL DEFAULT '',
    webhook_secret TEXT NOT NULL DEFAULT '',
    allowed_updates TEXT NOT NULL DEFAULT '[]',
    commands TEXT NOT NULL DEFAULT '[]',
    next_update_id INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
-- Updates waiting for the bot: deleted when acknowledged (getUpdates with a higher offset, or
-- delivered to the webhook), or when older than the retention.
CREATE TABLE telegram_updates (
    bot_id TEXT NOT NULL,
    update_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (bot_id, update_id)
);
-- The last event of each channel turned into updates for a bot: after a restart, what came
-- later is read from the events and none is lost or repeated.
CREATE TABLE telegram_cursors (
    bot_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (bot_id, channel_id)
);
