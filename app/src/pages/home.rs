//! `/`: home. Recent interactions at a glance.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::list_interactions;
use crate::components::log_view::thousands;
use crate::components::type_badge::TypeIcon;
use crate::model::LogQuery;

#[component]
pub fn HomePage() -> impl IntoView {
    crate::mark_interactive();
    let recent = Resource::new(|| (), |_| list_interactions(LogQuery::default()));
    view! {
        <Title text="Home" />
        <div class="page-header">
            <h1>"Home"</h1>
        </div>
        <section class="card" aria-labelledby="recent-heading">
            <div class="card-header">
                <h2 id="recent-heading">"Recent interactions"</h2>
                <a href="/log">"Open the interaction log"</a>
            </div>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match recent.await {
                        Ok(page) => {
                            let total = thousands(page.total);
                            view! {
                                <ul class="recent-list">
                                    {page
                                        .rows
                                        .into_iter()
                                        .take(10)
                                        .map(|row| {
                                            view! {
                                                <li>
                                                    <TypeIcon kind=row.kind.clone() />
                                                    <a href=format!("/interactions/{}", row.id)>{row.description.clone()}</a>
                                                    <span class="muted">{row.person_name.clone()}</span>
                                                    <time class="muted" datetime=row.occurred_at.clone()>{row.occurred_display.clone()}</time>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                                <p class="muted">{format!("{total} interactions on record.")}</p>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="error-panel" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
