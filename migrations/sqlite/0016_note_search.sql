-- The log's search matches words in the note too: the full-text index gains
-- a `note` column. FTS5 tables cannot gain a column, so the index is made
-- again, filled in `seq` order (see 0011), and its triggers pass the note.
DROP TRIGGER interactions_fts_insert;
DROP TRIGGER interactions_fts_rename;
DROP TABLE interactions_fts_terms;
DROP TABLE interactions_fts;

CREATE VIRTUAL TABLE interactions_fts USING fts5 (
    description,
    tags,
    note,
    kind,
    person,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO interactions_fts (rowid, description, tags, note, kind, person)
SELECT seq, description, tags, note, 'type' || type_id || ' ' || access, 'person' || person_id FROM interactions
ORDER BY seq;
CREATE VIRTUAL TABLE interactions_fts_terms USING fts5vocab(interactions_fts, row);

CREATE TRIGGER interactions_fts_insert
AFTER INSERT ON interactions
BEGIN
    SELECT RAISE(ABORT, 'more than 1,048,576 interactions cannot happen in the same millisecond')
    WHERE (SELECT count(*) FROM interactions WHERE occurred_at = NEW.occurred_at) > 1048576;
    UPDATE interactions
    SET seq = NEW.occurred_at * 1048576
        + (SELECT count(*) FROM interactions WHERE occurred_at = NEW.occurred_at AND id < NEW.id)
    WHERE id = NEW.id;
    INSERT INTO interactions_fts (rowid, description, tags, note, kind, person)
    SELECT seq, NEW.description, NEW.tags, NEW.note, 'type' || NEW.type_id || ' ' || NEW.access,
           'person' || NEW.person_id
    FROM interactions WHERE id = NEW.id;
END;

CREATE TRIGGER interactions_fts_rename
AFTER UPDATE OF description, access ON interactions
WHEN NEW.description IS NOT OLD.description OR NEW.access IS NOT OLD.access
BEGIN
    INSERT INTO interactions_fts (interactions_fts, rowid, description, tags, note, kind, person)
    VALUES ('delete', OLD.seq, OLD.description, OLD.tags, OLD.note, 'type' || OLD.type_id || ' ' || OLD.access,
            'person' || OLD.person_id);
    INSERT INTO interactions_fts (rowid, description, tags, note, kind, person)
    VALUES (NEW.seq, NEW.description, NEW.tags, NEW.note, 'type' || NEW.type_id || ' ' || NEW.access,
            'person' || NEW.person_id);
END;
