//! `/`: home. My pending actions (overdue first) and the interactions I
//! logged lately. Split out of the main WASM bundle like the other pages.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::actions::{ActionQuery, HOME_MONTHS};
use crate::api::get_home;
use crate::components::feedback::error_panel;
use crate::components::type_badge::{type_styles, TypeIcon};
use crate::pages::actions::DueCell;

#[component]
pub(super) fn HomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| get_home());
    view! {
        <Title text="Home" />
        <div class="page-header">
            <h1>"Home"</h1>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(home) => {
                        let overdue = home.actions.iter().filter(|a| a.overdue).count();
                        let older = home.older;
                        let older_link = home.older_link.clone();
                        let empty_actions = home.actions.is_empty();
                        let empty_recent = home.recent.is_empty();
                        let styles = type_styles(home.actions.iter().map(|a| &a.kind).chain(home.recent.iter().map(|r| &r.kind)));
                        view! {
                            {styles}
                            <section class="card" aria-labelledby="pending-heading">
                                <div class="card-header">
                                    <h2 id="pending-heading">"My pending actions"</h2>
                                    <a href=ActionQuery::default().to_url()>"All my actions"</a>
                                </div>
                                {(overdue > 0).then(|| view! {
                                    <p class="overdue-summary">{match overdue {
                                        1 => "1 action is overdue.".to_string(),
                                        n => format!("{n} actions are overdue."),
                                    }}</p>
                                })}
                                <ul class="pending-list" data-testid="pending-actions">
                                    {home.actions.into_iter().map(|a| view! {
                                        <li data-id=a.id class:overdue-row=a.overdue>
                                            <span class="pending-due"><DueCell row=a.clone() /></span>
                                            <TypeIcon kind=a.kind.clone() />
                                            <a href=format!("/actions/{}", a.id) class="action-link">{a.instructions.clone()}</a>
                                            <a href=format!("/people/{}", a.person_id) class="muted">{a.person_name.clone()}</a>
                                        </li>
                                    }).collect_view()}
                                </ul>
                                {empty_actions.then(|| view! { <p class="empty">"Nothing is waiting for you."</p> })}
                                {(older > 0).then(|| view! {
                                    <p class="muted">
                                        {format!(
                                            "{older} older outstanding {} (due more than {HOME_MONTHS} months ago) {} on ",
                                            if older == 1 { "action" } else { "actions" },
                                            if older == 1 { "is" } else { "are" },
                                        )}
                                        <a href=older_link.clone()>
                                            {match older_link.starts_with("/reports") {
                                                true => "the Profile Actions Report",
                                                false => "Actions",
                                            }}
                                        </a>
                                        "."
                                    </p>
                                })}
                            </section>
                            <section class="card" aria-labelledby="recent-heading">
                                <div class="card-header">
                                    <h2 id="recent-heading">"Interactions I logged recently"</h2>
                                    <a href="/log">"Open the interaction log"</a>
                                </div>
                                <ul class="recent-list">
                                    {home.recent.into_iter().map(|row| view! {
                                        <li>
                                            <TypeIcon kind=row.kind.clone() />
                                            <a href=format!("/interactions/{}", row.id)>{row.description.clone()}</a>
                                            <a href=format!("/people/{}", row.person_id) class="muted">{row.person_name.clone()}</a>
                                            <time class="muted" datetime=row.occurred_at.clone()>{row.occurred_display.clone()}</time>
                                        </li>
                                    }).collect_view()}
                                </ul>
                                {empty_recent.then(|| view! { <p class="empty">"You have not logged any interactions yet."</p> })}
                            </section>
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
