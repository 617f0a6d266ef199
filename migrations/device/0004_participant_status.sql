-- Participant status from the server's roster (issue 14 point 2): a withdrawn, lost, completed
-- or screen-failed participant has nothing due and no new session; NULL means screened.
ALTER TABLE participants ADD COLUMN status TEXT;
ALTER TABLE participants ADD COLUMN status_date TEXT;
