-- Data queries (issue 14 point 6): a data manager or monitor opens a query on a submission or a
-- participant x time point; a coordinator of the site answers; the opener closes or re-opens
-- it. A query and each of its steps are rows that are never changed or deleted.
CREATE TABLE queries (
    id            TEXT PRIMARY KEY NOT NULL,
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
    id       TEXT PRIMARY KEY NOT NULL,
    query_id TEXT NOT NULL REFERENCES queries (id),
    action   TEXT NOT NULL CHECK (action IN ('open', 'answer', 'close', 'reopen')),
    text     TEXT NOT NULL,
    actor    TEXT NOT NULL,
    role     TEXT NOT NULL,
    at       TEXT NOT NULL
);

CREATE INDEX query_events_by_query ON query_events (query_id);

CREATE TRIGGER queries_are_append_only_update BEFORE UPDATE ON queries
BEGIN SELECT RAISE(ABORT, 'queries cannot be changed'); END;
CREATE TRIGGER queries_are_append_only_delete BEFORE DELETE ON queries
BEGIN SELECT RAISE(ABORT, 'queries cannot be deleted'); END;
CREATE TRIGGER query_events_are_append_only_update BEFORE UPDATE ON query_events
BEGIN SELECT RAISE(ABORT, 'query steps cannot be changed'); END;
CREATE TRIGGER query_events_are_append_only_delete BEFORE DELETE ON query_events
BEGIN SELECT RAISE(ABORT, 'query steps cannot be deleted'); END;
