-- The history of records' states, and the agreement's lifecycle.
--
-- A record's state changes only by a named transition of its kind's lifecycle. Each change, and
-- the state a record was first recorded in, is one row here, written in the transaction of the
-- change with its audit entry. Rows are only ever added: the triggers below refuse any change
-- or deletion, whoever asks, as for the audit log. A deleted record's history stays, like its
-- audit entries.
CREATE TABLE record_events (
    id         INTEGER PRIMARY KEY,
    entity     TEXT NOT NULL,
    record_id  INTEGER NOT NULL,
    at         TEXT NOT NULL,
    user_id    INTEGER,
    username   TEXT NOT NULL,
    transition TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    note       TEXT
);
CREATE INDEX record_events_record ON record_events (entity, record_id, id);

CREATE TRIGGER record_events_no_update BEFORE UPDATE ON record_events
BEGIN
    SELECT RAISE(ABORT, 'the history of records cannot be changed');
END;

CREATE TRIGGER record_events_no_delete BEFORE DELETE ON record_events
BEGIN
    SELECT RAISE(ABORT, 'the history of records cannot be changed');
END;

-- `expiring` was never a state: whether an agreement is about to expire is read from its
-- validity. A `renewed` agreement was replaced by a new one, which the old data does not name;
-- it runs until its validity ends. Both are in force until then, and expired after.
UPDATE agreements
   SET status = CASE WHEN valid_to IS NOT NULL AND valid_to < date('now')
                     THEN 'expired' ELSE 'in_force' END
 WHERE status IN ('expiring', 'renewed');

-- A renewal is a new agreement that names the one it renews.
ALTER TABLE agreements ADD COLUMN renews_id INTEGER REFERENCES agreements (id);
CREATE INDEX agreements_renews ON agreements (renews_id);

-- Each agreement recorded before its history was kept starts it with the state it is in.
INSERT INTO record_events (entity, record_id, at, user_id, username, transition, from_state,
                           to_state, note)
SELECT 'agreement', id, created_at, NULL, '(upgrade)', 'created', NULL, status, NULL
  FROM agreements ORDER BY id;
