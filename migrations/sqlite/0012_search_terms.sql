-- The full-text index's words, each once, in order: a search word that no
-- longer indexed word starts with is matched as itself, which the index
-- streams, rather than as a prefix, whose every match it gathers and sorts
-- first (see `Store::whole_words`).
CREATE VIRTUAL TABLE interactions_fts_terms USING fts5vocab(interactions_fts, row);
