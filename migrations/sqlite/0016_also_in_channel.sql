-- A thread reply also shown in the channel's timeline ("also send to the channel").
ALTER TABLE events ADD COLUMN also_in_channel INTEGER NOT NULL DEFAULT 0;
