//! Who is calling. Every server function asks here first.
//!
//! Staff sign-in is not built yet: the server acts as one configured staff
//! member. Sign-in replaces `current_staff` alone; callers stay the same.

use leptos::prelude::use_context;

use super::{store::StaffRecord, AppState};
use crate::error::AppError;

/// What a staff member may do; roles bundle these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    ViewInteractions,
    CreateInteractions,
    RenameDescriptions,
}

impl Permission {
    fn granted_to(self, role: &str) -> bool {
        match role {
            "admin" | "manager" | "staff" => true,
            "read_only" => self == Permission::ViewInteractions,
            _ => false,
        }
    }
}

/// The app state of this request.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the request context");
        AppError::Internal
    })
}

/// The staff member making this request.
pub async fn current_staff(state: &AppState) -> Result<StaffRecord, AppError> {
    state.store.active_staff_member(state.settings.acting_staff_id).await?.ok_or(AppError::Unauthenticated)
}

/// The caller, if they hold `permission`; otherwise the error to answer with.
pub async fn require(state: &AppState, permission: Permission) -> Result<StaffRecord, AppError> {
    let staff = current_staff(state).await?;
    if permission.granted_to(&staff.role) {
        Ok(staff)
    } else {
        tracing::warn!(staff = staff.id, ?permission, "permission denied");
        Err(AppError::Forbidden)
    }
}
