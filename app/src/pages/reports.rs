//! `/reports` (the list) and `/reports/type-usage`. Every report's filters
//! are a plain GET form, so a report works, prints and links without the
//! WASM; with it, the form changes the URL without reloading the page.

use leptos::{ev, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::actions::ActionSort;
use crate::api::{last_contact_report, list_reports, profile_actions_report, staff_activity_report, type_usage_report};
use crate::components::bar_chart::{Series, StackedBarChart};
use crate::components::choice_field::ChoiceField;
use crate::components::feedback::error_panel;
use crate::components::pager::Pager;
use crate::components::type_badge::TypeChip;
use crate::log::thousands;
use crate::reports::{
    ActionStatus, ActionsReport, ActionsReportQuery, LastContact, LastContactQuery, LastContactSort, Period,
    ReportOptions, StaffActivity, TypeUsage, TypeUsageQuery, ACTIONS_REPORT_PAGE_SIZE, LAST_CONTACT_PAGE_SIZE,
    STAFF_ACTIVITY_PATH,
};

/// `/reports`: what there is to report on.
#[component]
pub(super) fn ReportsPage() -> impl IntoView {
    let reports = Resource::new(|| (), |_| list_reports());
    view! {
        <Title text="Reports" />
        <div class="page-header">
            <h1>"Reports"</h1>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match reports.await {
                    Ok(list) => view! {
                        <ul class="report-list">
                            {list.into_iter().map(|(href, name, about)| view! {
                                <li>
                                    <a href=href>{name}</a>
                                    <p class="muted">{about}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => error_panel(e),
                }
            })}
        </Transition>
    }
}

/// A report's GET form, with the WASM: goes to the URL `url` makes of the
/// form's fields without reloading the page. (Without the WASM the browser
/// sends the form itself, to the same URL.)
fn follow_form(
    form: NodeRef<leptos::html::Form>,
    url: impl Fn(&dyn Fn(&str) -> Option<String>) -> String + 'static,
) -> impl Fn(ev::SubmitEvent) + 'static {
    let navigate = use_navigate();
    move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        if let Some(data) = form.get_untracked().and_then(|f| web_sys::FormData::new_with_form(&f).ok()) {
            let next = url(&|name: &str| data.get(name).as_string());
            navigate(&next, leptos_router::NavigateOptions { scroll: false, ..Default::default() });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&navigate, form, &url);
    }
}

/// Types as a drop-down's choices.
fn type_choices(types: &[crate::log::TypeBadge]) -> Vec<(String, String)> {
    types.iter().map(|t| (t.id.to_string(), t.name.clone())).collect()
}

/// A report's title, with the way back to the list of reports.
#[component]
fn ReportHeading(title: &'static str) -> impl IntoView {
    view! {
        <Title text=title />
        <div class="page-header">
            <h1>{title}</h1>
            <a href="/reports" class="muted">"All reports"</a>
        </div>
    }
}

/// Downloads and print for a report: the same filters as on screen.
#[component]
fn ReportExports(csv: String, xlsx: String, #[prop(optional)] pdf: Option<String>) -> impl IntoView {
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        let _ = window().print();
    };
    view! {
        <div class="export-links report-exports">
            <span class="muted">"Export:"</span>
            <a class="button small" href=csv download>"CSV"</a>
            <a class="button small" href=xlsx download>"Excel"</a>
            {pdf.map(|pdf| view! { <a class="button small" href=pdf download>"PDF"</a> })}
            <button type="button" class="button small" on:click=print>"Print"</button>
        </div>
    }
}

