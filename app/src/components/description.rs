//! A description with inline rename: pencil → edit in place → Save (or
//! Enter); Escape cancels. A failed save shows why and keeps the text.

use leptos::{ev, html, prelude::*, task::spawn_local};

use crate::api::rename_description;
use crate::components::icons::Icon;
use crate::components::static_html::Markup;
use crate::log::{LogRow, MAX_DESCRIPTION_CHARS};

#[component]
pub fn EditableDescription(
    id: i64,
    #[prop(into)] description: String,
    renamed: bool,
    /// Told the row as it reads after a rename.
    #[prop(optional, into)]
    on_renamed: Option<Callback<LogRow>>,
) -> impl IntoView {
    let current = RwSignal::new(description);
    let was_renamed = RwSignal::new(renamed);
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let input_ref = NodeRef::<html::Input>::new();
    let pencil_ref = NodeRef::<html::Button>::new();

    // Renaming needs the WASM: the pencil appears once the page has
    // hydrated (effects run only in the browser), not in the server's HTML,
    // where it would do nothing and cost every row its bytes.
    let interactive = RwSignal::new(false);
    Effect::new(move |_| interactive.set(true));

    let start = move |_| {
        draft.set(current.get_untracked());
        error.set(None);
        editing.set(true);
    };
    // Focus the field when editing starts, and the pencil when it ends.
    Effect::new(move |previous: Option<bool>| {
        let now = editing.get();
        if now {
            if let Some(input) = input_ref.get() {
                let _ = input.focus();
                input.select();
                // Firefox puts the caret back at the end as the click that
                // opened the field settles: select again on the next frame.
                request_animation_frame(move || input.select());
            }
        } else if previous == Some(true) {
            if let Some(button) = pencil_ref.get() {
                let _ = button.focus();
            }
        }
        now
    });
    let cancel = move || {
        if !saving.get_untracked() {
            editing.set(false);
            error.set(None);
        }
    };
    let save = move || {
        if saving.get_untracked() {
            return;
        }
        let text = draft.get_untracked();
        saving.set(true);
        error.set(None);
        spawn_local(async move {
            match rename_description(id, text).await {
                Ok(row) => {
                    current.set(row.description.clone());
                    was_renamed.set(row.renamed);
                    editing.set(false);
                    if let Some(callback) = on_renamed {
                        callback.run(row);
                    }
                }
                Err(e) => {
                    e.sign_in_again_if_signed_out();
                    error.set(Some(e.to_string()));
                }
            }
            saving.set(false);
        });
    };
    let on_keydown = move |event: ev::KeyboardEvent| match event.key().as_str() {
        "Enter" => {
            event.prevent_default();
            save();
        }
        "Escape" => {
            event.prevent_default();
            cancel();
        }
        _ => {}
    };

    // The description as read. Before the page hydrates (and in the
    // server's HTML) an ordinary row's is one element: every absent part
    // would cost the page a marker, fifty rows a page.
    let display = move || {
        let mut text = Markup::new("span");
        text.attr("class", "description-text").text(&current.get());
        let text = text.finish();
        let renamed = was_renamed.get();
        if !renamed && !interactive.get() {
            return text.into_any();
        }
        view! {
            {text}
            {renamed.then(|| view! {
                <span class="renamed-mark" title="This description has been renamed">"Renamed"</span>
            })}
            {interactive.get().then(|| view! {
                <button
                    type="button"
                    class="icon-button pencil"
                    aria-label="Rename description"
                    node_ref=pencil_ref
                    on:click=start
                >
                    <Icon name="pencil" />
                </button>
            })}
        }
        .into_any()
    };

    view! {
        <div class="description" class:editing=move || editing.get()>
            <Show when=move || editing.get() fallback=move || display>
                <input
                    type="text"
                    class="rename-input"
                    aria-label="Description"
                    maxlength=MAX_DESCRIPTION_CHARS
                    node_ref=input_ref
                    prop:value=move || draft.get()
                    aria-invalid=move || error.get().is_some().to_string()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:keydown=on_keydown
                    disabled=move || saving.get()
                />
                <button type="button" class="button small primary" on:click=move |_| save() disabled=move || saving.get()>
                    {move || if saving.get() { "Saving…" } else { "Save" }}
                </button>
                <button type="button" class="button small" on:click=move |_| cancel()>
                    "Cancel"
                </button>
            </Show>
            {move || error.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
        </div>
    }
}
