//! `/log`: the organisation's whole interaction log.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::access::Permission;
use crate::components::log_view::InteractionLog;
use crate::components::viewer::IfAllowed;

#[component]
pub fn LogPage() -> impl IntoView {
    crate::mark_interactive();
    view! {
        <Title text="Interaction log" />
        <div class="page-header">
            <h1>"Interaction log"</h1>
            <IfAllowed permission=Permission::CreateInteractions>
                <a class="button primary" href="/interactions/new">"New interaction"</a>
            </IfAllowed>
        </div>
        <InteractionLog base="/log" />
    }
}
