-- Presentation extras of a message (webhook overrides, attachments, blocks) as JSON.
ALTER TABLE events ADD COLUMN extras TEXT;

-- Incoming webhooks: POST /hooks/<secret> posts to `channel_id`. Only the SHA-256 of the
-- secret is kept; regenerating replaces it. Deleted hooks stay for the history's sake.
CREATE TABLE webhooks (
    id          TEXT PRIMARY KEY,
    channel_id  TEXT NOT NULL REFERENCES channels (id),
    name        TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_by  TEXT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX webhooks_by_channel ON webhooks (channel_id);
