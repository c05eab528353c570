//! The page for an address that leads nowhere: a real 404.

use leptos::prelude::*;
use leptos_meta::Title;

/// Marks the response 404 when rendered on the server.
pub fn set_not_found_status() {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(axum::http::StatusCode::NOT_FOUND);
    }
}

#[component]
pub fn NotFound(#[prop(optional, into)] message: Option<String>) -> impl IntoView {
    set_not_found_status();
    crate::mark_interactive();
    view! {
        <Title text="Not found" />
        <div class="not-found">
            <h1>"Not found"</h1>
            <p>{message.unwrap_or_else(|| "There is no page at this address.".to_string())}</p>
            <p>
                <a class="button" href="/log">"Go to the interaction log"</a>
            </p>
        </div>
    }
}
