//! A description with inline rename: pencil → edit in place → Save (or
//! Enter); Escape cancels. A failed save shows why and keeps the text.
//!
//! A log page holds fifty of these, and each is built on the server for
//! every page it renders and again in the browser as the page hydrates. So
//! a description at rest is one signal (its text and state) and one
//! closure; the field, its draft and its error exist only while it is
//! being renamed ([`Editor`]), and a table's descriptions share one signal
//! saying the page has hydrated ([`Interactive`]).

use leptos::{ev, html, prelude::*, task::spawn_local};

use crate::api::rename_description;
use crate::components::icons::Icon;
use crate::components::static_html::Markup;
use crate::log::MAX_DESCRIPTION_CHARS;

/// Whether the page around some descriptions has hydrated: renaming needs
/// the WASM, so the pencil appears only then (effects run only in the
/// browser), not in the server's HTML, where it would do nothing and cost
/// every row its bytes. One for a whole table; a table the browser draws
/// itself (a search as you type) is interactive from the start.
#[derive(Clone, Copy)]
pub struct Interactive(ReadSignal<bool>);

impl Interactive {
    pub fn new() -> Self {
        let drawn_in_browser = cfg!(feature = "hydrate") && !crate::hydrating();
        let (interactive, set) = signal(drawn_in_browser);
        if !drawn_in_browser {
            Effect::new(move |_| set.set(true));
        }
        Interactive(interactive)
    }
}

impl Default for Interactive {
    fn default() -> Self {
        Self::new()
    }
}

/// A description as it reads now.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Shown {
    text: String,
    renamed: bool,
    editing: bool,
}

#[component]
pub fn EditableDescription(
    id: i64,
    #[prop(into)] description: String,
    renamed: bool,
    /// Shared by a table's rows; a description alone makes its own.
    #[prop(optional)]
    interactive: Option<Interactive>,
) -> impl IntoView {
    let Interactive(interactive) = interactive.unwrap_or_default();
    let shown = RwSignal::new(Shown { text: description, renamed, editing: false });
    let pencil_ref = NodeRef::<html::Button>::new();

    let start = move |_| shown.update(|s| s.editing = true);
    // Back to reading, the pencil focused again once it is drawn.
    let done = Callback::new(move |renamed: Option<(String, bool)>| {
        shown.update(|s| {
            if let Some((text, renamed)) = renamed {
                s.text = text;
                s.renamed = renamed;
            }
            s.editing = false;
        });
        // Unless the row has gone meanwhile (the page moved on).
        request_animation_frame(move || {
            if let Some(button) = pencil_ref.try_get_untracked().flatten() {
                let _ = button.focus();
            }
        });
    });

    move || {
        let Shown { text, renamed, editing } = shown.get();
        if editing {
            return view! {
                <div class="description editing">
                    <Editor id text done />
                </div>
            }
            .into_any();
        }
        // Before the page hydrates (and in the server's HTML) an ordinary
        // description is one element: every absent part would cost the
        // page a marker, fifty rows a page.
        if !renamed && !interactive.get() {
            let mut div = Markup::new("div");
            div.attr("class", "description").start("span").attr("class", "description-text").text(&text);
            return div.finish().into_any();
        }
        let mut span = Markup::new("span");
        span.attr("class", "description-text").text(&text);
        let span = span.finish();
        view! {
            <div class="description">
                {span}
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
            </div>
        }
        .into_any()
    }
}

/// The rename field, for as long as a description is being renamed. Done
/// with the saved text and whether it now reads as renamed, or `None` when
/// cancelled.
#[component]
fn Editor(id: i64, text: String, done: Callback<Option<(String, bool)>>) -> impl IntoView {
    let draft = RwSignal::new(text);
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let input_ref = NodeRef::<html::Input>::new();

    // The field takes the focus as it appears, its text selected.
    Effect::new(move |_| {
        if let Some(input) = input_ref.get() {
            let _ = input.focus();
            input.select();
            // Firefox puts the caret back at the end as the click that
            // opened the field settles: select again on the next frame.
            request_animation_frame(move || input.select());
        }
    });
    let cancel = move || {
        if !saving.get_untracked() {
            let _ = done.try_run(None);
        }
    };
    let save = move || {
        if saving.get_untracked() {
            return;
        }
        saving.set(true);
        error.set(None);
        spawn_local(async move {
            match rename_description(id, draft.get_untracked()).await {
                // Unless the row has gone meanwhile (the page moved on).
                Ok(row) => {
                    let _ = done.try_run(Some((row.description, row.renamed)));
                }
                Err(e) => {
                    e.sign_in_again_if_signed_out();
                    let _ = error.try_set(Some(e.to_string()));
                    let _ = saving.try_set(false);
                }
            }
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

    view! {
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
        {move || error.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
    }
}
