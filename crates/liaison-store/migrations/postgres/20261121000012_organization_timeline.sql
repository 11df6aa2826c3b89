-- Every way an organization is involved in a record, one row each with the record's date: as
-- the inviting organization or a partner of an activity, as the organization of one of its
-- participants, as a partner of an agreement, as the giver or receiver of a gift. An
-- organization's timeline is read from here, its newest entries first, instead of being worked
-- out through its people on every request. Kept in the transaction of each change (see
-- liaison-store's `timeline`); filled here from the records already kept.
CREATE TABLE organization_timeline (
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    record_id       BIGINT NOT NULL,
    involvement     TEXT NOT NULL,
    day             TEXT,
    PRIMARY KEY (organization_id, kind, record_id, involvement)
);
-- An organization's newest entries first, in the order its page shows them, undated ones last.
CREATE INDEX organization_timeline_newest ON organization_timeline
    (organization_id, day DESC NULLS LAST, kind, record_id DESC);
CREATE INDEX organization_timeline_record ON organization_timeline (kind, record_id);

INSERT INTO organization_timeline (organization_id, kind, record_id, involvement, day)
SELECT a.inviting_organization_id, 'activity', a.id, 'inviting_organization', a.start_date
  FROM activities a WHERE a.inviting_organization_id IS NOT NULL
UNION ALL
SELECT ap.organization_id, 'activity', a.id, 'partner', a.start_date
  FROM activities a JOIN activity_partners ap ON ap.activity_id = a.id
UNION ALL
SELECT DISTINCT p.organization_id, 'activity', a.id, 'participant', a.start_date
  FROM activities a JOIN participations pa ON pa.activity_id = a.id
  JOIN people p ON p.id = pa.person_id
 WHERE p.organization_id IS NOT NULL
   AND a.inviting_organization_id IS DISTINCT FROM p.organization_id
   AND NOT EXISTS (SELECT 1 FROM activity_partners x
                    WHERE x.activity_id = a.id AND x.organization_id = p.organization_id)
UNION ALL
SELECT ap.organization_id, 'agreement', g.id, 'agreement_partner', COALESCE(g.signed_on, g.valid_from)
  FROM agreements g JOIN agreement_partners ap ON ap.agreement_id = g.id
UNION ALL
SELECT g.giver_organization_id, 'gift', g.id, 'gift_giver', g.exchanged_on
  FROM gifts g WHERE g.giver_organization_id IS NOT NULL
UNION ALL
SELECT g.receiver_organization_id, 'gift', g.id, 'gift_receiver', g.exchanged_on
  FROM gifts g WHERE g.receiver_organization_id IS NOT NULL;
