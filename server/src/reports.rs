//! `GET /reports/type-usage.csv`, `/reports/last-contact.csv` and their
//! `.xlsx`: a report as a download, with the same filters, checks and
//! numbers as its page (`app::server::reports`), and audited like the log's
//! exports.

use app::{
    access::Permission,
    error::AppError,
    reports::{
        ActionsReport, ActionsReportQuery, LastContact, LastContactQuery, TypeUsage, TypeUsageQuery,
        MAX_ACTIONS_EXPORT, MAX_LAST_CONTACT_EXPORT,
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
    Extension,
};

use crate::export::{download, downloader, inert, query_pairs, refusal};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Csv,
    Excel,
}

pub async fn type_usage_csv(state: State<AppState>, caller: Extension<Caller>, uri: OriginalUri) -> Response {
    type_usage(state, caller, uri, Format::Csv).await
}

pub async fn type_usage_xlsx(state: State<AppState>, caller: Extension<Caller>, uri: OriginalUri) -> Response {
    type_usage(state, caller, uri, Format::Excel).await
}

async fn type_usage(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    OriginalUri(uri): OriginalUri,
    format: Format,
) -> Response {
    let staff = match downloader(&caller, &uri, Permission::ViewReports) {
        Ok(staff) => staff,
        Err(answer) => return answer,
    };
    let pairs = query_pairs(&uri);
    let query = TypeUsageQuery::from_params(|name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()));
    let tz = state.settings.time_zone;
    let report = async {
        let reader = state.store.reader(&staff).await?;
        let report = app::server::reports::type_usage(&state.store, &query, &reader, tz).await?;
        let details = format!("{}: Type usage, {}", format.label(), report.summary);
        audit(&state, &staff, &caller, "type usage report", details).await?;
        Ok::<_, AppError>(report)
    };
    let report = match report.await {
        Ok(report) => report,
        Err(error) => return refusal(error),
    };
    let name = format!("interlog-type-usage-{}-to-{}", report.query.from, report.query.to);
    let written = match format {
        Format::Csv => write_csv(&report).map_err(|e| e.to_string()),
        Format::Excel => write_xlsx(&report).map_err(|e| e.to_string()),
    };
    file(format, &name, written)
}

pub async fn last_contact_csv(state: State<AppState>, caller: Extension<Caller>, uri: OriginalUri) -> Response {
    last_contact(state, caller, uri, Format::Csv).await
}

pub async fn last_contact_xlsx(state: State<AppState>, caller: Extension<Caller>, uri: OriginalUri) -> Response {
    last_contact(state, caller, uri, Format::Excel).await
}

