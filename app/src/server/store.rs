//! The store: every SQL statement of the interaction log. Knows nothing of HTTP
//! or views; callers pass in who is acting and the organisation's time zone.
//!
//! One implementation serves both engines through sqlx's `Any` driver: SQLite
//! (the embedded default) and PostgreSQL (for several servers sharing one
//! database). Statements are written once, with `$n` parameters, which both
//! engines read; where the engines differ (full-text search, case-insensitive
//! sort keys, write locks) [`Engine`] supplies each one's own SQL.

use std::{collections::HashMap, fmt::Write as _, future::Future, path::Path, time::Duration};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use sqlx::{
    any::{AnyPoolOptions, AnyRow},
    migrate::MigrateDatabase,
    Any, AnyConnection, AnyPool, Connection, Executor, Row, Transaction,
};

use super::tags;
use crate::access::Role;
use crate::model::{
    InteractionDetail, InteractionLink, LogExport, LogPage, LogQuery, LogRow, PageAnchor, Revision, SortColumn,
    SortDir, TypeBadge, PAGE_SIZE,
};
use crate::recording::{ErrorMark, Source};

/// A row's type as shown, from its `type_id`, `type_name`, `colour`, `icon`
/// and `type_deleted` (0 or 1) columns.
fn type_badge(r: &AnyRow) -> TypeBadge {
    TypeBadge::new(
        r.get("type_id"),
        r.get("type_name"),
        r.get("colour"),
        r.get("icon"),
        r.get::<i64, _>("type_deleted") != 0,
    )
}

/// Milliseconds since the Unix epoch, UTC: how every time is stored.
pub type Millis = i64;

pub fn now_millis() -> Millis {
    Utc::now().timestamp_millis()
}

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
    fn nocase(self, expr: &str) -> String {
        match self {
            Engine::Sqlite => expr.to_string(),
            Engine::Postgres => format!("lower({expr})"),
        }
    }

    /// A column SQLite should filter on while walking another index, rather
    /// than look rows up by (its unary plus hides the column's index).
    /// PostgreSQL's planner weighs both on its own.
    fn filter_only(self, expr: &str) -> String {
        match self {
            Engine::Sqlite => format!("+{expr}"),
            Engine::Postgres => expr.to_string(),
        }
    }

    /// A join whose left table SQLite must loop over first. PostgreSQL plans
    /// joins by cost either way.
    fn join_in_order(self) -> &'static str {
        match self {
            Engine::Sqlite => "CROSS JOIN",
            Engine::Postgres => "JOIN",
        }
    }

    /// Locks the rows a read-then-write transaction reads. SQLite's write
    /// transactions already hold the database's write lock.
    fn for_update(self) -> &'static str {
        match self {
            Engine::Sqlite => "",
            Engine::Postgres => " FOR UPDATE",
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
}

/// How to connect. `max_connections` defaults to 8 for SQLite (one writer at a
/// time anyway) and 10 for PostgreSQL, per server process.
#[derive(Clone, Debug, Default)]
pub struct StoreOptions {
    pub max_connections: Option<u32>,
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
    pub reply_to: Option<i64>,
    pub source: Source,
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

/// SQLite's settings for every connection: write-ahead log, foreign keys,
/// waiting (not failing) on a busy database, a 64 MiB page cache.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
PRAGMA busy_timeout = 10000; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;";

/// PostgreSQL's settings for every connection. Statements are prepared once
/// per connection, but each run is planned for its own values: how many rows
/// a search word matches decides between walking an order's index and
/// fetching the matches, and a plan made for "any word" gets that wrong.
const POSTGRES_SETTINGS: &str = "SET plan_cache_mode = force_custom_plan";

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
            .after_connect(move |conn, _| Box::pin(async move { conn.execute(settings).await.map(|_| ()) }))
            .connect(&url)
            .await?;
        Ok(Store { pool, engine, search_fetch_limit: 5_000 })
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

    // ----- interaction types --------------------------------------------

