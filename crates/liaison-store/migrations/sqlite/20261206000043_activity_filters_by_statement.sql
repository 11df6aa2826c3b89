-- The filters of the activities a statement touches are refreshed once for the statement.
--
-- On PostgreSQL this migration makes the triggers of tags, partners and new activities refresh
-- their activities once for each statement, with plans kept. SQLite's triggers add and remove
-- the filter rows of the one activity a row names, and cost no planning, so nothing changes here.
SELECT 1;
