//! Interlog: the staff-facing interaction log. Pages, components and server
//! functions shared by the server (SSR) and the browser (hydration).

#![recursion_limit = "256"]

pub mod access;
pub mod actions;
pub mod api;
pub mod components;
pub mod error;
pub mod export;
pub mod log;
pub mod notes;
pub mod pages;
pub mod recording;
pub mod reports;
#[cfg(feature = "ssr")]
pub mod server;
pub mod type_settings;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{Route, Router, Routes, A},
    hooks::use_location,
    path, Lazy, SsrMode,
};

use crate::access::Permission;
use crate::components::viewer::{ActionsChanged, ViewerResource};
use crate::pages::{
    chunks::{
        ActionRoute, ActionsReportRoute, ActionsRoute, ApiTokensPage, AssignActionRoute, AuditPage, HomeRoute,
        InteractionRoute, InteractionTypesPage, LastContactRoute, LoginPage, LogoutPage, NewInteractionRoute,
        NotificationsRoute, PeopleRoute, PersonRoute, PrintRoute, ReportsRoute, RolesPage, StaffActivityRoute,
        StaffSettingsPage, TypeUsageRoute,
    },
    log::LogPage,
    login::SignOutButton,
    not_found::NotFound,
};

/// The HTML document around the app, rendered on the server.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use crate::server::assets::{HydrationScript, PageStylesheet};
    use leptos_meta::MetaTags;

    // leptos_axum adds preload links for the lazy routes a page rendered,
    // but looks up the manifest and the page's head after an `.await`,
    // outside the request's reactive owner: whichever thread resumes it
    // decides whether the links appear, and in whose page. An empty set of
    // its own keeps every page's bytes the same from one request to the
    // next; the client fetches a route's chunk when it hydrates it.
    provide_context(leptos::PrefetchLazyFn::default());
    provide_context(server::RenderingPage);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <meta name="description" content="Interlog: the organisation's interaction log" />
                <PageStylesheet options=options.clone() />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <AutoReload options=options.clone() />
                <HydrationScript options />
                <MetaTags />
            </head>
            <body>
                <App />
                {demo_banner()}
            </body>
        </html>
    }
}

