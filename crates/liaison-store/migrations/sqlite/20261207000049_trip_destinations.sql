-- Each application's destinations, taken out of its form's `details` by triggers in the
-- transaction of each change. Every list of applications shows them on each row of its page;
-- taken out of `details` there, SQLite parsed the whole form (members, schedule and budget,
-- several times longer) for each of the page's rows, a tenth of the work of the board.
CREATE TABLE trip_destinations (
    trip_id      INTEGER PRIMARY KEY REFERENCES trips (id) ON DELETE CASCADE,
    destinations TEXT NOT NULL
);
INSERT INTO trip_destinations (trip_id, destinations)
SELECT id, COALESCE(json_extract(details, '$.destinations'), '[]') FROM trips;

CREATE TRIGGER trip_destinations_insert AFTER INSERT ON trips
BEGIN
    INSERT INTO trip_destinations (trip_id, destinations)
    VALUES (NEW.id, COALESCE(json_extract(NEW.details, '$.destinations'), '[]'));
END;

CREATE TRIGGER trip_destinations_update AFTER UPDATE OF details ON trips
BEGIN
    UPDATE trip_destinations
    SET destinations = COALESCE(json_extract(NEW.details, '$.destinations'), '[]')
    WHERE trip_id = NEW.id;
END;
