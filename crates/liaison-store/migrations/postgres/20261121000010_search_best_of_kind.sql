-- The best records of a word among one kind of record first, so that a search shown for one
-- kind (people, say, whose matches score low against activities' titles) reads its first page
-- instead of every better match of the other kinds.
CREATE INDEX search_postings_best_of_kind
    ON search_postings (term, entity, score DESC, document_id DESC);
