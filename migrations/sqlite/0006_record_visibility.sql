-- Who may read an interaction. `access` is empty for "All staff"; otherwise
-- its visibility then the keys that open it, separated by single spaces:
--   'private staff12'              only staff member 12, its author
--   'teams staff12 team3 team7'    its author and members of teams 3 and 7
-- The keys are the read side of visibility: the store tests them in SQL,
-- full-text search indexes them (so a hidden row never counts as a match),
-- and restricted_counts totals rows by them (so a log's total stays a
-- lookup). Only the store writes them, from the form's choice.
ALTER TABLE interactions ADD COLUMN access TEXT NOT NULL DEFAULT ''
    CHECK (access = '' OR access GLOB 'private staff[0-9]*' OR access GLOB 'teams staff[0-9]* team[0-9]*');

-- The restricted rows alone, in time order: a reader's total of a range
-- (a month, a day) is the range's count less the restricted rows in it they
-- may not open, both read from indexes.
CREATE INDEX interactions_restricted ON interactions (occurred_at, type_id, access) WHERE access <> '';

-- Restricted rows per type and access keys: a reader's total is every row
-- of the view's types less the restricted rows they cannot open.
CREATE TABLE restricted_counts (
    type_id INTEGER NOT NULL REFERENCES interaction_types (id),
    access  TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (type_id, access)
) WITHOUT ROWID;

CREATE TRIGGER interactions_restricted_count_insert
AFTER INSERT ON interactions
WHEN NEW.access <> ''
BEGIN
    INSERT INTO restricted_counts (type_id, access, n) VALUES (NEW.type_id, NEW.access, 1)
    ON CONFLICT (type_id, access) DO UPDATE SET n = n + 1;
END;

-- The full-text index's `kind` column carries the access keys.
DROP TRIGGER interactions_fts_insert;
CREATE TRIGGER interactions_fts_insert
AFTER INSERT ON interactions
BEGIN
    INSERT INTO interactions_fts (rowid, description, tags, kind, person)
    VALUES (NEW.id, NEW.description, NEW.tags, 'type' || NEW.type_id || ' ' || NEW.access, 'person' || NEW.person_id);
END;

DROP TRIGGER interactions_fts_rename;
CREATE TRIGGER interactions_fts_rename
AFTER UPDATE OF description, access ON interactions
WHEN NEW.description IS NOT OLD.description OR NEW.access IS NOT OLD.access
BEGIN
    INSERT INTO interactions_fts (interactions_fts, rowid, description, tags, kind, person)
    VALUES ('delete', OLD.id, OLD.description, OLD.tags, 'type' || OLD.type_id || ' ' || OLD.access,
            'person' || OLD.person_id);
    INSERT INTO interactions_fts (rowid, description, tags, kind, person)
    VALUES (NEW.id, NEW.description, NEW.tags, 'type' || NEW.type_id || ' ' || NEW.access, 'person' || NEW.person_id);
END;

CREATE TRIGGER interactions_access_change
AFTER UPDATE OF access ON interactions
WHEN NEW.access IS NOT OLD.access
BEGIN
    UPDATE restricted_counts SET n = n - 1 WHERE type_id = OLD.type_id AND access = OLD.access;
    INSERT INTO restricted_counts (type_id, access, n) SELECT NEW.type_id, NEW.access, 1 WHERE NEW.access <> ''
    ON CONFLICT (type_id, access) DO UPDATE SET n = n + 1;
END;

-- The visibility is the one change besides the description and the
-- posted-in-error mark.
DROP TRIGGER interactions_keep_their_record;
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
  OR NEW.source IS NOT OLD.source
BEGIN
    SELECT RAISE(ABORT, 'interactions are permanent: only the description, the posted-in-error mark and the visibility can change');
END;

-- Audit events about one interaction name it, so the audit page can keep
-- a restricted record's words from someone who may not read it.
ALTER TABLE audit_events ADD COLUMN interaction_id INTEGER REFERENCES interactions (id);
