//! Previous and next links under a paged list (keyset or offset: the caller
//! makes the URLs), so every list pages the same way without the WASM.

use leptos::prelude::*;

/// The pager: each link only when there is somewhere to go.
#[component]
pub fn Pager(first: Option<String>, previous: Option<String>, next: Option<String>) -> impl IntoView {
    view! {
        <nav class="pager" aria-label="Pages">
            {first.map(|href| view! { <a class="button" href=href>"First page"</a> })}
            {previous.map(|href| view! { <a class="button" href=href rel="prev">"Previous"</a> })}
            {next.map(|href| view! { <a class="button" href=href rel="next">"Next"</a> })}
        </nav>
    }
}
