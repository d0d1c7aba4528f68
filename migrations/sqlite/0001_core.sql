-- Core schema: accounts, departments, channels, channel events (messages and membership),
-- read markers and auth sessions. Every change inside a channel is a row of `events` with the
-- channel's next gap-free `seq`; `channels.last_seq` is bumped in the same transaction.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL,
    -- Lower-cased username: usernames are unique regardless of case.
    username_key  TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('human', 'bot')),
    role          TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    password_hash TEXT,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL
);

CREATE TABLE channels (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('public', 'private', 'direct')),
    -- No foreign key: a department and its channel are created together and refer to each other.
    department_id TEXT,
    topic         TEXT NOT NULL DEFAULT '',
    -- Sorted member ids of a direct channel: the same set of people always gets the same channel.
    dm_key        TEXT UNIQUE,
    last_seq      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

CREATE TABLE departments (
    id         TEXT PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    channel_id TEXT NOT NULL UNIQUE REFERENCES channels (id),
    created_at TEXT NOT NULL
);

CREATE TABLE department_members (
    department_id TEXT NOT NULL REFERENCES departments (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (department_id, user_id)
);
CREATE INDEX department_members_by_user ON department_members (user_id);

CREATE TABLE channel_members (
    channel_id    TEXT NOT NULL REFERENCES channels (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    last_read_seq INTEGER NOT NULL DEFAULT 0,
    joined_at     TEXT NOT NULL,
    PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX channel_members_by_user ON channel_members (user_id);

CREATE TABLE events (
    channel_id    TEXT NOT NULL REFERENCES channels (id),
    seq           INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('message', 'member_joined', 'member_left')),
    -- The author of a message, or the member who joined or left.
    actor_id      TEXT NOT NULL REFERENCES users (id),
    message_id    TEXT UNIQUE,
    body          TEXT,
    client_msg_id TEXT,
    thread_root   INTEGER,
    created_at    TEXT NOT NULL,
    edited_at     TEXT,
    deleted       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel_id, seq)
);
-- Idempotent sends: one message per (author, client_msg_id).
CREATE UNIQUE INDEX events_client_msg_id ON events (actor_id, client_msg_id)
    WHERE client_msg_id IS NOT NULL;

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Refresh tokens, stored as SHA-256 hashes. A used token stays (with used_at) so that its reuse
-- is recognised as theft and revokes the session.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    created_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);
