-- Participant status (issue 14 point 2): one row per change, never changed or deleted. A
-- participant with no row is screened. The current status is the newest row (ids are UUIDv7).
CREATE TABLE participant_status (
    id           TEXT PRIMARY KEY NOT NULL,
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

CREATE TRIGGER participant_status_is_append_only_update BEFORE UPDATE ON participant_status
BEGIN SELECT RAISE(ABORT, 'status changes cannot be changed'); END;

CREATE TRIGGER participant_status_is_append_only_delete BEFORE DELETE ON participant_status
BEGIN SELECT RAISE(ABORT, 'status changes cannot be deleted'); END;
