//! The counts behind `/reports`.
//!
//! Reports count interactions per day in the organisation's time zone.
//! `report_day_counts` holds those counts per day, type, staff member who
//! had the interaction and access keys, kept current by triggers in the
//! same transaction as every write (migration 0013), so a two-year report
//! adds up a few thousand rows instead of reading every interaction in it.
//! The triggers find a moment's local day from `report_zone_offsets`: the
//! zone's offset from UTC from each moment it changed, written here from
//! the time zone database.

use chrono::{DateTime, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use sqlx::Row;

use super::{Engine, Reader, Sql, Store, StoreError};
use crate::server::time::Millis;

/// Day 0 of `report_day_counts.day`: 1899-12-01, a month before the first
/// moment the log accepts, so every day number is positive.
const DAY_ZERO_MS: Millis = -2_211_667_200_000;
const DAY_MS: Millis = 86_400_000;
/// The zone's offsets are written up to here (2100-01-01).
const OFFSETS_UNTIL_MS: Millis = 4_102_444_800_000;

/// A calendar day as `report_day_counts` numbers it.
pub fn day_number(day: NaiveDate) -> i64 {
    let zero = NaiveDate::from_ymd_opt(1899, 12, 1).unwrap_or_default();
    (day - zero).num_days()
}

/// The calendar day a day number stands for.
pub fn day_of_number(n: i64) -> NaiveDate {
    let zero = NaiveDate::from_ymd_opt(1899, 12, 1).unwrap_or_default();
    zero + chrono::Duration::days(n)
}

/// Whose interactions a report counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportScope {
    Everyone,
    /// The staff member who had them (completed by, or else logged by).
    Staff(i64),
    /// Had by a member of the team, as its members are now.
    Team(i64),
}

/// What a report's day counts are counted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountBy {
    Type,
    /// The staff member who had the interaction.
    Staff,
}

/// Appends `scope`'s condition on the staff member in `column`.
fn scope_condition(sql: &mut Sql, scope: ReportScope, column: &str) {
    match scope {
        ReportScope::Everyone => {}
        ReportScope::Staff(id) => {
            let p = sql.arg(id);
            sql.push(&format!(" AND {column} = {p}"));
        }
        ReportScope::Team(id) => {
            let p = sql.arg(id);
            sql.push(&format!(" AND {column} IN (SELECT staff_id FROM staff_teams WHERE team_id = {p})"));
        }
    }
}

/// The Profile Actions Report's filters, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionsFilter {
    pub status: crate::reports::ActionStatus,
    pub types: Vec<i64>,
    pub assignee: Option<i64>,
    pub person: Option<i64>,
    /// Due and done dates, from and to (`YYYY-MM-DD`, included).
    pub due: (Option<String>, Option<String>),
    pub done: (Option<String>, Option<String>),
    /// Outstanding and due before today only.
    pub overdue: bool,
}

/// Appends the filter's conditions to `sql` (after a `WHERE`).
fn actions_filter(sql: &mut Sql, filter: &ActionsFilter, today: &str) {
    use crate::reports::ActionStatus;
    sql.push(match filter.status {
        ActionStatus::All => "1 = 1",
        ActionStatus::Outstanding => "a.completed_at IS NULL",
        ActionStatus::Completed => "a.completed_at IS NOT NULL",
    });
    if !filter.types.is_empty() {
        sql.push(" AND a.type_id IN (");
        sql.args(filter.types.iter().copied());
        sql.push(")");
    }
    for (column, value) in [("a.assignee_id", filter.assignee), ("a.person_id", filter.person)] {
        if let Some(value) = value {
            let p = sql.arg(value);
            sql.push(&format!(" AND {column} = {p}"));
        }
    }
    for (column, (from, to)) in [("a.due_on", &filter.due), ("a.done_on", &filter.done)] {
        if let Some(from) = from {
            let p = sql.arg(from.clone());
            sql.push(&format!(" AND {column} >= {p}"));
        }
        if let Some(to) = to {
            let p = sql.arg(to.clone());
            sql.push(&format!(" AND {column} <= {p}"));
        }
    }
    if filter.overdue {
        let p = sql.arg(today.to_string());
        sql.push(&format!(" AND a.completed_at IS NULL AND a.due_on < {p}"));
    }
}

/// `tz`'s offset from UTC at `at`, in milliseconds.
fn offset_at(tz: Tz, at: Millis) -> Millis {
    let utc = DateTime::<Utc>::from_timestamp_millis(at).unwrap_or_default().naive_utc();
    i64::from(tz.offset_from_utc_datetime(&utc).fix().local_minus_utc()) * 1000
}

