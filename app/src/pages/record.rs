//! `/interactions/new?person=…&reply_to=…`: the "New interaction" form.
//!
//! A real form that posts to `/interactions/new`, so it works before the
//! WASM arrives (the server records it and opens the profile, or renders
//! the form again with what was typed and what to fix). Once hydrated, the
//! page sends it through the `record_interaction` server function instead
//! and opens the profile without a page load.

use leptos::{ev, html, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{new_interaction_options, record_interaction, search_people};
use crate::components::feedback::{error_panel, problems_summary, Problems};
use crate::components::visibility::{VisibilityChoice, VisibilityField};
use crate::components::{icons::Icon, search_picker::SearchPicker};
use crate::error::AppError;
use crate::log::MAX_DESCRIPTION_CHARS;
use crate::recording::{InteractionForm, Person, RecordingOptions, MAX_NOTE_CHARS};

/// A form the server refused, as the page shows it: what was typed, and why.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Draft {
    form: InteractionForm,
    error: Option<AppError>,
}

/// The refused form the server was handed, when it renders the page for a
/// plain form post; nothing otherwise.
fn posted_draft() -> Option<Draft> {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::recording::PostedForm>().map(|p| Draft { form: p.form, error: Some(p.error) })
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

#[component]
pub(super) fn NewInteractionPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with_untracked(|q| q.get(name).and_then(|s| s.trim().parse::<i64>().ok()));
    let (person, reply_to) = (param("person"), param("reply_to"));
    let options = Resource::new(move || (person, reply_to), |(p, r)| new_interaction_options(p, r));
    // Travels to the browser with the page, so a refused plain post
    // hydrates showing what the server showed.
    let posted = posted_draft();
    let draft = Resource::new(
        || (),
        move |_| {
            let posted = posted.clone();
            async move { posted }
        },
    );
    view! {
        <Title text="New interaction" />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let draft = draft.await.unwrap_or_default();
                match options.await {
                    Ok(options) => view! { <RecordForm options=options draft=draft /> }.into_any(),
                    Err(e) => {
                        error_panel(e)
                    }
                }
            })}
        </Transition>
    }
}

const WHAT: &str = "The interaction";

