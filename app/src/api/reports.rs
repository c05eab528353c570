//! Server functions of `/reports`. Each needs "view reports", and every
//! count leaves out what the caller may not open.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::reports::{TypeUsage, TypeUsageQuery};

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
