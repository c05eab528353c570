//! The log's types that cross the wire between server and browser (its
//! query string, pages, rows, the detail page) and how numbers read: no I/O
//! here.

use serde::{Deserialize, Serialize};

use crate::recording::Source;

/// Rows on one page of the log.
pub const PAGE_SIZE: usize = 50;
/// The longest description a rename accepts, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 200;
/// The longest search text accepted, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;
/// The most type filters one query may carry.
pub const MAX_TYPE_FILTERS: usize = 100;
/// The most staff one "completed by" or "logged by" filter may name.
pub const MAX_STAFF_FILTERS: usize = 50;
/// Rows in one CSV or Excel export.
pub const MAX_EXPORT_ROWS: usize = 100_000;
/// Rows in one PDF: written page by page as it downloads, so its size is
/// bounded by what a reader wants, not by the server's memory.
pub const MAX_PDF_ROWS: usize = 50_000;
/// Rows in one print view: a page the browser lays out whole (the demo's
/// whole log fits with room to spare).
pub const MAX_PRINT_ROWS: usize = 10_000;
/// A page of the log counts its matches exactly up to this many and says
/// "more than" beyond, like a search engine: a full count of a broad search
/// costs more than the page itself. `count=all` asks for the exact figure.
pub const COUNT_LIMIT: i64 = 10_000;

/// A column the log can be sorted by. Sort columns come from this enum only,
/// never from free text, so no user input reaches an `ORDER BY`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SortColumn {
    #[default]
    Timestamp,
    Type,
    Description,
    Person,
    /// Who had the interaction (the log's staff column).
    CompletedBy,
    /// Who recorded it.
    LoggedBy,
}

impl SortColumn {
    pub const ALL: [SortColumn; 6] = [
        SortColumn::Timestamp,
        SortColumn::Type,
        SortColumn::Description,
        SortColumn::Person,
        SortColumn::CompletedBy,
        SortColumn::LoggedBy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SortColumn::Timestamp => "timestamp",
            SortColumn::Type => "type",
            SortColumn::Description => "description",
            SortColumn::Person => "person",
            SortColumn::CompletedBy => "completed_by",
            SortColumn::LoggedBy => "logged_by",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            SortColumn::Timestamp => "Timestamp",
            SortColumn::Type => "Type",
            SortColumn::Description => "Description",
            SortColumn::Person => "Person",
            SortColumn::CompletedBy => "Completed by",
            SortColumn::LoggedBy => "Logged by",
        }
    }

    /// The direction a first click on this column's header sorts in:
    /// newest first for time, A to Z (or the admin's order) for the rest.
    pub fn default_dir(self) -> SortDir {
        match self {
            SortColumn::Timestamp => SortDir::Desc,
            _ => SortDir::Asc,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SortDir {
    Asc,
    Desc,
}

impl SortDir {
    pub fn as_str(self) -> &'static str {
        match self {
            SortDir::Asc => "asc",
            SortDir::Desc => "desc",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "asc" => Some(SortDir::Asc),
            "desc" => Some(SortDir::Desc),
            _ => None,
        }
    }

    pub fn reversed(self) -> Self {
        match self {
            SortDir::Asc => SortDir::Desc,
            SortDir::Desc => SortDir::Asc,
        }
    }
}

/// Which page of a sorted, filtered log: keyset paging anchored on one row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PageAnchor {
    #[default]
    First,
    /// The rows that come after this interaction in the current order.
    After(i64),
    /// The rows that come before this interaction in the current order.
    Before(i64),
}

/// Everything that defines a view of the log. It round-trips through the
/// query string, so a reload or a bookmark shows exactly the same view.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct LogQuery {
    pub q: String,
    pub sort: SortColumn,
    pub dir: Option<SortDir>,
    pub types: Vec<i64>,
    /// Only rows completed by (had by) one of these staff members.
    pub completed_by: Vec<i64>,
    /// Only rows logged by one of these staff members.
    pub logged_by: Vec<i64>,
    /// Only rows that happened on or after this day (`YYYY-MM-DD`, in the
    /// organisation's time zone); empty for no bound.
    pub from: String,
    /// Only rows that happened on or before this day.
    pub to: String,
    /// Only rows from this source (entered by hand, or captured from email…).
    pub source: Option<Source>,
    /// Rows posted in error: shown struck through, hidden, or alone.
    pub posted_in_error: ErrorFilter,
    /// Only replies to other interactions.
    pub replies_only: bool,
    pub page: PageAnchor,
    /// Scope the log to one person (the profile page).
    pub person: Option<i64>,
    /// Count every match, however many (`count=all`), rather than stopping
    /// at [`COUNT_LIMIT`].
    pub count_all: bool,
}

/// Adds the ids in a comma-separated list to `ids`, each once, at most
/// `max` in all; anything not an id is left out.
fn push_ids(ids: &mut Vec<i64>, value: &str, max: usize) {
    for id in value.split(',').filter_map(|s| s.trim().parse::<i64>().ok()) {
        if !ids.contains(&id) && ids.len() < max {
            ids.push(id);
        }
    }
}

fn id_list(ids: &[i64]) -> String {
    ids.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(",")
}

/// What a view does with rows posted in error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ErrorFilter {
    /// Shown with the rest, struck through.
    #[default]
    Shown,
    Hidden,
    Only,
}

impl ErrorFilter {
    pub const ALL: [ErrorFilter; 3] = [ErrorFilter::Shown, ErrorFilter::Hidden, ErrorFilter::Only];

    /// The query string's `error=` value; empty for the default.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorFilter::Shown => "",
            ErrorFilter::Hidden => "hide",
            ErrorFilter::Only => "only",
        }
    }

    pub fn parse(s: &str) -> ErrorFilter {
        Self::ALL.into_iter().find(|e| e.as_str() == s).unwrap_or_default()
    }

    /// The filter's choice, as its select offers it.
    pub fn label(self) -> &'static str {
        match self {
            ErrorFilter::Shown => "Shown, struck through",
            ErrorFilter::Hidden => "Hidden",
            ErrorFilter::Only => "Only these",
        }
    }
}

/// A view's date bound as typed: at most a date's length, so a hand-edited
/// URL is checked (and refused by name) rather than silently dropped.
fn day_text(value: &str) -> String {
    value.trim().chars().take(10).collect()
}

