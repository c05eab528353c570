//! Choosing one record by typing part of its name: a search box announced as
//! a combobox, and the matches as buttons in a listbox under it.

use std::future::Future;

use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

use crate::error::AppError;

/// The search box and its matches. `search` runs once the text has
/// `min_chars` characters; `describe` labels a match; `pick` takes the one
/// clicked. `children` (a `<noscript>` hint, say) sit between the box and
/// the matches.
#[component]
pub fn SearchPicker<T, F, Fut>(
    /// What is picked (`person`): the box is `#{name}-search`, the matches
    /// `#{name}-matches`.
    name: &'static str,
    label: &'static str,
    placeholder: &'static str,
    min_chars: usize,
    search: F,
    describe: fn(&T) -> String,
    pick: Callback<T>,
    /// Whether the server refused the field (for `aria-invalid`).
    #[prop(into)]
    invalid: Signal<bool>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(String) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<T>, AppError>> + Send + 'static,
{
    let text = RwSignal::new(String::new());
    let matches = Resource::new(
        move || text.get(),
        move |q| async move {
            if q.trim().chars().count() < min_chars {
                return Ok(Vec::new());
            }
            search(q).await
        },
    );
    let (id, list) = (format!("{name}-search"), format!("{name}-matches"));
    view! {
        <label for=id.clone()>{label}</label>
        <input
            id=id
            type="search"
            role="combobox"
            aria-controls=list.clone()
            aria-expanded=move || (!text.get().trim().is_empty()).to_string()
            aria-autocomplete="list"
            aria-invalid=move || invalid.get().to_string()
            placeholder=placeholder
            autocomplete="off"
            prop:value=move || text.get()
            on:input=move |ev| text.set(event_target_value(&ev))
        />
        {children.map(|c| c())}
        <Transition fallback=|| ()>
            <ul id=list.clone() role="listbox" class="person-matches">
                {move || Suspend::new(async move {
                    matches.await.map(|found| found.into_iter().map(|item| {
                        let shown = describe(&item);
                        view! {
                            <li role="option" aria-selected="false">
                                <button type="button" class="person-match" on:click=move |_| pick.run(item.clone())>
                                    {shown}
                                </button>
                            </li>
                        }
                    }).collect_view()).ok()
                })}
            </ul>
        </Transition>
    }
}
