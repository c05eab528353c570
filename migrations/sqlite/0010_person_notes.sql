-- Notes on a person ("Things to know"): editable, pinnable, deletable facts,
-- not interactions (never in the log, never under the permanence rules).
-- Each edit keeps the text it replaced; a delete is in the audit log.
CREATE TABLE person_notes (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    body       TEXT NOT NULL,
    pinned     INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    -- Who may read it, as interactions.access.
    access     TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL REFERENCES staff_members (id),
    created_at INTEGER NOT NULL,
    updated_by INTEGER NOT NULL REFERENCES staff_members (id),
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX person_notes_by_person ON person_notes (person_id);

CREATE TABLE person_note_revisions (
    id         INTEGER PRIMARY KEY,
    note_id    INTEGER NOT NULL REFERENCES person_notes (id),
    old_body   TEXT NOT NULL,
    revised_by INTEGER NOT NULL REFERENCES staff_members (id),
    revised_at INTEGER NOT NULL
);
CREATE INDEX person_note_revisions_by_note ON person_note_revisions (note_id, id);

-- Who may read an audit event's details when what it is about is gone (a
-- deleted note keeps its text here): as interactions.access.
ALTER TABLE audit_events ADD COLUMN access TEXT NOT NULL DEFAULT '';
