-- Messages pinned in a channel, and messages each person saved (SQLite: 0014_pins.sql).
CREATE TABLE pins (
    channel_id TEXT COLLATE "C" NOT NULL REFERENCES channels (id),
    message_id TEXT COLLATE "C" NOT NULL,
    pinned_by  TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    pinned_at  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (channel_id, message_id)
);
CREATE TABLE saved_messages (
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    message_id TEXT COLLATE "C" NOT NULL,
    channel_id TEXT COLLATE "C" NOT NULL REFERENCES channels (id),
    saved_at   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (user_id, message_id)
);
