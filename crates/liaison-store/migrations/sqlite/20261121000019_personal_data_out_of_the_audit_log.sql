-- A person's phone, e-mail and notes are personal data: the audit log records that they changed,
-- never their values. Entries written before carried the values, before and after; this is the
-- one change ever made to the append-only log, so its trigger is lifted for this statement alone
-- and put back as it was. The field list is that of liaison-core's personal.rs.
DROP TRIGGER audit_log_no_update;

UPDATE audit_log SET changes = json_set(changes, '$.phone', json('{"changed":true}'))
WHERE entity = 'person' AND json_valid(changes) AND json_type(changes, '$.phone') IS NOT NULL;
UPDATE audit_log SET changes = json_set(changes, '$.email', json('{"changed":true}'))
WHERE entity = 'person' AND json_valid(changes) AND json_type(changes, '$.email') IS NOT NULL;
UPDATE audit_log SET changes = json_set(changes, '$.notes', json('{"changed":true}'))
WHERE entity = 'person' AND json_valid(changes) AND json_type(changes, '$.notes') IS NOT NULL;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log cannot be changed');
END;

