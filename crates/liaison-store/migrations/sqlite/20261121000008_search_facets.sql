-- How many records of each kind have a word and answer one filter of a search ('kind:…',
-- 'year:…' or 'country:…'), kept with the postings like search_terms: a one-word search narrowed
-- by one filter reads its counts instead of counting every record of the word.
CREATE TABLE search_facets (
    term      TEXT NOT NULL,
    facet     TEXT NOT NULL,
    entity    TEXT NOT NULL,
    documents INTEGER NOT NULL,
    PRIMARY KEY (term, facet, entity)
) WITHOUT ROWID;

INSERT INTO search_facets (term, facet, entity, documents)
SELECT p.term, 'kind:' || d.kind, d.entity, COUNT(*)
  FROM search_postings p JOIN search_documents d ON d.id = p.document_id
 WHERE d.kind IS NOT NULL AND trim(d.kind) <> ''
 GROUP BY p.term, 'kind:' || d.kind, d.entity;

INSERT INTO search_facets (term, facet, entity, documents)
SELECT p.term, 'year:' || d.year, d.entity, COUNT(*)
  FROM search_postings p JOIN search_documents d ON d.id = p.document_id
 WHERE d.year IS NOT NULL
 GROUP BY p.term, 'year:' || d.year, d.entity;

-- The countries of a document are ISO codes between spaces, ' CN LA '.
WITH RECURSIVE split (id, rest, code) AS (
    SELECT id, trim(countries) || ' ', '' FROM search_documents WHERE trim(countries) <> ''
    UNION ALL
    SELECT id, substr(rest, instr(rest, ' ') + 1), substr(rest, 1, instr(rest, ' ') - 1)
      FROM split WHERE rest <> ''
), codes AS (
    SELECT DISTINCT id, upper(code) AS code FROM split WHERE code <> ''
)
INSERT INTO search_facets (term, facet, entity, documents)
SELECT p.term, 'country:' || c.code, d.entity, COUNT(*)
  FROM codes c
  JOIN search_documents d ON d.id = c.id
  JOIN search_postings p ON p.document_id = d.id
 GROUP BY p.term, 'country:' || c.code, d.entity;
