//! Server configuration: flags, with environment variables as fallbacks.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "interlog", version, about = "Interlog: the staff-facing interaction log")]
pub struct Cli {
    /// Database URL: `sqlite:path/to/file.db` or `postgres://user:password@host:port/database`.
    /// Defaults to a SQLite file in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Database connections per server process (default: 8 on SQLite, 10 on
    /// PostgreSQL). With several servers, keep the sum under the database's
    /// `max_connections`.
    #[arg(long, env = "DATABASE_POOL_SIZE", global = true, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub database_pool_size: Option<u32>,

    /// Where the embedded database lives.
    #[arg(long, env = "INTERLOG_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// The organisation's time zone (IANA name): times are shown in it.
    #[arg(long, env = "INTERLOG_TIME_ZONE", default_value = "Europe/London", global = true)]
    pub time_zone: chrono_tz::Tz,

    /// Log filter, e.g. `info` or `interlog=debug,sqlx=warn`.
    #[arg(long, env = "INTERLOG_LOG", default_value = "info,sqlx=warn", global = true)]
    pub log_level: String,

    /// Log as JSON lines instead of text.
    #[arg(long, env = "INTERLOG_LOG_JSON", global = true)]
    pub log_json: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the app (the default).
    Serve(ServeArgs),
    /// Add a large synthetic log to the database, for benchmarks.
    Generate {
        /// How many interactions to add.
        #[arg(long, default_value_t = 1_000_000)]
        interactions: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Measure log queries and page latency on the database; prints figures.
    Bench {
        /// Timed runs of each query.
        #[arg(long, default_value_t = 200)]
        iterations: usize,
    },
}

#[derive(Debug, Default, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (defaults to LEPTOS_SITE_ADDR, then 127.0.0.1:3000).
    #[arg(long, env = "INTERLOG_LISTEN")]
    pub listen: Option<SocketAddr>,

    /// Fill an empty database with demo data.
    #[arg(long, env = "INTERLOG_DEMO_DATA", default_value_t = true, action = clap::ArgAction::Set)]
    pub demo_data: bool,
}

impl Cli {
    pub fn store_options(&self) -> app::server::store::StoreOptions {
        app::server::store::StoreOptions { max_connections: self.database_pool_size }
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite:{}", self.data_dir.join("interlog.db").display()),
        }
    }
}
