//! The interaction log: search, type and staff filters, sortable table,
//! keyset pager.
//! Used by `/log` and (scoped to one person) by a person's profile.
//!
//! Everything that defines the view lives in the query string. The server
//! renders real links and a real form, so sorting, filtering and paging work
//! before the WASM arrives; after hydration they update in place.

use leptos::{ev, prelude::*, tachys::html::attribute::custom::custom_attribute};
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};

use crate::api::{count_interactions, filter_options, list_interactions};
use crate::components::{
    description::{EditableDescription, Interactive},
    feedback::error_panel,
    filter_chips::FilterChips,
    icons::write_icon,
    log_filters::{filter_chips, RowFilters, StaffFilter, StaffPicker},
    pager::Pager,
    search_box::follow_url_unless_typing,
    static_html::{Markup, StaticHtml},
    type_badge::{type_styles, write_type_icon},
    visibility::write_lock_badge,
};
use crate::error::AppError;
use crate::export::{too_many, ExportFormat};
use crate::log::{
    encode_component, total_text, LogFilterOptions, LogPage, LogQuery, LogRow, PageAnchor, ShownPage, SortColumn,
    SortDir, ViewCount,
};

/// `base?query`, or just `base` for the default view.
pub fn view_url(base: &str, query: &LogQuery) -> String {
    let qs = query.to_query_string();
    if qs.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{qs}")
    }
}

/// What a log view reads: the view in the URL and the two resources behind it.
///
/// A profile creates these once, under its page rather than inside the
/// `Suspend` that awaits the person: the server may run that closure more
/// than once while it resolves, and resources created inside it would be
/// fetched and serialised each time.
#[derive(Clone, Copy)]
pub struct LogData {
    query: Memo<LogQuery>,
    /// A person's log, not the whole log.
    scoped: bool,
    page: Resource<Result<ShownPage, AppError>>,
    options: Resource<Result<LogFilterOptions, AppError>>,
}

impl LogData {
    /// The whole log.
    pub fn all() -> Self {
        Self::scoped(None)
    }

    /// One person's log. No id (a malformed address) fetches nothing.
    pub fn of_person(person: Memo<Option<i64>>) -> Self {
        Self::scoped(Some(person))
    }

    fn scoped(person: Option<Memo<Option<i64>>>) -> Self {
        let query_map = use_query_map();
        let query = Memo::new(move |_| {
            let mut query = query_map.with(|map| LogQuery::from_pairs(map.into_iter().map(|(k, v)| (k.as_ref(), v))));
            query.person = person.and_then(|p| p.get());
            query
        });
        let scoped = person.is_some();
        let page = Resource::new(move || query.get(), move |query| fetch_page(scoped, query));
        let options = Resource::new(|| (), |_| filter_options());
        LogData { query, scoped, page, options }
    }

    /// The page to draw, and the view it is for. Hydration data only
    /// hydrates: should the view be drawn afresh from it (a profile shown
    /// again before its page refetches), the page is fetched instead.
    async fn page_to_draw(self) -> Result<(LogQuery, LogPage), AppError> {
        let shown = self.page.await?;
        let query = self.query.get_untracked();
        if shown.drawn && !crate::hydrating() {
            return Ok((query.clone(), fetch_page(self.scoped, query).await?.page));
        }
        Ok((query, shown.page))
    }
}

async fn fetch_page(scoped: bool, query: LogQuery) -> Result<ShownPage, AppError> {
    if scoped && query.person.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(ShownPage { page: list_interactions(query).await?, drawn: false })
}

