-- Participant status (issue 14 point 2): one row per change, never changed or deleted. A
-- participant with no row is screened. The current status is the newest row (ids are UUIDv7).
CREATE TABLE participant_status (
    id           TEXT PRIMARY KEY,
    study        TEXT NOT NULL,
    site         TEXT NOT NULL,
    pseudonym    TEXT NOT NULL,
    status       TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    reason       TEXT NOT NULL,
    actor        TEXT NOT NULL,
    role         TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);

CREATE INDEX participant_status_by_participant ON participant_status (study, site, pseudonym);

CREATE TRIGGER participant_status_is_append_only BEFORE UPDATE OR DELETE ON participant_status
FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

CREATE TRIGGER participant_status_is_not_truncated BEFORE TRUNCATE ON participant_status
FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
