-- The server's audit trail (issue 14 point 5; 21 CFR Part 11 §11.10(e)): who (user and role),
-- what, about what, when (UTC), why, and the value before and after where one changed. Each row
-- hashes its content and the previous row's hash; rows cannot be changed, deleted or truncated.
CREATE TABLE audit (
    seq          BIGINT PRIMARY KEY CHECK (seq >= 1),
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

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit rows cannot be changed or deleted';
END;
$$;

CREATE TRIGGER audit_is_append_only BEFORE UPDATE OR DELETE ON audit
FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

CREATE TRIGGER audit_is_not_truncated BEFORE TRUNCATE ON audit
FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE FUNCTION audit_refuse_gap() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq <> (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit) THEN
        RAISE EXCEPTION 'audit seq must continue without gaps';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER audit_seq_has_no_gaps BEFORE INSERT ON audit
FOR EACH ROW EXECUTE FUNCTION audit_refuse_gap();
