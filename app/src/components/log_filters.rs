//! The log's filters beside its search and types: who had or logged a row
//! (several of each), the days it happened between, where it came from, its
//! posted-in-error mark and replies; and the chips that show each filter on
//! and remove it. Each applies at once with the WASM; without it the log's
//! form sends them all with "Apply".

use leptos::prelude::*;

use crate::components::{
    choice_field::{follow_later, ChoiceField},
    filter_chips::Chip,
    log_view::view_url,
};
use crate::log::{is_calendar_day, ErrorFilter, LogFilterOptions, LogQuery, PageAnchor};
use crate::recording::Source;

/// The log's two staff filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffFilter {
    CompletedBy,
    LoggedBy,
}

impl StaffFilter {
    pub const ALL: [StaffFilter; 2] = [StaffFilter::CompletedBy, StaffFilter::LoggedBy];

    /// The query-string field, and the form field's name.
    fn name(self) -> &'static str {
        match self {
            StaffFilter::CompletedBy => "completed_by",
            StaffFilter::LoggedBy => "logged_by",
        }
    }

    fn label(self) -> &'static str {
        match self {
            StaffFilter::CompletedBy => "Completed by",
            StaffFilter::LoggedBy => "Logged by",
        }
    }

    fn ids(self, query: &LogQuery) -> &Vec<i64> {
        match self {
            StaffFilter::CompletedBy => &query.completed_by,
            StaffFilter::LoggedBy => &query.logged_by,
        }
    }

    pub fn ids_mut(self, query: &mut LogQuery) -> &mut Vec<i64> {
        match self {
            StaffFilter::CompletedBy => &mut query.completed_by,
            StaffFilter::LoggedBy => &mut query.logged_by,
        }
    }
}

/// A chip per active filter (see `LogQuery::active_filters`), each linking
/// to the view without it.
pub fn filter_chips(base: &str, query: &LogQuery, options: &LogFilterOptions) -> Vec<Chip> {
    query
        .active_filters(|id| options.staff_name(id))
        .into_iter()
        .map(|(label, without)| Chip { label, without: view_url(base, &without) })
        .collect()
}

/// Adds a staff member to one staff filter. With the WASM a pick applies at
/// once; without it, "Apply" sends the pick with the staff already chosen
/// (hidden fields), so each submit adds one.
#[component]
pub fn StaffPicker(
    filter: StaffFilter,
    staff: Vec<(i64, String)>,
    query: Memo<LogQuery>,
    on_pick: impl Fn(String) + 'static,
) -> impl IntoView {
    let id = format!("filter-{}", filter.name());
    view! {
        <label class="staff-filter" for=id.clone()>{filter.label()}</label>
        <select
            id=id
            name=filter.name()
            // Back to "Anyone" after each pick: the chips show who is chosen.
            prop:value=move || query.with(|_| String::new())
            on:change=move |ev| on_pick(event_target_value(&ev))
        >
            <option value="">"Anyone"</option>
            {staff
                .into_iter()
                .map(|(id, name)| view! { <option value=id>{name}</option> })
                .collect_view()}
        </select>
        {move || {
            query.with(|q| {
                filter
                    .ids(q)
                    .iter()
                    .map(|id| view! { <input type="hidden" name=filter.name() value=*id /> })
                    .collect_view()
            })
        }}
    }
}

/// The days a row happened between, its source, its posted-in-error mark
/// and replies only. `go` shows the view it is given.
#[component]
pub fn RowFilters(query: Memo<LogQuery>, #[prop(into)] go: Callback<LogQuery>) -> impl IntoView {
    // The view with one filter changed, from its first page.
    let change = move |edit: fn(&mut LogQuery, String)| {
        move |value: String| {
            let mut next = query.get_untracked();
            edit(&mut next, value);
            next.page = PageAnchor::First;
            go.run(next);
        }
    };
    let sources = Source::ALL.into_iter().map(|s| (s.as_str().to_string(), s.filter_label().to_string())).collect();
    let errors = ErrorFilter::ALL.into_iter().map(|e| (e.as_str().to_string(), e.label().to_string())).collect();
    let source = Signal::derive(move || query.with(|q| q.source.map(|s| s.as_str().to_string()).unwrap_or_default()));
    let error = Signal::derive(move || query.with(|q| q.posted_in_error.as_str().to_string()));
    let on_replies = change(|q, value| q.replies_only = value == "true");
    view! {
        <fieldset class="row-filters">
            <legend>"When and how"</legend>
            <DayField name="from" label="From" value=Signal::derive(move || query.with(|q| q.from.clone()))
                on_day=change(|q, value| q.from = value) />
            <DayField name="to" label="To" value=Signal::derive(move || query.with(|q| q.to.clone()))
                on_day=change(|q, value| q.to = value) />
            <ChoiceField
                id="filter-source"
                name="source"
                label="Source"
                choices=sources
                selected=source.get_untracked()
                follow=source
                any="Any source"
                on_change=change(|q, value| q.source = Source::parse(&value))
            />
            <ChoiceField
                id="filter-error"
                name="error"
                label="Posted in error"
                choices=errors
                selected=error.get_untracked()
                follow=error
                on_change=change(|q, value| q.posted_in_error = ErrorFilter::parse(&value))
            />
            <label class="replies-filter">
                <input
                    type="checkbox"
                    name="replies"
                    value="only"
                    checked=query.with_untracked(|q| q.replies_only)
                    prop:checked=move || query.with(|q| q.replies_only)
                    on:change=move |ev| on_replies(event_target_checked(&ev).to_string())
                />
                "Replies only"
            </label>
        </fieldset>
    }
}

/// One day bound of the view (`from` or `to`), following the view once the
/// WASM runs (a chip removes it).
#[component]
fn DayField(
    name: &'static str,
    label: &'static str,
    value: Signal<String>,
    on_day: impl Fn(String) + 'static,
) -> impl IntoView {
    let id = format!("filter-{name}");
    let node = NodeRef::<leptos::html::Input>::new();
    follow_later(value, move |day| {
        if let Some(input) = node.get_untracked() {
            input.set_value(day);
        }
    });
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                type="date"
                name=name
                value=value.get_untracked()
                node_ref=node
                // A date input says "changed" as each part is typed: a day
                // applies once it is whole (or cleared).
                on:change=move |ev| {
                    let day = event_target_value(&ev);
                    if day.is_empty() || is_calendar_day(&day) {
                        on_day(day);
                    }
                }
            />
        </div>
    }
}
