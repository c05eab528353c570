//! Who may read an interaction, as the store enforces it on every read.
//!
//! An interaction's `access` column holds its visibility and the keys that
//! open it (see migration 0006): empty for all staff, `private staff12`,
//! or `teams staff12 team3 team7`. A [`Reader`] holds the keys of one staff
//! member: their own and their teams'. The same keys are tested in SQL
//! ([`Reader::write_condition`]), in SQLite's full-text queries
//! ([`Reader::fts_filter`]) and in Rust ([`Reader::opens`]).

use sqlx::{any::AnyRow, AnyConnection, Row};

use super::{Engine, Sql, StaffRecord, Store, StoreError};
use crate::access::{Permission, Team};
use crate::log::Visibility;

/// Whoever a read is for, and the keys they hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reader {
    pub staff_id: i64,
    /// Holds "see restricted records": every row opens.
    pub sees_all: bool,
    /// Their teams, when `sees_all` is false.
    pub teams: Vec<i64>,
}

impl Reader {
    /// A reader who sees every row (server commands, tests, the demo).
    pub fn everything() -> Reader {
        Reader { staff_id: 0, sees_all: true, teams: Vec::new() }
    }

    /// The keys this reader holds, as they appear in `access`.
    fn keys(&self) -> Vec<String> {
        std::iter::once(format!("staff{}", self.staff_id))
            .chain(self.teams.iter().map(|t| format!("team{t}")))
            .collect()
    }

    /// Whether a row with this `access` opens to this reader.
    pub fn opens(&self, access: &str) -> bool {
        if self.sees_all || access.is_empty() {
            return true;
        }
        let keys = self.keys();
        access.split(' ').skip(1).any(|k| keys.iter().any(|mine| mine == k))
    }

    /// The condition, on `alias` (a table with an `access` column), that a
    /// row opens to this reader, its keys bound into `sql`; `None` for a
    /// reader who sees all.
    pub(crate) fn condition(&self, sql: &mut Sql, alias: &str) -> Option<String> {
        if self.sees_all {
            return None;
        }
        let mut condition = format!("({alias}.access = ''");
        for key in self.keys() {
            let p = sql.arg(format!("% {key} %"));
            condition.push_str(&format!(" OR ' ' || {alias}.access || ' ' LIKE {p}"));
        }
        condition.push(')');
        Some(condition)
    }

    /// Appends ` AND …`: only the rows of `alias` this reader may open.
    pub(crate) fn write_condition(&self, sql: &mut Sql, alias: &str) {
        if let Some(condition) = self.condition(sql, alias) {
            sql.push(&format!(" AND {condition}"));
        }
    }

    /// Appended to a SQLite full-text expression: leaves out the restricted
    /// rows this reader may not open, so they never count as matches.
    /// Empty for a reader who sees all.
    pub(crate) fn fts_filter(&self) -> String {
        if self.sees_all {
            return String::new();
        }
        format!(" NOT kind : ((private OR teams) NOT ({}))", self.keys().join(" OR "))
    }
}

/// The `access` value for a visibility chosen by `author`.
pub(crate) fn access_for(visibility: &Visibility, author: i64) -> String {
    match visibility {
        Visibility::AllStaff => String::new(),
        Visibility::Private => format!("private staff{author}"),
        Visibility::Teams(teams) => {
            let mut access = format!("teams staff{author}");
            for t in teams {
                access.push_str(&format!(" team{t}"));
            }
            access
        }
    }
}

/// The visibility an `access` value records.
pub(crate) fn visibility_of(access: &str) -> Visibility {
    let mut keys = access.split(' ');
    match keys.next() {
        Some("private") => Visibility::Private,
        Some("teams") => Visibility::Teams(keys.filter_map(|k| k.strip_prefix("team")?.parse().ok()).collect()),
        _ => Visibility::AllStaff,
    }
}

/// The lock badge's words for an `access` value.
pub(crate) fn access_label(access: &str, teams: &[Team]) -> Option<String> {
    visibility_of(access).label(|id| teams.iter().find(|t| t.id == id).map(|t| t.name.clone()))
}

