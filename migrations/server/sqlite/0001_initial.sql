-- Central schema, SQLite dialect (mimik-server). Keep in step with ../postgres/0001_initial.sql:
-- both backends run the same SQL text against these tables. Times are RFC 3339 UTC text with
-- microseconds ("2026-01-02T03:04:05.000000Z"), so text order is time order on both backends.
-- Pseudonyms only: no name, birth date or record number columns anywhere.

CREATE TABLE enrollment_codes (
    code_sha256 TEXT PRIMARY KEY,
    site        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    device_id   TEXT
);

CREATE TABLE devices (
    id           TEXT PRIMARY KEY,
    site         TEXT NOT NULL,
    public_key   TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    enrolled_at  TEXT NOT NULL,
    last_seen_at TEXT,
    revoked_at   TEXT
);

-- Append-only: rows are inserted, never updated or deleted (NL-2: one row per id, one per seq).
CREATE TABLE submissions (
    id                 TEXT PRIMARY KEY,
    device_id          TEXT NOT NULL REFERENCES devices (id),
    device_seq         INTEGER NOT NULL CHECK (device_seq >= 1),
    kind               TEXT NOT NULL,
    participant        TEXT NOT NULL,
    timepoint          TEXT,
    instrument         TEXT,
    algorithm          TEXT,
    recorded_at        TEXT NOT NULL,
    utc_offset_minutes INTEGER NOT NULL,
    created_at         TEXT NOT NULL,
    received_at        TEXT NOT NULL,
    body               TEXT NOT NULL,
    body_sha256        TEXT NOT NULL,
    signature          TEXT NOT NULL,
    UNIQUE (device_id, device_seq)
);
CREATE INDEX submissions_natural_key ON submissions (participant, timepoint, instrument);
CREATE INDEX submissions_kind ON submissions (kind);

-- Envelopes that clashed with a stored one (same id with another body, or a device_seq already
-- used by another id): kept for review, never applied.
CREATE TABLE conflicts (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id   TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    device_seq      INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    reason          TEXT NOT NULL,
    stored_sha256   TEXT,
    received_sha256 TEXT NOT NULL,
    body            TEXT NOT NULL,
    signature       TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    UNIQUE (submission_id, device_id, device_seq, received_sha256)
);

CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_sha256 TEXT PRIMARY KEY,
    user_name    TEXT NOT NULL REFERENCES users (name),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
