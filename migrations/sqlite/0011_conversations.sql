-- Conversations: deletes, reactions and the kinds of event later features add (pins, channel
-- changes), each an event with its own seq. SQLite cannot alter a CHECK constraint, so the
-- events table is rebuilt once, with every kind these features need.
CREATE TABLE events_new (
    channel_id     TEXT NOT NULL REFERENCES channels (id),
    seq            INTEGER NOT NULL,
    kind           TEXT NOT NULL
                   CHECK (kind IN ('message', 'member_joined', 'member_left', 'message_updated',
                                   'message_deleted', 'reaction_added', 'reaction_removed',
                                   'message_pinned', 'message_unpinned', 'channel_updated')),
    actor_id       TEXT NOT NULL REFERENCES users (id),
    message_id     TEXT UNIQUE,
    body           TEXT,
    client_msg_id  TEXT,
    thread_root    INTEGER,
    created_at     TEXT NOT NULL,
    edited_at      TEXT,
    deleted        INTEGER NOT NULL DEFAULT 0,
    extras         TEXT,
    -- For every kind about a message (updated, deleted, reactions, pins): that message.
    ref_message_id TEXT,
    -- For 'reaction_added' and 'reaction_removed': the emoji.
    emoji          TEXT,
    PRIMARY KEY (channel_id, seq)
);
INSERT INTO events_new (channel_id, seq, kind, actor_id, message_id, body, client_msg_id,
                        thread_root, created_at, edited_at, deleted, extras, ref_message_id)
    SELECT channel_id, seq, kind, actor_id, message_id, body, client_msg_id,
           thread_root, created_at, edited_at, deleted, extras, ref_message_id
    FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE UNIQUE INDEX events_client_msg_id ON events (actor_id, client_msg_id)
    WHERE client_msg_id IS NOT NULL;
-- A thread's replies, in order.
CREATE INDEX events_thread ON events (channel_id, thread_root, seq)
    WHERE thread_root IS NOT NULL;

-- Who reacted with what; a message's `reactions` are read from here.
CREATE TABLE reactions (
    message_id TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    emoji      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (message_id, emoji, user_id)
);

-- Earlier versions of edited and deleted messages, for a compliance export; never shown to
-- members. One row per replaced version.
CREATE TABLE message_versions (
    message_id  TEXT NOT NULL,
    channel_id  TEXT NOT NULL,
    body        TEXT NOT NULL,
    extras      TEXT,
    -- When the version stopped being current, and who replaced or deleted it.
    replaced_at TEXT NOT NULL,
    replaced_by TEXT NOT NULL REFERENCES users (id)
);
CREATE INDEX message_versions_by_message ON message_versions (message_id);

-- Who created a channel: with admins, its owner (may delete others' messages). NULL for
-- channels created before this version, and for direct channels.
ALTER TABLE channels ADD COLUMN created_by TEXT;