/// `tz`'s offsets from 1899-12-01 to 2100: the first, then one row per
/// change, at the exact millisecond it changed.
pub(crate) fn zone_offsets(tz: Tz) -> Vec<(Millis, Millis)> {
    // Checked every six hours: no zone has changed its clocks twice so soon.
    const STEP: Millis = DAY_MS / 4;
    let mut offsets = vec![(DAY_ZERO_MS, offset_at(tz, DAY_ZERO_MS))];
    let mut at = DAY_ZERO_MS;
    while at < OFFSETS_UNTIL_MS {
        let next = at + STEP;
        let current = offsets.last().map(|o| o.1).unwrap_or_default();
        if offset_at(tz, next) != current {
            // The first millisecond of the new offset lies in (lo, hi].
            let (mut lo, mut hi) = (at, next);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                match offset_at(tz, mid) == current {
                    true => lo = mid,
                    false => hi = mid,
                }
            }
            offsets.push((hi, offset_at(tz, hi)));
        }
        at = next;
    }
    offsets
}

/// The SQL for the local day of `column` (a time in milliseconds).
fn report_day(engine: Engine, column: &str) -> String {
    match engine {
        Engine::Sqlite => format!(
            "({column} + {shift} + coalesce((SELECT o.offset_ms FROM report_zone_offsets o \
             WHERE o.starts_at <= {column} ORDER BY o.starts_at DESC LIMIT 1), 0)) / {DAY_MS}",
            shift = -DAY_ZERO_MS
        ),
        Engine::Postgres => format!("interlog_report_day({column})"),
    }
}

