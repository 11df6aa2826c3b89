-- The annual review counts the activities of two years by kind, length, host unit and inviting
-- organization. With these columns in one index, read in start-date order, it never visits the
-- activity rows themselves (wide with titles and summaries): at 100,000 activities that took the
-- counts of kinds and lengths from 24 to 7 ms.
CREATE INDEX activities_review ON activities (start_date, kind, end_date, host_unit_id, inviting_organization_id);

-- Most activities record no outcomes ('[]'); the review reads only the rows of those that do.
CREATE INDEX activities_with_outcomes ON activities (start_date) WHERE outcomes <> '[]';