    /// Interaction types in the admin's order; deleted ones only if asked.
    pub async fn interaction_types(&self, include_deleted: bool) -> Result<Vec<InteractionTypeRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, colour, icon, sort_key, CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END AS deleted
             FROM interaction_types WHERE $1 = 1 OR deleted_at IS NULL ORDER BY sort_key, id",
        )
        .bind(i64::from(include_deleted))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| InteractionTypeRecord {
                badge: TypeBadge::new(
                    r.get("id"),
                    r.get("name"),
                    r.get("colour"),
                    r.get("icon"),
                    r.get::<i64, _>("deleted") != 0,
                ),
                sort_key: r.get("sort_key"),
            })
            .collect())
    }

    // ----- interactions: writing ----------------------------------------

    /// Records a new interaction. Tags are extracted here; logged-at is now.
    pub async fn create_interaction(&self, new: &NewInteraction) -> Result<i64, StoreError> {
        let (_, tags) = self.tags_for(new).await?;
        retrying(|| async {
            let mut tx = self.begin_write().await?;
            let id = insert_interaction(&mut tx, new, &tags, now_millis()).await?;
            tx.commit().await?;
            Ok(id)
        })
        .await
    }

    /// The keyword tags of a new interaction (the names of the person and
    /// the staff member are not keywords), and whether its person exists.
    pub(crate) async fn tags_for(&self, new: &NewInteraction) -> Result<(bool, String), StoreError> {
        let (person, staff): (Option<String>, Option<String>) = sqlx::query_as(
            "SELECT (SELECT name FROM people WHERE id = $1), (SELECT name FROM staff_members WHERE id = $2)",
        )
        .bind(new.person_id)
        .bind(new.logged_by)
        .fetch_one(&self.pool)
        .await?;
        let names: Vec<&str> = person.iter().chain(staff.iter()).map(String::as_str).collect();
        let tags = tags::join_tags(&tags::extract_tags(&new.description, &new.note, &names));
        Ok((person.is_some(), tags))
    }

    /// Renames a description, keeping the old text as a revision. The text must
    /// already be validated. Renaming to the same text changes nothing.
    pub async fn rename_description(
        &self,
        id: i64,
        new_description: &str,
        revised_by: i64,
        at: Millis,
    ) -> Result<(), StoreError> {
        retrying(|| async {
            let mut tx = self.begin_write().await?;
            let sql = format!("SELECT description FROM interactions WHERE id = $1{}", self.engine.for_update());
            let old: Option<String> = sqlx::query_scalar(&sql).bind(id).fetch_optional(&mut *tx).await?;
            let old = old.ok_or(StoreError::NotFound)?;
            if old == new_description {
                return Ok(());
            }
            sqlx::query("UPDATE interactions SET description = $1 WHERE id = $2")
                .bind(new_description)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO description_revisions
                     (interaction_id, old_description, new_description, revised_by, revised_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(&old)
            .bind(new_description)
            .bind(revised_by)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    // ----- interactions: reading ----------------------------------------

    /// One page of the log for a view: sorted, searched, filtered, keyset-paged.
    pub async fn list_interactions(&self, query: &LogQuery, tz: Tz) -> Result<LogPage, StoreError> {
        let search = parse_search(&query.q, tz);
        // How many rows the search words match decides how to find a page: a
        // few are fetched and sorted; many are met while walking the order's
        // index, which finds a page after a handful of rows. Each engine's
        // full-text index counts them, types and person included. (SQLite is
        // told which way; PostgreSQL's planner sees the count for itself.)
        let matches = self.count_matches(&search, query).await?;
        // One person's rows are few enough to fetch and sort, too.
        let walk_index = query.person.is_none() && matches.is_none_or(|n| n > self.search_fetch_limit);
        let filter = Filter::new(self.engine, query, &search, walk_index);
        let limit = PAGE_SIZE;
        let anchor = match query.page {
            PageAnchor::First => None,
            PageAnchor::After(id) | PageAnchor::Before(id) => self.anchor_keys(id).await?,
        };
        // Paging backwards is paging forwards in the reversed order.
        let backwards = matches!(query.page, PageAnchor::Before(_)) && anchor.is_some();
        let order = Order::new(self.engine, query.sort, query.direction(), backwards);

        let mut ids = self.page_ids(&order, &filter, anchor.as_ref(), limit + 1).await?;
        let more = ids.len() > limit;
        ids.truncate(limit);
        if backwards {
            ids.reverse();
        }
        let (has_previous, has_next) = match (anchor.is_some(), backwards) {
            (false, _) => (false, more),
            (true, false) => (true, more),
            (true, true) => (more, true),
        };
        let rows = self.rows_by_id(&ids, tz).await?;
        let total = match matches {
            // The full-text index has already counted (it knows types and people).
            Some(n) if filter.fts_counts => n,
            _ => self.count(&filter).await?,
        };
        Ok(LogPage { rows, total, has_previous, has_next, time_zone: tz.name().to_string() })
    }

    /// Every row of a view, in the view's order, for an export or a print.
    /// When more than `max` rows match, only the count comes back: an export
    /// never silently leaves rows out.
    pub async fn export_interactions(&self, query: &LogQuery, tz: Tz, max: usize) -> Result<LogExport, StoreError> {
        const CHUNK: usize = 1_000;
        let search = parse_search(&query.q, tz);
        let matches = self.count_matches(&search, query).await?;
        let walk_index = query.person.is_none() && matches.is_none_or(|n| n > self.search_fetch_limit);
        let filter = Filter::new(self.engine, query, &search, walk_index);
        let total = match matches {
            Some(n) if filter.fts_counts => n,
            _ => self.count(&filter).await?,
        };
        if total > max as i64 {
            return Ok(LogExport { total, rows: Vec::new() });
        }
        let order = Order::new(self.engine, query.sort, query.direction(), false);
        let mut rows: Vec<LogRow> = Vec::with_capacity(total.max(0) as usize);
        let mut anchor = None;
        loop {
            let ids = self.page_ids(&order, &filter, anchor.as_ref(), CHUNK).await?;
            let last_chunk = ids.len() < CHUNK;
            if let Some(&last) = ids.last() {
                anchor = self.anchor_keys(last).await?;
            }
            rows.extend(self.rows_by_id(&ids, tz).await?);
            // Rows recorded since the count are kept, up to the limit.
            if last_chunk || anchor.is_none() || rows.len() >= max {
                break;
            }
        }
        rows.truncate(max);
        Ok(LogExport { total: rows.len() as i64, rows })
    }

    /// One row of the log by id.
    pub async fn log_row(&self, id: i64, tz: Tz) -> Result<Option<LogRow>, StoreError> {
        Ok(self.rows_by_id(&[id], tz).await?.pop())
    }

    /// Everything the detail page shows, or `None` for an unknown id.
    pub async fn interaction_detail(&self, id: i64, tz: Tz) -> Result<Option<InteractionDetail>, StoreError> {
        let Some(row) = self.log_row(id, tz).await? else {
            return Ok(None);
        };
        let extra = sqlx::query(
            "SELECT i.note, i.logged_at, i.reply_to, i.source, i.error_reason, i.error_marked_at,
                    s.name AS error_marked_by
             FROM interactions i LEFT JOIN staff_members s ON s.id = i.error_marked_by
             WHERE i.id = $1",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        let source = Source::parse(extra.get("source")).unwrap_or_default();
        let error_mark =
            match (extra.get::<Option<Millis>, _>("error_marked_at"), extra.get::<Option<String>, _>("error_reason")) {
                (Some(at), Some(reason)) => Some(ErrorMark {
                    reason,
                    marked_by_name: extra.get::<Option<String>, _>("error_marked_by").unwrap_or_default(),
                    marked_at: iso_time(at),
                    marked_display: display_time(at, tz),
                }),
                _ => None,
            };
        let logged_at: Millis = extra.get("logged_at");
        let reply_to_id: Option<i64> = extra.get("reply_to");
        let link = |r: AnyRow| InteractionLink {
            id: r.get("id"),
            description: r.get("description"),
            occurred_display: display_time(r.get("occurred_at"), tz),
        };
        let reply_to = match reply_to_id {
            Some(parent) => sqlx::query("SELECT id, description, occurred_at FROM interactions WHERE id = $1")
                .bind(parent)
                .fetch_optional(&self.pool)
                .await?
                .map(link),
            None => None,
        };
        let replies = sqlx::query(
            "SELECT id, description, occurred_at FROM interactions WHERE reply_to = $1 ORDER BY occurred_at, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(link)
        .collect();
        let revisions = sqlx::query(
            "SELECT r.old_description, r.new_description, r.revised_at, s.name AS staff_name
             FROM description_revisions r JOIN staff_members s ON s.id = r.revised_by
             WHERE r.interaction_id = $1 ORDER BY r.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|r| {
            let at: Millis = r.get("revised_at");
            Revision {
                old_description: r.get("old_description"),
                new_description: r.get("new_description"),
                revised_by_name: r.get("staff_name"),
                revised_at: iso_time(at),
                revised_display: display_time(at, tz),
            }
        })
        .collect();
        let actions = sqlx::query(
            "SELECT id, instructions, completion_id FROM actions WHERE interaction_id = $1 OR completion_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let completion: Option<i64> = r.get("completion_id");
            crate::model::ActionLink {
                id: r.get("id"),
                instructions: r.get("instructions"),
                completed_here: completion == Some(id),
                done: completion.is_some(),
            }
        })
        .collect();
        Ok(Some(InteractionDetail {
            actions,
            row,
            note: extra.get("note"),
            logged_at: iso_time(logged_at),
            logged_display: display_time(logged_at, tz),
            reply_to,
            replies,
            revisions,
            source,
            error_mark,
        }))
    }

    /// The sort keys of the row a page is anchored on.
    async fn anchor_keys(&self, id: i64) -> Result<Option<AnchorKeys>, StoreError> {
        let row = sqlx::query(
            "SELECT i.id, i.occurred_at, i.description, i.type_id, t.sort_key, i.person_id, p.name AS person_name,
                    i.logged_by, s.name AS staff_name
             FROM interactions i
             JOIN interaction_types t ON t.id = i.type_id
             JOIN people p ON p.id = i.person_id
             JOIN staff_members s ON s.id = i.logged_by
             WHERE i.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| AnchorKeys {
            id: r.get("id"),
            occurred_at: r.get("occurred_at"),
            description: r.get("description"),
            type_id: r.get("type_id"),
            type_key: r.get("sort_key"),
            person_id: r.get("person_id"),
            person_name: r.get("person_name"),
            staff_id: r.get("logged_by"),
            staff_name: r.get("staff_name"),
        }))
    }

    /// The ids of one page, in order. Every ordering walks an index, so the
    /// cost depends on the page size, not on how deep the page is.
    async fn page_ids(
        &self,
        order: &Order,
        filter: &Filter,
        anchor: Option<&AnchorKeys>,
        limit: usize,
    ) -> Result<Vec<i64>, StoreError> {
        let engine = self.engine;
        match order.group {
            None => {
                // One index covers the whole order: (key, id).
                let (key, cmp, d) = (order.key_column(), order.cmp(order.dir), order.dir.sql());
                // On PostgreSQL a search in time order is answered by the
                // search table alone: it holds each row's time, type and person.
                let rows = match order.column == SortColumn::Timestamp && filter.search_table_answers() {
                    true => Rows::SearchTable,
                    false => Rows::Interactions,
                };
                let mut sql = Sql::new(&format!("SELECT i.id FROM {} i WHERE ", rows.table()));
                filter.write_on(&mut sql, rows);
                if let Some(a) = anchor {
                    let value = sql.arg(order.anchor_value(a));
                    let id = sql.arg(a.id);
                    sql.push(&format!(" AND ({key}, i.id) {cmp} ({}, {id})", order.anchor_key(&value)));
                }
                sql.push(&format!(" ORDER BY {key} {d}, i.id {d} LIMIT {limit}"));
                self.fetch_ids(&sql).await
            }
            Some(group) => {
                // Grouped orders (type, person, logged by): groups in the
                // group's order, newest first within a group. First the rest
                // of the anchor's group, then the groups after it.
                let inner = order.inner_dir();
                let (icmp, id_) = (order.cmp(inner), inner.sql());
                let mut ids = Vec::new();
                if let Some(a) = anchor {
                    let mut sql = Sql::new("SELECT i.id FROM interactions i WHERE ");
                    filter.write(&mut sql);
                    let (g, at, aid) = (sql.arg(group.anchor_group_id(a)), sql.arg(a.occurred_at), sql.arg(a.id));
                    sql.push(&format!(
                        " AND i.{} = {g} AND (i.occurred_at, i.id) {icmp} ({at}, {aid})
                         ORDER BY i.occurred_at {id_}, i.id {id_} LIMIT {limit}",
                        group.fk
                    ));
                    ids = self.fetch_ids(&sql).await?;
                }
                if ids.len() < limit {
                    let (gd, gcmp, n) = (order.dir.sql(), order.cmp(order.dir), limit - ids.len());
                    let gkey = group.key(engine);
                    let mut sql = match (engine, filter.walk_index) {
                        // Walk the groups in order and, inside each, the
                        // (group, occurred_at, id) index, stopping after a
                        // page. SQLite's CROSS JOIN fixes that loop order.
                        (Engine::Sqlite, true) => {
                            let mut sql = Sql::new(&format!(
                                "SELECT i.id FROM {} g CROSS JOIN interactions i ON i.{} = g.id WHERE ",
                                group.table, group.fk
                            ));
                            filter.write(&mut sql);
                            sql
                        }
                        // PostgreSQL keeps only the outer order through a
                        // join, so each group's newest rows come from a
                        // LATERAL subquery, at most a page of them.
                        (Engine::Postgres, true) => {
                            let mut sql = Sql::new(&format!(
                                "SELECT i.id FROM {} g CROSS JOIN LATERAL (SELECT i.id, i.occurred_at
                                 FROM interactions i WHERE i.{} = g.id AND ",
                                group.table, group.fk
                            ));
                            filter.write(&mut sql);
                            sql.push(&format!(" ORDER BY i.occurred_at {id_}, i.id {id_} LIMIT {n}) i WHERE 1 = 1"));
                            sql
                        }
                        // A few search matches (or one person's rows): fetch
                        // them all, then sort.
                        (_, false) => {
                            let mut sql = Sql::new(&format!(
                                "SELECT i.id FROM interactions i {} {} g ON g.id = i.{} WHERE ",
                                engine.join_in_order(),
                                group.table,
                                group.fk
                            ));
                            filter.write(&mut sql);
                            sql
                        }
                    };
                    if let Some(a) = anchor {
                        let (k, gid) = (sql.arg(group.anchor_group_key(a)), sql.arg(group.anchor_group_id(a)));
                        sql.push(&format!(" AND ({gkey}, g.id) {gcmp} ({}, {gid})", group.anchor_key(engine, &k)));
                    }
                    sql.push(&format!(" ORDER BY {gkey} {gd}, g.id {gd}, i.occurred_at {id_}, i.id {id_} LIMIT {n}"));
                    ids.extend(self.fetch_ids(&sql).await?);
                }
                Ok(ids)
            }
        }
    }

    /// Full rows for the given ids, in the order given.
    async fn rows_by_id(&self, ids: &[i64], tz: Tz) -> Result<Vec<LogRow>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(
            "SELECT i.id, i.occurred_at, i.description, i.tags, i.person_id, p.name AS person_name,
                    s.name AS staff_name, t.id AS type_id, t.name AS type_name, t.colour, t.icon,
                    CASE WHEN t.deleted_at IS NULL THEN 0 ELSE 1 END AS type_deleted,
                    CASE WHEN EXISTS (SELECT 1 FROM description_revisions r WHERE r.interaction_id = i.id)
                         THEN 1 ELSE 0 END AS renamed,
                    CASE WHEN i.error_marked_at IS NULL THEN 0 ELSE 1 END AS posted_in_error,
                    CASE WHEN i.reply_to IS NULL THEN 0 ELSE 1 END AS reply
             FROM interactions i
             JOIN interaction_types t ON t.id = i.type_id
             JOIN people p ON p.id = i.person_id
             JOIN staff_members s ON s.id = i.logged_by
             WHERE i.id IN (",
        );
        sql.args(ids.iter().copied());
        sql.push(")");
        let mut by_id: HashMap<i64, LogRow> = sql
            .query()
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|r| {
                let occurred: Millis = r.get("occurred_at");
                let row = LogRow {
                    id: r.get("id"),
                    occurred_at: iso_time(occurred),
                    occurred_display: display_time(occurred, tz),
                    kind: type_badge(&r),
                    description: r.get("description"),
                    person_id: r.get("person_id"),
                    person_name: r.get("person_name"),
                    logged_by_name: r.get("staff_name"),
                    tags: tags::split_tags(r.get("tags")),
                    renamed: r.get::<i64, _>("renamed") != 0,
                    posted_in_error: r.get::<i64, _>("posted_in_error") != 0,
                    reply: r.get::<i64, _>("reply") != 0,
                };
                (row.id, row)
            })
            .collect();
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// How many interactions match the filter. Without search or person the
    /// live per-type counts answer at once.
    async fn count(&self, filter: &Filter) -> Result<i64, StoreError> {
        let mut sql;
        if filter.counts_by_type_only {
            // PostgreSQL's sum of BIGINTs is a NUMERIC: cast it back.
            sql = Sql::new("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM interaction_counts");
            if !filter.types.is_empty() {
                sql.push(" WHERE type_id IN (");
                sql.args(filter.types.iter().copied());
                sql.push(")");
            }
        } else {
            let rows = if filter.search_table_answers() { Rows::SearchTable } else { Rows::Interactions };
            sql = Sql::new(&format!("SELECT count(*) FROM {} i WHERE ", rows.table()));
            filter.write_on(&mut sql, rows);
        }
        Ok(sql.query_scalar().fetch_one(&self.pool).await?)
    }

    /// How many rows the search words match, narrowed by type and person,
    /// counted by the full-text index alone; `None` without words.
    async fn count_matches(&self, search: &Search, query: &LogQuery) -> Result<Option<i64>, StoreError> {
        if search.words.is_empty() {
            return Ok(None);
        }
        let mut sql;
        match self.engine {
            Engine::Sqlite => {
                sql = Sql::new("SELECT count(*) FROM interactions_fts WHERE interactions_fts MATCH ");
                let expression = sql.arg(fts_expression(&search.words, &query.types, query.person));
                sql.push(&expression);
            }
            Engine::Postgres => {
                // The words with the view's types and person; dates and ids aside.
                let words = Search { words: search.words.clone(), ..Search::default() };
                sql = Sql::new("SELECT count(*) FROM interaction_search i WHERE ");
                Filter::new(self.engine, query, &words, true).write_on(&mut sql, Rows::SearchTable);
            }
        }
        Ok(Some(sql.query_scalar().fetch_one(&self.pool).await?))
    }

    async fn fetch_ids(&self, sql: &Sql) -> Result<Vec<i64>, StoreError> {
        Ok(sql.query_scalar().fetch_all(&self.pool).await?)
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

/// Inserts one interaction inside a transaction the caller holds.
pub(crate) async fn insert_interaction(
    tx: &mut Transaction<'static, Any>,
    new: &NewInteraction,
    tags: &str,
    logged_at: Millis,
) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO interactions
             (person_id, type_id, description, note, occurred_at, logged_at, logged_by, tags, reply_to, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(new.person_id)
    .bind(new.type_id)
    .bind(&new.description)
    .bind(&new.note)
    .bind(new.occurred_at)
    .bind(logged_at)
    .bind(new.logged_by)
    .bind(tags)
    .bind(new.reply_to)
    .bind(new.source.as_str())
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// A value bound to a statement built at run time.
#[derive(Clone, Debug)]
pub(crate) enum Bind {
    Int(i64),
    Text(String),
}

impl From<i64> for Bind {
    fn from(v: i64) -> Bind {
        Bind::Int(v)
    }
}

impl From<String> for Bind {
    fn from(v: String) -> Bind {
        Bind::Text(v)
    }
}

/// A statement built at run time, with its parameters numbered `$1, $2, …`
/// as they are added (both engines read that form). Only values are bound;
/// column names and directions come from enums.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    pub(crate) fn new(text: &str) -> Sql {
        Sql { text: text.to_string(), binds: Vec::new() }
    }

    pub(crate) fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Binds a value and returns its placeholder, to be written into the text.
    pub(crate) fn arg(&mut self, value: impl Into<Bind>) -> String {
        self.binds.push(value.into());
        format!("${}", self.binds.len())
    }

    /// Binds a list of values and writes `$a, $b, …` for an `IN (…)` list.
    pub(crate) fn args(&mut self, values: impl IntoIterator<Item = impl Into<Bind>>) {
        for (i, value) in values.into_iter().enumerate() {
            let placeholder = self.arg(value);
            if i > 0 {
                self.text.push_str(", ");
            }
            self.text.push_str(&placeholder);
        }
    }

    fn query(&self) -> sqlx::query::Query<'_, Any, sqlx::any::AnyArguments<'_>> {
        self.binds.iter().fold(sqlx::query(&self.text), |q, b| match b {
            Bind::Int(v) => q.bind(*v),
            Bind::Text(v) => q.bind(v.as_str()),
        })
    }

    /// A query for one integer column.
    fn query_scalar(&self) -> sqlx::query::QueryScalar<'_, Any, i64, sqlx::any::AnyArguments<'_>> {
        self.binds.iter().fold(sqlx::query_scalar(&self.text), |q, b| match b {
            Bind::Int(v) => q.bind(*v),
            Bind::Text(v) => q.bind(v.as_str()),
        })
    }
}

struct AnchorKeys {
    id: i64,
    occurred_at: Millis,
    description: String,
    type_id: i64,
    type_key: String,
    person_id: i64,
    person_name: String,
    staff_id: i64,
    staff_name: String,
}

/// A table whose rows group the log when sorting by type, person or staff.
#[derive(Clone, Copy)]
struct Group {
    table: &'static str,
    /// The interactions column that points at it.
    fk: &'static str,
    column: SortColumn,
}

impl Group {
    /// The expression groups are ordered by (then by id): the admin's order
    /// for types, names (case-insensitively) for people and staff.
    fn key(&self, engine: Engine) -> String {
        match self.column {
            SortColumn::Type => "g.sort_key".into(),
            _ => engine.nocase("g.name"),
        }
    }

    /// The same expression applied to the anchor's bound value.
    fn anchor_key(&self, engine: Engine, placeholder: &str) -> String {
        match self.column {
            SortColumn::Type => placeholder.into(),
            _ => engine.nocase(placeholder),
        }
    }

    fn anchor_group_id(&self, a: &AnchorKeys) -> i64 {
        match self.column {
            SortColumn::Type => a.type_id,
            SortColumn::Person => a.person_id,
            _ => a.staff_id,
        }
    }

    fn anchor_group_key(&self, a: &AnchorKeys) -> String {
        match self.column {
            SortColumn::Type => a.type_key.clone(),
            SortColumn::Person => a.person_name.clone(),
            _ => a.staff_name.clone(),
        }
    }
}

/// The order rows are fetched in. `dir` is the direction of the sort column
/// (or of the groups); when paging backwards everything is reversed.
struct Order {
    engine: Engine,
    column: SortColumn,
    dir: SortDir,
    group: Option<Group>,
    backwards: bool,
}

impl SortDir {
    fn sql(self) -> &'static str {
        match self {
            SortDir::Asc => "ASC",
            SortDir::Desc => "DESC",
        }
    }
}

impl Order {
    fn new(engine: Engine, column: SortColumn, dir: SortDir, backwards: bool) -> Order {
        let group = match column {
            SortColumn::Type => Some(Group { table: "interaction_types", fk: "type_id", column }),
            SortColumn::Person => Some(Group { table: "people", fk: "person_id", column }),
            SortColumn::LoggedBy => Some(Group { table: "staff_members", fk: "logged_by", column }),
            SortColumn::Timestamp | SortColumn::Description => None,
        };
        Order { engine, column, dir: if backwards { dir.reversed() } else { dir }, group, backwards }
    }

    fn key_column(&self) -> String {
        match self.column {
            SortColumn::Description => self.engine.nocase("i.description"),
            _ => "i.occurred_at".into(),
        }
    }

    fn anchor_value(&self, a: &AnchorKeys) -> Bind {
        match self.column {
            SortColumn::Description => Bind::Text(a.description.clone()),
            _ => Bind::Int(a.occurred_at),
        }
    }

    /// The key expression applied to the anchor's bound value.
    fn anchor_key(&self, placeholder: &str) -> String {
        match self.column {
            SortColumn::Description => self.engine.nocase(placeholder),
            _ => placeholder.into(),
        }
    }

    /// Within a group, newest first (oldest first when paging backwards).
    fn inner_dir(&self) -> SortDir {
        if self.backwards {
            SortDir::Asc
        } else {
            SortDir::Desc
        }
    }

    /// The comparison that selects rows after the anchor in direction `dir`.
    fn cmp(&self, dir: SortDir) -> &'static str {
        match dir {
            SortDir::Asc => ">",
            SortDir::Desc => "<",
        }
    }
}

/// The table a filter's conditions are written against, aliased `i`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rows {
    /// `interactions`: every condition applies.
    Interactions,
    /// PostgreSQL's `interaction_search`: search words with each row's id,
    /// time, type and person.
    SearchTable,
}

impl Rows {
    fn table(self) -> &'static str {
        match self {
            Rows::Interactions => "interactions",
            Rows::SearchTable => "interaction_search",
        }
    }
}

