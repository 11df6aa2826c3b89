-- The applications an inbox holds are picked by number (the approver's waiting rows), then
-- counted and sorted for their page. Read from the table, each lookup lands on an application's
-- row, a few kilobytes with its form, plan and approved form: an officer's 2,000 took 65 ms to
-- count on SQLite. This narrow index holds each application's number with every key its lists
-- sort by, so the count and the page's numbers come from it, and only the page's rows are read.
CREATE INDEX trips_sort_keys ON trips (id, created_at, updated_at, departure, step_due);
