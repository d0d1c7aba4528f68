-- Who follows which thread, and how far each has read it (SQLite: 0012_threads.sql). Unread
-- replies are counted from seqs, never kept as counters, so they cannot drift. An explicit
-- unfollow keeps the row (following = FALSE) and its marker.
CREATE TABLE thread_follows (
    user_id       TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    channel_id    TEXT COLLATE "C" NOT NULL REFERENCES channels (id),
    root_seq      BIGINT NOT NULL,
    following     BOOLEAN NOT NULL DEFAULT TRUE,
    last_read_seq BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, channel_id, root_seq)
);
