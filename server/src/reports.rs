//! The reports as downloads: `GET /reports/type-usage.csv`, `.xlsx`, and
//! likewise for staff activity, last contact and the Profile Actions Report
//! (which also prints as a PDF). Each has the same filters, checks and
//! numbers as its page (`app::server::reports`), becomes one [`Sheet`], and
//! is audited like the log's exports.

use app::{
    access::Permission,
    error::AppError,
    export::ExportFormat,
    reports::{
        ActionsReport, ActionsReportQuery, LastContact, LastContactQuery, StaffActivity, TypeUsage, TypeUsageQuery,
        MAX_ACTIONS_EXPORT, MAX_LAST_CONTACT_EXPORT, STAFF_ACTIVITY_PATH,
    },
    server::{
        auth::Caller,
        store::{Actor, StaffRecord},
        time::now_millis,
        AppState,
    },
};
use axum::{
    body::Body,
    extract::{OriginalUri, State},
    response::Response,
    routing::get,
    Extension, Router,
};

use crate::export::{download, downloader, inert, query_pairs, refusal};

/// The reports there are to download.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Report {
    TypeUsage,
    StaffActivity,
    LastContact,
    Actions,
}

impl Report {
    const ALL: [Report; 4] = [Report::TypeUsage, Report::StaffActivity, Report::LastContact, Report::Actions];

    fn path(self) -> &'static str {
        match self {
            Report::TypeUsage => TypeUsageQuery::PATH,
            Report::StaffActivity => STAFF_ACTIVITY_PATH,
            Report::LastContact => LastContactQuery::PATH,
            Report::Actions => ActionsReportQuery::PATH,
        }
    }

    /// A list of records prints as a PDF too; a table of counts prints from
    /// its page.
    fn formats(self) -> &'static [ExportFormat] {
        match self {
            Report::TypeUsage | Report::StaffActivity => &[ExportFormat::Csv, ExportFormat::Excel],
            Report::LastContact | Report::Actions => &[ExportFormat::Csv, ExportFormat::Excel, ExportFormat::Pdf],
        }
    }
}

/// The download routes: `/reports/<report>.csv`, `.xlsx` and `.pdf`.
pub fn routes(mut router: Router<AppState>) -> Router<AppState> {
    for report in Report::ALL {
        for format in report.formats() {
            let format = *format;
            let path = format!("{}.{}", report.path(), extension(format));
            router = router.route(
                &path,
                get(move |state: State<AppState>, caller: Extension<Caller>, uri: OriginalUri| {
                    serve(state, caller, uri, report, format)
                }),
            );
        }
    }
    router
}

fn extension(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Excel => "xlsx",
        ExportFormat::Pdf => "pdf",
        _ => "csv",
    }
}

async fn serve(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    OriginalUri(uri): OriginalUri,
    report: Report,
    format: ExportFormat,
) -> Response {
    let staff = match downloader(&caller, &uri, Permission::ViewReports) {
        Ok(staff) if report != Report::Actions || staff.role.grants(Permission::SeeAllActions) => staff,
        Ok(_) => return refusal(AppError::Forbidden),
        Err(answer) => return answer,
    };
    let pairs = query_pairs(&uri);
    let sheet = async {
        let sheet = sheet(&state, &staff, report, &pairs).await?;
        let details = format!("{}: {}, {}", format.label(), sheet.title, sheet.summary);
        let by = Actor { id: Some(staff.id), address: caller.address.clone(), at: now_millis() };
        state.store.record_audit(&by.event("report_exported", sheet.audit_subject, details)).await?;
        Ok::<_, AppError>(sheet)
    };
    match sheet.await {
        Ok(sheet) => file(format, sheet).await,
        Err(error) => refusal(error),
    }
}

