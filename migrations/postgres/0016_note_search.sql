-- The log's search matches words in the note too: the search table's words
-- are the description's, the tags' and the note's.
CREATE FUNCTION interlog_search_words(description TEXT, tags TEXT, note TEXT) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT strip(to_tsvector('simple'::regconfig, interlog_search_text(description || ' ' || tags || ' ' || note)))
$$;

CREATE OR REPLACE FUNCTION interaction_search_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO interaction_search (id, occurred_at, type_id, person_id, words, access)
    SELECT id, occurred_at, type_id, person_id, interlog_search_words(description, tags, note), access FROM inserted;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION interaction_search_rename() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE interaction_search SET words = interlog_search_words(NEW.description, NEW.tags, NEW.note)
    WHERE id = NEW.id;
    RETURN NULL;
END
$$;

UPDATE interaction_search s SET words = interlog_search_words(i.description, i.tags, i.note)
FROM interactions i WHERE i.id = s.id;
