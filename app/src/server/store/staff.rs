//! Staff, teams, sessions and the audit log.
//!
//! Every change to staff, roles and teams writes its audit event in the same
//! transaction as the change: either both are kept or neither is.

use std::collections::BTreeMap;

use sqlx::{AnyConnection, Row};

use super::roles::{check_staff_managers, lock_staff_managers, role_by_id, role_of, ROLE_COLUMNS};
use super::{Reader, StaffRecord, Store, StoreError};
use crate::access::{AuditEntry, AuditPage, NewStaffMember, Permission, Role, StaffDirectory, StaffMember, Team};
use crate::server::time::{iso_time, Millis};

/// One line for the audit log. `actor_id` is `None` when nobody is signed in
/// (a failed sign-in) or a server command acted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: Millis,
    pub actor_id: Option<i64>,
    pub action: &'static str,
    pub subject: String,
    pub details: String,
    pub address: String,
    /// The interaction it is about, if any.
    pub interaction_id: Option<i64>,
    /// Who may read its details when what it is about is gone (a deleted
    /// note's text): as `interactions.access`; empty for all.
    pub access: String,
}

impl AuditEvent {
    /// The same event, about interaction `id`.
    pub fn about(self, id: i64) -> AuditEvent {
        AuditEvent { interaction_id: Some(id), ..self }
    }
}

/// Recent failed sign-ins for one account and from one address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SignInFailures {
    pub account: i64,
    pub account_last: Option<Millis>,
    pub address: i64,
    pub address_last: Option<Millis>,
}

/// Who is changing staff, and from where: written into each audit event.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: Option<i64>,
    pub address: String,
    pub at: Millis,
}

impl Actor {
    /// An audit event by this actor, now.
    pub fn event(&self, action: &'static str, subject: &str, details: String) -> AuditEvent {
        AuditEvent {
            at: self.at,
            actor_id: self.id,
            action,
            subject: subject.to_string(),
            details,
            address: self.address.clone(),
            interaction_id: None,
            access: String::new(),
        }
    }
}

pub(super) async fn insert_audit(conn: &mut AnyConnection, event: &AuditEvent) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_events (at, actor_id, action, subject, details, address, interaction_id, access)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(event.at)
    .bind(event.actor_id)
    .bind(event.action)
    .bind(&event.subject)
    .bind(&event.details)
    .bind(&event.address)
    .bind(event.interaction_id)
    .bind(&event.access)
    .execute(conn)
    .await?;
    Ok(())
}

/// The staff member's row as the audit log describes it.
struct StaffState {
    email: String,
    role: Role,
    active: bool,
    teams: Vec<String>,
}

impl Store {
    // ----- audit --------------------------------------------------------

