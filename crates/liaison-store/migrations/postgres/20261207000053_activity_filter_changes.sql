-- A transaction's changes to the list filters' bits and counts are written once, at its commit,
-- for all its filter rows together.
--
-- Since 20261206000044 a deferred trigger wrote them at the commit, but once for each filter row
-- added or removed: a transaction that added thousands of activities (an import, `liaison
-- bench-data`) updated the same rows of `activity_filter_counts` (a year's, a common tag's) and
-- of `activity_filter_bits` thousands of times. Each update of a row leaves a version the next
-- one steps over, so the commit took time in the square of the rows: loading 100,000 activities
-- spent more than seven minutes in its COMMIT, 43 % of it in `heap_hot_search_buffer`. Now each
-- statement on `activity_filters` notes its rows in `activity_filter_changes`, and its first
-- marks the transaction in `activity_filter_pending`; the one deferred trigger of that mark
-- applies every change of the transaction at the commit, each row of bits and each count once,
-- in order of filter (and word), the one order in which concurrent commits take these rows.

-- The activities' counts by kind (`activity_counts`) move at the commit too, from the `kind:…`
-- rows the transaction added and removed (each activity has exactly one). Kept by row triggers
-- on `activities`, a new activity added one to its kind's slot at once and held the slot until
-- the commit: an import held every slot of every kind it brought for its whole save, and every
-- other new activity waited for it (beside a 20,000-row import one create waited 10 s, then was
-- refused as busy).

DROP TRIGGER activity_counts_insert_delete ON activities;
DROP TRIGGER activity_counts_kind ON activities;
DROP FUNCTION activity_counts_keep();
DROP TRIGGER activity_filter_bits_keep ON activity_filters;
DROP FUNCTION activity_filter_bits_keep();

-- The filter rows a transaction added or removed, in order, until its commit applies them.
CREATE TABLE activity_filter_changes (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tx          BIGINT NOT NULL,
    filter      TEXT NOT NULL,
    activity_id BIGINT NOT NULL,
    added       BOOLEAN NOT NULL
);
CREATE INDEX activity_filter_changes_tx ON activity_filter_changes (tx);

-- One row for each transaction with changes not applied yet; its insert is the commit's signal.
CREATE TABLE activity_filter_pending (
    tx BIGINT PRIMARY KEY
);

-- Notes the rows a statement added to or removed from `activity_filters`, and marks the
-- transaction once.
CREATE FUNCTION activity_filter_changes_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO activity_filter_changes (tx, filter, activity_id, added)
        SELECT txid_current(), filter, activity_id, TRUE FROM added_rows;
    ELSE
        INSERT INTO activity_filter_changes (tx, filter, activity_id, added)
        SELECT txid_current(), filter, activity_id, FALSE FROM removed_rows;
    END IF;
    INSERT INTO activity_filter_pending (tx) VALUES (txid_current()) ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER activity_filter_changes_added AFTER INSERT ON activity_filters
    REFERENCING NEW TABLE AS added_rows
    FOR EACH STATEMENT EXECUTE FUNCTION activity_filter_changes_note();
CREATE TRIGGER activity_filter_changes_removed AFTER DELETE ON activity_filters
    REFERENCING OLD TABLE AS removed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION activity_filter_changes_note();

-- The words of `activity_filter_bits` the changes of transaction `of_tx` touch: for each activity
-- and filter the last change counts (a row removed and one added for the same bit leave it set).
CREATE FUNCTION activity_filter_words(of_tx BIGINT)
RETURNS TABLE (filter TEXT, word BIGINT, set_bits BIGINT, cleared_bits BIGINT)
LANGUAGE sql STABLE AS $$
    SELECT last.filter, last.activity_id >> 6,
           bit_or(CASE WHEN last.added
                       THEN CAST(1 AS BIGINT) << CAST(last.activity_id & 63 AS INTEGER)
                       ELSE 0 END),
           bit_or(CASE WHEN last.added THEN 0
                       ELSE CAST(1 AS BIGINT) << CAST(last.activity_id & 63 AS INTEGER) END)
      FROM (SELECT DISTINCT ON (c.filter, c.activity_id) c.filter, c.activity_id, c.added
              FROM activity_filter_changes c WHERE c.tx = of_tx
             ORDER BY c.filter, c.activity_id, c.id DESC) AS last
     GROUP BY last.filter, last.activity_id >> 6
$$;

-- Applies the changes of the transaction `NEW.tx`: the activities' counts by kind and slot, then
-- the filters' counts, each moved by the rows added less those removed; then each word's row of
-- bits, taken in order of (filter, word), its bits set and cleared.
CREATE FUNCTION activity_filter_changes_apply() RETURNS trigger LANGUAGE plpgsql
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
    INSERT INTO activity_filter_counts (filter, n)
    SELECT c.filter, SUM(CASE WHEN c.added THEN 1 ELSE -1 END)
      FROM activity_filter_changes c WHERE c.tx = NEW.tx
     GROUP BY c.filter HAVING SUM(CASE WHEN c.added THEN 1 ELSE -1 END) <> 0
     ORDER BY c.filter
        ON CONFLICT (filter) DO UPDATE SET n = activity_filter_counts.n + excluded.n;
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
    DELETE FROM activity_filter_changes WHERE tx = NEW.tx;
    DELETE FROM activity_filter_pending WHERE tx = NEW.tx;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER activity_filter_changes_apply AFTER INSERT ON activity_filter_pending
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION activity_filter_changes_apply();