/// The WHERE clause of a view: person scope, type filter and search.
struct Filter {
    engine: Engine,
    person: Option<i64>,
    types: Vec<i64>,
    ranges: Vec<(Millis, Millis)>,
    id: Option<i64>,
    /// The search words, as the engine's full-text query: an FTS5
    /// expression on SQLite, the words themselves on PostgreSQL.
    text: Option<String>,
    /// True when only the type filter applies, so per-type counts answer.
    counts_by_type_only: bool,
    /// True when the full-text query alone decides which rows match.
    fts_counts: bool,
    /// Walk the sort order's index and test each row against the search,
    /// rather than fetching every match and sorting (SQLite; PostgreSQL's
    /// planner chooses for itself).
    walk_index: bool,
}

impl Filter {
    fn new(engine: Engine, query: &LogQuery, search: &Search, walk_index: bool) -> Filter {
        let text = (!search.words.is_empty()).then(|| match engine {
            Engine::Sqlite => fts_expression(&search.words, &query.types, query.person),
            Engine::Postgres => search.words.join(" "),
        });
        Filter {
            engine,
            person: query.person,
            types: query.types.clone(),
            ranges: search.ranges.clone(),
            id: search.id,
            counts_by_type_only: query.person.is_none() && search.is_empty(),
            fts_counts: search.ranges.is_empty() && search.id.is_none() && text.is_some(),
            text,
            walk_index,
        }
    }

