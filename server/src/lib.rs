//! The Interlog server: configuration, database, HTTP router, and the
//! `generate` and `bench` commands.

pub mod bench;
pub mod config;
pub mod router;

use std::sync::Arc;

use app::server::{demo, AppState, OrgSettings, Store};
use leptos::prelude::{get_configuration, LeptosOptions};

/// Opens the database (running migrations), seeds demo data on an empty one
/// if asked, and builds the shared state.
pub async fn open_state(
    database_url: &str,
    time_zone: chrono_tz::Tz,
    demo_data: bool,
    leptos_options: LeptosOptions,
) -> Result<AppState, String> {
    let store = Store::open(database_url).await.map_err(|e| format!("cannot open the database {database_url}: {e}"))?;
    if demo_data && store.is_empty().await.map_err(|e| e.to_string())? {
        tracing::info!("empty database: adding demo data");
        demo::seed_demo(&store, 200, 5000, 2026).await.map_err(|e| format!("cannot add demo data: {e}"))?;
    }
    let acting = store
        .first_admin()
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "no active admin in the database: start with demo data".to_string())?;
    Ok(AppState { leptos_options, store, settings: Arc::new(OrgSettings { time_zone, acting_staff_id: acting.id }) })
}

/// Leptos settings from cargo-leptos' environment, or the built-in layout.
pub fn leptos_options() -> LeptosOptions {
    let from_env = std::env::var_os("LEPTOS_OUTPUT_NAME").and_then(|_| get_configuration(None).ok());
    match from_env {
        Some(conf) => conf.leptos_options,
        None => LeptosOptions::builder().output_name("interlog").site_root("target/site").site_pkg_dir("pkg").build(),
    }
}
