-- Files kept with records: photos of a visit, invitation letters, signed agreements.
--
-- The bytes are not here but in the file store (a folder beside the database, or an
-- S3-compatible bucket), named by the SHA-256 of their content, so the same photo kept with two
-- records is stored once. A row says which record keeps a file, under which name and caption.
-- The record is named by its kind and number rather than a foreign key, as files are kept by
-- records of several tables; a record's files are deleted in the transaction that deletes it.
CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    record_kind  TEXT NOT NULL,
    record_id    INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    name         TEXT NOT NULL,
    media_type   TEXT NOT NULL,
    size         INTEGER NOT NULL,
    caption      TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
-- A record's files in the order they came, and whether any record still holds some bytes.
CREATE INDEX files_by_record ON files (record_kind, record_id, id);
CREATE INDEX files_by_content ON files (content_hash);
