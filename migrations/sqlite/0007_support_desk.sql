-- The support desk's tickets and their history. `number` is what people quote ("#42").
CREATE TABLE tickets (
    number          INTEGER PRIMARY KEY AUTOINCREMENT,
    requester_id    TEXT NOT NULL REFERENCES users (id),
    title           TEXT NOT NULL,
    description     TEXT NOT NULL,
    category        TEXT NOT NULL,
    priority        TEXT NOT NULL CHECK (priority IN ('baixa', 'normal', 'alta', 'urgent')),
    status          TEXT NOT NULL
                    CHECK (status IN ('open', 'in_progress', 'waiting', 'resolved', 'closed')),
    assignee_id     TEXT REFERENCES users (id),
    -- The card the support bot keeps up to date in the support channel.
    card_channel_id TEXT,
    card_message_id TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX tickets_by_requester ON tickets (requester_id);
CREATE INDEX tickets_by_status ON tickets (status);

-- Who did what and when, including comments (seen by the requester) and internal notes.
CREATE TABLE ticket_history (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_number INTEGER NOT NULL REFERENCES tickets (number),
    actor_id      TEXT NOT NULL REFERENCES users (id),
    kind          TEXT NOT NULL,
    detail        TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX ticket_history_by_ticket ON ticket_history (ticket_number, id);
