-- The trip lists at 100,000 applications: each list walks an index in its page's order, and the
-- office's board reads its counts by state kept in advance.
--
-- Every trip list is shown newest first. With indexes on the filter alone, the board read every
-- application and sorted them all for a page of 50, and a unit's list sorted all of the unit's;
-- these end in (created_at, id), the page's order, so a page reads its 50 rows and stops. They
-- replace the indexes on the unit and the applicant alone, which they begin with.
CREATE INDEX trips_created ON trips (created_at, id);
CREATE INDEX trips_unit_created ON trips (unit_id, created_at, id);
CREATE INDEX trips_applicant_created ON trips (applicant_id, created_at, id);
CREATE INDEX trips_status_created ON trips (status, created_at, id);
DROP INDEX trips_unit;
DROP INDEX trips_applicant;

-- How many applications are in each state, kept by triggers in the transaction of each change,
-- as activity_counts keeps the activities' totals: every trip page shows the board's counts,
-- and counting them meant reading every application's state on every request.
CREATE TABLE trip_state_counts (
    status TEXT PRIMARY KEY,
    n      BIGINT NOT NULL
);
INSERT INTO trip_state_counts (status, n) SELECT status, COUNT(*) FROM trips GROUP BY status;

CREATE FUNCTION trip_state_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE trip_state_counts SET n = n - 1 WHERE status = OLD.status;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO trip_state_counts (status, n) VALUES (NEW.status, 1)
            ON CONFLICT (status) DO UPDATE SET n = trip_state_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER trip_state_counts_insert_delete AFTER INSERT OR DELETE ON trips
    FOR EACH ROW EXECUTE FUNCTION trip_state_counts_keep();
CREATE TRIGGER trip_state_counts_status AFTER UPDATE OF status ON trips
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION trip_state_counts_keep();