#[component]
pub fn InteractionLog(
    /// The path this log lives at, e.g. `/log`.
    #[prop(into)]
    base: String,
    /// The view and its data; the whole log's when left out.
    #[prop(optional)]
    data: Option<LogData>,
) -> impl IntoView {
    let base = StoredValue::new(base);
    let data = data.unwrap_or_else(LogData::all);
    let LogData { query, options, .. } = data;
    let navigate = use_navigate();

    // The search box keeps its own text; every keystroke updates the URL,
    // which refetches. Stale answers are dropped by the resource.
    let search_text = RwSignal::new(query.get_untracked().q);
    follow_url_unless_typing(move || query.with(|q| q.q.clone()), search_text, "log-search");
    // Keystrokes replace the history entry; filter changes add one, so Back
    // undoes them. A changed view counts to the limit again: "Count them
    // all" was asked of the view before.
    let go = {
        let navigate = navigate.clone();
        move |next: LogQuery, replace: bool| {
            let next = LogQuery { count_all: false, ..next };
            navigate(
                &view_url(&base.get_value(), &next),
                NavigateOptions { replace, scroll: false, ..Default::default() },
            );
        }
    };
    let on_search = {
        let go = go.clone();
        move |ev: ev::Event| {
            let text = event_target_value(&ev);
            search_text.set(text.clone());
            go(LogQuery { q: text, page: PageAnchor::First, ..query.get_untracked() }, true);
        }
    };
    let on_submit = {
        let go = go.clone();
        move |ev: ev::SubmitEvent| {
            ev.prevent_default();
            go(LogQuery { q: search_text.get_untracked(), page: PageAnchor::First, ..query.get_untracked() }, true);
        }
    };
    let toggle_type = {
        let go = go.clone();
        move |id: i64, checked: bool| {
            let mut next = query.get_untracked();
            next.types.retain(|t| *t != id);
            if checked {
                next.types.push(id);
                next.types.sort_unstable();
            }
            next.page = PageAnchor::First;
            go(next, false);
        }
    };
    let add_staff = {
        let go = go.clone();
        move |filter: StaffFilter, value: String| {
            let Ok(id) = value.parse::<i64>() else { return };
            let mut next = query.get_untracked();
            let ids = filter.ids_mut(&mut next);
            if !ids.contains(&id) {
                ids.push(id);
                ids.sort_unstable();
            }
            next.page = PageAnchor::First;
            go(next, false);
        }
    };
    let clear_filters = {
        let go = go.clone();
        move |_| {
            search_text.set(String::new());
            go(query.get_untracked().cleared(), false);
        }
    };
    let filtered = move || query.with(LogQuery::is_filtered);
    let go_filtered = Callback::new(move |next: LogQuery| go(next, false));

    view! {
        <section class="log" aria-label="Interaction log">
            <form class="log-controls" method="get" action=base.get_value() role="search" on:submit=on_submit>
                <div class="search-field">
                    <label for="log-search" class="visually-hidden">"Search interactions"</label>
                    <input
                        id="log-search"
                        type="search"
                        name="q"
                        placeholder="Search description, id, date (2026-03) or tag"
                        autocomplete="off"
                        maxlength=crate::log::MAX_SEARCH_CHARS
                        // The attribute for the server's HTML, the property after.
                        value=query.get_untracked().q
                        prop:value=move || search_text.get()
                        on:input=on_search
                    />
                    {move || {
                        let q = query.get();
                        (q.sort != SortColumn::default()).then(|| {
                            view! { <input type="hidden" name="sort" value=q.sort.as_str() /> }
                        })
                    }}
                    {move || {
                        let q = query.get();
                        q.dir.map(|d| view! { <input type="hidden" name="dir" value=d.as_str() /> })
                    }}
                    <button type="submit" class="button">"Search"</button>
                </div>
                <fieldset class="type-filters">
                    <legend>"Types"</legend>
                    <Transition fallback=|| ()>
                        {
                            let toggle_type = toggle_type.clone();
                            move || {
                                let toggle_type = toggle_type.clone();
                                Suspend::new(async move {
                                    let options: LogFilterOptions = options.await.unwrap_or_default();
                                    // Coloured by the types' classes, as the table's icons are.
                                    let styles = type_styles(&options.types);
                                    let labels = options.types.into_iter()
                                        .map(|t| {
                                            let toggle_type = toggle_type.clone();
                                            let id = t.id;
                                            view! {
                                                <label class=format!("type-filter ty{id}")>
                                                    <input
                                                        type="checkbox"
                                                        name="types"
                                                        value=id
                                                        checked=query.with_untracked(|q| q.types.contains(&id))
                                                        prop:checked=move || query.with(|q| q.types.contains(&id))
                                                        on:change=move |ev| toggle_type(id, event_target_checked(&ev))
                                                    />
                                                    <span class="type-dot" aria-hidden="true">
                                                        <crate::components::icons::Icon name=t.icon.clone() size=12 />
                                                    </span>
                                                    {t.name.clone()}
                                                </label>
                                            }
                                        })
                                        .collect_view();
                                    view! { {styles} {labels} }
                                })
                            }
                        }
                    </Transition>
                    <button type="submit" class="button small">"Apply"</button>
                    <Show when=filtered>
                        <button type="button" class="button small link" on:click=clear_filters.clone()>
                            "Clear"
                        </button>
                    </Show>
                </fieldset>
                <fieldset class="staff-filters">
                    <legend>"Staff"</legend>
                    <Transition fallback=|| ()>
                        {
                            let add_staff = add_staff.clone();
                            move || {
                                let add_staff = add_staff.clone();
                                Suspend::new(async move {
                                    let options: LogFilterOptions = options.await.unwrap_or_default();
                                    StaffFilter::ALL
                                        .into_iter()
                                        .map(|filter| {
                                            let add_staff = add_staff.clone();
                                            view! {
                                                <StaffPicker
                                                    filter=filter
                                                    staff=options.staff.clone()
                                                    query=query
                                                    on_pick=move |value| add_staff(filter, value)
                                                />
                                            }
                                        })
                                        .collect_view()
                                })
                            }
                        }
                    </Transition>
                </fieldset>
                <RowFilters query=query go=go_filtered />
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let options: LogFilterOptions = options.await.unwrap_or_default();
                        let chips = query.with(|q| filter_chips(&base.get_value(), q, &options));
                        view! { <FilterChips chips=chips /> }
                    })}
                </Transition>
            </form>
            <Transition fallback=|| view! { <p class="loading">"Loading the log…"</p> }>
                // Drawn again when the page changes: every change of view
                // fetches one.
                {move || Suspend::new(async move {
                    match data.page_to_draw().await {
                        Ok((shown, page)) => view! { <LogTable base=base.get_value() query=shown current=query data=page /> }.into_any(),
                        Err(e) => error_panel(e),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn LogTable(
    base: String,
    /// The view the rows were fetched for.
    query: LogQuery,
    /// The view in the URL now: ahead of `query` while a search or filter
    /// change is loading. Sort links start from it, so clicking a header
    /// right after typing keeps the search.
    current: Memo<LogQuery>,
    data: LogPage,
) -> impl IntoView {
    // The table is busy while the URL asks for a view other than the one
    // shown. Derived, not set by the Transition: its `set_pending` runs an
    // effect on the server too, which can race the Suspense's own bookkeeping
    // across threads.
    let shown = query.clone();
    let busy = move || current.with(|now| *now != shown).to_string();
    let return_to = view_url(&base, &query);
    let link_base = base.clone();
    let header = |column: SortColumn| {
        let active = query.sort == column;
        let aria = if active {
            match query.direction() {
                SortDir::Asc => "ascending",
                SortDir::Desc => "descending",
            }
        } else {
            "none"
        };
        let link_base = link_base.clone();
        let href = move || view_url(&link_base, &current.with(|q| q.sorted_by(column)));
        let arrow = match (active, query.direction()) {
            (false, _) => "↕",
            (true, SortDir::Asc) => "▲",
            (true, SortDir::Desc) => "▼",
        };
        view! {
            <th scope="col" aria-sort=aria>
                <a href=href class="sort-link">
                    {column.label()}
                    <span class="sort-arrow" aria-hidden="true">{arrow}</span>
                </a>
            </th>
        }
        // Absent rather than `class=""` on the columns not sorted by.
        .add_any_attr(custom_attribute("class", active.then_some("sorted")))
    };
    // The count, or `None` while it follows the page (a search in time
    // order: the rows are on screen before its matches are counted).
    let count = RwSignal::new(data.count().map(Ok::<ViewCount, ()>));
    if data.total_pending {
        let view = query.clone();
        leptos::task::spawn_local(async move {
            let counted = count_interactions(view).await.map_err(|e| e.sign_in_again_if_signed_out());
            // A view left before its count came has nothing to show it.
            let _ = count.try_set(Some(counted));
        });
    }
    let total = move || {
        count.with(|c| match c {
            Some(Ok(c)) => total_text(c.total, c.capped),
            Some(Err(_)) => "Not counted".to_string(),
            None => "Counting…".to_string(),
        })
    };
    // A count that stopped short can be finished on request.
    let count_all_href = view_url(&base, &LogQuery { count_all: true, ..query.clone() });
    let count_all = move || {
        count.with(|c| matches!(c, Some(Ok(c)) if c.capped)).then(|| {
            view! { " " <a href=count_all_href.clone() class="count-all">"Count them all"</a> }
        })
    };
    let previous = data.previous_anchor().map(|a| view_url(&base, &query.with_page(a)));
    let next = data.next_anchor().map(|a| view_url(&base, &query.with_page(a)));
    let first = (query.page != PageAnchor::First).then(|| view_url(&base, &query.with_page(PageAnchor::First)));
    let empty = data.rows.is_empty();
    let export_query = query.clone();
    let exports = move || {
        let counted = count.with(|c| c.as_ref().and_then(|c| c.as_ref().ok().copied()));
        export_links(&export_query, counted)
    };
    let styles = type_styles(data.rows.iter().map(|r| &r.kind));
    let rows = data.rows;
    let interactive = Interactive::new();

    view! {
        {styles}
        <div class="log-summary">
            <p class="total" aria-live="polite">
                <strong data-testid="log-total">{total}</strong>
                {(!query.q.is_empty()).then(|| format!(" matching “{}”", query.q))}
                {count_all}
            </p>
            <p class="time-zone">{format!("Times in {}", data.time_zone)}</p>
            <p class="export-links">
                <span class="muted">"Export"</span>
                {exports}
            </p>
        </div>
        <div class="table-wrap" aria-busy=busy>
            <table class="log-table interactions">
                <thead>
                    <tr>
                        {header(SortColumn::Timestamp)}
                        {header(SortColumn::Type)}
                        {header(SortColumn::Description)}
                        {header(SortColumn::Person)}
                        {header(SortColumn::CompletedBy)}
                        <th scope="col">"Tags"</th>
                        <th scope="col"><span class="visually-hidden">"View"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| view! { <LogTableRow row=row return_to=return_to.clone() interactive /> })
                        .collect_view()}
                </tbody>
            </table>
            {empty.then(|| view! { <p class="empty">"No interactions match this view."</p> })}
        </div>
        <Pager first=first previous=previous next=next />
    }
}

/// The view's export links. Exports hold the whole view, whatever page is
/// on screen; a view over a format's limit says so here rather than failing
/// after the click (until its count comes, the server says so instead).
fn export_links(query: &LogQuery, count: Option<ViewCount>) -> AnyView {
    ExportFormat::ALL
        .into_iter()
        .map(|format| {
            if count.is_some_and(|c| c.more_than(format.limit() as i64)) {
                let why = too_many(format);
                view! { <span class="export-link disabled" title=why aria-disabled="true">{format.label()}</span> }
                    .into_any()
            } else {
                let label = match format {
                    ExportFormat::Print => "Print this view".to_string(),
                    _ => format!("Download this view as {}", format.label()),
                };
                // Downloads are the server's, not routes of the app: the
                // router leaves `rel="external"` links to the browser.
                let rel = (format != ExportFormat::Print).then_some("external");
                view! {
                    <a class="export-link" href=query.export_url(format.path()) aria-label=label rel=rel>
                        {format.label()}
                    </a>
                }
                .into_any()
            }
        })
        .collect_view()
        .into_any()
}

/// A row of the log. Its cells are written as markup (see
/// [`static_html`](crate::components::static_html)): none changes once
/// drawn except the description, which renames in place.
#[component]
fn LogTableRow(row: LogRow, return_to: String, interactive: Interactive) -> AnyView {
    let cell = |f: &dyn Fn(&mut Markup)| {
        let mut td = Markup::new("td");
        f(&mut td);
        td.finish()
    };
    let when = cell(&|m| {
        m.start("time").attr("datetime", &row.occurred_at).text(&row.occurred_display);
    });
    let kind = cell(&|m| write_type_icon(m, &row.kind));
    let reply = row.reply.then(|| {
        let mut marker = Markup::new("span");
        marker.attr("class", "reply-marker").attr("title", "A reply");
        write_icon(&mut marker, "reply", None);
        marker.start("span").attr("class", "visually-hidden").text("Reply: ");
        marker.finish()
    });
    // What follows the description: each a finished element, so that an
    // ordinary row, with none of them, costs the page one marker.
    let mut after = Vec::new();
    if row.posted_in_error {
        let mut badge = Markup::new("span");
        badge.attr("class", "error-badge").text("Posted in error");
        after.push(badge.finish());
    }
    if !row.snippet.is_empty() {
        after.push(note_snippet(&row.snippet));
    }
    if let Some(label) = &row.restricted {
        after.push(Markup::written(|m| write_lock_badge(m, label)));
    }
    let person = cell(&|m| {
        m.start("a").attr("href", &format!("/people/{}", row.person_id)).text(&row.person_name);
    });
    let staff = cell(&|m| {
        m.text(&row.staff_label());
    });
    let tags = cell(&|m| {
        if !row.tags.is_empty() {
            m.start("ul").attr("class", "tags");
            for tag in &row.tags {
                m.start("li").text(tag).end();
            }
        }
    });
    let detail = cell(&|m| {
        // The detail page returns to the plain log when told nowhere else.
        let href = match return_to.as_str() {
            "/log" => format!("/interactions/{}", row.id),
            view => format!("/interactions/{}?from={}", row.id, encode_component(view)),
        };
        m.start("a").attr("href", &href).attr("aria-label", &format!("View interaction {}", row.id)).text("View");
    });
    view! {
        <tr data-id=row.id>
            {when}
            {kind}
            <td>
                {reply}
                <EditableDescription id=row.id description=row.description.clone() renamed=row.renamed interactive />
                {after}
            </td>
            {person}
            {staff}
            {tags}
            {detail}
        </tr>
    }
    // As an attribute of its own: `class=` writes `class=""` when it has no
    // value, and most rows have none.
    .add_any_attr(custom_attribute("class", row.posted_in_error.then_some("posted-in-error")))
    // A row's type is deep; erasing it keeps the page's type within the
    // compiler's recursion limit.
    .into_any()
}

/// Where a search matched a row's note: a short piece of it, the matching
/// words marked.
fn note_snippet(pieces: &[(String, bool)]) -> StaticHtml {
    let mut snippet = Markup::new("p");
    snippet.attr("class", "note-snippet");
    snippet.start("span").attr("class", "visually-hidden").text("In the note: ").end();
    for (text, marked) in pieces {
        match marked {
            true => snippet.start("mark").text(text).end(),
            false => snippet.text(text),
        };
    }
    snippet.finish()
}
