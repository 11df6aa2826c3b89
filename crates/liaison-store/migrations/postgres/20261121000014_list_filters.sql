-- The filters of the lists kept fast: those of the activity list kept as the records change,
-- and the people and organizations indexed in the order their pages show them (at the end).
--
-- Counting the activities of a country, a region class, an organization or a tag went through
-- each activity's partners and their organizations: 57 ms for `country=LA` at 100,000
-- activities, for the total alone. Each filter an activity answers ('kind:lecture',
-- 'year:2015', 'unit:3', 'organization:12', 'country:LA', 'region:foreign', 'tag:key project')
-- is a row of `activity_filters`, in start-date order within the filter, so a filtered page is a
-- walk of one index; and a bit of `activity_filter_bits`, 64 activities to a row (activity
-- `id` is bit `id & 63` of word `id >> 6`), so a total, of one filter or several together, is
-- the number of bits set in the words they share, whatever the number of activities. The
-- number of activities of each filter is kept in `activity_filter_counts`.
--
-- Triggers keep all three in the transaction of each change, from the activities, their partners and
-- tags, and the country and region class of the organizations involved: they are never ahead of
-- or behind the records.
CREATE TABLE activity_filters (
    filter      TEXT NOT NULL,
    start_date  TEXT NOT NULL,
    -- Read with the row, so that `from` (still running on or after a day) needs no activity.
    end_date    TEXT NOT NULL,
    activity_id BIGINT NOT NULL,
    PRIMARY KEY (filter, start_date, activity_id)
);
CREATE INDEX activity_filters_activity ON activity_filters (activity_id);

CREATE TABLE activity_filter_bits (
    filter TEXT NOT NULL,
    word   BIGINT NOT NULL,
    bits   BIGINT NOT NULL,
    PRIMARY KEY (filter, word)
);

-- How many activities answer each filter, for a page with one filter.
CREATE TABLE activity_filter_counts (
    filter TEXT PRIMARY KEY,
    n      BIGINT NOT NULL
);

-- The activities still running on or after a day (`from`) are counted through this index.
CREATE INDEX activities_end ON activities (end_date, id);

-- Every filter each activity answers, worked out from the records.
CREATE VIEW activity_filters_due (filter, start_date, end_date, activity_id) AS
SELECT 'kind:' || a.kind, a.start_date, a.end_date, a.id FROM activities a
UNION ALL
SELECT 'year:' || substr(a.start_date, 1, 4), a.start_date, a.end_date, a.id FROM activities a
UNION ALL
SELECT 'unit:' || a.host_unit_id, a.start_date, a.end_date, a.id FROM activities a
 WHERE a.host_unit_id IS NOT NULL
UNION ALL
SELECT 'tag:' || t.tag, a.start_date, a.end_date, a.id
  FROM activity_tags t JOIN activities a ON a.id = t.activity_id
UNION ALL
SELECT 'organization:' || o.id, a.start_date, a.end_date, a.id
  FROM activities a JOIN organizations o ON o.id = a.inviting_organization_id
UNION ALL
SELECT 'country:' || o.country, a.start_date, a.end_date, a.id
  FROM activities a JOIN organizations o ON o.id = a.inviting_organization_id
UNION ALL
SELECT 'region:' || o.region, a.start_date, a.end_date, a.id
  FROM activities a JOIN organizations o ON o.id = a.inviting_organization_id
UNION ALL
SELECT 'organization:' || ap.organization_id, a.start_date, a.end_date, a.id
  FROM activity_partners ap JOIN activities a ON a.id = ap.activity_id
UNION ALL
SELECT 'country:' || o.country, a.start_date, a.end_date, a.id
  FROM activity_partners ap JOIN activities a ON a.id = ap.activity_id
  JOIN organizations o ON o.id = ap.organization_id
UNION ALL
SELECT 'region:' || o.region, a.start_date, a.end_date, a.id
  FROM activity_partners ap JOIN activities a ON a.id = ap.activity_id
  JOIN organizations o ON o.id = ap.organization_id;

INSERT INTO activity_filters (filter, start_date, end_date, activity_id)
SELECT DISTINCT filter, start_date, end_date, activity_id FROM activity_filters_due;
INSERT INTO activity_filter_bits (filter, word, bits)
SELECT filter, activity_id >> 6, bit_or(CAST(1 AS BIGINT) << CAST(activity_id & 63 AS INTEGER))
  FROM activity_filters GROUP BY filter, activity_id >> 6;
INSERT INTO activity_filter_counts (filter, n)
SELECT filter, COUNT(*) FROM activity_filters GROUP BY filter;

