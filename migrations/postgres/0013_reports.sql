-- Reports count interactions per day in the organisation's time zone: see
-- SQLite's migration of the same name.

CREATE TABLE report_zone (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL
);
INSERT INTO report_zone (id, name) VALUES (1, '');

CREATE TABLE report_zone_offsets (
    starts_at BIGINT PRIMARY KEY,
    offset_ms BIGINT NOT NULL
);

CREATE TABLE report_day_counts (
    day      INTEGER NOT NULL,
    type_id  BIGINT NOT NULL REFERENCES interaction_types (id),
    staff_id BIGINT NOT NULL REFERENCES staff_members (id),
    access   TEXT COLLATE "C" NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (day, type_id, staff_id, access)
);

-- A moment's local day, counted from 1899-12-01.
CREATE FUNCTION interlog_report_day(at BIGINT) RETURNS INTEGER
LANGUAGE sql STABLE AS $$
    SELECT ((at + 2211667200000 + coalesce((SELECT o.offset_ms FROM report_zone_offsets o
             WHERE o.starts_at <= at ORDER BY o.starts_at DESC LIMIT 1), 0)) / 86400000)::INTEGER
$$;

CREATE FUNCTION interactions_report_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_day_counts (day, type_id, staff_id, access, n)
    SELECT interlog_report_day(occurred_at), type_id, coalesce(completed_by, logged_by), access, count(*)
    FROM inserted WHERE error_marked_at IS NULL GROUP BY 1, 2, 3, 4
    ON CONFLICT (day, type_id, staff_id, access) DO UPDATE SET n = report_day_counts.n + EXCLUDED.n;
    RETURN NULL;
END
$$;

CREATE TRIGGER interactions_report_insert
AFTER INSERT ON interactions
REFERENCING NEW TABLE AS inserted
FOR EACH STATEMENT EXECUTE FUNCTION interactions_report_insert();

-- A visibility change moves the row's count; a posted-in-error mark takes
-- it out, and taking the mark back puts it back.
CREATE FUNCTION interactions_report_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.error_marked_at IS NULL THEN
        UPDATE report_day_counts SET n = n - 1
        WHERE day = interlog_report_day(OLD.occurred_at) AND type_id = OLD.type_id
          AND staff_id = coalesce(OLD.completed_by, OLD.logged_by) AND access = OLD.access;
    END IF;
    IF NEW.error_marked_at IS NULL THEN
        INSERT INTO report_day_counts (day, type_id, staff_id, access, n)
        VALUES (interlog_report_day(NEW.occurred_at), NEW.type_id, coalesce(NEW.completed_by, NEW.logged_by),
                NEW.access, 1)
        ON CONFLICT (day, type_id, staff_id, access) DO UPDATE SET n = report_day_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER interactions_report_change
AFTER UPDATE OF access, error_marked_at ON interactions
FOR EACH ROW WHEN (OLD.access IS DISTINCT FROM NEW.access
                   OR (OLD.error_marked_at IS NULL) <> (NEW.error_marked_at IS NULL))
EXECUTE FUNCTION interactions_report_change();

-- Reports are for Admins and Managers by default; custom roles may be given
-- the permission too.
UPDATE roles SET permissions = permissions || ' view_reports' WHERE id IN (1, 2);