/// The report `get`'s filters ask for, as a sheet.
async fn sheet(
    state: &AppState,
    staff: &StaffRecord,
    report: Report,
    pairs: &[(String, String)],
) -> Result<Sheet, AppError> {
    let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    use app::server::reports as build;
    let tz = state.settings.time_zone;
    let store = &state.store;
    let reader = store.reader(staff).await?;
    let too_many = |what: &str, limit: i64| {
        AppError::Unprocessable(format!(
            "This report lists more than {} {what}, the most a download holds. Narrow it with the filters.",
            app::log::thousands(limit)
        ))
    };
    Ok(match report {
        Report::TypeUsage => {
            type_usage_sheet(&build::type_usage(store, &TypeUsageQuery::from_params(get), &reader, tz).await?)
        }
        Report::StaffActivity => {
            staff_activity_sheet(&build::staff_activity(store, &TypeUsageQuery::from_params(get), &reader, tz).await?)
        }
        Report::LastContact => {
            let query = LastContactQuery { offset: String::new(), ..LastContactQuery::from_params(get) };
            let report = build::last_contact(store, &query, &reader, tz, MAX_LAST_CONTACT_EXPORT).await?;
            if report.total > MAX_LAST_CONTACT_EXPORT {
                return Err(too_many("people", MAX_LAST_CONTACT_EXPORT));
            }
            last_contact_sheet(&report)
        }
        Report::Actions => {
            let query = ActionsReportQuery { offset: String::new(), ..ActionsReportQuery::from_params(get) };
            let report = build::actions_report(store, &query, tz, MAX_ACTIONS_EXPORT).await?;
            if report.total > MAX_ACTIONS_EXPORT {
                return Err(too_many("actions", MAX_ACTIONS_EXPORT));
            }
            actions_sheet(&report, &app::server::time::today(tz).format("%Y-%m-%d").to_string())
        }
    })
}

/// One cell of a download: text (kept from reading as a formula), a whole
/// number, or a day (a real date in Excel).
enum Cell {
    Text(String),
    Number(i64),
    Day(String),
    Blank,
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(t) => inert(t).into_owned(),
            Cell::Number(n) => n.to_string(),
            Cell::Day(d) => d.clone(),
            Cell::Blank => String::new(),
        }
    }
}

/// A report as a table to download.
struct Sheet {
    /// "Type usage": the title, the workbook's name, and the audit's words.
    title: &'static str,
    /// What the audit log calls it: "type usage report".
    audit_subject: &'static str,
    /// What it covers, under the title.
    summary: String,
    /// The file's name without its extension.
    file_name: String,
    /// Headings and widths in characters.
    columns: Vec<(String, usize)>,
    rows: Vec<Vec<Cell>>,
    /// The last row holds the totals.
    totals: bool,
    /// Columns kept in view when scrolling sideways in Excel.
    frozen_columns: u16,
    /// The columns a PDF prints, when not all fit across the page.
    pdf_columns: Option<&'static [usize]>,
}

/// The written file as a download, or a 500 when it could not be written.
async fn file(format: ExportFormat, sheet: Sheet) -> Response {
    let name = format!("{}.{}", sheet.file_name, extension(format));
    if format == ExportFormat::Pdf {
        return download(crate::pdf::stream(pdf_table(sheet)), "application/pdf", &name);
    }
    let written = tokio::task::spawn_blocking(move || match format {
        ExportFormat::Excel => write_xlsx(&sheet).map_err(|e| e.to_string()),
        _ => write_csv(&sheet).map_err(|e| e.to_string()),
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|written| written);
    let content_type = match format {
        ExportFormat::Excel => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "text/csv; charset=utf-8",
    };
    match written {
        Ok(body) => download(Body::from(body), content_type, &name),
        Err(e) => {
            tracing::error!(error = %e, ?format, "cannot write a report");
            refusal(AppError::Internal)
        }
    }
}

fn write_csv(sheet: &Sheet) -> Result<Vec<u8>, csv::Error> {
    // The byte-order mark tells Excel the file is UTF-8.
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(sheet.columns.iter().map(|(h, _)| inert(h).into_owned()))?;
    for row in &sheet.rows {
        out.write_record(row.iter().map(Cell::text))?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

fn write_xlsx(sheet: &Sheet) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Workbook};
    let mut book = Workbook::new();
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_title(sheet.title).set_comment(&sheet.summary));
    let page = book.add_worksheet();
    page.set_name(sheet.title)?;
    let heading = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let bold = Format::new().set_bold();
    page.write_string(0, 0, format!("{}: {}", sheet.title, sheet.summary))?;
    for (c, (title, width)) in sheet.columns.iter().enumerate() {
        page.write_string_with_format(2, c as u16, title, &heading)?;
        page.set_column_width(c as u16, *width as f64)?;
    }
    let last = sheet.rows.len().saturating_sub(1);
    for (i, row) in sheet.rows.iter().enumerate() {
        let r = i as u32 + 3;
        let total = sheet.totals && i == last;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(t) if total => page.write_string_with_format(r, c, t, &bold)?,
                Cell::Text(t) => page.write_string(r, c, t)?,
                Cell::Number(n) if total => page.write_number_with_format(r, c, *n as f64, &bold)?,
                Cell::Number(n) => page.write_number(r, c, *n as f64)?,
                Cell::Day(d) => match ExcelDateTime::parse_from_str(d) {
                    Ok(day) => page.write_datetime_with_format(r, c, &day, &date)?,
                    Err(_) => page.write_string(r, c, d)?,
                },
                Cell::Blank => page,
            };
        }
    }
    page.set_freeze_panes(3, sheet.frozen_columns)?;
    book.save_to_buffer()
}

