//! `/log`: the organisation's whole interaction log.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::log_view::InteractionLog;

#[component]
pub fn LogPage() -> impl IntoView {
    crate::mark_interactive();
    view! {
        <Title text="Interaction log" />
        <div class="page-header">
            <h1>"Interaction log"</h1>
        </div>
        <InteractionLog base="/log" />
    }
}
