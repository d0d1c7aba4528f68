-- Who a message mentions (SQLite: 0013_mentions.sql). A channel's unread mentions for a person
-- are the rows after their read marker.
CREATE TABLE mentions (
    channel_id TEXT COLLATE "C" NOT NULL REFERENCES channels (id),
    seq        BIGINT NOT NULL,
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    PRIMARY KEY (user_id, channel_id, seq)
);
CREATE INDEX mentions_by_message ON mentions (channel_id, seq);
