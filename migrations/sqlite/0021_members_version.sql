-- The membership version at which each channel's members last changed, so that a process
-- that saw version V reloads only the channels changed since, not every membership.
ALTER TABLE channels ADD COLUMN members_version INTEGER NOT NULL DEFAULT 0;
CREATE INDEX channels_members_version ON channels (members_version);
