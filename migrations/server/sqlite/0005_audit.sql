-- The server's audit trail (issue 14 point 5; 21 CFR Part 11 §11.10(e)): who (user and role),
-- what, about what, when (UTC), why, and the value before and after where one changed. Each row
-- hashes its content and the previous row's hash; rows cannot be changed or deleted.
CREATE TABLE audit (
    seq          INTEGER PRIMARY KEY NOT NULL CHECK (seq >= 1),
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    role         TEXT NOT NULL,
    action       TEXT NOT NULL,
    subject      TEXT,
    reason       TEXT,
    before_value TEXT,
    after_value  TEXT,
    prev_hash    TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash         TEXT NOT NULL CHECK (length(hash) = 64)
);

CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit rows cannot be changed'); END;

CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit rows cannot be deleted'); END;

CREATE TRIGGER audit_seq_has_no_gaps BEFORE INSERT ON audit
WHEN NEW.seq <> (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit)
BEGIN SELECT RAISE(ABORT, 'audit seq must continue without gaps'); END;
