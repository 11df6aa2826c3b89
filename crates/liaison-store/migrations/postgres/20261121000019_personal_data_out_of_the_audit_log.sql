-- A person's phone, e-mail and notes are personal data: the audit log records that they changed,
-- never their values. Entries written before carried the values, before and after; this is the
-- one change ever made to the append-only log, so its trigger is lifted for this statement alone
-- and put back as it was. The field list is that of liaison-core's personal.rs.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change;

UPDATE audit_log
SET changes = (
    SELECT jsonb_object_agg(
        field,
        CASE WHEN field IN ('phone', 'email', 'notes') THEN '{"changed":true}'::jsonb ELSE value END
    )::text
    FROM jsonb_each(changes::jsonb) AS c(field, value)
)
WHERE entity = 'person' AND changes::jsonb ?| ARRAY['phone', 'email', 'notes'];

ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change;
