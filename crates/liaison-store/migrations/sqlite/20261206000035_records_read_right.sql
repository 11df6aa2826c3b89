-- What a release, a briefing book and the review need to state each record right.
--
-- The body that ran an activity when it was not the university (the national federation running
-- a course of which the university hosts a part), and the university's part in it. Texts kept
-- in both languages where the office writes them in both (the attending groups, the byline, a
-- participant's position, the points of an agenda item), so that each draft uses its own
-- language. And the activity an agreement was signed at, so that both records show the link.
ALTER TABLE activities ADD COLUMN organizer_id INTEGER REFERENCES organizations (id);
ALTER TABLE activities ADD COLUMN university_role TEXT NOT NULL DEFAULT 'organizer';
ALTER TABLE activities ADD COLUMN attending_groups_en TEXT NOT NULL DEFAULT '[]';
ALTER TABLE activities ADD COLUMN signed_by_en TEXT;
CREATE INDEX activities_organizer ON activities (organizer_id);

ALTER TABLE participations ADD COLUMN role_position_en TEXT;
ALTER TABLE agenda_items ADD COLUMN points_en TEXT NOT NULL DEFAULT '[]';

ALTER TABLE agreements ADD COLUMN activity_id INTEGER REFERENCES activities (id);
CREATE INDEX agreements_activity ON agreements (activity_id);
