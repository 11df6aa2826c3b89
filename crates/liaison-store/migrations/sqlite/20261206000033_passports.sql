-- Official passports and permits in the office's custody, and the log of their hand-outs and
-- returns.
--
-- A document's number is personal data: the column holds it sealed (see `personal.rs`), never
-- in clear. The custody log is only ever added to, as the provincial foreign-affairs offices
-- audit it; the triggers below refuse any change. The day a document is due back is not kept:
-- it follows from the trip's actual return and the passport policy in force, so a change of
-- policy or a corrected return date is seen at once.

-- The kinds of document the office keeps, each for one track of trips; the office may add more.
CREATE TABLE passport_kinds (
    code     TEXT PRIMARY KEY,
    name_zh  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    track    TEXT NOT NULL,
    built_in INTEGER NOT NULL DEFAULT 0
);

INSERT INTO passport_kinds (code, name_zh, name_en, track, built_in) VALUES
    ('official_passport', '公务护照', 'Official passport', 'foreign', 1),
    ('official_ordinary_passport', '公务普通护照', 'Official ordinary passport', 'foreign', 1),
    ('hong_kong_macao_permit', '往来港澳通行证（公务签注）',
     'Exit-entry permit for Hong Kong and Macao (official endorsement)', 'hong_kong_macao', 1),
    ('taiwan_permit', '大陆居民往来台湾通行证', 'Mainland residents'' travel permit to Taiwan',
     'taiwan', 1);

CREATE TABLE passports (
    id          INTEGER PRIMARY KEY,
    key         TEXT UNIQUE,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    kind        TEXT NOT NULL REFERENCES passport_kinds (code),
    holder_id   INTEGER NOT NULL REFERENCES people (id),
    number      TEXT,
    issued_on   TEXT,
    issue_place TEXT,
    expires_on  TEXT NOT NULL,
    location    TEXT,
    status      TEXT NOT NULL,
    notes       TEXT
);
CREATE INDEX passports_holder ON passports (holder_id, id);
CREATE INDEX passports_status ON passports (status, expires_on);

CREATE TABLE passport_custody (
    id          INTEGER PRIMARY KEY,
    passport_id INTEGER NOT NULL REFERENCES passports (id),
    action      TEXT NOT NULL,
    at          TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    by_username TEXT NOT NULL,
    trip_id     INTEGER REFERENCES trips (id),
    -- A day of return agreed at a hand-out without a trip.
    due_on      TEXT,
    condition   TEXT,
    note        TEXT
);
CREATE INDEX passport_custody_passport ON passport_custody (passport_id, id);
CREATE INDEX passport_custody_trip ON passport_custody (trip_id);

CREATE TRIGGER passport_custody_no_update BEFORE UPDATE ON passport_custody
BEGIN
    SELECT RAISE(ABORT, 'the custody log cannot be changed');
END;

CREATE TRIGGER passport_custody_no_delete BEFORE DELETE ON passport_custody
BEGIN
    SELECT RAISE(ABORT, 'the custody log cannot be changed');
END;

-- Members of a trip who travel on a valid document of their own, with the reason.
CREATE TABLE trip_own_documents (
    trip_id     INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    reason      TEXT NOT NULL,
    expires_on  TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (trip_id, person_id)
);
