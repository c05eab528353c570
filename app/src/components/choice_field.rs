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
    /// The value chosen.
    #[prop(into)]
    selected: String,
    /// The text of a first choice with an empty value ("All teams").
    #[prop(optional)]
    any: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name=name>
                {any.map(|any| view! { <option value="" selected=selected.is_empty()>{any}</option> })}
                {choices.into_iter().map(|(value, text)| {
                    let chosen = value == selected;
                    view! { <option value=value selected=chosen>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}
