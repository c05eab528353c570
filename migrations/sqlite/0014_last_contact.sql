-- The Last contact report and a profile's "Last contact" strip ask for the
-- latest interaction of a type per person: this index answers from its
-- entries alone, leaving out what is posted in error and testing each
-- reader's access keys on the way.
CREATE INDEX interactions_last_contact ON interactions (type_id, person_id, occurred_at, access)
    WHERE error_marked_at IS NULL;
