//! Server functions of the staff settings and the audit log: all need the
//! "manage staff" permission.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::access::{AuditPage, NewStaffMember, Permission, RoleSummary, StaffDirectory as Directory};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::{
    api::respond,
    server::{store::StaffRecord, AppState},
};

/// The caller, when they may manage staff.
#[cfg(feature = "ssr")]
async fn staff_admin() -> Result<(AppState, StaffRecord), AppError> {
    crate::api::allowed(Permission::ManageStaff).await
}

#[cfg(feature = "ssr")]
fn invalid(message: String) -> AppError {
    respond(AppError::Validation(message))
}

/// Refuses to hand out a permission the caller does not hold: whoever may
/// manage staff could otherwise make a role with every permission and take
/// it (an office lead given "manage staff" alone would become an admin).
#[cfg(feature = "ssr")]
fn grantable(staff: &StaffRecord, permissions: crate::access::Permissions) -> Result<(), AppError> {
    let beyond = permissions.beyond(staff.role.permissions);
    if beyond.is_empty() {
        return Ok(());
    }
    Err(respond(AppError::NotAllowed(format!(
        "You cannot give a permission you do not hold yourself: {}.",
        beyond.describe()
    ))))
}

/// The permissions of role `role_id`, to check before it is given.
#[cfg(feature = "ssr")]
async fn role_permissions(state: &AppState, role_id: i64) -> Result<crate::access::Permissions, AppError> {
    let roles = state.store.roles().await.map_err(respond)?;
    roles.into_iter().find(|r| r.role.id == role_id).map(|r| r.role.permissions).ok_or_else(|| {
        respond(AppError::Validation("That role does not exist (any more). Reload and try again.".into()))
    })
}

/// Refuses a team list longer than any organisation needs.
#[cfg(feature = "ssr")]
fn check_team_count(team_ids: &[i64]) -> Result<(), AppError> {
    crate::access::check_team_count(team_ids).map_err(invalid)
}

/// Every staff member and team, for `/settings/staff`.
#[server(input = Json, endpoint = "staff_directory")]
pub async fn staff_directory() -> Result<Directory, AppError> {
    let (state, _) = staff_admin().await?;
    state.store.staff_directory().await.map_err(respond)
}

/// Adds a staff member who can sign in with the given password.
#[server(input = Json, endpoint = "add_staff_member")]
pub async fn add_staff_member(member: NewStaffMember) -> Result<i64, AppError> {
    use crate::access::{validate_email, validate_name, validate_password};
    use crate::server::auth::{actor, hash_password};
    let (state, staff) = staff_admin().await?;
    let name = validate_name(&member.name, "Name").map_err(invalid)?;
    let email = validate_email(&member.email).map_err(invalid)?;
    validate_password(&member.password).map_err(invalid)?;
    check_team_count(&member.team_ids)?;
    grantable(&staff, role_permissions(&state, member.role_id).await?)?;
    let hash = hash_password(member.password.clone()).await.map_err(respond)?;
    let new = NewStaffMember { name, email, password: String::new(), ..member };
    let id = state.store.add_staff_member(&new, Some(&hash), &actor(&staff)).await.map_err(respond)?;
    tracing::info!(staff = staff.id, added = id, "staff member added");
    Ok(id)
}

/// Sets a staff member's role and teams.
#[server(input = Json, endpoint = "update_staff_member")]
pub async fn update_staff_member(id: i64, role_id: i64, team_ids: Vec<i64>) -> Result<(), AppError> {
    use crate::server::auth::actor;
    let (state, staff) = staff_admin().await?;
    check_team_count(&team_ids)?;
    // Only a new role is checked: their teams may change whatever they hold.
    let current = state.store.staff_record(id).await.map_err(respond)?.map(|r| r.role.id);
    if current != Some(role_id) {
        grantable(&staff, role_permissions(&state, role_id).await?)?;
    }
    state.store.update_staff_member(id, role_id, &team_ids, &actor(&staff)).await.map_err(respond)
}

