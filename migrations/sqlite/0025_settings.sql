-- Settings an admin changes in the admin area (they win over xerrada.toml from then on): one
-- JSON value per key.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
