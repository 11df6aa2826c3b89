-- How many applications wait for both of two accounts, and, for an account with itself, how many
-- wait for it: kept by triggers as the waiting rows are added and removed, in the transaction of
-- each decision. "Waiting for me" counts an approver's own applications and, for a deputy, those
-- of whom they stand in for that are not their own too. Counted row by row, that read every
-- waiting row of the account stood in for (the office's six officers each wait for the same
-- 2,000 applications) on each of a deputy's trip pages; with these counts it is their own, plus
-- the other's, less those of both.
CREATE TABLE trip_waiting_shared (
    user_id  INTEGER NOT NULL,
    other_id INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (user_id, other_id)
);
INSERT INTO trip_waiting_shared (user_id, other_id, n)
SELECT a.user_id, b.user_id, COUNT(*)
FROM trip_waiting a JOIN trip_waiting b ON b.trip_id = a.trip_id
GROUP BY a.user_id, b.user_id;

-- SQLite runs a row's trigger as the row is written, so a statement writing several rows of
-- one application counts each pair of them once.
CREATE TRIGGER trip_waiting_shared_insert AFTER INSERT ON trip_waiting
BEGIN
    INSERT INTO trip_waiting_shared (user_id, other_id, n)
    SELECT NEW.user_id, o.user_id, 1 FROM trip_waiting o WHERE o.trip_id = NEW.trip_id
    UNION ALL
    SELECT o.user_id, NEW.user_id, 1 FROM trip_waiting o
    WHERE o.trip_id = NEW.trip_id AND o.user_id <> NEW.user_id
    ON CONFLICT (user_id, other_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER trip_waiting_shared_delete AFTER DELETE ON trip_waiting
BEGIN
    UPDATE trip_waiting_shared SET n = n - 1
    WHERE user_id = OLD.user_id
      AND (other_id = OLD.user_id
           OR other_id IN (SELECT o.user_id FROM trip_waiting o WHERE o.trip_id = OLD.trip_id));
    UPDATE trip_waiting_shared SET n = n - 1
    WHERE other_id = OLD.user_id
      AND user_id IN (SELECT o.user_id FROM trip_waiting o WHERE o.trip_id = OLD.trip_id);
END;
