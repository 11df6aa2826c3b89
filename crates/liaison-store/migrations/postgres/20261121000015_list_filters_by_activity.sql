-- The filters of the activities a change touches are worked out for those activities alone.
--
-- `activity_filters_refresh` compared the kept rows with the view `activity_filters_due`; inside
-- the function PostgreSQL planned the view once for any array of activities and read all of it,
-- every activity of every branch, for each row a trigger fired on (18 s for a statement adding
-- 50 partners at 100,000 activities). Each branch now names its activity, so it is read through
-- the activities' own indexes. SQLite pushes the activity into the view's branches itself.
CREATE FUNCTION activity_filters_of(activity BIGINT)
RETURNS TABLE (filter TEXT, start_date TEXT, end_date TEXT, activity_id BIGINT)
LANGUAGE sql STABLE AS $$
SELECT 'kind:' || a.kind, a.start_date, a.end_date, a.id FROM activities a WHERE a.id = activity
UNION ALL
SELECT 'year:' || substr(a.start_date, 1, 4), a.start_date, a.end_date, a.id
  FROM activities a WHERE a.id = activity
UNION ALL
SELECT 'unit:' || a.host_unit_id, a.start_date, a.end_date, a.id
  FROM activities a WHERE a.id = activity AND a.host_unit_id IS NOT NULL
UNION ALL
SELECT 'tag:' || t.tag, a.start_date, a.end_date, a.id
  FROM activity_tags t JOIN activities a ON a.id = t.activity_id WHERE t.activity_id = activity
UNION ALL
SELECT 'organization:' || o.id, a.start_date, a.end_date, a.id
  FROM activities a JOIN organizations o ON o.id = a.inviting_organization_id
 WHERE a.id = activity
UNION ALL
SELECT 'country:' || o.country, a.start_date, a.end_date, a.id
  FROM activities a JOIN organizations o ON o.id = a.inviting_organization_id
 WHERE a.id = activity
UNION ALL
SELECT 'region:' || o.region, a.start_date, a.end_date, a.id
  FROM activities a JOIN organizations o ON o.id = a.inviting_organization_id
 WHERE a.id = activity
UNION ALL
SELECT 'organization:' || ap.organization_id, a.start_date, a.end_date, a.id
  FROM activity_partners ap JOIN activities a ON a.id = ap.activity_id
 WHERE ap.activity_id = activity
UNION ALL
SELECT 'country:' || o.country, a.start_date, a.end_date, a.id
  FROM activity_partners ap JOIN activities a ON a.id = ap.activity_id
  JOIN organizations o ON o.id = ap.organization_id
 WHERE ap.activity_id = activity
UNION ALL
SELECT 'region:' || o.region, a.start_date, a.end_date, a.id
  FROM activity_partners ap JOIN activities a ON a.id = ap.activity_id
  JOIN organizations o ON o.id = ap.organization_id
 WHERE ap.activity_id = activity
$$;

CREATE OR REPLACE FUNCTION activity_filters_refresh(activities BIGINT[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM activity_filters f
     WHERE f.activity_id = ANY (activities)
       AND NOT EXISTS (SELECT 1 FROM activity_filters_of(f.activity_id) d
                        WHERE d.filter = f.filter
                          AND d.start_date = f.start_date AND d.end_date = f.end_date);
    INSERT INTO activity_filters (filter, start_date, end_date, activity_id)
    SELECT DISTINCT d.filter, d.start_date, d.end_date, d.activity_id
      FROM unnest(activities) AS changed (id), LATERAL activity_filters_of(changed.id) d
        ON CONFLICT DO NOTHING;
END
$$;
