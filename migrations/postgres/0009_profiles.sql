-- A person's status and time zone (SQLite: 0017_profiles.sql).
ALTER TABLE users ADD COLUMN status_text TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN timezone TEXT COLLATE "C" NOT NULL DEFAULT '';