/// True for a `YYYY-MM-DD` day on the calendar, years 1900 to 2999 (the
/// form's own bounds for when an interaction happened).
pub fn is_calendar_day(value: &str) -> bool {
    // Four digits compare as text.
    crate::actions::is_real_day(value) && ("1900".."3000").contains(&&value[..4])
}

/// "2026-03-01" as "1 Mar 2026"; anything else as it is.
pub fn day_label(value: &str) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    if !is_calendar_day(value) {
        return value.to_string();
    }
    let month: usize = value[5..7].parse().unwrap_or(1);
    let day: u32 = value[8..10].parse().unwrap_or(1);
    format!("{day} {} {}", MONTHS[month - 1], &value[..4])
}

impl LogQuery {
    /// The effective direction: the column's default unless one was chosen.
    pub fn direction(&self) -> SortDir {
        self.dir.unwrap_or(self.sort.default_dir())
    }

    /// Reads a view from query-string pairs. Unknown or malformed values fall
    /// back to defaults rather than failing: a hand-edited URL still opens.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut query = LogQuery::default();
        for (key, value) in pairs {
            match key {
                "q" => query.q = value.chars().take(MAX_SEARCH_CHARS).collect(),
                "sort" => query.sort = SortColumn::parse(value).unwrap_or_default(),
                "dir" => query.dir = SortDir::parse(value),
                "types" => push_ids(&mut query.types, value, MAX_TYPE_FILTERS),
                "completed_by" => push_ids(&mut query.completed_by, value, MAX_STAFF_FILTERS),
                "logged_by" => push_ids(&mut query.logged_by, value, MAX_STAFF_FILTERS),
                "from" => query.from = day_text(value),
                "to" => query.to = day_text(value),
                "source" => query.source = Source::parse(value),
                "error" => query.posted_in_error = ErrorFilter::parse(value),
                "replies" => query.replies_only = value == "only",
                "count" => query.count_all = value == "all",
                "after" => {
                    if let Ok(id) = value.parse() {
                        query.page = PageAnchor::After(id)
                    }
                }
                "before" => {
                    if let Ok(id) = value.parse() {
                        query.page = PageAnchor::Before(id)
                    }
                }
                _ => {}
            }
        }
        query.types.sort_unstable();
        query.completed_by.sort_unstable();
        query.logged_by.sort_unstable();
        query
    }

    /// Refuses a view no user could have asked for: the same limits for
    /// a page of the log and for an export of it.
    pub fn check(&self) -> Result<(), crate::error::AppError> {
        if self.q.chars().count() > MAX_SEARCH_CHARS {
            return Err(crate::error::AppError::Validation(format!(
                "Search text is limited to {MAX_SEARCH_CHARS} characters."
            )));
        }
        if self.types.len() > MAX_TYPE_FILTERS {
            return Err(crate::error::AppError::Validation("Too many type filters.".into()));
        }
        if self.completed_by.len() > MAX_STAFF_FILTERS || self.logged_by.len() > MAX_STAFF_FILTERS {
            return Err(crate::error::AppError::Validation(format!(
                "Filter by at most {MAX_STAFF_FILTERS} staff members at once."
            )));
        }
        for (day, what) in [(&self.from, "From"), (&self.to, "To")] {
            if !day.is_empty() && !is_calendar_day(day) {
                return Err(crate::error::AppError::Validation(format!(
                    "{what} must be a date on the calendar, like 2026-11-27."
                )));
            }
        }
        // ISO dates compare as text.
        if !self.from.is_empty() && !self.to.is_empty() && self.from > self.to {
            return Err(crate::error::AppError::Validation("To must be on or after From.".into()));
        }
        Ok(())
    }

    /// True when the view narrows rows by what neither the full-text index
    /// nor the per-type counts know: who had or logged them, where they came
    /// from, their posted-in-error mark, being a reply.
    pub fn has_row_filters(&self) -> bool {
        !self.completed_by.is_empty()
            || !self.logged_by.is_empty()
            || self.source.is_some()
            || self.posted_in_error != ErrorFilter::Shown
            || self.replies_only
    }

    /// The view without the filters [`Self::has_row_filters`] names.
    pub fn without_row_filters(&self) -> LogQuery {
        LogQuery {
            completed_by: Vec::new(),
            logged_by: Vec::new(),
            source: None,
            posted_in_error: ErrorFilter::Shown,
            replies_only: false,
            ..self.clone()
        }
    }

    /// True when a search or any filter narrows the view.
    pub fn is_filtered(&self) -> bool {
        !self.q.is_empty()
            || !self.types.is_empty()
            || !self.from.is_empty()
            || !self.to.is_empty()
            || self.has_row_filters()
    }

    /// The same view, sorted the same way, with no search or filter.
    pub fn cleared(&self) -> LogQuery {
        LogQuery { sort: self.sort, dir: self.dir, person: self.person, ..LogQuery::default() }
    }

    /// The filters on, besides the search and the types (whose boxes show
    /// them): what each says, and the view without it, from its first page.
    /// `staff_name` names a staff member by id.
    pub fn active_filters(&self, staff_name: impl Fn(i64) -> String) -> Vec<(String, LogQuery)> {
        let base = LogQuery { page: PageAnchor::First, count_all: false, ..self.clone() };
        let mut filters = Vec::new();
        for (label, ids, pick) in [
            (
                "Completed by",
                &self.completed_by,
                (|q: &mut LogQuery| &mut q.completed_by) as fn(&mut LogQuery) -> &mut Vec<i64>,
            ),
            ("Logged by", &self.logged_by, |q: &mut LogQuery| &mut q.logged_by),
        ] {
            for &id in ids {
                let mut without = base.clone();
                pick(&mut without).retain(|s| *s != id);
                filters.push((format!("{label}: {}", staff_name(id)), without));
            }
        }
        if !self.from.is_empty() {
            filters.push((format!("From {}", day_label(&self.from)), LogQuery { from: String::new(), ..base.clone() }));
        }
        if !self.to.is_empty() {
            filters.push((format!("To {}", day_label(&self.to)), LogQuery { to: String::new(), ..base.clone() }));
        }
        if let Some(source) = self.source {
            filters.push((format!("Source: {}", source.filter_label()), LogQuery { source: None, ..base.clone() }));
        }
        let error = match self.posted_in_error {
            ErrorFilter::Shown => None,
            ErrorFilter::Hidden => Some("Posted in error: hidden"),
            ErrorFilter::Only => Some("Posted in error only"),
        };
        if let Some(label) = error {
            filters.push((label.to_string(), LogQuery { posted_in_error: ErrorFilter::Shown, ..base.clone() }));
        }
        if self.replies_only {
            filters.push(("Replies only".to_string(), LogQuery { replies_only: false, ..base }));
        }
        filters
    }

    /// The query string for this view (without the leading `?`); defaults are
    /// left out so URLs stay short. The person scope lives in the path.
    pub fn to_query_string(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", encode_component(&self.q)));
        }
        if self.sort != SortColumn::default() {
            parts.push(format!("sort={}", self.sort.as_str()));
        }
        if let Some(dir) = self.dir {
            if dir != self.sort.default_dir() {
                parts.push(format!("dir={}", dir.as_str()));
            }
        }
        if !self.types.is_empty() {
            parts.push(format!("types={}", id_list(&self.types)));
        }
        if !self.completed_by.is_empty() {
            parts.push(format!("completed_by={}", id_list(&self.completed_by)));
        }
        if !self.logged_by.is_empty() {
            parts.push(format!("logged_by={}", id_list(&self.logged_by)));
        }
        if !self.from.is_empty() {
            parts.push(format!("from={}", encode_component(&self.from)));
        }
        if !self.to.is_empty() {
            parts.push(format!("to={}", encode_component(&self.to)));
        }
        if let Some(source) = self.source {
            parts.push(format!("source={}", source.as_str()));
        }
        if self.posted_in_error != ErrorFilter::Shown {
            parts.push(format!("error={}", self.posted_in_error.as_str()));
        }
        if self.replies_only {
            parts.push("replies=only".to_string());
        }
        match self.page {
            PageAnchor::First => {}
            PageAnchor::After(id) => parts.push(format!("after={id}")),
            PageAnchor::Before(id) => parts.push(format!("before={id}")),
        }
        if self.count_all {
            parts.push("count=all".to_string());
        }
        parts.join("&")
    }

    /// Reads a view from query-string pairs, with the person it is scoped
    /// to (`person=`), as the export and print links carry it.
    pub fn from_export_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let pairs: Vec<(&str, &str)> = pairs.into_iter().collect();
        let mut query = LogQuery::from_pairs(pairs.iter().copied());
        query.page = PageAnchor::First;
        query.person = pairs.iter().find(|(k, _)| *k == "person").and_then(|(_, v)| v.parse().ok());
        query
    }

    /// The link that exports or prints this whole view, from its first row:
    /// `/log/export.csv?q=…&person=7`.
    pub fn export_url(&self, path: &str) -> String {
        let mut qs = LogQuery { page: PageAnchor::First, count_all: false, ..self.clone() }.to_query_string();
        if let Some(person) = self.person {
            if !qs.is_empty() {
                qs.push('&');
            }
            qs.push_str(&format!("person={person}"));
        }
        if qs.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{qs}")
        }
    }

    /// The view sorted by `column`: a click on the active column reverses it,
    /// a click on another column sorts by that one in its default direction.
    /// Sorting always starts again from the first page.
    pub fn sorted_by(&self, column: SortColumn) -> LogQuery {
        let dir = if self.sort == column { self.direction().reversed() } else { column.default_dir() };
        LogQuery { sort: column, dir: Some(dir), page: PageAnchor::First, ..self.clone() }
    }

    pub fn with_page(&self, page: PageAnchor) -> LogQuery {
        LogQuery { page, ..self.clone() }
    }
}

