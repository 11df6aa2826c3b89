-- The overdue applications are those in approval whose step was due before today.
--
-- On PostgreSQL this migration counts the most common pairs of state and due day together, so
-- that the planner estimates how many applications are overdue and walks the index of state and
-- creation for a page of them. SQLite's planner reads no such statistics and already walks that
-- index, so nothing changes here.
SELECT 1;