/// The sheet as a PDF's table, under the report's title.
fn pdf_table(sheet: Sheet) -> crate::pdf::Table {
    let totals = sheet.totals;
    let last = sheet.rows.len().saturating_sub(1);
    let all: Vec<usize> = (0..sheet.columns.len()).collect();
    let printed = sheet.pdf_columns.unwrap_or(&all);
    crate::pdf::Table {
        title: sheet.title.to_string(),
        about: vec![sheet.summary],
        columns: printed.iter().filter_map(|&c| sheet.columns.get(c).cloned()).collect(),
        rows: sheet
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| crate::pdf::Row {
                cells: printed
                    .iter()
                    .filter_map(|&c| row.get(c))
                    .map(|cell| match cell {
                        Cell::Text(t) => t.clone(),
                        other => other.text(),
                    })
                    .collect(),
                struck: None,
                bold: totals && i == last,
            })
            .collect(),
        empty: "Nothing matches these filters.".into(),
    }
}

/// Period columns: the period, its first and last day.
fn period_cells(label: &str, from: &str, to: &str) -> Vec<Cell> {
    vec![Cell::Text(label.to_string()), Cell::Day(from.to_string()), Cell::Day(to.to_string())]
}

/// A row per period, a column per type, totals last.
fn type_usage_sheet(report: &TypeUsage) -> Sheet {
    let mut columns = vec![(report.period.label().to_string(), 16), ("From".into(), 11), ("To".into(), 11)];
    columns.extend(report.rows.iter().map(|r| match r.kind.deleted {
        true => (format!("{} (deleted type)", r.kind.name), 14),
        false => (r.kind.name.clone(), 14),
    }));
    columns.push(("Total".into(), 10));
    let mut rows: Vec<Vec<Cell>> = report
        .periods
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut row = period_cells(&p.label, &p.from, &p.to);
            row.extend(report.rows.iter().map(|r| Cell::Number(r.counts[i])));
            row.push(Cell::Number(report.period_totals[i]));
            row
        })
        .collect();
    let mut total = period_cells("Total", &report.query.from, &report.query.to);
    total.extend(report.rows.iter().map(|r| Cell::Number(r.total)));
    total.push(Cell::Number(report.total));
    rows.push(total);
    Sheet {
        title: "Type usage",
        audit_subject: "type usage report",
        summary: report.summary.clone(),
        file_name: format!("interlog-type-usage-{}-to-{}", report.query.from, report.query.to),
        columns,
        rows,
        totals: true,
        frozen_columns: 1,
        pdf_columns: None,
    }
}

