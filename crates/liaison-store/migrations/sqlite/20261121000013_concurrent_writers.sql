-- Writers that do not queue behind each other on PostgreSQL; the same tables on SQLite.
--
-- Each audit entry names the transaction that wrote it, so that a change brings up to date what
-- it touched itself and not what other transactions committed meanwhile. PostgreSQL fills it in
-- (txid_current()); SQLite has one writer at a time, so the entries after a transaction's first
-- are all its own, and the column stays empty.
ALTER TABLE audit_log ADD COLUMN tx INTEGER;

-- The totals of the activity list are kept in sixteen slots a kind, chosen by the activity's
-- number, and summed when read. With one row a kind, every transaction creating an activity of
-- that kind held the same row until it committed, so concurrent creations ran one at a time.
DROP TRIGGER activity_counts_insert;
DROP TRIGGER activity_counts_delete;
DROP TRIGGER activity_counts_kind;
DROP TABLE activity_counts;
CREATE TABLE activity_counts (
    kind TEXT NOT NULL,
    slot INTEGER NOT NULL,
    n    INTEGER NOT NULL,
    PRIMARY KEY (kind, slot)
);
INSERT INTO activity_counts (kind, slot, n)
SELECT kind, id % 16, COUNT(*) FROM activities GROUP BY kind, id % 16;

CREATE TRIGGER activity_counts_insert AFTER INSERT ON activities
BEGIN
    INSERT INTO activity_counts (kind, slot, n) VALUES (NEW.kind, NEW.id % 16, 1)
        ON CONFLICT (kind, slot) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER activity_counts_delete AFTER DELETE ON activities
BEGIN
    UPDATE activity_counts SET n = n - 1 WHERE kind = OLD.kind AND slot = OLD.id % 16;
END;

CREATE TRIGGER activity_counts_kind AFTER UPDATE OF kind ON activities
WHEN OLD.kind <> NEW.kind
BEGIN
    UPDATE activity_counts SET n = n - 1 WHERE kind = OLD.kind AND slot = OLD.id % 16;
    INSERT INTO activity_counts (kind, slot, n) VALUES (NEW.kind, NEW.id % 16, 1)
        ON CONFLICT (kind, slot) DO UPDATE SET n = n + 1;
END;
