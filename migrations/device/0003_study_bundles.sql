-- Study bundles adopted from the server (issue 12), as received: the signed JSON
-- ({"bundle", "signature", "public_key"}), checked again against the pinned key whenever the
-- store opens. Rows are kept once adopted: a session started under a version finishes under it,
-- and every submission names the version it was made under. The active version's SHA-256 is
-- meta 'active_bundle'; the pinned key is meta 'bundle_public_key'. Before the first adoption
-- the tablet runs on the reference bundle compiled in (version 1).
CREATE TABLE study_bundles (
    sha256     TEXT PRIMARY KEY NOT NULL,
    study      TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    signed     TEXT NOT NULL,
    adopted_at TEXT NOT NULL
) STRICT;

-- The bundle a session started under (NULL: started before bundles, on the shipped one). Its
-- questionnaires are shown and saved with that bundle's packs even if a newer one is adopted
-- meanwhile.
ALTER TABLE sessions ADD COLUMN bundle_sha256 TEXT;
