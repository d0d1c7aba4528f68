-- Telegram's privacy mode, per bot: on (the default), a bot receives in group channels only
-- commands, mentions of it and replies in its threads; off, every message.
ALTER TABLE telegram_bots ADD COLUMN privacy BOOLEAN NOT NULL DEFAULT TRUE;
