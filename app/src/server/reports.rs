//! Reports: their filters checked, their periods laid out, and the store's
//! counts put in them. Shared by the report pages' server functions and the
//! report downloads, so both answer the same numbers and refuse the same
//! filters.

use chrono::{Datelike, Months, NaiveDate};
use chrono_tz::Tz;

use super::store::{ReportScope, Store};
use super::time::{parse_day, today};
use crate::error::AppError;
use crate::reports::{Period, PeriodColumn, ReportOptions, TypeUsage, TypeUsageQuery, TypeUsageRow, MAX_REPORT_YEARS};
use crate::server::store::Reader;

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
pub async fn check_type_usage(
    query: &TypeUsageQuery,
    store: &Store,
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
            if !options.staff.iter().any(|(s, _)| *s == staff) && !store.staff_exists(staff).await? {
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

/// The type usage report for `reader`.
pub async fn type_usage(store: &Store, query: &TypeUsageQuery, reader: &Reader, tz: Tz) -> Result<TypeUsage, AppError> {
    let options = report_options(store).await?;
    let checked = check_type_usage(query, store, &options, today(tz)).await?;
    let columns = periods(checked.period, checked.from, checked.to);
    let starts: Vec<String> = columns.iter().map(|c| c.from.clone()).collect();
    let counts = store.day_type_counts(checked.from, checked.to, checked.scope, reader, tz).await?;
    let mut rows: Vec<TypeUsageRow> = store
        .interaction_types(true)
        .await?
        .into_iter()
        .map(|t| TypeUsageRow { kind: t.badge, counts: vec![0; columns.len()], total: 0 })
        .collect();
    for (day, type_id, n) in counts {
        let day = day.format("%Y-%m-%d").to_string();
        // The last period starting on or before the day.
        let column = starts.partition_point(|start| *start <= day).saturating_sub(1);
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
    let who = match checked.scope {
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
    let summary = format!(
        "{} to {} · {who} · per {}",
        checked.from.format("%-d %b %Y"),
        checked.to.format("%-d %b %Y"),
        checked.period.as_str()
    );
    let applied = TypeUsageQuery {
        from: checked.from.format("%Y-%m-%d").to_string(),
        to: checked.to.format("%Y-%m-%d").to_string(),
        period: checked.period.as_str().to_string(),
        staff: match checked.scope {
            ReportScope::Staff(id) => id.to_string(),
            _ => String::new(),
        },
        team: match checked.scope {
            ReportScope::Team(id) => id.to_string(),
            _ => String::new(),
        },
    };
    Ok(TypeUsage {
        query: applied,
        period: checked.period,
        summary,
        periods: columns,
        rows,
        period_totals,
        total,
        options,
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
