-- News releases written from activities, and the calendar feeds users subscribe to.

-- At most one release per activity and language. A release is the activity's own text and goes
-- with it when the activity is deleted. `published_at` is kept when a published release is
-- corrected, so the public list keeps its order.
CREATE TABLE news_releases (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    language     TEXT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    published    INTEGER NOT NULL DEFAULT 0,
    published_at TEXT,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (activity_id, language)
);
-- The public news pages: published releases, newest first.
CREATE INDEX news_releases_published ON news_releases (published, published_at, id);

-- A calendar program fetches a feed without signing in, so its address carries a secret; only
-- the secret's SHA-256 is kept, as for API tokens. A revoked feed answers nothing.
CREATE TABLE calendar_feeds (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    unit_id    INTEGER REFERENCES units (id),
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX calendar_feeds_user ON calendar_feeds (user_id);
