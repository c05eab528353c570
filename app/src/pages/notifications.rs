//! `/notifications`: the emails Interlog sent (or is sending) me, and where
//! each stands. Where mail goes to files (the demo), this is where staff
//! read them.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::actions::EmailStatus;
use crate::api::my_notifications;
use crate::components::feedback::error_panel;

#[component]
pub(super) fn NotificationsPage() -> impl IntoView {
    let emails = Resource::new(|| (), |_| my_notifications());
    view! {
        <Title text="Emails" />
        <div class="page-header">
            <h1>"Emails to me"</h1>
        </div>
        <p class="muted">"What Interlog emailed you about actions: assignments, completions and daily digests."</p>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match emails.await {
                    Ok(list) if list.is_empty() => view! { <p class="empty">"No emails yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="email-list">
                            {list.into_iter().map(|n| {
                                let failed = matches!(n.status, EmailStatus::Failed | EmailStatus::Retrying(_));
                                view! {
                                    <li class="card email" data-id=n.id>
                                        <details>
                                            <summary>
                                                <strong class="email-subject">{n.subject.clone()}</strong>
                                                <span class="muted">{format!(" · {} · to {}", n.created_display, n.to_address)}</span>
                                                <span class="status-chip" class:overdue=failed>{n.status.label()}</span>
                                            </summary>
                                            <pre class="email-body">{n.body.clone()}</pre>
                                            {n.action_id.map(|id| view! { <a href=format!("/actions/{id}")>"Open the action"</a> })}
                                        </details>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => {
                        error_panel(e)
                    }
                }
            })}
        </Transition>
    }
}
