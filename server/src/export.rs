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
        return download(pdf_stream(export), "application/pdf", &format!("interlog-log-{date}.pdf"));
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

/// A PDF's pages as they are written, off the async threads. Writing stops
/// when the download is abandoned.
fn pdf_stream(export: Export) -> Body {
    let (pages, received) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    tokio::task::spawn_blocking(move || write_pdf(&export, |bytes| pages.blocking_send(bytes).is_ok()));
    let chunks = futures_util::stream::unfold(received, |mut received| async move {
        received.recv().await.map(|bytes| (Ok::<_, std::convert::Infallible>(bytes), received))
    });
    Body::from_stream(chunks)
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

// ----- PDF ------------------------------------------------------------------

/// A4 landscape, in points.
const PAGE_W: f32 = 842.0;
const PAGE_H: f32 = 595.0;
const MARGIN: f32 = 36.0;
const SIZE: f32 = 8.0;
const LEADING: f32 = 11.5;
/// Courier's glyphs are all 600/1000 of the size wide, so columns line up.
const CHAR_W: f32 = SIZE * 0.6;
/// Columns: heading and width in characters.
const COLUMNS: [(&str, usize); 7] =
    [("ID", 7), ("When", 17), ("Type", 14), ("Description", 46), ("Person", 22), ("Completed by", 24), ("Tags", 24)];

/// Where a streamed PDF's bytes go, and where each object started (for the
/// cross-reference table at the end). pdf-writer builds a whole file in
/// memory; a 50,000-row log is sent a page at a time instead, so the objects
/// are written one chunk each and the table is ours.
struct PdfOut<F: FnMut(Vec<u8>) -> bool> {
    send: F,
    written: usize,
    /// Object number and where it starts.
    offsets: Vec<(i32, usize)>,
    /// False once the reader went away: stop making pages.
    open: bool,
}

impl<F: FnMut(Vec<u8>) -> bool> PdfOut<F> {
    fn raw(&mut self, bytes: Vec<u8>) {
        self.written += bytes.len();
        if self.open {
            self.open = (self.send)(bytes);
        }
    }

    /// A chunk holding exactly the object `id`.
    fn object(&mut self, id: pdf_writer::Ref, chunk: pdf_writer::Chunk) {
        self.offsets.push((id.get(), self.written));
        self.raw(chunk.as_bytes().to_vec());
    }

    /// The cross-reference table and trailer: objects are numbered 1 to n.
    fn finish(mut self, catalog: pdf_writer::Ref, info: pdf_writer::Ref) {
        self.offsets.sort_unstable();
        let xref_at = self.written;
        let mut tail = format!("xref\n0 {}\n0000000000 65535 f\r\n", self.offsets.len() + 1);
        for (_, offset) in &self.offsets {
            tail.push_str(&format!("{offset:010} 00000 n\r\n"));
        }
        tail.push_str(&format!(
            "trailer\n<<\n  /Size {}\n  /Root {} 0 R\n  /Info {} 0 R\n>>\nstartxref\n{xref_at}\n%%EOF",
            self.offsets.len() + 1,
            catalog.get(),
            info.get()
        ));
        self.raw(tail.into_bytes());
    }
}

/// A PDF of the view: a table in the standard Courier font, which every PDF
/// reader has, so nothing is embedded. The font covers Western European
/// text; other characters print as `?` (the CSV and Excel files keep them).
/// Written a page at a time to `send`, which answers false when nobody is
/// reading any more; each page's text is compressed.
fn write_pdf(export: &Export, send: impl FnMut(Vec<u8>) -> bool) {
    use pdf_writer::{Chunk, Content, Filter, Finish, Name, Rect, Ref, Str, TextStr};

    let (regular, bold) = (Name(b"F1"), Name(b"F2"));
    let line_chars = ((PAGE_W - 2.0 * MARGIN) / CHAR_W) as usize;
    let mut heading_lines = vec![(true, 14.0, "Interaction log".to_string())];
    for chunk in wrap(&export.summary, line_chars) {
        heading_lines.push((false, SIZE, chunk));
    }
    let total = app::log::interactions_count(export.export.total);
    heading_lines.push((
        false,
        SIZE,
        format!("{total} · Times in {} · Exported {} by {}", export.time_zone.name(), export.at_display(), export.by),
    ));

    // Lay the rows out on pages: the first page starts below the heading.
    let body_top = |first: bool| {
        let heading = if first { 22.0 + LEADING * (heading_lines.len() as f32 - 1.0) + 8.0 } else { 0.0 };
        PAGE_H - MARGIN - heading
    };
    let rows_fitting =
        |first: bool| (((body_top(first) - MARGIN - 2.0 * LEADING) / LEADING) as usize).saturating_sub(1);
    let rows = &export.export.rows;
    let mut pages: Vec<&[LogRow]> = Vec::new();
    let mut rest: &[LogRow] = rows;
    loop {
        let n = rows_fitting(pages.is_empty()).max(1).min(rest.len());
        let (page, after) = rest.split_at(n);
        pages.push(page);
        rest = after;
        if rest.is_empty() {
            break;
        }
    }

    let mut out = PdfOut { send, written: 0, offsets: Vec::new(), open: true };
    out.raw(b"%PDF-1.7\n%\x80\x80\x80\x80\n\n".to_vec());
    let (catalog, tree, font_regular, font_bold, info) =
        (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4), Ref::new(5));
    let page_refs: Vec<(Ref, Ref)> =
        (0..pages.len() as i32).map(|i| (Ref::new(6 + 2 * i), Ref::new(7 + 2 * i))).collect();
    let one = |write: &dyn Fn(&mut Chunk)| {
        let mut chunk = Chunk::new();
        write(&mut chunk);
        chunk
    };
    out.object(
        catalog,
        one(&|c| {
            c.indirect(catalog).start::<pdf_writer::writers::Catalog>().pages(tree);
        }),
    );
    out.object(
        tree,
        one(&|c| {
            c.pages(tree).kids(page_refs.iter().map(|(page, _)| *page)).count(pages.len() as i32);
        }),
    );
    out.object(
        font_regular,
        one(&|c| {
            c.type1_font(font_regular).base_font(Name(b"Courier")).encoding_predefined(Name(b"WinAnsiEncoding"));
        }),
    );
    out.object(
        font_bold,
        one(&|c| {
            c.type1_font(font_bold).base_font(Name(b"Courier-Bold")).encoding_predefined(Name(b"WinAnsiEncoding"));
        }),
    );
    out.object(
        info,
        one(&|c| {
            c.indirect(info)
                .start::<pdf_writer::writers::DocumentInfo>()
                .title(TextStr("Interaction log"))
                .creator(TextStr("Interlog"));
        }),
    );

    let page_count = pages.len();
    for (index, (page_rows, (page_ref, content_ref))) in pages.iter().zip(&page_refs).enumerate() {
        if !out.open {
            return;
        }
        let mut content = Content::new();
        let mut y = body_top(index == 0);
        let text = |content: &mut Content, font: Name, size: f32, x: f32, y: f32, s: &str| {
            content.begin_text();
            content.set_font(font, size);
            content.next_line(x, y);
            content.show(Str(&win_ansi(s)));
            content.end_text();
        };
        if index == 0 {
            let mut hy = PAGE_H - MARGIN - 14.0;
            for (is_title, size, line) in &heading_lines {
                text(&mut content, if *is_title { bold } else { regular }, *size, MARGIN, hy, line);
                hy -= if *is_title { 22.0 } else { LEADING };
            }
        }
        // Column headings and a rule under them.
        let mut x = MARGIN;
        for (heading, width) in COLUMNS {
            text(&mut content, bold, SIZE, x, y, heading);
            x += (width + 1) as f32 * CHAR_W;
        }
        content.set_line_width(0.5);
        content.move_to(MARGIN, y - 3.5).line_to(PAGE_W - MARGIN, y - 3.5).stroke();
        y -= LEADING + 2.0;
        for row in *page_rows {
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
            let cells = [
                row.id.to_string(),
                local_time(row, export),
                type_name(row),
                description,
                row.person_name.clone(),
                row.staff_label(),
                row.tags.join(", "),
            ];
            let mut x = MARGIN;
            for (i, (cell, (_, width))) in cells.iter().zip(COLUMNS).enumerate() {
                let shown = fit(cell, width);
                text(&mut content, regular, SIZE, x, y, &shown);
                // Posted in error: struck through, as on screen.
                if i == 3 && row.posted_in_error {
                    let end = x + shown.chars().count() as f32 * CHAR_W;
                    content.move_to(x, y + 2.5).line_to(end, y + 2.5).stroke();
                }
                x += (width + 1) as f32 * CHAR_W;
            }
            y -= LEADING;
        }
        if rows.is_empty() {
            text(&mut content, regular, SIZE, MARGIN, y, "No interactions match this view.");
        }
        let footer = format!("Page {} of {page_count}", index + 1);
        text(&mut content, regular, SIZE, PAGE_W - MARGIN - footer.len() as f32 * CHAR_W, MARGIN - 14.0, &footer);
        let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&content.finish(), 6);
        out.object(
            *content_ref,
            one(&|c| {
                c.stream(*content_ref, &compressed).filter(Filter::FlateDecode);
            }),
        );
        out.object(
            *page_ref,
            one(&|c| {
                let mut page = c.page(*page_ref);
                page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
                page.parent(tree);
                page.contents(*content_ref);
                page.resources().fonts().pair(regular, font_regular).pair(bold, font_bold);
                page.finish();
            }),
        );
    }
    out.finish(catalog, info);
}

