-- The working-day calendar: mainland China's statutory holidays and the weekend days worked in
-- their place (调休), which deadlines counted in working days need.
--
-- A year is held when it is in `calendar_years`: then every day off and adjusted working day of
-- it is listed, and any other Saturday or Sunday is off and any other weekday worked. A year
-- not held is not guessed at. Each day names its year, and the year must be held, so a day
-- cannot be entered into a year nobody has added.
--
-- The shipped calendar (liaison-core/data/holidays-cn.json) is loaded by Liaison when it starts,
-- one year at a time and only for a year not held yet, so an admin's changes are never
-- overwritten and starting twice loads nothing twice.

CREATE TABLE calendar_years (
    year     INTEGER PRIMARY KEY,
    source   TEXT NOT NULL,
    added_at TEXT NOT NULL,
    added_by TEXT
);

CREATE TABLE calendar_days (
    id         INTEGER PRIMARY KEY,
    key        TEXT UNIQUE,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    date       TEXT NOT NULL UNIQUE,
    year       INTEGER NOT NULL REFERENCES calendar_years (year),
    kind       TEXT NOT NULL,
    name_zh    TEXT,
    name_en    TEXT,
    source     TEXT NOT NULL
);
CREATE INDEX calendar_days_year ON calendar_days (year, date);
