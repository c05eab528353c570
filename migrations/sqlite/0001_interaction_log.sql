-- The interaction log: people, staff, teams, interaction types, interactions and
-- description revisions. Times are UTC milliseconds since the Unix epoch.

CREATE TABLE teams (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE staff_members (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL COLLATE NOCASE,
    email      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'staff', 'read_only')),
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL
);
CREATE INDEX staff_members_by_name ON staff_members (name, id);

CREATE TABLE staff_teams (
    staff_id INTEGER NOT NULL REFERENCES staff_members (id),
    team_id  INTEGER NOT NULL REFERENCES teams (id),
    PRIMARY KEY (staff_id, team_id)
) WITHOUT ROWID;

CREATE TABLE people (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL COLLATE NOCASE,
    email      TEXT,
    phone      TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX people_by_name ON people (name, id);

CREATE TABLE interaction_types (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL COLLATE NOCASE,
    colour     TEXT NOT NULL CHECK (length(colour) = 7 AND colour GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'),
    icon       TEXT NOT NULL,
    -- The admin's order: a fractional ordering key, compared as bytes.
    sort_key   TEXT NOT NULL UNIQUE COLLATE BINARY,
    deleted_at INTEGER,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX interaction_types_live_name ON interaction_types (name) WHERE deleted_at IS NULL;

-- A type with no rows here is open to every team.
CREATE TABLE interaction_type_teams (
    type_id INTEGER NOT NULL REFERENCES interaction_types (id),
    team_id INTEGER NOT NULL REFERENCES teams (id),
    PRIMARY KEY (type_id, team_id)
) WITHOUT ROWID;

CREATE TABLE interactions (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    type_id     INTEGER NOT NULL REFERENCES interaction_types (id),
    description TEXT NOT NULL COLLATE NOCASE CHECK (length(trim(description)) > 0),
    note        TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    logged_at   INTEGER NOT NULL,
    logged_by   INTEGER NOT NULL REFERENCES staff_members (id),
    -- Up to five automatic keyword tags, lower case, separated by single spaces.
    tags        TEXT NOT NULL DEFAULT '',
    reply_to    INTEGER REFERENCES interactions (id)
);
CREATE INDEX interactions_by_occurred ON interactions (occurred_at);
CREATE INDEX interactions_by_description ON interactions (description);
CREATE INDEX interactions_by_type ON interactions (type_id, occurred_at);
CREATE INDEX interactions_by_person ON interactions (person_id, occurred_at);
CREATE INDEX interactions_by_logger ON interactions (logged_by, occurred_at);
CREATE INDEX interactions_replies ON interactions (reply_to) WHERE reply_to IS NOT NULL;

-- Interactions are evidence: never deleted, and only the description may change.
CREATE TRIGGER interactions_are_never_deleted
BEFORE DELETE ON interactions
BEGIN
    SELECT RAISE(ABORT, 'interactions are permanent: they cannot be deleted');
END;

CREATE TRIGGER interactions_keep_their_record
BEFORE UPDATE ON interactions
WHEN NEW.id IS NOT OLD.id
  OR NEW.person_id IS NOT OLD.person_id
  OR NEW.type_id IS NOT OLD.type_id
  OR NEW.note IS NOT OLD.note
  OR NEW.occurred_at IS NOT OLD.occurred_at
  OR NEW.logged_at IS NOT OLD.logged_at
  OR NEW.logged_by IS NOT OLD.logged_by
  OR NEW.tags IS NOT OLD.tags
  OR NEW.reply_to IS NOT OLD.reply_to
BEGIN
    SELECT RAISE(ABORT, 'interactions are permanent: only the description can change');
END;

CREATE TABLE description_revisions (
    id              INTEGER PRIMARY KEY,
    interaction_id  INTEGER NOT NULL REFERENCES interactions (id),
    old_description TEXT NOT NULL,
    new_description TEXT NOT NULL,
    revised_by      INTEGER NOT NULL REFERENCES staff_members (id),
    revised_at      INTEGER NOT NULL
);
CREATE INDEX description_revisions_by_interaction ON description_revisions (interaction_id, id);

CREATE TRIGGER description_revisions_are_never_changed
BEFORE UPDATE ON description_revisions
BEGIN
    SELECT RAISE(ABORT, 'description revisions are permanent: they cannot be changed');
END;

CREATE TRIGGER description_revisions_are_never_deleted
BEFORE DELETE ON description_revisions
BEGIN
    SELECT RAISE(ABORT, 'description revisions are permanent: they cannot be deleted');
END;

-- Live counts per type, so the log's total is instant at any size.
CREATE TABLE interaction_counts (
    type_id INTEGER PRIMARY KEY REFERENCES interaction_types (id),
    n       INTEGER NOT NULL
);

CREATE TRIGGER interactions_count_insert
AFTER INSERT ON interactions
BEGIN
    INSERT INTO interaction_counts (type_id, n) VALUES (NEW.type_id, 1)
    ON CONFLICT (type_id) DO UPDATE SET n = n + 1;
END;

-- Full-text search over description and tags. The type and the person are
-- indexed too (as tokens like `type3` and `person42`), so a search narrowed by
-- type or person is answered, and counted, by the index alone. Contentless:
-- the text lives in `interactions`; the triggers pass the old values on rename.
CREATE VIRTUAL TABLE interactions_fts USING fts5 (
    description,
    tags,
    kind,
    person,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TRIGGER interactions_fts_insert
AFTER INSERT ON interactions
BEGIN
    INSERT INTO interactions_fts (rowid, description, tags, kind, person)
    VALUES (NEW.id, NEW.description, NEW.tags, 'type' || NEW.type_id, 'person' || NEW.person_id);
END;

CREATE TRIGGER interactions_fts_rename
AFTER UPDATE OF description ON interactions
BEGIN
    INSERT INTO interactions_fts (interactions_fts, rowid, description, tags, kind, person)
    VALUES ('delete', OLD.id, OLD.description, OLD.tags, 'type' || OLD.type_id, 'person' || OLD.person_id);
    INSERT INTO interactions_fts (rowid, description, tags, kind, person)
    VALUES (NEW.id, NEW.description, NEW.tags, 'type' || NEW.type_id, 'person' || NEW.person_id);
END;
