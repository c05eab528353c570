//! Server functions of the interaction log.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::log::{InteractionDetail, LogFilterOptions, LogPage, LogQuery, LogRow, ViewCount, Viewer, Visibility};

#[cfg(feature = "ssr")]
use super::{allowed, reading, respond, signed_in};
#[cfg(feature = "ssr")]
use crate::access::Permission;

/// One page of the log for the given view. Asked by the browser, a page
/// whose count costs more than the page itself comes first, and
/// [`count_interactions`] follows; a page the server renders is counted.
#[server(input = Json, endpoint = "list_interactions")]
pub async fn list_interactions(query: LogQuery) -> Result<LogPage, AppError> {
    use crate::server::store::Counting;
    let (state, _, reader) = reading(Permission::ViewInteractions).await?;
    query.check().map_err(respond)?;
    let counting = match use_context::<crate::server::RenderingPage>() {
        Some(_) => Counting::WithPage,
        None => Counting::AfterSlowPages,
    };
    state.store.list_interactions_counting(&query, &reader, state.settings.time_zone, counting).await.map_err(respond)
}

/// How many interactions a view holds, for a page that came without it.
#[server(input = Json, endpoint = "count_interactions")]
pub async fn count_interactions(query: LogQuery) -> Result<ViewCount, AppError> {
    let (state, _, reader) = reading(Permission::ViewInteractions).await?;
    query.check().map_err(respond)?;
    state.store.count_view(&query, &reader, state.settings.time_zone).await.map_err(respond)
}

/// What the log's filters offer: the types in the admin's order and the
/// staff by name (whose names the log shows anyway).
#[server(input = Json, endpoint = "log_filter_options")]
pub async fn filter_options() -> Result<LogFilterOptions, AppError> {
    let (state, _) = allowed(Permission::ViewInteractions).await?;
    let types = state.store.interaction_types(false).await.map_err(respond)?;
    let staff = state.store.staff_names(false).await.map_err(respond)?;
    Ok(LogFilterOptions { types: types.into_iter().map(|t| t.badge).collect(), staff })
}

/// Everything about one interaction; `None` when there is no such id, or
/// the caller may not open it (so its existence is not told either).
#[server(input = Json, endpoint = "get_interaction")]
pub async fn get_interaction(id: i64) -> Result<Option<InteractionDetail>, AppError> {
    let (state, staff, reader) = reading(Permission::ViewInteractions).await?;
    state.store.interaction_detail(id, &staff, &reader, state.settings.time_zone).await.map_err(respond)
}

/// Widens or narrows who may read an interaction (its author or a
/// manager). Narrowed, it may no longer open to the caller: nothing is
/// returned.
#[server(input = Json, endpoint = "change_visibility")]
pub async fn change_visibility(id: i64, visibility: Visibility) -> Result<(), AppError> {
    use crate::server::auth::actor;
    let (state, staff, reader) = reading(Permission::CreateInteractions).await?;
    let visibility = visibility.checked().map_err(|msg| respond(AppError::Validation(msg)))?;
    state.store.change_visibility(id, &visibility, &staff, &reader, &actor(&staff)).await.map_err(respond)?;
    tracing::info!(interaction = id, staff = staff.id, "visibility changed");
    Ok(())
}

/// Renames an interaction's description, keeping the old one as a revision.
/// Returns the row as it now reads.
#[server(input = Json, endpoint = "rename_description")]
pub async fn rename_description(id: i64, description: String) -> Result<LogRow, AppError> {
    use crate::log::validate_description;
    use crate::server::time::now_millis;
    let (state, staff, reader) = reading(Permission::RenameDescriptions).await?;
    let description = validate_description(&description).map_err(|msg| respond(AppError::Validation(msg)))?;
    state.store.rename_description(id, &description, &reader, staff.id, now_millis()).await.map_err(respond)?;
    tracing::info!(interaction = id, staff = staff.id, "description renamed");
    state
        .store
        .log_row(id, &reader, state.settings.time_zone)
        .await
        .map_err(respond)?
        .ok_or_else(|| respond(AppError::NotFound))
}

/// The staff member using the app, for the header.
#[server(input = Json, endpoint = "whoami")]
pub async fn whoami() -> Result<Viewer, AppError> {
    use crate::log::initials;
    let (state, staff) = signed_in().await?;
    Ok(Viewer {
        id: staff.id,
        initials: initials(&staff.name),
        name: staff.name,
        role: staff.role,
        time_zone: state.settings.time_zone.name().to_string(),
    })
}

/// The whole of a view, for the print view (up to `MAX_PRINT_ROWS` rows).
/// Audited as an export.
#[server(input = Json, endpoint = "print_log")]
pub async fn print_log(query: LogQuery) -> Result<crate::export::PrintedLog, AppError> {
    use crate::export::{ExportFormat, PrintedLog};
    use crate::server::auth::caller;
    use crate::server::export::gather;
    let (state, staff) = allowed(Permission::ViewInteractions).await?;
    let export = gather(&state, &staff, &caller().address, &query, ExportFormat::Print).await.map_err(respond)?;
    Ok(PrintedLog {
        printed_at: export.at_display(),
        time_zone: export.time_zone.name().to_string(),
        printed_by: export.by,
        summary: export.summary,
        export: export.export,
    })
}
