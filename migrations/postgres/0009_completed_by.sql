-- "Completed by": see SQLite's migration of the same name.
ALTER TABLE interactions ADD COLUMN completed_by BIGINT REFERENCES staff_members (id);
UPDATE interactions SET completed_by = logged_by;
ALTER TABLE interactions ALTER COLUMN completed_by SET NOT NULL;
CREATE INDEX interactions_by_completer ON interactions (completed_by, occurred_at, id);

CREATE OR REPLACE FUNCTION interactions_keep_their_record() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'interactions are permanent: they cannot be deleted';
    END IF;
    IF (NEW.id, NEW.person_id, NEW.type_id, NEW.note, NEW.occurred_at, NEW.logged_at, NEW.logged_by,
        NEW.completed_by, NEW.tags, NEW.reply_to, NEW.source)
       IS DISTINCT FROM
       (OLD.id, OLD.person_id, OLD.type_id, OLD.note, OLD.occurred_at, OLD.logged_at, OLD.logged_by,
        OLD.completed_by, OLD.tags, OLD.reply_to, OLD.source) THEN
        RAISE EXCEPTION 'interactions are permanent: only the description, the posted-in-error mark and the visibility can change';
    END IF;
    RETURN NEW;
END
$$;
