-- The activities still running on or after a day (`from`) counted without reading them all.
--
-- Counting them read every entry of `activities_end` from the day on: 30,000 of 100,000
-- activities for `from=2020-01-01`, 0.4 ms of a page that otherwise takes about 1. An activity
-- running on or after a day either starts on or after it, and those are the counts of the years
-- after its own (kept in `activity_filter_counts`) and the activities of the rest of its own
-- year, or starts before it and ends within the longest an activity has lasted after it. That
-- longest is kept here: it only grows, so an activity shortened or deleted leaves it too long,
-- which counts nothing wrong, only reads a little more. The end's index carries the start, so
-- the activities that end soon after the day are counted from the index alone.
--
-- The row is updated only by a statement whose activities last longer than it says, so
-- concurrent writers do not queue on it: an update whose condition fails takes no lock.
CREATE TABLE activity_longest (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    days INTEGER NOT NULL
);
INSERT INTO activity_longest (id, days)
SELECT 1, COALESCE(MAX(CAST(end_date AS DATE) - CAST(start_date AS DATE)), 0)
  FROM activities;

CREATE FUNCTION activity_longest_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE activity_longest l SET days = c.days
      FROM (SELECT MAX(CAST(end_date AS DATE) - CAST(start_date AS DATE)) AS days
              FROM changed_rows) c
     WHERE c.days > l.days;
    RETURN NULL;
END
$$;

CREATE TRIGGER activity_longest_insert AFTER INSERT ON activities
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION activity_longest_keep();
CREATE TRIGGER activity_longest_update AFTER UPDATE ON activities
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION activity_longest_keep();

DROP INDEX activities_end;
CREATE INDEX activities_end ON activities (end_date, start_date, id);
