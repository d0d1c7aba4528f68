-- The channel of each message in the search index too, as one token (`search::channel_token`)
-- in a column of its own. A search in one channel, or a few, then asks FTS5 for its words
-- AND its channels, and FTS5 intersects their lists. Without it, a search walked every match
-- of its words newest first and read each one's `events` row to see its channel: a search in
-- one of 200 channels read about 200 rows for each result it kept.
--
-- An FTS5 table cannot take a new column: it is made again, and the server indexes every
-- message again when it finds the key below (as after 0020).
DROP TABLE search_text;
CREATE VIRTUAL TABLE search_text USING fts5(
    text, channel, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT OR REPLACE INTO meta (key, value) VALUES ('search_reindex', 1);
