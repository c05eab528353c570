-- Roles are sets of permissions. The four built-in roles keep the
-- permissions they had as fixed bundles and cannot be changed or deleted;
-- admins add their own. A staff member's role is now a row, not a name.
CREATE TABLE roles (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    -- Permission keys (access.rs, Permission::key), space-separated.
    permissions TEXT NOT NULL,
    built_in    INTEGER NOT NULL DEFAULT 0 CHECK (built_in IN (0, 1)),
    -- Refuses an edit made against an older version of the role.
    version     INTEGER NOT NULL DEFAULT 1
);
INSERT INTO roles (id, name, permissions, built_in) VALUES
    (1, 'Admin', 'view_interactions create_interactions rename_descriptions assign_actions see_all_actions manage_interaction_types manage_staff see_restricted', 1),
    (2, 'Manager', 'view_interactions create_interactions rename_descriptions assign_actions see_all_actions', 1),
    (3, 'Staff', 'view_interactions create_interactions rename_descriptions assign_actions', 1),
    (4, 'Read-only', 'view_interactions', 1);

ALTER TABLE staff_members ADD COLUMN role_id INTEGER REFERENCES roles (id);
UPDATE staff_members SET role_id = CASE role WHEN 'admin' THEN 1 WHEN 'manager' THEN 2 WHEN 'staff' THEN 3 ELSE 4 END;
ALTER TABLE staff_members DROP COLUMN role;
CREATE INDEX staff_members_by_role ON staff_members (role_id);

-- SQLite cannot add a NOT NULL column that references another table:
-- these triggers keep every staff member's role set.
CREATE TRIGGER staff_members_role_on_insert BEFORE INSERT ON staff_members WHEN NEW.role_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'a staff member needs a role');
END;
CREATE TRIGGER staff_members_role_on_update BEFORE UPDATE OF role_id ON staff_members WHEN NEW.role_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'a staff member needs a role');
END;
