-- Message edits are channel events too (kind 'message_updated', with its own seq), so a
-- client that resumes sees them in order. The edit itself changes the message's row; the
-- event row names the message it updated. SQLite cannot alter a CHECK constraint, so the
-- table is rebuilt.
CREATE TABLE events_new (
    channel_id     TEXT NOT NULL REFERENCES channels (id),
    seq            INTEGER NOT NULL,
    kind           TEXT NOT NULL
                   CHECK (kind IN ('message', 'member_joined', 'member_left', 'message_updated')),
    actor_id       TEXT NOT NULL REFERENCES users (id),
    message_id     TEXT UNIQUE,
    body           TEXT,
    client_msg_id  TEXT,
    thread_root    INTEGER,
    created_at     TEXT NOT NULL,
    edited_at      TEXT,
    deleted        INTEGER NOT NULL DEFAULT 0,
    extras         TEXT,
    -- For 'message_updated': the message that changed.
    ref_message_id TEXT,
    PRIMARY KEY (channel_id, seq)
);
INSERT INTO events_new (channel_id, seq, kind, actor_id, message_id, body, client_msg_id,
                        thread_root, created_at, edited_at, deleted, extras)
    SELECT channel_id, seq, kind, actor_id, message_id, body, client_msg_id,
           thread_root, created_at, edited_at, deleted, extras
    FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE UNIQUE INDEX events_client_msg_id ON events (actor_id, client_msg_id)
    WHERE client_msg_id IS NOT NULL;
