-- Bot tokens are sessions of a bot account that never expire until revoked: opaque, long,
-- shown once and kept only as a SHA-256 hash. Keeping them in `sessions` means revoking one
-- goes through the same path as a logout (refused at once, sockets closed with 4003).
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'login'
    CHECK (kind IN ('login', 'bot_token'));
ALTER TABLE sessions ADD COLUMN token_hash TEXT;
ALTER TABLE sessions ADD COLUMN label TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX sessions_by_token_hash ON sessions (token_hash) WHERE token_hash IS NOT NULL;

