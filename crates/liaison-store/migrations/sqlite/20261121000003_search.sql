-- The search index: every searchable record as a document, and for each word the documents it
-- occurs in. It is derived from the records, updated in the transaction of each change, and
-- rebuilt whole by `liaison reindex`; it is never the only copy of anything.

CREATE TABLE search_documents (
    id        INTEGER PRIMARY KEY,
    entity    TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    title     TEXT NOT NULL,
    body      TEXT NOT NULL,
    kind      TEXT,
    year      INTEGER,
    -- ISO codes between spaces, ' LA CN ', so one LIKE finds a country among several.
    countries TEXT NOT NULL DEFAULT '',
    UNIQUE (entity, record_id)
);

-- Kept in word order, so the documents of a word are read together.
CREATE TABLE search_postings (
    term        TEXT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES search_documents (id) ON DELETE CASCADE,
    -- The kind of record, repeated here so results are counted by kind without a join.
    entity      TEXT NOT NULL,
    -- How much the word counts in this record (BM25's term-frequency part, with the record's
    -- length against a typical one), worked out when the record is indexed.
    score       REAL NOT NULL,
    PRIMARY KEY (term, document_id)
) WITHOUT ROWID;
CREATE INDEX search_postings_document ON search_postings (document_id);

-- The best records of a word first, so the first page of a one-word search is read, not sorted.
CREATE INDEX search_postings_best ON search_postings (term, score DESC, document_id DESC);

-- How many records of each kind have a word, kept with the postings: how rare a word is and how
-- many of each kind a one-word search finds, without counting its postings each time.
CREATE TABLE search_terms (
    term      TEXT NOT NULL,
    entity    TEXT NOT NULL,
    documents INTEGER NOT NULL,
    PRIMARY KEY (term, entity)
);
