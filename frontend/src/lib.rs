//! The browser entry point: hydrates the server-rendered page.

#![recursion_limit = "256"]

/// Hydrates with support for lazy routes: a page whose code is split out
/// of the main bundle loads that code before it hydrates.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_lazy(app::App);
}
