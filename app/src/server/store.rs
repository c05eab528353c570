//! The store: every SQL statement of the interaction log. Knows nothing of HTTP
//! or views; callers pass in who is acting and the organisation's time zone.
//!
//! One implementation serves both engines through sqlx's `Any` driver: SQLite
//! (the embedded default) and PostgreSQL (for several servers sharing one
//! database). Statements are written once, with `$n` parameters, which both
//! engines read; where the engines differ (full-text search, case-insensitive
//! sort keys, write locks) [`Engine`] supplies each one's own SQL.

use std::{future::Future, path::Path, time::Duration};

use sqlx::{
    any::AnyPoolOptions, migrate::MigrateDatabase, Any, AnyConnection, AnyPool, Connection, Executor, Transaction,
};

use crate::access::Role;
use crate::log::{TypeBadge, Visibility};
use crate::recording::Source;
use crate::server::time::Millis;
use engine::{POSTGRES_SETTINGS, SQLITE_PRAGMAS};

/// Errors the store reports to its callers.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Invalid(String),
    /// A change made against an older version than the one stored.
    #[error("{0}")]
    Conflict(String),
    /// The caller may not do this, and why.
    #[error("{0}")]
    NotAllowed(String),
    /// Well formed, but it cannot be done (a deleted type).
    #[error("{0}")]
    Unprocessable(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<StoreError> for crate::error::AppError {
    fn from(error: StoreError) -> Self {
        use crate::error::AppError;
        match error {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Invalid(msg) => AppError::Validation(msg),
            StoreError::Conflict(msg) => AppError::Conflict(msg),
            StoreError::NotAllowed(msg) => AppError::NotAllowed(msg),
            StoreError::Unprocessable(msg) => AppError::Unprocessable(msg),
            StoreError::Database(e) => e.into(),
            StoreError::Migrate(e) => e.into(),
        }
    }
}

/// A handle on the database. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    /// SQLite only: up to this many search matches are fetched and sorted;
    /// above it, pages are found by walking the sort order's index.
    search_fetch_limit: i64,
    /// A page of the log counts its matches up to this many (see
    /// [`crate::log::COUNT_LIMIT`]).
    count_limit: i64,
    /// Teams by id, for the words on lock badges: read again whenever a
    /// row names a team not in it (one added, here or by another server).
    teams: std::sync::Arc<std::sync::RwLock<Vec<crate::access::Team>>>,
}

/// How to connect. `max_connections` defaults to 8 for SQLite (one writer at a
/// time anyway) and 10 for PostgreSQL, per server process.
#[derive(Clone, Debug, Default)]
pub struct StoreOptions {
    pub max_connections: Option<u32>,
    /// Count a view's matches exactly up to this many (default
    /// [`crate::log::COUNT_LIMIT`]); beyond it the log says "more than".
    pub count_limit: Option<i64>,
}

/// What a new interaction is made of; the server sets logged-at and tags.
#[derive(Clone, Debug)]
pub struct NewInteraction {
    pub person_id: i64,
    pub type_id: i64,
    pub description: String,
    pub note: String,
    pub occurred_at: Millis,
    pub logged_by: i64,
    /// The colleague who had the interaction, when someone else records it
    /// for them (`None`: whoever logs it).
    pub completed_by: Option<i64>,
    pub reply_to: Option<i64>,
    pub source: Source,
    /// Who may read it.
    pub visibility: Visibility,
}

/// An interaction type as the admin configured it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InteractionTypeRecord {
    pub badge: TypeBadge,
    pub sort_key: String,
}

/// A staff member as the server knows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffRecord {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
}

