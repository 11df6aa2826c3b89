-- A partner added to an activity adds the filters of that partner alone.
--
-- On SQLite this migration narrows the trigger of a new partner, which worked out every filter
-- of the activity again. PostgreSQL's triggers work out the filters of a statement's activities
-- once, over its transition table (migration activity_filters_by_statement), so nothing changes
-- here.
SELECT 1;
