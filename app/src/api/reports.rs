//! Server functions of `/reports`. Each needs "view reports", and every
//! count leaves out what the caller may not open.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::reports::{
    ActionsReport, ActionsReportQuery, LastContact, LastContactOfType, LastContactQuery, StaffActivity, TypeUsage,
    TypeUsageQuery,
};

#[cfg(feature = "ssr")]
use super::{allowed, reading, respond};
#[cfg(feature = "ssr")]
use crate::access::Permission;

/// The reports there are: link, name and what each answers.
#[server(input = Json, endpoint = "list_reports")]
pub async fn list_reports() -> Result<Vec<(String, String, String)>, AppError> {
    allowed(Permission::ViewReports).await?;
    Ok(crate::reports::REPORTS
        .iter()
        .map(|(href, name, about)| (href.to_string(), name.to_string(), about.to_string()))
        .collect())
}

/// Interactions per type per week, month or quarter.
#[server(input = Json, endpoint = "type_usage_report")]
pub async fn type_usage_report(query: TypeUsageQuery) -> Result<TypeUsage, AppError> {
    let (state, _, reader) = reading(Permission::ViewReports).await?;
    crate::server::reports::type_usage(&state.store, &query, &reader, state.settings.time_zone).await.map_err(respond)
}

/// Interactions had and follow-up actions completed per staff member per
/// period.
#[server(input = Json, endpoint = "staff_activity_report")]
pub async fn staff_activity_report(query: TypeUsageQuery) -> Result<StaffActivity, AppError> {
    let (state, _, reader) = reading(Permission::ViewReports).await?;
    crate::server::reports::staff_activity(&state.store, &query, &reader, state.settings.time_zone)
        .await
        .map_err(respond)
}

/// People whose latest interaction of a type is older than a threshold, a
/// page at a time.
#[server(input = Json, endpoint = "last_contact_report")]
pub async fn last_contact_report(query: LastContactQuery) -> Result<LastContact, AppError> {
    use crate::reports::LAST_CONTACT_PAGE_SIZE;
    let (state, _, reader) = reading(Permission::ViewReports).await?;
    crate::server::reports::last_contact(
        &state.store,
        &query,
        &reader,
        state.settings.time_zone,
        LAST_CONTACT_PAGE_SIZE,
    )
    .await
    .map_err(respond)
}

/// A profile's "Last contact" strip: when the person last had each type of
/// interaction the caller may open.
#[server(input = Json, endpoint = "person_last_contact")]
pub async fn person_last_contact(person_id: i64) -> Result<Vec<LastContactOfType>, AppError> {
    let (state, _, reader) = reading(Permission::ViewInteractions).await?;
    crate::server::reports::person_last_contact(&state.store, person_id, &reader, state.settings.time_zone)
        .await
        .map_err(respond)
}

/// The Profile Actions Report: every follow-up action of any age. Needs
/// "see everyone's outstanding actions" as well as "view reports".
#[server(input = Json, endpoint = "profile_actions_report")]
pub async fn profile_actions_report(query: ActionsReportQuery) -> Result<ActionsReport, AppError> {
    use crate::reports::ACTIONS_REPORT_PAGE_SIZE;
    let (state, _) = allowed(Permission::ViewReports).await?;
    allowed(Permission::SeeAllActions).await?;
    crate::server::reports::actions_report(&state.store, &query, state.settings.time_zone, ACTIONS_REPORT_PAGE_SIZE)
        .await
        .map_err(respond)
}
