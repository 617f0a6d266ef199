-- Quick-unlock PINs (issue 13 item 1). A PIN never wraps the database key: its verifier lives
-- here, inside the encrypted database, so a copy of the tablet's files offers nothing to guess
-- a PIN against. One row per staff member; replaced when they set a new PIN, deleted when they
-- are removed.
CREATE TABLE staff_pins (
    staff_id TEXT PRIMARY KEY NOT NULL REFERENCES staff (id),
    -- Argon2id parameters as JSON ({"m_kib", "t", "p"}), salt and 32-byte output.
    kdf      TEXT NOT NULL,
    salt     BLOB NOT NULL CHECK (length(salt) = 16),
    verifier BLOB NOT NULL CHECK (length(verifier) = 32),
    set_at   TEXT NOT NULL
) STRICT;