    /// PostgreSQL's search table holds the search words with each row's id,
    /// time, type and person: enough for every condition but an id search.
    fn search_table_answers(&self) -> bool {
        self.engine == Engine::Postgres && self.text.is_some() && self.id.is_none()
    }

    /// Appends the conditions on `interactions i`, binding their values.
    fn write(&self, sql: &mut Sql) {
        self.write_on(sql, Rows::Interactions);
    }

    /// Appends the conditions on `rows` aliased `i`, binding their values.
    fn write_on(&self, sql: &mut Sql, rows: Rows) {
        sql.push("1 = 1");
        if let Some(person) = self.person {
            let p = sql.arg(person);
            sql.push(&format!(" AND i.person_id = {p}"));
        }
        if !self.types.is_empty() {
            // SQLite keeps walking the sort order's index and filters,
            // instead of collecting every row of the types and sorting them.
            sql.push(&format!(" AND {} IN (", self.engine.filter_only("i.type_id")));
            sql.args(self.types.iter().copied());
            sql.push(")");
        }
        for (from, to) in &self.ranges {
            let (f, t) = (sql.arg(*from), sql.arg(*to));
            sql.push(&format!(" AND i.occurred_at >= {f} AND i.occurred_at < {t}"));
        }
        // Rows the search words match, as a condition on `i.id`.
        let matching = |sql: &mut Sql, text: &str| {
            let q = sql.arg(text.to_string());
            match self.engine {
                // `+i.id` stops SQLite from looking matches up by id, so it
                // tests membership while walking the index instead.
                Engine::Sqlite if self.walk_index => {
                    format!("+i.id IN (SELECT rowid FROM interactions_fts WHERE interactions_fts MATCH {q})")
                }
                Engine::Sqlite => {
                    format!("i.id IN (SELECT rowid FROM interactions_fts WHERE interactions_fts MATCH {q})")
                }
                Engine::Postgres if rows == Rows::SearchTable => format!("i.words @@ interlog_prefix_query({q})"),
                Engine::Postgres => {
                    format!(
                        "i.id IN (SELECT s.id FROM interaction_search s WHERE s.words @@ interlog_prefix_query({q}))"
                    )
                }
            }
        };
        match (self.id, self.text.as_deref()) {
            // PostgreSQL would test an OR on every row; ids it can look up.
            (Some(id), Some(text)) if self.engine == Engine::Postgres => {
                let (id, q) = (sql.arg(id), sql.arg(text.to_string()));
                sql.push(&format!(
                    " AND i.id IN (SELECT CAST({id} AS BIGINT) UNION ALL
                     SELECT s.id FROM interaction_search s WHERE s.words @@ interlog_prefix_query({q}))"
                ));
            }
            (Some(id), Some(text)) => {
                let id = sql.arg(id);
                let member = matching(sql, text);
                sql.push(&format!(" AND (i.id = {id} OR {member})"));
            }
            (None, Some(text)) => {
                let member = matching(sql, text);
                sql.push(&format!(" AND {member}"));
            }
            (Some(id), None) => {
                let id = sql.arg(id);
                sql.push(&format!(" AND i.id = {id}"));
            }
            (None, None) => {}
        }
    }
}

