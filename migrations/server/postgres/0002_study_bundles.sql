-- Signed study bundles (issue 12): one row per version of a study, written once, never updated.
-- `bundle` is the canonical JSON text that `signature` signs and `sha256` hashes.
CREATE TABLE study_bundles (
    study        TEXT NOT NULL,
    version      BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    bundle       TEXT NOT NULL,
    signature    TEXT NOT NULL,
    public_key   TEXT NOT NULL,
    published_at TEXT NOT NULL,
    PRIMARY KEY (study, version)
);
