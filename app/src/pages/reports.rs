//! `/reports` (the list) and `/reports/type-usage`. Every report's filters
//! are a plain GET form, so a report works, prints and links without the
//! WASM; with it, the form changes the URL without reloading the page.

use leptos::{ev, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{list_reports, type_usage_report};
use crate::components::bar_chart::{Series, StackedBarChart};
use crate::components::feedback::error_panel;
use crate::components::type_badge::TypeChip;
use crate::log::thousands;
use crate::reports::{Period, TypeUsage, TypeUsageQuery};

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
        <Title text="Type usage" />
        <div class="page-header">
            <h1>"Type usage"</h1>
            <a href="/reports" class="muted">"All reports"</a>
        </div>
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
    let navigate = use_navigate();
    let form = NodeRef::<leptos::html::Form>::new();
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        if let Some(data) = form.get_untracked().and_then(|f| web_sys::FormData::new_with_form(&f).ok()) {
            let field = |name: &str| data.get(name).as_string().unwrap_or_default();
            let next = TypeUsageQuery {
                from: field("from"),
                to: field("to"),
                period: field("period"),
                staff: field("staff"),
                team: field("team"),
            };
            navigate(
                &next.url(TypeUsageQuery::PATH),
                leptos_router::NavigateOptions { scroll: false, ..Default::default() },
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&navigate, form);
    };
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
