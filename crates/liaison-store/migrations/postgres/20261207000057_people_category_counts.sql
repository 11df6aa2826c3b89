-- The number of people of each category, kept as they are written.
--
-- A list of people by category alone counted its index's entries for the total on every page:
-- 25,000 for `external` among 50,000 people, more than the page itself cost. Each category's
-- count is now kept, and on PostgreSQL written at the commit of each transaction that changes
-- it, on the same mark as the list filters' counts (20261207000053) and after them: a count row
-- taken by a statement would be held to the commit, so every transaction adding people (an
-- import, an activity bringing new participants) would wait for every other; and with a mark
-- of its own, two transactions that wrote people and activities in opposite orders would take
-- the two kinds of counts in opposite orders at their commits. Each statement
-- on `people` notes its changes by category in `people_category_changes` and marks its
-- transaction in `activity_filter_pending`, whose triggers write the people's counts after the
-- activities' (see `locks.rs`).
CREATE TABLE people_category_counts (
    category TEXT PRIMARY KEY,
    n        BIGINT NOT NULL
);

INSERT INTO people_category_counts (category, n)
SELECT category, COUNT(*) FROM people GROUP BY category;

CREATE TABLE people_category_changes (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tx       BIGINT NOT NULL,
    category TEXT NOT NULL,
    delta    BIGINT NOT NULL
);
CREATE INDEX people_category_changes_tx ON people_category_changes (tx);

-- Notes how many people of each category a statement added, removed or moved, and marks the
-- transaction once; a statement that moves no one (most changes of people) notes nothing.
CREATE FUNCTION people_category_changes_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO people_category_changes (tx, category, delta)
        SELECT txid_current(), category, COUNT(*) FROM added_rows GROUP BY category;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO people_category_changes (tx, category, delta)
        SELECT txid_current(), category, -COUNT(*) FROM removed_rows GROUP BY category;
    ELSE
        INSERT INTO people_category_changes (tx, category, delta)
        SELECT txid_current(), c.category, SUM(c.delta)
          FROM (SELECT category, 1 AS delta FROM added_rows
                UNION ALL SELECT category, -1 FROM removed_rows) AS c
         GROUP BY c.category HAVING SUM(c.delta) <> 0;
    END IF;
    IF FOUND THEN
        INSERT INTO activity_filter_pending (tx) VALUES (txid_current()) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER people_category_changes_added AFTER INSERT ON people
    REFERENCING NEW TABLE AS added_rows
    FOR EACH STATEMENT EXECUTE FUNCTION people_category_changes_note();
CREATE TRIGGER people_category_changes_removed AFTER DELETE ON people
    REFERENCING OLD TABLE AS removed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION people_category_changes_note();
CREATE TRIGGER people_category_changes_moved AFTER UPDATE ON people
    REFERENCING OLD TABLE AS removed_rows NEW TABLE AS added_rows
    FOR EACH STATEMENT EXECUTE FUNCTION people_category_changes_note();

-- Writes the counts of people by category that the transaction `NEW.tx` changed, in order of
-- category. Its trigger fires on the same mark as `activity_filter_changes_apply`, after it:
-- PostgreSQL fires the triggers of one event in the order of their names, so every transaction
-- takes the activities' counts first and the people's second.
CREATE FUNCTION people_category_changes_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO people_category_counts (category, n)
    SELECT c.category, SUM(c.delta) FROM people_category_changes c WHERE c.tx = NEW.tx
     GROUP BY c.category HAVING SUM(c.delta) <> 0
     ORDER BY c.category
        ON CONFLICT (category) DO UPDATE SET n = people_category_counts.n + excluded.n;
    DELETE FROM people_category_changes WHERE tx = NEW.tx;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER activity_filter_changes_apply_people AFTER INSERT ON activity_filter_pending
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION people_category_changes_apply();