async fn last_contact(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    OriginalUri(uri): OriginalUri,
    format: Format,
) -> Response {
    let staff = match downloader(&caller, &uri, Permission::ViewReports) {
        Ok(staff) => staff,
        Err(answer) => return answer,
    };
    let pairs = query_pairs(&uri);
    let query = LastContactQuery {
        offset: String::new(),
        ..LastContactQuery::from_params(|name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    };
    let tz = state.settings.time_zone;
    let report = async {
        let reader = state.store.reader(&staff).await?;
        let report =
            app::server::reports::last_contact(&state.store, &query, &reader, tz, MAX_LAST_CONTACT_EXPORT).await?;
        if report.total > MAX_LAST_CONTACT_EXPORT {
            return Err(AppError::Unprocessable(format!(
                "This report lists more than {} people, the most a download holds.",
                app::log::thousands(MAX_LAST_CONTACT_EXPORT)
            )));
        }
        let details = format!("{}: Last contact, {}, {} people", format.label(), report.summary, report.total);
        audit(&state, &staff, &caller, "last contact report", details).await?;
        Ok::<_, AppError>(report)
    };
    let report = match report.await {
        Ok(report) => report,
        Err(error) => return refusal(error),
    };
    let name = format!("interlog-last-contact-{}-{}-months", report.kind.id, report.months);
    let written = match format {
        Format::Csv => contacts_csv(&report).map_err(|e| e.to_string()),
        Format::Excel => contacts_xlsx(&report).map_err(|e| e.to_string()),
    };
    file(format, &name, written)
}

pub async fn actions_csv(state: State<AppState>, caller: Extension<Caller>, uri: OriginalUri) -> Response {
    actions(state, caller, uri, Format::Csv).await
}

pub async fn actions_xlsx(state: State<AppState>, caller: Extension<Caller>, uri: OriginalUri) -> Response {
    actions(state, caller, uri, Format::Excel).await
}

async fn actions(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    OriginalUri(uri): OriginalUri,
    format: Format,
) -> Response {
    let staff = match downloader(&caller, &uri, Permission::ViewReports) {
        Ok(staff) if staff.role.grants(Permission::SeeAllActions) => staff,
        Ok(_) => return refusal(AppError::Forbidden),
        Err(answer) => return answer,
    };
    let pairs = query_pairs(&uri);
    let query = ActionsReportQuery {
        offset: String::new(),
        ..ActionsReportQuery::from_params(|name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    };
    let tz = state.settings.time_zone;
    let report = async {
        let report = app::server::reports::actions_report(&state.store, &query, tz, MAX_ACTIONS_EXPORT).await?;
        if report.total > MAX_ACTIONS_EXPORT {
            return Err(AppError::Unprocessable(format!(
                "This report lists more than {} actions, the most a download holds. Narrow it with the filters.",
                app::log::thousands(MAX_ACTIONS_EXPORT)
            )));
        }
        let details =
            format!("{}: Profile Actions Report, {}, {} actions", format.label(), report.summary, report.total);
        audit(&state, &staff, &caller, "profile actions report", details).await?;
        Ok::<_, AppError>(report)
    };
    let report = match report.await {
        Ok(report) => report,
        Err(error) => return refusal(error),
    };
    let name = format!("interlog-actions-{}", app::server::time::today(tz).format("%Y-%m-%d"));
    let written = match format {
        Format::Csv => actions_csv_file(&report).map_err(|e| e.to_string()),
        Format::Excel => actions_xlsx_file(&report).map_err(|e| e.to_string()),
    };
    file(format, &name, written)
}

const ACTION_HEADINGS: [&str; 13] = [
    "Action ID",
    "Due",
    "Type",
    "Person",
    "Person ID",
    "Instructions",
    "Assigned to",
    "Assigned by",
    "Assigned",
    "Done",
    "Days overdue",
    "Days taken",
    "Summary",
];

/// One action's cells, as text (the numbers as digits).
fn action_cells(r: &app::reports::ActionReportRow) -> [String; 13] {
    let a = &r.row;
    [
        a.id.to_string(),
        a.due_on.clone(),
        a.kind.name.clone(),
        a.person_name.clone(),
        a.person_id.to_string(),
        a.instructions.clone(),
        a.assignee.name.clone(),
        a.created_by_name.clone(),
        r.assigned_on.clone(),
        a.done_on.clone().unwrap_or_default(),
        r.days_overdue.map(|d| d.to_string()).unwrap_or_default(),
        r.days_taken.map(|d| d.to_string()).unwrap_or_default(),
        a.summary.clone().unwrap_or_default(),
    ]
}

fn actions_csv_file(report: &ActionsReport) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(ACTION_HEADINGS)?;
    for row in &report.rows {
        out.write_record(action_cells(row).iter().map(|c| inert(c).into_owned()))?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

fn actions_xlsx_file(report: &ActionsReport) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Workbook};
    let mut book = Workbook::new();
    book.set_properties(
        &rust_xlsxwriter::DocProperties::new().set_title("Profile Actions Report").set_comment(&report.summary),
    );
    let sheet = book.add_worksheet();
    sheet.set_name("Actions")?;
    let bold = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_string(0, 0, format!("Profile Actions Report: {}", report.summary))?;
    for (col, heading) in ACTION_HEADINGS.iter().enumerate() {
        sheet.write_string_with_format(2, col as u16, *heading, &bold)?;
    }
    for (i, row) in report.rows.iter().enumerate() {
        let r = i as u32 + 3;
        for (c, cell) in action_cells(row).iter().enumerate() {
            let c = c as u16;
            if cell.is_empty() {
                continue;
            }
            match c {
                0 | 4 | 10 | 11 => sheet.write_number(r, c, cell.parse::<f64>().unwrap_or_default())?,
                1 | 8 | 9 => match ExcelDateTime::parse_from_str(cell) {
                    Ok(day) => sheet.write_datetime_with_format(r, c, &day, &date)?,
                    Err(_) => sheet.write_string(r, c, cell)?,
                },
                _ => sheet.write_string(r, c, cell)?,
            };
        }
    }
    sheet.set_column_width(5, 48.0)?;
    sheet.set_freeze_panes(3, 0)?;
    book.save_to_buffer()
}

fn contact_headings(report: &LastContact) -> [String; 4] {
    ["Person ID".into(), "Person".into(), format!("Last {}", report.kind.name), "Days since".into()]
}

fn contacts_csv(report: &LastContact) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(contact_headings(report).iter().map(|h| inert(h).into_owned()))?;
    for row in &report.rows {
        out.write_record([
            row.person_id.to_string(),
            inert(&row.person_name).into_owned(),
            row.last_on.clone().unwrap_or_else(|| "never".into()),
            row.days_since.map(|d| d.to_string()).unwrap_or_default(),
        ])?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

fn contacts_xlsx(report: &LastContact) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Workbook};
    let mut book = Workbook::new();
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_title("Last contact").set_comment(&report.summary));
    let sheet = book.add_worksheet();
    sheet.set_name("Last contact")?;
    let bold = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_string(0, 0, format!("Last contact: {}", report.summary))?;
    for (col, heading) in contact_headings(report).iter().enumerate() {
        sheet.write_string_with_format(2, col as u16, heading, &bold)?;
    }
    for (i, row) in report.rows.iter().enumerate() {
        let r = i as u32 + 3;
        sheet.write_number(r, 0, row.person_id as f64)?;
        sheet.write_string(r, 1, &row.person_name)?;
        match row.last_on.as_deref().map(ExcelDateTime::parse_from_str) {
            Some(Ok(day)) => sheet.write_datetime_with_format(r, 2, &day, &date)?,
            _ => sheet.write_string(r, 2, "never")?,
        };
        if let Some(days) = row.days_since {
            sheet.write_number(r, 3, days as f64)?;
        }
    }
    sheet.set_column_width(1, 28.0)?;
    sheet.set_column_width(2, 14.0)?;
    sheet.set_freeze_panes(3, 0)?;
    book.save_to_buffer()
}

