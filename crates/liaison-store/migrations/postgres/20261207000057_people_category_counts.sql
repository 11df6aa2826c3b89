-- The number of people of each category, kept as they are written.
--
-- A list of people by category alone counted its index's entries for the total on every page:
-- 25,000 for `external` among 50,000 people, more than the page itself cost. Each category's
-- count is now kept, and on PostgreSQL written at the commit of each transaction that changes
-- it, by the same deferred trigger as the list filters' counts (20261207000053): a count row
-- taken by a statement would be held to the commit, so every transaction adding people (an
-- import, an activity bringing new participants) would wait for every other; and with a
-- deferred trigger of its own, two transactions that wrote people and activities in opposite
-- orders would take the two kinds of counts in opposite orders at their commits. Each statement
-- on `people` notes its changes by category in `people_category_changes` and marks its
-- transaction in `activity_filter_pending`, whose trigger writes the people's counts after the
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

-- Applies the changes of the transaction `NEW.tx`: the activities' counts by kind and slot, the
-- filters' counts and versions, each word's row of bits in order of (filter, word), and then
-- the counts of people by category.
CREATE OR REPLACE FUNCTION activity_filter_changes_apply() RETURNS trigger LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    -- An activity has one row of `kind:…`; its slot is its number's remainder by 16.
    INSERT INTO activity_counts (kind, slot, n)
    SELECT substr(c.filter, 6), c.activity_id % 16, SUM(CASE WHEN c.added THEN 1 ELSE -1 END)
      FROM activity_filter_changes c WHERE c.tx = NEW.tx AND c.filter LIKE 'kind:%'
     GROUP BY substr(c.filter, 6), c.activity_id % 16
    HAVING SUM(CASE WHEN c.added THEN 1 ELSE -1 END) <> 0
     ORDER BY 1, 2
        ON CONFLICT (kind, slot) DO UPDATE SET n = activity_counts.n + excluded.n;
    -- Every filter the transaction touched moves its version on, its count moved or not (a
    -- row removed and another added change the bits and leave the count).
    INSERT INTO activity_filter_counts (filter, n)
    SELECT c.filter, SUM(CASE WHEN c.added THEN 1 ELSE -1 END)
      FROM activity_filter_changes c WHERE c.tx = NEW.tx
     GROUP BY c.filter
     ORDER BY c.filter
        ON CONFLICT (filter) DO UPDATE
       SET n = activity_filter_counts.n + excluded.n, version = activity_filter_counts.version + 1;
    -- Takes every word's row in order, adding those missing, and sets the bits added.
    INSERT INTO activity_filter_bits (filter, word, bits)
    SELECT w.filter, w.word, w.set_bits FROM activity_filter_words(NEW.tx) w
     ORDER BY w.filter, w.word
        ON CONFLICT (filter, word) DO UPDATE SET bits = activity_filter_bits.bits | excluded.bits;
    -- A transaction that only adds (a new activity, an import) clears nothing.
    IF EXISTS (SELECT 1 FROM activity_filter_changes WHERE tx = NEW.tx AND NOT added) THEN
        UPDATE activity_filter_bits b SET bits = b.bits & ~w.cleared_bits
          FROM activity_filter_words(NEW.tx) w
         WHERE w.cleared_bits <> 0 AND b.filter = w.filter AND b.word = w.word;
        DELETE FROM activity_filter_bits b USING activity_filter_words(NEW.tx) w
         WHERE b.filter = w.filter AND b.word = w.word AND b.bits = 0;
    END IF;
    -- Then the counts of people by category, in order of category.
    INSERT INTO people_category_counts (category, n)
    SELECT c.category, SUM(c.delta) FROM people_category_changes c WHERE c.tx = NEW.tx
     GROUP BY c.category HAVING SUM(c.delta) <> 0
     ORDER BY c.category
        ON CONFLICT (category) DO UPDATE SET n = people_category_counts.n + excluded.n;
    DELETE FROM people_category_changes WHERE tx = NEW.tx;
    DELETE FROM activity_filter_changes WHERE tx = NEW.tx;
    DELETE FROM activity_filter_pending WHERE tx = NEW.tx;
    RETURN NULL;
END
$$;
