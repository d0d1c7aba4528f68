-- Conversations: deletes, reactions and the kinds of event later features add (pins, channel
-- changes), each an event with its own seq. (SQLite: 0011_conversations.sql, which rebuilds
-- the events table; here the CHECK is replaced.)
ALTER TABLE events DROP CONSTRAINT events_kind_check;
ALTER TABLE events ADD CONSTRAINT events_kind_check
    CHECK (kind IN ('message', 'member_joined', 'member_left', 'message_updated',
                    'message_deleted', 'reaction_added', 'reaction_removed',
                    'message_pinned', 'message_unpinned', 'channel_updated'));
-- For 'reaction_added' and 'reaction_removed': the emoji.
ALTER TABLE events ADD COLUMN emoji TEXT COLLATE "C";
-- A thread's replies, in order.
CREATE INDEX events_thread ON events (channel_id, thread_root, seq)
    WHERE thread_root IS NOT NULL;

-- Who reacted with what; a message's `reactions` are read from here.
CREATE TABLE reactions (
    message_id TEXT COLLATE "C" NOT NULL,
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    emoji      TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (message_id, emoji, user_id)
);

-- Earlier versions of edited and deleted messages, for a compliance export; never shown to
-- members. One row per replaced version.
CREATE TABLE message_versions (
    message_id  TEXT COLLATE "C" NOT NULL,
    channel_id  TEXT COLLATE "C" NOT NULL,
    body        TEXT COLLATE "C" NOT NULL,
    extras      TEXT COLLATE "C",
    replaced_at TEXT COLLATE "C" NOT NULL,
    replaced_by TEXT COLLATE "C" NOT NULL REFERENCES users (id)
);
CREATE INDEX message_versions_by_message ON message_versions (message_id);

-- Who created a channel: with admins, its owner (may delete others' messages). NULL for
-- channels created before this version, and for direct channels.
ALTER TABLE channels ADD COLUMN created_by TEXT COLLATE "C";
