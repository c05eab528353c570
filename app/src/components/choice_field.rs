//! A labelled drop-down of a filter form: the choices, the one chosen, and
//! optionally a first "any" choice that leaves the filter out.

use leptos::prelude::*;

#[component]
pub fn ChoiceField(
    /// The element id, for the label.
    id: &'static str,
    /// The form field's name.
    name: &'static str,
    label: &'static str,
    /// Value and text of each choice.
    choices: Vec<(String, String)>,
    /// The value chosen, as the server's HTML marks it.
    #[prop(into)]
    selected: String,
    /// The value to show once the WASM runs, when something else on the
    /// page can change it (a chip that removes the filter). Left out, a
    /// choice made before hydration stays.
    #[prop(optional, into)]
    follow: Option<Signal<String>>,
    /// The text of a first choice with an empty value ("All teams").
    #[prop(optional)]
    any: Option<&'static str>,
    /// Called with the value picked, once the WASM runs; without it the
    /// form's own submit sends the choice.
    #[prop(optional, into)]
    on_change: Option<Callback<String>>,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Select>::new();
    if let Some(follow) = follow {
        follow_later(follow, move |value| {
            if let Some(select) = node.get_untracked() {
                select.set_value(value);
            }
        });
    }
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select
                id=id
                name=name
                node_ref=node
                on:change=move |ev| {
                    if let Some(on_change) = on_change {
                        on_change.run(event_target_value(&ev));
                    }
                }
            >
                {any.map(|any| view! { <option value="" selected=selected.is_empty()>{any}</option> })}
                {choices.into_iter().map(|(value, text)| {
                    let chosen = value == selected;
                    view! { <option value=value selected=chosen>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// Sets a form field to `value` each time it changes, but not on its first
/// run: hydration keeps what the server drew, or what was typed or picked
/// before the WASM came.
pub fn follow_later(value: Signal<String>, set: impl Fn(&str) + 'static) {
    Effect::new(move |seen: Option<()>| {
        let value = value.get();
        if seen.is_some() {
            set(&value);
        }
    });
}
