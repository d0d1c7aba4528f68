-- The support desk's knowledge base for /info: short articles by topic, one row per language
-- ('ca' first; 'es' and 'en' translations optional).
CREATE TABLE info_articles (
    topic      TEXT NOT NULL,
    lang       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users (id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (topic, lang)
);
