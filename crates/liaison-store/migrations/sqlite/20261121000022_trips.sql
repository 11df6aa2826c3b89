-- Official trips abroad and the approval chains they go through.
--
-- A chain is kept as versions: each save adds one, and an application keeps the plan worked out
-- from the version it was submitted under (in `trips.approval_plan`), so editing a chain never
-- changes an application under way. The plan and the progress along it are JSON written and
-- read only by the domain's own types; what lists filter on (state, unit, applicant, due day,
-- who is waited for) has columns and indexes of its own.

-- An account may name the person it is, so that a unit's leader (a person of the unit record)
-- is known as an approver.
ALTER TABLE users ADD COLUMN person_id INTEGER REFERENCES people (id);

CREATE TABLE approval_chains (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL,
    version  INTEGER NOT NULL,
    steps    TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    UNIQUE (kind, version)
);

-- The university leaders in charge of each unit (分管校领导), as accounts.
CREATE TABLE unit_leaders_in_charge (
    unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (unit_id, user_id)
);

-- A deputy acts for an approver over a period, both days included (代理).
CREATE TABLE delegations (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    deputy_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    from_date  TEXT NOT NULL,
    to_date    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX delegations_deputy ON delegations (deputy_id, to_date);

CREATE TABLE trips (
    id                       INTEGER PRIMARY KEY,
    key                      TEXT UNIQUE,
    version                  INTEGER NOT NULL DEFAULT 1,
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL,
    status                   TEXT NOT NULL,
    applicant_id             INTEGER NOT NULL REFERENCES users (id),
    unit_id                  INTEGER REFERENCES units (id),
    title_zh                 TEXT,
    title_en                 TEXT,
    trip_type                TEXT NOT NULL,
    track                    TEXT NOT NULL,
    departure                TEXT,
    return_date              TEXT,
    days_abroad              INTEGER NOT NULL,
    inviting_organization_id INTEGER REFERENCES organizations (id),
    invitation               TEXT,
    purpose                  TEXT,
    tasks                    TEXT,
    funding                  TEXT NOT NULL,
    budget_total             INTEGER NOT NULL,
    -- Destinations, members, schedule, budget lines and the approvers chosen, as the form has them.
    details                  TEXT NOT NULL,
    approval_plan            TEXT,
    progress                 TEXT,
    step_due                 TEXT,
    submitted_at             TEXT,
    -- The form as it was approved, to show the approvers of a later change what changed.
    approved_form            TEXT,
    -- The public notice (公示): the day it went up and the last working day it stays up.
    notice_posted            TEXT,
    notice_ends              TEXT,
    actual_return            TEXT,
    report_due               TEXT,
    -- The report after return (tasks done, outcomes, spending, follow-up), as JSON.
    report                   TEXT,
    -- The activity record a closed trip created or updated.
    activity_id              INTEGER REFERENCES activities (id)
);
CREATE INDEX trips_status ON trips (status, step_due);
CREATE INDEX trips_applicant ON trips (applicant_id, id);
CREATE INDEX trips_unit ON trips (unit_id, id);
CREATE INDEX trips_departure ON trips (departure, id);

-- Pre-departure briefings (行前教育): sessions the office runs, and who attended for which trip.
CREATE TABLE briefings (
    id         INTEGER PRIMARY KEY,
    held_on    TEXT NOT NULL,
    place      TEXT NOT NULL,
    topics     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE briefing_attendance (
    briefing_id INTEGER NOT NULL REFERENCES briefings (id) ON DELETE CASCADE,
    trip_id     INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    PRIMARY KEY (briefing_id, trip_id, person_id)
);
CREATE INDEX briefing_attendance_trip ON briefing_attendance (trip_id, person_id);

-- The office's policy parameters as admins set them, each save a new version; the newest
-- applies, and liaison.toml gives the values before any is saved.
CREATE TABLE policy_versions (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    version  INTEGER NOT NULL,
    settings TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    UNIQUE (name, version)
);

-- The members of each trip, so that a person's trips are found without reading every one.
CREATE TABLE trip_members (
    trip_id   INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id),
    PRIMARY KEY (trip_id, person_id)
);
CREATE INDEX trip_members_person ON trip_members (person_id);

-- Whom each application in approval waits for now: the approvers of its current step who have
-- not yet decided. Rewritten with every decision, in its transaction; an approver's inbox is
-- one indexed look-up.
CREATE TABLE trip_waiting (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    trip_id INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, trip_id)
);
CREATE INDEX trip_waiting_trip ON trip_waiting (trip_id);

-- Every approver's decision, with the step, the comment and the deputy who made it, if any.
-- Only ever added to.
CREATE TABLE trip_decisions (
    id          INTEGER PRIMARY KEY,
    trip_id     INTEGER NOT NULL,
    at          TEXT NOT NULL,
    step        INTEGER NOT NULL,
    step_name   TEXT NOT NULL,
    approver_id INTEGER NOT NULL,
    deputy_id   INTEGER,
    username    TEXT NOT NULL,
    verdict     TEXT NOT NULL,
    comment     TEXT
);
CREATE INDEX trip_decisions_trip ON trip_decisions (trip_id, id);

CREATE TRIGGER trip_decisions_no_update BEFORE UPDATE ON trip_decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions cannot be changed');
END;

CREATE TRIGGER trip_decisions_no_delete BEFORE DELETE ON trip_decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions cannot be changed');
END;
