-- Interaction types are ordered by fractional keys from the
-- `fractional_index` crate: hex strings of bytes ending in 0x80, compared as
-- bytes. Keys written before this migration are rewritten, in the same
-- order, as 80 hh ll 80 with hh, ll in 1..255. Their bytes are never 0x00
-- (see store/types.rs).
UPDATE interaction_types t
SET sort_key = '80' || lpad(to_hex(1 + r.n / 255), 2, '0') || lpad(to_hex(1 + r.n % 255), 2, '0') || '80'
FROM (SELECT id, row_number() OVER (ORDER BY sort_key, id) AS n FROM interaction_types) r
WHERE r.id = t.id;