/// What a search box text means: words (full-text, prefix match on
/// description and tags), an id, and dates (`2026`, `2026-03`, `2026-03-14`,
/// days in the organisation's time zone).
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Search {
    pub id: Option<i64>,
    pub ranges: Vec<(Millis, Millis)>,
    /// Lower-case words of letters and digits, each matched as a prefix.
    pub words: Vec<String>,
}

impl Search {
    fn is_empty(&self) -> bool {
        self.id.is_none() && self.ranges.is_empty() && self.words.is_empty()
    }
}

pub(crate) fn parse_search(q: &str, tz: Tz) -> Search {
    let mut search = Search::default();
    let raw_tokens: Vec<&str> = q.split_whitespace().collect();
    for token in &raw_tokens {
        if let Some(range) = date_range(token, tz) {
            search.ranges.push(range);
            continue;
        }
        let token = token.trim_start_matches('#');
        if raw_tokens.len() == 1 && !token.is_empty() && token.len() <= 18 && token.bytes().all(|b| b.is_ascii_digit())
        {
            search.id = token.parse().ok();
        }
        // Split like the full-text tokenizers do: on anything not a letter or
        // digit. One letter matches nearly everything: words start at two.
        for word in token.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 2) {
            search.words.push(word.to_lowercase());
        }
    }
    search
}

