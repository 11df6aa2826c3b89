-- The list filters' bits and counts are written when the transaction commits.
--
-- On PostgreSQL this migration defers the trigger that writes them, so that concurrent creates
-- do not wait for each other from their first statement. SQLite has one writer at a time and no
-- deferred triggers, so nothing changes here.
SELECT 1;
