//! Reports on both engines, each checked against a count made here in Rust
//! from the raw rows (the time zone database, not the store's offsets
//! table; `Reader::opens`, not SQL). Staff are the demo's: 1 Alex (admin),
//! 3 Tom (staff, Casework), 4 Grace (staff, Health and wellbeing).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::*;
use crate::access::Role;
use crate::log::Visibility;
use crate::reports::{TypeUsage, TypeUsageQuery};
use crate::server::reports::type_usage;

/// Every interaction as stored: (occurred_at, type, who had it, access,
/// posted in error).
async fn raw_rows(store: &Store) -> Vec<(i64, i64, i64, String, bool)> {
    sqlx::query(
        "SELECT occurred_at, type_id, coalesce(completed_by, logged_by) AS who, access,
                CASE WHEN error_marked_at IS NULL THEN 0 ELSE 1 END AS in_error FROM interactions",
    )
    .fetch_all(store.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get("occurred_at"), r.get("type_id"), r.get("who"), r.get("access"), r.get::<i64, _>("in_error") == 1))
    .collect()
}

/// Interactions per (Monday of the local week, type), counted here.
async fn weekly_by_hand(
    store: &Store,
    reader: &Reader,
    tz: Tz,
    who: impl Fn(i64) -> bool,
) -> BTreeMap<(NaiveDate, i64), i64> {
    let mut counts = BTreeMap::new();
    for (at, type_id, by, access, in_error) in raw_rows(store).await {
        if in_error || !reader.opens(&access) || !who(by) {
            continue;
        }
        let day = Utc.timestamp_millis_opt(at).unwrap().with_timezone(&tz).date_naive();
        let monday = day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()));
        *counts.entry((monday, type_id)).or_insert(0) += 1;
    }
    counts
}

/// The report's cells as the same map (empty cells left out).
fn weekly_from_report(report: &TypeUsage) -> BTreeMap<(NaiveDate, i64), i64> {
    let mut counts = BTreeMap::new();
    for row in &report.rows {
        for (i, n) in row.counts.iter().enumerate().filter(|(_, n)| **n > 0) {
            let from = NaiveDate::parse_from_str(&report.periods[i].from, "%Y-%m-%d").unwrap();
            let monday = from - chrono::Duration::days(i64::from(from.weekday().num_days_from_monday()));
            counts.insert((monday, row.kind.id), *n);
        }
    }
    counts
}

fn every_week() -> TypeUsageQuery {
    TypeUsageQuery { from: "2020-01-06".into(), to: "2029-12-30".into(), period: "week".into(), ..Default::default() }
}