/// SQLite's full-text query for search words narrowed to types and a person,
/// all answered by the index. Words match description and tags only; each is
/// quoted (so no FTS syntax gets through) and prefix-matched, so results
/// refine with every keystroke.
pub(crate) fn fts_expression(words: &[String], types: &[i64], person: Option<i64>) -> String {
    let terms: Vec<String> = words.iter().map(|w| format!("\"{}\"*", w.replace('"', "\"\""))).collect();
    let mut expression = format!("{{description tags}} : ({})", terms.join(" AND "));
    if !types.is_empty() {
        let kinds: Vec<String> = types.iter().map(|t| format!("type{t}")).collect();
        let _ = write!(expression, " AND kind : ({})", kinds.join(" OR "));
    }
    if let Some(person) = person {
        let _ = write!(expression, " AND person : person{person}");
    }
    expression
}

/// The UTC range of a calendar year, month or day in the organisation's zone.
fn date_range(token: &str, tz: Tz) -> Option<(Millis, Millis)> {
    let parts: Vec<&str> = token.split('-').collect();
    let num = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    let (start, end) = match parts.as_slice() {
        [y, m] => {
            let (y, m) = (num(y, 4)? as i32, num(m, 2)?);
            let start = NaiveDate::from_ymd_opt(y, m, 1)?;
            let end =
                if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1)? } else { NaiveDate::from_ymd_opt(y, m + 1, 1)? };
            (start, end)
        }
        [y, m, d] => {
            let start = NaiveDate::from_ymd_opt(num(y, 4)? as i32, num(m, 2)?, num(d, 2)?)?;
            (start, start.succ_opt()?)
        }
        _ => return None,
    };
    let local = |d: NaiveDate| -> Option<Millis> {
        Some(tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).earliest()?.timestamp_millis())
    };
    Some((local(start)?, local(end)?))
}

/// UTC, RFC 3339, for machine-readable attributes.
pub fn iso_time(ms: Millis) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// How staff read a time: in the organisation's time zone.
pub fn display_time(ms: Millis, tz: Tz) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&tz).format("%d %b %Y %H:%M").to_string())
        .unwrap_or_default()
}

/// The file behind a `sqlite:` URL, if it names one.
pub fn sqlite_file_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

mod actions;
mod people;
mod staff;
#[cfg(test)]
mod tests;
mod types;

pub use actions::{
    day_display, day_string, ActionEdit, Completion, MailContext, NewAction, OutgoingEmail, MAX_EMAIL_ATTEMPTS,
};
pub use people::{IdempotencyKey, Recorded};
pub use staff::{Actor, AuditEvent, SignInFailures};
pub use types::{first_keys, key_between};
