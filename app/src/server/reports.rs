//! Reports: their filters checked, their periods laid out, and the store's
//! counts put in them. Shared by the report pages' server functions and the
//! report downloads, so both answer the same numbers and refuse the same
//! filters.

use chrono::{Datelike, Months, NaiveDate};
use chrono_tz::Tz;

use super::store::{CountBy, ReportScope, Store};
use super::time::{parse_day, today};
use crate::error::AppError;
use crate::reports::{
    ActionReportRow, ActionStatus, ActionsReport, ActionsReportQuery, LastContact, LastContactOfType, LastContactQuery,
    LastContactRow, LastContactSort, Period, PeriodColumn, ReportOptions, StaffActivity, StaffActivityRow, TypeUsage,
    TypeUsageQuery, TypeUsageRow, MAX_REPORT_YEARS, MAX_THRESHOLD_MONTHS,
};
use crate::server::store::{ActionsFilter, Reader};

/// A report's filters, read and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedUsage {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub period: Period,
    pub scope: ReportScope,
}

/// The type usage filters as the store takes them, or the first one refused
/// and why (a 400 that names it). Empty dates mean the last twelve months
/// to `today`.
fn check_type_usage(
    query: &TypeUsageQuery,
    options: &ReportOptions,
    today: NaiveDate,
) -> Result<CheckedUsage, AppError> {
    let invalid = |msg: String| AppError::Validation(msg);
    let to = match query.to.as_str() {
        "" => today,
        to => parse_day(to, "To").map_err(invalid)?,
    };
    let from = match query.from.as_str() {
        "" => to.with_day(1).and_then(|d| d.checked_sub_months(Months::new(11))).unwrap_or(to),
        from => parse_day(from, "From").map_err(invalid)?,
    };
    if from > to {
        return Err(invalid("From must be on or before To.".into()));
    }
    if to.checked_sub_months(Months::new(12 * MAX_REPORT_YEARS as u32)).is_some_and(|earliest| from < earliest) {
        return Err(invalid(format!("A report covers at most {MAX_REPORT_YEARS} years: move From or To closer.")));
    }
    let period = match query.period.as_str() {
        "" => Period::default(),
        p => Period::parse(p).ok_or_else(|| invalid("Period must be week, month or quarter.".into()))?,
    };
    let id = |value: &str, what: &str| {
        value.parse::<i64>().map_err(|_| invalid(format!("{what} must be chosen from the list.")))
    };
    let scope = match (query.staff.as_str(), query.team.as_str()) {
        ("", "") => ReportScope::Everyone,
        (_, "") => {
            let staff = id(&query.staff, "Staff member")?;
            if !options.staff.iter().any(|(s, _)| *s == staff) {
                return Err(invalid("Staff member: there is no such staff member.".into()));
            }
            ReportScope::Staff(staff)
        }
        ("", _) => {
            let team = id(&query.team, "Team")?;
            if !options.teams.iter().any(|t| t.id == team) {
                return Err(invalid("Team: there is no such team.".into()));
            }
            ReportScope::Team(team)
        }
        _ => return Err(invalid("Choose a staff member or a team, not both.".into())),
    };
    Ok(CheckedUsage { from, to, period, scope })
}

/// The first day of the period `day` falls in.
fn period_start(period: Period, day: NaiveDate) -> NaiveDate {
    match period {
        Period::Week => day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday())),
        Period::Month => day.with_day(1).unwrap_or(day),
        Period::Quarter => NaiveDate::from_ymd_opt(day.year(), (day.month0() / 3) * 3 + 1, 1).unwrap_or(day),
    }
}

/// The first day of the period after the one starting on `start`.
fn next_period(period: Period, start: NaiveDate) -> NaiveDate {
    match period {
        Period::Week => start + chrono::Duration::days(7),
        Period::Month => start.checked_add_months(Months::new(1)).unwrap_or(start),
        Period::Quarter => start.checked_add_months(Months::new(3)).unwrap_or(start),
    }
}

