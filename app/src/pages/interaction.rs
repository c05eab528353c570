//! `/interactions/{id}`: one interaction in full.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::get_interaction;
use crate::components::{description::EditableDescription, icons::Icon, type_badge::TypeChip};
use crate::model::{encode_component, safe_return_path, InteractionDetail, InteractionLink};
use crate::pages::not_found::NotFound;

// The detail page's code loads on demand, split out of the main bundle
// that every page needs.
lazy_page!(InteractionRoute => view! { <InteractionPage /> });

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
                    Ok(Some(d)) => view! { <Detail detail=d from=from.get() /> }.into_any(),
                    Ok(None) => view! { <NotFound message="There is no interaction with this id." /> }.into_any(),
                    Err(e) => view! { <p class="error-panel" role="alert">{e.to_string()}</p> }.into_any(),
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
fn Detail(detail: InteractionDetail, from: Option<String>) -> impl IntoView {
    let back = safe_return_path(from.as_deref());
    let row = detail.row;
    let title = format!("Interaction {}", row.id);
    view! {
        <Title text=title />
        <p class="back">
            <a href=back.clone() class="back-link">
                <Icon name="back" size=14 />
                "Return to interaction log"
            </a>
        </p>
        <article class="card interaction-detail" aria-labelledby="detail-heading">
            <header class="detail-header">
                <TypeChip kind=row.kind.clone() />
                <h1 id="detail-heading" class="detail-title">
                    <EditableDescription id=row.id description=row.description.clone() renamed=row.renamed />
                </h1>
            </header>
            {detail.reply_to.as_ref().map(|parent| view! {
                <p class="reply-to">"Replying to: " {link_to(parent, &back)}</p>
            })}
            <dl class="facts">
                <div><dt>"Interaction"</dt><dd>{format!("#{}", row.id)}</dd></div>
                <div><dt>"Person"</dt><dd>{row.person_name.clone()}</dd></div>
                <div><dt>"Happened"</dt><dd><time datetime=row.occurred_at.clone()>{row.occurred_display.clone()}</time></dd></div>
                <div><dt>"Logged"</dt><dd>
                    <time datetime=detail.logged_at.clone()>{detail.logged_display.clone()}</time>
                    {format!(" by {}", row.logged_by_name)}
                </dd></div>
            </dl>
            <h2>"Note"</h2>
            <div class="note">{detail.note.clone()}</div>
            <h2>"Tags"</h2>
            <ul class="tags" aria-label="Tags">
                {row.tags.iter().map(|t| view! { <li class="tag">{t.clone()}</li> }).collect_view()}
            </ul>
            <h2>"Replies"</h2>
            {if detail.replies.is_empty() {
                view! { <p class="muted">"No replies."</p> }.into_any()
            } else {
                view! {
                    <ul class="link-list replies">
                        {detail.replies.iter().map(|r| view! { <li>{link_to(r, &back)}</li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
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
