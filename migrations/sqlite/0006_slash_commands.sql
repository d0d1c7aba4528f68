-- Slash commands registered by admins: `/name text` in any channel is sent to `url`.
-- `token` is the shared secret sent with every call so the receiving service can check the
-- caller (Mattermost's "token"); it has to be sent, so it is kept as it is.
CREATE TABLE slash_commands (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    url         TEXT NOT NULL,
    token       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL
);

-- response_url grants for late replies: a few uses within a short time.
CREATE TABLE command_responses (
    token_hash  TEXT PRIMARY KEY,
    command_id  TEXT NOT NULL REFERENCES slash_commands (id) ON DELETE CASCADE,
    channel_id  TEXT NOT NULL REFERENCES channels (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    expires_at  TEXT NOT NULL,
    uses_left   INTEGER NOT NULL
);
