//! The profile's "Things to know" panel: notes on a person, pinned first.
//! Add, edit in place, pin, delete (after a confirmation), and each note's
//! earlier texts on demand. The server checks every change again.

use leptos::{prelude::*, task::spawn_local};

use crate::access::{Permission, Team};
use crate::api::{
    add_person_note, delete_person_note, edit_person_note, person_note_revisions, person_notes, pin_person_note,
};
use crate::components::feedback::{error_panel, status_view, Status};
use crate::components::icons::Icon;
use crate::components::viewer::IfAllowed;
use crate::components::visibility::{LockBadge, VisibilityChoice, VisibilityField};
use crate::error::AppError;
use crate::log::Visibility;
use crate::notes::{PersonNote, ProfileNotes, MAX_PERSON_NOTE_CHARS};

/// The visibility choice's message slot: a refusal shows in the panel's status.
fn no_error() -> Option<&'static str> {
    None
}

/// Runs a change; on success `then`, on failure the message in `status`.
fn change<F>(status: RwSignal<Status>, call: F, then: impl FnOnce() + 'static)
where
    F: std::future::Future<Output = Result<(), AppError>> + 'static,
{
    status.set(Status::Saving);
    spawn_local(async move {
        match call.await {
            Ok(()) => {
                status.set(Status::Idle);
                then();
            }
            Err(e) => {
                e.sign_in_again_if_signed_out();
                status.set(Status::Failed(e.to_string()));
            }
        }
    });
}

/// A profile's notes, created once under the profile's page rather than
/// inside its `Suspend` (see `LogData`). No id (a malformed address)
/// fetches nothing.
pub fn notes_resource(person: Memo<Option<i64>>) -> Resource<Result<ProfileNotes, AppError>> {
    Resource::new(
        move || person.get(),
        |person| async move {
            match person {
                Some(id) => person_notes(id).await,
                None => Err(AppError::NotFound),
            }
        },
    )
}

#[component]
pub fn NotesPanel(person_id: i64, notes: Resource<Result<ProfileNotes, AppError>>) -> impl IntoView {
    let reload = Callback::new(move |()| notes.refetch());
    // Outlives the list being drawn again after a change.
    let status = RwSignal::new(Status::Idle);
    view! {
        <section class="card notes-panel" aria-labelledby="notes-heading" data-testid="notes-panel">
            <h2 id="notes-heading">"Things to know"</h2>
            {status_view(status)}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match notes.await {
                        Err(e) => error_panel(e),
                        Ok(panel) => {
                            let teams = StoredValue::new(panel.teams);
                            view! {
                                {panel.notes.is_empty().then(|| view! {
                                    <p class="muted">"Nothing yet: add what colleagues should know, like an allergy or an agreement."</p>
                                })}
                                <ul class="person-notes">
                                    {panel
                                        .notes
                                        .into_iter()
                                        .map(|note| view! { <NoteItem note teams reload status /> })
                                        .collect_view()}
                                </ul>
                                <IfAllowed permission=Permission::CreateInteractions>
                                    <AddNote person_id teams=teams.get_value() reload status />
                                </IfAllowed>
                            }
                            .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn NoteItem(
    note: PersonNote,
    teams: StoredValue<Vec<Team>>,
    reload: Callback<()>,
    status: RwSignal<Status>,
) -> impl IntoView {
    let (id, version, pinned) = (note.id, note.version, note.pinned);
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let history = RwSignal::new(false);
    let body = RwSignal::new(note.body.clone());
    let visibility = VisibilityChoice::new(&note.visibility);
    let prefix = format!("note-{id}");
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = match visibility.visibility() {
            Ok(v) => v,
            Err(e) => return status.set(Status::Failed(e)),
        };
        change(status, edit_person_note(id, body.get_untracked(), chosen, version), move || reload.run(()));
    };
    let pin = move |_| change(status, pin_person_note(id, !pinned), move || reload.run(()));
    let delete = move |_| change(status, delete_person_note(id), move || reload.run(()));
    let edited = note.edited.clone().map(|(who, when)| format!(" · edited by {who}, {when}"));
    let can_change_visibility = note.can_change_visibility;
    view! {
        <li class="person-note" class:pinned=pinned data-note-id=id>
            <Show
                when=move || editing.get()
                fallback=move || view! {
                    <p class="note-body">
                        {pinned.then(|| view! {
                            <span class="pin" title="Pinned"><Icon name="pin" size=12 /><span class="visually-hidden">"Pinned: "</span></span>
                        })}
                        {note.body.clone()}
                    </p>
                }
            >
                <form class="note-form" on:submit=save>
                    <label for=format!("note-{id}-body")>"Note"</label>
                    <textarea
                        id=format!("note-{id}-body")
                        rows="3"
                        maxlength=MAX_PERSON_NOTE_CHARS
                        prop:value=move || body.get()
                        on:input=move |ev| body.set(event_target_value(&ev))
                    ></textarea>
                    // Without the right to change it, who may read it is sent back unchanged.
                    {can_change_visibility.then(|| view! {
                        <VisibilityField chosen=visibility teams=teams.get_value() prefix=prefix.clone() error=no_error invalid=false />
                    })}
                    <p>
                        <button type="submit" class="button small primary">"Save note"</button>
                        " "
                        <button type="button" class="button small link" on:click=move |_| editing.set(false)>"Cancel"</button>
                    </p>
                </form>
            </Show>
            <p class="muted note-meta">
                {format!("{} · {}", note.created_by_name, note.created_display)}
                {edited}
                " "
                {note.restricted.clone().map(|label| view! { <LockBadge label=label /> })}
            </p>
            <p class="note-actions">
                <IfAllowed permission=Permission::CreateInteractions>
                    <button type="button" class="button small link" on:click=move |_| editing.set(true)>"Edit"</button>
                    <button type="button" class="button small link" on:click=pin>{if pinned { "Unpin" } else { "Pin" }}</button>
                    <Show
                        when=move || confirming.get()
                        fallback=move || view! {
                            <button type="button" class="button small link danger" on:click=move |_| confirming.set(true)>"Delete"</button>
                        }
                    >
                        <span class="confirm" role="group" aria-label="Confirm delete">
                            "Delete this note? "
                            <button type="button" class="button small danger" on:click=delete>"Delete note"</button>
                            <button type="button" class="button small link" on:click=move |_| confirming.set(false)>"Keep it"</button>
                        </span>
                    </Show>
                </IfAllowed>
                {(note.revisions > 0).then(|| view! {
                    <button
                        type="button"
                        class="button small link"
                        aria-expanded=move || history.get().to_string()
                        on:click=move |_| history.update(|h| *h = !*h)
                    >
                        {format!("Earlier versions ({})", note.revisions)}
                    </button>
                })}
            </p>
            <Show when=move || history.get()>
                <NoteHistory id />
            </Show>
        </li>
    }
}

#[component]
fn NoteHistory(id: i64) -> impl IntoView {
    let revisions = Resource::new(|| (), move |_| person_note_revisions(id));
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match revisions.await {
                    Err(e) => error_panel(e),
                    Ok(list) => view! {
                        <ol class="note-revisions" aria-label="Earlier versions">
                            {list
                                .into_iter()
                                .map(|r| view! {
                                    <li>
                                        <p class="note-body">{r.old_body}</p>
                                        <p class="muted">{format!("Replaced by {}, {}", r.revised_by_name, r.revised_display)}</p>
                                    </li>
                                })
                                .collect_view()}
                        </ol>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AddNote(person_id: i64, teams: Vec<Team>, reload: Callback<()>, status: RwSignal<Status>) -> impl IntoView {
    let body = RwSignal::new(String::new());
    let visibility = VisibilityChoice::new(&Visibility::AllStaff);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = match visibility.visibility() {
            Ok(v) => v,
            Err(e) => return status.set(Status::Failed(e)),
        };
        let call = add_person_note(person_id, body.get_untracked(), chosen);
        change(status, async move { call.await.map(|_| ()) }, move || {
            body.set(String::new());
            reload.run(());
        });
    };
    view! {
        <details class="add-note">
            <summary class="button small">"Add a note"</summary>
            <form class="note-form" on:submit=submit>
                <label for="new-note-body">"New note"</label>
                <textarea
                    id="new-note-body"
                    rows="3"
                    required
                    maxlength=MAX_PERSON_NOTE_CHARS
                    placeholder="Allergic to peanuts"
                    prop:value=move || body.get()
                    on:input=move |ev| body.set(event_target_value(&ev))
                ></textarea>
                <VisibilityField chosen=visibility teams prefix="new-note" error=no_error invalid=false />
                <p><button type="submit" class="button small primary">"Add note"</button></p>
            </form>
        </details>
    }
}
