-- The filters of the activities a change touches are worked out for those activities alone.
--
-- On PostgreSQL this migration replaces the function the triggers of `list_filters` call, which
-- read the whole view `activity_filters_due` for each row a trigger fired on. SQLite's triggers
-- read the view for one activity (`WHERE activity_id = NEW.id`), and SQLite pushes that into each
-- of the view's branches, so nothing changes here.
SELECT 1;