/// `/reports/type-usage`: interactions per type per period.
#[component]
pub(super) fn TypeUsagePage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| TypeUsageQuery::from_params(|name| p.get(name))));
    let report = Resource::new(move || query.get(), type_usage_report);
    view! {
        <ReportHeading title="Type usage" />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => view! { <TypeUsageView report=report /> }.into_any(),
                    Err(e) => view! {
                        <UsageFilters query=query.get_untracked() report=None path=TypeUsageQuery::PATH />
                        {error_panel(e)}
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The filters of type usage and staff activity (at `path`): dates,
/// period, and whose interactions.
#[component]
fn UsageFilters(query: TypeUsageQuery, report: Option<ReportOptions>, path: &'static str) -> impl IntoView {
    let form = NodeRef::<leptos::html::Form>::new();
    let on_submit = follow_form(form, move |field| TypeUsageQuery::from_params(field).url(path));
    let options = report.unwrap_or_default();
    let periods = Period::ALL.into_iter().map(|p| (p.as_str().to_string(), p.label().to_string())).collect();
    let period = Period::parse(&query.period).unwrap_or_default().as_str();
    let teams = options.teams.iter().map(|t| (t.id.to_string(), t.name.clone())).collect();
    let staff = options.staff.iter().map(|(id, name)| (id.to_string(), name.clone())).collect();
    view! {
        <form class="report-filters" method="get" action=path node_ref=form on:submit=on_submit>
            <div class="field">
                <label for="usage-from">"From"</label>
                <input id="usage-from" type="date" name="from" value=query.from.clone() />
            </div>
            <div class="field">
                <label for="usage-to">"To"</label>
                <input id="usage-to" type="date" name="to" value=query.to.clone() />
            </div>
            <ChoiceField id="usage-period" name="period" label="Per" choices=periods selected=period />
            <ChoiceField id="usage-team" name="team" label="Team" choices=teams selected=query.team.clone()
                any="All teams" />
            <ChoiceField id="usage-staff" name="staff" label="Staff member" choices=staff
                selected=query.staff.clone() any="Everyone" />
            <button type="submit" class="button primary">"Show"</button>
        </form>
    }
}

#[component]
fn TypeUsageView(report: TypeUsage) -> impl IntoView {
    let labels: Vec<String> = report.periods.iter().map(|p| p.label.clone()).collect();
    let series: Vec<Series> = report
        .rows
        .iter()
        .filter(|r| r.total > 0)
        .map(|r| Series { name: r.kind.name.clone(), colour: r.kind.colour.clone(), values: r.counts.clone() })
        .collect();
    let csv = report.query.url("/reports/type-usage.csv");
    let xlsx = report.query.url("/reports/type-usage.xlsx");
    let rows = report.rows.clone();
    let heads = rows.iter().map(|r| view! { <th scope="col"><TypeChip kind=r.kind.clone() /></th> }).collect_view();
    let body = report
        .periods
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let cells = rows.iter().map(|r| view! { <td class="number">{thousands(r.counts[i])}</td> }).collect_view();
            view! {
                <tr>
                    <th scope="row"><time datetime=p.from.clone()>{p.label.clone()}</time></th>
                    {cells}
                    <td class="number total">{thousands(report.period_totals[i])}</td>
                </tr>
            }
        })
        .collect_view();
    let foot = rows
        .iter()
        .map(|r| view! { <td class="number total" data-type=r.kind.id>{thousands(r.total)}</td> })
        .collect_view();
    view! {
        <UsageFilters query=report.query.clone() report=Some(report.options.clone()) path=TypeUsageQuery::PATH />
        <div class="report-heading">
            <p class="report-summary">{report.summary.clone()}</p>
            <ReportExports csv=csv xlsx=xlsx />
        </div>
        <p class="muted">
            "Counted on the day each interaction happened, in the organisation's time zone. Interactions posted in
             error are left out, and so are records kept from you."
        </p>
        <StackedBarChart id="type-usage" title=format!("Interactions per type, {}", report.summary) labels=labels
            series=series />
        <div class="table-scroll">
            <table class="report-table" data-testid="type-usage-table">
                <caption class="visually-hidden">{format!("Interactions per type, {}", report.summary)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{report.period.label()}</th>
                        {heads}
                        <th scope="col">"Total"</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
                <tfoot>
                    <tr>
                        <th scope="row">"Total"</th>
                        {foot}
                        <td class="number total" data-testid="usage-total">{thousands(report.total)}</td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}

// ----- /reports/last-contact ----------------------------------------------

/// `/reports/last-contact`: the funder's question, "who has not had a GP
/// visit in six months?"
#[component]
pub(super) fn LastContactPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| LastContactQuery::from_params(|name| p.get(name))));
    let report = Resource::new(move || query.get(), last_contact_report);
    view! {
        <ReportHeading title="Last contact" />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => view! { <LastContactView report=report /> }.into_any(),
                    Err(e) => view! {
                        <LastContactFilters query=query.get_untracked() types=Vec::new() />
                        {error_panel(e)}
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn LastContactFilters(query: LastContactQuery, types: Vec<crate::log::TypeBadge>) -> impl IntoView {
    let form = NodeRef::<leptos::html::Form>::new();
    let on_submit = follow_form(form, |field| LastContactQuery::from_params(field).url(LastContactQuery::PATH));
    view! {
        <form class="report-filters" method="get" action=LastContactQuery::PATH node_ref=form on:submit=on_submit>
            <ChoiceField id="contact-type" name="type" label="Type" choices=type_choices(&types)
                selected=query.kind.clone() />
            <div class="field">
                <label for="contact-months">"None in the last (months)"</label>
                <input id="contact-months" type="number" name="months" min="1"
                    max=crate::reports::MAX_THRESHOLD_MONTHS value=query.months.clone() />
            </div>
            <button type="submit" class="button primary">"Show"</button>
        </form>
    }
}

#[component]
fn LastContactView(report: LastContact) -> impl IntoView {
    let csv = report.query.url("/reports/last-contact.csv");
    let xlsx = report.query.url("/reports/last-contact.xlsx");
    let pdf = report.query.url("/reports/last-contact.pdf");
    let base = report.query.clone();
    // A column heading sorts by it; again, the other way.
    let sort_link = move |sort: LastContactSort, label: String| {
        let active = report.sort == sort;
        let descending = active && !report.descending;
        let href = LastContactQuery {
            sort: sort.as_str().into(),
            dir: if descending { "desc".into() } else { String::new() },
            offset: String::new(),
            ..base.clone()
        }
        .url(LastContactQuery::PATH);
        let sorted = active.then(|| if report.descending { "descending" } else { "ascending" });
        view! { <th scope="col" aria-sort=sorted><a href=href>{label}</a></th> }
    };
    let page = |offset: i64| {
        LastContactQuery { offset: offset.to_string(), ..report.query.clone() }.url(LastContactQuery::PATH)
    };
    let previous = (report.offset > 0).then(|| page((report.offset - LAST_CONTACT_PAGE_SIZE).max(0)));
    let next = (report.offset + (report.rows.len() as i64) < report.total)
        .then(|| page(report.offset + LAST_CONTACT_PAGE_SIZE));
    let rows = report
        .rows
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <th scope="row"><a href=format!("/people/{}", r.person_id)>{r.person_name.clone()}</a></th>
                    <td>
                        {match (&r.last_on, &r.last_display) {
                            (Some(on), Some(shown)) => view! { <time datetime=on.clone()>{shown.clone()}</time> }.into_any(),
                            _ => view! { <span class="muted">"Never"</span> }.into_any(),
                        }}
                    </td>
                    <td class="number">{r.days_since.map(thousands)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <LastContactFilters query=report.query.clone() types=report.types.clone() />
        <div class="report-heading">
            <p class="report-summary">{report.summary.clone()}</p>
            <ReportExports csv=csv xlsx=xlsx pdf=pdf />
        </div>
        <p data-testid="last-contact-counts">
            <strong>{format!("{} {}", thousands(report.total), if report.total == 1 { "person" } else { "people" })}</strong>
            {format!(", of whom {} never had one. ", thousands(report.never))}
            <span class="muted">"Interactions posted in error, and records kept from you, do not count."</span>
        </p>
        <div class="table-scroll">
            <table class="report-table" data-testid="last-contact-table">
                <caption class="visually-hidden">{report.summary.clone()}</caption>
                <thead>
                    <tr>
                        {sort_link(LastContactSort::Person, "Person".into())}
                        {sort_link(LastContactSort::Last, format!("Last {}", report.kind.name))}
                        <th scope="col" class="number">"Days since"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <Pager first=None previous=previous next=next />
    }
}

// ----- /reports/actions -----------------------------------------------------

/// `/reports/actions`: the Profile Actions Report, every follow-up action of
/// any age.
#[component]
pub(super) fn ActionsReportPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| ActionsReportQuery::from_params(|name| p.get(name))));
    let report = Resource::new(move || query.get(), profile_actions_report);
    view! {
        <ReportHeading title="Profile Actions Report" />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => view! { <ActionsReportView report=report /> }.into_any(),
                    Err(e) => error_panel(e),
                }
            })}
        </Transition>
    }
}

