//! `/settings/api-tokens`: the tokens other systems post interactions with.
//! Admins make them (each posts as one staff member), see each once, and
//! revoke them.

use leptos::{ev, html, prelude::*};
use leptos_meta::Title;

use crate::api::{api_token_settings, create_api_token, revoke_api_token};
use crate::components::feedback::{error_panel, status_view, Status};
use crate::error::AppError;
use crate::recording::{ApiToken, NewApiToken, MAX_TOKEN_NAME_CHARS};

type Settings = (Vec<ApiToken>, Vec<(i64, String)>);

pub(super) fn api_tokens_view() -> AnyView {
    let settings: Resource<Result<Settings, AppError>> = Resource::new(|| (), |_| api_token_settings());
    let reload = Callback::new(move |()| settings.refetch());
    let status = RwSignal::new(Status::Idle);
    let made = RwSignal::new(None::<NewApiToken>);
    view! {
        <Title text="API tokens" />
        <div class="page-header">
            <h1>"API tokens"</h1>
        </div>
        <p class="lede">
            "Other systems (email, SMS, telephony) record interactions through "
            <code>"POST /api/v1/interactions"</code>
            " with one of these tokens. Each token posts as the staff member chosen for it. See "
            <a href="/api/v1/openapi.json">"the API's OpenAPI document"</a> "."
        </p>
        {move || made.get().map(|t| view! {
            <div class="card new-token" role="status">
                <p><strong>"Copy this token now: it is not shown again."</strong></p>
                <code class="token" data-testid="new-token">{t.token.clone()}</code>
                <button type="button" class="button small link" on:click=move |_| made.set(None)>"Done"</button>
            </div>
        })}
        <p>{status_view(status)}</p>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok((tokens, staff)) => view! {
                        <TokenList tokens=tokens status=status reload=reload />
                        <NewTokenForm staff=staff status=status made=made reload=reload />
                    }
                    .into_any(),
                    Err(e) => {
                        error_panel(e)
                    }
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn TokenList(tokens: Vec<ApiToken>, status: RwSignal<Status>, reload: Callback<()>) -> impl IntoView {
    if tokens.is_empty() {
        return view! { <p class="muted">"No API tokens yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="tokens-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Posts as"</th>
                        <th scope="col">"Ends in"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    {tokens.into_iter().map(|t| {
                        let id = t.id;
                        let name = t.name.clone();
                        let confirming = RwSignal::new(false);
                        let revoke = move |_| {
                            status.set(Status::Saving);
                            let name = name.clone();
                            leptos::task::spawn_local(async move {
                                match revoke_api_token(id).await {
                                    Ok(()) => {
                                        status.set(Status::Done(format!("Revoked “{name}”: it no longer works.")));
                                        reload.run(());
                                    }
                                    Err(e) => status.set(Status::Failed(e.to_string())),
                                }
                            });
                        };
                        view! {
                            <tr data-id=id class:revoked=t.revoked>
                                <td>{t.name.clone()}</td>
                                <td>{t.posts_as.clone()}</td>
                                <td><code>{format!("…{}", t.hint)}</code></td>
                                <td>{format!("{} by {}", t.created_display, t.created_by)}</td>
                                <td>{t.last_used_display.clone().unwrap_or_else(|| "never".into())}</td>
                                <td>
                                    {if t.revoked {
                                        view! { <span class="muted">"Revoked"</span> }.into_any()
                                    } else {
                                        view! {
                                            <Show
                                                when=move || confirming.get()
                                                fallback=move || view! {
                                                    <button type="button" class="button small" on:click=move |_| confirming.set(true)>
                                                        "Revoke"
                                                    </button>
                                                }
                                            >
                                                <span>"Revoke it? Systems using it stop at once. "</span>
                                                <button type="button" class="button small danger" on:click=revoke.clone()>"Revoke token"</button>
                                                <button type="button" class="button small link" on:click=move |_| confirming.set(false)>"Keep it"</button>
                                            </Show>
                                        }.into_any()
                                    }}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn NewTokenForm(
    staff: Vec<(i64, String)>,
    status: RwSignal<Status>,
    made: RwSignal<Option<NewApiToken>>,
    reload: Callback<()>,
) -> impl IntoView {
    let name = NodeRef::<html::Input>::new();
    let posts_as = NodeRef::<html::Select>::new();
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let token_name = name.get().map(|i| i.value()).unwrap_or_default();
        let staff_id = posts_as.get().and_then(|s| s.value().parse::<i64>().ok()).unwrap_or_default();
        status.set(Status::Saving);
        leptos::task::spawn_local(async move {
            match create_api_token(token_name, staff_id).await {
                Ok(token) => {
                    status.set(Status::Done("Token made.".into()));
                    made.set(Some(token));
                    reload.run(());
                }
                Err(e) => status.set(Status::Failed(e.to_string())),
            }
        });
    };
    view! {
        <form class="card stacked-form new-token-form" on:submit=on_submit>
            <h2>"Make a token"</h2>
            <label>"Name" <input node_ref=name name="name" required maxlength=MAX_TOKEN_NAME_CHARS placeholder="Mail gateway" /></label>
            <label>
                "Posts as"
                <select node_ref=posts_as name="staff_id">
                    {staff.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                </select>
            </label>
            <button type="submit" class="button primary">"Make token"</button>
        </form>
    }
}
