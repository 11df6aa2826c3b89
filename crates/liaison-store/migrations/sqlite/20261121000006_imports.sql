-- Spreadsheets on their way in: the uploaded rows, how their columns map to fields, the
-- problems found in the preview and how far checking or saving has come.
--
-- Kept in the database, not in a server's memory, so that every Liaison process sharing the
-- database shows the same preview and progress, and a refreshed page finds its file again.
-- A batch belongs to the user who uploaded it; nobody else sees it.

CREATE TABLE import_batches (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    header      TEXT NOT NULL,
    rows        TEXT NOT NULL,
    row_count   INTEGER NOT NULL,
    mapping     TEXT NOT NULL,
    status      TEXT NOT NULL,
    progress    INTEGER NOT NULL DEFAULT 0,
    problems    TEXT NOT NULL DEFAULT '[]',
    report      TEXT,
    failure     TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX import_batches_user ON import_batches (user_id);
