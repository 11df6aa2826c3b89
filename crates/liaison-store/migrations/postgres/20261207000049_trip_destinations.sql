-- Each application's destinations, taken out of its form's `details` by triggers in the
-- transaction of each change. Every list of applications shows them on each row of its page;
-- taken out of `details` there, the database parsed the whole form (members, schedule and
-- budget, several times longer) for each of the page's rows.
CREATE TABLE trip_destinations (
    trip_id      BIGINT PRIMARY KEY REFERENCES trips (id) ON DELETE CASCADE,
    destinations TEXT NOT NULL
);
INSERT INTO trip_destinations (trip_id, destinations)
SELECT id, COALESCE(CAST(CAST(details AS json) -> 'destinations' AS text), '[]') FROM trips;

CREATE FUNCTION trip_destinations_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO trip_destinations (trip_id, destinations)
    VALUES (NEW.id, COALESCE(CAST(CAST(NEW.details AS json) -> 'destinations' AS text), '[]'))
        ON CONFLICT (trip_id) DO UPDATE SET destinations = EXCLUDED.destinations;
    RETURN NULL;
END
$$;

CREATE TRIGGER trip_destinations_insert AFTER INSERT ON trips
    FOR EACH ROW EXECUTE FUNCTION trip_destinations_keep();
CREATE TRIGGER trip_destinations_update AFTER UPDATE OF details ON trips
    FOR EACH ROW EXECUTE FUNCTION trip_destinations_keep();
