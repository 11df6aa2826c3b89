-- The list filters' bits and counts are written when the transaction commits, not when its
-- activity's filter rows are.
--
-- Every activity of a kind and year shares that kind's and year's row of
-- `activity_filter_counts`, and activities numbered close together share a row of
-- `activity_filter_bits`. Written by a trigger of the activity's first statement, those rows
-- stayed locked for the rest of its transaction (the partners, participants, tags, audit entry,
-- search document and timeline), so creates on PostgreSQL waited for each other from their
-- first statement: 86 % of the busy sessions sampled with eight clients waited on
-- `INSERT INTO activities`. A deferred trigger writes them at the commit, in the order the filter
-- rows were deleted and added, so a row deleted and one added for the same bit still leave it
-- set. Nothing reads the bits or the counts in the transaction that writes them. Sampled again,
-- the creates now wait for the search index's locks on common words, which are taken at the end.
DROP TRIGGER activity_filter_bits_keep ON activity_filters;
CREATE CONSTRAINT TRIGGER activity_filter_bits_keep AFTER INSERT OR DELETE ON activity_filters
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION activity_filter_bits_keep();
