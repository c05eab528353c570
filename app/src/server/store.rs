//! The store: every SQL statement of the interaction log. Knows nothing of HTTP
//! or views; callers pass in who is acting and the organisation's time zone.

use std::{collections::HashMap, path::Path, str::FromStr, time::Duration};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use sqlx::{
    query::QueryScalar,
    sqlite::{
        SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
    },
    Row, Sqlite, SqlitePool, Transaction,
};

use super::tags;
use crate::model::{
    InteractionDetail, InteractionLink, LogPage, LogQuery, LogRow, PageAnchor, Revision, SortColumn, SortDir,
    TypeBadge, PAGE_SIZE,
};

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
            StoreError::Database(e) => e.into(),
            StoreError::Migrate(e) => e.into(),
        }
    }
}

/// A handle on the database. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    /// Up to this many search matches are fetched and sorted; above it, pages
    /// are found by walking the sort order's index.
    search_fetch_limit: i64,
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
}

/// An interaction type as the admin configured it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InteractionTypeRecord {
    pub badge: TypeBadge,
    pub sort_key: String,
}

/// A staff member as the server knows them.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StaffRecord {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
}

impl Store {
    /// Opens (creating if needed) the database at `url` and runs migrations.
    /// SQLite runs in WAL mode with foreign keys on and a busy timeout.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory");
        if let Some(path) = sqlite_file_path(url) {
            if let Some(dir) = Path::new(&path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        StoreError::Invalid(format!("cannot create the data directory {}: {e}", dir.display()))
                    })?;
                }
            }
        }
        let pool = SqlitePoolOptions::new().max_connections(8).min_connections(1).connect_with(options).await?;
        let store = Store { pool, search_fetch_limit: 5_000 };
        store.migrate().await?;
        Ok(store)
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::migrate!("../migrations/sqlite").run(&self.pool).await?;
        Ok(())
    }

    /// Tests force one strategy or the other to check both give the same pages.
    #[cfg(test)]
    pub(crate) fn with_search_fetch_limit(mut self, limit: i64) -> Store {
        self.search_fetch_limit = limit;
        self
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A write transaction that takes SQLite's write lock up front, so it waits
    /// for other writers instead of failing half-way with SQLITE_BUSY.
    pub async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM interaction_types").fetch_one(&self.pool).await?;
        Ok(n == 0)
    }

    // ----- staff -------------------------------------------------------

    /// An active staff member by id.
    pub async fn active_staff_member(&self, id: i64) -> Result<Option<StaffRecord>, StoreError> {
        Ok(sqlx::query_as("SELECT id, name, email, role FROM staff_members WHERE id = ? AND active = 1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// The first active admin: who the server acts as until sign-in exists.
    pub async fn first_admin(&self) -> Result<Option<StaffRecord>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, name, email, role FROM staff_members WHERE role = 'admin' AND active = 1 ORDER BY id LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?)
    }

    // ----- interaction types --------------------------------------------

    /// Interaction types in the admin's order; deleted ones only if asked.
    pub async fn interaction_types(&self, include_deleted: bool) -> Result<Vec<InteractionTypeRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, colour, icon, sort_key, deleted_at IS NOT NULL AS deleted
             FROM interaction_types WHERE ? OR deleted_at IS NULL ORDER BY sort_key, id",
        )
        .bind(include_deleted)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| InteractionTypeRecord {
                badge: TypeBadge::new(r.get("id"), r.get("name"), r.get("colour"), r.get("icon"), r.get("deleted")),
                sort_key: r.get("sort_key"),
            })
            .collect())
    }

    // ----- interactions: writing ----------------------------------------

    /// Records a new interaction. Tags are extracted here; logged-at is now.
    pub async fn create_interaction(&self, new: &NewInteraction) -> Result<i64, StoreError> {
        // The names of the people involved are not keywords.
        let (person, staff): (Option<String>, Option<String>) = sqlx::query_as(
            "SELECT (SELECT name FROM people WHERE id = ?), (SELECT name FROM staff_members WHERE id = ?)",
        )
        .bind(new.person_id)
        .bind(new.logged_by)
        .fetch_one(&self.pool)
        .await?;
        let names: Vec<&str> = person.iter().chain(staff.iter()).map(String::as_str).collect();
        let tags = tags::join_tags(&tags::extract_tags(&new.description, &new.note, &names));
        let mut tx = self.begin_write().await?;
        let id = insert_interaction(&mut tx, new, &tags, now_millis()).await?;
        tx.commit().await?;
        Ok(id)
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
        let mut tx = self.begin_write().await?;
        let old: Option<String> = sqlx::query_scalar("SELECT description FROM interactions WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let old = old.ok_or(StoreError::NotFound)?;
        if old == new_description {
            return Ok(());
        }
        sqlx::query("UPDATE interactions SET description = ? WHERE id = ?")
            .bind(new_description)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO description_revisions (interaction_id, old_description, new_description, revised_by, revised_at)
             VALUES (?, ?, ?, ?, ?)",
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
    }

    // ----- interactions: reading ----------------------------------------

    /// One page of the log for a view: sorted, searched, filtered, keyset-paged.
    pub async fn list_interactions(&self, query: &LogQuery, tz: Tz) -> Result<LogPage, StoreError> {
        let search = parse_search(&query.q, tz);
        let fts = search.fts.as_deref().map(|words| fts_expression(words, &query.types, query.person));
        // How many rows the search matches decides how to find a page: a few
        // are fetched and sorted; many are met while walking the order's
        // index, which finds a page after a handful of rows.
        let fts_matches = match &fts {
            Some(expression) => Some(
                sqlx::query_scalar::<_, i64>("SELECT count(*) FROM interactions_fts WHERE interactions_fts MATCH ?")
                    .bind(expression)
                    .fetch_one(&self.pool)
                    .await?,
            ),
            None => None,
        };
        let walk_index = fts_matches.is_none_or(|n| n > self.search_fetch_limit);
        let filter = Filter::new(query, &search, fts.as_deref(), walk_index);
        let limit = PAGE_SIZE;
        let anchor = match query.page {
            PageAnchor::First => None,
            PageAnchor::After(id) | PageAnchor::Before(id) => self.anchor_keys(id).await?,
        };
        // Paging backwards is paging forwards in the reversed order.
        let backwards = matches!(query.page, PageAnchor::Before(_)) && anchor.is_some();
        let order = Order::new(query.sort, query.direction(), backwards);

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
        let total = match fts_matches {
            // The full-text index has already counted (it knows types and people).
            Some(n) if filter.fts_counts => n,
            _ => self.count(&filter).await?,
        };
        Ok(LogPage { rows, total, has_previous, has_next, time_zone: tz.name().to_string() })
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
        let extra = sqlx::query("SELECT note, logged_at, reply_to FROM interactions WHERE id = ?")
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        let logged_at: Millis = extra.get("logged_at");
        let reply_to_id: Option<i64> = extra.get("reply_to");
        let link = |r: SqliteRow| InteractionLink {
            id: r.get("id"),
            description: r.get("description"),
            occurred_display: display_time(r.get("occurred_at"), tz),
        };
        let reply_to = match reply_to_id {
            Some(parent) => sqlx::query("SELECT id, description, occurred_at FROM interactions WHERE id = ?")
                .bind(parent)
                .fetch_optional(&self.pool)
                .await?
                .map(link),
            None => None,
        };
        let replies = sqlx::query(
            "SELECT id, description, occurred_at FROM interactions WHERE reply_to = ? ORDER BY occurred_at, id",
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
             WHERE r.interaction_id = ? ORDER BY r.id",
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
        Ok(Some(InteractionDetail {
            row,
            note: extra.get("note"),
            logged_at: iso_time(logged_at),
            logged_display: display_time(logged_at, tz),
            reply_to,
            replies,
            revisions,
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
             WHERE i.id = ?",
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
        match order.group {
            None => {
                // One index covers the whole order: (key, id).
                let (key, cmp) = (order.key_column(), order.cmp(order.dir));
                let mut sql = format!("SELECT i.id FROM interactions i WHERE {}", filter.sql);
                let mut binds = filter.binds.clone();
                if let Some(a) = anchor {
                    sql.push_str(&format!(" AND ({key}, i.id) {cmp} (?, ?)"));
                    binds.push(order.anchor_value(a));
                    binds.push(Bind::Int(a.id));
                }
                let d = order.dir.sql();
                sql.push_str(&format!(" ORDER BY {key} {d}, i.id {d} LIMIT {limit}"));
                fetch_ids(&self.pool, &sql, &binds).await
            }
            Some(group) => {
                // Grouped orders (type, person, logged by): groups in the
                // group's order, newest first within a group. First the rest
                // of the anchor's group, then the groups after it.
                let inner = order.inner_dir();
                let (icmp, id_) = (order.cmp(inner), inner.sql());
                let mut ids = Vec::new();
                if let Some(a) = anchor {
                    let mut sql = format!(
                        "SELECT i.id FROM interactions i WHERE {} AND i.{} = ? AND (i.occurred_at, i.id) {icmp} (?, ?)
                         ORDER BY i.occurred_at {id_}, i.id {id_} LIMIT {limit}",
                        filter.sql, group.fk
                    );
                    let mut binds = filter.binds.clone();
                    binds.push(Bind::Int(group.anchor_group_id(a)));
                    binds.push(Bind::Int(a.occurred_at));
                    binds.push(Bind::Int(a.id));
                    ids = fetch_ids(&self.pool, &sql, &binds).await?;
                    sql.clear();
                }
                if ids.len() < limit {
                    let gd = order.dir.sql();
                    let gcmp = order.cmp(order.dir);
                    // CROSS JOIN fixes the loop order: walk the groups in order
                    // (or, for a few search matches, the matches, then sort).
                    let from = if filter.walk_index {
                        format!("{} g CROSS JOIN interactions i ON i.{} = g.id", group.table, group.fk)
                    } else {
                        format!("interactions i CROSS JOIN {} g ON g.id = i.{}", group.table, group.fk)
                    };
                    let mut sql = format!("SELECT i.id FROM {from} WHERE {}", filter.sql);
                    let mut binds = filter.binds.clone();
                    if let Some(a) = anchor {
                        sql.push_str(&format!(" AND (g.{}, g.id) {gcmp} (?, ?)", group.key));
                        binds.push(Bind::Text(group.anchor_group_key(a)));
                        binds.push(Bind::Int(group.anchor_group_id(a)));
                    }
                    sql.push_str(&format!(
                        " ORDER BY g.{} {gd}, g.id {gd}, i.occurred_at {id_}, i.id {id_} LIMIT {}",
                        group.key,
                        limit - ids.len()
                    ));
                    ids.extend(fetch_ids(&self.pool, &sql, &binds).await?);
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
        let id_list = placeholders(ids.len());
        let sql = format!(
            "SELECT i.id, i.occurred_at, i.description, i.tags, i.person_id, p.name AS person_name,
                    s.name AS staff_name, t.id AS type_id, t.name AS type_name, t.colour, t.icon,
                    t.deleted_at IS NOT NULL AS type_deleted,
                    EXISTS (SELECT 1 FROM description_revisions r WHERE r.interaction_id = i.id) AS renamed
             FROM interactions i
             JOIN interaction_types t ON t.id = i.type_id
             JOIN people p ON p.id = i.person_id
             JOIN staff_members s ON s.id = i.logged_by
             WHERE i.id IN ({id_list})"
        );
        let mut q = sqlx::query(&sql);
        for id in ids {
            q = q.bind(id);
        }
        let mut by_id: HashMap<i64, LogRow> = q
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|r| {
                let occurred: Millis = r.get("occurred_at");
                let row = LogRow {
                    id: r.get("id"),
                    occurred_at: iso_time(occurred),
                    occurred_display: display_time(occurred, tz),
                    kind: TypeBadge::new(
                        r.get("type_id"),
                        r.get("type_name"),
                        r.get("colour"),
                        r.get("icon"),
                        r.get("type_deleted"),
                    ),
                    description: r.get("description"),
                    person_id: r.get("person_id"),
                    person_name: r.get("person_name"),
                    logged_by_name: r.get("staff_name"),
                    tags: tags::split_tags(r.get("tags")),
                    renamed: r.get("renamed"),
                };
                (row.id, row)
            })
            .collect();
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// How many interactions match the filter. Without search or person the
    /// live per-type counts answer at once.
    async fn count(&self, filter: &Filter) -> Result<i64, StoreError> {
        if filter.counts_by_type_only {
            let mut sql = "SELECT COALESCE(SUM(n), 0) FROM interaction_counts".to_string();
            if !filter.types.is_empty() {
                sql.push_str(&format!(" WHERE type_id IN ({})", placeholders(filter.types.len())));
            }
            let binds: Vec<Bind> = filter.types.iter().map(|t| Bind::Int(*t)).collect();
            return Ok(int_query(&sql, &binds).fetch_one(&self.pool).await?);
        }
        let sql = format!("SELECT count(*) FROM interactions i WHERE {}", filter.sql);
        Ok(int_query(&sql, &filter.binds).fetch_one(&self.pool).await?)
    }
}

/// Inserts one interaction inside a transaction the caller holds.
pub(crate) async fn insert_interaction(
    tx: &mut Transaction<'static, Sqlite>,
    new: &NewInteraction,
    tags: &str,
    logged_at: Millis,
) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO interactions (person_id, type_id, description, note, occurred_at, logged_at, logged_by, tags, reply_to)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

#[derive(Clone, Debug)]
enum Bind {
    Int(i64),
    Text(String),
}

/// `?, ?, ?` for an `IN (…)` list of `n` bound values.
fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// A query for one integer column, with its parameters bound.
fn int_query<'q>(sql: &'q str, binds: &'q [Bind]) -> QueryScalar<'q, Sqlite, i64, SqliteArguments<'q>> {
    binds.iter().fold(sqlx::query_scalar(sql), |q, b| match b {
        Bind::Int(v) => q.bind(*v),
        Bind::Text(v) => q.bind(v.as_str()),
    })
}

async fn fetch_ids(pool: &SqlitePool, sql: &str, binds: &[Bind]) -> Result<Vec<i64>, StoreError> {
    Ok(int_query(sql, binds).fetch_all(pool).await?)
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
    /// The column the groups are ordered by (then by id).
    key: &'static str,
    column: SortColumn,
}

impl Group {
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
    fn new(column: SortColumn, dir: SortDir, backwards: bool) -> Order {
        let group = match column {
            SortColumn::Type => Some(Group { table: "interaction_types", fk: "type_id", key: "sort_key", column }),
            SortColumn::Person => Some(Group { table: "people", fk: "person_id", key: "name", column }),
            SortColumn::LoggedBy => Some(Group { table: "staff_members", fk: "logged_by", key: "name", column }),
            SortColumn::Timestamp | SortColumn::Description => None,
        };
        Order { column, dir: if backwards { dir.reversed() } else { dir }, group, backwards }
    }

    fn key_column(&self) -> &'static str {
        match self.column {
            SortColumn::Description => "i.description",
            _ => "i.occurred_at",
        }
    }

    fn anchor_value(&self, a: &AnchorKeys) -> Bind {
        match self.column {
            SortColumn::Description => Bind::Text(a.description.clone()),
            _ => Bind::Int(a.occurred_at),
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

/// The WHERE clause of a view: person scope, type filter and search.
struct Filter {
    sql: String,
    binds: Vec<Bind>,
    types: Vec<i64>,
    /// True when only the type filter applies, so per-type counts answer.
    counts_by_type_only: bool,
    /// True when the full-text query alone decides which rows match.
    fts_counts: bool,
    /// Walk the sort order's index and test each row against the search,
    /// rather than fetching every match and sorting.
    walk_index: bool,
}

impl Filter {
    fn new(query: &LogQuery, search: &Search, fts: Option<&str>, walk_index: bool) -> Filter {
        let mut clauses: Vec<String> = vec!["1 = 1".into()];
        let mut binds = Vec::new();
        if let Some(person) = query.person {
            clauses.push("i.person_id = ?".into());
            binds.push(Bind::Int(person));
        }
        if !query.types.is_empty() {
            // The unary plus keeps SQLite walking the sort order's index and
            // filtering, instead of collecting every row of the types and
            // sorting them.
            clauses.push(format!("+i.type_id IN ({})", placeholders(query.types.len())));
            binds.extend(query.types.iter().map(|t| Bind::Int(*t)));
        }
        for (from, to) in &search.ranges {
            clauses.push("i.occurred_at >= ? AND i.occurred_at < ?".into());
            binds.push(Bind::Int(*from));
            binds.push(Bind::Int(*to));
        }
        // `+i.id` stops SQLite from looking matches up by id, so it tests
        // membership while walking the index instead.
        let member = if walk_index {
            "+i.id IN (SELECT rowid FROM interactions_fts WHERE interactions_fts MATCH ?)"
        } else {
            "i.id IN (SELECT rowid FROM interactions_fts WHERE interactions_fts MATCH ?)"
        };
        match (search.id, fts) {
            (Some(id), Some(fts)) => {
                clauses.push(format!("(i.id = ? OR {member})"));
                binds.push(Bind::Int(id));
                binds.push(Bind::Text(fts.to_string()));
            }
            (None, Some(fts)) => {
                clauses.push(member.to_string());
                binds.push(Bind::Text(fts.to_string()));
            }
            (Some(id), None) => {
                clauses.push("i.id = ?".into());
                binds.push(Bind::Int(id));
            }
            (None, None) => {}
        }
        let counts_by_type_only = query.person.is_none() && search.is_empty();
        let fts_counts = search.ranges.is_empty() && search.id.is_none() && fts.is_some();
        Filter {
            sql: clauses.join(" AND "),
            binds,
            types: query.types.clone(),
            counts_by_type_only,
            fts_counts,
            walk_index,
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
    pub fts: Option<String>,
}

impl Search {
    fn is_empty(&self) -> bool {
        self.id.is_none() && self.ranges.is_empty() && self.fts.is_none()
    }
}

pub(crate) fn parse_search(q: &str, tz: Tz) -> Search {
    let mut search = Search::default();
    let mut words: Vec<String> = Vec::new();
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
        // Split like the full-text tokenizer does: on anything not a letter or digit.
        // One letter matches nearly everything: words start at two.
        for word in token.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 2) {
            words.push(word.to_lowercase());
        }
    }
    if !words.is_empty() {
        // Each word is quoted (so no FTS syntax gets through) and
        // prefix-matched, so results refine with every keystroke.
        let terms: Vec<String> = words.iter().map(|w| format!("\"{}\"*", w.replace('"', "\"\""))).collect();
        search.fts = Some(terms.join(" AND "));
    }
    search
}

/// The full-text query for search words narrowed to types and a person, all
/// answered by the index. Words match description and tags only.
pub(crate) fn fts_expression(words: &str, types: &[i64], person: Option<i64>) -> String {
    let mut expression = format!("{{description tags}} : ({words})");
    if !types.is_empty() {
        let kinds: Vec<String> = types.iter().map(|t| format!("type{t}")).collect();
        expression.push_str(&format!(" AND kind : ({})", kinds.join(" OR ")));
    }
    if let Some(person) = person {
        expression.push_str(&format!(" AND person : person{person}"));
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

#[cfg(test)]
mod tests;
