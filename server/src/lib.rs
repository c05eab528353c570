//! The Interlog server: configuration, database, HTTP router, and the
//! `generate` and `bench` commands.

// The log page's view type nests deeper than the default limit allows.
#![recursion_limit = "256"]

pub mod api_v1;
pub mod bench;
pub mod config;
pub mod export;
pub mod forms;
pub mod pdf;
pub mod reports;
pub mod router;
pub mod security;
pub mod sign_in;

use std::sync::Arc;

use app::server::{demo, store::StoreOptions, AppState, OrgSettings, Store};
use leptos::prelude::{get_configuration, LeptosOptions};

/// Listens on `addr`, answering each connection without Nagle's delay: a
/// small answer written in two parts (headers, then a compressed body) on a
/// kept-alive connection would otherwise wait out the browser's delayed
/// acknowledgement, 40 ms a file.
pub async fn listen(
    addr: std::net::SocketAddr,
) -> std::io::Result<axum::serve::TapIo<tokio::net::TcpListener, fn(&mut tokio::net::TcpStream)>> {
    use axum::serve::ListenerExt;
    fn no_delay(stream: &mut tokio::net::TcpStream) {
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
    }
    let listener = tokio::net::TcpListener::bind(addr).await?;
    Ok(listener.tap_io(no_delay as fn(&mut tokio::net::TcpStream)))
}

/// Opens the database (running migrations), seeds demo data on an empty one
/// if asked, and builds the shared state.
pub async fn open_state(
    database_url: &str,
    store_options: &StoreOptions,
    mut settings: OrgSettings,
    demo_data: bool,
    leptos_options: LeptosOptions,
) -> Result<AppState, String> {
    let store = Store::open_with(database_url, store_options)
        .await
        .map_err(|e| format!("cannot open the database {}: {e}", redact_password(database_url)))?;
    // Reports count days in the organisation's zone: before demo data is
    // added, so its rows are counted as they go in.
    store.prepare_reports(settings.time_zone).await.map_err(|e| format!("cannot prepare the reports: {e}"))?;
    if demo_data && store.is_empty().await.map_err(|e| e.to_string())? {
        tracing::info!("empty database: adding demo data");
        demo::seed_demo(&store, 200, 5000, 2026).await.map_err(|e| format!("cannot add demo data: {e}"))?;
        demo::seed_demo_actions(&store, 2026).await.map_err(|e| format!("cannot add demo actions: {e}"))?;
    }
    let admins = store.active_staff_managers().await.map_err(|e| e.to_string())?;
    if admins == 0 {
        tracing::warn!(
            "nobody can sign in yet: create the first admin with `interlog create-admin --email … --name …`"
        );
    }
    settings.demo_accounts = demo::has_demo_accounts(&store).await.map_err(|e| e.to_string())?;
    if settings.demo_accounts {
        tracing::warn!("demo accounts can sign in with the published demo password: for trying Interlog out only");
    }
    Ok(AppState { leptos_options, store, settings: Arc::new(settings), outbox: Default::default() })
}

/// Leptos settings from cargo-leptos' environment, or the built-in layout.
pub fn leptos_options() -> LeptosOptions {
    let from_env = std::env::var_os("LEPTOS_OUTPUT_NAME").and_then(|_| get_configuration(None).ok());
    let mut options = match from_env {
        Some(conf) => conf.leptos_options,
        None => LeptosOptions::builder().output_name("interlog").site_root("target/site").site_pkg_dir("pkg").build(),
    };
    // The release build names every `/pkg` file by its content and lists
    // the main ones in a file beside the binary; pages then link those names.
    options.hash_files |= std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
        .is_some_and(|hashes| hashes.is_file());
    options
}

/// A database URL fit for logs: any password replaced by `***`.
pub fn redact_password(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((userinfo, host)) = rest.rsplit_once('@') {
            if let Some((user, _password)) = userinfo.split_once(':') {
                return format!("{scheme}://{user}:***@{host}");
            }
        }
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::redact_password;

    #[test]
    fn passwords_stay_out_of_logs() {
        assert_eq!(redact_password("postgres://app:s3cret@db:5432/interlog"), "postgres://app:***@db:5432/interlog");
        assert_eq!(redact_password("postgres://app@db/interlog"), "postgres://app@db/interlog");
        assert_eq!(redact_password("sqlite:data/interlog.db"), "sqlite:data/interlog.db");
    }
}
