-- How many activities there are, of each kind, kept as the records change.
--
-- The activity list shows its total. Counting the table for every page costs time that grows
-- with it (6 ms a page at 1,000,000 activities, against a page of rows read in well under one),
-- so the totals of the unfiltered list and of each kind are kept here by triggers, in the
-- transaction of the change itself: they are never ahead of or behind the rows.
CREATE TABLE activity_counts (
    kind TEXT PRIMARY KEY,
    n    BIGINT NOT NULL
);
INSERT INTO activity_counts (kind, n) SELECT kind, COUNT(*) FROM activities GROUP BY kind;

CREATE FUNCTION activity_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE activity_counts SET n = n - 1 WHERE kind = OLD.kind;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO activity_counts (kind, n) VALUES (NEW.kind, 1)
            ON CONFLICT (kind) DO UPDATE SET n = activity_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER activity_counts_insert_delete AFTER INSERT OR DELETE ON activities
    FOR EACH ROW EXECUTE FUNCTION activity_counts_keep();
CREATE TRIGGER activity_counts_kind AFTER UPDATE OF kind ON activities
    FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind) EXECUTE FUNCTION activity_counts_keep();