behaviours! {
    async fn type_usage_counts_local_days_as_counted_by_hand(engine: Engine) {
        let store = seeded_store(engine, 400).await;
        let gp = type_id(&store, "GP visit").await;
        let london: Tz = "Europe/London".parse().unwrap();
        // Either side of midnight on the Sunday the clocks went forward:
        // 23:30 UTC on 29 March 2026 is already Monday in London, so a
        // count by UTC days would put it in the week before.
        let moments = [
            Utc.with_ymd_and_hms(2026, 3, 29, 22, 30, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 3, 29, 23, 30, 0).unwrap(),
            Utc.with_ymd_and_hms(2025, 10, 26, 0, 30, 0).unwrap(),
            Utc.with_ymd_and_hms(2025, 10, 26, 23, 30, 0).unwrap(),
        ];
        for at in moments {
            store.create_interaction(&NewInteraction {
                person_id: 1,
                type_id: gp,
                description: "Around the clock change".into(),
                note: String::new(),
                occurred_at: at.timestamp_millis(),
                logged_by: 3,
                completed_by: None,
                reply_to: None,
                source: crate::recording::Source::Staff,
                visibility: Visibility::AllStaff,
            }).await.unwrap();
        }
        let admin = store.reader(&member(1, Role::ADMIN)).await.unwrap();
        let tom = store.reader(&member(3, Role::STAFF)).await.unwrap();
        // The seeded rows went in before the zone was set: the first report rebuilds.
        let report = type_usage(&store, &every_week(), &admin, london).await.unwrap();
        assert_eq!(weekly_from_report(&report), weekly_by_hand(&store, &admin, london, |_| true).await);
        let monday = NaiveDate::from_ymd_opt(2026, 3, 30).unwrap();
        let sunday_week = NaiveDate::from_ymd_opt(2026, 3, 23).unwrap();
        let by_hand = weekly_by_hand(&store, &admin, london, |_| true).await;
        assert!(by_hand[&(monday, gp)] >= 1 && by_hand[&(sunday_week, gp)] >= 1);
        assert_eq!(report.total, report.rows.iter().map(|r| r.total).sum::<i64>());
        assert_eq!(report.total, report.period_totals.iter().sum::<i64>());

        // Tom is not counted what he may not open.
        let restricted: i64 = count(&store, "SELECT count(*) FROM interactions WHERE access <> ''").await;
        assert!(restricted > 0, "the demo keeps some records to a team or their author");
        let as_tom = type_usage(&store, &every_week(), &tom, london).await.unwrap();
        assert_eq!(weekly_from_report(&as_tom), weekly_by_hand(&store, &tom, london, |_| true).await);
        assert!(as_tom.total < report.total);

        // Posted in error leaves the count; a visibility change moves it.
        let (first, second): (i64, i64) = (
            count(&store, "SELECT min(id) FROM interactions WHERE access = ''").await,
            count(&store, "SELECT max(id) FROM interactions WHERE access = ''").await,
        );
        store.mark_posted_in_error(first, "Wrong person", &admin, &by(1)).await.unwrap();
        store.change_visibility(second, &Visibility::Private, &member(1, Role::ADMIN), &admin, &by(1)).await.unwrap();
        let after = type_usage(&store, &every_week(), &admin, london).await.unwrap();
        assert_eq!(after.total, report.total - 1);
        assert_eq!(weekly_from_report(&after), weekly_by_hand(&store, &admin, london, |_| true).await);
        let as_tom = type_usage(&store, &every_week(), &tom, london).await.unwrap();
        assert_eq!(weekly_from_report(&as_tom), weekly_by_hand(&store, &tom, london, |_| true).await);

        // A team's members, as they are now.
        let casework: i64 = count(&store, "SELECT id FROM teams WHERE name = 'Casework'").await;
        let members: Vec<i64> = sqlx::query_scalar("SELECT staff_id FROM staff_teams WHERE team_id = $1")
            .bind(casework).fetch_all(store.pool()).await.unwrap();
        let team = TypeUsageQuery { team: casework.to_string(), ..every_week() };
        let report = type_usage(&store, &team, &admin, london).await.unwrap();
        assert_eq!(weekly_from_report(&report), weekly_by_hand(&store, &admin, london, |s| members.contains(&s)).await);
        let staff = TypeUsageQuery { staff: "3".into(), ..every_week() };
        let report = type_usage(&store, &staff, &admin, london).await.unwrap();
        assert_eq!(weekly_from_report(&report), weekly_by_hand(&store, &admin, london, |s| s == 3).await);
        assert!(report.summary.contains("Staff member: "), "{}", report.summary);

        // Another zone: the counts are rebuilt for its days.
        let new_york: Tz = "America/New_York".parse().unwrap();
        let report = type_usage(&store, &every_week(), &admin, new_york).await.unwrap();
        assert_eq!(weekly_from_report(&report), weekly_by_hand(&store, &admin, new_york, |_| true).await);
        let kolkata: Tz = "Asia/Kolkata".parse().unwrap();
        let report = type_usage(&store, &every_week(), &admin, kolkata).await.unwrap();
        assert_eq!(weekly_from_report(&report), weekly_by_hand(&store, &admin, kolkata, |_| true).await);
    }

    async fn type_usage_months_and_quarters_add_up_and_bad_filters_are_named(engine: Engine) {
        let store = seeded_store(engine, 300).await;
        let admin = store.reader(&member(1, Role::ADMIN)).await.unwrap();
        let weeks = type_usage(&store, &every_week(), &admin, TZ).await.unwrap();
        for period in ["month", "quarter"] {
            let query = TypeUsageQuery { period: period.into(), ..every_week() };
            let report = type_usage(&store, &query, &admin, TZ).await.unwrap();
            assert_eq!(report.total, weeks.total, "{period}");
            let totals: Vec<(i64, i64)> = report.rows.iter().map(|r| (r.kind.id, r.total)).collect();
            let week_totals: Vec<(i64, i64)> = weeks.rows.iter().map(|r| (r.kind.id, r.total)).collect();
            assert_eq!(totals, week_totals, "{period}");
        }
        // Every live type is listed, in the admin's order, used or not.
        let live: Vec<i64> = store.interaction_types(false).await.unwrap().iter().map(|t| t.badge.id).collect();
        assert_eq!(weeks.rows.iter().map(|r| r.kind.id).collect::<Vec<_>>(), live);

        let refused = |query: TypeUsageQuery| {
            let store = &store;
            let admin = &admin;
            async move {
                match type_usage(store, &query, admin, TZ).await {
                    Err(crate::error::AppError::Validation(msg)) => msg,
                    other => panic!("{query:?} should be refused, got {other:?}"),
                }
            }
        };
        let q = |from: &str, to: &str| TypeUsageQuery { from: from.into(), to: to.into(), ..Default::default() };
        assert!(refused(q("2026-05-01", "2026-04-01")).await.starts_with("From must be on or before To"));
        assert!(refused(q("2014-01-01", "2026-04-01")).await.contains("at most 10 years"));
        assert!(refused(q("2026-02-30", "")).await.starts_with("From must be a date"));
        assert!(refused(q("", "tomorrow")).await.starts_with("To must be a date"));
        assert!(refused(TypeUsageQuery { period: "fortnight".into(), ..Default::default() }).await.starts_with("Period"));
        assert!(refused(TypeUsageQuery { staff: "999".into(), ..Default::default() }).await.starts_with("Staff member"));
        assert!(refused(TypeUsageQuery { staff: "x".into(), ..Default::default() }).await.starts_with("Staff member"));
        assert!(refused(TypeUsageQuery { team: "999".into(), ..Default::default() }).await.starts_with("Team"));
        assert!(refused(TypeUsageQuery { team: "1".into(), staff: "1".into(), ..Default::default() }).await.contains("not both"));
        // The default: the last twelve months, per month.
        let report = type_usage(&store, &TypeUsageQuery::default(), &admin, TZ).await.unwrap();
        assert_eq!(report.periods.len(), 12);
        assert_eq!(report.query.period, "month");
    }
}
