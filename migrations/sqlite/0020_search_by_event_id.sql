-- The search index keyed by the message's own row: each message's words in FTS5 under the
-- `id` of its `events` row, and no `search_docs` table. The filters (channel, author, dates,
-- files) read the `events` row itself. Posting then writes one index entry per message
-- instead of four (a `search_docs` row, its two indexes and the words).
--
-- The rowid of a table without an INTEGER PRIMARY KEY may change on VACUUM (and so in a
-- backup made with VACUUM INTO), which would point the words at other messages: `events` is
-- rebuilt once with `id` as that key, keeping every row's rowid.
CREATE TABLE events_new (
    id             INTEGER PRIMARY KEY,
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
    also_in_channel INTEGER NOT NULL DEFAULT 0,
    files          TEXT,
    UNIQUE (channel_id, seq)
);
INSERT INTO events_new (id, channel_id, seq, kind, actor_id, message_id, body, client_msg_id,
                        thread_root, created_at, edited_at, deleted, extras, ref_message_id,
                        emoji, also_in_channel, files)
    SELECT rowid, channel_id, seq, kind, actor_id, message_id, body, client_msg_id,
           thread_root, created_at, edited_at, deleted, extras, ref_message_id,
           emoji, also_in_channel, files
    FROM events ORDER BY rowid;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE UNIQUE INDEX events_client_msg_id ON events (actor_id, client_msg_id)
    WHERE client_msg_id IS NOT NULL;
-- A thread's replies, in order.
CREATE INDEX events_thread ON events (channel_id, thread_root, seq)
    WHERE thread_root IS NOT NULL;

DROP TABLE search_text;
DROP TABLE search_docs;
CREATE VIRTUAL TABLE search_text USING fts5(
    text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);
-- The words are made by the server (`search::index_text`, which SQL cannot repeat exactly):
-- it indexes every message again when it finds this key, then removes it.
INSERT INTO meta (key, value) VALUES ('search_reindex', 1);
