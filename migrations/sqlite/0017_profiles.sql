-- What a person tells others on their profile card: a short status ("De vacances fins
-- dilluns") and their time zone (an IANA name such as Europe/Madrid, for their local time).
ALTER TABLE users ADD COLUMN status_text TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN timezone TEXT NOT NULL DEFAULT '';
