//! `GET /log/export.csv`, `.xlsx` and `.pdf`: the whole of a log view as a
//! download. The query string is the log's own (`q`, `sort`, `dir`, `types`)
//! plus `person` for a profile's log. Rows are gathered, limited and audited
//! by `app::server::export::gather`; this module writes the files.

use app::{
    access::Permission,
    error::AppError,
    export::ExportFormat,
    log::{LogQuery, LogRow},
    server::{
        auth::Caller,
        export::{gather, Export},
        store::StaffRecord,
        AppState,
    },
};
use axum::{
    body::Body,
    extract::{OriginalUri, State},
    http::{header, HeaderValue, Uri},
    response::{IntoResponse, Redirect, Response},
    Extension,
};
use chrono::{DateTime, Utc};

pub async fn csv(state: State<AppState>, caller: Extension<Caller>, uri: OriginalUri) -> Response {
    export(state, caller, uri, ExportFormat::Csv).await
}

pub async fn xlsx(state: State<AppState>, caller: Extension<Caller>, uri: OriginalUri) -> Response {
    export(state, caller, uri, ExportFormat::Excel).await
}

pub async fn pdf(state: State<AppState>, caller: Extension<Caller>, uri: OriginalUri) -> Response {
    export(state, caller, uri, ExportFormat::Pdf).await
}

async fn export(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    OriginalUri(uri): OriginalUri,
    format: ExportFormat,
) -> Response {
    let staff = match downloader(&caller, &uri, Permission::ViewInteractions) {
        Ok(staff) => staff,
        Err(answer) => return answer,
    };
    let pairs = query_pairs(&uri);
    let query = LogQuery::from_export_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let export = match gather(&state, &staff, &caller.address, &query, format).await {
        Ok(export) => export,
        Err(error) => return refusal(error),
    };
    let date = DateTime::<Utc>::from_timestamp_millis(export.at)
        .map(|t| t.with_timezone(&export.time_zone).format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    if format == ExportFormat::Pdf {
        return download(crate::pdf::stream(pdf_table(export)), "application/pdf", &format!("interlog-log-{date}.pdf"));
    }
    // Writing 100,000 rows takes a moment of CPU: keep it off the async threads.
    let written = tokio::task::spawn_blocking(move || match format {
        ExportFormat::Excel => write_xlsx(&export)
            .map(|b| (b, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"))
            .map_err(|e| e.to_string()),
        _ => write_csv(&export).map(|b| (b, "text/csv; charset=utf-8", "csv")).map_err(|e| e.to_string()),
    })
    .await;
    let (body, content_type, extension) = match written {
        Ok(Ok(file)) => file,
        Ok(Err(e)) => {
            tracing::error!(error = %e, ?format, "cannot write an export");
            return refusal(AppError::Internal);
        }
        Err(e) => {
            tracing::error!(error = %e, ?format, "export task failed");
            return refusal(AppError::Internal);
        }
    };
    download(Body::from(body), content_type, &format!("interlog-log-{date}.{extension}"))
}

/// Who is downloading, when they hold `permission`; otherwise the answer:
/// sign in again and come back to the download, or 403.
pub(crate) fn downloader(caller: &Caller, uri: &Uri, permission: Permission) -> Result<StaffRecord, Response> {
    let Some(staff) = caller.staff.clone() else {
        let next = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let query = form_urlencoded::Serializer::new(String::new()).append_pair("next", next).finish();
        return Err(Redirect::to(&format!("/login?expired=1&{query}")).into_response());
    };
    match staff.role.grants(permission) {
        true => Ok(staff),
        false => Err(refusal(AppError::Forbidden)),
    }
}

/// A download's query string, decoded.
pub(crate) fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()).into_owned().collect()
}

/// A file to save: its type, its name, and never kept by a cache.
pub(crate) fn download(body: Body, content_type: &'static str, file_name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    // Staff-only data: not for shared caches.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}

/// A refused export: its status and the reason in words.
pub(crate) fn refusal(error: AppError) -> Response {
    let status = error.http_status();
    (status, [(header::CACHE_CONTROL, "no-store")], error.to_string()).into_response()
}

/// The columns of the CSV and Excel files.
fn headings(export: &Export) -> [String; 13] {
    [
        "ID".into(),
        format!("When ({})", export.time_zone.name()),
        "Type".into(),
        "Description".into(),
        "Person".into(),
        "Person ID".into(),
        "Completed by".into(),
        "Logged by".into(),
        "Tags".into(),
        "Reply".into(),
        "Posted in error".into(),
        "Renamed".into(),
        "Who can read it".into(),
    ]
}

/// Who may read a row, in words.
fn readers(row: &LogRow) -> &str {
    row.restricted.as_deref().unwrap_or("All staff")
}

/// `2026-03-04 14:05` in the organisation's time zone: sorts as text too.
fn local_time(row: &LogRow, export: &Export) -> String {
    DateTime::parse_from_rfc3339(&row.occurred_at)
        .map(|t| t.with_timezone(&export.time_zone).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| row.occurred_display.clone())
}

fn type_name(row: &LogRow) -> String {
    if row.kind.deleted {
        format!("{} (deleted type)", row.kind.name)
    } else {
        row.kind.name.clone()
    }
}

fn yes(flag: bool) -> &'static str {
    if flag {
        "yes"
    } else {
        ""
    }
}

/// A spreadsheet reads a cell starting with `=`, `+`, `-` or `@` as a
/// formula; a leading apostrophe keeps typed text as text.
pub(crate) fn inert(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

fn write_csv(export: &Export) -> Result<Vec<u8>, csv::Error> {
    // The byte-order mark tells Excel the file is UTF-8.
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(headings(export))?;
    for row in &export.export.rows {
        out.write_record([
            row.id.to_string().as_str(),
            &local_time(row, export),
            &inert(&type_name(row)),
            &inert(&row.description),
            &inert(&row.person_name),
            &row.person_id.to_string(),
            &inert(row.completed_by()),
            &inert(&row.logged_by_name),
            &inert(&row.tags.join(", ")),
            yes(row.reply),
            yes(row.posted_in_error),
            yes(row.renamed),
            &inert(readers(row)),
        ])?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

fn write_xlsx(export: &Export) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Workbook};
    let mut book = Workbook::new();
    book.set_properties(
        &rust_xlsxwriter::DocProperties::new().set_title("Interaction log").set_comment(&export.summary),
    );
    let sheet = book.add_worksheet();
    sheet.set_name("Interactions")?;
    let bold = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    let when = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let struck = Format::new().set_font_strikethrough();
    for (col, heading) in headings(export).iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, heading, &bold)?;
    }
    for (i, row) in export.export.rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_number(r, 0, row.id as f64)?;
        // A real date and time, so it sorts and filters as one.
        match ExcelDateTime::parse_from_str(&local_time(row, export)) {
            Ok(t) => sheet.write_datetime_with_format(r, 1, &t, &when)?,
            Err(_) => sheet.write_string(r, 1, &row.occurred_display)?,
        };
        sheet.write_string(r, 2, type_name(row))?;
        if row.posted_in_error {
            sheet.write_string_with_format(r, 3, &row.description, &struck)?;
        } else {
            sheet.write_string(r, 3, &row.description)?;
        }
        sheet.write_string(r, 4, &row.person_name)?;
        sheet.write_number(r, 5, row.person_id as f64)?;
        sheet.write_string(r, 6, row.completed_by())?;
        sheet.write_string(r, 7, &row.logged_by_name)?;
        sheet.write_string(r, 8, row.tags.join(", "))?;
        sheet.write_string(r, 9, yes(row.reply))?;
        sheet.write_string(r, 10, yes(row.posted_in_error))?;
        sheet.write_string(r, 11, yes(row.renamed))?;
        sheet.write_string(r, 12, readers(row))?;
    }
    let widths = [8.0, 17.0, 16.0, 48.0, 24.0, 10.0, 20.0, 20.0, 30.0, 7.0, 14.0, 9.0, 24.0];
    for (col, width) in widths.into_iter().enumerate() {
        sheet.set_column_width(col as u16, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, export.export.rows.len() as u32, widths.len() as u16 - 1)?;
    book.save_to_buffer()
}

