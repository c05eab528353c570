//! Server functions: thin. Each checks who is calling and what they may do,
//! validates its input, and calls the store.

mod actions;
mod interactions;
mod people;
mod staff;
mod types;

/// The app state and the caller, when they hold `permission`; otherwise the
/// error to answer with (its status already set).
#[cfg(feature = "ssr")]
pub(crate) async fn allowed(
    permission: crate::access::Permission,
) -> Result<(crate::server::AppState, crate::server::store::StaffRecord), crate::error::AppError> {
    let state = crate::server::auth::state().map_err(respond)?;
    let staff = crate::server::auth::require(&state, permission).await.map_err(respond)?;
    Ok((state, staff))
}

pub use actions::*;
pub use interactions::*;
pub use people::*;
pub use staff::*;
pub use types::*;
