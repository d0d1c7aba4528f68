-- Who follows which thread, and how far each has read it. Unread replies are counted from
-- seqs (replies after last_read_seq), never kept as counters, so they cannot drift.
-- An explicit unfollow keeps the row (following = 0) and its marker.
CREATE TABLE thread_follows (
    user_id       TEXT NOT NULL REFERENCES users (id),
    channel_id    TEXT NOT NULL REFERENCES channels (id),
    root_seq      INTEGER NOT NULL,
    following     INTEGER NOT NULL DEFAULT 1,
    last_read_seq INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, channel_id, root_seq)
);