fn period_label(period: Period, start: NaiveDate) -> String {
    match period {
        Period::Week => format!("w/c {}", start.format("%-d %b %Y")),
        Period::Month => start.format("%b %Y").to_string(),
        Period::Quarter => format!("Q{} {}", start.month0() / 3 + 1, start.year()),
    }
}

/// The periods from `from` to `to`, the first and last cut to the range.
pub fn periods(period: Period, from: NaiveDate, to: NaiveDate) -> Vec<PeriodColumn> {
    let mut columns = Vec::new();
    let mut start = period_start(period, from);
    while start <= to {
        let next = next_period(period, start);
        let last = (next - chrono::Duration::days(1)).min(to);
        columns.push(PeriodColumn {
            label: period_label(period, start),
            from: start.max(from).format("%Y-%m-%d").to_string(),
            to: last.format("%Y-%m-%d").to_string(),
        });
        if next <= start {
            break;
        }
        start = next;
    }
    columns
}

/// Who can narrow a report to whom: every staff member and team.
pub async fn report_options(store: &Store) -> Result<ReportOptions, AppError> {
    Ok(ReportOptions { staff: store.staff_names(false).await?, teams: store.teams().await? })
}

impl CheckedUsage {
    /// What the report covers, in words: "1 Dec 2025 to 30 Nov 2026 ·
    /// Team: Casework · per month".
    fn summary(&self, options: &ReportOptions) -> String {
        let who = match self.scope {
            ReportScope::Everyone => "Everyone".to_string(),
            ReportScope::Staff(id) => {
                let name = options.staff.iter().find(|(s, _)| *s == id).map(|(_, n)| n.clone()).unwrap_or_default();
                format!("Staff member: {name}")
            }
            ReportScope::Team(id) => {
                let name = options.teams.iter().find(|t| t.id == id).map(|t| t.name.clone()).unwrap_or_default();
                format!("Team: {name}")
            }
        };
        format!(
            "{} to {} · {who} · per {}",
            self.from.format("%-d %b %Y"),
            self.to.format("%-d %b %Y"),
            self.period.as_str()
        )
    }

    /// The filters as applied, defaults filled in: for the form and links.
    fn applied(&self) -> TypeUsageQuery {
        TypeUsageQuery {
            from: self.from.format("%Y-%m-%d").to_string(),
            to: self.to.format("%Y-%m-%d").to_string(),
            period: self.period.as_str().to_string(),
            staff: match self.scope {
                ReportScope::Staff(id) => id.to_string(),
                _ => String::new(),
            },
            team: match self.scope {
                ReportScope::Team(id) => id.to_string(),
                _ => String::new(),
            },
        }
    }
}

/// Which of `columns` a day falls in: the last starting on or before it.
fn column_of(columns: &[PeriodColumn], day: NaiveDate) -> usize {
    let day = day.format("%Y-%m-%d").to_string();
    columns.partition_point(|c| c.from <= day).saturating_sub(1)
}

/// The type usage report for `reader`.
pub async fn type_usage(store: &Store, query: &TypeUsageQuery, reader: &Reader, tz: Tz) -> Result<TypeUsage, AppError> {
    let options = report_options(store).await?;
    let checked = check_type_usage(query, &options, today(tz))?;
    let columns = periods(checked.period, checked.from, checked.to);
    let counts = store.day_counts(checked.from, checked.to, checked.scope, CountBy::Type, reader, tz).await?;
    let mut rows: Vec<TypeUsageRow> = store
        .interaction_types(true)
        .await?
        .into_iter()
        .map(|t| TypeUsageRow { kind: t.badge, counts: vec![0; columns.len()], total: 0 })
        .collect();
    for (day, type_id, n) in counts {
        let column = column_of(&columns, day);
        if let Some(row) = rows.iter_mut().find(|r| r.kind.id == type_id) {
            row.counts[column] += n;
            row.total += n;
        }
    }
    // Live types first (in the admin's order), then deleted ones that were used.
    rows.retain(|r| !r.kind.deleted || r.total > 0);
    rows.sort_by_key(|r| r.kind.deleted);
    let period_totals: Vec<i64> = (0..columns.len()).map(|i| rows.iter().map(|r| r.counts[i]).sum()).collect();
    let total = period_totals.iter().sum();
    Ok(TypeUsage {
        query: checked.applied(),
        period: checked.period,
        summary: checked.summary(&options),
        periods: columns,
        rows,
        period_totals,
        total,
        options,
    })
}

