//! Tables as PDF files, written a page at a time: the log's export and the
//! reports' downloads. Hand-written over `pdf-writer` because no crate
//! streams a long table as pages while it is written (see the README).

use axum::body::Body;

/// A table to print: a title, lines about it, columns and rows.
pub(crate) struct Table {
    pub title: String,
    /// Lines under the title, wrapped to the page.
    pub about: Vec<String>,
    /// Heading and width in characters; a wider cell is cut with `…`.
    pub columns: Vec<(String, usize)>,
    pub rows: Vec<Row>,
    /// What the page says when there are no rows.
    pub empty: String,
}

/// One line of a [`Table`].
pub(crate) struct Row {
    pub cells: Vec<String>,
    /// The cell struck through (a record posted in error), if any.
    pub struck: Option<usize>,
    /// Totals, in bold.
    pub bold: bool,
}

/// A PDF's pages as they are written, off the async threads. Writing stops
/// when the download is abandoned.
pub(crate) fn stream(table: Table) -> Body {
    let (pages, received) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    tokio::task::spawn_blocking(move || write(&table, |bytes| pages.blocking_send(bytes).is_ok()));
    let chunks = futures_util::stream::unfold(received, |mut received| async move {
        received.recv().await.map(|bytes| (Ok::<_, std::convert::Infallible>(bytes), received))
    });
    Body::from_stream(chunks)
}

/// A4 landscape, in points.
const PAGE_W: f32 = 842.0;
const PAGE_H: f32 = 595.0;
const MARGIN: f32 = 36.0;
const SIZE: f32 = 8.0;
const LEADING: f32 = 11.5;
/// Courier's glyphs are all 600/1000 of the size wide, so columns line up.
const CHAR_W: f32 = SIZE * 0.6;

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

/// A table as a PDF, in the standard Courier font, which every PDF reader
/// has, so nothing is embedded. The font covers Western European
/// text; other characters print as `?` (the CSV and Excel files keep them).
/// Written a page at a time to `send`, which answers false when nobody is
/// reading any more; each page's text is compressed.
pub(crate) fn write(table: &Table, send: impl FnMut(Vec<u8>) -> bool) {
    use pdf_writer::{Chunk, Content, Filter, Finish, Name, Rect, Ref, Str, TextStr};

    let (regular, bold) = (Name(b"F1"), Name(b"F2"));
    let line_chars = ((PAGE_W - 2.0 * MARGIN) / CHAR_W) as usize;
    let mut heading_lines = vec![(true, 14.0, table.title.clone())];
    for line in &table.about {
        heading_lines.extend(wrap(line, line_chars).into_iter().map(|chunk| (false, SIZE, chunk)));
    }

    // Lay the rows out on pages: the first page starts below the heading.
    let body_top = |first: bool| {
        let heading = if first { 22.0 + LEADING * (heading_lines.len() as f32 - 1.0) + 8.0 } else { 0.0 };
        PAGE_H - MARGIN - heading
    };
    let rows_fitting =
        |first: bool| (((body_top(first) - MARGIN - 2.0 * LEADING) / LEADING) as usize).saturating_sub(1);
    let rows = &table.rows;
    let mut pages: Vec<&[Row]> = Vec::new();
    let mut rest: &[Row] = rows;
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
                .title(TextStr(&table.title))
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
        for (heading, width) in &table.columns {
            text(&mut content, bold, SIZE, x, y, heading);
            x += (width + 1) as f32 * CHAR_W;
        }
        content.set_line_width(0.5);
        content.move_to(MARGIN, y - 3.5).line_to(PAGE_W - MARGIN, y - 3.5).stroke();
        y -= LEADING + 2.0;
        for row in *page_rows {
            let mut x = MARGIN;
            for (i, (cell, (_, width))) in row.cells.iter().zip(&table.columns).enumerate() {
                let shown = fit(cell, *width);
                text(&mut content, if row.bold { bold } else { regular }, SIZE, x, y, &shown);
                // Posted in error: struck through, as on screen.
                if row.struck == Some(i) {
                    let end = x + shown.chars().count() as f32 * CHAR_W;
                    content.move_to(x, y + 2.5).line_to(end, y + 2.5).stroke();
                }
                x += (width + 1) as f32 * CHAR_W;
            }
            y -= LEADING;
        }
        if rows.is_empty() {
            text(&mut content, regular, SIZE, MARGIN, y, &table.empty);
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