/// Percent-encodes a query-string component (RFC 3986 unreserved set kept).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push_str("%20"),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// How an interaction type is shown wherever it appears.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeBadge {
    pub id: i64,
    pub name: String,
    /// `#rrggbb`
    pub colour: String,
    /// Black or white, whichever reads better on `colour`.
    pub ink: String,
    pub icon: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deleted: bool,
}

/// For `skip_serializing_if`: a `false` is left out and read back as the default.
fn is_false(value: &bool) -> bool {
    !value
}

impl TypeBadge {
    pub fn new(id: i64, name: String, colour: String, icon: String, deleted: bool) -> TypeBadge {
        let ink = readable_on(&colour).to_string();
        TypeBadge { id, name, colour, ink, icon, deleted }
    }

    /// The CSS custom properties that colour this type's dot, icon or chip.
    pub fn style(&self) -> String {
        format!("--type-colour: {}; --type-ink: {}", self.colour, self.ink)
    }
}

/// One row of the log. Alone (a rename's answer) and in exports and print
/// views, by the thousand, its JSON names each field by a letter and leaves
/// out what is usually empty or false, read back as its default; a page of
/// the log travels in columns instead (see `LogPageWire`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRow {
    #[serde(rename = "i")]
    pub id: i64,
    /// UTC, RFC 3339, for `<time datetime>`.
    #[serde(rename = "a")]
    pub occurred_at: String,
    /// In the organisation's time zone, formatted on the server so server and
    /// browser render the same text.
    #[serde(rename = "w")]
    pub occurred_display: String,
    #[serde(rename = "k")]
    pub kind: TypeBadge,
    #[serde(rename = "d")]
    pub description: String,
    #[serde(rename = "p")]
    pub person_id: i64,
    #[serde(rename = "n")]
    pub person_name: String,
    #[serde(rename = "l")]
    pub logged_by_name: String,
    /// The colleague who had the interaction, when not whoever logged it.
    #[serde(rename = "c", default, skip_serializing_if = "Option::is_none")]
    pub completed_by_name: Option<String>,
    #[serde(rename = "t", default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(rename = "r", default, skip_serializing_if = "is_false")]
    pub renamed: bool,
    /// Marked "posted in error": shown struck through.
    #[serde(rename = "e", default, skip_serializing_if = "is_false")]
    pub posted_in_error: bool,
    /// A reply to another interaction.
    #[serde(rename = "y", default, skip_serializing_if = "is_false")]
    pub reply: bool,
    /// Who may read it, in words ("Private", "Teams: Outreach"); `None`
    /// for all staff.
    #[serde(rename = "v", default, skip_serializing_if = "Option::is_none")]
    pub restricted: Option<String>,
    /// For a search matched through the note: a short piece of it as
    /// (text, marked) pieces, the matching words marked.
    #[serde(rename = "s", default, skip_serializing_if = "Vec::is_empty")]
    pub snippet: Vec<(String, bool)>,
}

