//! Reports on both engines, each checked against a count made here in Rust
//! from the raw rows (the time zone database, not the store's offsets
//! table; `Reader::opens`, not SQL). Staff are the demo's: 1 Alex (admin),
//! 3 Tom (staff, Casework), 4 Grace (staff, Health and wellbeing).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::*;
use crate::access::Role;
use crate::log::Visibility;
use crate::reports::{ActionsReportQuery, LastContactQuery, StaffActivity, TypeUsage, TypeUsageQuery};
use crate::server::reports::{actions_report, last_contact, person_last_contact, staff_activity, type_usage};

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

/// Each person's latest interaction of type `kind` that `reader` may open
/// and that is not posted in error, as a local day, counted here.
async fn latest_by_hand(store: &Store, kind: i64, reader: &Reader, tz: Tz) -> BTreeMap<i64, Option<NaiveDate>> {
    let people: Vec<i64> = sqlx::query_scalar("SELECT id FROM people").fetch_all(store.pool()).await.unwrap();
    let mut latest: BTreeMap<i64, Option<i64>> = people.into_iter().map(|p| (p, None)).collect();
    let rows = sqlx::query("SELECT person_id, type_id, occurred_at, access, error_marked_at FROM interactions")
        .fetch_all(store.pool())
        .await
        .unwrap();
    for r in rows {
        let (person, type_id, at): (i64, i64, i64) = (r.get("person_id"), r.get("type_id"), r.get("occurred_at"));
        let in_error = r.get::<Option<i64>, _>("error_marked_at").is_some();
        if type_id != kind || in_error || !reader.opens(&r.get::<String, _>("access")) {
            continue;
        }
        let seen = latest.entry(person).or_insert(None);
        *seen = Some(seen.map_or(at, |s| s.max(at)));
    }
    latest
        .into_iter()
        .map(|(p, at)| (p, at.map(|at| Utc.timestamp_millis_opt(at).unwrap().with_timezone(&tz).date_naive())))
        .collect()
}

/// Staff activity counted here: (staff, first of the local month) → (had,
/// completed), for what `reader` may open.
async fn activity_by_hand(
    store: &Store,
    reader: &Reader,
    tz: Tz,
    who: impl Fn(i64) -> bool,
) -> BTreeMap<(i64, NaiveDate), (i64, i64)> {
    let mut counts: BTreeMap<(i64, NaiveDate), (i64, i64)> = BTreeMap::new();
    let month = |day: NaiveDate| day.with_day(1).unwrap();
    for (at, _, by, access, in_error) in raw_rows(store).await {
        if in_error || !reader.opens(&access) || !who(by) {
            continue;
        }
        let day = Utc.timestamp_millis_opt(at).unwrap().with_timezone(&tz).date_naive();
        counts.entry((by, month(day))).or_default().0 += 1;
    }
    let done = sqlx::query(
        "SELECT a.completed_by, a.done_on, i.access FROM actions a JOIN interactions i ON i.id = a.completion_id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    for r in done {
        let (by, on, access): (i64, String, String) = (r.get("completed_by"), r.get("done_on"), r.get("access"));
        if reader.opens(&access) && who(by) {
            counts.entry((by, month(NaiveDate::parse_from_str(&on, "%Y-%m-%d").unwrap()))).or_default().1 += 1;
        }
    }
    counts
}

/// The report's non-empty cells as the same map.
fn activity_from_report(report: &StaffActivity) -> BTreeMap<(i64, NaiveDate), (i64, i64)> {
    let mut counts = BTreeMap::new();
    for row in &report.rows {
        for (i, p) in report.periods.iter().enumerate() {
            let cell = (row.interactions[i], row.actions[i]);
            if cell != (0, 0) {
                let from = NaiveDate::parse_from_str(&p.from, "%Y-%m-%d").unwrap().with_day(1).unwrap();
                counts.insert((row.staff_id, from), cell);
            }
        }
    }
    counts
}

