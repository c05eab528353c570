-- A source filter read by someone who may not open every record counts its
-- rows (up to the cap) from the source index alone: the index carries each
-- row's access, so no row is read to learn whether the reader may open it.
DROP INDEX interactions_by_source;
CREATE INDEX interactions_by_source ON interactions (source, occurred_at, id, seq, access);
