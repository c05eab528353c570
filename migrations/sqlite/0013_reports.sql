-- Reports count interactions per day in the organisation's time zone,
-- from a table kept current by the triggers below, so a two-year report
-- reads a few thousand rows rather than every interaction in the range.

-- The time zone the day counts are in; '' until the server first sets it
-- (`Store::prepare_reports`), which also fills the offsets and counts.
CREATE TABLE report_zone (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL
);
INSERT INTO report_zone (id, name) VALUES (1, '');

-- The zone's offset from UTC from each moment it changed (summer time),
-- 1900 to 2100: a row's local day is its UTC time plus the offset then.
CREATE TABLE report_zone_offsets (
    starts_at INTEGER PRIMARY KEY,
    offset_ms INTEGER NOT NULL
);

-- Interactions per local day, type, staff member who had it (completed by,
-- or else logged by) and access keys (so a reader's totals leave out what
-- they may not open). `day` counts days from 1899-12-01. Interactions
-- posted in error are not counted.
CREATE TABLE report_day_counts (
    day      INTEGER NOT NULL,
    type_id  INTEGER NOT NULL REFERENCES interaction_types (id),
    staff_id INTEGER NOT NULL REFERENCES staff_members (id),
    access   TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (day, type_id, staff_id, access)
) WITHOUT ROWID;

CREATE TRIGGER interactions_report_insert
AFTER INSERT ON interactions
WHEN NEW.error_marked_at IS NULL
BEGIN
    INSERT INTO report_day_counts (day, type_id, staff_id, access, n)
    VALUES ((NEW.occurred_at + 2211667200000 + coalesce((SELECT o.offset_ms FROM report_zone_offsets o
                 WHERE o.starts_at <= NEW.occurred_at ORDER BY o.starts_at DESC LIMIT 1), 0)) / 86400000,
            NEW.type_id, coalesce(NEW.completed_by, NEW.logged_by), NEW.access, 1)
    ON CONFLICT (day, type_id, staff_id, access) DO UPDATE SET n = n + 1;
END;

-- A visibility change moves the row's count; a posted-in-error mark takes
-- it out, and taking the mark back puts it back.
CREATE TRIGGER interactions_report_change
AFTER UPDATE OF access, error_marked_at ON interactions
WHEN NEW.access IS NOT OLD.access OR (NEW.error_marked_at IS NULL) <> (OLD.error_marked_at IS NULL)
BEGIN
    UPDATE report_day_counts SET n = n - 1
    WHERE OLD.error_marked_at IS NULL
      AND day = (OLD.occurred_at + 2211667200000 + coalesce((SELECT o.offset_ms FROM report_zone_offsets o
                     WHERE o.starts_at <= OLD.occurred_at ORDER BY o.starts_at DESC LIMIT 1), 0)) / 86400000
      AND type_id = OLD.type_id AND staff_id = coalesce(OLD.completed_by, OLD.logged_by) AND access = OLD.access;
    INSERT INTO report_day_counts (day, type_id, staff_id, access, n)
    SELECT (NEW.occurred_at + 2211667200000 + coalesce((SELECT o.offset_ms FROM report_zone_offsets o
                WHERE o.starts_at <= NEW.occurred_at ORDER BY o.starts_at DESC LIMIT 1), 0)) / 86400000,
           NEW.type_id, coalesce(NEW.completed_by, NEW.logged_by), NEW.access, 1
    WHERE NEW.error_marked_at IS NULL
    ON CONFLICT (day, type_id, staff_id, access) DO UPDATE SET n = n + 1;
END;

-- Reports are for Admins and Managers by default; custom roles may be given
-- the permission too.
UPDATE roles SET permissions = permissions || ' view_reports' WHERE id IN (1, 2);
