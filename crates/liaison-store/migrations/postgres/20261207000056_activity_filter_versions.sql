-- Each list filter's bits numbered as they change, so a reader may keep them.
--
-- A page with two kept filters (or words and a filter) reads every word of their bits, 1,563
-- words each at 100,000 activities, and spent a sixth of its time turning them into text and
-- back. Every change of a filter's bits now moves its `version` on, in the same statement as its
-- count, at the commit that applies them (20261207000053); a reader keeps the bits it read with
-- their version and reads them again only once the version has moved. A count row is never
-- deleted, so a filter's version only grows.
ALTER TABLE activity_filter_counts ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

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
    DELETE FROM activity_filter_changes WHERE tx = NEW.tx;
    DELETE FROM activity_filter_pending WHERE tx = NEW.tx;
    RETURN NULL;
END
$$;
