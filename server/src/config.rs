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

    /// A session unused for this many seconds ends.
    #[arg(long, env = "INTERLOG_SESSION_IDLE_SECONDS", default_value_t = 1800, global = true,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub session_idle_seconds: u32,

    /// A session ends this many seconds after sign-in, however busy.
    #[arg(long, env = "INTERLOG_SESSION_LIFETIME_SECONDS", default_value_t = 43200, global = true,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub session_lifetime_seconds: u32,

    /// Always mark the session cookie `Secure` (set this when serving over
    /// HTTPS; it is also set when a proxy sends `X-Forwarded-Proto: https`).
    #[arg(long, env = "INTERLOG_SECURE_COOKIES", global = true)]
    pub secure_cookies: bool,

    /// Behind a reverse proxy: take the client's address from `X-Forwarded-For`.
    #[arg(long, env = "INTERLOG_TRUST_PROXY", global = true)]
    pub trust_proxy: bool,

    /// Where users reach Interlog, e.g. `https://interlog.example.org`: links
    /// in emails start with it. Defaults to the address served on.
    #[arg(long, env = "INTERLOG_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Send email through this SMTP server: `smtp://host:25` (STARTTLS with
    /// `?tls=required`), or `smtps://user:password@host:465`. Without it,
    /// emails are written as files into the mail directory instead.
    #[arg(long, env = "INTERLOG_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,

    /// Where emails are written when no SMTP server is set (defaults to
    /// `mail` in the data directory).
    #[arg(long, env = "INTERLOG_MAIL_DIR", global = true)]
    pub mail_dir: Option<PathBuf>,

    /// The sender of Interlog's emails.
    #[arg(long, env = "INTERLOG_MAIL_FROM", default_value = "Interlog <interlog@localhost>", global = true)]
    pub mail_from: String,

    /// Seconds to wait after an email fails before trying again (doubled
    /// after each further failure, up to 6 hours; 8 tries in all).
    #[arg(long, env = "INTERLOG_MAIL_RETRY_SECONDS", default_value_t = 30, global = true,
          value_parser = clap::value_parser!(u32).range(1..=86400))]
    pub mail_retry_seconds: u32,

    /// Email each assignee a daily digest of their outstanding actions.
    #[arg(long, env = "INTERLOG_DAILY_DIGEST", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub daily_digest: bool,

    /// The hour (0–23, in the organisation's time zone) the digest goes at.
    #[arg(long, env = "INTERLOG_DIGEST_HOUR", default_value_t = 7, global = true,
          value_parser = clap::value_parser!(u32).range(0..=23))]
    pub digest_hour: u32,

    /// A log view counts its matches exactly up to this many; beyond, it
    /// says "More than …" and counts them all when asked ("Count them all").
    #[arg(long, env = "INTERLOG_COUNT_LIMIT", default_value_t = 10_000, global = true,
          value_parser = clap::value_parser!(u32).range(1..=100_000_000))]
    pub count_limit: u32,

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
    /// Create the first admin (or make an existing staff member an active
    /// admin with a new password). The password is read from
    /// INTERLOG_ADMIN_PASSWORD, or else from the first line of standard input.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
    /// Measure log queries and page latency on the database; prints figures.
    Bench {
        /// Timed runs of each query.
        #[arg(long, default_value_t = 200)]
        iterations: usize,
        /// Only the log cases whose name holds this text, and nothing else
        /// (for measuring one change quickly).
        #[arg(long)]
        cases: Option<String>,
    },
}

#[derive(Debug, Default, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (defaults to LEPTOS_SITE_ADDR, then 127.0.0.1:3000).
    #[arg(long, env = "INTERLOG_LISTEN")]
    pub listen: Option<SocketAddr>,

    /// Fill an empty database with demo data (accounts with a published
    /// password: for trying Interlog out, never for real records).
    #[arg(long, env = "INTERLOG_DEMO_DATA", default_value_t = false, action = clap::ArgAction::Set)]
    pub demo_data: bool,
}

impl Cli {
    pub fn store_options(&self) -> app::server::store::StoreOptions {
        app::server::store::StoreOptions {
            max_connections: self.database_pool_size,
            count_limit: Some(i64::from(self.count_limit)),
        }
    }

    /// The organisation's settings, for a server listening on `addr`.
    pub fn org_settings(&self, addr: SocketAddr) -> app::server::OrgSettings {
        app::server::OrgSettings {
            time_zone: self.time_zone,
            sessions: app::server::auth::SessionPolicy {
                idle_ms: i64::from(self.session_idle_seconds) * 1000,
                lifetime_ms: i64::from(self.session_lifetime_seconds) * 1000,
                secure_cookies: self.secure_cookies,
            },
            trust_proxy: self.trust_proxy,
            public_url: self.public_url.clone().unwrap_or_else(|| format!("http://{addr}")),
            demo_accounts: false,
        }
    }

    /// How the email sender runs.
    pub fn mail_settings(
        &self,
        context: app::server::store::MailContext,
    ) -> Result<app::server::mail::MailSettings, String> {
        use app::server::mail::{MailSettings, Transport};
        let from =
            self.mail_from.parse().map_err(|e| format!("--mail-from {:?} is not an address: {e}", self.mail_from))?;
        let transport = match &self.smtp_url {
            Some(url) => Transport::smtp(url)?,
            None => Transport::Files(self.mail_dir.clone().unwrap_or_else(|| self.data_dir.join("mail"))),
        };
        Ok(MailSettings {
            from,
            transport,
            retry_after: std::time::Duration::from_secs(self.mail_retry_seconds.into()),
            poll: std::time::Duration::from_secs(5),
            digest_hour: self.daily_digest.then_some(self.digest_hour),
            context,
        })
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite:{}", self.data_dir.join("interlog.db").display()),
        }
    }
}
