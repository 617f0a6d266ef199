-- Mimik tablet store, schema 1. Applied inside the SQLCipher database after the key is set,
-- by the embedded migration runner of mimik-device (one transaction per migration).
-- Participants are pseudonyms only: there is no column for a name, birth date or record number.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE staff (
    id         TEXT PRIMARY KEY NOT NULL,
    added_at   TEXT NOT NULL,
    added_by   TEXT NOT NULL,
    removed_at TEXT
) STRICT;

CREATE TABLE participants (
    pseudonym      TEXT PRIMARY KEY NOT NULL,
    inclusion_date TEXT NOT NULL,
    surgery_date   TEXT,
    registered_at  TEXT NOT NULL,
    registered_by  TEXT NOT NULL REFERENCES staff(id)
) STRICT;

CREATE TABLE botox_injections (
    participant TEXT NOT NULL REFERENCES participants(pseudonym),
    injected_on TEXT NOT NULL,
    PRIMARY KEY (participant, injected_on)
) STRICT;

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY NOT NULL,
    participant TEXT NOT NULL REFERENCES participants(pseudonym),
    timepoint   TEXT NOT NULL,
    language    TEXT NOT NULL,
    started_by  TEXT NOT NULL REFERENCES staff(id),
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    state       TEXT NOT NULL CHECK (state IN ('open', 'completed', 'abandoned'))
) STRICT;

-- Half-finished answers, kept (encrypted like everything here) so staff can resume a session.
CREATE TABLE drafts (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    instrument TEXT NOT NULL,
    answers    TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (session_id, instrument)
) STRICT;

-- Completed submissions: append-only. A correction is a new row naming the one it supersedes.
-- device_seq is the rowid: appends stay at the end of one B-tree and each save touches fewer
-- pages (every page written is encrypted and authenticated, so pages are the cost).
CREATE TABLE submissions (
    device_seq          INTEGER PRIMARY KEY NOT NULL CHECK (device_seq >= 1),
    id                  TEXT NOT NULL UNIQUE,
    kind                TEXT NOT NULL,
    participant         TEXT NOT NULL REFERENCES participants(pseudonym),
    timepoint           TEXT,
    instrument          TEXT,
    algorithm           TEXT,
    content_pack_sha256 TEXT,
    language            TEXT,
    answers             TEXT,
    scores              TEXT,
    refers_to           TEXT REFERENCES submissions(id),
    session_id          TEXT REFERENCES sessions(id),
    staff_id            TEXT NOT NULL,
    recorded_at         TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL,
    supersedes          TEXT REFERENCES submissions(id),
    supersede_reason    TEXT,
    body                BLOB NOT NULL,
    body_sha256         TEXT NOT NULL CHECK (length(body_sha256) = 64),
    CHECK ((supersedes IS NULL) = (supersede_reason IS NULL))
) STRICT;

CREATE INDEX submissions_by_participant ON submissions (participant, timepoint);

CREATE TRIGGER submissions_are_append_only_update BEFORE UPDATE ON submissions
BEGIN SELECT RAISE(ABORT, 'submissions are append-only: save a correction instead'); END;

CREATE TRIGGER submissions_are_append_only_delete BEFORE DELETE ON submissions
BEGIN SELECT RAISE(ABORT, 'submissions are append-only: save a correction instead'); END;

CREATE TRIGGER submissions_device_seq_has_no_gaps BEFORE INSERT ON submissions
WHEN NEW.device_seq <> (SELECT COALESCE(MAX(device_seq), 0) + 1 FROM submissions)
BEGIN SELECT RAISE(ABORT, 'device_seq must continue without gaps'); END;

-- The audit chain: every state change, who, what, when (UTC + offset), why; each row hashes the
-- previous one. Rows cannot be updated or deleted.
CREATE TABLE audit (
    seq                INTEGER PRIMARY KEY NOT NULL CHECK (seq >= 1),
    at                 TEXT NOT NULL,
    utc_offset_minutes INTEGER NOT NULL,
    actor              TEXT NOT NULL,
    action             TEXT NOT NULL,
    subject            TEXT,
    reason             TEXT,
    prev_hash          TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash               TEXT NOT NULL CHECK (length(hash) = 64)
) STRICT;

CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit rows cannot be changed'); END;

CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit rows cannot be deleted'); END;

CREATE TRIGGER audit_seq_has_no_gaps BEFORE INSERT ON audit
WHEN NEW.seq <> (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit)
BEGIN SELECT RAISE(ABORT, 'audit seq must continue without gaps'); END;

-- What still has to reach the server. One row per submission, written in the same transaction.
CREATE TABLE outbox (
    device_seq        INTEGER PRIMARY KEY NOT NULL REFERENCES submissions(device_seq),
    state             TEXT NOT NULL CHECK (state IN ('pending', 'acknowledged', 'quarantined')),
    enqueued_at       TEXT NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    last_attempt_at   TEXT,
    last_error        TEXT,
    acknowledged_at   TEXT,
    -- The device id the receipt was for: only those items are re-sent when that server reports
    -- it lost them (a tablet re-enrolled under a new id is not confused by its old receipts).
    acknowledged_device_id TEXT,
    receipt_sha256    TEXT,
    quarantine_reason TEXT
) STRICT;

-- Side effects and their review: awaiting until a side_effect_grade submission refers to them.
CREATE VIEW side_effects AS
SELECT s.id, s.participant, s.timepoint, s.recorded_at, s.answers AS text_json,
       g.id AS grade_id, g.answers AS grade_json,
       CASE WHEN g.id IS NULL THEN 'awaiting_review' ELSE 'graded' END AS review_state
FROM submissions s
LEFT JOIN submissions g ON g.refers_to = s.id AND g.kind = 'side_effect_grade'
    AND g.device_seq = (SELECT MAX(device_seq) FROM submissions
                        WHERE refers_to = s.id AND kind = 'side_effect_grade')
WHERE s.kind = 'side_effect';