/// A row per staff member and period, with what they had and completed;
/// everyone's totals last.
fn staff_activity_sheet(report: &StaffActivity) -> Sheet {
    let columns = [
        ("Staff member", 24),
        ("Staff ID", 9),
        (report.period.label(), 16),
        ("From", 11),
        ("To", 11),
        ("Interactions", 13),
        ("Actions completed", 18),
    ];
    let mut rows = Vec::new();
    for r in &report.rows {
        for (i, p) in report.periods.iter().enumerate() {
            let mut row = vec![Cell::Text(r.name.clone()), Cell::Number(r.staff_id)];
            row.extend(period_cells(&p.label, &p.from, &p.to));
            row.extend([Cell::Number(r.interactions[i]), Cell::Number(r.actions[i])]);
            rows.push(row);
        }
    }
    let mut total = vec![Cell::Text("Everyone".into()), Cell::Blank];
    total.extend(period_cells("Total", &report.query.from, &report.query.to));
    total.extend([
        Cell::Number(report.interaction_totals.iter().sum()),
        Cell::Number(report.action_totals.iter().sum()),
    ]);
    rows.push(total);
    Sheet {
        title: "Staff activity",
        audit_subject: "staff activity report",
        summary: report.summary.clone(),
        file_name: format!("interlog-staff-activity-{}-to-{}", report.query.from, report.query.to),
        columns: columns.into_iter().map(|(h, w)| (h.to_string(), w)).collect(),
        rows,
        totals: true,
        frozen_columns: 1,
        pdf_columns: None,
    }
}

fn last_contact_sheet(report: &LastContact) -> Sheet {
    let columns = vec![
        ("Person ID".to_string(), 10),
        ("Person".to_string(), 30),
        (format!("Last {}", report.kind.name), 14),
        ("Days since".to_string(), 11),
    ];
    let rows = report
        .rows
        .iter()
        .map(|row| {
            vec![
                Cell::Number(row.person_id),
                Cell::Text(row.person_name.clone()),
                row.last_on.clone().map(Cell::Day).unwrap_or_else(|| Cell::Text("never".into())),
                row.days_since.map(Cell::Number).unwrap_or(Cell::Blank),
            ]
        })
        .collect();
    Sheet {
        title: "Last contact",
        audit_subject: "last contact report",
        summary: format!("{}, {} people", report.summary, app::log::thousands(report.total)),
        file_name: format!("interlog-last-contact-{}-{}-months", report.kind.id, report.months),
        columns,
        rows,
        totals: false,
        frozen_columns: 0,
        pdf_columns: None,
    }
}

fn actions_sheet(report: &ActionsReport, today: &str) -> Sheet {
    let columns = [
        ("Action ID", 9),
        ("Due", 11),
        ("Type", 14),
        ("Person", 20),
        ("Person ID", 9),
        ("Instructions", 40),
        ("Assigned to", 18),
        ("Assigned by", 18),
        ("Assigned", 11),
        ("Done", 11),
        ("Days overdue", 12),
        ("Days taken", 10),
        ("Summary", 40),
    ];
    let text = |t: &str| Cell::Text(t.to_string());
    let number = |n: Option<i64>| n.map(Cell::Number).unwrap_or(Cell::Blank);
    let rows = report
        .rows
        .iter()
        .map(|r| {
            let a = &r.row;
            vec![
                Cell::Number(a.id),
                Cell::Day(a.due_on.clone()),
                text(&a.kind.name),
                text(&a.person_name),
                Cell::Number(a.person_id),
                text(&a.instructions),
                text(&a.assignee.name),
                text(&a.created_by_name),
                Cell::Day(r.assigned_on.clone()),
                a.done_on.clone().map(Cell::Day).unwrap_or(Cell::Blank),
                number(r.days_overdue),
                number(r.days_taken),
                a.summary.clone().map(Cell::Text).unwrap_or(Cell::Blank),
            ]
        })
        .collect();
    Sheet {
        title: "Profile Actions Report",
        audit_subject: "profile actions report",
        summary: format!("{}, {} actions", report.summary, app::log::thousands(report.total)),
        file_name: format!("interlog-actions-{today}"),
        columns: columns.into_iter().map(|(h, w)| (h.to_string(), w)).collect(),
        rows,
        totals: false,
        frozen_columns: 0,
        // ID, due, type, person, instructions, assigned to, done, days
        // overdue and days taken fit across a landscape page.
        pdf_columns: Some(&[0, 1, 2, 3, 5, 6, 9, 10, 11]),
    }
}
