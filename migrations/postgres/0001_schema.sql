-- The PostgreSQL schema: the final state of migrations/sqlite/0001..0009 in one step, with the
-- same tables, columns (same names, same order), keys, indexes and CHECKs, so that a data
-- migration can copy every table column by column.
--
-- Type mapping from SQLite: INTEGER -> BIGINT; the flags users.active and events.deleted ->
-- BOOLEAN; AUTOINCREMENT keys -> identity columns; BLOB -> BYTEA. Timestamps stay ISO 8601
-- TEXT, exactly as in SQLite.
--
-- Every TEXT column is COLLATE "C": SQLite compares and sorts TEXT byte by byte (BINARY), and
-- so does the "C" collation, whatever locale the database was created with. Sorting channel
-- names, usernames and slugs, and comparing timestamps (expires_at > now) therefore give the
-- same answers on both backends, and lower() folds ASCII letters only, as SQLite's does.
--
-- Every change inside a channel is a row of `events` with the channel's next gap-free `seq`;
-- `channels.last_seq` is bumped in the same transaction (see store/postgres/mod.rs for how
-- several nodes share the sequence).

CREATE TABLE users (
    id            TEXT COLLATE "C" PRIMARY KEY,
    username      TEXT COLLATE "C" NOT NULL,
    -- Lower-cased username: usernames are unique regardless of case.
    username_key  TEXT COLLATE "C" NOT NULL UNIQUE,
    display_name  TEXT COLLATE "C" NOT NULL,
    kind          TEXT COLLATE "C" NOT NULL CHECK (kind IN ('human', 'bot')),
    role          TEXT COLLATE "C" NOT NULL CHECK (role IN ('admin', 'member')),
    password_hash TEXT COLLATE "C",
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TEXT COLLATE "C" NOT NULL
);

CREATE TABLE channels (
    id            TEXT COLLATE "C" PRIMARY KEY,
    name          TEXT COLLATE "C" NOT NULL,
    kind          TEXT COLLATE "C" NOT NULL CHECK (kind IN ('public', 'private', 'direct')),
    -- No foreign key: a department and its channel are created together and refer to each other.
    department_id TEXT COLLATE "C",
    topic         TEXT COLLATE "C" NOT NULL DEFAULT '',
    -- Sorted member ids of a direct channel: the same set of people always gets the same channel.
    dm_key        TEXT COLLATE "C" UNIQUE,
    last_seq      BIGINT NOT NULL DEFAULT 0,
    created_at    TEXT COLLATE "C" NOT NULL
);

