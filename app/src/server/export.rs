//! Gathering an export: checks, the rows, and the audit event. The formats
//! themselves are written by the server binary (CSV, Excel, PDF) and the
//! print page.

use super::store::{Actor, StaffRecord};
use super::time::{display_time, now_millis, Millis};
use super::AppState;
use crate::error::AppError;
use crate::export::{describe_view, too_many, ExportFormat};
use crate::log::{staff_label, LogExport, LogQuery};

/// Everything an export of one view holds.
#[derive(Clone, Debug)]
pub struct Export {
    pub export: LogExport,
    pub summary: String,
    pub time_zone: chrono_tz::Tz,
    pub at: Millis,
    pub by: String,
}

impl Export {
    pub fn at_display(&self) -> String {
        display_time(self.at, self.time_zone)
    }
}

/// Checks the view, reads its rows (refusing a view over the format's
/// limit), and audits the export: who took which view, in which format.
/// The caller has already checked the permission to view interactions.
pub async fn gather(
    state: &AppState,
    staff: &StaffRecord,
    address: &str,
    query: &LogQuery,
    format: ExportFormat,
) -> Result<Export, AppError> {
    query.check()?;
    let person = match query.person {
        Some(id) => Some(state.store.person(id).await?.ok_or(AppError::NotFound)?.name),
        None => None,
    };
    let types = state.store.interaction_types(true).await?;
    let type_names: Vec<String> =
        types.iter().filter(|t| query.types.contains(&t.badge.id)).map(|t| t.badge.name.clone()).collect();
    let colleagues = match query.completed_by.is_empty() && query.logged_by.is_empty() {
        true => Vec::new(),
        false => state.store.staff_names(false).await?,
    };
    let staff_name = |id: i64| staff_label(&colleagues, id);
    let summary = describe_view(query, &type_names, person.as_deref(), staff_name);
    let tz = state.settings.time_zone;
    let reader = state.store.reader(staff).await?;
    let export = state.store.export_interactions(query, &reader, tz, format.limit()).await?;
    if export.total > format.limit() as i64 {
        return Err(AppError::Unprocessable(too_many(format)));
    }
    let at = now_millis();
    let by = Actor { id: Some(staff.id), address: address.to_string(), at };
    let details = format!("{}, {} interactions: {summary}", format.label(), export.total);
    state.store.record_audit(&by.event("log_exported", "interaction log", details)).await?;
    Ok(Export { export, summary, time_zone: tz, at, by: staff.name.clone() })
}
