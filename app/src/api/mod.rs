//! Server functions: thin. Each checks who is calling and what they may do,
//! validates its input, and calls the store.

mod actions;
mod interactions;
mod notes;
mod people;
mod reports;
mod staff;
mod types;

/// Sets the HTTP status for an error before a server function returns it:
/// the status comes from `AppError::http_status`, as everywhere.
#[cfg(feature = "ssr")]
pub(crate) fn respond(error: impl Into<crate::error::AppError>) -> crate::error::AppError {
    let error = error.into();
    if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(error.http_status());
    }
    error
}

/// The app state and the caller, whoever is signed in; otherwise the error
/// to answer with (its status already set).
#[cfg(feature = "ssr")]
pub(crate) async fn signed_in(
) -> Result<(crate::server::AppState, crate::server::store::StaffRecord), crate::error::AppError> {
    let state = crate::server::auth::state().map_err(respond)?;
    let staff = crate::server::auth::current_staff().map_err(respond)?;
    Ok((state, staff))
}

/// The app state and the caller, when they hold `permission`; otherwise the
/// error to answer with (its status already set). Every server function
/// starts here (or at [`signed_in`]).
#[cfg(feature = "ssr")]
pub(crate) async fn allowed(
    permission: crate::access::Permission,
) -> Result<(crate::server::AppState, crate::server::store::StaffRecord), crate::error::AppError> {
    let state = crate::server::auth::state().map_err(respond)?;
    let staff = crate::server::auth::require(&state, permission).await.map_err(respond)?;
    Ok((state, staff))
}

/// [`allowed`], and the caller as a reader of interactions: what every read
/// of interactions passes to the store, which leaves out what they may not
/// open.
#[cfg(feature = "ssr")]
pub(crate) async fn reading(
    permission: crate::access::Permission,
) -> Result<
    (crate::server::AppState, crate::server::store::StaffRecord, crate::server::store::Reader),
    crate::error::AppError,
> {
    let (state, staff) = allowed(permission).await?;
    let reader = state.store.reader(&staff).await.map_err(respond)?;
    Ok((state, staff, reader))
}

pub use actions::*;
pub use interactions::*;
pub use notes::*;
pub use people::*;
pub use reports::*;
pub use staff::*;
pub use types::*;
