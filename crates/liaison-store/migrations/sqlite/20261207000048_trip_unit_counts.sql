-- How many applications each unit has, kept by triggers in the transaction of each change, as
-- trip_state_counts keeps those of each state. Every trip page shows the account's inbox
-- counts, its unit's among them, and counting a unit's 8,400 applications at 100,000 took
-- 0.8 ms of each request; a unit's list shows the same total.
CREATE TABLE trip_unit_counts (
    unit_id INTEGER PRIMARY KEY,
    n       INTEGER NOT NULL
);
INSERT INTO trip_unit_counts (unit_id, n)
SELECT unit_id, COUNT(*) FROM trips WHERE unit_id IS NOT NULL GROUP BY unit_id;

CREATE TRIGGER trip_unit_counts_insert AFTER INSERT ON trips
WHEN NEW.unit_id IS NOT NULL
BEGIN
    INSERT INTO trip_unit_counts (unit_id, n) VALUES (NEW.unit_id, 1)
        ON CONFLICT (unit_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER trip_unit_counts_delete AFTER DELETE ON trips
WHEN OLD.unit_id IS NOT NULL
BEGIN
    UPDATE trip_unit_counts SET n = n - 1 WHERE unit_id = OLD.unit_id;
END;

CREATE TRIGGER trip_unit_counts_unit AFTER UPDATE OF unit_id ON trips
WHEN OLD.unit_id IS NOT NEW.unit_id
BEGIN
    UPDATE trip_unit_counts SET n = n - 1 WHERE unit_id = OLD.unit_id;
    INSERT INTO trip_unit_counts (unit_id, n) SELECT NEW.unit_id, 1 WHERE NEW.unit_id IS NOT NULL
        ON CONFLICT (unit_id) DO UPDATE SET n = n + 1;
END;
