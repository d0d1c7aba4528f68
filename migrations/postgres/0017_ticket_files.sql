-- Files attached to a ticket: screenshots sent with a request or a comment, in the bot's DM,
-- with /suport, or from the queue. The team may read them (and the requester, unless they
-- came with an internal note) wherever they were posted; the sweeper keeps them.
CREATE TABLE ticket_files (
    file_id TEXT COLLATE "C" PRIMARY KEY,
    number BIGINT NOT NULL,
    internal BOOLEAN NOT NULL DEFAULT FALSE,
    added_by TEXT COLLATE "C" NOT NULL,
    added_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX ticket_files_by_ticket ON ticket_files (number, added_at);
