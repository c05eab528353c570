-- Recording interactions: where each came from, the reversible "posted in
-- error" mark, and automatic capture by other systems through API tokens.

-- Where an interaction came from: typed in by staff, or posted by another
-- system (its channel). Permanent, like the rest of the record.
ALTER TABLE interactions ADD COLUMN source TEXT NOT NULL DEFAULT 'staff'
    CHECK (source IN ('staff', 'email', 'sms', 'whatsapp', 'call', 'other'));

-- Posted in error: the record stays, marked with why, by whom and when. The
-- mark can be withdrawn (all four NULL again); the audit log keeps both.
ALTER TABLE interactions ADD COLUMN error_reason TEXT;
ALTER TABLE interactions ADD COLUMN error_marked_by INTEGER REFERENCES staff_members (id);
ALTER TABLE interactions ADD COLUMN error_marked_at INTEGER;

-- The permanent columns now include the source.
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
    SELECT RAISE(ABORT, 'interactions are permanent: only the description and the posted-in-error mark can change');
END;

CREATE INDEX people_by_email ON people (email) WHERE email IS NOT NULL;

-- Tokens other systems post interactions with. Only the SHA-256 of a token
-- is stored; the token itself is shown once, when it is created. Each token
-- posts as one staff member (its interactions are logged by them).
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    -- The token's last four characters, to tell tokens apart.
    hint         TEXT NOT NULL,
    staff_id     INTEGER NOT NULL REFERENCES staff_members (id),
    created_by   INTEGER NOT NULL REFERENCES staff_members (id),
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);

-- Idempotency keys: a retried request with the same key gets the same
-- interaction back instead of a second one.
CREATE TABLE api_idempotency_keys (
    token_id       INTEGER NOT NULL REFERENCES api_tokens (id),
    key            TEXT NOT NULL,
    request_hash   TEXT NOT NULL,
    interaction_id INTEGER NOT NULL REFERENCES interactions (id),
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (token_id, key)
) WITHOUT ROWID;