CREATE TABLE departments (
    id         TEXT COLLATE "C" PRIMARY KEY,
    slug       TEXT COLLATE "C" NOT NULL UNIQUE,
    name       TEXT COLLATE "C" NOT NULL,
    channel_id TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES channels (id),
    created_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE department_members (
    department_id TEXT COLLATE "C" NOT NULL REFERENCES departments (id),
    user_id       TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    PRIMARY KEY (department_id, user_id)
);
CREATE INDEX department_members_by_user ON department_members (user_id);

CREATE TABLE channel_members (
    channel_id    TEXT COLLATE "C" NOT NULL REFERENCES channels (id),
    user_id       TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    last_read_seq BIGINT NOT NULL DEFAULT 0,
    joined_at     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX channel_members_by_user ON channel_members (user_id);

-- Message edits are channel events too (kind 'message_updated', with its own seq): the edit
-- changes the message's row, and the event row names the message it updated.
CREATE TABLE events (
    channel_id     TEXT COLLATE "C" NOT NULL REFERENCES channels (id),
    seq            BIGINT NOT NULL,
    kind           TEXT COLLATE "C" NOT NULL
                   CHECK (kind IN ('message', 'member_joined', 'member_left', 'message_updated')),
    -- The author of a message, or the member who joined or left.
    actor_id       TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    message_id     TEXT COLLATE "C" UNIQUE,
    body           TEXT COLLATE "C",
    client_msg_id  TEXT COLLATE "C",
    thread_root    BIGINT,
    created_at     TEXT COLLATE "C" NOT NULL,
    edited_at      TEXT COLLATE "C",
    deleted        BOOLEAN NOT NULL DEFAULT FALSE,
    -- Presentation extras of a message (webhook overrides, attachments, blocks) as JSON.
    extras         TEXT COLLATE "C",
    -- For 'message_updated': the message that changed.
    ref_message_id TEXT COLLATE "C",
    PRIMARY KEY (channel_id, seq)
);
-- Idempotent sends: one message per (author, client_msg_id).
CREATE UNIQUE INDEX events_client_msg_id ON events (actor_id, client_msg_id)
    WHERE client_msg_id IS NOT NULL;

-- Login sessions and bot tokens. A bot token is a session of a bot account that never expires
-- until revoked, kept only as a SHA-256 hash.
CREATE TABLE sessions (
    id         TEXT COLLATE "C" PRIMARY KEY,
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    created_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL,
    revoked_at TEXT COLLATE "C",
    kind       TEXT COLLATE "C" NOT NULL DEFAULT 'login' CHECK (kind IN ('login', 'bot_token')),
    token_hash TEXT COLLATE "C",
    label      TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE UNIQUE INDEX sessions_by_token_hash ON sessions (token_hash) WHERE token_hash IS NOT NULL;

-- Refresh tokens, stored as SHA-256 hashes. A used token stays (with used_at) so that its reuse
-- is recognised as theft and revokes the session.
CREATE TABLE refresh_tokens (
    token_hash TEXT COLLATE "C" PRIMARY KEY,
    session_id TEXT COLLATE "C" NOT NULL REFERENCES sessions (id),
    created_at TEXT COLLATE "C" NOT NULL,
    used_at    TEXT COLLATE "C"
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);

-- Counters other processes watch. `membership_version` is bumped by every committed change of
-- channel membership, so a running server notices changes made by the admin CLI or by other
-- nodes and reloads its membership cache.
CREATE TABLE meta (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('membership_version', 0);

-- Incoming webhooks: POST /hooks/<secret> posts to `channel_id`. Only the SHA-256 of the
-- secret is kept; regenerating replaces it. Deleted hooks stay for the history's sake.
CREATE TABLE webhooks (
    id          TEXT COLLATE "C" PRIMARY KEY,
    channel_id  TEXT COLLATE "C" NOT NULL REFERENCES channels (id),
    name        TEXT COLLATE "C" NOT NULL,
    secret_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    created_by  TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    created_at  TEXT COLLATE "C" NOT NULL,
    deleted_at  TEXT COLLATE "C"
);
CREATE INDEX webhooks_by_channel ON webhooks (channel_id);

-- Slash commands registered by admins: `/name text` in any channel is sent to `url`.
-- `token` is the shared secret sent with every call so the receiving service can check the
-- caller; it has to be sent, so it is kept as it is.
CREATE TABLE slash_commands (
    id          TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL UNIQUE,
    url         TEXT COLLATE "C" NOT NULL,
    token       TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_by  TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    created_at  TEXT COLLATE "C" NOT NULL
);

-- response_url grants for late replies: a few uses within a short time.
CREATE TABLE command_responses (
    token_hash  TEXT COLLATE "C" PRIMARY KEY,
    command_id  TEXT COLLATE "C" NOT NULL REFERENCES slash_commands (id) ON DELETE CASCADE,
    channel_id  TEXT COLLATE "C" NOT NULL REFERENCES channels (id),
    user_id     TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    expires_at  TEXT COLLATE "C" NOT NULL,
    uses_left   BIGINT NOT NULL
);

-- The support desk's tickets and their history. `number` is what people quote ("#42").
-- A data migration that copies numbers in must move the identity on afterwards
-- (setval(pg_get_serial_sequence('tickets', 'number'), max(number))).
CREATE TABLE tickets (
    number          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    requester_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    title           TEXT COLLATE "C" NOT NULL,
    description     TEXT COLLATE "C" NOT NULL,
    category        TEXT COLLATE "C" NOT NULL,
    priority        TEXT COLLATE "C" NOT NULL
                    CHECK (priority IN ('baixa', 'normal', 'alta', 'urgent')),
    status          TEXT COLLATE "C" NOT NULL
                    CHECK (status IN ('open', 'in_progress', 'waiting', 'resolved', 'closed')),
    assignee_id     TEXT COLLATE "C" REFERENCES users (id),
    -- The card the support bot keeps up to date in the support channel.
    card_channel_id TEXT COLLATE "C",
    card_message_id TEXT COLLATE "C",
    created_at      TEXT COLLATE "C" NOT NULL,
    updated_at      TEXT COLLATE "C" NOT NULL
);
CREATE INDEX tickets_by_requester ON tickets (requester_id);
CREATE INDEX tickets_by_status ON tickets (status);

-- Who did what and when, including comments (seen by the requester) and internal notes.
CREATE TABLE ticket_history (
    id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    ticket_number BIGINT NOT NULL REFERENCES tickets (number),
    actor_id      TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    kind          TEXT COLLATE "C" NOT NULL,
    detail        TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL
);
CREATE INDEX ticket_history_by_ticket ON ticket_history (ticket_number, id);

-- The support desk's knowledge base for /info: short articles by topic, one row per language
-- ('ca' first; 'es' and 'en' translations optional).
CREATE TABLE info_articles (
    topic      TEXT COLLATE "C" NOT NULL,
    lang       TEXT COLLATE "C" NOT NULL,
    title      TEXT COLLATE "C" NOT NULL,
    body       TEXT COLLATE "C" NOT NULL,
    updated_by TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    updated_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (topic, lang)
);

-- Secrets every process of an installation must share (the token signing key), so that the
-- CLI, every node and `migrate-store` see the same value.
CREATE TABLE secrets (
    name  TEXT COLLATE "C" PRIMARY KEY,
    value BYTEA NOT NULL
);
