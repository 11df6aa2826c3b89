-- The version of what the search index holds: how text is cut into words and what of each record
-- is indexed (`liaison_search::INDEX_VERSION`). When Liaison starts on an index of another
-- version it rebuilds the index, once, so words are never looked up in an index cut otherwise.
--
-- An index made before this table was kept is of version 1.

CREATE TABLE search_index (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);

INSERT INTO search_index (id, version) VALUES (1, 1);
