-- Data queries (issue 14 point 6): a data manager or monitor opens a query on a submission or a
-- participant x time point; a coordinator of the site answers; the opener closes or re-opens
-- it. A query and each of its steps are rows that are never changed or deleted.
CREATE TABLE queries (
    id            TEXT PRIMARY KEY,
    study         TEXT NOT NULL,
    site          TEXT NOT NULL,
    pseudonym     TEXT NOT NULL,
    timepoint     TEXT,
    submission_id TEXT,
    opened_by     TEXT NOT NULL,
    opened_role   TEXT NOT NULL,
    opened_at     TEXT NOT NULL
);

CREATE TABLE query_events (
    id       TEXT PRIMARY KEY,
    query_id TEXT NOT NULL REFERENCES queries (id),
    action   TEXT NOT NULL CHECK (action IN ('open', 'answer', 'close', 'reopen')),
    text     TEXT NOT NULL,
    actor    TEXT NOT NULL,
    role     TEXT NOT NULL,
    at       TEXT NOT NULL
);

CREATE INDEX query_events_by_query ON query_events (query_id);

CREATE TRIGGER queries_are_append_only BEFORE UPDATE OR DELETE ON queries
FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER queries_are_not_truncated BEFORE TRUNCATE ON queries
FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER query_events_are_append_only BEFORE UPDATE OR DELETE ON query_events
FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER query_events_are_not_truncated BEFORE TRUNCATE ON query_events
FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
