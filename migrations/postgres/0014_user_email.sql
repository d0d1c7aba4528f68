-- A person's e-mail address, as the admin (or a staff import) gave it; '' when none.
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