/// Interaction `id`'s `columns` (and `access`), locked for the change that
/// follows on PostgreSQL; not found when `reader` may not open it, as when
/// there is no such row.
pub(super) async fn lock_readable(
    conn: &mut AnyConnection,
    engine: Engine,
    id: i64,
    columns: &str,
    reader: &Reader,
) -> Result<AnyRow, StoreError> {
    lock_readable_in(conn, engine, "interactions", id, columns, reader).await
}

/// Row `id` of `table` (interactions, or person notes: a constant, each
/// with an `access` column), as [`lock_readable`].
pub(super) async fn lock_readable_in(
    conn: &mut AnyConnection,
    engine: Engine,
    table: &'static str,
    id: i64,
    columns: &str,
    reader: &Reader,
) -> Result<AnyRow, StoreError> {
    let sql = format!("SELECT {columns}, access FROM {table} WHERE id = $1{}", engine.for_update());
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .filter(|r| reader.opens(r.get("access")))
        .ok_or(StoreError::NotFound)
}

/// Refuses a visibility naming a team that does not exist.
pub(super) async fn check_teams(conn: &mut AnyConnection, visibility: &Visibility) -> Result<(), StoreError> {
    if let Visibility::Teams(ids) = visibility {
        for id in ids {
            let found: i64 =
                sqlx::query_scalar("SELECT count(*) FROM teams WHERE id = $1").bind(id).fetch_one(&mut *conn).await?;
            if found == 0 {
                return Err(StoreError::Invalid(format!("There is no team {id}.")));
            }
        }
    }
    Ok(())
}

/// The keys of `staff_id`; `sees_all` when they hold "see restricted records".
async fn load_reader(conn: &mut AnyConnection, staff_id: i64, sees_all: bool) -> Result<Reader, StoreError> {
    let teams = if sees_all { Vec::new() } else { super::staff::team_ids(conn, staff_id).await? };
    Ok(Reader { staff_id, sees_all, teams })
}

/// The reader `staff_id` is, from their stored role (for an email, written
/// for someone other than the caller).
pub(super) async fn reader_of(conn: &mut AnyConnection, staff_id: i64) -> Result<Reader, StoreError> {
    let (_, _, role) = super::roles::staff_role(conn, staff_id).await?.ok_or(StoreError::NotFound)?;
    let sees_all = role.grants(Permission::SeeRestricted);
    load_reader(conn, staff_id, sees_all).await
}

impl Store {
    /// The reader staff member `staff_id` is, from their stored role (for
    /// work done on someone's behalf, like a benchmark's).
    pub async fn reader_by_id(&self, staff_id: i64) -> Result<Reader, StoreError> {
        reader_of(&mut *self.pool.acquire().await?, staff_id).await
    }

    /// The reader a staff member is: their keys, looked up now.
    pub async fn reader(&self, staff: &StaffRecord) -> Result<Reader, StoreError> {
        let sees_all = staff.role.grants(Permission::SeeRestricted);
        if sees_all {
            return Ok(Reader { staff_id: staff.id, sees_all, teams: Vec::new() });
        }
        load_reader(&mut *self.pool.acquire().await?, staff.id, sees_all).await
    }

    /// Every team, by name (for lock badges and visibility pickers).
    pub async fn teams(&self) -> Result<Vec<Team>, StoreError> {
        let teams = super::staff::all_teams(&mut *self.pool.acquire().await?).await?;
        if let Ok(mut cached) = self.teams.write() {
            cached.clone_from(&teams);
        }
        Ok(teams)
    }

    /// The teams rows with these `access` values name, from memory when
    /// every one is known there (teams are added, never renamed or removed).
    pub(super) async fn teams_named_by<'a>(
        &self,
        accesses: impl Iterator<Item = &'a str>,
    ) -> Result<Vec<Team>, StoreError> {
        let mut needed = accesses.flat_map(|a| match visibility_of(a) {
            Visibility::Teams(ids) => ids,
            _ => Vec::new(),
        });
        let cached = self.teams.read().map(|t| t.clone()).unwrap_or_default();
        if needed.all(|id| cached.iter().any(|t| t.id == id)) {
            return Ok(cached);
        }
        self.teams().await
    }
}
