-- Uploaded files. The bytes live in the file store (under the data dir); this row says who
-- may read them. A file is its uploader's until posted (message_id and channel_id set), then
-- readable by that channel's members. Deleting the message detaches it (message_id NULL again,
-- posted_at kept, so it can never be posted again). A file no message references
-- (unreferenced_since set: at upload, or when detached) is removed after a grace period.
CREATE TABLE files (
    id TEXT PRIMARY KEY,
    uploader_id TEXT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    width INTEGER,
    height INTEGER,
    created_at TEXT NOT NULL,
    channel_id TEXT,
    message_id TEXT,
    posted_at TEXT,
    unreferenced_since TEXT
);
CREATE INDEX files_unreferenced ON files (unreferenced_since) WHERE unreferenced_since IS NOT NULL;
CREATE INDEX files_message ON files (message_id) WHERE message_id IS NOT NULL;
-- What a message carries of its files (a JSON array of FileInfo), as extras: written with the
-- message, emptied with its tombstone.
ALTER TABLE events ADD COLUMN files TEXT;