/// Disables a staff member (ending their sessions at once) or enables them.
#[server(input = Json, endpoint = "set_staff_active")]
pub async fn set_staff_active(id: i64, active: bool) -> Result<(), AppError> {
    use crate::server::auth::actor;
    let (state, staff) = staff_admin().await?;
    state.store.set_staff_active(id, active, &actor(&staff)).await.map_err(respond)
}

/// Sets a new password for a staff member and signs them out everywhere.
#[server(input = Json, endpoint = "reset_staff_password")]
pub async fn reset_staff_password(id: i64, password: String) -> Result<(), AppError> {
    use crate::access::validate_password;
    use crate::server::auth::{actor, hash_password};
    let (state, staff) = staff_admin().await?;
    validate_password(&password).map_err(invalid)?;
    let hash = hash_password(password).await.map_err(respond)?;
    state.store.set_staff_password(id, &hash, &actor(&staff)).await.map_err(respond)
}

/// Adds a team.
#[server(input = Json, endpoint = "add_team")]
pub async fn add_team(name: String) -> Result<i64, AppError> {
    use crate::access::validate_name;
    use crate::server::auth::actor;
    let (state, staff) = staff_admin().await?;
    let name = validate_name(&name, "Team name").map_err(invalid)?;
    state.store.add_team(&name, &actor(&staff)).await.map_err(respond)
}

/// Every role with its permissions and holders, for `/settings/roles`.
#[server(input = Json, endpoint = "roles")]
pub async fn roles() -> Result<Vec<RoleSummary>, AppError> {
    let (state, _) = staff_admin().await?;
    state.store.roles().await.map_err(respond)
}

/// A role name, trimmed, and its permissions, or why they are refused.
#[cfg(feature = "ssr")]
fn role_input(name: &str, permissions: &[Permission]) -> Result<(String, crate::access::Permissions), AppError> {
    let name = crate::access::validate_role_name(name).map_err(invalid)?;
    if permissions.len() > Permission::ALL.len() * 2 {
        return Err(invalid("Too many permissions.".into()));
    }
    Ok((name, permissions.iter().copied().collect()))
}

/// Creates a role from any set of permissions.
#[server(input = Json, endpoint = "create_role")]
pub async fn create_role(name: String, permissions: Vec<Permission>) -> Result<i64, AppError> {
    use crate::server::auth::actor;
    let (state, staff) = staff_admin().await?;
    let (name, permissions) = role_input(&name, &permissions)?;
    grantable(&staff, permissions)?;
    state.store.create_role(&name, permissions, &actor(&staff)).await.map_err(respond)
}

/// Renames a role and sets its permissions, against the version seen.
#[server(input = Json, endpoint = "update_role")]
pub async fn update_role(id: i64, name: String, permissions: Vec<Permission>, version: i64) -> Result<(), AppError> {
    use crate::server::auth::actor;
    let (state, staff) = staff_admin().await?;
    let (name, permissions) = role_input(&name, &permissions)?;
    grantable(&staff, permissions)?;
    state.store.update_role(id, &name, permissions, version, &actor(&staff)).await.map_err(respond)
}

/// Deletes a role nobody holds.
#[server(input = Json, endpoint = "delete_role")]
pub async fn delete_role(id: i64, version: i64) -> Result<(), AppError> {
    use crate::server::auth::actor;
    let (state, staff) = staff_admin().await?;
    state.store.delete_role(id, version, &actor(&staff)).await.map_err(respond)
}

/// A page of the audit log, newest first; `before` pages back.
#[server(input = Json, endpoint = "audit_log")]
pub async fn audit_log(before: Option<i64>) -> Result<AuditPage, AppError> {
    use crate::access::AUDIT_PAGE_SIZE;
    let (state, staff) = staff_admin().await?;
    let reader = state.store.reader(&staff).await.map_err(respond)?;
    state.store.audit_page(before, AUDIT_PAGE_SIZE, &reader).await.map_err(respond)
}
