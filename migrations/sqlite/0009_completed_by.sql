-- "Completed by": the staff member who had the interaction, when someone
-- else records it for them. Every existing interaction was had by whoever
-- logged it. Like the rest of the record, it never changes.
ALTER TABLE interactions ADD COLUMN completed_by INTEGER REFERENCES staff_members (id);
UPDATE interactions SET completed_by = logged_by;
CREATE INDEX interactions_by_completer ON interactions (completed_by, occurred_at);

-- SQLite cannot add a NOT NULL column that references another table.
CREATE TRIGGER interactions_completed_by_required
BEFORE INSERT ON interactions WHEN NEW.completed_by IS NULL
BEGIN
    SELECT RAISE(ABORT, 'an interaction needs the staff member who completed it');
END;

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
BEGIN
    SELECT RAISE(ABORT, 'interactions are permanent: only the description, the posted-in-error mark and the visibility can change');
END;