/// The staff activity report for `reader`: per staff member and period,
/// the interactions they had and the follow-up actions they completed.
pub async fn staff_activity(
    store: &Store,
    query: &TypeUsageQuery,
    reader: &Reader,
    tz: Tz,
) -> Result<StaffActivity, AppError> {
    let options = report_options(store).await?;
    let checked = check_type_usage(query, &options, today(tz))?;
    let columns = periods(checked.period, checked.from, checked.to);
    let had = store.day_counts(checked.from, checked.to, checked.scope, CountBy::Staff, reader, tz).await?;
    let done = store.day_actions_completed(checked.from, checked.to, checked.scope, reader).await?;
    let mut rows: Vec<StaffActivityRow> = Vec::new();
    let row_of = |id: i64, rows: &mut Vec<StaffActivityRow>| -> usize {
        if let Some(i) = rows.iter().position(|r| r.staff_id == id) {
            return i;
        }
        let name = options.staff.iter().find(|(s, _)| *s == id).map(|(_, n)| n.clone()).unwrap_or_default();
        rows.push(StaffActivityRow {
            staff_id: id,
            name,
            interactions: vec![0; columns.len()],
            interactions_total: 0,
            actions: vec![0; columns.len()],
            actions_total: 0,
        });
        rows.len() - 1
    };
    for id in store.scope_staff(checked.scope).await? {
        row_of(id, &mut rows);
    }
    for (day, staff, n) in had {
        let (i, column) = (row_of(staff, &mut rows), column_of(&columns, day));
        rows[i].interactions[column] += n;
        rows[i].interactions_total += n;
    }
    for (day, staff, n) in done {
        let (i, column) = (row_of(staff, &mut rows), column_of(&columns, day));
        rows[i].actions[column] += n;
        rows[i].actions_total += n;
    }
    // In the order of the staff list: by name.
    let order = |id: i64| options.staff.iter().position(|(s, _)| *s == id).unwrap_or(usize::MAX);
    rows.sort_by_key(|r| order(r.staff_id));
    let totals = |pick: fn(&StaffActivityRow) -> &Vec<i64>| -> Vec<i64> {
        (0..columns.len()).map(|i| rows.iter().map(|r| pick(r)[i]).sum()).collect()
    };
    let (interaction_totals, action_totals) = (totals(|r| &r.interactions), totals(|r| &r.actions));
    Ok(StaffActivity {
        query: checked.applied(),
        period: checked.period,
        summary: checked.summary(&options),
        periods: columns,
        rows,
        interaction_totals,
        action_totals,
        options,
    })
}

/// The local day of a stored time, and the days from it to `today`.
fn day_and_age(at: super::time::Millis, tz: Tz, today: NaiveDate) -> (NaiveDate, i64) {
    let day = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(at)
        .map(|t| t.with_timezone(&tz).date_naive())
        .unwrap_or(today);
    (day, (today - day).num_days())
}

/// The Last contact report's filters, checked: the type, the threshold in
/// months, the order and the page's start.
struct CheckedLastContact {
    kind: crate::log::TypeBadge,
    months: u32,
    sort: LastContactSort,
    descending: bool,
    offset: i64,
}

