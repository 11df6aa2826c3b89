-- A person's activities read from the index alone: an organization's timeline finds the
-- activities its people took part in without reading each participation row.
DROP INDEX participations_person;
CREATE INDEX participations_person ON participations (person_id, activity_id);
