-- Reminders and notifications: the work a change leaves to be done after it commits (jobs),
-- the mail Liaison sends (outbox), what each user is told inside Liaison (notifications) and
-- how each wants to hear of it.
--
-- A job is written in the transaction of the change that causes it, so it exists exactly when
-- the change does. A worker claims it with a lease; a claim whose lease ran out (its process
-- died) may be claimed again. The de-duplication key makes a second enqueue of the same work
-- (two processes sweeping the same day, a change saved twice) a no-op.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    dedup_key    TEXT NOT NULL UNIQUE,
    -- What the job is about, as `trip:12`, so a change can cancel the reminders it ends.
    subject      TEXT,
    payload      TEXT NOT NULL,
    run_at       TEXT NOT NULL,
    -- waiting, running, done, failed or cancelled.
    state        TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    lease        TEXT,
    leased_until TEXT,
    last_error   TEXT,
    created_at   TEXT NOT NULL,
    finished_at  TEXT
);
CREATE INDEX jobs_due ON jobs (state, run_at);
CREATE INDEX jobs_subject ON jobs (subject, state);

-- A daily sweep's slot (task and office day); the first process to insert it runs the sweep.
CREATE TABLE job_slots (
    task     TEXT NOT NULL,
    slot     TEXT NOT NULL,
    taken_at TEXT NOT NULL,
    PRIMARY KEY (task, slot)
);

-- What a user is told inside Liaison; the key makes each reminder one row however often it is
-- worked out.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    dedup_key  TEXT NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    rule       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    link       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at    TEXT,
    -- When the user's daily digest carried it, for those who chose one.
    digested_at TEXT
);
CREATE INDEX notifications_of_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- Every message Liaison sends, in the recipient's language, with the SMTP server's answer.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    dedup_key   TEXT NOT NULL UNIQUE,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    address     TEXT NOT NULL,
    language    TEXT NOT NULL,
    rule        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    -- waiting, sent or failed.
    state       TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    reply       TEXT,
    last_error  TEXT,
    created_at  TEXT NOT NULL,
    sent_at     TEXT
);
CREATE INDEX outbox_newest ON outbox (id);

-- How a user wants to hear: their address, whether optional reminders come as one daily digest,
-- and the optional reminders they do not want by e-mail.
CREATE TABLE notification_settings (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    email      TEXT,
    digest     INTEGER NOT NULL DEFAULT 0,
    muted      TEXT NOT NULL DEFAULT '[]',
    updated_at TEXT NOT NULL
);
