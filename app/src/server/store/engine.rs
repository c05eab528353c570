//! The two engines a store runs on, and the SQL and settings where they
//! differ.

use super::StoreError;

/// The database engine behind a store, chosen by the URL's scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// `sqlite:path/to/file.db`: one file, one machine. The default.
    Sqlite,
    /// `postgres://user@host/db`: any number of servers sharing one database.
    Postgres,
}

impl Engine {
    pub fn from_url(url: &str) -> Result<Engine, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Engine::Postgres)
        } else {
            Err(StoreError::Invalid(
                "the database URL must start with sqlite: (a file) or postgres:// (a PostgreSQL server)".into(),
            ))
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }

    /// The sort key of a text column compared case-insensitively. SQLite's
    /// columns carry `COLLATE NOCASE`; PostgreSQL's are `COLLATE "C"` with
    /// indexes on `lower(…)`, which folds ASCII only, as NOCASE does.
    pub(crate) fn nocase(self, expr: &str) -> String {
        match self {
            Engine::Sqlite => expr.to_string(),
            Engine::Postgres => format!("lower({expr})"),
        }
    }

    /// A column SQLite should filter on while walking another index, rather
    /// than look rows up by (its unary plus hides the column's index).
    /// PostgreSQL's planner weighs both on its own.
    pub(crate) fn filter_only(self, expr: &str) -> String {
        match self {
            Engine::Sqlite => format!("+{expr}"),
            Engine::Postgres => expr.to_string(),
        }
    }

    /// A join whose left table SQLite must loop over first. PostgreSQL plans
    /// joins by cost either way.
    pub(crate) fn join_in_order(self) -> &'static str {
        match self {
            Engine::Sqlite => "CROSS JOIN",
            Engine::Postgres => "JOIN",
        }
    }

    /// Locks the rows a read-then-write transaction reads. SQLite's write
    /// transactions already hold the database's write lock.
    pub(crate) fn for_update(self) -> &'static str {
        match self {
            Engine::Sqlite => "",
            Engine::Postgres => " FOR UPDATE",
        }
    }
}

/// SQLite's settings for every connection: write-ahead log, foreign keys,
/// waiting (not failing) on a busy database, a 64 MiB page cache.
pub(super) const SQLITE_PRAGMAS: &str =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
PRAGMA busy_timeout = 10000; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;";

/// PostgreSQL's settings for every connection. Statements are prepared once
/// per connection, but each run is planned for its own values: how many rows
/// a search word matches decides between walking an order's index and
/// fetching the matches, and a plan made for "any word" gets that wrong.
/// No JIT: a walk that stops after a page is costed as if it read the whole
/// index, which crosses JIT's threshold, and compiling took longer (about
/// 6 ms) than the walk itself.
pub(super) const POSTGRES_SETTINGS: &str = "SET plan_cache_mode = force_custom_plan; SET jit = off";

/// The file behind a `sqlite:` URL, if it names one.
pub fn sqlite_file_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}