impl LogRow {
    /// Who had it: "Tom Whitaker", or "Tom Whitaker (logged by Priya Shah)"
    /// when a colleague recorded it for them.
    pub fn staff_label(&self) -> String {
        match &self.completed_by_name {
            Some(name) => format!("{name} (logged by {})", self.logged_by_name),
            None => self.logged_by_name.clone(),
        }
    }

    /// Who had it, by name alone.
    pub fn completed_by(&self) -> &str {
        self.completed_by_name.as_deref().unwrap_or(&self.logged_by_name)
    }
}

/// Every row of a view, for an export or a print. `rows` is empty when
/// `total` is over the limit asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogExport {
    pub total: i64,
    pub rows: Vec<LogRow>,
}

/// What the log's filters offer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogFilterOptions {
    /// In the admin's order.
    pub types: Vec<TypeBadge>,
    /// Everyone who may have had or logged an interaction, by name.
    pub staff: Vec<(i64, String)>,
}

impl LogFilterOptions {
    /// The name of staff member `id`, for a filter chip.
    pub fn staff_name(&self, id: i64) -> String {
        staff_label(&self.staff, id)
    }
}

/// Staff member `id`'s name from `staff`, or "staff #id" for an id no one
/// has (a hand-edited filter), as filters and their descriptions name them.
pub fn staff_label(staff: &[(i64, String)], id: i64) -> String {
    staff.iter().find(|(s, _)| *s == id).map(|(_, name)| name.clone()).unwrap_or_else(|| format!("staff #{id}"))
}

/// How many interactions a view holds, counted after its page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewCount {
    /// At most [`COUNT_LIMIT`] unless the view asked to count them all.
    pub total: i64,
    /// More than `total` match: they were not all counted.
    pub capped: bool,
}

impl ViewCount {
    /// More than `limit` interactions match for certain: counted past it, or
    /// a count that stopped short at or beyond it.
    pub fn more_than(&self, limit: i64) -> bool {
        self.total > limit || (self.capped && self.total >= limit)
    }
}

/// One page of the log, with what the pager needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "LogPageWire", try_from = "LogPageWire")]
pub struct LogPage {
    pub rows: Vec<LogRow>,
    /// Interactions matching the search and filters, across all pages; at
    /// most [`COUNT_LIMIT`] unless the view asked to count them all.
    pub total: i64,
    /// More than `total` match: they were not all counted.
    pub total_capped: bool,
    /// Not counted yet: the page came first, and [`ViewCount`] follows (a
    /// broad search on PostgreSQL, whose count visits every match).
    pub total_pending: bool,
    pub has_previous: bool,
    pub has_next: bool,
    /// The organisation's time zone, which the times are shown in.
    pub time_zone: String,
}

/// A page as it travels, in columns: each field's name once for the whole
/// page rather than once a row, each type and each word that rows repeat
/// (people's and staff's names, tags) once, rows pointing at them by position, and the usually-false or empty
/// fields as lists of the rows they apply to.
///
/// A page the server has drawn travels a second time, as the hydration data
/// its HTML carries ([`ShownPage`]): then only the columns the browser needs
/// to take the drawn rows over (ids, the descriptions a rename edits, and
/// what decides a row's shape), not the cells it adopts as drawn.
#[derive(Serialize, Deserialize)]
struct LogPageWire {
    /// Hydration data: the columns only the server's HTML needs are absent.
    #[serde(default, skip_serializing_if = "is_false")]
    drawn: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    types: Vec<TypeBadge>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    words: Vec<String>,
    id: Vec<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    at: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    shown: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    kind: Vec<i64>,
    text: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    person: Vec<i64>,
    /// Positions in `words`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    person_name: Vec<usize>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    logged_by: Vec<usize>,
    /// (row, position in `words`)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    completed_by: Vec<(usize, usize)>,
    /// (row, positions in `words`)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<(usize, Vec<usize>)>,
    /// Rows, by position.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    renamed: Vec<usize>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    in_error: Vec<usize>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    reply: Vec<usize>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    restricted: Vec<(usize, String)>,
    /// (row, its note snippet)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    snippet: Vec<(usize, Vec<(String, bool)>)>,
    total: i64,
    #[serde(default, skip_serializing_if = "is_false")]
    total_capped: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    total_pending: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    has_previous: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    has_next: bool,
    time_zone: String,
}

impl From<LogPage> for LogPageWire {
    fn from(page: LogPage) -> Self {
        LogPageWire::new(page, false)
    }
}

impl LogPageWire {
    /// `page` in columns; when `drawn`, only those hydration needs.
    fn new(page: LogPage, drawn: bool) -> Self {
        let LogPage { rows, total, total_capped, total_pending, has_previous, has_next, time_zone } = page;
        let whole = if drawn { 0 } else { rows.len() };
        let mut wire = LogPageWire {
            drawn,
            types: Vec::new(),
            words: Vec::new(),
            id: Vec::with_capacity(rows.len()),
            at: Vec::with_capacity(whole),
            shown: Vec::with_capacity(whole),
            kind: Vec::with_capacity(whole),
            text: Vec::with_capacity(rows.len()),
            person: Vec::with_capacity(whole),
            person_name: Vec::with_capacity(whole),
            logged_by: Vec::with_capacity(whole),
            completed_by: Vec::new(),
            tags: Vec::new(),
            renamed: Vec::new(),
            in_error: Vec::new(),
            reply: Vec::new(),
            restricted: Vec::new(),
            snippet: Vec::new(),
            total,
            total_capped,
            total_pending,
            has_previous,
            has_next,
            time_zone,
        };
        // Where each word already is: a page repeats a few dozen names and
        // tags among a few hundred, on every page the server renders.
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut word_at = |words: &mut Vec<String>, word: String| -> usize {
            *seen.entry(word).or_insert_with_key(|word| {
                words.push(word.clone());
                words.len() - 1
            })
        };
        for (n, row) in rows.into_iter().enumerate() {
            let LogRow {
                id,
                occurred_at,
                occurred_display,
                kind,
                description,
                person_id,
                person_name,
                logged_by_name,
                completed_by_name,
                tags,
                renamed,
                posted_in_error,
                reply,
                restricted,
                snippet,
            } = row;
            wire.id.push(id);
            wire.text.push(description);
            if !drawn {
                wire.at.push(occurred_at);
                wire.shown.push(occurred_display);
                wire.kind.push(kind.id);
                if !wire.types.iter().any(|t| t.id == kind.id) {
                    wire.types.push(kind);
                }
                wire.person.push(person_id);
                wire.person_name.push(word_at(&mut wire.words, person_name));
                wire.logged_by.push(word_at(&mut wire.words, logged_by_name));
                if let Some(name) = completed_by_name {
                    let at = word_at(&mut wire.words, name);
                    wire.completed_by.push((n, at));
                }
                if !tags.is_empty() {
                    let tags = tags.into_iter().map(|tag| word_at(&mut wire.words, tag)).collect();
                    wire.tags.push((n, tags));
                }
            }
            for (flag, rows) in
                [(renamed, &mut wire.renamed), (posted_in_error, &mut wire.in_error), (reply, &mut wire.reply)]
            {
                if flag {
                    rows.push(n);
                }
            }
            if let Some(label) = restricted {
                wire.restricted.push((n, label));
            }
            if !snippet.is_empty() {
                wire.snippet.push((n, snippet));
            }
        }
        wire
    }
}