-- The bits and the counts follow the rows.
CREATE FUNCTION activity_filter_bits_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO activity_filter_bits (filter, word, bits)
        VALUES (NEW.filter, NEW.activity_id >> 6,
                CAST(1 AS BIGINT) << CAST(NEW.activity_id & 63 AS INTEGER))
            ON CONFLICT (filter, word)
            DO UPDATE SET bits = activity_filter_bits.bits | excluded.bits;
        INSERT INTO activity_filter_counts (filter, n) VALUES (NEW.filter, 1)
            ON CONFLICT (filter) DO UPDATE SET n = activity_filter_counts.n + 1;
    ELSE
        UPDATE activity_filter_bits
           SET bits = bits & ~(CAST(1 AS BIGINT) << CAST(OLD.activity_id & 63 AS INTEGER))
         WHERE filter = OLD.filter AND word = OLD.activity_id >> 6;
        DELETE FROM activity_filter_bits
         WHERE filter = OLD.filter AND word = OLD.activity_id >> 6 AND bits = 0;
        UPDATE activity_filter_counts SET n = n - 1 WHERE filter = OLD.filter;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER activity_filter_bits_keep AFTER INSERT OR DELETE ON activity_filters
    FOR EACH ROW EXECUTE FUNCTION activity_filter_bits_keep();

-- Puts the rows of the given activities back to those due: the rows no longer due deleted
-- first, then the missing ones added.
CREATE FUNCTION activity_filters_refresh(activities BIGINT[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM activity_filters f
     WHERE f.activity_id = ANY (activities)
       AND NOT EXISTS (SELECT 1 FROM activity_filters_due d
                        WHERE d.activity_id = f.activity_id AND d.filter = f.filter
                          AND d.start_date = f.start_date AND d.end_date = f.end_date);
    INSERT INTO activity_filters (filter, start_date, end_date, activity_id)
    SELECT DISTINCT filter, start_date, end_date, activity_id FROM activity_filters_due
     WHERE activity_id = ANY (activities)
        ON CONFLICT DO NOTHING;
END
$$;

CREATE FUNCTION activity_filters_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'activities' THEN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM activity_filters WHERE activity_id = OLD.id;
        ELSE
            PERFORM activity_filters_refresh(ARRAY[NEW.id]);
        END IF;
    ELSIF TG_TABLE_NAME = 'organizations' THEN
        PERFORM activity_filters_refresh(ARRAY(
            SELECT id FROM activities WHERE inviting_organization_id = NEW.id
            UNION SELECT activity_id FROM activity_partners WHERE organization_id = NEW.id));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM activity_filters_refresh(ARRAY[OLD.activity_id]);
    ELSE
        PERFORM activity_filters_refresh(ARRAY[NEW.activity_id]);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER activity_filters_insert_delete AFTER INSERT OR DELETE ON activities
    FOR EACH ROW EXECUTE FUNCTION activity_filters_keep();
CREATE TRIGGER activity_filters_update
    AFTER UPDATE OF kind, start_date, end_date, host_unit_id, inviting_organization_id
    ON activities
    FOR EACH ROW EXECUTE FUNCTION activity_filters_keep();
CREATE TRIGGER activity_filters_partner AFTER INSERT OR DELETE ON activity_partners
    FOR EACH ROW EXECUTE FUNCTION activity_filters_keep();
CREATE TRIGGER activity_filters_tag AFTER INSERT OR DELETE ON activity_tags
    FOR EACH ROW EXECUTE FUNCTION activity_filters_keep();
CREATE TRIGGER activity_filters_organization AFTER UPDATE OF country, region ON organizations
    FOR EACH ROW WHEN (OLD.country IS DISTINCT FROM NEW.country
                       OR OLD.region IS DISTINCT FROM NEW.region)
    EXECUTE FUNCTION activity_filters_keep();

-- The lists of people and organizations are shown by name, and filtered by a category, a
-- country, a unit, an organization or a region class: in these indexes each filter's rows are
-- in the page's order already, where they were all read and sorted for every page (people by
-- category, 25,000 of 50,000 at the benchmark's size: 54 pages a second).
CREATE INDEX people_by_name ON people ((COALESCE(name_en, name_zh)), id);
CREATE INDEX people_category_by_name ON people (category, (COALESCE(name_en, name_zh)), id);
CREATE INDEX people_nationality_by_name ON people (nationality, (COALESCE(name_en, name_zh)), id);
DROP INDEX people_unit;
CREATE INDEX people_unit ON people (unit_id, (COALESCE(name_en, name_zh)), id);
DROP INDEX people_organization;
CREATE INDEX people_organization ON people (organization_id, (COALESCE(name_en, name_zh)), id);
CREATE INDEX organizations_by_name ON organizations ((COALESCE(name_en, name_zh)), id);
CREATE INDEX organizations_region_by_name ON organizations (region, (COALESCE(name_en, name_zh)), id);
CREATE INDEX organizations_kind_by_name ON organizations (kind, (COALESCE(name_en, name_zh)), id);
