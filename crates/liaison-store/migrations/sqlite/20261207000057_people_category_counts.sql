-- The number of people of each category, kept as they are written.
--
-- A list of people by category alone counted its index's entries for the total on every page:
-- 25,000 for `external` among 50,000 people, more than the page itself cost. Triggers now keep
-- each category's count in the transaction of every change.
CREATE TABLE people_category_counts (
    category TEXT PRIMARY KEY,
    n        INTEGER NOT NULL
);

INSERT INTO people_category_counts (category, n)
SELECT category, COUNT(*) FROM people GROUP BY category;

CREATE TRIGGER people_category_counts_insert AFTER INSERT ON people
BEGIN
    INSERT INTO people_category_counts (category, n) VALUES (NEW.category, 1)
        ON CONFLICT (category) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER people_category_counts_delete AFTER DELETE ON people
BEGIN
    UPDATE people_category_counts SET n = n - 1 WHERE category = OLD.category;
END;

CREATE TRIGGER people_category_counts_update AFTER UPDATE OF category ON people
WHEN NEW.category <> OLD.category
BEGIN
    UPDATE people_category_counts SET n = n - 1 WHERE category = OLD.category;
    INSERT INTO people_category_counts (category, n) VALUES (NEW.category, 1)
        ON CONFLICT (category) DO UPDATE SET n = n + 1;
END;
