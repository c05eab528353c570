//! What the search boxes of the log and of `/actions` share.

use leptos::prelude::*;

/// Keeps a search box's own text in step with the words in the URL.
///
/// Back, Forward, a tab or "Clear" change the URL under the box, and the
/// box follows it — unless the user is typing in it (`input_id` has focus)
/// right now, when the URL is only catching up with their keystrokes.
pub fn follow_url_unless_typing(
    url_words: impl Fn() -> String + 'static,
    box_text: RwSignal<String>,
    input_id: &'static str,
) {
    Effect::new(move |_| {
        let words = url_words();
        let typing = document().active_element().map(|el| el.id() == input_id).unwrap_or(false);
        if !typing && words != box_text.get_untracked() {
            box_text.set(words);
        }
    });
}
