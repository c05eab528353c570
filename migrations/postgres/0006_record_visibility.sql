-- Who may read an interaction: see SQLite's migration of the same name for
-- the format of `access` ('' for "All staff", 'private staff12',
-- 'teams staff12 team3 team7').
ALTER TABLE interactions ADD COLUMN access TEXT COLLATE "C" NOT NULL DEFAULT ''
    CHECK (access = '' OR access ~ '^private staff[0-9]+$' OR access ~ '^teams staff[0-9]+( team[0-9]+)+$');

-- The restricted rows alone, in time order: a reader's total of a range
-- (a month, a day) is the range's count less the restricted rows in it they
-- may not open, both read from indexes.
CREATE INDEX interactions_restricted ON interactions (occurred_at, type_id, access) WHERE access <> '';

-- The search table carries the access keys too, so a search is still
-- matched, counted and paged there alone.
ALTER TABLE interaction_search ADD COLUMN access TEXT COLLATE "C" NOT NULL DEFAULT '';

CREATE OR REPLACE FUNCTION interaction_search_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO interaction_search (id, occurred_at, type_id, person_id, words, access)
    SELECT id, occurred_at, type_id, person_id, interlog_search_words(description, tags), access FROM inserted;
    RETURN NULL;
END
$$;

CREATE TABLE restricted_counts (
    type_id BIGINT NOT NULL REFERENCES interaction_types (id),
    access  TEXT COLLATE "C" NOT NULL,
    n       BIGINT NOT NULL,
    PRIMARY KEY (type_id, access)
);

CREATE FUNCTION interactions_restricted_count_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO restricted_counts (type_id, access, n)
    SELECT type_id, access, count(*) FROM inserted WHERE access <> '' GROUP BY type_id, access
    ON CONFLICT (type_id, access) DO UPDATE SET n = restricted_counts.n + EXCLUDED.n;
    RETURN NULL;
END
$$;

CREATE TRIGGER interactions_restricted_count_insert
AFTER INSERT ON interactions
REFERENCING NEW TABLE AS inserted
FOR EACH STATEMENT EXECUTE FUNCTION interactions_restricted_count_insert();

CREATE FUNCTION interactions_access_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE restricted_counts SET n = n - 1 WHERE type_id = OLD.type_id AND access = OLD.access;
    IF NEW.access <> '' THEN
        INSERT INTO restricted_counts (type_id, access, n) VALUES (NEW.type_id, NEW.access, 1)
        ON CONFLICT (type_id, access) DO UPDATE SET n = restricted_counts.n + 1;
    END IF;
    UPDATE interaction_search SET access = NEW.access WHERE id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER interactions_access_change
AFTER UPDATE OF access ON interactions
FOR EACH ROW WHEN (OLD.access IS DISTINCT FROM NEW.access)
EXECUTE FUNCTION interactions_access_change();

-- The visibility is the one change besides the description and the
-- posted-in-error mark.
CREATE OR REPLACE FUNCTION interactions_keep_their_record() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'interactions are permanent: they cannot be deleted';
    END IF;
    IF (NEW.id, NEW.person_id, NEW.type_id, NEW.note, NEW.occurred_at, NEW.logged_at, NEW.logged_by, NEW.tags,
        NEW.reply_to, NEW.source)
       IS DISTINCT FROM
       (OLD.id, OLD.person_id, OLD.type_id, OLD.note, OLD.occurred_at, OLD.logged_at, OLD.logged_by, OLD.tags,
        OLD.reply_to, OLD.source) THEN
        RAISE EXCEPTION 'interactions are permanent: only the description, the posted-in-error mark and the visibility can change';
    END IF;
    RETURN NEW;
END
$$;

-- Audit events about one interaction name it, so the audit page can keep
-- a restricted record's words from someone who may not read it.
ALTER TABLE audit_events ADD COLUMN interaction_id BIGINT REFERENCES interactions (id);
