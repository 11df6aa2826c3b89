-- The documents an import wrote whose words are not indexed yet. An import writes its records'
-- documents in its own transaction and their words here; `Store::index_queued` then indexes them
-- (postings, counts and blocks) a thousand to a transaction after the import commits, so other
-- writers wait for one short transaction at a time rather than for the whole import. A document
-- replaced or removed before then takes its row with it.
CREATE TABLE search_queue (
    document_id INTEGER PRIMARY KEY REFERENCES search_documents (id) ON DELETE CASCADE,
    -- The document as `liaison_search::Document` serializes it, its texts and their weights.
    document    TEXT NOT NULL
);
