-- Who a message mentions (resolved when posted or edited: channel members only). A channel's
-- unread mentions for a person are the rows after their read marker.
CREATE TABLE mentions (
    channel_id TEXT NOT NULL REFERENCES channels (id),
    seq        INTEGER NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (user_id, channel_id, seq)
);
CREATE INDEX mentions_by_message ON mentions (channel_id, seq);