impl Store {
    /// Opens the database at `url` (creating it if needed) and runs migrations.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Store::open_with(url, &StoreOptions::default()).await
    }

    pub async fn open_with(url: &str, options: &StoreOptions) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let engine = Engine::from_url(url)?;
        let (url, settings, pool_size) = match engine {
            Engine::Sqlite => {
                if let Some(path) = sqlite_file_path(url) {
                    if let Some(dir) = Path::new(&path).parent().filter(|d| !d.as_os_str().is_empty()) {
                        std::fs::create_dir_all(dir).map_err(|e| {
                            StoreError::Invalid(format!("cannot create the data directory {}: {e}", dir.display()))
                        })?;
                    }
                }
                // Create the file if it is missing, unless the URL says otherwise.
                let url = if url.contains("mode=") {
                    url.to_string()
                } else if url.contains('?') {
                    format!("{url}&mode=rwc")
                } else {
                    format!("{url}?mode=rwc")
                };
                (url, SQLITE_PRAGMAS, options.max_connections.unwrap_or(8))
            }
            Engine::Postgres => {
                if !Any::database_exists(url).await? {
                    // Another server may be creating it at the same moment.
                    if let Err(e) = Any::create_database(url).await {
                        if !Any::database_exists(url).await? {
                            return Err(e.into());
                        }
                    }
                }
                (url.to_string(), POSTGRES_SETTINGS, options.max_connections.unwrap_or(10))
            }
        };
        // Migrations run on one connection before the pool opens any, so no
        // pooled connection ever starts from a schema older than the code.
        let mut conn = AnyConnection::connect(&url).await?;
        conn.execute(settings).await?;
        migrate(&mut conn, engine).await?;
        if engine == Engine::Sqlite {
            // The planner's statistics, gathered here and only here (see
            // `analyze`): analyses tables without statistics or much grown
            // since, within SQLite's own time limit.
            conn.execute("PRAGMA optimize = 0x10002").await?;
        }
        conn.close().await?;
        let pool = AnyPoolOptions::new()
            .max_connections(pool_size)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            // A SQLite connection is a file handle in this process: it cannot
            // go stale, and pinging its worker thread on every checkout cost
            // more than some statements. A PostgreSQL connection can be cut
            // by a server restart, so it is checked before use.
            .test_before_acquire(engine == Engine::Postgres)
            .after_connect(move |conn, _| Box::pin(async move { conn.execute(settings).await.map(|_| ()) }))
            .connect(&url)
            .await?;
        Ok(Store {
            pool,
            engine,
            search_fetch_limit: 5_000,
            count_limit: options.count_limit.unwrap_or(crate::log::COUNT_LIMIT),
            teams: Default::default(),
        })
    }

    /// Refreshes the query planner's statistics after loading many rows.
    ///
    /// PostgreSQL analyses now. SQLite waits for the next time the store is
    /// opened, when `open_with` analyses before the pool opens a connection:
    /// an ANALYZE is a schema change, and run under live pooled connections
    /// it made the next write on one of them fail once with "no such table:
    /// interactions" (SQLite 3.46; about one seeded test store in a hundred).
    pub async fn analyze(&self) -> Result<(), StoreError> {
        if self.engine == Engine::Postgres {
            sqlx::query("VACUUM (ANALYZE) interactions, interaction_search, people, staff_members, interaction_types")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Tests force one strategy or the other to check both give the same pages.
    #[cfg(test)]
    pub(crate) fn with_search_fetch_limit(mut self, limit: i64) -> Store {
        self.search_fetch_limit = limit;
        self
    }

    /// A smaller count limit, so tests can see a count stop short on a few
    /// rows.
    pub fn with_count_limit(mut self, limit: i64) -> Store {
        self.count_limit = limit;
        self
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Waits for the pool's connections to close.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A write transaction. On SQLite it takes the write lock up front, so it
    /// waits for other writers instead of failing half-way with SQLITE_BUSY.
    pub async fn begin_write(&self) -> Result<Transaction<'static, Any>, StoreError> {
        Ok(match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => self.pool.begin().await?,
        })
    }

    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM interaction_types").fetch_one(&self.pool).await?;
        Ok(n == 0)
    }
}

/// Runs the engine's migrations. On PostgreSQL an advisory lock makes servers
/// starting together take turns.
async fn migrate(conn: &mut AnyConnection, engine: Engine) -> Result<(), StoreError> {
    match engine {
        Engine::Sqlite => sqlx::migrate!("../migrations/sqlite").run(conn).await?,
        Engine::Postgres => sqlx::migrate!("../migrations/postgres").run(conn).await?,
    }
    Ok(())
}

/// Runs a write again when the database gave up on it because of a
/// concurrent one (PostgreSQL serialization failures and deadlocks, as
/// engines like CockroachDB report under contention); up to five tries.
async fn retrying<T, F, Fut>(mut attempt: F) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let mut tries = 0u32;
    loop {
        match attempt().await {
            Err(StoreError::Database(sqlx::Error::Database(e)))
                if tries < 4 && matches!(e.code().as_deref(), Some("40001" | "40P01")) =>
            {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(10 << tries)).await;
            }
            result => return result,
        }
    }
}

mod actions;
mod api_tokens;
mod engine;
mod interactions;
mod log_query;
mod notes;
mod outbox;
mod people;
mod reports;
mod roles;
pub mod search;
mod sql;
mod staff;
#[cfg(test)]
mod tests;
mod types;
mod visibility;

use super::tags;
pub use engine::{sqlite_file_path, Engine};
pub(crate) use interactions::insert_interaction;
pub(crate) use log_query::type_badge;
pub use log_query::Counting;
#[cfg(test)]
use search::{fts_expression, parse_search, Search};
pub(crate) use sql::Sql;

pub use actions::{ActionEdit, Completion, NewAction};
pub use notes::NoteEdit;
pub use outbox::{MailContext, OutgoingEmail, MAX_EMAIL_ATTEMPTS};
pub use people::{IdempotencyKey, Recorded};
pub use reports::{ActionsFilter, CountBy, ReportScope};
pub use staff::{Actor, AuditEvent, SignInFailures};
pub use types::{first_keys, key_between};
pub(crate) use visibility::access_for;
pub use visibility::Reader;
