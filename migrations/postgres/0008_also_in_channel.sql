-- A thread reply also shown in the channel's timeline (SQLite: 0016_also_in_channel.sql).
ALTER TABLE events ADD COLUMN also_in_channel BOOLEAN NOT NULL DEFAULT FALSE;