impl TryFrom<LogPageWire> for LogPage {
    type Error = String;

    fn try_from(wire: LogPageWire) -> Result<Self, String> {
        if wire.drawn {
            return Err("a drawn page's hydration data is not a whole page".into());
        }
        wire.read()
    }
}

impl LogPageWire {
    /// The page the columns hold: with rows holding only their ids,
    /// descriptions and shapes when `drawn`.
    fn read(self) -> Result<LogPage, String> {
        let wire = self;
        let count = wire.id.len();
        let whole = if wire.drawn { 0 } else { count };
        let columns = [
            (wire.at.len(), whole),
            (wire.shown.len(), whole),
            (wire.kind.len(), whole),
            (wire.text.len(), count),
            (wire.person.len(), whole),
            (wire.person_name.len(), whole),
            (wire.logged_by.len(), whole),
        ];
        if columns.iter().any(|(len, wanted)| len != wanted) {
            return Err("a log page's columns differ in length".into());
        }
        let word = |at: usize| wire.words.get(at).cloned().ok_or_else(|| format!("no word at {at}"));
        let row_at = |n: usize| if n < count { Ok(n) } else { Err(format!("no row {n}")) };
        let mut rows = Vec::with_capacity(count);
        for n in 0..count {
            let mut row = LogRow { id: wire.id[n], description: wire.text[n].clone(), ..LogRow::default() };
            if !wire.drawn {
                let kind_id = wire.kind[n];
                row.kind =
                    wire.types.iter().find(|t| t.id == kind_id).cloned().ok_or_else(|| format!("no type {kind_id}"))?;
                row.occurred_at = wire.at[n].clone();
                row.occurred_display = wire.shown[n].clone();
                row.person_id = wire.person[n];
                row.person_name = word(wire.person_name[n])?;
                row.logged_by_name = word(wire.logged_by[n])?;
            }
            rows.push(row);
        }
        for &(n, at) in &wire.completed_by {
            rows[row_at(n)?].completed_by_name = Some(word(at)?);
        }
        for (n, tags) in &wire.tags {
            rows[row_at(*n)?].tags = tags.iter().map(|&at| word(at)).collect::<Result<_, _>>()?;
        }
        for n in wire.renamed {
            rows[row_at(n)?].renamed = true;
        }
        for n in wire.in_error {
            rows[row_at(n)?].posted_in_error = true;
        }
        for n in wire.reply {
            rows[row_at(n)?].reply = true;
        }
        for (n, pieces) in wire.snippet {
            rows[row_at(n)?].snippet = pieces;
        }
        for (n, label) in wire.restricted {
            rows[row_at(n)?].restricted = Some(label);
        }
        Ok(LogPage {
            rows,
            total: wire.total,
            total_capped: wire.total_capped,
            total_pending: wire.total_pending,
            has_previous: wire.has_previous,
            has_next: wire.has_next,
            time_zone: wire.time_zone,
        })
    }
}

impl LogPage {
    /// The view's count, unless it comes after the page.
    pub fn count(&self) -> Option<ViewCount> {
        (!self.total_pending).then_some(ViewCount { total: self.total, capped: self.total_capped })
    }

    pub fn previous_anchor(&self) -> Option<PageAnchor> {
        match (self.has_previous, self.rows.first()) {
            (true, Some(row)) => Some(PageAnchor::Before(row.id)),
            _ => None,
        }
    }

    pub fn next_anchor(&self) -> Option<PageAnchor> {
        match (self.has_next, self.rows.last()) {
            (true, Some(row)) => Some(PageAnchor::After(row.id)),
            _ => None,
        }
    }
}

/// A page of the log as a log view holds it. Sent with the server's HTML
/// as the page's hydration data, it carries only what the browser needs to
/// take over the rows already drawn (see [`LogPageWire`]): the rest of each
/// row is in the HTML, and would otherwise travel twice. It is serialised
/// for nothing else, so always in that form; a fetch in the browser holds
/// the whole page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "LogPageWire", try_from = "LogPageWire")]
pub struct ShownPage {
    pub page: LogPage,
    /// Arrived as hydration data: the rows hold their ids, descriptions and
    /// shapes, enough to hydrate the server's rows but not to draw them.
    pub drawn: bool,
}

impl From<ShownPage> for LogPageWire {
    fn from(shown: ShownPage) -> Self {
        LogPageWire::new(shown.page, true)
    }
}

impl TryFrom<LogPageWire> for ShownPage {
    type Error = String;

    fn try_from(wire: LogPageWire) -> Result<Self, String> {
        let drawn = wire.drawn;
        Ok(ShownPage { page: wire.read()?, drawn })
    }
}

/// Who may read an interaction.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Visibility {
    /// Everyone who may view interactions (the default).
    #[default]
    AllStaff,
    /// Members of these teams (and its author).
    Teams(Vec<i64>),
    /// Its author only.
    Private,
}

