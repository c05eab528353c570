//! A small built-in icon set: one inline SVG sprite per page, each icon a
//! `<use>` of its symbol. A log page draws two icons a row; by reference
//! each costs a few bytes instead of its whole path.

use leptos::prelude::*;

use crate::components::static_html::Markup;

/// Every icon: its name and its path on a 24×24 grid, stroked.
const ICONS: [(&str, &str); 17] = [
    ("phone", "M22 16.9v3a2 2 0 0 1-2.2 2 19.8 19.8 0 0 1-8.6-3.1 19.5 19.5 0 0 1-6-6A19.8 19.8 0 0 1 2.1 4.2 2 2 0 0 1 4.1 2h3a2 2 0 0 1 2 1.7c.1 1 .4 1.9.7 2.8a2 2 0 0 1-.5 2.1L8.1 9.9a16 16 0 0 0 6 6l1.3-1.3a2 2 0 0 1 2.1-.4c.9.3 1.8.6 2.8.7a2 2 0 0 1 1.7 2z"),
    ("mail", "M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zM22 6l-10 7L2 6"),
    ("home", "M3 9l9-7 9 7v11a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2zM9 22V12h6v10"),
    ("stethoscope", "M5 3v5a5 5 0 0 0 10 0V3M10 13v3a4 4 0 0 0 8 0v-2M16 12a2 2 0 1 0 4 0a2 2 0 1 0-4 0"),
    ("users", "M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2M5 7a4 4 0 1 0 8 0a4 4 0 1 0-8 0M23 21v-2a4 4 0 0 0-3-3.9M16 3.1a4 4 0 0 1 0 7.8"),
    ("alert", "M10.3 3.9L1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0zM12 9v4M12 17h.01"),
    ("flag", "M4 15s1-1 4-1 5 2 8 2 4-1 4-1V3s-1 1-4 1-5-2-8-2-4 1-4 1zM4 22v-7"),
    ("message", "M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"),
    ("pencil", "M17 3a2.8 2.8 0 1 1 4 4L7.5 20.5 2 22l1.5-5.5z"),
    ("back", "M19 12H5M12 19l-7-7 7-7"),
    ("grip", "M9 5h.01M9 12h.01M9 19h.01M15 5h.01M15 12h.01M15 19h.01"),
    ("up", "M12 19V5M5 12l7-7 7 7"),
    ("down", "M12 5v14M19 12l-7 7-7-7"),
    ("pin", "M12 17v5M9 10.8a2 2 0 0 1-1.1 1.8l-1.8.9A2 2 0 0 0 5 15.2V17h14v-1.8a2 2 0 0 0-1.1-1.8l-1.8-.9A2 2 0 0 1 15 10.8V7a1 1 0 0 1 1-1 2 2 0 0 0 0-4H8a2 2 0 0 0 0 4 1 1 0 0 1 1 1z"),
    ("lock", "M5 11h14v10H5zM8 11V7a4 4 0 0 1 8 0v4"),
    ("reply", "M9 17l-5-5 5-5M4 12h11a5 5 0 0 1 5 5v2"),
    ("file", "M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zM14 2v6h6M16 13H8M16 17H8"),
];

/// The icon drawn for a name the set does not have.
const FALLBACK: &str = "file";

/// The sprite every `Icon` refers to, drawn once in the page's frame, as
/// one piece of markup (see [`static_html`](super::static_html)).
#[component]
pub fn IconSprite() -> impl IntoView {
    let mut sprite = Markup::new("svg");
    sprite.attr("class", "icon-sprite").attr("aria-hidden", "true").attr("focusable", "false");
    for (name, path) in ICONS {
        sprite.start("symbol").attr("id", &format!("icon-{name}")).attr("viewBox", "0 0 24 24");
        sprite.start("path").attr("d", path).end();
        sprite.end();
    }
    sprite.finish()
}

/// An icon, decorative: whatever carries it gives the accessible name.
/// Its stroke comes from the `.icon` rule, inherited by the symbol, and so
/// does its size (16 px) unless `size` is given: icons drawn on every row
/// of a table are sized by the table's style rather than row by row.
#[component]
pub fn Icon(#[prop(into)] name: String, #[prop(optional)] size: Option<u32>) -> impl IntoView {
    Markup::written(|m| write_icon(m, &name, size))
}

/// An [`Icon`] inside markup being written.
pub fn write_icon(markup: &mut Markup, name: &str, size: Option<u32>) {
    markup.start("svg").attr("class", "icon");
    if let Some(size) = size {
        let size = size.to_string();
        markup.attr("width", &size).attr("height", &size);
    }
    markup.attr("aria-hidden", "true");
    markup.start("use").attr("href", &icon_href(name)).end();
    markup.end();
}

/// The sprite's symbol for `name`, or the fallback's: only the set's own
/// names ever reach the page.
pub fn icon_href(name: &str) -> String {
    let known = ICONS.iter().any(|(n, _)| *n == name);
    format!("#icon-{}", if known { name } else { FALLBACK })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_icon_has_its_own_name_and_the_fallback_is_one_of_them() {
        let mut names: Vec<_> = ICONS.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ICONS.len());
        assert!(names.contains(&FALLBACK));
    }
}
