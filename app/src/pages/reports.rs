//! `/reports` (the list) and `/reports/type-usage`. Every report's filters
//! are a plain GET form, so a report works, prints and links without the
//! WASM; with it, the form changes the URL without reloading the page.

use leptos::{ev, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::actions::ActionSort;
use crate::api::{last_contact_report, list_reports, profile_actions_report, type_usage_report};
use crate::components::bar_chart::{Series, StackedBarChart};
use crate::components::feedback::error_panel;
use crate::components::pager::Pager;
use crate::components::type_badge::TypeChip;
use crate::log::thousands;
use crate::reports::{
    ActionStatus, ActionsReport, ActionsReportQuery, LastContact, LastContactQuery, LastContactSort, Period, TypeUsage,
    TypeUsageQuery, ACTIONS_REPORT_PAGE_SIZE, LAST_CONTACT_PAGE_SIZE,
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
fn ReportExports(csv: String, xlsx: String) -> impl IntoView {
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        let _ = window().print();
    };
    view! {
        <div class="export-links report-exports">
            <span class="muted">"Export:"</span>
            <a class="button small" href=csv download>"CSV"</a>
            <a class="button small" href=xlsx download>"Excel"</a>
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
                        <UsageFilters query=query.get_untracked() report=None />
                        {error_panel(e)}
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The report's filters: dates, period, and whose interactions.
#[component]
fn UsageFilters(query: TypeUsageQuery, report: Option<TypeUsage>) -> impl IntoView {
    let form = NodeRef::<leptos::html::Form>::new();
    let on_submit = follow_form(form, |field| TypeUsageQuery::from_params(field).url(TypeUsageQuery::PATH));
    let options = report.as_ref().map(|r| r.options.clone()).unwrap_or_default();
    let period = Period::parse(&query.period).unwrap_or_default();
    view! {
        <form class="report-filters" method="get" action=TypeUsageQuery::PATH node_ref=form on:submit=on_submit>
            <div class="field">
                <label for="usage-from">"From"</label>
                <input id="usage-from" type="date" name="from" value=query.from.clone() />
            </div>
            <div class="field">
                <label for="usage-to">"To"</label>
                <input id="usage-to" type="date" name="to" value=query.to.clone() />
            </div>
            <div class="field">
                <label for="usage-period">"Per"</label>
                <select id="usage-period" name="period">
                    {Period::ALL.into_iter().map(|p| view! {
                        <option value=p.as_str() selected=p == period>{p.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="usage-team">"Team"</label>
                <select id="usage-team" name="team">
                    <option value="" selected=query.team.is_empty()>"All teams"</option>
                    {options.teams.iter().map(|t| view! {
                        <option value=t.id selected=query.team == t.id.to_string()>{t.name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="usage-staff">"Staff member"</label>
                <select id="usage-staff" name="staff">
                    <option value="" selected=query.staff.is_empty()>"Everyone"</option>
                    {options.staff.iter().map(|(id, name)| view! {
                        <option value=*id selected=query.staff == id.to_string()>{name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
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
        <UsageFilters query=report.query.clone() report=Some(report.clone()) />
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
            <div class="field">
                <label for="contact-type">"Type"</label>
                <select id="contact-type" name="type">
                    {types.iter().map(|t| view! {
                        <option value=t.id selected=query.kind == t.id.to_string()>{t.name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
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
            <ReportExports csv=csv xlsx=xlsx />
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
    let status = ActionStatus::parse(&q.status).unwrap_or_default();
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
            <div class="field">
                <label for="actions-status">"Status"</label>
                <select id="actions-status" name="status">
                    {ActionStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=s == status>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="actions-types">"Type"</label>
                <select id="actions-types" name="types">
                    <option value="" selected=q.types.is_empty()>"All types"</option>
                    {report.types.iter().map(|t| view! {
                        <option value=t.id selected=q.types == t.id.to_string()>{t.name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="actions-assignee">"Assigned to"</label>
                <select id="actions-assignee" name="assignee">
                    <option value="" selected=q.assignee.is_empty()>"Anyone"</option>
                    {report.staff.iter().map(|(id, name)| view! {
                        <option value=*id selected=q.assignee == id.to_string()>{name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
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
            <ReportExports csv=csv xlsx=xlsx />
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
