-- The terms of each record's names or titles, between spaces, as the analyzer cut them when the
-- document was written. A list's words are answered from blocks kept under these terms by record
-- number; when the record changes, its old terms say which of those blocks to take it out of.
-- Documents written before are indexed anew when Liaison starts (index version 3).
ALTER TABLE search_documents ADD COLUMN title_terms TEXT NOT NULL DEFAULT '';
