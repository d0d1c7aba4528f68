-- The bot's direct messages about a ticket: a reply in the thread of one is a comment on that
-- ticket, without asking which.
CREATE TABLE ticket_messages (
    channel_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    number INTEGER NOT NULL,
    PRIMARY KEY (channel_id, seq)
);
