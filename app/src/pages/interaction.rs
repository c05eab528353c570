//! `/interactions/{id}`: one interaction in full.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::access::Permission;
use crate::access::Team;
use crate::api::{change_visibility, get_interaction, mark_posted_in_error, withdraw_posted_in_error};
use crate::components::viewer::IfAllowed;
use crate::components::visibility::{LockBadge, VisibilityChoice, VisibilityField};
use crate::components::{description::EditableDescription, feedback::error_panel, icons::Icon, type_badge::TypeChip};
use crate::log::{encode_component, safe_return_path, InteractionDetail, InteractionLink, Visibility};
use crate::pages::not_found::NotFound;
use crate::recording::{validate_reason, ErrorMark, MAX_REASON_CHARS};

#[component]
pub fn InteractionPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok())));
    let from = Memo::new(move |_| query.with(|q| q.get("from")));
    let detail = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_interaction(id).await,
                None => Ok(None),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(Some(d)) => {
                        let reload = Callback::new(move |()| detail.refetch());
                        view! { <Detail detail=d from=from.get() reload=reload /> }.into_any()
                    }
                    Ok(None) => view! { <NotFound message="There is no interaction with this id." /> }.into_any(),
                    Err(e) => error_panel(e),
                }
            })}
        </Transition>
    }
}

fn link_to(link: &InteractionLink, from: &str) -> impl IntoView {
    let href = format!("/interactions/{}?from={}", link.id, encode_component(from));
    view! {
        <a href=href>{link.description.clone()}</a>
        <span class="muted">{format!(" · {}", link.occurred_display)}</span>
    }
}

