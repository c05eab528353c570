//! Interlog: the staff-facing interaction log. Pages, components and server
//! functions shared by the server (SSR) and the browser (hydration).

#![recursion_limit = "256"]

pub mod access;
pub mod api;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;
pub mod recording;
#[cfg(feature = "ssr")]
pub mod server;
pub mod type_settings;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes, A},
    hooks::use_location,
    path, Lazy, SsrMode,
};

use crate::access::Permission;
use crate::error::AppError;
use crate::model::Viewer;
use crate::pages::{
    api_tokens::ApiTokensPage,
    home::HomePage,
    interaction::InteractionRoute,
    interaction_types::InteractionTypesPage,
    log::LogPage,
    login::{LoginPage, LogoutPage, SignOutButton},
    not_found::NotFound,
    people::{PeopleRoute, PersonRoute},
    record::NewInteractionRoute,
    settings::{AuditPage, StaffSettingsPage},
};

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

/// Marks the page interactive (`<body data-hydrated="true">`), for tests and
/// anyone curious. Each page calls it: an effect runs once the page around it
/// has hydrated, and a page whose code loads on demand hydrates after the
/// rest of the app.
pub fn mark_interactive() {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Title formatter=|text: String| if text.is_empty() { "Interlog".to_string() } else { format!("{text} · Interlog") } />
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Frame />
        </Router>
    }
}

/// Who is signed in, fetched once per page load and shared by the header
/// and the pages (to show only what the viewer may do; the server checks
/// again).
#[derive(Clone, Copy)]
pub struct ViewerResource(pub Resource<Result<Viewer, AppError>>);

/// Shows `children` only to a viewer who holds `permission`.
#[component]
pub fn IfAllowed(permission: Permission, children: ChildrenFn) -> impl IntoView {
    let viewer = use_context::<ViewerResource>();
    let children = StoredValue::new(children);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let allowed = match viewer {
                    Some(v) => v.0.await.map(|v| v.role.grants(permission)).unwrap_or(false),
                    None => false,
                };
                allowed.then(|| children.with_value(|c| c()))
            })}
        </Transition>
    }
}

/// The header and the page. Outside the sign-in page, the viewer is
/// fetched here and shared with every page below.
#[component]
fn Frame() -> impl IntoView {
    let location = use_location();
    let signing_in = location.pathname.get_untracked() == "/login";
    if !signing_in {
        provide_context(ViewerResource(Resource::new(|| (), |_| api::whoami())));
    }
    view! {
        <AppHeader />
        <main id="main">
            <Routes fallback=|| view! { <NotFound /> }>
                // Async: the whole page is rendered before the first byte,
                // so it works without JavaScript and a 404 is a real 404.
                <Route path=path!("/login") view={Lazy::<LoginPage>::new()} ssr=SsrMode::Async />
                <Route path=path!("/logout") view={Lazy::<LogoutPage>::new()} ssr=SsrMode::Async />
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                <Route path=path!("/log") view=LogPage ssr=SsrMode::Async />
                <Route path=path!("/interactions/new") view={Lazy::<NewInteractionRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/interactions/:id") view={Lazy::<InteractionRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/people") view={Lazy::<PeopleRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/people/:id") view={Lazy::<PersonRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/settings/api-tokens") view={Lazy::<ApiTokensPage>::new()} ssr=SsrMode::Async />
                <Route path=path!("/settings/staff") view={Lazy::<StaffSettingsPage>::new()} ssr=SsrMode::Async />
                <Route path=path!("/settings/audit") view={Lazy::<AuditPage>::new()} ssr=SsrMode::Async />
                <Route
                    path=path!("/settings/interaction-types")
                    view={Lazy::<InteractionTypesPage>::new()}
                    ssr=SsrMode::Async
                />
            </Routes>
        </main>
    }
}

/// The header: navigation for what the viewer may do, who they are, and
/// Sign out. Not shown on the sign-in page.
#[component]
fn AppHeader() -> impl IntoView {
    let viewer = use_context::<ViewerResource>()?.0;
    Some(view! {
        <header class="app-header">
            <a class="brand" href="/">
                <img src="/favicon.svg" alt="" width="24" height="24" />
                <span>"Interlog"</span>
            </a>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    viewer
                        .await
                        .ok()
                        .map(|v| {
                            let admin = v.role.grants(Permission::ManageStaff);
                            let types_admin = v.role.grants(Permission::ManageInteractionTypes);
                            view! {
                                <nav aria-label="Main">
                                    <A href="/" exact=true>"Home"</A>
                                    <A href="/log">"Log"</A>
                                    <A href="/people">"People"</A>
                                    {types_admin.then(|| view! {
                                        <A href="/settings/interaction-types">"Types"</A>
                                    })}
                                    {admin.then(|| view! {
                                        <A href="/settings/staff">"Staff"</A>
                                        <A href="/settings/audit">"Audit"</A>
                                        <A href="/settings/api-tokens">"API tokens"</A>
                                    })}
                                </nav>
                                <div class="whoami">
                                    <span class="avatar" aria-hidden="true">{v.initials.clone()}</span>
                                    <span class="whoami-name">{v.name.clone()}</span>
                                    <span class="muted role">{v.role.label()}</span>
                                    <SignOutButton />
                                </div>
                            }
                        })
                })}
            </Transition>
        </header>
    })
}
