-- The words of the search index, one row each (FTS5's own vocabulary, read in place): a
-- search spells a prefix out as the words that start with it (`sql/search.rs`), which FTS5
-- then walks newest first instead of merging every list of the prefix first.
CREATE VIRTUAL TABLE search_vocabulary USING fts5vocab(search_text, row);