#[component]
fn Detail(detail: InteractionDetail, from: Option<String>, reload: Callback<()>) -> impl IntoView {
    let back = safe_return_path(from.as_deref());
    let row = detail.row;
    let title = format!("Interaction {}", row.id);
    let reply_href = format!("/interactions/new?reply_to={}", row.id);
    let marked = detail.error_mark.is_some();
    view! {
        <Title text=title />
        <p class="back">
            <a href=back.clone() class="back-link">
                <Icon name="back" size=14 />
                "Return to interaction log"
            </a>
        </p>
        <article class="card interaction-detail" class:posted-in-error=marked aria-labelledby="detail-heading">
            <header class="detail-header">
                <TypeChip kind=row.kind.clone() />
                <h1 id="detail-heading" class="detail-title">
                    <EditableDescription id=row.id description=row.description.clone() renamed=row.renamed />
                </h1>
            </header>
            <ErrorMarkPanel id=row.id mark=detail.error_mark.clone() reload=reload />
            {detail.reply_to.as_ref().map(|parent| view! {
                <p class="reply-to">"Replying to: " {link_to(parent, &back)}</p>
            })}
            {detail.reply_to_restricted.then(|| view! {
                <p class="reply-to">"Replying to: " <span class="muted">"a restricted interaction"</span></p>
            })}
            <dl class="facts">
                <div><dt>"Interaction"</dt><dd>{format!("#{}", row.id)}</dd></div>
                <div><dt>"Person"</dt><dd><a href=format!("/people/{}", row.person_id)>{row.person_name.clone()}</a></dd></div>
                <div><dt>"Happened"</dt><dd><time datetime=row.occurred_at.clone()>{row.occurred_display.clone()}</time></dd></div>
                <div><dt>"Completed by"</dt><dd data-testid="completed-by">{row.completed_by().to_string()}</dd></div>
                <div><dt>"Logged"</dt><dd>
                    <time datetime=detail.logged_at.clone()>{detail.logged_display.clone()}</time>
                    {format!(" by {}", row.logged_by_name)}
                </dd></div>
                <div><dt>"Source"</dt><dd>{detail.source.label()}</dd></div>
                <div><dt>"Who can read it"</dt><dd>
                    {match row.restricted.clone() {
                        Some(label) => view! { <LockBadge label=label /> }.into_any(),
                        None => view! { <span data-testid="visibility-all">"All staff"</span> }.into_any(),
                    }}
                </dd></div>
            </dl>
            {detail.can_change_visibility.then(|| view! {
                <VisibilityPanel id=row.id visibility=detail.visibility.clone() teams=detail.teams.clone() reload=reload />
            }.into_any())}
            <h2>"Note"</h2>
            <div class="note">{detail.note.clone()}</div>
            <h2>"Tags"</h2>
            <ul class="tags" aria-label="Tags">
                {row.tags.iter().map(|t| view! { <li>{t.clone()}</li> }).collect_view()}
            </ul>
            <h2>"Replies"</h2>
            <p class="button-row">
                <IfAllowed permission=Permission::CreateInteractions>
                    <a class="button" href=reply_href.clone()>"Reply"</a>
                </IfAllowed>
                <crate::pages::actions::AssignActionLink person=row.person_id interaction=row.id />
            </p>
            {if detail.replies.is_empty() {
                view! { <p class="muted">"No replies."</p> }.into_any()
            } else {
                view! {
                    <ul class="link-list replies">
                        {detail.replies.iter().map(|r| view! { <li>{link_to(r, &back)}</li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!detail.actions.is_empty()).then(|| view! {
                <h2>"Follow-up actions"</h2>
                <ul class="link-list actions">
                    {detail.actions.iter().map(|a| view! {
                        <li>
                            {if a.completed_here { "Completes: " } else if a.done { "Done: " } else { "Outstanding: " }}
                            <a href=format!("/actions/{}", a.id)>{a.instructions.clone()}</a>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            <h2>"Rename history"</h2>
            {if detail.revisions.is_empty() {
                view! { <p class="muted">"The description has not been renamed."</p> }.into_any()
            } else {
                view! {
                    <ol class="revisions">
                        {detail.revisions.iter().map(|r| view! {
                            <li>
                                <time datetime=r.revised_at.clone()>{r.revised_display.clone()}</time>
                                {format!(" · {} renamed ", r.revised_by_name)}
                                <q class="old">{r.old_description.clone()}</q>
                                " to "
                                <q class="new">{r.new_description.clone()}</q>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </article>
    }
}

/// "Change who can read it", for its author or a manager: the same choice
/// as when recording, saved at once and audited.
#[component]
fn VisibilityPanel(id: i64, visibility: Visibility, teams: Vec<Team>, reload: Callback<()>) -> impl IntoView {
    let open = RwSignal::new(false);
    let chosen = VisibilityChoice::new(&visibility);
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let visibility = match chosen.visibility() {
            Ok(v) => v,
            Err(e) => return error.set(Some(e)),
        };
        error.set(None);
        saving.set(true);
        leptos::task::spawn_local(async move {
            match change_visibility(id, visibility).await {
                Ok(_) => {
                    open.set(false);
                    reload.run(());
                }
                Err(e) => {
                    e.sign_in_again_if_signed_out();
                    error.set(Some(e.to_string()));
                }
            }
            saving.set(false);
        });
    };
    let teams = StoredValue::new(teams);
    view! {
        <div class="visibility-panel">
            <Show
                when=move || open.get()
                fallback=move || view! {
                    <button type="button" class="button small" on:click=move |_| open.set(true)>
                        "Change who can read it"
                    </button>
                }
            >
                <form class="card visibility-form" on:submit=on_save>
                    <VisibilityField
                        chosen=chosen
                        teams=teams.get_value()
                        prefix="change"
                        error=move || error.get().map(|e| view! { <p class="field-error" id="visibility-error" role="alert">{e}</p> })
                        invalid=Signal::derive(move || error.with(Option::is_some))
                    />
                    <div class="form-actions">
                        <button type="submit" class="button small primary" disabled=move || saving.get()>"Save who can read it"</button>
                        <button type="button" class="button small link" on:click=move |_| open.set(false)>"Cancel"</button>
                    </div>
                </form>
            </Show>
        </div>
    }
    .into_any()
}

/// "Posted in error": the mark with who, when and why, and Withdraw; or a
/// button that asks for the reason and marks it.
#[component]
fn ErrorMarkPanel(id: i64, mark: Option<ErrorMark>, reload: Callback<()>) -> impl IntoView {
    let asking = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let run = move |call: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), crate::error::AppError>>>>| {
        saving.set(true);
        leptos::task::spawn_local(async move {
            match call.await {
                Ok(()) => {
                    asking.set(false);
                    reload.run(());
                }
                Err(e) => {
                    e.sign_in_again_if_signed_out();
                    error.set(Some(e.to_string()));
                }
            }
            saving.set(false);
        });
    };
    let on_mark = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match validate_reason(&reason.get_untracked()) {
            Err(e) => error.set(Some(e)),
            Ok(text) => {
                error.set(None);
                run(Box::pin(mark_posted_in_error(id, text)));
            }
        }
    };
    let on_withdraw = move |_| {
        error.set(None);
        run(Box::pin(withdraw_posted_in_error(id)));
    };
    let error_view = move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> });
    match mark {
        Some(mark) => view! {
            <div class="error-mark" role="note" aria-label="Posted in error">
                <p>
                    <strong>"Posted in error"</strong>
                    {format!(" · marked by {} on ", mark.marked_by_name)}
                    <time datetime=mark.marked_at.clone()>{mark.marked_display.clone()}</time>
                </p>
                <p class="error-reason">"Reason: " <q>{mark.reason.clone()}</q></p>
                <IfAllowed permission=Permission::CreateInteractions>
                    <button type="button" class="button small" on:click=on_withdraw disabled=move || saving.get()>
                        "Withdraw the mark"
                    </button>
                </IfAllowed>
                {error_view}
            </div>
        }
        .into_any(),
        None => view! {
            <IfAllowed permission=Permission::CreateInteractions>
                <div class="error-mark-actions">
                    <Show
                        when=move || asking.get()
                        fallback=move || view! {
                            <button type="button" class="button small" on:click=move |_| asking.set(true)>
                                "Mark posted in error"
                            </button>
                        }
                    >
                        <form class="inline-form" on:submit=on_mark>
                            <label for="error-reason">"Why was it posted in error?"</label>
                            <input
                                id="error-reason"
                                autocomplete="off"
                                maxlength=MAX_REASON_CHARS
                                prop:value=move || reason.get()
                                on:input=move |ev| reason.set(event_target_value(&ev))
                            />
                            <button type="submit" class="button small primary" disabled=move || saving.get()>"Mark"</button>
                            <button type="button" class="button small link" on:click=move |_| asking.set(false)>"Cancel"</button>
                        </form>
                    </Show>
                    {error_view}
                </div>
            </IfAllowed>
        }
        .into_any(),
    }
}
