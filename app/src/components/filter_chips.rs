//! The row of active filters above a list, each removed by one link, so it
//! works before (and without) the WASM.

use leptos::prelude::*;

/// One active filter: what it says, and the view without it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chip {
    pub label: String,
    /// The URL of the same view with this filter removed.
    pub without: String,
}

#[component]
pub fn FilterChips(chips: Vec<Chip>) -> impl IntoView {
    (!chips.is_empty()).then(|| {
        view! {
            <ul class="filter-chips" aria-label="Active filters">
                {chips
                    .into_iter()
                    .map(|chip| {
                        let remove = format!("Remove filter: {}", chip.label);
                        view! {
                            <li class="filter-chip">
                                <span>{chip.label}</span>
                                <a href=chip.without class="chip-remove" aria-label=remove.clone() title=remove>
                                    <span aria-hidden="true">"×"</span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}
