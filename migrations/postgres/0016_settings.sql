-- Settings an admin changes in the admin area (they win over xerrada.toml from then on): one
-- JSON value per key.
CREATE TABLE settings (
    key TEXT COLLATE "C" PRIMARY KEY,
    value TEXT NOT NULL,
    updated_by TEXT COLLATE "C" NOT NULL,
    updated_at TEXT NOT NULL
);
