-- A channel's purpose, when it was archived, and each member's mute
-- (SQLite: 0015_channel_settings.sql).
ALTER TABLE channels ADD COLUMN purpose TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN archived_at TEXT COLLATE "C";
ALTER TABLE channel_members ADD COLUMN muted BOOLEAN NOT NULL DEFAULT FALSE;
