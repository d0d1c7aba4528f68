-- A channel's purpose (what it is for; the topic is what is going on now), when it was
-- archived (read-only, kept and searchable; NULL while active), and each member's mute.
ALTER TABLE channels ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN archived_at TEXT;
ALTER TABLE channel_members ADD COLUMN muted INTEGER NOT NULL DEFAULT 0;
