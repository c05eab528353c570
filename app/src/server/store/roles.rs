//! Roles: named sets of permissions. The four built-in roles are fixed;
//! admins create, rename, change and delete their own. Every change is
//! audited in its transaction, and no change may leave nobody active who
//! can manage staff.

use sqlx::{AnyConnection, Row};

use super::staff::{insert_audit, Actor};
use super::{Engine, Store, StoreError};
use crate::access::{Permission, Permissions, Role, RoleSummary};

/// The columns [`role_of`] reads, from a join of `roles r`.
pub(super) const ROLE_COLUMNS: &str = "r.id AS role_id, r.name AS role_name, r.permissions AS role_permissions,
     r.built_in AS role_built_in, r.version AS role_version";

/// The role in a row selected with [`ROLE_COLUMNS`].
pub(super) fn role_of(row: &sqlx::any::AnyRow) -> Result<Role, sqlx::Error> {
    let keys: String = row.try_get("role_permissions")?;
    Ok(Role {
        id: row.try_get("role_id")?,
        name: row.try_get("role_name")?,
        permissions: Permissions::from_keys(&keys).map_err(|e| sqlx::Error::Decode(e.into()))?,
        built_in: row.try_get::<i64, _>("role_built_in")? == 1,
        version: row.try_get("role_version")?,
    })
}

/// A SQL condition: role `r` grants `permission` (a constant key, never
/// user input).
pub(super) fn grants_sql(permission: Permission) -> String {
    format!("(' ' || r.permissions || ' ') LIKE '% {} %'", permission.key())
}

/// Role `id`, locked for the change that follows (PostgreSQL).
async fn lock_role(conn: &mut AnyConnection, engine: Engine, id: i64) -> Result<Option<Role>, StoreError> {
    let sql = format!("SELECT {ROLE_COLUMNS} FROM roles r WHERE r.id = $1{}", engine.for_update());
    let row = sqlx::query(&sql).bind(id).fetch_optional(&mut *conn).await?;
    Ok(row.map(|r| role_of(&r)).transpose()?)
}

/// Role `id`, to give to someone, or a refusal naming it as gone.
pub(super) async fn role_by_id(conn: &mut AnyConnection, engine: Engine, id: i64) -> Result<Role, StoreError> {
    lock_role(conn, engine, id)
        .await?
        .ok_or_else(|| StoreError::Invalid("That role does not exist (any more). Reload and try again.".into()))
}

/// A staff member's name, whether they are active, and their role.
pub(super) async fn staff_role(
    conn: &mut AnyConnection,
    staff_id: i64,
) -> Result<Option<(String, bool, Role)>, StoreError> {
    let sql = format!(
        "SELECT m.name, m.active, {ROLE_COLUMNS} FROM staff_members m JOIN roles r ON r.id = m.role_id WHERE m.id = $1"
    );
    let Some(row) = sqlx::query(&sql).bind(staff_id).fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    Ok(Some((row.try_get("name")?, row.try_get::<i64, _>("active")? == 1, role_of(&row)?)))
}

/// Locks the active staff who may manage staff (on PostgreSQL), before a
/// change that could take that permission from them: two admins demoting
/// each other at once then run one after the other.
pub(super) async fn lock_staff_managers(conn: &mut AnyConnection, engine: Engine) -> Result<(), StoreError> {
    let sql = staff_managers_sql("m.id", &format!(" ORDER BY m.id{}", engine.for_update()));
    sqlx::query(&sql).fetch_all(&mut *conn).await?;
    Ok(())
}

/// `SELECT {what}` over the active staff who may manage staff, then `tail`.
fn staff_managers_sql(what: &str, tail: &str) -> String {
    format!(
        "SELECT {what} FROM staff_members m JOIN roles r ON r.id = m.role_id WHERE m.active = 1 AND {}{tail}",
        grants_sql(Permission::ManageStaff)
    )
}

/// Refuses (so the transaction rolls back) a change that left nobody active
/// who may manage staff.
pub(super) async fn check_staff_managers(conn: &mut AnyConnection) -> Result<(), StoreError> {
    let holders: i64 = sqlx::query_scalar(&staff_managers_sql("count(*)", "")).fetch_one(&mut *conn).await?;
    if holders == 0 {
        return Err(StoreError::Invalid(
            "Interlog needs at least one active staff member who may manage staff: give someone else that permission first."
                .into(),
        ));
    }
    Ok(())
}

