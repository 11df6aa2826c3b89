-- Writers that do not queue behind each other on PostgreSQL; the same tables on SQLite.
--
-- Each audit entry names the transaction that wrote it, so that a change brings up to date what
-- it touched itself and not what other transactions committed meanwhile (READ COMMITTED shows
-- those to the statements that follow their commit).
ALTER TABLE audit_log ADD COLUMN tx BIGINT DEFAULT txid_current();

-- The totals of the activity list are kept in sixteen slots a kind, chosen by the activity's
-- number, and summed when read. With one row a kind, every transaction creating an activity of
-- that kind held the same row until it committed, so concurrent creations ran one at a time.
DROP TRIGGER activity_counts_insert_delete ON activities;
DROP TRIGGER activity_counts_kind ON activities;
DROP FUNCTION activity_counts_keep();
DROP TABLE activity_counts;
CREATE TABLE activity_counts (
    kind TEXT NOT NULL,
    slot BIGINT NOT NULL,
    n    BIGINT NOT NULL,
    PRIMARY KEY (kind, slot)
);
INSERT INTO activity_counts (kind, slot, n)
SELECT kind, id % 16, COUNT(*) FROM activities GROUP BY kind, id % 16;

-- A change of kind takes its two rows in order of kind, as every transaction does, so that two
-- changes in opposite directions never each hold the row the other waits for.
CREATE FUNCTION activity_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.kind < OLD.kind THEN
        INSERT INTO activity_counts (kind, slot, n) VALUES (NEW.kind, NEW.id % 16, 1)
            ON CONFLICT (kind, slot) DO UPDATE SET n = activity_counts.n + 1;
        UPDATE activity_counts SET n = n - 1 WHERE kind = OLD.kind AND slot = OLD.id % 16;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE activity_counts SET n = n - 1 WHERE kind = OLD.kind AND slot = OLD.id % 16;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO activity_counts (kind, slot, n) VALUES (NEW.kind, NEW.id % 16, 1)
            ON CONFLICT (kind, slot) DO UPDATE SET n = activity_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER activity_counts_insert_delete AFTER INSERT OR DELETE ON activities
    FOR EACH ROW EXECUTE FUNCTION activity_counts_keep();
CREATE TRIGGER activity_counts_kind AFTER UPDATE OF kind ON activities
    FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind) EXECUTE FUNCTION activity_counts_keep();
