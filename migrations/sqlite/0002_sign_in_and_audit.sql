-- Staff sign-in: password hashes, sessions kept in the database (so any
-- number of server processes can share them), and the audit log.

-- Argon2id in PHC string form. NULL: this staff member cannot sign in.
ALTER TABLE staff_members ADD COLUMN password_hash TEXT;

-- One row per signed-in browser. The cookie holds a random token; only its
-- SHA-256 is stored, so reading this table does not let anyone sign in.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    staff_id     INTEGER NOT NULL REFERENCES staff_members (id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    address      TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX sessions_by_staff ON sessions (staff_id);
CREATE INDEX sessions_by_last_seen ON sessions (last_seen_at);

-- Who did what, when (UTC milliseconds) and from where. Append-only.
CREATE TABLE audit_events (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    actor_id INTEGER REFERENCES staff_members (id),
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL DEFAULT '',
    details  TEXT NOT NULL DEFAULT '',
    address  TEXT NOT NULL DEFAULT ''
);
-- Recent sign-in failures per account and per address, for slowing guessing down.
CREATE INDEX audit_sign_in_failures_by_subject ON audit_events (subject, at) WHERE action = 'sign_in_failed';
CREATE INDEX audit_sign_in_failures_by_address ON audit_events (address, at) WHERE action = 'sign_in_failed';

CREATE TRIGGER audit_events_are_never_changed
BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are permanent: they cannot be changed');
END;

CREATE TRIGGER audit_events_are_never_deleted
BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are permanent: they cannot be deleted');
END;