    pub async fn record_audit(&self, event: &AuditEvent) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        insert_audit(&mut conn, event).await
    }

    /// A page of the audit log, newest first, older than event `before`. The
    /// details of an event about an interaction `reader` may not open are
    /// withheld.
    pub async fn audit_page(
        &self,
        before: Option<i64>,
        limit: usize,
        reader: &Reader,
    ) -> Result<AuditPage, StoreError> {
        let rows = sqlx::query(
            "SELECT a.id, a.at, COALESCE(m.name, '') AS actor, a.action, a.subject, a.details, a.address,
                    CASE WHEN x.id IS NULL THEN a.access ELSE x.access END AS access
             FROM audit_events a LEFT JOIN staff_members m ON m.id = a.actor_id
             LEFT JOIN interactions x ON x.id = a.interaction_id
             WHERE a.id < $1 ORDER BY a.id DESC LIMIT $2",
        )
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit as i64 + 1)
        .fetch_all(&self.pool)
        .await?;
        let mut entries = rows
            .iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    at: iso_time(r.try_get("at")?),
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    subject: r.try_get("subject")?,
                    details: match reader.opens(r.try_get("access")?) {
                        true => r.try_get("details")?,
                        false => "(about an interaction you may not open)".into(),
                    },
                    address: r.try_get("address")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let older = if entries.len() > limit {
            entries.truncate(limit);
            entries.last().map(|e| e.id)
        } else {
            None
        };
        Ok(AuditPage { entries, older })
    }

    // ----- sign-in and sessions ------------------------------------------

    /// The active staff member with this email, and their password hash
    /// (`None`: no password set, they cannot sign in).
    pub async fn staff_for_sign_in(&self, email: &str) -> Result<Option<(StaffRecord, Option<String>)>, StoreError> {
        let sql = format!(
            "SELECT m.id, m.name, m.email, m.password_hash, {ROLE_COLUMNS}
             FROM staff_members m JOIN roles r ON r.id = m.role_id WHERE lower(m.email) = $1 AND m.active = 1"
        );
        let row = sqlx::query(&sql).bind(email.to_lowercase()).fetch_optional(&self.pool).await?;
        row.map(|r| {
            let record = staff_record(&r)?;
            Ok((record, r.try_get::<Option<String>, _>("password_hash")?))
        })
        .transpose()
    }

    /// Failed sign-ins since `since` for the account `email` and from `address`.
    pub async fn sign_in_failures(
        &self,
        email: &str,
        address: &str,
        since: Millis,
    ) -> Result<SignInFailures, StoreError> {
        let row = sqlx::query(
            "SELECT
               (SELECT count(*) FROM audit_events WHERE action = 'sign_in_failed' AND subject = $1 AND at >= $3) AS account,
               (SELECT max(at) FROM audit_events WHERE action = 'sign_in_failed' AND subject = $1 AND at >= $3) AS account_last,
               (SELECT count(*) FROM audit_events WHERE action = 'sign_in_failed' AND address = $2 AND at >= $3) AS address,
               (SELECT max(at) FROM audit_events WHERE action = 'sign_in_failed' AND address = $2 AND at >= $3) AS address_last",
        )
        .bind(email.to_lowercase())
        .bind(address)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok(SignInFailures {
            account: row.try_get("account")?,
            account_last: row.try_get("account_last")?,
            address: row.try_get("address")?,
            address_last: row.try_get("address_last")?,
        })
    }

    /// Starts a session for a staff member who just signed in, and clears
    /// away sessions that have ended (idle since `idle_before`, or started
    /// before `started_before`).
    pub async fn create_session(
        &self,
        token_hash: &str,
        staff_id: i64,
        address: &str,
        now: Millis,
        idle_before: Millis,
        started_before: Millis,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
            .bind(idle_before)
            .bind(started_before)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, staff_id, created_at, last_seen_at, address) VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(token_hash)
        .bind(staff_id)
        .bind(now)
        .bind(address)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The active staff member a live session belongs to, and when the session
    /// was last used. A session idle since `idle_before` or started before
    /// `started_before` has ended; so has one whose staff member was disabled.
    pub async fn session_staff(
        &self,
        token_hash: &str,
        idle_before: Millis,
        started_before: Millis,
    ) -> Result<Option<(StaffRecord, Millis)>, StoreError> {
        let sql = format!(
            "SELECT m.id, m.name, m.email, s.last_seen_at, {ROLE_COLUMNS}
             FROM sessions s JOIN staff_members m ON m.id = s.staff_id JOIN roles r ON r.id = m.role_id
             WHERE s.token_hash = $1 AND m.active = 1 AND s.last_seen_at >= $2 AND s.created_at >= $3"
        );
        let row = sqlx::query(&sql)
            .bind(token_hash)
            .bind(idle_before)
            .bind(started_before)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((staff_record(&r)?, r.try_get("last_seen_at")?))).transpose()
    }

    /// Staff members by name: the active ones (whom an interaction may be
    /// recorded for), or everyone who ever had or logged one (the log's
    /// staff filters).
    pub async fn staff_names(&self, active_only: bool) -> Result<Vec<(i64, String)>, StoreError> {
        let order = self.engine.nocase("name");
        let only = if active_only { "WHERE active = 1" } else { "" };
        let sql = format!("SELECT id, name FROM staff_members {only} ORDER BY {order}, id LIMIT 5000");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("name")?))).collect::<Result<_, sqlx::Error>>()?)
    }

    /// Staff member `id` with their role, active or not.
    pub async fn staff_record(&self, id: i64) -> Result<Option<StaffRecord>, StoreError> {
        let sql = format!(
            "SELECT m.id, m.name, m.email, {ROLE_COLUMNS} FROM staff_members m JOIN roles r ON r.id = m.role_id
             WHERE m.id = $1"
        );
        let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
        Ok(row.map(|r| staff_record(&r)).transpose()?)
    }

    /// Marks a session as used now (it stays alive for another idle period).
    pub async fn touch_session(&self, token_hash: &str, now: Millis) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2")
            .bind(token_hash)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
        Ok(())
    }

    /// How many sessions a staff member has open (for tests and the admin).
    pub async fn session_count(&self, staff_id: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT count(*) FROM sessions WHERE staff_id = $1")
            .bind(staff_id)
            .fetch_one(&self.pool)
            .await?)
    }

    // ----- staff and teams ----------------------------------------------

    pub async fn staff_directory(&self) -> Result<StaffDirectory, StoreError> {
        let teams = all_teams(&mut *self.pool.acquire().await?).await?;
        let mut memberships: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for r in sqlx::query("SELECT staff_id, team_id FROM staff_teams").fetch_all(&self.pool).await? {
            memberships.entry(r.try_get("staff_id")?).or_default().push(r.try_get("team_id")?);
        }
        let staff = sqlx::query(
            "SELECT id, name, email, role_id, active, CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END AS can_sign_in
             FROM staff_members ORDER BY lower(name), id",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            Ok(StaffMember {
                id,
                name: r.try_get("name")?,
                email: r.try_get("email")?,
                role_id: r.try_get("role_id")?,
                team_ids: memberships.remove(&id).unwrap_or_default(),
                active: r.try_get::<i64, _>("active")? == 1,
                can_sign_in: r.try_get::<i64, _>("can_sign_in")? == 1,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
        let roles = self.roles().await?.into_iter().map(|r| r.role).collect();
        Ok(StaffDirectory { staff, teams, roles })
    }

    /// Adds a staff member (already validated; the password already hashed).
    pub async fn add_staff_member(
        &self,
        new: &NewStaffMember,
        password_hash: Option<&str>,
        by: &Actor,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let role = role_by_id(&mut tx, self.engine, new.role_id).await?;
        let taken: i64 = sqlx::query_scalar("SELECT count(*) FROM staff_members WHERE lower(email) = $1")
            .bind(new.email.to_lowercase())
            .fetch_one(&mut *tx)
            .await?;
        if taken > 0 {
            return Err(StoreError::Invalid(format!("A staff member with the email {} already exists.", new.email)));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO staff_members (name, email, role_id, created_at, password_hash) VALUES ($1, $2, $3, $4, $5)
             RETURNING id",
        )
        .bind(&new.name)
        .bind(&new.email)
        .bind(role.id)
        .bind(by.at)
        .bind(password_hash)
        .fetch_one(&mut *tx)
        .await?;
        let teams = set_teams(&mut tx, id, &new.team_ids).await?;
        let details = format!("name: {}; role: {}; teams: {}", new.name, role.name, list(&teams));
        insert_audit(&mut tx, &by.event("staff_added", &new.email, details)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Sets a staff member's role and teams. The last active staff member
    /// who may manage staff keeps that permission.
    pub async fn update_staff_member(
        &self,
        id: i64,
        role_id: i64,
        team_ids: &[i64],
        by: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        lock_staff_managers(&mut tx, self.engine).await?;
        let before = self.staff_state(&mut tx, id).await?;
        let role = role_by_id(&mut tx, self.engine, role_id).await?;
        sqlx::query("UPDATE staff_members SET role_id = $2 WHERE id = $1")
            .bind(id)
            .bind(role.id)
            .execute(&mut *tx)
            .await?;
        check_staff_managers(&mut tx).await?;
        let teams = set_teams(&mut tx, id, team_ids).await?;
        let mut changes = Vec::new();
        if before.role.id != role.id {
            changes.push(format!("role: {} → {}", before.role.name, role.name));
        }
        if before.teams != teams {
            changes.push(format!("teams: {} → {}", list(&before.teams), list(&teams)));
        }
        if !changes.is_empty() {
            insert_audit(&mut tx, &by.event("staff_changed", &before.email, changes.join("; "))).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Disables (ending their sessions at once) or enables a staff member.
    /// The last active staff member who may manage staff cannot be disabled.
    pub async fn set_staff_active(&self, id: i64, active: bool, by: &Actor) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        lock_staff_managers(&mut tx, self.engine).await?;
        let before = self.staff_state(&mut tx, id).await?;
        if before.active == active {
            tx.commit().await?;
            return Ok(());
        }
        sqlx::query("UPDATE staff_members SET active = $2 WHERE id = $1")
            .bind(id)
            .bind(i64::from(active))
            .execute(&mut *tx)
            .await?;
        if before.role.grants(Permission::ManageStaff) {
            check_staff_managers(&mut tx).await?;
        }
        if !active {
            sqlx::query("DELETE FROM sessions WHERE staff_id = $1").bind(id).execute(&mut *tx).await?;
        }
        let action = if active { "staff_enabled" } else { "staff_disabled" };
        insert_audit(&mut tx, &by.event(action, &before.email, String::new())).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password (already hashed) and ends the staff member's
    /// sessions: whoever held the old password is signed out.
    pub async fn set_staff_password(&self, id: i64, password_hash: &str, by: &Actor) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let before = self.staff_state(&mut tx, id).await?;
        sqlx::query("UPDATE staff_members SET password_hash = $2 WHERE id = $1")
            .bind(id)
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE staff_id = $1").bind(id).execute(&mut *tx).await?;
        insert_audit(&mut tx, &by.event("password_reset", &before.email, String::new())).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn add_team(&self, name: &str, by: &Actor) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let taken: i64 = sqlx::query_scalar("SELECT count(*) FROM teams WHERE lower(name) = lower($1)")
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
        if taken > 0 {
            return Err(StoreError::Invalid(format!("There is already a team called {name}.")));
        }
        let id: i64 = sqlx::query_scalar("INSERT INTO teams (name) VALUES ($1) RETURNING id")
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
        insert_audit(&mut tx, &by.event("team_added", name, String::new())).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Creates an admin from the server's command line, or makes an existing
    /// staff member an active admin with a new password.
    pub async fn create_admin(
        &self,
        name: &str,
        email: &str,
        password_hash: &str,
        by: &Actor,
    ) -> Result<i64, StoreError> {
        let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM staff_members WHERE lower(email) = $1")
            .bind(email.to_lowercase())
            .fetch_optional(&self.pool)
            .await?;
        let Some(id) = existing else {
            let new = NewStaffMember {
                name: name.to_string(),
                email: email.to_string(),
                role_id: Role::ADMIN,
                team_ids: Vec::new(),
                password: String::new(),
            };
            return self.add_staff_member(&new, Some(password_hash), by).await;
        };
        let teams = team_ids(&mut *self.pool.acquire().await?, id).await?;
        // Active first: when nobody else may manage staff, the role change
        // that follows must find them holding it.
        self.set_staff_active(id, true, by).await?;
        self.update_staff_member(id, Role::ADMIN, &teams, by).await?;
        self.set_staff_password(id, password_hash, by).await?;
        Ok(id)
    }

    /// Reads a staff member's row, locking it on PostgreSQL.
    async fn staff_state(&self, conn: &mut AnyConnection, id: i64) -> Result<StaffState, StoreError> {
        let sql = format!(
            "SELECT m.email, m.active, {ROLE_COLUMNS} FROM staff_members m JOIN roles r ON r.id = m.role_id
             WHERE m.id = $1{}",
            self.engine.for_update()
        );
        let row = sqlx::query(&sql).bind(id).fetch_optional(&mut *conn).await?.ok_or(StoreError::NotFound)?;
        Ok(StaffState {
            email: row.try_get("email")?,
            role: role_of(&row)?,
            active: row.try_get::<i64, _>("active")? == 1,
            teams: team_names(conn, id).await?,
        })
    }
}

/// Replaces a staff member's teams; returns the new teams' names.
async fn set_teams(conn: &mut AnyConnection, staff_id: i64, team_ids: &[i64]) -> Result<Vec<String>, StoreError> {
    link_teams(conn, "staff_teams", "staff_id", staff_id, team_ids).await?;
    team_names(conn, staff_id).await
}

/// Replaces the teams linked to `owner` in `table` (`staff_teams` by
/// `staff_id`, or `interaction_type_teams` by `type_id`): each team once,
/// and every one must exist. Returns the team ids, sorted.
pub(super) async fn link_teams(
    conn: &mut AnyConnection,
    table: &'static str,
    owner_column: &'static str,
    owner: i64,
    team_ids: &[i64],
) -> Result<Vec<i64>, StoreError> {
    sqlx::query(&format!("DELETE FROM {table} WHERE {owner_column} = $1")).bind(owner).execute(&mut *conn).await?;
    let mut ids = team_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let insert = format!("INSERT INTO {table} ({owner_column}, team_id) SELECT $1, id FROM teams WHERE id = $2");
    for team in &ids {
        let added = sqlx::query(&insert).bind(owner).bind(team).execute(&mut *conn).await?;
        if added.rows_affected() == 0 {
            return Err(StoreError::Invalid("That team does not exist (any more). Reload and try again.".into()));
        }
    }
    Ok(ids)
}

/// The ids of a staff member's teams, in order.
pub(super) async fn team_ids(conn: &mut AnyConnection, staff_id: i64) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar("SELECT team_id FROM staff_teams WHERE staff_id = $1 ORDER BY team_id")
        .bind(staff_id)
        .fetch_all(conn)
        .await?)
}

/// Every team, by name.
pub(super) async fn all_teams(conn: &mut AnyConnection) -> Result<Vec<Team>, StoreError> {
    Ok(sqlx::query("SELECT id, name FROM teams ORDER BY lower(name), id")
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| Ok(Team { id: r.try_get("id")?, name: r.try_get("name")? }))
        .collect::<Result<_, sqlx::Error>>()?)
}

async fn team_names(conn: &mut AnyConnection, staff_id: i64) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT t.name FROM staff_teams s JOIN teams t ON t.id = s.team_id WHERE s.staff_id = $1 ORDER BY lower(t.name)",
    )
    .bind(staff_id)
    .fetch_all(conn)
    .await?)
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

pub(super) fn staff_record(row: &sqlx::any::AnyRow) -> Result<StaffRecord, sqlx::Error> {
    Ok(StaffRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        role: role_of(row)?,
    })
}
