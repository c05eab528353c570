-- People's details can be corrected: see SQLite's migration of the same name.
ALTER TABLE people ADD COLUMN preferred_name TEXT;
ALTER TABLE people ADD COLUMN date_of_birth TEXT CHECK (date_of_birth IS NULL OR length(date_of_birth) = 10);
ALTER TABLE people ADD COLUMN address TEXT;
ALTER TABLE people ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
