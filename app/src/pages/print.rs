//! `/log/print`: the whole of a log view on paper. It takes the same query
//! string as `/log` (plus `person=` for a profile's log) and lays every row
//! out for printing; the browser's print dialog can also save it as a PDF.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::print_log;
use crate::components::feedback::error_panel;
use crate::components::log_view::view_url;
use crate::log::interactions_count;
use crate::log::{LogQuery, LogRow};

#[component]
pub(super) fn PrintPage() -> impl IntoView {
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        query_map.with(|map| LogQuery::from_export_pairs(map.into_iter().map(|(k, v)| (k.as_ref(), v))))
    });
    let printed = Resource::new(move || query.get(), print_log);
    let back = move || {
        let q = query.get();
        let base = q.person.map(|id| format!("/people/{id}")).unwrap_or_else(|| "/log".to_string());
        view_url(&base, &LogQuery { person: None, ..q })
    };
    view! {
        <Title text="Interaction log: print" />
        <div class="page-header no-print">
            <a href=back class="button link">"← Back to the log"</a>
            <button type="button" class="button primary" on:click=move |_| {
                let _ = window().print();
            }>"Print"</button>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Preparing the log for printing…"</p> }>
            {move || Suspend::new(async move {
                match printed.await {
                    Ok(p) => {
                        let count = interactions_count(p.export.total);
                        view! {
                            <article class="print-log">
                                <h1>"Interaction log"</h1>
                                <p class="print-summary">{p.summary.clone()}</p>
                                <p class="muted">
                                    <strong data-testid="print-total">{count}</strong>
                                    {format!(" · Times in {} · Printed {} by {}", p.time_zone, p.printed_at, p.printed_by)}
                                </p>
                                <table class="print-table">
                                    <thead>
                                        <tr>
                                            <th scope="col">"ID"</th>
                                            <th scope="col">"When"</th>
                                            <th scope="col">"Type"</th>
                                            <th scope="col">"Description"</th>
                                            <th scope="col">"Person"</th>
                                            <th scope="col">"Completed by"</th>
                                            <th scope="col">"Tags"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {p.export.rows.into_iter().map(print_row).collect_view()}
                                    </tbody>
                                </table>
                                {(p.export.total == 0).then(|| view! { <p class="empty">"No interactions match this view."</p> })}
                            </article>
                        }
                        .into_any()
                    }
                    Err(e) => {
                        error_panel(e)
                    }
                }
            })}
        </Transition>
    }
}

fn print_row(row: LogRow) -> impl IntoView {
    let staff = row.staff_label();
    view! {
        <tr data-id=row.id class:posted-in-error=row.posted_in_error>
            <td>{row.id}</td>
            <td class="nowrap"><time datetime=row.occurred_at>{row.occurred_display}</time></td>
            <td>
                <span class="print-type" style=row.kind.style()>{row.kind.name.clone()}</span>
                {row.kind.deleted.then_some(" (deleted type)")}
            </td>
            <td>
                {row.reply.then_some("Reply: ")}
                {row.description}
                {row.posted_in_error.then(|| view! { <span class="error-badge">"Posted in error"</span> })}
                {row.restricted.map(|label| view! { <span class="lock-badge">{format!("Restricted: {label}")}</span> })}
            </td>
            <td>{row.person_name}</td>
            <td>{staff}</td>
            <td>{row.tags.join(", ")}</td>
        </tr>
    }
}
