-- Uploaded files and the files a message carries (SQLite: 0018_files.sql).
CREATE TABLE files (
    id TEXT COLLATE "C" PRIMARY KEY,
    uploader_id TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    size BIGINT NOT NULL,
    content_type TEXT COLLATE "C" NOT NULL,
    sha256 TEXT COLLATE "C" NOT NULL,
    width BIGINT,
    height BIGINT,
    created_at TEXT COLLATE "C" NOT NULL,
    channel_id TEXT COLLATE "C",
    message_id TEXT COLLATE "C",
    posted_at TEXT COLLATE "C",
    unreferenced_since TEXT COLLATE "C"
);
CREATE INDEX files_unreferenced ON files (unreferenced_since) WHERE unreferenced_since IS NOT NULL;
CREATE INDEX files_message ON files (message_id) WHERE message_id IS NOT NULL;
ALTER TABLE events ADD COLUMN files TEXT;
