-- Full-text search over messages (SQLite: 0019_search.sql). Words are found without case or
-- accents: the `simple` configuration (no stemming: staff mix Catalan and Spanish) with
-- `unaccent`. The server joins the Catalan ela geminada before indexing and searching.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION xerrada_search (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION xerrada_search
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
CREATE TABLE search_docs (
    id BIGSERIAL PRIMARY KEY,
    channel_id TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    author_id TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    has_file BOOLEAN NOT NULL DEFAULT FALSE,
    doc TSVECTOR NOT NULL,
    UNIQUE (channel_id, seq)
);
CREATE INDEX search_docs_channel ON search_docs (channel_id, id);
CREATE INDEX search_docs_doc ON search_docs USING GIN (doc);
INSERT INTO search_docs (channel_id, seq, author_id, created_at, has_file, doc)
SELECT channel_id, seq, actor_id, created_at, files IS NOT NULL,
       to_tsvector('xerrada_search',
           replace(replace(replace(replace(body, 'l·l', 'll'), 'L·L', 'LL'), 'l.l', 'll'), 'L.L', 'LL'))
FROM events WHERE kind = 'message' AND NOT deleted ORDER BY created_at, channel_id, seq;
