-- Liaison's records on SQLite.
--
-- Dates are ISO 8601 text ('2020-01-09') and timestamps RFC 3339 text in UTC, so they sort as
-- text and read the same through the one query path shared with PostgreSQL. Every record has a
-- version that an update must name, so two people editing one record cannot overwrite each other.
-- Foreign keys RESTRICT deletion of anything still referred to: records are never lost in passing.

CREATE TABLE roles (
    code    TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE organizations (
    id            INTEGER PRIMARY KEY,
    key           TEXT UNIQUE,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    kind          TEXT NOT NULL,
    country       TEXT NOT NULL,
    region        TEXT NOT NULL,
    name_zh       TEXT,
    name_en       TEXT,
    name_original TEXT,
    abbreviation  TEXT,
    founded_year  INTEGER,
    membership    INTEGER,
    profile_zh    TEXT,
    profile_en    TEXT,
    website       TEXT
);
CREATE INDEX organizations_country ON organizations (country);
CREATE INDEX organizations_name ON organizations (name_en, name_zh);

CREATE TABLE organization_identifiers (
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    scheme          TEXT NOT NULL,
    value           TEXT NOT NULL,
    UNIQUE (scheme, value)
);
CREATE INDEX organization_identifiers_org ON organization_identifiers (organization_id);

CREATE TABLE organization_affiliations (
    organization_id         INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    position                INTEGER NOT NULL,
    related_organization_id INTEGER NOT NULL REFERENCES organizations (id),
    relation                TEXT NOT NULL,
    note                    TEXT
);
CREATE INDEX organization_affiliations_org ON organization_affiliations (organization_id);
CREATE INDEX organization_affiliations_related ON organization_affiliations (related_organization_id);

CREATE TABLE units (
    id                        INTEGER PRIMARY KEY,
    key                       TEXT UNIQUE,
    version                   INTEGER NOT NULL DEFAULT 1,
    created_at                TEXT NOT NULL,
    updated_at                TEXT NOT NULL,
    kind                      TEXT NOT NULL,
    name_zh                   TEXT,
    name_en                   TEXT,
    -- A unit and its contacts refer to each other; SQLite accepts the forward reference.
    foreign_affairs_leader_id INTEGER REFERENCES people (id),
    liaison_officer_id        INTEGER REFERENCES people (id)
);

CREATE TABLE people (
    id              INTEGER PRIMARY KEY,
    key             TEXT UNIQUE,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    category        TEXT NOT NULL,
    name_zh         TEXT,
    name_en         TEXT,
    name_original   TEXT,
    unit_id         INTEGER REFERENCES units (id),
    organization_id INTEGER REFERENCES organizations (id),
    position        TEXT,
    title           TEXT,
    nationality     TEXT,
    email           TEXT,
    phone           TEXT,
    notes           TEXT
);
CREATE INDEX people_unit ON people (unit_id);
CREATE INDEX people_organization ON people (organization_id);
CREATE INDEX people_name ON people (name_en, name_zh);

CREATE TABLE activities (
    id                       INTEGER PRIMARY KEY,
    key                      TEXT UNIQUE,
    version                  INTEGER NOT NULL DEFAULT 1,
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL,
    kind                     TEXT NOT NULL,
    title_zh                 TEXT,
    title_en                 TEXT,
    summary_zh               TEXT,
    summary_en               TEXT,
    start_date               TEXT NOT NULL,
    start_part               TEXT NOT NULL,
    end_date                 TEXT NOT NULL,
    end_part                 TEXT NOT NULL,
    venue                    TEXT,
    host_unit_id             INTEGER REFERENCES units (id),
    inviting_organization_id INTEGER REFERENCES organizations (id),
    delegation_size          INTEGER,
    -- Lists owned by the activity alone and never queried on their own: JSON arrays.
    attending_groups         TEXT NOT NULL DEFAULT '[]',
    outcomes                 TEXT NOT NULL DEFAULT '[]',
    attachments              TEXT NOT NULL DEFAULT '[]',
    signed_by                TEXT
);
-- The list views: newest first, and filtered by kind newest first. Without the composite index
-- SQLite sorts every activity of a kind to show the first page of them.
CREATE INDEX activities_start ON activities (start_date, id);
CREATE INDEX activities_kind_start ON activities (kind, start_date, id);
CREATE INDEX activities_host_unit ON activities (host_unit_id, start_date);
CREATE INDEX activities_inviting ON activities (inviting_organization_id);

CREATE TABLE activity_partners (
    activity_id     INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (activity_id, organization_id)
);
CREATE INDEX activity_partners_org ON activity_partners (organization_id);

CREATE TABLE participations (
    id          INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    role        TEXT NOT NULL REFERENCES roles (code),
    role_position TEXT,
    note        TEXT
);
CREATE INDEX participations_activity ON participations (activity_id, position);
CREATE INDEX participations_person ON participations (person_id);

CREATE TABLE agenda_items (
    id          INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    on_date     TEXT,
    starts_at   TEXT,
    speaker_id  INTEGER REFERENCES people (id),
    title_zh    TEXT,
    title_en    TEXT,
    points      TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX agenda_items_activity ON agenda_items (activity_id, position);
CREATE INDEX agenda_items_speaker ON agenda_items (speaker_id);

CREATE TABLE activity_tags (
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    tag         TEXT NOT NULL,
    PRIMARY KEY (activity_id, tag)
);
CREATE INDEX activity_tags_tag ON activity_tags (tag, activity_id);

CREATE TABLE gifts (
    id                       INTEGER PRIMARY KEY,
    key                      TEXT UNIQUE,
    version                  INTEGER NOT NULL DEFAULT 1,
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL,
    direction                TEXT NOT NULL,
    activity_id              INTEGER REFERENCES activities (id),
    exchanged_on             TEXT,
    giver_person_id          INTEGER REFERENCES people (id),
    giver_organization_id    INTEGER REFERENCES organizations (id),
    giver_description        TEXT,
    receiver_person_id       INTEGER REFERENCES people (id),
    receiver_organization_id INTEGER REFERENCES organizations (id),
    receiver_description     TEXT,
    item                     TEXT NOT NULL,
    category                 TEXT NOT NULL,
    quantity                 INTEGER NOT NULL,
    estimated_value_fen      INTEGER,
    status                   TEXT NOT NULL,
    declared_on              TEXT,
    handed_in_on             TEXT,
    storage                  TEXT,
    disposal                 TEXT,
    notes                    TEXT
);
CREATE INDEX gifts_activity ON gifts (activity_id);
CREATE INDEX gifts_exchanged ON gifts (exchanged_on, id);
CREATE INDEX gifts_giver_org ON gifts (giver_organization_id);
CREATE INDEX gifts_receiver_org ON gifts (receiver_organization_id);

CREATE TABLE agreements (
    id         INTEGER PRIMARY KEY,
    key        TEXT UNIQUE,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    kind       TEXT NOT NULL,
    title_zh   TEXT,
    title_en   TEXT,
    unit_id    INTEGER REFERENCES units (id),
    signed_on  TEXT,
    valid_from TEXT,
    valid_to   TEXT,
    status     TEXT NOT NULL,
    notes      TEXT
);
CREATE INDEX agreements_valid_to ON agreements (valid_to);

CREATE TABLE agreement_partners (
    agreement_id    INTEGER NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (agreement_id, organization_id)
);
CREATE INDEX agreement_partners_org ON agreement_partners (organization_id);

CREATE TABLE agreement_signatories (
    agreement_id    INTEGER NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    person_id       INTEGER REFERENCES people (id),
    name            TEXT,
    organization_id INTEGER REFERENCES organizations (id),
    capacity        TEXT
);
CREATE INDEX agreement_signatories_agreement ON agreement_signatories (agreement_id);
