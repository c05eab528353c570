//! Server-only code: the store (SQL), who is acting, tags and demo data.

pub mod assets;
pub mod auth;
pub mod csp;
pub mod demo;
pub mod export;
pub mod mail;
pub mod recording;
pub mod reports;
pub mod store;
pub mod tags;
pub mod time;

use std::sync::Arc;

use axum::extract::FromRef;
use chrono_tz::Tz;
use leptos::prelude::LeptosOptions;

pub use store::Store;

/// Organisation-wide settings the server was started with.
#[derive(Clone, Debug)]
pub struct OrgSettings {
    /// Times are stored in UTC and shown in this zone.
    pub time_zone: Tz,
    /// How long sessions last and how their cookie is sent.
    pub sessions: auth::SessionPolicy,
    /// Take the client's address from `X-Forwarded-For` (behind a proxy).
    pub trust_proxy: bool,
    /// Where users reach Interlog (`https://interlog.example.org`): links
    /// in emails start with it.
    pub public_url: String,
    /// Demo accounts, with their published password, can sign in: every
    /// page says so.
    pub demo_accounts: bool,
}

impl OrgSettings {
    /// What emails queued now need: links and the time zone.
    pub fn mail_context(&self) -> store::MailContext {
        store::MailContext { base_url: self.public_url.trim_end_matches('/').to_string(), time_zone: self.time_zone }
    }
}

/// Shared by every request: handed to server functions through context.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    pub settings: Arc<OrgSettings>,
    /// Wakes the email sender when something was queued.
    pub outbox: Arc<tokio::sync::Notify>,
}

/// Provided while the server renders a page: server functions it calls
/// answer in full (a page without the WASM cannot fill anything in later).
#[derive(Clone, Copy, Debug)]
pub struct RenderingPage;
