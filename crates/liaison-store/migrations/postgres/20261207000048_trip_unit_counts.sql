-- How many applications each unit has, kept by triggers in the transaction of each change, as
-- trip_state_counts keeps those of each state. Every trip page shows the account's inbox
-- counts, its unit's among them, and counting a unit's 8,400 applications at 100,000 took
-- 0.8 ms of each request on SQLite; a unit's list shows the same total.
CREATE TABLE trip_unit_counts (
    unit_id BIGINT PRIMARY KEY,
    n       BIGINT NOT NULL
);
INSERT INTO trip_unit_counts (unit_id, n)
SELECT unit_id, COUNT(*) FROM trips WHERE unit_id IS NOT NULL GROUP BY unit_id;

CREATE FUNCTION trip_unit_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.unit_id IS NOT NULL THEN
        UPDATE trip_unit_counts SET n = n - 1 WHERE unit_id = OLD.unit_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.unit_id IS NOT NULL THEN
        INSERT INTO trip_unit_counts (unit_id, n) VALUES (NEW.unit_id, 1)
            ON CONFLICT (unit_id) DO UPDATE SET n = trip_unit_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER trip_unit_counts_insert_delete AFTER INSERT OR DELETE ON trips
    FOR EACH ROW EXECUTE FUNCTION trip_unit_counts_keep();
CREATE TRIGGER trip_unit_counts_unit AFTER UPDATE OF unit_id ON trips
    FOR EACH ROW WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id)
    EXECUTE FUNCTION trip_unit_counts_keep();
