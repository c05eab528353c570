-- People's details can be corrected: a preferred name, a date of birth
-- (YYYY-MM-DD) and a postal address join name, email and phone, and a
-- version refuses an edit made against older details. Every change is in
-- the audit log, before → after.
ALTER TABLE people ADD COLUMN preferred_name TEXT;
ALTER TABLE people ADD COLUMN date_of_birth TEXT CHECK (date_of_birth IS NULL OR length(date_of_birth) = 10);
ALTER TABLE people ADD COLUMN address TEXT;
ALTER TABLE people ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
