-- A transaction's changes to the list filters' bits and counts, and to the activities' counts by
-- kind, are written once, at its commit.
--
-- On PostgreSQL this migration notes each statement's filter rows and applies them all at the
-- commit, each count and row of bits once, so that an import neither updates the same rows
-- thousands of times nor holds the counts' slots for its whole save. SQLite has one writer at a
-- time and writes them as each row is written, so nothing changes here.
SELECT 1;
