-- How many applications in approval are due on each day, kept by triggers in the transaction of
-- each change, as trip_state_counts keeps those of each state. Every trip page shows how many
-- are overdue, the board beside them: counting them in the index of state and due day read
-- each one (2,271 at 100,000 applications); the days they are due on are few. A day none is due
-- on any more is removed.
CREATE TABLE trip_due_counts (
    step_due TEXT PRIMARY KEY,
    n        BIGINT NOT NULL
);
INSERT INTO trip_due_counts (step_due, n)
SELECT step_due, COUNT(*) FROM trips
WHERE status = 'in_approval' AND step_due IS NOT NULL
GROUP BY step_due;

CREATE FUNCTION trip_due_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.status = 'in_approval'
       AND OLD.step_due IS NOT NULL THEN
        UPDATE trip_due_counts SET n = n - 1 WHERE step_due = OLD.step_due;
        DELETE FROM trip_due_counts WHERE step_due = OLD.step_due AND n = 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'in_approval'
       AND NEW.step_due IS NOT NULL THEN
        INSERT INTO trip_due_counts (step_due, n) VALUES (NEW.step_due, 1)
            ON CONFLICT (step_due) DO UPDATE SET n = trip_due_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER trip_due_counts_insert_delete AFTER INSERT OR DELETE ON trips
    FOR EACH ROW EXECUTE FUNCTION trip_due_counts_keep();
CREATE TRIGGER trip_due_counts_change AFTER UPDATE OF status, step_due ON trips
    FOR EACH ROW
    WHEN ((OLD.status, OLD.step_due) IS DISTINCT FROM (NEW.status, NEW.step_due))
    EXECUTE FUNCTION trip_due_counts_keep();
