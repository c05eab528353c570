//! The `interlog` binary.

use std::process::ExitCode;

use app::server::{demo, Store};
use clap::Parser;
use server::{
    config::{Cli, Command, ServeArgs},
    leptos_options, open_state,
    router::build_router,
};
use tracing_subscriber::EnvFilter;

/// A page render allocates and frees thousands of small values, and each
/// compressed answer a few large buffers: glibc's allocator took a third of
/// the server's time under load, mimalloc a fraction of it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = EnvFilter::try_new(&cli.log_level).unwrap_or_else(|_| EnvFilter::new("info"));
    if cli.log_json {
        tracing_subscriber::fmt().with_env_filter(filter).json().init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let result = match &cli.command {
        None => serve(&cli, &ServeArgs::default()).await,
        Some(Command::Serve(args)) => serve(&cli, args).await,
        Some(Command::Generate { interactions, seed }) => generate(&cli, *interactions, *seed).await,
        Some(Command::CreateAdmin { email, name }) => create_admin(&cli, email, name).await,
        Some(Command::Bench { iterations, cases }) => server::bench::run(&cli, *iterations, cases.as_deref()).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("interlog: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(cli: &Cli, args: &ServeArgs) -> Result<(), Box<dyn std::error::Error>> {
    let mut options = leptos_options();
    if let Some(listen) = args.listen {
        options.site_addr = listen;
    }
    let addr = options.site_addr;
    let url = cli.database_url();
    let state = open_state(&url, &cli.store_options(), cli.org_settings(addr), args.demo_data, options).await?;
    let engine = state.store.engine().name();
    let store = state.store.clone();
    let mail = cli.mail_settings(state.settings.mail_context())?;
    tracing::info!(transport = ?mail.transport, digest_hour = ?mail.digest_hour, "sending email");
    let sender = app::server::mail::spawn_sender(store.clone(), mail, state.outbox.clone());
    let app = build_router(state);
    let listener = server::listen(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let database = server::redact_password(&url);
    tracing::info!(%addr, %database, engine, time_zone = %cli.time_zone, "Interlog is serving at http://{addr}");
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    sender.abort();
    // Close the database connections cleanly (SQLite checkpoints its log).
    store.close().await;
    Ok(())
}

async fn generate(cli: &Cli, interactions: usize, seed: u64) -> Result<(), Box<dyn std::error::Error>> {
    let url = cli.database_url();
    let store = Store::open_with(&url, &cli.store_options()).await?;
    store.prepare_reports(cli.time_zone).await?;
    if store.is_empty().await? {
        demo::seed_demo(&store, 200, 5000, 2026).await?;
        demo::seed_demo_actions(&store, 2026).await?;
    }
    let started = std::time::Instant::now();
    demo::generate_large_log(&store, interactions, seed).await?;
    println!(
        "added {interactions} interactions to {} ({}) in {:.1} s",
        server::redact_password(&url),
        store.engine().name(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Creates the first admin on an install without demo data: no default
/// password ever exists in production.
async fn create_admin(cli: &Cli, email: &str, name: &str) -> Result<(), Box<dyn std::error::Error>> {
    use app::access::{validate_email, validate_name, validate_password};
    use app::server::{auth::hash_password, store::Actor};
    let email = validate_email(email)?;
    let name = validate_name(name, "Name")?;
    let password = match std::env::var("INTERLOG_ADMIN_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    validate_password(&password)?;
    let hash = hash_password(password).await.map_err(|e| e.to_string())?;
    let url = cli.database_url();
    let store = Store::open_with(&url, &cli.store_options()).await?;
    let by = Actor { id: None, address: "create-admin command".into(), at: app::server::time::now_millis() };
    let id = store.create_admin(&name, &email, &hash, &by).await?;
    store.close().await;
    println!("{name} <{email}> is an admin (staff id {id}) and can sign in at /login");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
