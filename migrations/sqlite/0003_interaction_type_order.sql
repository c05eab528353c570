-- Interaction types are ordered by fractional keys from the
-- `fractional_index` crate: hex strings of bytes ending in 0x80, compared as
-- bytes. Keys written before this migration are rewritten, in the same
-- order, as 80 hh ll 80 with hh, ll in 1..255. Their bytes
-- are never 0x00 (see store/types.rs).
CREATE TABLE interaction_type_ranks AS
    SELECT id, row_number() OVER (ORDER BY sort_key, id) AS n FROM interaction_types;

UPDATE interaction_types
SET sort_key = (SELECT printf('80%02x%02x80', 1 + n / 255, 1 + n % 255) FROM interaction_type_ranks r WHERE r.id = interaction_types.id);

DROP TABLE interaction_type_ranks;
