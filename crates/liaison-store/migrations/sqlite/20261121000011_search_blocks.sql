-- The records of each word and of each filter of a search ('kind:…', 'year:…', 'country:…') as
-- sorted arrays of document numbers, a block of 2,048 documents to a row (the format is in
-- liaison-search's `blocks`): a search for several words, or narrowed by filters, intersects
-- these in memory. Kept in the transaction of each change like the postings; filled from the
-- postings when Liaison starts on a database that has documents and no blocks.
CREATE TABLE search_blocks (
    term    TEXT NOT NULL,
    block   INTEGER NOT NULL,
    entries BLOB NOT NULL,
    PRIMARY KEY (term, block)
) WITHOUT ROWID;

-- Its counts by filter were read by one-word searches with one filter; the blocks answer those.
DROP TABLE search_facets;