fn check_last_contact(
    query: &LastContactQuery,
    types: &[crate::log::TypeBadge],
) -> Result<CheckedLastContact, AppError> {
    let invalid = |msg: &str| AppError::Validation(msg.to_string());
    let kind = match query.kind.as_str() {
        "" => types
            .first()
            .cloned()
            .ok_or_else(|| AppError::Unprocessable("There are no interaction types yet.".into()))?,
        id => id
            .parse::<i64>()
            .ok()
            .and_then(|id| types.iter().find(|t| t.id == id).cloned())
            .ok_or_else(|| invalid("Type must be chosen from the list."))?,
    };
    let months = match query.months.as_str() {
        "" => 6,
        m => m
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=MAX_THRESHOLD_MONTHS).contains(m))
            .ok_or_else(|| invalid("Months must be a whole number from 1 to 120."))?,
    };
    let sort = match query.sort.as_str() {
        "" => LastContactSort::default(),
        s => LastContactSort::parse(s).ok_or_else(|| invalid("Sort must be last or person."))?,
    };
    let descending = match query.dir.as_str() {
        "" | "asc" => false,
        "desc" => true,
        _ => return Err(invalid("Direction must be asc or desc.")),
    };
    let offset = match query.offset.as_str() {
        "" => 0,
        o => o.parse::<i64>().ok().filter(|o| *o >= 0).ok_or_else(|| invalid("Offset must be a whole number."))?,
    };
    Ok(CheckedLastContact { kind, months, sort, descending, offset })
}

/// The Last contact report for `reader`: a page of `limit` people.
pub async fn last_contact(
    store: &Store,
    query: &LastContactQuery,
    reader: &Reader,
    tz: Tz,
    limit: i64,
) -> Result<LastContact, AppError> {
    let types: Vec<crate::log::TypeBadge> =
        store.interaction_types(false).await?.into_iter().map(|t| t.badge).collect();
    let checked = check_last_contact(query, &types)?;
    let today = today(tz);
    let since = today.checked_sub_months(Months::new(checked.months)).unwrap_or(today);
    let before = since
        .and_hms_opt(0, 0, 0)
        .and_then(|t| chrono::TimeZone::from_local_datetime(&tz, &t).earliest())
        .map(|t| t.timestamp_millis())
        .unwrap_or_default();
    let order = (checked.sort, checked.descending);
    let (people, total, never) =
        store.last_contact(checked.kind.id, before, order, limit, checked.offset, reader).await?;
    let rows = people
        .into_iter()
        .map(|(person_id, person_name, last)| {
            let seen = last.map(|at| day_and_age(at, tz, today));
            LastContactRow {
                person_id,
                person_name,
                last_on: seen.map(|(day, _)| day.format("%Y-%m-%d").to_string()),
                last_display: seen.map(|(day, _)| day.format("%-d %b %Y").to_string()),
                days_since: seen.map(|(_, days)| days),
            }
        })
        .collect();
    let summary = format!(
        "No {} since {} ({} month{})",
        checked.kind.name,
        since.format("%-d %b %Y"),
        checked.months,
        if checked.months == 1 { "" } else { "s" }
    );
    let applied = LastContactQuery {
        kind: checked.kind.id.to_string(),
        months: checked.months.to_string(),
        sort: checked.sort.as_str().to_string(),
        dir: if checked.descending { "desc".into() } else { String::new() },
        offset: String::new(),
    };
    Ok(LastContact {
        query: applied,
        kind: checked.kind,
        months: checked.months,
        summary,
        rows,
        total,
        never,
        offset: checked.offset,
        sort: checked.sort,
        descending: checked.descending,
        types,
    })
}

/// A profile's "Last contact" strip: each type's latest interaction with
/// the person that `reader` may open, in the admin's order of types.
pub async fn person_last_contact(
    store: &Store,
    person_id: i64,
    reader: &Reader,
    tz: Tz,
) -> Result<Vec<LastContactOfType>, AppError> {
    let latest = store.person_last_contact(person_id, reader).await?;
    let today = today(tz);
    Ok(store
        .interaction_types(true)
        .await?
        .into_iter()
        .filter_map(|t| {
            let (_, at) = latest.iter().find(|(id, _)| *id == t.badge.id)?;
            let (day, days_since) = day_and_age(*at, tz, today);
            Some(LastContactOfType {
                kind: t.badge,
                last_on: day.format("%Y-%m-%d").to_string(),
                last_display: day.format("%-d %b %Y").to_string(),
                days_since,
            })
        })
        .collect())
}