#[component]
fn ActionsReportFilters(report: ActionsReport) -> impl IntoView {
    let form = NodeRef::<leptos::html::Form>::new();
    let on_submit = follow_form(form, |field| ActionsReportQuery::from_params(field).url(ActionsReportQuery::PATH));
    let q = report.query.clone();
    let status = ActionStatus::parse(&q.status).unwrap_or_default().as_str();
    let statuses = ActionStatus::ALL.into_iter().map(|s| (s.as_str().to_string(), s.label().to_string())).collect();
    let staff = report.staff.iter().map(|(id, name)| (id.to_string(), name.clone())).collect();
    let date = |id: &'static str, label: &'static str, value: String| {
        view! {
            <div class="field">
                <label for=format!("actions-{id}")>{label}</label>
                <input id=format!("actions-{id}") type="date" name=id value=value />
            </div>
        }
    };
    view! {
        <form class="report-filters" method="get" action=ActionsReportQuery::PATH node_ref=form on:submit=on_submit>
            <ChoiceField id="actions-status" name="status" label="Status" choices=statuses selected=status />
            <ChoiceField id="actions-types" name="types" label="Type" choices=type_choices(&report.types)
                selected=q.types.clone() any="All types" />
            <ChoiceField id="actions-assignee" name="assignee" label="Assigned to" choices=staff
                selected=q.assignee.clone() any="Anyone" />
            {report.person_name.clone().map(|name| view! {
                <div class="field">
                    <span class="label">"Person"</span>
                    <span>
                        <input type="hidden" name="person" value=q.person.clone() />
                        {name}" "
                        <a href=ActionsReportQuery { person: String::new(), ..q.clone() }.url(ActionsReportQuery::PATH)>
                            "(everyone)"
                        </a>
                    </span>
                </div>
            })}
            {date("due_from", "Due from", q.due_from.clone())}
            {date("due_to", "Due to", q.due_to.clone())}
            {date("done_from", "Done from", q.done_from.clone())}
            {date("done_to", "Done to", q.done_to.clone())}
            <div class="field checkbox">
                <label>
                    <input type="checkbox" name="overdue" value="1" checked=!q.overdue.is_empty() />
                    " Overdue only"
                </label>
            </div>
            {(!q.sort.is_empty()).then(|| view! { <input type="hidden" name="sort" value=q.sort.clone() /> })}
            {(!q.dir.is_empty()).then(|| view! { <input type="hidden" name="dir" value=q.dir.clone() /> })}
            <button type="submit" class="button primary">"Show"</button>
        </form>
    }
}