behaviours! {
    async fn staff_activity_counts_what_each_colleague_had_and_completed_as_counted_by_hand(engine: Engine) {
        let store = seeded_store(engine, 300).await;
        crate::server::demo::seed_demo_actions(&store, 3).await.unwrap();
        let admin = store.reader(&member(1, Role::ADMIN)).await.unwrap();
        let tom = store.reader(&member(3, Role::STAFF)).await.unwrap();
        let months = TypeUsageQuery { from: "2020-01-01".into(), to: "2029-12-31".into(), ..Default::default() };
        let report = staff_activity(&store, &months, &admin, TZ).await.unwrap();
        let by_hand = activity_by_hand(&store, &admin, TZ, |_| true).await;
        assert!(by_hand.values().any(|c| c.1 > 0), "the demo completes some actions");
        assert_eq!(activity_from_report(&report), by_hand);
        // Every active colleague is listed, busy or not, by name.
        let active: Vec<i64> = sqlx::query_scalar("SELECT id FROM staff_members WHERE active = 1")
            .fetch_all(store.pool()).await.unwrap();
        assert!(active.iter().all(|id| report.rows.iter().any(|r| r.staff_id == *id)));
        let names: Vec<String> = report.rows.iter().map(|r| r.name.to_lowercase()).collect();
        assert!(names.windows(2).all(|w| w[0] <= w[1]), "{names:?}");
        assert_eq!(report.interaction_totals.iter().sum::<i64>(), report.rows.iter().map(|r| r.interactions_total).sum::<i64>());
        assert_eq!(report.action_totals.iter().sum::<i64>(), by_hand.values().map(|c| c.1).sum::<i64>());

        // Tom is not counted what he may not open.
        let as_tom = staff_activity(&store, &months, &tom, TZ).await.unwrap();
        assert_eq!(activity_from_report(&as_tom), activity_by_hand(&store, &tom, TZ, |_| true).await);
        assert!(as_tom.interaction_totals.iter().sum::<i64>() < report.interaction_totals.iter().sum::<i64>());

        // A team: its members only, each listed.
        let casework: i64 = count(&store, "SELECT id FROM teams WHERE name = 'Casework'").await;
        let members: Vec<i64> = sqlx::query_scalar("SELECT staff_id FROM staff_teams WHERE team_id = $1")
            .bind(casework).fetch_all(store.pool()).await.unwrap();
        let team = staff_activity(&store, &TypeUsageQuery { team: casework.to_string(), ..months.clone() }, &admin, TZ)
            .await
            .unwrap();
        assert_eq!(activity_from_report(&team), activity_by_hand(&store, &admin, TZ, |s| members.contains(&s)).await);
        let mut listed: Vec<i64> = team.rows.iter().map(|r| r.staff_id).collect();
        listed.sort();
        let mut expected = members.clone();
        expected.sort();
        assert_eq!(listed, expected);
    }

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

    async fn last_contact_lists_whoever_was_not_seen_since_the_threshold_as_counted_by_hand(engine: Engine) {
        let store = seeded_store(engine, 400).await;
        let gp = type_id(&store, "GP visit").await;
        let admin = store.reader(&member(1, Role::ADMIN)).await.unwrap();
        let tom = store.reader(&member(3, Role::STAFF)).await.unwrap();
        // The latest GP visit of someone who had one is posted in error:
        // their visit before it (or never) counts instead.
        let (person, newest): (i64, i64) = sqlx::query_as(
            "SELECT person_id, id FROM interactions WHERE type_id = $1 AND access = '' ORDER BY occurred_at DESC LIMIT 1",
        ).bind(gp).fetch_one(store.pool()).await.unwrap();
        store.mark_posted_in_error(newest, "Wrong person", &admin, &by(1)).await.unwrap();
        let today = crate::server::time::today(TZ);
        for reader in [&admin, &tom] {
            let by_hand = latest_by_hand(&store, gp, reader, TZ).await;
            assert!(by_hand.values().any(Option::is_none) && by_hand.values().any(Option::is_some));
            for months in [1u32, 3, 12] {
                let since = today.checked_sub_months(chrono::Months::new(months)).unwrap();
                let query = LastContactQuery { kind: gp.to_string(), months: months.to_string(), ..Default::default() };
                let report = last_contact(&store, &query, reader, TZ, 100_000).await.unwrap();
                let expected: BTreeMap<i64, Option<String>> = by_hand
                    .iter()
                    .filter(|(_, last)| last.is_none_or(|day| day < since))
                    .map(|(p, last)| (*p, last.map(|d| d.format("%Y-%m-%d").to_string())))
                    .collect();
                let listed: BTreeMap<i64, Option<String>> =
                    report.rows.iter().map(|r| (r.person_id, r.last_on.clone())).collect();
                assert_eq!(listed, expected, "{months} months");
                assert_eq!(report.total, expected.len() as i64);
                assert_eq!(report.never, expected.values().filter(|l| l.is_none()).count() as i64);
                // Never first, then the longest ago.
                let order: Vec<Option<String>> = report.rows.iter().map(|r| r.last_on.clone()).collect();
                let mut sorted = order.clone();
                sorted.sort();
                assert_eq!(order, sorted);
                for row in report.rows.iter().filter(|r| r.last_on.is_some()) {
                    let day = NaiveDate::parse_from_str(row.last_on.as_deref().unwrap(), "%Y-%m-%d").unwrap();
                    assert_eq!(row.days_since, Some((today - day).num_days()));
                }
            }
            // The profile strip agrees, type by type.
            let strip = person_last_contact(&store, person, reader, TZ).await.unwrap();
            let gp_strip = strip.iter().find(|l| l.kind.id == gp).map(|l| l.last_on.clone());
            assert_eq!(gp_strip, by_hand[&person].map(|d| d.format("%Y-%m-%d").to_string()));
        }
        // Paged by name, A to Z, a page at a time.
        let query = LastContactQuery { kind: gp.to_string(), months: "12".into(), sort: "person".into(), ..Default::default() };
        let first = last_contact(&store, &query, &admin, TZ, 5).await.unwrap();
        let second = last_contact(&store, &LastContactQuery { offset: "5".into(), ..query.clone() }, &admin, TZ, 5).await.unwrap();
        assert_eq!(first.rows.len(), 5);
        // Every page, and a page past the end, tells the same totals.
        assert_eq!((second.total, second.never), (first.total, first.never));
        let past = LastContactQuery { offset: (first.total + 5).to_string(), ..query.clone() };
        let past = last_contact(&store, &past, &admin, TZ, 5).await.unwrap();
        assert!(past.rows.is_empty());
        assert_eq!((past.total, past.never), (first.total, first.never));
        let names: Vec<String> = first.rows.iter().chain(&second.rows).map(|r| r.person_name.to_lowercase()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        // Bad filters are named.
        for (query, says) in [
            (LastContactQuery { months: "0".into(), ..Default::default() }, "Months"),
            (LastContactQuery { months: "1000".into(), ..Default::default() }, "Months"),
            (LastContactQuery { months: "six".into(), ..Default::default() }, "Months"),
            (LastContactQuery { kind: "999999".into(), ..Default::default() }, "Type"),
            (LastContactQuery { sort: "age".into(), ..Default::default() }, "Sort"),
            (LastContactQuery { offset: "-1".into(), ..Default::default() }, "Offset"),
        ] {
            match last_contact(&store, &query, &admin, TZ, 10).await {
                Err(crate::error::AppError::Validation(msg)) => assert!(msg.starts_with(says), "{msg}"),
                other => panic!("{query:?} should be refused, got {other:?}"),
            }
        }
    }

    async fn the_actions_report_lists_actions_of_any_age_as_counted_by_hand(engine: Engine) {
        let store = seeded_store(engine, 5).await;
        crate::server::demo::seed_demo_actions(&store, 3).await.unwrap();
        let today = crate::server::time::today(TZ);
        let today_text = today.format("%Y-%m-%d").to_string();
        // (id, type, assignee, due, done, created day)
        let actions: Vec<(i64, i64, i64, String, Option<String>, NaiveDate)> = sqlx::query(
            "SELECT id, type_id, assignee_id, due_on, done_on, created_at FROM actions",
        )
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let created = Utc.timestamp_millis_opt(r.get("created_at")).unwrap().with_timezone(&TZ).date_naive();
            (r.get("id"), r.get("type_id"), r.get("assignee_id"), r.get("due_on"), r.get("done_on"), created)
        })
        .collect();
        assert!(actions.iter().any(|a| a.4.is_some()) && actions.iter().any(|a| a.4.is_none() && a.3 < today_text));
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let everything = |q: ActionsReportQuery| {
            let store = &store;
            async move { actions_report(store, &q, TZ, 100_000).await.unwrap() }
        };

        let all = everything(ActionsReportQuery::default()).await;
        assert_eq!(all.total, actions.len() as i64);
        assert_eq!(all.outstanding, actions.iter().filter(|a| a.4.is_none()).count() as i64);
        assert_eq!(all.overdue, actions.iter().filter(|a| a.4.is_none() && a.3 < today_text).count() as i64);
        assert_eq!(all.completed, all.total - all.outstanding);
        for row in &all.rows {
            let a = actions.iter().find(|a| a.0 == row.row.id).unwrap();
            let overdue = a.4.is_none() && a.3 < today_text;
            assert_eq!(row.days_overdue, overdue.then(|| (today - day(&a.3)).num_days()), "action {}", a.0);
            assert_eq!(row.days_taken, a.4.as_deref().map(|d| (day(d) - a.5).num_days().max(0)), "action {}", a.0);
        }
        // Soonest due first, by default.
        let due: Vec<&str> = all.rows.iter().map(|r| r.row.due_on.as_str()).collect();
        assert!(due.windows(2).all(|w| w[0] <= w[1]), "{due:?}");

        // Overdue only, one assignee, one type, a due range: each as counted here.
        let overdue = everything(ActionsReportQuery { overdue: "1".into(), ..Default::default() }).await;
        let mut ids: Vec<i64> = overdue.rows.iter().map(|r| r.row.id).collect();
        ids.sort();
        let expected: Vec<i64> = actions.iter().filter(|a| a.4.is_none() && a.3 < today_text).map(|a| a.0).collect();
        assert_eq!(ids, expected);
        let (_, kind, assignee, due_on, ..) = actions[0].clone();
        let narrowed = everything(ActionsReportQuery {
            types: kind.to_string(),
            assignee: assignee.to_string(),
            due_to: due_on.clone(),
            sort: "created".into(),
            dir: "desc".into(),
            ..Default::default()
        })
        .await;
        let mut ids: Vec<i64> = narrowed.rows.iter().map(|r| r.row.id).collect();
        ids.sort();
        let expected: Vec<i64> =
            actions.iter().filter(|a| a.1 == kind && a.2 == assignee && a.3 <= due_on).map(|a| a.0).collect();
        assert_eq!(ids, expected);
        assert!(narrowed.summary.contains("Assigned to: "), "{}", narrowed.summary);
        let completed = everything(ActionsReportQuery { status: "completed".into(), ..Default::default() }).await;
        assert_eq!(completed.total, all.completed);
        assert!(completed.rows.iter().all(|r| r.row.done_on.is_some()));

        for (query, says) in [
            (ActionsReportQuery { status: "open".into(), ..Default::default() }, "Status"),
            (ActionsReportQuery { types: "1,x".into(), ..Default::default() }, "Types"),
            (ActionsReportQuery { assignee: "424242".into(), ..Default::default() }, "Assigned to"),
            (ActionsReportQuery { person: "424242".into(), ..Default::default() }, "Person"),
            (ActionsReportQuery { due_from: "2026-05-02".into(), due_to: "2026-05-01".into(), ..Default::default() }, "Due from must be on or before Due to"),
            (ActionsReportQuery { done_to: "someday".into(), ..Default::default() }, "Done to"),
            (ActionsReportQuery { sort: "colour".into(), ..Default::default() }, "Sort"),
        ] {
            match actions_report(&store, &query, TZ, 10).await {
                Err(crate::error::AppError::Validation(msg)) => assert!(msg.starts_with(says), "{msg}"),
                other => panic!("{query:?} should be refused, got {other:?}"),
            }
        }
    }
}
