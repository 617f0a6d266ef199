-- Studies and sites (issue 12): a site belongs to one study, and a device to one study and one
-- site. A participant is identified by (study, site, pseudonym); submissions take both from
-- their device, which never changes either. Before this migration a server hosted the reference
-- study alone, so existing codes and devices belong to it, and every site they name is kept.
CREATE TABLE sites (
    study      TEXT NOT NULL,
    site       TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (study, site)
);

ALTER TABLE enrollment_codes ADD COLUMN study TEXT NOT NULL DEFAULT 'NCT05191719';
ALTER TABLE devices ADD COLUMN study TEXT NOT NULL DEFAULT 'NCT05191719';
-- The bundle version in force on the tablet, as it said on its last `GET /v1/study`.
ALTER TABLE devices ADD COLUMN bundle_version BIGINT;

INSERT INTO sites (study, site, name, created_at)
SELECT DISTINCT study, site, site, '2026-12-07T00:00:00.000000Z' FROM (
    SELECT study, site FROM devices
    UNION
    SELECT study, site FROM enrollment_codes
) known;
