//! Which pages' code loads together (`cargo leptos build --split`).
//!
//! The log is in the main bundle. Every other page's code is split out and
//! fetched when a page first needs it, in three groups rather than a split
//! point per page: the splitter gives every set of split points that share
//! a function a file of its own, and seventeen of them cut the shared code
//! into about 240 files, so a profile hydrated only after 113 small
//! fetches. Three groups make at most seven files, and a page needs one or
//! a few of them:
//! - [`everyday_pages`]: the pages staff open all day, so the first of them
//!   brings the rest.
//! - [`settings_pages`]: the admin pages and the managers' reports, which
//!   most staff never open.
//! - [`sign_in_pages`]: signing in and out, which needs no WASM at all.

use leptos::prelude::*;

use super::actions::{ActionView, ActionsPage, AssignPage};
use super::home::HomePage;
use super::interaction::InteractionPage;
use super::notifications::NotificationsPage;
use super::people::{PeoplePage, PersonPage};
use super::print::PrintPage;
use super::record::NewInteractionPage;
use super::{api_tokens, interaction_types, login, reports, roles, settings};

/// Defines each route type of a group: `Lazy::<Route>::new()` renders the
/// group's page `Group::Page`, loading the group's code first in the
/// browser.
macro_rules! group_routes {
    ($view:ident, $preload:ident, $group:ident { $($route:ident => $page:ident),* $(,)? }) => {
        $(
            #[derive(Clone)]
            pub struct $route;

            impl leptos_router::LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_this: Self) -> AnyView {
                    $view($group::$page).await
                }

                async fn preload() {
                    // The server renders every page in one binary.
                    #[cfg(target_arch = "wasm32")]
                    $preload().await;
                }
            }
        )*
    };
}

/// The pages staff use every day, besides the log.
#[derive(Clone, Copy)]
pub enum Everyday {
    Home,
    People,
    Person,
    Interaction,
    NewInteraction,
    Actions,
    AssignAction,
    Action,
    Notifications,
    Print,
}

group_routes!(everyday_pages, __preload_everyday_pages, Everyday {
    HomeRoute => Home,
    PeopleRoute => People,
    PersonRoute => Person,
    InteractionRoute => Interaction,
    NewInteractionRoute => NewInteraction,
    ActionsRoute => Actions,
    AssignActionRoute => AssignAction,
    ActionRoute => Action,
    NotificationsRoute => Notifications,
    PrintRoute => Print,
});

#[leptos::lazy]
pub fn everyday_pages(page: Everyday) -> AnyView {
    crate::mark_interactive();
    match page {
        Everyday::Home => view! { <HomePage /> }.into_any(),
        Everyday::People => view! { <PeoplePage /> }.into_any(),
        Everyday::Person => view! { <PersonPage /> }.into_any(),
        Everyday::Interaction => view! { <InteractionPage /> }.into_any(),
        Everyday::NewInteraction => view! { <NewInteractionPage /> }.into_any(),
        Everyday::Actions => view! { <ActionsPage /> }.into_any(),
        Everyday::AssignAction => view! { <AssignPage /> }.into_any(),
        Everyday::Action => view! { <ActionView /> }.into_any(),
        Everyday::Notifications => view! { <NotificationsPage /> }.into_any(),
        Everyday::Print => view! { <PrintPage /> }.into_any(),
    }
}

/// The admin pages and the managers' reports.
#[derive(Clone, Copy)]
pub enum Settings {
    InteractionTypes,
    Staff,
    Roles,
    Audit,
    ApiTokens,
    Reports,
    TypeUsage,
    LastContact,
    ActionsReport,
    StaffActivity,
}

group_routes!(settings_pages, __preload_settings_pages, Settings {
    InteractionTypesPage => InteractionTypes,
    StaffSettingsPage => Staff,
    RolesPage => Roles,
    AuditPage => Audit,
    ApiTokensPage => ApiTokens,
    ReportsRoute => Reports,
    TypeUsageRoute => TypeUsage,
    LastContactRoute => LastContact,
    ActionsReportRoute => ActionsReport,
    StaffActivityRoute => StaffActivity,
});

#[leptos::lazy]
pub fn settings_pages(page: Settings) -> AnyView {
    crate::mark_interactive();
    match page {
        Settings::InteractionTypes => interaction_types::types_view(),
        Settings::Staff => settings::staff_settings_view(),
        Settings::Roles => roles::roles_view(),
        Settings::Audit => settings::audit_view(),
        Settings::ApiTokens => api_tokens::api_tokens_view(),
        Settings::Reports => view! { <reports::ReportsPage /> }.into_any(),
        Settings::TypeUsage => view! { <reports::TypeUsagePage /> }.into_any(),
        Settings::LastContact => view! { <reports::LastContactPage /> }.into_any(),
        Settings::ActionsReport => view! { <reports::ActionsReportPage /> }.into_any(),
        Settings::StaffActivity => view! { <reports::StaffActivityPage /> }.into_any(),
    }
}

/// Signing in and out.
#[derive(Clone, Copy)]
pub enum SignIn {
    Login,
    Logout,
}

group_routes!(sign_in_pages, __preload_sign_in_pages, SignIn {
    LoginPage => Login,
    LogoutPage => Logout,
});

#[leptos::lazy]
pub fn sign_in_pages(page: SignIn) -> AnyView {
    crate::mark_interactive();
    match page {
        SignIn::Login => login::login_view().into_any(),
        SignIn::Logout => login::logout_view().into_any(),
    }
}
