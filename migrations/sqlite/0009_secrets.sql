-- Secrets every process of an installation must share (the token signing key), kept in the
-- database so that the CLI, a second node and `migrate-store` see the same value. Earlier
-- versions kept the signing key in the data dir; it is moved here on first start.
CREATE TABLE secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