#[component]
fn ActionsReportView(report: ActionsReport) -> impl IntoView {
    let csv = report.query.url("/reports/actions.csv");
    let xlsx = report.query.url("/reports/actions.xlsx");
    let pdf = report.query.url("/reports/actions.pdf");
    let (sort, descending, base) = (report.sort, report.descending, report.query.clone());
    let sort_link = move |column: ActionSort| {
        let active = sort == column;
        let dir = match (active, descending) {
            (true, d) => {
                if d {
                    "asc"
                } else {
                    "desc"
                }
            }
            (false, _) => column.default_dir().as_str(),
        };
        let href =
            ActionsReportQuery { sort: column.as_str().into(), dir: dir.into(), offset: String::new(), ..base.clone() }
                .url(ActionsReportQuery::PATH);
        let sorted = active.then(|| if descending { "descending" } else { "ascending" });
        view! { <th scope="col" aria-sort=sorted><a href=href>{column.label()}</a></th> }
    };
    let page = |offset: i64| {
        ActionsReportQuery { offset: offset.to_string(), ..report.query.clone() }.url(ActionsReportQuery::PATH)
    };
    let previous = (report.offset > 0).then(|| page((report.offset - ACTIONS_REPORT_PAGE_SIZE).max(0)));
    let next = (report.offset + (report.rows.len() as i64) < report.total)
        .then(|| page(report.offset + ACTIONS_REPORT_PAGE_SIZE));
    let rows = report
        .rows
        .iter()
        .map(|r| {
            let a = &r.row;
            view! {
                <tr class:overdue=a.overdue>
                    <td><time datetime=a.due_on.clone()>{a.due_display.clone()}</time></td>
                    <td><TypeChip kind=a.kind.clone() /></td>
                    <td><a href=format!("/people/{}", a.person_id)>{a.person_name.clone()}</a></td>
                    <td class="instructions"><a href=format!("/actions/{}", a.id)>{a.instructions.clone()}</a></td>
                    <td>{a.assignee.name.clone()}</td>
                    <td><time datetime=r.assigned_on.clone()>{r.assigned_display.clone()}</time></td>
                    <td>{a.done_display.clone().unwrap_or_default()}</td>
                    <td class="number">
                        {match (r.days_overdue, r.days_taken) {
                            (Some(n), _) => view! { <span class="overdue-flag">{format!("{} overdue", thousands(n))}</span> }.into_any(),
                            (_, Some(n)) => view! { <span>{format!("took {}", thousands(n))}</span> }.into_any(),
                            _ => ().into_any(),
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <ActionsReportFilters report=report.clone() />
        <div class="report-heading">
            <p class="report-summary">{report.summary.clone()}</p>
            <ReportExports csv=csv xlsx=xlsx pdf=pdf />
        </div>
        <p data-testid="actions-counts">
            <strong>{format!("{} action{}", thousands(report.total), if report.total == 1 { "" } else { "s" })}</strong>
            {format!(
                ": {} outstanding ({} overdue), {} completed",
                thousands(report.outstanding),
                thousands(report.overdue),
                thousands(report.completed)
            )}
        </p>
        <div class="table-scroll">
            <table class="report-table actions-report" data-testid="actions-report-table">
                <caption class="visually-hidden">{report.summary.clone()}</caption>
                <thead>
                    <tr>
                        {sort_link(ActionSort::Due)}
                        {sort_link(ActionSort::Type)}
                        {sort_link(ActionSort::Person)}
                        <th scope="col">"Instructions"</th>
                        {sort_link(ActionSort::Assignee)}
                        {sort_link(ActionSort::Created)}
                        {sort_link(ActionSort::Done)}
                        <th scope="col" class="number">"Days"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <Pager first=None previous=previous next=next />
    }
}

// ----- /reports/staff-activity ---------------------------------------------

/// `/reports/staff-activity`: what each staff member did, per period.
#[component]
pub(super) fn StaffActivityPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| TypeUsageQuery::from_params(|name| p.get(name))));
    let report = Resource::new(move || query.get(), staff_activity_report);
    view! {
        <ReportHeading title="Staff activity" />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => view! { <StaffActivityView report=report /> }.into_any(),
                    Err(e) => view! {
                        <UsageFilters query=query.get_untracked() report=None path=STAFF_ACTIVITY_PATH />
                        {error_panel(e)}
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One measure of staff activity as a table: a row per staff member, a
/// column per period, totals both ways.
#[component]
fn ActivityTable(
    report: StaffActivity,
    caption: String,
    testid: &'static str,
    pick: fn(&crate::reports::StaffActivityRow) -> (&Vec<i64>, i64),
    totals: Vec<i64>,
) -> impl IntoView {
    let heads = report
        .periods
        .iter()
        .map(|p| view! { <th scope="col" class="number"><time datetime=p.from.clone()>{p.label.clone()}</time></th> })
        .collect_view();
    let body = report
        .rows
        .iter()
        .map(|r| {
            let (counts, total) = pick(r);
            let cells = counts.iter().map(|n| view! { <td class="number">{thousands(*n)}</td> }).collect_view();
            view! {
                <tr>
                    <th scope="row">{r.name.clone()}</th>
                    {cells}
                    <td class="number total">{thousands(total)}</td>
                </tr>
            }
        })
        .collect_view();
    let all: i64 = totals.iter().sum();
    let foot = totals.into_iter().map(|n| view! { <td class="number total">{thousands(n)}</td> }).collect_view();
    view! {
        <div class="table-scroll">
            <table class="report-table" data-testid=testid>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Staff member"</th>
                        {heads}
                        <th scope="col" class="number">"Total"</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
                <tfoot>
                    <tr>
                        <th scope="row">"Everyone"</th>
                        {foot}
                        <td class="number total">{thousands(all)}</td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}

#[component]
fn StaffActivityView(report: StaffActivity) -> impl IntoView {
    let csv = report.query.url("/reports/staff-activity.csv");
    let xlsx = report.query.url("/reports/staff-activity.xlsx");
    view! {
        <UsageFilters query=report.query.clone() report=Some(report.options.clone()) path=STAFF_ACTIVITY_PATH />
        <div class="report-heading">
            <p class="report-summary">{report.summary.clone()}</p>
            <ReportExports csv=csv xlsx=xlsx />
        </div>
        <p class="muted">
            "An interaction counts for the colleague who had it: who completed it, or else who logged it. Interactions
             posted in error are left out, and so are records kept from you. Actions count on the day they were done."
        </p>
        <ActivityTable report=report.clone() caption="Interactions had".into() testid="activity-interactions"
            pick=|r| (&r.interactions, r.interactions_total) totals=report.interaction_totals.clone() />
        <ActivityTable report=report.clone() caption="Follow-up actions completed".into() testid="activity-actions"
            pick=|r| (&r.actions, r.actions_total) totals=report.action_totals.clone() />
    }
}