/// The Profile Actions Report's filters, checked, each refusal naming its
/// field; and the report's summary in words.
async fn check_actions_report(
    query: &ActionsReportQuery,
    store: &Store,
    types: &[crate::log::TypeBadge],
    staff: &[(i64, String)],
) -> Result<(ActionsFilter, Option<String>, String), AppError> {
    let invalid = |msg: String| AppError::Validation(msg);
    let status = match query.status.as_str() {
        "" => ActionStatus::All,
        s => ActionStatus::parse(s).ok_or_else(|| invalid("Status must be all, outstanding or completed.".into()))?,
    };
    let mut type_ids = Vec::new();
    for id in query.types.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        match id.parse::<i64>().ok().filter(|id| types.iter().any(|t| t.id == *id)) {
            Some(id) if !type_ids.contains(&id) => type_ids.push(id),
            Some(_) => {}
            None => return Err(invalid("Types must be chosen from the list.".into())),
        }
    }
    let assignee = match query.assignee.as_str() {
        "" => None,
        id => Some(
            id.parse::<i64>()
                .ok()
                .filter(|id| staff.iter().any(|(s, _)| s == id))
                .ok_or_else(|| invalid("Assigned to: there is no such staff member.".into()))?,
        ),
    };
    let (person, person_name) = match query.person.as_str() {
        "" => (None, None),
        id => {
            let found = match id.parse::<i64>() {
                Ok(id) => store.person(id).await?,
                Err(_) => None,
            };
            let person = found.ok_or_else(|| invalid("Person: there is no such person.".into()))?;
            (Some(person.id), Some(person.name))
        }
    };
    let day = |value: &str, what: &str| match value {
        "" => Ok(None),
        v => parse_day(v, what).map(Some).map_err(invalid),
    };
    let range = |from: &str, to: &str, what: &str| -> Result<(Option<NaiveDate>, Option<NaiveDate>), AppError> {
        let (from, to) = (day(from, &format!("{what} from"))?, day(to, &format!("{what} to"))?);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(invalid(format!("{what} from must be on or before {what} to.")));
            }
        }
        Ok((from, to))
    };
    let due = range(&query.due_from, &query.due_to, "Due")?;
    let done = range(&query.done_from, &query.done_to, "Done")?;
    let overdue = match query.overdue.as_str() {
        "" | "0" => false,
        "1" | "true" | "on" => true,
        _ => return Err(invalid("Overdue only must be 1 or left out.".into())),
    };
    let mut words = vec![status.label().to_string()];
    if !type_ids.is_empty() {
        let names: Vec<&str> = types.iter().filter(|t| type_ids.contains(&t.id)).map(|t| t.name.as_str()).collect();
        words.push(format!("Types: {}", names.join(", ")));
    }
    if let Some(a) = assignee {
        words.push(format!(
            "Assigned to: {}",
            staff.iter().find(|(s, _)| *s == a).map(|(_, n)| n.as_str()).unwrap_or("")
        ));
    }
    if let Some(name) = &person_name {
        words.push(format!("Person: {name}"));
    }
    let show = |d: Option<NaiveDate>| d.map(|d| d.format("%-d %b %Y").to_string());
    for (what, (from, to)) in [("Due", due), ("Done", done)] {
        match (show(from), show(to)) {
            (Some(f), Some(t)) => words.push(format!("{what} {f} to {t}")),
            (Some(f), None) => words.push(format!("{what} from {f}")),
            (None, Some(t)) => words.push(format!("{what} by {t}")),
            (None, None) => {}
        }
    }
    if overdue {
        words.push("Overdue only".into());
    }
    let text = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    let filter = ActionsFilter {
        status,
        types: type_ids,
        assignee,
        person,
        due: (text(due.0), text(due.1)),
        done: (text(done.0), text(done.1)),
        overdue,
    };
    Ok((filter, person_name, words.join(" · ")))
}