/// At most `width` characters, ending in `…` when cut.
fn fit(text: &str, width: usize) -> String {
    let text: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if text.chars().count() <= width {
        text
    } else {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// Lines of at most `width` characters, broken at spaces where possible.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.into_iter().map(|l| fit(&l, width)).collect()
}

/// Text in the WinAnsi encoding of the standard PDF fonts; characters it
/// lacks become `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{A0}'..='\u{FF}' => c as u32 as u8,
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8A,
            '‹' => 0x8B,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9A,
            '›' => 0x9B,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            _ => b'?',
        })
        .collect()
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

    #[test]
    fn pdf_text_is_win_ansi() {
        assert_eq!(win_ansi("Café “rent” – €5"), b"Caf\xE9 \x93rent\x94 \x96 \x805".to_vec());
        assert_eq!(win_ansi("Łódź 東京"), b"?\xF3d? ??".to_vec());
    }

    #[test]
    fn cells_are_cut_to_their_column() {
        assert_eq!(fit("Housing benefit", 20), "Housing benefit");
        assert_eq!(fit("Housing benefit", 8), "Housing…");
        assert_eq!(fit("two\nlines", 20), "two lines");
        assert_eq!(wrap("aaa bbb ccc", 7), vec!["aaa bbb", "ccc"]);
    }
}