impl Store {
    /// Makes the day counts count days in `tz`. The first time, and after
    /// the organisation's zone changes, they are rebuilt from every
    /// interaction (a few seconds for a million); otherwise this is one
    /// lookup. Servers starting together take turns.
    pub async fn prepare_reports(&self, tz: Tz) -> Result<(), StoreError> {
        let zone: String =
            sqlx::query_scalar("SELECT name FROM report_zone WHERE id = 1").fetch_one(&self.pool).await?;
        if zone == tz.name() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        let sql = format!("SELECT name FROM report_zone WHERE id = 1{}", self.engine.for_update());
        let zone: String = sqlx::query_scalar(&sql).fetch_one(&mut *tx).await?;
        if zone == tz.name() {
            return Ok(());
        }
        let started = std::time::Instant::now();
        sqlx::query("DELETE FROM report_zone_offsets").execute(&mut *tx).await?;
        for chunk in zone_offsets(tz).chunks(200) {
            let mut sql = Sql::new("INSERT INTO report_zone_offsets (starts_at, offset_ms) VALUES ");
            for (i, (starts_at, offset)) in chunk.iter().enumerate() {
                let (a, b) = (sql.arg(*starts_at), sql.arg(*offset));
                sql.push(&format!("{}({a}, {b})", if i > 0 { ", " } else { "" }));
            }
            sql.query().execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM report_day_counts").execute(&mut *tx).await?;
        let sql = format!(
            "INSERT INTO report_day_counts (day, type_id, staff_id, access, n)
             SELECT {day}, type_id, coalesce(completed_by, logged_by), access, count(*)
             FROM interactions WHERE error_marked_at IS NULL GROUP BY 1, 2, 3, 4",
            day = report_day(self.engine, "occurred_at")
        );
        sqlx::query(&sql).execute(&mut *tx).await?;
        sqlx::query("UPDATE report_zone SET name = $1 WHERE id = 1").bind(tz.name()).execute(&mut *tx).await?;
        tx.commit().await?;
        tracing::info!(zone = tz.name(), ms = started.elapsed().as_millis() as u64, "report day counts rebuilt");
        Ok(())
    }

    /// Interactions per local day and type (or staff member who had them,
    /// as `by` says) from `from` to `to` (days included), had by `scope`,
    /// leaving out what `reader` may not open and what was posted in error:
    /// `(day, type or staff id, count)`, by day.
    pub async fn day_counts(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        scope: ReportScope,
        by: CountBy,
        reader: &Reader,
        tz: Tz,
    ) -> Result<Vec<(NaiveDate, i64, i64)>, StoreError> {
        self.prepare_reports(tz).await?;
        let key = match by {
            CountBy::Type => "c.type_id",
            CountBy::Staff => "c.staff_id",
        };
        let mut sql = Sql::new(&format!(
            "SELECT c.day, {key} AS k, CAST(sum(c.n) AS BIGINT) AS n FROM report_day_counts c WHERE "
        ));
        let (a, b) = (sql.arg(day_number(from)), sql.arg(day_number(to)));
        sql.push(&format!("c.day >= {a} AND c.day <= {b}"));
        scope_condition(&mut sql, scope, "c.staff_id");
        reader.write_condition(&mut sql, "c");
        sql.push(&format!(" GROUP BY c.day, {key} HAVING sum(c.n) > 0 ORDER BY c.day, {key}"));
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let day: i64 = r.try_get::<i64, _>("day").or_else(|_| r.try_get::<i32, _>("day").map(i64::from))?;
                Ok((day_of_number(day), r.try_get("k")?, r.try_get("n")?))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Follow-up actions completed per day and staff member who completed
    /// them, from `from` to `to` (days included), by `scope`, leaving out
    /// those whose completing interaction `reader` may not open:
    /// `(day, staff id, count)`, by day.
    pub async fn day_actions_completed(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        scope: ReportScope,
        reader: &Reader,
    ) -> Result<Vec<(NaiveDate, i64, i64)>, StoreError> {
        let mut sql = Sql::new(
            "SELECT a.done_on, a.completed_by, count(*) AS n FROM actions a JOIN interactions c ON c.id = a.completion_id
             WHERE a.completed_at IS NOT NULL AND ",
        );
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let (a, b) = (sql.arg(day(from)), sql.arg(day(to)));
        sql.push(&format!("a.done_on >= {a} AND a.done_on <= {b}"));
        scope_condition(&mut sql, scope, "a.completed_by");
        reader.write_condition(&mut sql, "c");
        sql.push(" GROUP BY a.done_on, a.completed_by ORDER BY a.done_on, a.completed_by");
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let on: String = r.try_get("done_on")?;
                let on = NaiveDate::parse_from_str(&on, "%Y-%m-%d").unwrap_or_default();
                Ok((on, r.try_get("completed_by")?, r.try_get("n")?))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// The staff a report over `scope` lists even when they did nothing:
    /// everyone active, a team's members, or the one staff member.
    pub async fn scope_staff(&self, scope: ReportScope) -> Result<Vec<i64>, StoreError> {
        let rows = match scope {
            ReportScope::Everyone => {
                sqlx::query_scalar("SELECT id FROM staff_members WHERE active = 1").fetch_all(&self.pool).await?
            }
            ReportScope::Staff(id) => vec![id],
            ReportScope::Team(id) => {
                sqlx::query_scalar("SELECT staff_id FROM staff_teams WHERE team_id = $1")
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        Ok(rows)
    }

    /// Everyone whose latest interaction of type `type_id` that `reader`
    /// may open (and not posted in error) happened before `before`, or who
    /// never had one: `(person id, name, latest)`, a page of `limit` from
    /// `offset`, and how many there are in all and how many never had one.
    pub async fn last_contact(
        &self,
        type_id: i64,
        before: Millis,
        order: (crate::reports::LastContactSort, bool),
        limit: i64,
        offset: i64,
        reader: &Reader,
    ) -> Result<(Vec<(i64, String, Option<Millis>)>, i64, i64), StoreError> {
        // The latest visible interaction of the type per person, from the
        // index on (type, person, time, access) alone.
        let latest = |columns: &str| {
            let mut sql = Sql::default();
            let t = sql.arg(type_id);
            sql.push(&format!(
                "WITH latest AS (SELECT i.person_id, max(i.occurred_at) AS last FROM interactions i
                 WHERE i.type_id = {t} AND i.error_marked_at IS NULL"
            ));
            reader.write_condition(&mut sql, "i");
            let b = sql.arg(before);
            sql.push(&format!(
                " GROUP BY i.person_id)
                 SELECT {columns} FROM people p LEFT JOIN latest l ON l.person_id = p.id
                 WHERE (l.last IS NULL OR l.last < {b})"
            ));
            sql
        };
        let dir = if order.1 { "DESC" } else { "ASC" };
        let name = self.engine.nocase("p.name");
        let order_by = match order.0 {
            // Never first, then longest ago.
            crate::reports::LastContactSort::Last => {
                format!("CASE WHEN l.last IS NULL THEN 0 ELSE 1 END {dir}, l.last {dir}, {name}, p.id")
            }
            crate::reports::LastContactSort::Person => format!("{name} {dir}, p.id {dir}"),
        };
        // The page and its totals in one pass: the window sums see every
        // row before the page is cut from them.
        const NEVER: &str = "sum(CASE WHEN l.last IS NULL THEN 1 ELSE 0 END)";
        let mut page = latest(&format!("p.id, p.name, l.last, count(*) OVER () AS total, {NEVER} OVER () AS never"));
        let (l, o) = (page.arg(limit), page.arg(offset));
        page.push(&format!(" ORDER BY {order_by} LIMIT {l} OFFSET {o}"));
        let found = page.query().fetch_all(&self.pool).await?;
        let (total, never): (i64, i64) = match found.first() {
            Some(row) => (row.try_get("total")?, row.try_get("never")?),
            // A page past the end: count on their own.
            None => {
                let count = latest(&format!("count(*) AS total, coalesce({NEVER}, 0) AS never"));
                let row = count.query().fetch_one(&self.pool).await?;
                (row.try_get("total")?, row.try_get("never")?)
            }
        };
        let rows = found
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("name")?, r.try_get("last")?)))
            .collect::<Result<_, sqlx::Error>>()?;
        Ok((rows, total, never))
    }

    /// Person `person_id`'s latest interaction of each type that `reader`
    /// may open (and not posted in error): `(type id, when)`.
    pub async fn person_last_contact(&self, person_id: i64, reader: &Reader) -> Result<Vec<(i64, Millis)>, StoreError> {
        let mut sql = Sql::new("SELECT i.type_id, max(i.occurred_at) AS last FROM interactions i WHERE i.person_id = ");
        let p = sql.arg(person_id);
        sql.push(&format!("{p} AND i.error_marked_at IS NULL"));
        reader.write_condition(&mut sql, "i");
        sql.push(" GROUP BY i.type_id");
        let rows = sql.query().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(|r| Ok((r.try_get("type_id")?, r.try_get("last")?))).collect::<Result<_, sqlx::Error>>()?)
    }

    /// The actions matching `filter`, a page of `limit` from `offset` in
    /// `order` (each with when it was assigned), and how many match in all,
    /// are outstanding, and are overdue (`today` is `YYYY-MM-DD`).
    pub async fn actions_report(
        &self,
        filter: &ActionsFilter,
        order: (crate::actions::ActionSort, bool),
        limit: i64,
        offset: i64,
        today: &str,
    ) -> Result<(Vec<(crate::actions::ActionRow, Millis)>, [i64; 3]), StoreError> {
        let mut count = Sql::new(
            "SELECT count(*) AS total,
                    coalesce(sum(CASE WHEN a.completed_at IS NULL THEN 1 ELSE 0 END), 0) AS outstanding,
                    coalesce(sum(CASE WHEN a.completed_at IS NULL AND a.due_on < ",
        );
        let t = count.arg(today.to_string());
        count.push(&format!("{t} THEN 1 ELSE 0 END), 0) AS overdue FROM actions a WHERE "));
        actions_filter(&mut count, filter, today);
        let row = count.query().fetch_one(&self.pool).await?;
        let counts = [row.try_get("total")?, row.try_get("outstanding")?, row.try_get("overdue")?];

        let dir = if order.1 { "DESC" } else { "ASC" };
        let column = super::actions::order_column(self.engine, order.0);
        let mut page = Sql::new(&format!("{} WHERE ", super::actions::ACTION_COLUMNS));
        actions_filter(&mut page, filter, today);
        let (l, o) = (page.arg(limit), page.arg(offset));
        page.push(&format!(" ORDER BY {column} {dir}, a.id {dir} LIMIT {l} OFFSET {o}"));
        let rows = page.query().fetch_all(&self.pool).await?;
        let rows =
            rows.iter().map(|r| (super::actions::action_row(r, today), r.get::<Millis, _>("created_at"))).collect();
        Ok((rows, counts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_follow_summer_time() {
        let london: Tz = "Europe/London".parse().unwrap();
        let offsets = zone_offsets(london);
        // 2026: clocks forward at 01:00 UTC on 29 March, back at 01:00 UTC on 25 October.
        let forward = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap().timestamp_millis();
        let back = Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap().timestamp_millis();
        assert!(offsets.contains(&(forward, 3_600_000)), "{:?}", &offsets[offsets.len() - 160..]);
        assert!(offsets.contains(&(back, 0)));
        assert_eq!(day_of_number(day_number(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap())).to_string(), "2026-11-30");
        assert_eq!(day_number(NaiveDate::from_ymd_opt(1899, 12, 1).unwrap()), 0);
        let kolkata: Tz = "Asia/Kolkata".parse().unwrap();
        assert_eq!(zone_offsets(kolkata).last().unwrap().1, 19_800_000);
    }
}
