-- Follow-up actions: work someone must do after an interaction. An action
-- is a plan while outstanding (edited, or deleted, with each change in the
-- audit log); completing it records a permanent interaction and freezes it.

CREATE TABLE actions (
    id             INTEGER PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES people (id),
    -- The interaction it follows up, when assigned from one.
    interaction_id INTEGER REFERENCES interactions (id),
    type_id        INTEGER NOT NULL REFERENCES interaction_types (id),
    assignee_id    INTEGER NOT NULL REFERENCES staff_members (id),
    instructions   TEXT NOT NULL,
    -- A date in the organisation's time zone, YYYY-MM-DD.
    due_on         TEXT NOT NULL CHECK (length(due_on) = 10),
    notify_creator INTEGER NOT NULL DEFAULT 0 CHECK (notify_creator IN (0, 1)),
    created_by     INTEGER NOT NULL REFERENCES staff_members (id),
    created_at     INTEGER NOT NULL,
    -- Bumped by every edit: an edit made against an older version is refused.
    version        INTEGER NOT NULL DEFAULT 1,
    -- Completion: all set together, never changed afterwards.
    completed_at   INTEGER,
    completed_by   INTEGER REFERENCES staff_members (id),
    done_on        TEXT CHECK (done_on IS NULL OR length(done_on) = 10),
    summary        TEXT,
    completion_id  INTEGER UNIQUE REFERENCES interactions (id),
    CHECK ((completed_at IS NULL) = (completion_id IS NULL))
);

CREATE INDEX actions_outstanding_by_assignee ON actions (assignee_id, due_on) WHERE completed_at IS NULL;
CREATE INDEX actions_outstanding_by_due ON actions (due_on) WHERE completed_at IS NULL;
CREATE INDEX actions_completed ON actions (done_on) WHERE completed_at IS NOT NULL;
CREATE INDEX actions_by_person ON actions (person_id);
CREATE INDEX actions_by_interaction ON actions (interaction_id) WHERE interaction_id IS NOT NULL;

-- A completed action is part of the record, like the interaction it made.
CREATE TRIGGER completed_actions_are_permanent
BEFORE UPDATE ON actions
WHEN OLD.completed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'completed actions are permanent: they cannot be changed');
END;

CREATE TRIGGER completed_actions_are_never_deleted
BEFORE DELETE ON actions
WHEN OLD.completed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'completed actions are permanent: they cannot be deleted');
END;

-- Emails waiting to be sent, being retried, sent, or given up on. Written in
-- the same transaction as what they tell of; a background sender delivers
-- them. Any number of servers may send: a row is leased before sending.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    -- 'assigned', 'completed' or 'digest'.
    kind            TEXT NOT NULL,
    to_staff_id     INTEGER NOT NULL REFERENCES staff_members (id),
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    action_id       INTEGER,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    leased_until    INTEGER,
    sent_at         INTEGER,
    failed_at       INTEGER,
    last_error      TEXT
);

CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_by_recipient ON outbox (to_staff_id, id);

-- One daily digest per day, whichever server gets there first.
CREATE TABLE digest_days (
    day        TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