/// On a server where demo accounts can sign in, every page says so. Rendered
/// on the server only, after the app, so hydration never meets it.
#[cfg(feature = "ssr")]
fn demo_banner() -> Option<impl IntoView> {
    let demo = use_context::<server::AppState>().is_some_and(|state| state.settings.demo_accounts);
    demo.then(|| {
        view! {
            <p class="demo-banner" role="note" data-testid="demo-banner">
                <strong>"Demo server. "</strong>
                "Its accounts share a published password: try Interlog out here, but never record real people."
            </p>
        }
    })
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

/// Whether the browser is taking over the server's HTML (hydrating), not
/// drawing anew: what hydrates must read as the server drew it.
pub fn hydrating() -> bool {
    Owner::current_shared_context().is_some_and(|context| context.during_hydration())
}

/// Every page's `<title>`: `Jane Doe · Interlog`.
///
/// On the server `leptos_meta` writes the text into the HTML as it is, so it
/// is escaped here: a person named `</title><script>…` must stay text. In the
/// browser it becomes `document.title`, which is text already.
fn page_title(text: String) -> String {
    let title = if text.is_empty() { "Interlog".to_string() } else { format!("{text} · Interlog") };
    if cfg!(feature = "ssr") {
        html_escape::encode_text(&title).into_owned()
    } else {
        title
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Title formatter=page_title />
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <crate::components::icons::IconSprite />
            <Frame />
        </Router>
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
    provide_context(ActionsChanged(RwSignal::new(0)));
    view! {
        <AppHeader />
        <main id="main">
            <Routes fallback=|| view! { <NotFound /> }>
                // Async: the whole page is rendered before the first byte,
                // so it works without JavaScript and a 404 is a real 404.
                <Route path=path!("/login") view={Lazy::<LoginPage>::new()} ssr=SsrMode::Async />
                <Route path=path!("/logout") view={Lazy::<LogoutPage>::new()} ssr=SsrMode::Async />
                <Route path=path!("/") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/log") view=LogPage ssr=SsrMode::Async />
                <Route path=path!("/log/print") view={Lazy::<PrintRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/interactions/new") view={Lazy::<NewInteractionRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/interactions/:id") view={Lazy::<InteractionRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/actions") view={Lazy::<ActionsRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/actions/new") view={Lazy::<AssignActionRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/actions/:id") view={Lazy::<ActionRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/notifications") view={Lazy::<NotificationsRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/people") view={Lazy::<PeopleRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/people/:id") view={Lazy::<PersonRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/reports") view={Lazy::<ReportsRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/reports/type-usage") view={Lazy::<TypeUsageRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/reports/last-contact") view={Lazy::<LastContactRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/reports/actions") view={Lazy::<ActionsReportRoute>::new()} ssr=SsrMode::Async />
                <Route
                    path=path!("/reports/staff-activity")
                    view={Lazy::<StaffActivityRoute>::new()}
                    ssr=SsrMode::Async
                />
                <Route path=path!("/settings/api-tokens") view={Lazy::<ApiTokensPage>::new()} ssr=SsrMode::Async />
                <Route path=path!("/settings/staff") view={Lazy::<StaffSettingsPage>::new()} ssr=SsrMode::Async />
                <Route path=path!("/settings/roles") view={Lazy::<RolesPage>::new()} ssr=SsrMode::Async />
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
    let counts = action_counts();
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
                            let reports = v.role.grants(Permission::ViewReports);
                            view! {
                                <nav aria-label="Main">
                                    <A href="/" exact=true>"Home"</A>
                                    <A href="/log">"Log"</A>
                                    <A href="/people">"People"</A>
                                    <A href="/actions">"Actions" <ActionCount counts=counts /></A>
                                    {reports.then(|| view! { <A href="/reports">"Reports"</A> })}
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
                                    <span class="muted role">{v.role.name.clone()}</span>
                                    <a href="/notifications" class="button small link">"Emails"</a>
                                    <SignOutButton />
                                </div>
                            }
                        })
                })}
            </Transition>
        </header>
    })
}

/// My outstanding and overdue action counts, fetched in the browser after
/// the page is interactive, again on every page change and whenever the
/// viewer changes an action. Nothing is rendered for them on the server, so
/// they never get in the way of hydrating the page.
fn action_counts() -> RwSignal<Option<crate::actions::ActionCounts>> {
    let counts = RwSignal::new(None);
    let location = use_location();
    let changed = use_context::<ActionsChanged>().map(|c| c.0);
    let latest = StoredValue::new(0u32);
    // Effects run only in the browser.
    Effect::new(move |_| {
        location.pathname.track();
        if let Some(changed) = changed {
            changed.track();
        }
        latest.update_value(|n| *n += 1);
        let asked = latest.get_value();
        leptos::task::spawn_local(async move {
            if let Ok(now) = api::my_action_counts().await {
                // Only the answer to the latest question counts.
                if latest.try_get_value() == Some(asked) {
                    counts.try_set(Some(now));
                }
            }
        });
    });
    counts
}

/// My outstanding actions, and the overdue ones in red (and in words), next
/// to "Actions" in the navigation.
#[component]
fn ActionCount(counts: RwSignal<Option<crate::actions::ActionCounts>>) -> impl IntoView {
    move || {
        counts.get().filter(|c| c.outstanding > 0).map(|c| {
            view! {
                <span class="nav-count" data-testid="nav-outstanding">
                    {c.outstanding}<span class="visually-hidden">" outstanding"</span>
                </span>
                {(c.overdue > 0).then(|| view! {
                    <span class="nav-count overdue" data-testid="nav-overdue">
                        {c.overdue}<span class="visually-hidden">" overdue"</span>
                    </span>
                })}
            }
        })
    }
}
