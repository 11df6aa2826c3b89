-- The activity form picks people and organizations by typing a part of a name, in Chinese,
-- English or the original script, with or without accents. Each keeps its names folded (lower
-- case, the accents people leave out left out, every name one after the other, written by the
-- store with the record), so one LIKE finds a part of any name on both databases. Rows written
-- before are folded when Liaison starts.
ALTER TABLE people ADD COLUMN names_folded TEXT;
ALTER TABLE organizations ADD COLUMN names_folded TEXT;

-- An agenda item of a course runs over a half day (morning, afternoon, evening) or a whole day,
-- in a room of its own, and may last several days (from on_date to ends_on). Lectures are often
-- given by a group of teachers the release does not name ("nine teachers"): their number and
-- the words that describe them, in Chinese and in English.
ALTER TABLE agenda_items ADD COLUMN part TEXT;
ALTER TABLE agenda_items ADD COLUMN ends_on TEXT;
ALTER TABLE agenda_items ADD COLUMN venue TEXT;
ALTER TABLE agenda_items ADD COLUMN lecturer_count INTEGER;
ALTER TABLE agenda_items ADD COLUMN lecturers_zh TEXT;
ALTER TABLE agenda_items ADD COLUMN lecturers_en TEXT;
