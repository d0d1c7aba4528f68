-- The language a person's client last said it speaks (`ca`, `es`, `en`), so that what the
-- server writes to them when they are not asking (the support bot's direct messages) is in
-- their language. NULL until a client says one: the installation's default applies.
ALTER TABLE users ADD COLUMN lang TEXT;