impl Store {
    /// How many active staff may manage staff (none: nobody can add staff).
    pub async fn active_staff_managers(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(&staff_managers_sql("count(*)", "")).fetch_one(&self.pool).await?)
    }

    /// Every role, built-in first, then by name, with how many staff hold it.
    pub async fn roles(&self) -> Result<Vec<RoleSummary>, StoreError> {
        let sql = format!(
            "SELECT {ROLE_COLUMNS}, (SELECT count(*) FROM staff_members m WHERE m.role_id = r.id) AS holders
             FROM roles r ORDER BY r.built_in DESC, CASE WHEN r.built_in = 1 THEN r.id ELSE 0 END, lower(r.name), r.id"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| Ok(RoleSummary { role: role_of(r)?, holders: r.try_get("holders")? }))
            .collect::<Result<_, sqlx::Error>>()?)
    }

    /// Creates a role (its name already validated).
    pub async fn create_role(&self, name: &str, permissions: Permissions, by: &Actor) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        name_free(&mut tx, name, None).await?;
        let id: i64 = sqlx::query_scalar("INSERT INTO roles (name, permissions) VALUES ($1, $2) RETURNING id")
            .bind(name)
            .bind(permissions.to_keys())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| name_taken(e, name))?;
        insert_audit(&mut tx, &by.event("role_created", name, format!("permissions: {}", permissions.describe())))
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Renames a role and sets its permissions, against the version the
    /// editor saw. Built-in roles are fixed.
    pub async fn update_role(
        &self,
        id: i64,
        name: &str,
        permissions: Permissions,
        version: i64,
        by: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        lock_staff_managers(&mut tx, self.engine).await?;
        let before = self.editable_role(&mut tx, id, version).await?;
        name_free(&mut tx, name, Some(id)).await?;
        sqlx::query("UPDATE roles SET name = $2, permissions = $3, version = version + 1 WHERE id = $1")
            .bind(id)
            .bind(name)
            .bind(permissions.to_keys())
            .execute(&mut *tx)
            .await
            .map_err(|e| name_taken(e, name))?;
        check_staff_managers(&mut tx).await?;
        let mut changes = Vec::new();
        if before.name != name {
            changes.push(format!("name: {} → {name}", before.name));
        }
        if before.permissions != permissions {
            changes.push(format!("permissions: {} → {}", before.permissions.describe(), permissions.describe()));
        }
        if !changes.is_empty() {
            insert_audit(&mut tx, &by.event("role_changed", name, changes.join("; "))).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a role nobody holds.
    pub async fn delete_role(&self, id: i64, version: i64, by: &Actor) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let role = self.editable_role(&mut tx, id, version).await?;
        let holders: i64 = sqlx::query_scalar("SELECT count(*) FROM staff_members WHERE role_id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        if holders > 0 {
            let who = if holders == 1 { "1 staff member holds it" } else { "staff members hold it" };
            return Err(StoreError::Unprocessable(format!(
                "{} cannot be deleted while {who}: give them another role first.",
                role.name
            )));
        }
        sqlx::query("DELETE FROM roles WHERE id = $1").bind(id).execute(&mut *tx).await?;
        insert_audit(
            &mut tx,
            &by.event("role_deleted", &role.name, format!("permissions: {}", role.permissions.describe())),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Role `id`, locked, when it is a custom role still at `version`.
    async fn editable_role(&self, conn: &mut AnyConnection, id: i64, version: i64) -> Result<Role, StoreError> {
        let role = lock_role(conn, self.engine, id).await?.ok_or(StoreError::NotFound)?;
        if role.built_in {
            return Err(StoreError::Unprocessable(format!(
                "{} is built in: it cannot be changed or deleted.",
                role.name
            )));
        }
        if role.version != version {
            return Err(StoreError::Conflict(format!(
                "Someone else changed the role {} since you opened this page. Its current permissions are shown: make your change again.",
                role.name
            )));
        }
        Ok(role)
    }
}

/// The refusal for a name another role took at the same moment (two
/// PostgreSQL transactions passed [`name_free`] at once); other errors as
/// they are.
fn name_taken(error: sqlx::Error, name: &str) -> StoreError {
    match &error {
        sqlx::Error::Database(e) if e.is_unique_violation() => {
            StoreError::Invalid(format!("There is already a role called {name}."))
        }
        _ => error.into(),
    }
}

/// Refuses a role name another role has (ignoring case).
async fn name_free(conn: &mut AnyConnection, name: &str, except: Option<i64>) -> Result<(), StoreError> {
    let taken: i64 = sqlx::query_scalar("SELECT count(*) FROM roles WHERE lower(name) = lower($1) AND id <> $2")
        .bind(name)
        .bind(except.unwrap_or(0))
        .fetch_one(&mut *conn)
        .await?;
    if taken > 0 {
        return Err(StoreError::Invalid(format!("There is already a role called {name}.")));
    }
    Ok(())
}
