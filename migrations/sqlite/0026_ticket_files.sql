-- Files attached to a ticket: screenshots sent with a request or a comment, in the bot's DM,
-- with /suport, or from the queue. The team may read them (and the requester, unless they
-- came with an internal note) wherever they were posted; the sweeper keeps them.
CREATE TABLE ticket_files (
    file_id TEXT PRIMARY KEY,
    number INTEGER NOT NULL,
    internal INTEGER NOT NULL DEFAULT 0,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX ticket_files_by_ticket ON ticket_files (number, added_at);
