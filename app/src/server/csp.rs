//! The Content-Security-Policy of every page: a script runs only when it
//! comes from Interlog itself or carries the nonce made for this one
//! response, so text that slipped through unescaped still cannot run.
//!
//! The nonce is made per request by the server's header middleware, which
//! also sends the policy; the page renders its scripts with the same nonce
//! through [`use_request_nonce`]. The header does not go through Leptos'
//! `ResponseOptions`: set there, it was missing from about one page in ten
//! when pages were opened in quick succession.

use axum::http::request::Parts;
use leptos::{nonce::Nonce, prelude::*};

/// The nonce of this request's page, in the request's extensions.
#[derive(Clone, Debug)]
pub struct PageNonce(pub String);

impl PageNonce {
    /// 128 random bits, URL-safe base64 (Leptos' own generator).
    pub fn new() -> PageNonce {
        PageNonce(Nonce::new().to_string())
    }

    /// The policy of a page whose inline scripts (Leptos' hydration and
    /// resource data) carry this nonce. Styles may be inline: the types'
    /// colours are `style` attributes, and a style cannot run code.
    pub fn policy(&self) -> String {
        // `cargo leptos watch` reloads pages over a WebSocket on its own port.
        let reload = if cfg!(debug_assertions) { " ws:" } else { "" };
        format!(
            "default-src 'self'; script-src 'self' 'nonce-{}' 'wasm-unsafe-eval'; \
             style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'{reload}; \
             object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
            self.0
        )
    }
}

impl Default for PageNonce {
    fn default() -> Self {
        PageNonce::new()
    }
}

/// Called in the context of a page being rendered: its scripts carry the
/// nonce the response's policy names.
pub fn use_request_nonce() {
    if let Some(nonce) = use_context::<Parts>().and_then(|parts| parts.extensions.get::<PageNonce>().cloned()) {
        provide_context(Nonce::from_value(nonce.0));
    }
}
