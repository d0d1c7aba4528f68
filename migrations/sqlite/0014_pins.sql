-- Messages pinned in a channel (by its members; each pin and unpin is also a channel event),
-- and messages each person saved for themselves (seen by nobody else).
CREATE TABLE pins (
    channel_id TEXT NOT NULL REFERENCES channels (id),
    message_id TEXT NOT NULL,
    pinned_by  TEXT NOT NULL REFERENCES users (id),
    pinned_at  TEXT NOT NULL,
    PRIMARY KEY (channel_id, message_id)
);
CREATE TABLE saved_messages (
    user_id    TEXT NOT NULL REFERENCES users (id),
    message_id TEXT NOT NULL,
    channel_id TEXT NOT NULL REFERENCES channels (id),
    saved_at   TEXT NOT NULL,
    PRIMARY KEY (user_id, message_id)
);
