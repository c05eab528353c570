//! How an interaction type appears: a coloured icon, its name on hover and
//! to screen readers.

use leptos::prelude::*;

use crate::components::icons::Icon;
use crate::log::TypeBadge;

#[component]
pub fn TypeIcon(kind: TypeBadge) -> impl IntoView {
    let style = kind.style();
    let label = if kind.deleted { format!("{} (deleted type)", kind.name) } else { kind.name.clone() };
    let aria_label = label.clone();
    view! {
        <span class="type-icon" style=style role="img" aria-label=aria_label tabindex="0" data-type-id=kind.id>
            <Icon name=kind.icon.clone() size=14 />
            <span class="tooltip" aria-hidden="true">{label}</span>
        </span>
    }
}

/// A type as a chip with its name, for filters and headings.
#[component]
pub fn TypeChip(kind: TypeBadge) -> impl IntoView {
    let style = kind.style();
    view! {
        <span class="type-chip" style=style>
            <span class="type-dot" aria-hidden="true">
                <Icon name=kind.icon.clone() size=12 />
            </span>
            <span>{kind.name.clone()}</span>
        </span>
    }
}
