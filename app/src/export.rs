//! Exports of the log: CSV, Excel, PDF and the print view. Each holds the
//! whole view a user is looking at (search, type filters, sort, person), not
//! only the page on screen.

use serde::{Deserialize, Serialize};

use crate::log::{LogExport, LogQuery, SortColumn, SortDir, MAX_EXPORT_ROWS, MAX_PDF_ROWS, MAX_PRINT_ROWS};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportFormat {
    Csv,
    Excel,
    Pdf,
    Print,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 4] = [ExportFormat::Csv, ExportFormat::Excel, ExportFormat::Pdf, ExportFormat::Print];

    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Csv => "CSV",
            ExportFormat::Excel => "Excel",
            ExportFormat::Pdf => "PDF",
            ExportFormat::Print => "Print",
        }
    }

    /// Where the link goes: a download, or the print view.
    pub fn path(self) -> &'static str {
        match self {
            ExportFormat::Csv => "/log/export.csv",
            ExportFormat::Excel => "/log/export.xlsx",
            ExportFormat::Pdf => "/log/export.pdf",
            ExportFormat::Print => "/log/print",
        }
    }

    /// The most rows one export of this kind holds.
    pub fn limit(self) -> usize {
        match self {
            ExportFormat::Csv | ExportFormat::Excel => MAX_EXPORT_ROWS,
            ExportFormat::Pdf => MAX_PDF_ROWS,
            ExportFormat::Print => MAX_PRINT_ROWS,
        }
    }
}

/// What an export is of, in words, for its heading and the audit log:
/// `Search “rent” · Types: Email, Call · From 1 Mar 2026 · Sorted by Person, A to Z`.
/// `staff_name` names the staff filters' colleagues, as the chips do.
pub fn describe_view(
    query: &LogQuery,
    type_names: &[String],
    person: Option<&str>,
    staff_name: impl Fn(i64) -> String,
) -> String {
    let mut parts = Vec::new();
    if let Some(person) = person {
        parts.push(format!("Person: {person}"));
    }
    if !query.q.is_empty() {
        parts.push(format!("Search “{}”", query.q));
    }
    if !type_names.is_empty() {
        parts.push(format!("Types: {}", type_names.join(", ")));
    }
    parts.extend(query.active_filters(staff_name).into_iter().map(|(label, _)| label));
    let direction = match (query.sort, query.direction()) {
        (SortColumn::Timestamp, SortDir::Desc) => "newest first",
        (SortColumn::Timestamp, SortDir::Asc) => "oldest first",
        (SortColumn::Type, SortDir::Asc) => "in the admin's order",
        (SortColumn::Type, SortDir::Desc) => "in reverse of the admin's order",
        (_, SortDir::Asc) => "A to Z",
        (_, SortDir::Desc) => "Z to A",
    };
    parts.push(format!("Sorted by {}, {direction}", query.sort.label()));
    parts.join(" · ")
}

/// The message for a view too big to export in this format.
pub fn too_many(format: ExportFormat) -> String {
    format!(
        "This view has more than {} interactions, the most a {} export holds. Narrow it with a search or the filters.",
        crate::log::thousands(format.limit() as i64),
        format.label(),
    )
}

/// The print view's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedLog {
    pub export: LogExport,
    /// `describe_view` of the view.
    pub summary: String,
    pub time_zone: String,
    /// When and by whom, as the page footer says.
    pub printed_at: String,
    pub printed_by: String,
}
