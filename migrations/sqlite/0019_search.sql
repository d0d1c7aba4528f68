-- Full-text search over messages: their body and the names of their files. `search_docs`
-- holds one row per message that can be found (not deleted), with what the filters need;
-- `search_text` (FTS5, contentless) the words of each, under the same id. Words are found
-- without case or accents (unicode61, remove_diacritics 2); the server joins the Catalan
-- ela geminada (col·lecció, col.lecció) into one word before indexing and before searching,
-- and apostrophes separate words (l'Ajuntament, d'obres).
CREATE TABLE search_docs (
    id INTEGER PRIMARY KEY,
    channel_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    author_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    has_file INTEGER NOT NULL DEFAULT 0,
    UNIQUE (channel_id, seq)
);
CREATE INDEX search_docs_channel ON search_docs (channel_id, id);
CREATE VIRTUAL TABLE search_text USING fts5(
    text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);
-- What was posted before this migration.
INSERT INTO search_docs (channel_id, seq, author_id, created_at, has_file)
SELECT channel_id, seq, actor_id, created_at, files IS NOT NULL
FROM events WHERE kind = 'message' AND deleted = 0 ORDER BY created_at, channel_id, seq;
INSERT INTO search_text (rowid, text)
SELECT d.id, replace(replace(replace(replace(e.body, 'l·l', 'll'), 'L·L', 'LL'), 'l.l', 'll'), 'L.L', 'LL')
FROM search_docs d JOIN events e ON e.channel_id = d.channel_id AND e.seq = d.seq;
