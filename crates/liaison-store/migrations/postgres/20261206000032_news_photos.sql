-- The photos the office chooses for a news release among the files of its activity, in the
-- order the release shows them, each with the caption printed under it (a release is in one
-- language, so its captions may differ from the file's own).
--
-- Only the photos listed here of a published release are served on its public page. A photo
-- leaves the release when its file is deleted (with its activity or alone), and the list goes
-- with its release.
CREATE TABLE news_photos (
    release_id BIGINT NOT NULL REFERENCES news_releases (id) ON DELETE CASCADE,
    file_id    BIGINT NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    position   BIGINT NOT NULL,
    caption    TEXT NOT NULL,
    PRIMARY KEY (release_id, file_id)
);
-- The releases showing a file, looked up when the file is deleted.
CREATE INDEX news_photos_by_file ON news_photos (file_id);
