//! The log's date, source, posted-in-error and replies filters, on both
//! engines: every view walked page by page holds exactly the rows a plain
//! reading of the table says it should, for a reader who sees everything and
//! one who does not, in several orders and with search and the other filters.

use chrono::NaiveDate;

use super::*;
use crate::access::Role;
use crate::log::{ErrorFilter, Visibility};
use crate::recording::{Person, Source};

/// A row as the filters see it, read straight from the table.
#[derive(sqlx::FromRow)]
struct Facts {
    id: i64,
    access: String,
    occurred_at: i64,
    source: String,
    in_error: i64,
    reply: i64,
    type_id: i64,
    completed_by: i64,
}

/// Milliseconds of a UTC moment.
fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().timestamp_millis()
}

behaviours! {
    async fn the_log_filters_by_days_source_error_mark_and_replies_as_the_table_says(engine: Engine) {
        let store = seeded_store(engine, 80).await;
        let person = Person { id: 0, name: "Wilhelmina Quarrie".into(), ..Person::default() };
        let wil = store.add_person(&person, &by(1)).await.unwrap();
        let gp = type_id(&store, "GP visit").await;
        let record = |at: i64, source: Source, reply_to: Option<i64>, visibility: Visibility| {
            let store = &store;
            async move {
                store.create_interaction(&NewInteraction {
                    person_id: wil,
                    type_id: gp,
                    description: "Quarrie zebrafinch check".into(),
                    note: "Seen at the surgery.".into(),
                    occurred_at: at,
                    logged_by: 4,
                    completed_by: None,
                    reply_to,
                    source,
                    visibility,
                }).await.unwrap()
            }
        };
        // Around the clocks going forward in London (01:00 UTC, 29 March
        // 2026): local days are not UTC days.
        let late_28th = record(utc(2026, 3, 28, 23, 30), Source::Email, None, Visibility::AllStaff).await;
        let early_29th = record(utc(2026, 3, 29, 0, 30), Source::Email, None, Visibility::AllStaff).await;
        let late_29th = record(utc(2026, 3, 29, 22, 30), Source::Sms, Some(early_29th), Visibility::AllStaff).await;
        let early_30th = record(utc(2026, 3, 29, 23, 30), Source::Email, Some(late_28th), Visibility::Private).await;
        store.mark_posted_in_error(early_29th, "Wrong person", &all(), &by(4)).await.unwrap();
        store.mark_posted_in_error(early_30th, "Duplicate", &all(), &by(4)).await.unwrap();

        let facts: Vec<Facts> = sqlx::query_as(
            "SELECT id, access, occurred_at, source, CASE WHEN error_marked_at IS NULL THEN 0 ELSE 1 END AS in_error,
                    CASE WHEN reply_to IS NULL THEN 0 ELSE 1 END AS reply, type_id, completed_by
             FROM interactions",
        )
        .fetch_all(store.pool())
        .await
        .unwrap();
        let day = |f: &Facts| TZ.timestamp_millis_opt(f.occurred_at).unwrap().date_naive();
        let on = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(facts.iter().filter(|f| f.source != "staff").count() > 4, "the demo has captured rows of its own");
        assert!(facts.iter().any(|f| f.reply == 1 && f.source == "staff"), "the demo has replies of its own");

        type Keep = Box<dyn Fn(&Facts) -> bool>;
        let views: Vec<(LogQuery, Keep)> = vec![
            (
                LogQuery { from: "2026-03-29".into(), to: "2026-03-29".into(), ..Default::default() },
                Box::new(move |f| day(f) == on("2026-03-29")),
            ),
            (
                LogQuery { from: "2026-03-29".into(), to: "2026-03-29".into(), sort: SortColumn::Person, ..Default::default() },
                Box::new(move |f| day(f) == on("2026-03-29")),
            ),
            (LogQuery { to: "2026-03-28".into(), ..Default::default() }, Box::new(move |f| day(f) <= on("2026-03-28"))),
            (
                LogQuery { from: "2026-03-30".into(), dir: Some(SortDir::Asc), ..Default::default() },
                Box::new(move |f| day(f) >= on("2026-03-30")),
            ),
            (LogQuery { source: Some(Source::Email), ..Default::default() }, Box::new(|f| f.source == "email")),
            (
                LogQuery { source: Some(Source::Staff), sort: SortColumn::Type, ..Default::default() },
                Box::new(|f| f.source == "staff"),
            ),
            (LogQuery { posted_in_error: ErrorFilter::Only, ..Default::default() }, Box::new(|f| f.in_error == 1)),
            (
                LogQuery { posted_in_error: ErrorFilter::Hidden, sort: SortColumn::Description, ..Default::default() },
                Box::new(|f| f.in_error == 0),
            ),
            (LogQuery { replies_only: true, ..Default::default() }, Box::new(|f| f.reply == 1)),
            (
                LogQuery { replies_only: true, types: vec![gp], source: Some(Source::Email), ..Default::default() },
                Box::new(move |f| f.reply == 1 && f.type_id == gp && f.source == "email"),
            ),
            (
                LogQuery { q: "zebrafinch".into(), from: "2026-03-29".into(), ..Default::default() },
                Box::new(move |f| [early_29th, late_29th, early_30th].contains(&f.id)),
            ),
            (
                LogQuery { q: "zebrafinch".into(), posted_in_error: ErrorFilter::Hidden, ..Default::default() },
                Box::new(move |f| [late_28th, late_29th].contains(&f.id)),
            ),
            (
                LogQuery { q: "2026-03".into(), source: Some(Source::Sms), ..Default::default() },
                Box::new(move |f| f.id == late_29th),
            ),
            (
                LogQuery { completed_by: vec![4], posted_in_error: ErrorFilter::Only, person: Some(wil), ..Default::default() },
                Box::new(move |f| f.completed_by == 4 && f.in_error == 1 && [early_29th, early_30th].contains(&f.id)),
            ),
        ];
        let tom = store.reader(&member(3, Role::STAFF)).await.unwrap();
        let alex = store.reader(&member(1, Role::ADMIN)).await.unwrap();
        assert!(!tom.opens(&facts.iter().find(|f| f.id == early_30th).unwrap().access));
        for (query, keep) in &views {
            query.check().unwrap();
            let every = facts.iter().filter(|f| keep(f)).count();
            assert!(every > 0 && every < facts.len(), "{query:?} narrows the log to something");
            for reader in [&tom, &alex] {
                let mut expected: Vec<i64> =
                    facts.iter().filter(|f| keep(f) && reader.opens(&f.access)).map(|f| f.id).collect();
                expected.sort_unstable();
                for store in [&store, &store.clone().with_search_fetch_limit(0)] {
                    let (ids, total) = walk(store, query, reader).await;
                    let mut sorted = ids.clone();
                    sorted.sort_unstable();
                    sorted.dedup();
                    assert_eq!(sorted.len(), ids.len(), "{query:?}: no row twice");
                    assert_eq!((&sorted, total), (&expected, expected.len() as i64), "{query:?} for staff {}", reader.staff_id);
                    let count = store.count_view(query, reader, TZ).await.unwrap();
                    assert_eq!(count.total, expected.len() as i64, "{query:?}: its count after the page");
                }
                // An export holds the same rows.
                let export = store.export_interactions(query, reader, TZ, 100_000).await.unwrap();
                let mut exported: Vec<i64> = export.rows.iter().map(|r| r.id).collect();
                exported.sort_unstable();
                assert_eq!(exported, expected, "{query:?} exported");
            }
        }
    }

    async fn the_search_finds_words_in_notes_and_marks_them_there(engine: Engine) {
        let store = seeded_store(engine, 40).await;
        let person = Person { id: 0, name: "Kester Lowe".into(), ..Person::default() };
        let kester = store.add_person(&person, &by(1)).await.unwrap();
        let visit = type_id(&store, "Visit").await;
        let record = |description: &'static str, note: &'static str, visibility: Visibility| {
            let store = &store;
            async move {
                store.create_interaction(&NewInteraction {
                    person_id: kester,
                    type_id: visit,
                    description: description.into(),
                    note: note.into(),
                    occurred_at: now_millis() - 60_000,
                    logged_by: 4,
                    completed_by: None,
                    reply_to: None,
                    source: Source::Staff,
                    visibility,
                }).await.unwrap()
            }
        };
        let in_note = record("Visit w42x", "We talked about the kestrelbound housing plan at length.", Visibility::AllStaff).await;
        let in_description = record("Kestrelbound follow-up", "Nothing more to add.", Visibility::AllStaff).await;
        let hidden = record("Private chat", "A kestrelbound secret.", Visibility::Private).await;
        let tom = store.reader(&member(3, Role::STAFF)).await.unwrap();
        let search = |q: &'static str, reader: Reader, store: Store| async move {
            let query = LogQuery { q: q.into(), ..Default::default() };
            let page = store.list_interactions(&query, &reader, TZ).await.unwrap();
            let mut ids: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
            ids.sort_unstable();
            (ids, page.total, page.rows)
        };
        for store in [store.clone(), store.clone().with_search_fetch_limit(0)] {
            let (ids, total, rows) = search("kestrelbound", all(), store.clone()).await;
            assert_eq!((ids, total), (vec![in_note, in_description, hidden], 3));
            let snippet = |id: i64| rows.iter().find(|r| r.id == id).unwrap().snippet.clone();
            assert_eq!(
                snippet(in_note),
                vec![
                    ("We talked about the ".to_string(), false),
                    ("kestrelbound".to_string(), true),
                    (" housing plan at length.".to_string(), false),
                ]
            );
            assert!(snippet(in_description).is_empty(), "matched by its description: no snippet");
            // A note's words are no match for a reader who may not open it.
            let (ids, total, _) = search("kestrelbound", tom.clone(), store.clone()).await;
            assert_eq!((ids, total), (vec![in_note, in_description], 2));
            // One word in the description, the other in the note.
            let (ids, _, rows) = search("w42x kestrel", all(), store.clone()).await;
            assert_eq!(ids, vec![in_note]);
            assert!(rows[0].snippet.contains(&("kestrelbound".to_string(), true)));
        }
        // A rename keeps the note's words indexed and drops the old
        // description's (words with digits are never tags).
        store.rename_description(in_note, "Visit v57y", &all(), 1, now_millis()).await.unwrap();
        assert_eq!(search("kestrelbound", all(), store.clone()).await.1, 3);
        assert_eq!(search("w42x kestrelbound", all(), store.clone()).await.1, 0);
        assert_eq!(search("v57y kestrelbound", all(), store.clone()).await.0, vec![in_note]);
    }
}
