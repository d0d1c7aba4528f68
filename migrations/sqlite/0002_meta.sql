-- Counters other processes watch. `membership_version` is bumped by every committed change of
-- channel membership, so a running server notices changes made by the admin CLI (or, later,
-- by other nodes) and reloads its membership cache.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO meta (key, value) VALUES ('membership_version', 0);
