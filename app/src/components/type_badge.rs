//! How an interaction type appears: a coloured icon, its name on hover and
//! to screen readers.

use leptos::prelude::*;

use crate::components::icons::{icon_href, Icon};
use crate::components::static_html::{Markup, StaticHtml};
use crate::log::TypeBadge;

/// A type as a coloured round icon. Its colours come from the class
/// `ty{id}`, which [`type_styles`] defines once for a whole table; the name
/// shows on hover and focus from the accessible name (CSS), so a row
/// carries neither twice.
#[component]
pub fn TypeIcon(kind: TypeBadge) -> impl IntoView {
    Markup::written(|m| write_type_icon(m, &kind))
}

/// A [`TypeIcon`] inside markup being written.
pub fn write_type_icon(markup: &mut Markup, kind: &TypeBadge) {
    let label = if kind.deleted { format!("{} (deleted type)", kind.name) } else { kind.name.clone() };
    // Inside `role="img"` the drawing is already hidden from assistive
    // technology, and `.type-icon svg` styles it: a bare `<svg>`, on every
    // row.
    markup
        .start("span")
        .attr("class", &format!("type-icon ty{}", kind.id))
        .attr("role", "img")
        .attr("aria-label", &label)
        .attr("tabindex", "0");
    markup.start("svg").start("use").attr("href", &icon_href(&kind.icon)).end().end();
    markup.end();
}

/// The colours of the types a table shows, one rule each, for
/// [`TypeIcon`]. Colours are `#rrggbb` (checked when a type is saved, and
/// again here: nothing else is written into the style sheet).
pub fn type_styles<'a>(kinds: impl IntoIterator<Item = &'a TypeBadge>) -> StaticHtml {
    let mut seen = Vec::new();
    let mut css = String::new();
    for kind in kinds {
        if seen.contains(&kind.id) || !is_hex_colour(&kind.colour) || !is_hex_colour(&kind.ink) {
            continue;
        }
        seen.push(kind.id);
        css.push_str(&format!(".ty{}{{--type-colour:{};--type-ink:{}}}", kind.id, kind.colour, kind.ink));
    }
    // Finished markup: a page hydrates it as drawn, whatever rows its
    // hydration data names.
    let mut style = Markup::new("style");
    style.text(&css);
    style.finish()
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
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

#[cfg(test)]
mod tests {
    use super::is_hex_colour;

    #[test]
    fn only_six_digit_hex_colours_reach_the_style_sheet() {
        assert!(is_hex_colour("#0f766e"));
        assert!(is_hex_colour("#ABCDEF"));
        for bad in ["#fff", "0f766e0", "#0f766g", "red", "#0f766e;}", "#0f7</style>", ""] {
            assert!(!is_hex_colour(bad), "{bad}");
        }
    }
}
