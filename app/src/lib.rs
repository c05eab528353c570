//! Interlog: the staff-facing interaction log. Pages, components and server
//! functions shared by the server (SSR) and the browser (hydration).

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes, A},
    path, SsrMode,
};

use crate::pages::{home::HomePage, interaction::InteractionPage, log::LogPage, not_found::NotFound};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <meta name="description" content="Interlog: the organisation's interaction log" />
                <link rel="stylesheet" id="leptos" href="/pkg/interlog.css" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Lets tests (and anyone curious) know the page is interactive.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    let viewer = Resource::new(|| (), |_| api::whoami());

    view! {
        <Title formatter=|text: String| if text.is_empty() { "Interlog".to_string() } else { format!("{text} · Interlog") } />
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="app-header">
                <a class="brand" href="/">
                    <img src="/favicon.svg" alt="" width="24" height="24" />
                    <span>"Interlog"</span>
                </a>
                <nav aria-label="Main">
                    <A href="/" exact=true>"Home"</A>
                    <A href="/log">"Log"</A>
                </nav>
                <div class="whoami">
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            viewer
                                .await
                                .ok()
                                .map(|v| {
                                    view! {
                                        <span class="avatar" aria-hidden="true">{v.initials.clone()}</span>
                                        <span class="whoami-name">{v.name.clone()}</span>
                                    }
                                })
                        })}
                    </Transition>
                </div>
            </header>
            <main id="main">
                <Routes fallback=|| view! { <NotFound /> }>
                    // Async: the whole page is rendered before the first byte,
                    // so it works without JavaScript and a 404 is a real 404.
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/log") view=LogPage ssr=SsrMode::Async />
                    <Route path=path!("/interactions/:id") view=InteractionPage ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}
