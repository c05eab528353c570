-- The full-text index answers a search in the log's own order. Its rowids
-- were the interactions' ids; now each is the row's place in time, `seq`:
-- occurred_at (milliseconds) times 2^20, plus how many earlier-recorded
-- interactions happened in the same millisecond. Ordering by `seq` is
-- ordering by (occurred_at, id), so a newest-first search walks the index's
-- matches newest first and stops after a page, however many rows match.
-- Neither part ever changes, so neither does `seq`.
ALTER TABLE interactions ADD COLUMN seq INTEGER;
UPDATE interactions SET seq = s.seq
FROM (SELECT id, occurred_at * 1048576 + row_number() OVER (PARTITION BY occurred_at ORDER BY id) - 1 AS seq
      FROM interactions) s
WHERE s.id = interactions.id;
CREATE UNIQUE INDEX interactions_by_seq ON interactions (seq);

-- Other orders walk their own index and test each row's `seq` against the
-- matches: each index carries it, so no row is read to find out.
DROP INDEX interactions_by_occurred;
CREATE INDEX interactions_by_occurred ON interactions (occurred_at, id, seq);
DROP INDEX interactions_by_description;
CREATE INDEX interactions_by_description ON interactions (description, id, seq);
DROP INDEX interactions_by_type;
CREATE INDEX interactions_by_type ON interactions (type_id, occurred_at, id, seq);
DROP INDEX interactions_by_person;
CREATE INDEX interactions_by_person ON interactions (person_id, occurred_at, id, seq);
DROP INDEX interactions_by_logger;
CREATE INDEX interactions_by_logger ON interactions (logged_by, occurred_at, id, seq);
DROP INDEX interactions_by_completer;
CREATE INDEX interactions_by_completer ON interactions (completed_by, occurred_at, id, seq);

-- In `seq` order: FTS5 writes out its pending terms whenever a rowid is
-- lower than the last one.
INSERT INTO interactions_fts (interactions_fts) VALUES ('delete-all');
INSERT INTO interactions_fts (rowid, description, tags, kind, person)
SELECT seq, description, tags, 'type' || type_id || ' ' || access, 'person' || person_id FROM interactions
ORDER BY seq;

-- A new row's place, then its words under it.
DROP TRIGGER interactions_fts_insert;
CREATE TRIGGER interactions_fts_insert
AFTER INSERT ON interactions
BEGIN
    SELECT RAISE(ABORT, 'more than 1,048,576 interactions cannot happen in the same millisecond')
    WHERE (SELECT count(*) FROM interactions WHERE occurred_at = NEW.occurred_at) > 1048576;
    UPDATE interactions
    SET seq = NEW.occurred_at * 1048576
        + (SELECT count(*) FROM interactions WHERE occurred_at = NEW.occurred_at AND id < NEW.id)
    WHERE id = NEW.id;
    INSERT INTO interactions_fts (rowid, description, tags, kind, person)
    SELECT seq, NEW.description, NEW.tags, 'type' || NEW.type_id || ' ' || NEW.access, 'person' || NEW.person_id
    FROM interactions WHERE id = NEW.id;
END;

DROP TRIGGER interactions_fts_rename;
CREATE TRIGGER interactions_fts_rename
AFTER UPDATE OF description, access ON interactions
WHEN NEW.description IS NOT OLD.description OR NEW.access IS NOT OLD.access
BEGIN
    INSERT INTO interactions_fts (interactions_fts, rowid, description, tags, kind, person)
    VALUES ('delete', OLD.seq, OLD.description, OLD.tags, 'type' || OLD.type_id || ' ' || OLD.access,
            'person' || OLD.person_id);
    INSERT INTO interactions_fts (rowid, description, tags, kind, person)
    VALUES (NEW.seq, NEW.description, NEW.tags, 'type' || NEW.type_id || ' ' || NEW.access, 'person' || NEW.person_id);
END;

-- `seq` is set once, by the insert trigger above.
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
  OR NEW.completed_by IS NOT OLD.completed_by
  OR NEW.tags IS NOT OLD.tags
  OR NEW.reply_to IS NOT OLD.reply_to
  OR NEW.source IS NOT OLD.source
  OR (OLD.seq IS NOT NULL AND NEW.seq IS NOT OLD.seq)
BEGIN
    SELECT RAISE(ABORT, 'interactions are permanent: only the description, the posted-in-error mark and the visibility can change');
END;