impl Format {
    fn label(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Excel => "Excel",
        }
    }
}

/// A report's download in the audit log: who, which report, in words.
async fn audit(
    state: &AppState,
    staff: &StaffRecord,
    caller: &Caller,
    report: &str,
    details: String,
) -> Result<(), AppError> {
    let by = Actor { id: Some(staff.id), address: caller.address.clone(), at: now_millis() };
    Ok(state.store.record_audit(&by.event("report_exported", report, details)).await?)
}

/// The written file as a download named `name`, or a 500 when it could not
/// be written.
fn file(format: Format, name: &str, written: Result<Vec<u8>, String>) -> Response {
    let (content_type, extension) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::Excel => ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    };
    match written {
        Ok(body) => download(Body::from(body), content_type, &format!("{name}.{extension}")),
        Err(e) => {
            tracing::error!(error = %e, ?format, "cannot write a report");
            refusal(AppError::Internal)
        }
    }
}

/// One line of a report's table: a period (or the totals) and its counts.
struct Line {
    label: String,
    from: String,
    to: String,
    counts: Vec<i64>,
}

/// The table as on the page: a row per period, a column per type, totals
/// last.
fn table(report: &TypeUsage) -> (Vec<String>, Vec<Line>) {
    let mut headings = vec![report.period.label().to_string(), "From".into(), "To".into()];
    headings.extend(report.rows.iter().map(|r| match r.kind.deleted {
        true => format!("{} (deleted type)", r.kind.name),
        false => r.kind.name.clone(),
    }));
    headings.push("Total".into());
    let mut lines: Vec<Line> = report
        .periods
        .iter()
        .enumerate()
        .map(|(i, p)| Line {
            label: p.label.clone(),
            from: p.from.clone(),
            to: p.to.clone(),
            counts: report.rows.iter().map(|r| r.counts[i]).chain([report.period_totals[i]]).collect(),
        })
        .collect();
    lines.push(Line {
        label: "Total".into(),
        from: report.query.from.clone(),
        to: report.query.to.clone(),
        counts: report.rows.iter().map(|r| r.total).chain([report.total]).collect(),
    });
    (headings, lines)
}

fn write_csv(report: &TypeUsage) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let (headings, lines) = table(report);
    out.write_record(headings.iter().map(|h| inert(h).into_owned()))?;
    for line in lines {
        let mut record = vec![line.label, line.from, line.to];
        record.extend(line.counts.iter().map(i64::to_string));
        out.write_record(record)?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

fn write_xlsx(report: &TypeUsage) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, FormatBorder, Workbook};
    let mut book = Workbook::new();
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_title("Type usage").set_comment(&report.summary));
    let sheet = book.add_worksheet();
    sheet.set_name("Type usage")?;
    let bold = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    let total = Format::new().set_bold();
    sheet.write_string(0, 0, format!("Type usage: {}", report.summary))?;
    let (headings, lines) = table(report);
    for (col, heading) in headings.iter().enumerate() {
        sheet.write_string_with_format(2, col as u16, heading, &bold)?;
    }
    let last = lines.len().saturating_sub(1);
    for (i, line) in lines.iter().enumerate() {
        let r = i as u32 + 3;
        match i == last {
            true => sheet.write_string_with_format(r, 0, &line.label, &total)?,
            false => sheet.write_string(r, 0, &line.label)?,
        };
        sheet.write_string(r, 1, &line.from)?;
        sheet.write_string(r, 2, &line.to)?;
        for (c, n) in line.counts.iter().enumerate() {
            sheet.write_number(r, c as u16 + 3, *n as f64)?;
        }
    }
    sheet.set_column_width(0, 16.0)?;
    sheet.set_column_width(1, 11.0)?;
    sheet.set_column_width(2, 11.0)?;
    sheet.set_freeze_panes(3, 1)?;
    book.save_to_buffer()
}
