-- The log's source, posted-in-error and replies filters: each meets its rows
-- newest first, and counts them, from its own index rather than walking the
-- whole log for a source or a mark that few rows have.
CREATE INDEX interactions_by_source ON interactions (source, occurred_at, id);
CREATE INDEX interactions_in_error ON interactions (occurred_at, id) WHERE error_marked_at IS NOT NULL;
CREATE INDEX interactions_replying ON interactions (occurred_at, id) WHERE reply_to IS NOT NULL;
