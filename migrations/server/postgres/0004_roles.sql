-- Roles and site scopes (issue 14 point 1). Every user made before roles existed could do
-- everything, so each becomes an admin; a disabled user keeps their row (the audit trail names
-- them) but can no longer log in, and their sessions end.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'admin';
ALTER TABLE users ADD COLUMN disabled_at TEXT;

-- The sites of a coordinator or clinician (a site id, in whichever study has it).
CREATE TABLE user_sites (
    user_name TEXT NOT NULL REFERENCES users (name),
    site      TEXT NOT NULL,
    PRIMARY KEY (user_name, site)
);