impl Visibility {
    /// The form's value for this choice: `all`, `teams` or `private`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Visibility::AllStaff => "all",
            Visibility::Teams(_) => "teams",
            Visibility::Private => "private",
        }
    }

    /// A visibility from the form's choice and team ids, or why it is refused.
    pub fn from_choice(choice: &str, team_ids: &[i64]) -> Result<Visibility, String> {
        match choice.trim() {
            "" | "all" | "all_staff" => Ok(Visibility::AllStaff),
            "private" => Ok(Visibility::Private),
            "teams" if team_ids.is_empty() => Err("Choose at least one team that may read it.".into()),
            "teams" if team_ids.len() > crate::access::MAX_TEAMS => Err("Too many teams.".into()),
            "teams" => {
                let mut ids = team_ids.to_vec();
                ids.sort_unstable();
                ids.dedup();
                Ok(Visibility::Teams(ids))
            }
            _ => Err("Visibility is one of all, teams or private.".into()),
        }
    }

    /// The same visibility, checked as a form's choice is: at least one team
    /// and not too many, each once, in order.
    pub fn checked(&self) -> Result<Visibility, String> {
        match self {
            Visibility::Teams(ids) => Visibility::from_choice("teams", ids),
            other => Ok(other.clone()),
        }
    }

    /// The words on its lock badge, given the teams' names; `None` for all staff.
    pub fn label(&self, team_name: impl Fn(i64) -> Option<String>) -> Option<String> {
        match self {
            Visibility::AllStaff => None,
            Visibility::Private => Some("Private".into()),
            Visibility::Teams(ids) => {
                let mut names: Vec<String> =
                    ids.iter().map(|id| team_name(*id).unwrap_or_else(|| format!("team {id}"))).collect();
                names.sort_by_key(|n| n.to_lowercase());
                Some(format!("Teams: {}", names.join(", ")))
            }
        }
    }
}

/// A rename of a description, kept for ever.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub old_description: String,
    pub new_description: String,
    pub revised_by_name: String,
    pub revised_at: String,
    pub revised_display: String,
}

/// A link to another interaction (reply-to, replies).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InteractionLink {
    pub id: i64,
    pub description: String,
    pub occurred_display: String,
}

/// Everything the detail page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InteractionDetail {
    pub row: LogRow,
    pub note: String,
    pub logged_at: String,
    pub logged_display: String,
    pub reply_to: Option<InteractionLink>,
    /// It replies to an interaction the reader may not open.
    pub reply_to_restricted: bool,
    pub replies: Vec<InteractionLink>,
    pub revisions: Vec<Revision>,
    pub source: crate::recording::Source,
    pub error_mark: Option<crate::recording::ErrorMark>,
    /// Follow-up actions assigned from this interaction, and the action
    /// whose completion recorded it.
    pub actions: Vec<ActionLink>,
    pub visibility: Visibility,
    /// The reader is its author or a manager: they may widen or narrow who reads it.
    pub can_change_visibility: bool,
    /// The teams a visibility can name (for the change control).
    pub teams: Vec<crate::access::Team>,
}

/// A follow-up action, as an interaction's page links to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionLink {
    pub id: i64,
    pub instructions: String,
    /// This interaction is what completing the action recorded.
    pub completed_here: bool,
    pub done: bool,
}

/// The staff member using the app, and the organisation's settings the
/// browser needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub id: i64,
    pub name: String,
    pub initials: String,
    pub role: crate::access::Role,
    pub time_zone: String,
}

/// WCAG relative luminance of `#rrggbb` (0 black … 1 white).
pub fn relative_luminance(colour: &str) -> f64 {
    let hex = colour.trim_start_matches('#');
    let channel = |i: usize| -> f64 {
        let v = hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).unwrap_or(0) as f64 / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

/// WCAG contrast ratio between two `#rrggbb` colours (1 … 21).
pub fn contrast_ratio(a: &str, b: &str) -> f64 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The dark ink used on light colours. Pure black: with it, black or white
/// always reaches at least √21 ≈ 4.58:1 on any colour.
pub const DARK_INK: &str = "#000000";

/// Black or white, whichever reads better on `colour` (`#rrggbb`), by WCAG
/// contrast. Either way the ratio is at least 4.5:1, so chip text is readable
/// on any colour an admin picks.
pub fn readable_on(colour: &str) -> &'static str {
    if contrast_ratio(colour, "#ffffff") >= contrast_ratio(colour, DARK_INK) {
        "#ffffff"
    } else {
        DARK_INK
    }
}

/// Checks and normalises a new description: trimmed, inner whitespace runs
/// collapsed, not empty, not too long, no control characters.
pub fn validate_description(input: &str) -> Result<String, String> {
    validate_line(input, "The description", MAX_DESCRIPTION_CHARS)
}

/// One line of text as people type it: trimmed, inner whitespace runs
/// collapsed, 1 to `limit` characters, no control characters. `what` starts
/// each refusal ("The name cannot be empty.").
pub fn validate_line(input: &str, what: &str, limit: usize) -> Result<String, String> {
    let cleaned = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        return Err(format!("{what} cannot be empty."));
    }
    let length = cleaned.chars().count();
    if length > limit {
        return Err(format!("{what} is {length} characters long; the limit is {limit}."));
    }
    if cleaned.chars().any(char::is_control) {
        return Err(format!("{what} cannot contain control characters."));
    }
    Ok(cleaned)
}

/// Initials for an avatar: first letters of the first and last words.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let first = words.first().and_then(|w| w.chars().next());
    let last = if words.len() > 1 { words.last().and_then(|w| w.chars().next()) } else { None };
    first.into_iter().chain(last).flat_map(char::to_uppercase).collect()
}

/// Where "Return to interaction log" may lead: only our own log views,
/// never another site.
pub fn safe_return_path(from: Option<&str>) -> String {
    match from {
        Some(path)
            if (path == "/log" || path.starts_with("/log?") || path.starts_with("/people/"))
                && !path.contains("//")
                && !path.contains('\\') =>
        {
            path.to_string()
        }
        _ => "/log".to_string(),
    }
}

/// "More than 10,000 interactions" when a count stopped short, else the count.
pub fn total_text(total: i64, capped: bool) -> String {
    if capped {
        format!("More than {}", interactions_count(total))
    } else {
        interactions_count(total)
    }
}

/// "1 interaction", "12,345 interactions".
pub fn interactions_count(n: i64) -> String {
    match n {
        1 => "1 interaction".to_string(),
        n => format!("{} interactions", thousands(n)),
    }
}