/// The view as a PDF's table: the columns that fit a landscape page.
fn pdf_table(export: Export) -> crate::pdf::Table {
    use crate::pdf::{Row, Table};
    let total = app::log::interactions_count(export.export.total);
    let about = vec![
        export.summary.clone(),
        format!("{total} · Times in {} · Exported {} by {}", export.time_zone.name(), export.at_display(), export.by),
    ];
    let columns = [
        ("ID", 7),
        ("When", 17),
        ("Type", 14),
        ("Description", 46),
        ("Person", 22),
        ("Completed by", 24),
        ("Tags", 24),
    ];
    let rows = export
        .export
        .rows
        .iter()
        .map(|row| {
            let description = match (row.reply, row.posted_in_error) {
                (true, true) => format!("[Posted in error] Reply: {}", row.description),
                (false, true) => format!("[Posted in error] {}", row.description),
                (true, false) => format!("Reply: {}", row.description),
                (false, false) => row.description.clone(),
            };
            let description = match &row.restricted {
                Some(label) => format!("[{label}] {description}"),
                None => description,
            };
            let cells = vec![
                row.id.to_string(),
                local_time(row, &export),
                type_name(row),
                description,
                row.person_name.clone(),
                row.staff_label(),
                row.tags.join(", "),
            ];
            Row { cells, struck: row.posted_in_error.then_some(3), bold: false }
        })
        .collect();
    Table {
        title: "Interaction log".into(),
        about,
        columns: columns.into_iter().map(|(h, w)| (h.to_string(), w)).collect(),
        rows,
        empty: "No interactions match this view.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_formulas_stay_text() {
        assert_eq!(inert("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(inert("-1"), "'-1");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("Rent arrears"), "Rent arrears");
    }
}