/// The Profile Actions Report: a page of `limit` actions.
pub async fn actions_report(
    store: &Store,
    query: &ActionsReportQuery,
    tz: Tz,
    limit: i64,
) -> Result<ActionsReport, AppError> {
    use crate::actions::ActionSort;
    let types: Vec<crate::log::TypeBadge> = store.interaction_types(true).await?.into_iter().map(|t| t.badge).collect();
    let staff = store.staff_names(false).await?;
    let (filter, person_name, summary) = check_actions_report(query, store, &types, &staff).await?;
    let sort = match query.sort.as_str() {
        "" => ActionSort::Due,
        s => ActionSort::parse(s)
            .ok_or_else(|| AppError::Validation("Sort must be due, type, person, assignee, created or done.".into()))?,
    };
    let descending = match query.dir.as_str() {
        "" => sort.default_dir() == crate::log::SortDir::Desc,
        "asc" => false,
        "desc" => true,
        _ => return Err(AppError::Validation("Direction must be asc or desc.".into())),
    };
    let offset = match query.offset.as_str() {
        "" => 0,
        o => o
            .parse::<i64>()
            .ok()
            .filter(|o| *o >= 0)
            .ok_or_else(|| AppError::Validation("Offset must be a whole number.".into()))?,
    };
    let today = today(tz);
    let today_text = today.format("%Y-%m-%d").to_string();
    let (rows, [total, outstanding, overdue]) =
        store.actions_report(&filter, (sort, descending), limit, offset, &today_text).await?;
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let rows = rows
        .into_iter()
        .map(|(row, created_at)| {
            let (assigned, _) = day_and_age(created_at, tz, today);
            let days_overdue = (row.overdue).then(|| day(&row.due_on).map(|d| (today - d).num_days())).flatten();
            let days_taken = row.done_on.as_deref().and_then(day).map(|done| (done - assigned).num_days().max(0));
            ActionReportRow {
                assigned_on: assigned.format("%Y-%m-%d").to_string(),
                assigned_display: assigned.format("%-d %b %Y").to_string(),
                days_overdue,
                days_taken,
                row,
            }
        })
        .collect();
    let mut applied = query.clone();
    applied.offset = String::new();
    Ok(ActionsReport {
        query: applied,
        summary,
        rows,
        total,
        outstanding,
        overdue,
        completed: total - outstanding,
        offset,
        sort,
        descending,
        types: types.into_iter().filter(|t| !t.deleted).collect(),
        staff,
        person_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_are_cut_to_the_range() {
        let weeks = periods(Period::Week, day("2026-03-25"), day("2026-04-07"));
        let labels: Vec<_> = weeks.iter().map(|w| (w.label.as_str(), w.from.as_str(), w.to.as_str())).collect();
        assert_eq!(
            labels,
            [
                ("w/c 23 Mar 2026", "2026-03-25", "2026-03-29"),
                ("w/c 30 Mar 2026", "2026-03-30", "2026-04-05"),
                ("w/c 6 Apr 2026", "2026-04-06", "2026-04-07"),
            ]
        );
        let quarters = periods(Period::Quarter, day("2025-12-03"), day("2026-11-30"));
        let labels: Vec<_> = quarters.iter().map(|q| q.label.as_str()).collect();
        assert_eq!(labels, ["Q4 2025", "Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026"]);
        assert_eq!(quarters[0].from, "2025-12-03");
        assert_eq!(quarters[4].to, "2026-11-30");
        let months = periods(Period::Month, day("2026-01-31"), day("2026-03-01"));
        let labels: Vec<_> = months.iter().map(|m| (m.label.as_str(), m.to.as_str())).collect();
        assert_eq!(labels, [("Jan 2026", "2026-01-31"), ("Feb 2026", "2026-02-28"), ("Mar 2026", "2026-03-01")]);
    }
}