#[component]
fn RecordForm(options: RecordingOptions, draft: Draft) -> impl IntoView {
    let problems = RwSignal::new(draft.error.as_ref().map(|e| Problems::from_error(e, WHAT)).unwrap_or_default());
    let saving = RwSignal::new(false);
    let form_ref = NodeRef::<html::Form>::new();
    let navigate = use_navigate();
    let chosen = RwSignal::new(options.person.clone());
    let reply = options.reply_to.clone();
    let typed = draft.form.clone();
    // A refused post shows the choice as sent; otherwise the default (a
    // reply's is its original's).
    let visibility = match draft.error {
        Some(_) => VisibilityChoice::from_form(&typed.visibility, &typed.teams),
        None => VisibilityChoice::new(&options.visibility),
    };
    let picked_type = typed.type_id.trim().parse::<i64>().ok();
    let completed_by = typed.completed_by.trim().parse::<i64>().unwrap_or(options.me);
    let action = match (&options.person, &reply) {
        (_, Some(parent)) => format!("/interactions/new?reply_to={}", parent.id),
        (Some(p), None) => format!("/interactions/new?person={}", p.id),
        (None, None) => "/interactions/new".to_string(),
    };
    let cancel = match &options.person {
        Some(p) => format!("/people/{}", p.id),
        None => "/log".to_string(),
    };

    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(form) = form_ref.get() else { return };
        let Ok(data) = leptos::web_sys::FormData::new_with_form(&form) else { return };
        let field = |name: &str| data.get(name).as_string().unwrap_or_default();
        let (chosen_visibility, teams) = visibility.form_values();
        let sent = InteractionForm {
            person_id: field("person_id"),
            type_id: field("type_id"),
            description: field("description"),
            note: field("note"),
            occurred_at: field("occurred_at"),
            reply_to: field("reply_to"),
            visibility: chosen_visibility,
            teams,
            completed_by: field("completed_by"),
        };
        // What can be checked here is, at once; the server checks it all again.
        if let Err(errors) = sent.checked() {
            problems.set(Problems::from_error(&AppError::Fields(errors), WHAT));
            return;
        }
        saving.set(true);
        problems.set(Problems::default());
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match record_interaction(sent).await {
                Ok((id, person_id)) => navigate(&format!("/people/{person_id}?recorded={id}"), Default::default()),
                Err(e) => {
                    e.sign_in_again_if_signed_out();
                    problems.set(Problems::from_error(&e, WHAT));
                    saving.set(false);
                }
            }
        });
    };

    let message = move |name: &'static str| {
        move || {
            problems.with(|p| p.field(name)).map(|m| {
                view! { <p class="field-error" id=format!("{name}-error")>{m}</p> }
            })
        }
    };
    let described = move |name: &'static str| move || problems.with(|p| p.field(name).map(|_| format!("{name}-error")));
    let invalid = move |name: &'static str| move || problems.with(|p| p.field(name).is_some()).to_string();
    let types_empty = options.types.is_empty();
    let description_value = typed.description.clone();
    let occurred_value =
        if typed.occurred_at.is_empty() { options.now_local.clone() } else { typed.occurred_at.clone() };

    view! {
        <div class="page-header">
            <h1>{if reply.is_some() { "Reply" } else { "New interaction" }}</h1>
        </div>
        <form
            node_ref=form_ref
            class="card record-form"
            method="post"
            action=action
            on:submit=on_submit
            novalidate
            aria-describedby="record-summary"
        >
            <div id="record-summary" aria-live="assertive">
                {problems_summary(problems)}
            </div>
            {reply.clone().map(|parent| view! {
                <p class="reply-to">
                    "Replying to: "
                    <a href=format!("/interactions/{}", parent.id)>{parent.description.clone()}</a>
                    <span class="muted">{format!(" · {}", parent.occurred_display)}</span>
                </p>
                <input type="hidden" name="reply_to" value=parent.id />
            })}
            <PersonField
                chosen=chosen
                locked=options.person.is_some()
                error=message("person_id")
                invalid=Signal::derive(move || problems.with(|p| p.field("person_id").is_some()))
            />
            <fieldset class="type-choices" aria-describedby=described("type_id") aria-invalid=invalid("type_id")>
                <legend>"Type"</legend>
                {types_empty.then(|| view! {
                    <p class="muted">"No interaction type is open to your teams. Ask an admin."</p>
                })}
                {options.types.iter().map(|t| view! {
                    <label class="type-choice" style=t.style()>
                        <input type="radio" name="type_id" value=t.id checked=picked_type == Some(t.id) required />
                        <span class="type-dot" aria-hidden="true"><Icon name=t.icon.clone() size=14 /></span>
                        <span>{t.name.clone()}</span>
                    </label>
                }).collect_view()}
                {message("type_id")}
            </fieldset>
            <label for="record-description">"Description"</label>
            <input
                id="record-description"
                name="description"
                required
                autocomplete="off"
                maxlength=MAX_DESCRIPTION_CHARS
                placeholder="A short title, like “Rang about the rent arrears”"
                value=description_value
                aria-describedby=described("description")
                aria-invalid=invalid("description")
            />
            {message("description")}
            <label for="record-note">"Note"</label>
            <textarea
                id="record-note"
                name="note"
                required
                rows="8"
                maxlength=MAX_NOTE_CHARS
                aria-describedby=described("note")
                aria-invalid=invalid("note")
                // A textarea's text is its first value; set as markup (escaped
                // here) so no hydration marker lands inside it.
                inner_html=html_escape::encode_text(&typed.note).into_owned()
            ></textarea>
            {message("note")}
            <label for="record-occurred">{format!("When it happened ({})", options.time_zone)}</label>
            <input
                id="record-occurred"
                name="occurred_at"
                type="datetime-local"
                required
                max=options.now_local.clone()
                value=occurred_value
                aria-describedby=described("occurred_at")
                aria-invalid=invalid("occurred_at")
            />
            {message("occurred_at")}
            <label for="record-completed-by">"Completed by"</label>
            <select
                id="record-completed-by"
                name="completed_by"
                aria-describedby=move || described("completed_by")().unwrap_or_else(|| "completed-by-hint".into())
                aria-invalid=invalid("completed_by")
            >
                {options
                    .staff
                    .iter()
                    .map(|(id, name)| {
                        let label = if *id == options.me { format!("{name} (me)") } else { name.clone() };
                        view! { <option value=*id selected=*id == completed_by>{label}</option> }
                    })
                    .collect_view()}
            </select>
            <p class="field-hint" id="completed-by-hint">
                "Recording for a colleague who had the interaction? Choose them: the log shows “logged by” you."
            </p>
            {message("completed_by")}
            <VisibilityField
                chosen=visibility
                teams=options.teams.clone()
                error=message("visibility")
                invalid=Signal::derive(move || problems.with(|p| p.field("visibility").is_some()))
            />
            {message("reply_to")}
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || saving.get()>
                    {move || if saving.get() { "Saving…" } else { "Save interaction" }}
                </button>
                <a class="button link" href=cancel>"Cancel"</a>
            </div>
        </form>
    }
}

/// The person the interaction is with: fixed when the form was opened from
/// a profile or a reply; otherwise picked by searching as you type.
#[component]
fn PersonField<E, V>(chosen: RwSignal<Option<Person>>, locked: bool, error: E, invalid: Signal<bool>) -> impl IntoView
where
    E: Fn() -> Option<V> + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let person_id = move || chosen.with(|p| p.as_ref().map(|p| p.id.to_string()).unwrap_or_default());
    view! {
        <div class="person-field">
            <input type="hidden" name="person_id" value=person_id />
            {move || match chosen.get() {
                Some(p) => view! {
                    <p class="chosen-person">
                        <span class="label">"Person "</span>
                        <a href=format!("/people/{}", p.id) data-testid="record-person">{p.name.clone()}</a>
                        {(!locked).then(|| view! {
                            <button type="button" class="button small link" on:click=move |_| chosen.set(None)>
                                "Change"
                            </button>
                        })}
                    </p>
                }.into_any(),
                None => view! {
                    <SearchPicker
                        name="person"
                        label="Person"
                        placeholder="Search by name, email or phone"
                        min_chars=2
                        search=|q| async move { search_people(q, 0).await.map(|page| page.people) }
                        describe=|p: &Person| match &p.email {
                            Some(e) => format!("{} · {e}", p.name),
                            None => p.name.clone(),
                        }
                        pick=Callback::new(move |p| chosen.set(Some(p)))
                        invalid=invalid
                    >
                        <noscript>
                            <p class="muted">"To choose the person, find them in " <a href="/people">"People"</a> " and use “New interaction” on their profile."</p>
                        </noscript>
                    </SearchPicker>
                }.into_any(),
            }}
            {error}
        </div>
    }
}