/// 12,345
pub fn thousands(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_travels_with_each_type_and_name_once_and_arrives_whole() {
        let kind = |id: i64, name: &str, deleted: bool| {
            TypeBadge::new(id, name.into(), "#0f766e".into(), "mail".into(), deleted)
        };
        let row = |id: i64, kind: TypeBadge| LogRow {
            id,
            occurred_at: format!("2026-03-14T09:3{id}:00Z"),
            occurred_display: format!("14 Mar 2026 09:3{id}"),
            kind,
            description: format!("Row {id}"),
            person_id: 7 + id % 2,
            person_name: if id % 2 == 0 { "Jane Doe".into() } else { "Sam Lee".into() },
            logged_by_name: "Tom Whitaker".into(),
            completed_by_name: (id == 2).then(|| "Grace Okafor".into()),
            tags: if id == 4 { Vec::new() } else { vec!["housing".into(), format!("t{id}")] },
            renamed: id == 3,
            posted_in_error: id == 4,
            reply: id == 1,
            restricted: (id == 2).then(|| "Teams: Outreach".into()),
            snippet: if id == 3 { vec![("Rang about ".into(), false), ("arrears".into(), true)] } else { Vec::new() },
        };
        let page = LogPage {
            rows: vec![
                row(1, kind(2, "Email", false)),
                row(2, kind(9, "Old type", true)),
                row(3, kind(2, "Email", false)),
                row(4, kind(2, "Email", false)),
            ],
            total: 3,
            total_capped: false,
            total_pending: false,
            has_previous: false,
            has_next: true,
            time_zone: "Europe/London".into(),
        };
        let json = serde_json::to_string(&page).unwrap();
        for once in ["Email", "Old type", "Jane Doe", "Sam Lee", "Tom Whitaker", "housing"] {
            assert_eq!(json.matches(once).count(), 1, "{once} in {json}");
        }
        assert_eq!(serde_json::from_str::<LogPage>(&json).unwrap(), page);

        // As the hydration data of a drawn page: no cell the HTML holds.
        let drawn = serde_json::to_string(&ShownPage { page: page.clone(), drawn: false }).unwrap();
        for absent in ["Email", "Jane Doe", "Tom Whitaker", "Grace Okafor", "housing", "14 Mar", "2026-03-14"] {
            assert!(!drawn.contains(absent), "{absent} in {drawn}");
        }
        let arrived = serde_json::from_str::<ShownPage>(&drawn).unwrap();
        assert!(arrived.drawn);
        let shapes = |p: &LogPage| {
            p.rows
                .iter()
                .map(|r| {
                    (
                        r.id,
                        r.description.clone(),
                        r.renamed,
                        r.posted_in_error,
                        r.reply,
                        r.restricted.clone(),
                        r.snippet.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(shapes(&arrived.page), shapes(&page));
        assert_eq!(
            (arrived.page.previous_anchor(), arrived.page.next_anchor()),
            (page.previous_anchor(), page.next_anchor())
        );
        assert_eq!((arrived.page.count(), &arrived.page.time_zone), (page.count(), &page.time_zone));
        assert!(arrived.page.rows.iter().all(|r| r.person_name.is_empty() && r.tags.is_empty()));
        // Nor is it ever taken for a whole page.
        assert!(serde_json::from_str::<LogPage>(&drawn).is_err());
    }

    #[test]
    fn a_page_whose_columns_do_not_agree_is_refused() {
        let page = r##"{"types":[{"id":2,"name":"Email","colour":"#0f766e","ink":"#ffffff","icon":"mail"}],
            "words":["Jane","housing"],"id":[1],"at":["2026-03-14T09:30:00Z"],"shown":["14 Mar 2026 09:30"],
            "kind":[2],"text":["Row"],"person":[7],"person_name":[0],"logged_by":[0],"tags":[[0,[1]]],"total":1,"time_zone":"UTC"}"##;
        assert!(serde_json::from_str::<LogPage>(page).is_ok());
        for (from, to) in [
            (r#""kind":[2]"#, r#""kind":[3]"#),
            (r#""logged_by":[0]"#, r#""logged_by":[2]"#),
            (r#""tags":[[0,[1]]]"#, r#""tags":[[0,[2]]]"#),
            (r#""tags":[[0,[1]]]"#, r#""tags":[[1,[1]]]"#),
            (r#""id":[1]"#, r#""id":[1,2]"#),
            (r#""total":1"#, r#""reply":[1],"total":1"#),
        ] {
            let broken = page.replace(from, to);
            assert_ne!(broken, page);
            assert!(serde_json::from_str::<LogPage>(&broken).is_err(), "{to}");
        }
    }

    #[test]
    fn query_string_round_trips() {
        let query = LogQuery {
            q: "gp visit & more".into(),
            sort: SortColumn::Person,
            dir: Some(SortDir::Desc),
            types: vec![2, 5],
            completed_by: vec![4, 9],
            logged_by: vec![3],
            from: "2026-03-01".into(),
            to: "2026-03-31".into(),
            source: Some(Source::Email),
            posted_in_error: ErrorFilter::Hidden,
            replies_only: true,
            page: PageAnchor::After(42),
            person: None,
            count_all: true,
        };
        let qs = query.to_query_string();
        assert_eq!(
            qs,
            "q=gp%20visit%20%26%20more&sort=person&dir=desc&types=2,5&completed_by=4,9&logged_by=3\
             &from=2026-03-01&to=2026-03-31&source=email&error=hide&replies=only&after=42&count=all"
        );
        let decoded = [
            ("q", "gp visit & more"),
            ("sort", "person"),
            ("dir", "desc"),
            ("types", "2,5"),
            ("completed_by", "9,4"),
            ("logged_by", "3"),
            ("from", "2026-03-01"),
            ("to", "2026-03-31"),
            ("source", "email"),
            ("error", "hide"),
            ("replies", "only"),
            ("after", "42"),
            ("count", "all"),
        ];
        assert_eq!(LogQuery::from_pairs(decoded), query);
        // A plain form repeats the field once per choice.
        let repeated = LogQuery::from_pairs([("completed_by", "9"), ("completed_by", "4"), ("completed_by", "9")]);
        assert_eq!(repeated.completed_by, vec![4, 9]);
    }

    #[test]
    fn export_links_carry_the_whole_view_but_not_the_page() {
        let query = LogQuery {
            q: "rent".into(),
            sort: SortColumn::Type,
            dir: None,
            types: vec![3],
            completed_by: vec![12],
            page: PageAnchor::After(99),
            person: Some(7),
            ..LogQuery::default()
        };
        let url = query.export_url("/log/export.csv");
        assert_eq!(url, "/log/export.csv?q=rent&sort=type&types=3&completed_by=12&person=7");
        let pairs =
            [("q", "rent"), ("sort", "type"), ("types", "3"), ("completed_by", "12"), ("person", "7"), ("after", "5")];
        assert_eq!(LogQuery::from_export_pairs(pairs), LogQuery { page: PageAnchor::First, ..query });
        assert_eq!(LogQuery::default().export_url("/log/print"), "/log/print");
        assert_eq!(LogQuery::from_export_pairs([("person", "x")]).person, None);
    }

    #[test]
    fn defaults_are_left_out_and_bad_values_ignored() {
        assert_eq!(LogQuery::default().to_query_string(), "");
        let query = LogQuery::from_pairs([("sort", "drop table"), ("types", "1,x,1,3"), ("after", "z")]);
        assert_eq!(query.sort, SortColumn::Timestamp);
        assert_eq!(query.types, vec![1, 3]);
        assert_eq!(query.page, PageAnchor::First);
    }

    #[test]
    fn date_bounds_are_checked_by_name() {
        let checked =
            |from: &str, to: &str| LogQuery { from: from.into(), to: to.into(), ..LogQuery::default() }.check();
        assert!(checked("2026-03-01", "2026-03-01").is_ok());
        assert!(checked("", "2024-02-29").is_ok());
        for (from, to, named) in [
            ("2026-02-30", "", "From must be a date"),
            ("", "2025-02-29", "To must be a date"),
            ("1899-12-31", "", "From must be a date"),
            ("yesterday", "", "From must be a date"),
            ("2026-03-02", "2026-03-01", "To must be on or after From"),
        ] {
            let error = checked(from, to).unwrap_err().to_string();
            assert!(error.contains(named), "{from}..{to}: {error}");
        }
        // A hand-edited bound is kept to be refused, not quietly dropped.
        assert_eq!(LogQuery::from_pairs([("from", "2026-13-01")]).from, "2026-13-01");
        assert_eq!(day_label("2026-03-01"), "1 Mar 2026");
    }

    #[test]
    fn each_active_filter_says_what_it_is_and_removes_only_itself() {
        let query = LogQuery {
            q: "rent".into(),
            types: vec![2],
            completed_by: vec![4, 9],
            from: "2026-03-01".into(),
            source: Some(Source::Staff),
            posted_in_error: ErrorFilter::Only,
            replies_only: true,
            page: PageAnchor::After(7),
            ..LogQuery::default()
        };
        let filters = query.active_filters(|id| format!("Staff {id}"));
        let labels: Vec<&str> = filters.iter().map(|(label, _)| label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Completed by: Staff 4",
                "Completed by: Staff 9",
                "From 1 Mar 2026",
                "Source: Entered by hand",
                "Posted in error only",
                "Replies only"
            ]
        );
        let first = LogQuery { page: PageAnchor::First, ..query.clone() };
        assert_eq!(filters[1].1, LogQuery { completed_by: vec![4], ..first.clone() });
        assert_eq!(filters[2].1, LogQuery { from: String::new(), ..first.clone() });
        assert_eq!(filters[5].1, LogQuery { replies_only: false, ..first.clone() });
        assert!(query.has_row_filters() && !query.without_row_filters().has_row_filters());
        assert_eq!(query.without_row_filters().from, "2026-03-01");
        assert!(query.is_filtered() && !query.cleared().is_filtered());
        assert!(LogQuery { to: "2026-01-01".into(), ..LogQuery::default() }.is_filtered());
    }

    #[test]
    fn header_click_toggles_then_switches_column() {
        let base = LogQuery::default();
        assert_eq!(base.direction(), SortDir::Desc);
        let once = base.sorted_by(SortColumn::Timestamp);
        assert_eq!(once.direction(), SortDir::Asc);
        let twice = once.sorted_by(SortColumn::Timestamp);
        assert_eq!(twice.direction(), SortDir::Desc);
        let person = twice.with_page(PageAnchor::After(9)).sorted_by(SortColumn::Person);
        assert_eq!(
            (person.sort, person.direction(), person.page),
            (SortColumn::Person, SortDir::Asc, PageAnchor::First)
        );
    }

    #[test]
    fn descriptions_are_validated() {
        assert_eq!(validate_description("  Called   back \n ").unwrap(), "Called back");
        assert!(validate_description("   ").unwrap_err().contains("cannot be empty"));
        assert!(validate_description(&"x".repeat(201)).unwrap_err().contains("limit is 200"));
        assert!(validate_description(&"x".repeat(200)).is_ok());
    }

    #[test]
    fn return_path_stays_on_site() {
        assert_eq!(safe_return_path(Some("/log?q=a")), "/log?q=a");
        assert_eq!(safe_return_path(Some("https://evil.example")), "/log");
        assert_eq!(safe_return_path(Some("//evil.example")), "/log");
        assert_eq!(safe_return_path(None), "/log");
    }

    #[test]
    fn icon_colour_keeps_contrast() {
        assert_eq!(readable_on("#2563eb"), "#ffffff");
        assert_eq!(readable_on("#fde047"), DARK_INK);
    }

    #[test]
    fn any_colour_gets_readable_ink() {
        assert!((contrast_ratio("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        // Every grey, and a sweep of hues: the chosen ink reads at 4.5:1 or more.
        for v in (0..=255).step_by(5) {
            for colour in [format!("#{v:02x}{v:02x}{v:02x}"), format!("#{v:02x}80{:02x}", 255 - v)] {
                let ratio = contrast_ratio(&colour, readable_on(&colour));
                assert!(ratio >= 4.5, "{colour}: {ratio:.2}");
            }
        }
    }

    #[test]
    fn initials_use_first_and_last_names() {
        assert_eq!(initials("Priya Anand Shah"), "PS");
        assert_eq!(initials("cher"), "C");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(interactions_count(1), "1 interaction");
        assert_eq!(interactions_count(5005), "5,005 interactions");
    }
}
