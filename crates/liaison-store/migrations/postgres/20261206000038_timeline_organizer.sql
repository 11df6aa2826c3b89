-- The body that ran an activity (its organizer, such as the national federation running a course
-- the university only hosts) has the activity on its timeline, as its organizer, as the inviting
-- organization and the partners do; the organizations' timelines are derived and kept in the
-- transaction of each change (liaison-store's `timeline`), so only the rows already kept are
-- brought up to date here. Its people taking part add nothing more, as for the other two.
DELETE FROM organization_timeline
 WHERE kind = 'activity' AND involvement = 'participant'
   AND EXISTS (SELECT 1 FROM activities a
                WHERE a.id = organization_timeline.record_id
                  AND a.organizer_id = organization_timeline.organization_id);

INSERT INTO organization_timeline (organization_id, kind, record_id, involvement, day)
SELECT a.organizer_id, 'activity', a.id, 'organizer', a.start_date
  FROM activities a WHERE a.organizer_id IS NOT NULL;
