//! Store behaviour against real databases, fresh for every test: each
//! behaviour runs on SQLite and on PostgreSQL.

use std::cmp::Ordering;

use chrono_tz::Tz;

use super::*;
use chrono::{TimeZone, Utc};

use crate::log::PAGE_SIZE;
use sqlx::Row;

use crate::log::{LogQuery, PageAnchor, SortColumn, SortDir};
use crate::server::demo::seed_demo;
use crate::server::time::{display_time, iso_time, now_millis};

const TZ: Tz = chrono_tz::Europe::London;

/// A reader who may open every row.
fn all() -> Reader {
    Reader::everything()
}

/// A built-in role as the migrations define it (a test checks they agree).
fn built_in(id: i64) -> Role {
    use crate::access::Permission as P;
    let (name, permissions): (&str, &[P]) = match id {
        Role::ADMIN => ("Admin", &P::ALL),
        Role::MANAGER => (
            "Manager",
            &[
                P::ViewInteractions,
                P::CreateInteractions,
                P::RenameDescriptions,
                P::AssignActions,
                P::SeeAllActions,
                P::ViewReports,
            ],
        ),
        Role::STAFF => {
            ("Staff", &[P::ViewInteractions, P::CreateInteractions, P::RenameDescriptions, P::AssignActions])
        }
        _ => ("Read-only", &[P::ViewInteractions]),
    };
    Role { id, name: name.into(), permissions: permissions.iter().copied().collect(), built_in: true, version: 1 }
}

/// Staff member `id` holding built-in role `role`, as a server function's
/// caller.
fn member(id: i64, role: i64) -> StaffRecord {
    StaffRecord { id, name: format!("Staff {id}"), email: format!("staff{id}@example.org"), role: built_in(role) }
}

/// Staff member `id` acting now, for the audit log.
fn by(id: i64) -> Actor {
    Actor { id: Some(id), address: "192.0.2.1".into(), at: now_millis() }
}

/// Every audit event, oldest first: (action, subject, details).
async fn audit_actions(store: &Store) -> Vec<(String, String, String)> {
    sqlx::query("SELECT action, subject, details FROM audit_events ORDER BY id")
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get("action"), r.get("subject"), r.get("details")))
        .collect()
}

/// An admin, as the detail page's viewer.
fn admin() -> StaffRecord {
    StaffRecord { id: 1, name: "Admin".into(), email: "admin@example.org".into(), role: built_in(Role::ADMIN) }
}

impl Store {
    /// Records an interaction as staff do: through `record_interaction` and
    /// every check it makes (the person, the type's teams, a reply's person).
    async fn create_interaction(&self, new: &NewInteraction) -> Result<i64, StoreError> {
        self.record_interaction(new, None, now_millis()).await.map(|r| r.id)
    }
}

/// A store for one test: a fresh SQLite file, or a fresh database on the
/// PostgreSQL server named by `INTERLOG_TEST_POSTGRES_URL` (which
/// `scripts/test.sh` starts). Dropped with the test.
struct TestStore {
    store: Store,
    _dir: Option<tempfile::TempDir>,
}

impl std::ops::Deref for TestStore {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

async fn fresh_store(engine: Engine) -> TestStore {
    match engine {
        Engine::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite:{}", dir.path().join("interlog.db").display());
            TestStore { store: Store::open(&url).await.expect("open store"), _dir: Some(dir) }
        }
        Engine::Postgres => {
            static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let server = std::env::var("INTERLOG_TEST_POSTGRES_URL").expect(
                "the store tests run on PostgreSQL too: run scripts/test.sh (it starts a throwaway server), \
                 or set INTERLOG_TEST_POSTGRES_URL=postgres://user@host:port to a server where you may create databases",
            );
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let url = format!("{}/interlog_test_{}_{n}", server.trim_end_matches('/'), std::process::id());
            TestStore { store: Store::open(&url).await.expect("open store on PostgreSQL"), _dir: None }
        }
    }
}

async fn seeded_store(engine: Engine, interactions: usize) -> TestStore {
    let store = fresh_store(engine).await;
    seed_demo(&store, 30, interactions, 11).await.expect("seed");
    store
}

/// One behaviour suite, two engines: each test below runs once on SQLite
/// (`store::tests::sqlite::…`) and once on PostgreSQL (`…::postgres::…`).
macro_rules! behaviours {
    ($(async fn $name:ident($engine:ident: Engine) $body:block)*) => {
        $(async fn $name($engine: Engine) $body)*
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
              async fn $name() { super::$name(super::Engine::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
              async fn $name() { super::$name(super::Engine::Postgres).await })*
        }
    };
}

/// Every id a reader finds by walking a view's pages to the end, and the
/// total each page reported.
async fn walk(store: &Store, query: &LogQuery, reader: &Reader) -> (Vec<i64>, i64) {
    let mut query = query.clone();
    let mut ids = Vec::new();
    loop {
        let page = store.list_interactions(&query, reader, TZ).await.unwrap();
        ids.extend(page.rows.iter().map(|r| r.id));
        match page.next_anchor() {
            Some(anchor) => query = query.with_page(anchor),
            None => return (ids, page.total),
        }
    }
}

/// One integer from a query.
async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(store.pool()).await.unwrap()
}

/// The id of the interaction type with this name.
async fn type_id(store: &Store, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM interaction_types WHERE name = $1")
        .bind(name)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

mod actions;
mod log_filters;
mod notes;
mod people;
mod reports;
mod roles;
mod staff;
mod types;
mod visibility;

/// Everything the reference ordering needs, straight from the tables.
#[derive(Debug, Clone)]
struct Ref {
    id: i64,
    occurred: i64,
    description: String,
    tags: String,
    note: String,
    type_key: String,
    type_id: i64,
    person: String,
    person_id: i64,
    staff: String,
    staff_id: i64,
    completer: String,
    completer_id: i64,
}

async fn reference_rows(store: &Store) -> Vec<Ref> {
    sqlx::query_as::<_, (i64, i64, String, String, String, i64, String, i64, String, i64, String, i64, String)>(
        "SELECT i.id, i.occurred_at, i.description, i.tags, t.sort_key, t.id, p.name, p.id, s.name, s.id, c.name, c.id, i.note
         FROM interactions i JOIN interaction_types t ON t.id = i.type_id
         JOIN people p ON p.id = i.person_id JOIN staff_members s ON s.id = i.logged_by
         JOIN staff_members c ON c.id = i.completed_by",
    )
    .fetch_all(store.pool())
    .await
    .unwrap()
    .into_iter()
    .map(|r| Ref {
        id: r.0,
        occurred: r.1,
        description: r.2,
        tags: r.3,
        type_key: r.4,
        type_id: r.5,
        person: r.6,
        person_id: r.7,
        staff: r.8,
        staff_id: r.9,
        completer: r.10,
        completer_id: r.11,
        note: r.12,
    })
    .collect()
}

fn nocase(s: &str) -> String {
    s.to_ascii_lowercase()
}

/// The order the log promises, written independently of the SQL.
fn expected_order(mut rows: Vec<Ref>, column: SortColumn, dir: SortDir) -> Vec<i64> {
    let newest_first = |a: &Ref, b: &Ref| b.occurred.cmp(&a.occurred).then(b.id.cmp(&a.id));
    let flip = |o: Ordering| if dir == SortDir::Desc { o.reverse() } else { o };
    rows.sort_by(|a, b| match column {
        SortColumn::Timestamp => flip(a.occurred.cmp(&b.occurred).then(a.id.cmp(&b.id))),
        SortColumn::Description => flip(nocase(&a.description).cmp(&nocase(&b.description)).then(a.id.cmp(&b.id))),
        SortColumn::Type => flip(a.type_key.cmp(&b.type_key).then(a.type_id.cmp(&b.type_id))).then(newest_first(a, b)),
        SortColumn::Person => {
            flip(nocase(&a.person).cmp(&nocase(&b.person)).then(a.person_id.cmp(&b.person_id))).then(newest_first(a, b))
        }
        SortColumn::CompletedBy => {
            flip(nocase(&a.completer).cmp(&nocase(&b.completer)).then(a.completer_id.cmp(&b.completer_id)))
                .then(newest_first(a, b))
        }
        SortColumn::LoggedBy => {
            flip(nocase(&a.staff).cmp(&nocase(&b.staff)).then(a.staff_id.cmp(&b.staff_id))).then(newest_first(a, b))
        }
    });
    rows.into_iter().map(|r| r.id).collect()
}

/// Walks every page forwards, then back again, returning the ids seen.
async fn walk_pages(store: &Store, base: &LogQuery) -> (Vec<i64>, Vec<Vec<i64>>) {
    walk_pages_counting(store, base, Counting::WithPage).await
}

async fn walk_pages_counting(store: &Store, base: &LogQuery, counting: Counting) -> (Vec<i64>, Vec<Vec<i64>>) {
    let mut pages: Vec<Vec<i64>> = Vec::new();
    let mut query = base.clone();
    loop {
        let page = store.list_interactions_counting(&query, &all(), TZ, counting).await.unwrap();
        assert!(page.rows.len() <= PAGE_SIZE);
        pages.push(page.rows.iter().map(|r| r.id).collect());
        match page.next_anchor() {
            Some(anchor) => query = base.with_page(anchor),
            None => break,
        }
        assert!(pages.len() < 10_000, "paging never ends");
    }
    // And backwards from the last page to the first.
    let mut back_pages = vec![pages.last().cloned().unwrap_or_default()];
    let mut first_id = pages.last().and_then(|p| p.first().copied());
    while let Some(id) = first_id {
        let before = base.with_page(PageAnchor::Before(id));
        let page = store.list_interactions_counting(&before, &all(), TZ, counting).await.unwrap();
        if page.rows.is_empty() {
            break;
        }
        back_pages.push(page.rows.iter().map(|r| r.id).collect());
        first_id = if page.has_previous { page.rows.first().map(|r| r.id) } else { None };
    }
    back_pages.reverse();
    (pages.concat(), back_pages)
}

/// The rows a search word matches, found without either engine's full-text
/// search: some word of the description, tags or note (split on anything
/// but letters and digits, ignoring case) starts with it.
fn rows_matching(reference: &[Ref], prefix: &str) -> Vec<i64> {
    reference
        .iter()
        .filter(|r| {
            format!("{} {} {}", r.description, r.tags, r.note)
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w.to_lowercase().starts_with(prefix))
        })
        .map(|r| r.id)
        .collect()
}

behaviours! {
    async fn demo_data_is_realistic_and_counted(engine: Engine) {
        let store = seeded_store(engine, 600).await;
        let page = store.list_interactions(&LogQuery::default(), &all(), TZ).await.unwrap();
        assert_eq!(page.total, 600);
        assert_eq!(page.rows.len(), PAGE_SIZE);
        assert!(page.has_next && !page.has_previous);
        let types = store.interaction_types(false).await.unwrap();
        assert_eq!(types.len(), 8);
        assert!(page.rows.iter().all(|r| r.kind.colour.starts_with('#')));
        assert!(page.rows.iter().any(|r| !r.tags.is_empty()));
        let renamed: i64 = sqlx::query_scalar("SELECT count(DISTINCT interaction_id) FROM description_revisions")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert!(renamed >= 1, "demo data has renamed descriptions");
    }

    async fn every_sort_pages_through_every_row_once_in_order(engine: Engine) {
        let store = seeded_store(engine, 430).await;
        let reference = reference_rows(&store).await;
        for column in SortColumn::ALL {
            for dir in [SortDir::Asc, SortDir::Desc] {
                let base = LogQuery { sort: column, dir: Some(dir), ..Default::default() };
                let (forward, back_pages) = walk_pages(&store, &base).await;
                let expected = expected_order(reference.clone(), column, dir);
                assert_eq!(forward, expected, "order for {column:?} {dir:?}");
                assert_eq!(back_pages.concat(), expected, "backwards paging for {column:?} {dir:?}");
            }
        }
    }

    async fn searches_page_the_same_whether_matches_are_fetched_or_walked(engine: Engine) {
        let store = seeded_store(engine, 430).await;
        let reference = reference_rows(&store).await;
        let matched = rows_matching(&reference, "call");
        assert!(matched.len() > 60, "enough matches for two pages");
        let fetch = store.clone().with_search_fetch_limit(i64::MAX);
        let walk = store.clone().with_search_fetch_limit(0);
        for column in SortColumn::ALL {
            for dir in [SortDir::Asc, SortDir::Desc] {
                let base = LogQuery { q: "call".into(), sort: column, dir: Some(dir), ..Default::default() };
                let expected: Vec<i64> =
                    expected_order(reference.clone(), column, dir).into_iter().filter(|id| matched.contains(id)).collect();
                for (name, s) in [("fetched", &fetch), ("walked", &walk)] {
                    let (forward, back_pages) = walk_pages(s, &base).await;
                    assert_eq!(forward, expected, "{name} search order for {column:?} {dir:?}");
                    assert_eq!(back_pages.concat(), expected, "{name} backwards for {column:?} {dir:?}");
                    let page = s.list_interactions(&base, &all(), TZ).await.unwrap();
                    assert_eq!(page.total as usize, matched.len());
                }
            }
        }
    }

    async fn a_broad_search_can_show_its_page_before_its_count(engine: Engine) {
        let store = seeded_store(engine, 430).await;
        let reference = reference_rows(&store).await;
        for (q, dir) in [("call", SortDir::Desc), ("call", SortDir::Asc), ("fo", SortDir::Desc), ("zzqx", SortDir::Desc)] {
            let matched = rows_matching(&reference, q);
            let base = LogQuery { q: q.into(), dir: Some(dir), ..Default::default() };
            let expected: Vec<i64> = expected_order(reference.clone(), SortColumn::Timestamp, dir)
                .into_iter()
                .filter(|id| matched.contains(id))
                .collect();
            // Walked within its window, or (too few matches there) fetched.
            let (forward, back_pages) = walk_pages_counting(&store, &base, Counting::AfterSlowPages).await;
            assert_eq!(forward, expected, "{q} {dir:?}");
            assert_eq!(back_pages.concat(), expected, "{q} backwards");
            let first = store.list_interactions_counting(&base, &all(), TZ, Counting::AfterSlowPages).await.unwrap();
            // Words alone in time order: the page comes first on both engines.
            assert!(first.total_pending, "{q}");
            let count = store.count_view(&base, &all(), TZ).await.unwrap();
            assert_eq!((count.total as usize, count.capped), (matched.len(), false), "{q}");
        }
        // Other orders, a person's log and a capped count come with theirs.
        let capped = store.clone().with_count_limit(5).with_search_fetch_limit(0);
        for query in [
            LogQuery { q: "call".into(), sort: SortColumn::Person, ..Default::default() },
            LogQuery { q: "call".into(), person: Some(reference[0].person_id), ..Default::default() },
            LogQuery { q: "call".into(), count_all: true, ..Default::default() },
        ] {
            let page = store.list_interactions_counting(&query, &all(), TZ, Counting::AfterSlowPages).await.unwrap();
            assert!(!page.total_pending, "{query:?}");
        }
        let query = LogQuery { q: "call".into(), ..Default::default() };
        let count = capped.count_view(&query, &all(), TZ).await.unwrap();
        assert_eq!((count.total, count.capped), (5, true), "stops past the limit");
    }

    async fn searches_in_time_order_keep_rows_of_the_same_moment_in_recording_order(engine: Engine) {
        let store = seeded_store(engine, 100).await;
        // Recorded out of time order, many to each moment, with a word the
        // demo data never uses; one moment in another month.
        let moments = [
            Utc.with_ymd_and_hms(2026, 3, 14, 9, 0, 0).unwrap().timestamp_millis(),
            Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap().timestamp_millis(),
            Utc.with_ymd_and_hms(2026, 3, 20, 17, 45, 0).unwrap().timestamp_millis(),
            Utc.with_ymd_and_hms(2026, 4, 1, 8, 0, 0).unwrap().timestamp_millis(),
        ];
        for round in 0..130 {
            let occurred_at = moments[round % moments.len()];
            let new = NewInteraction {
                person_id: 1 + (round as i64 % 3),
                type_id: 1,
                description: format!("Zebrafish visit {round}"),
                note: String::new(),
                occurred_at,
                logged_by: 1,
                completed_by: None,
                reply_to: None,
                source: crate::recording::Source::Staff,
                visibility: Default::default(),
            };
            store.create_interaction(&new).await.unwrap();
        }
        let reference = reference_rows(&store).await;
        let matched = rows_matching(&reference, "zebra");
        assert_eq!(matched.len(), 130);
        let march = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap().timestamp_millis();
        for dir in [SortDir::Desc, SortDir::Asc] {
            let expected: Vec<i64> = expected_order(reference.clone(), SortColumn::Timestamp, dir)
                .into_iter()
                .filter(|id| matched.contains(id))
                .collect();
            let base = LogQuery { q: "zebra".into(), dir: Some(dir), ..Default::default() };
            let (forward, back_pages) = walk_pages(&store, &base).await;
            assert_eq!(forward, expected, "search in time order {dir:?}");
            assert_eq!(back_pages.concat(), expected, "backwards {dir:?}");
            // A month bounds the search: April's moment is left out.
            let in_march: Vec<i64> = expected
                .iter()
                .copied()
                .filter(|id| reference.iter().any(|r| r.id == *id && r.occurred < march))
                .collect();
            assert_eq!(in_march.len(), 98);
            let month = LogQuery { q: "zebra 2026-03".into(), dir: Some(dir), ..Default::default() };
            let page = store.list_interactions(&month, &all(), TZ).await.unwrap();
            assert_eq!(page.total, 98, "a month's matches counted {dir:?}");
            let (forward, _) = walk_pages(&store, &month).await;
            assert_eq!(forward, in_march, "a month's matches {dir:?}");
        }
    }

    async fn counts_stop_at_the_limit_unless_asked_for_all(engine: Engine) {
        let store = seeded_store(engine, 430).await;
        let reference = reference_rows(&store).await;
        let matched = rows_matching(&reference, "call");
        assert!(matched.len() > 40);
        let small = store.clone().with_count_limit(40).with_search_fetch_limit(0);
        let search = LogQuery { q: "call".into(), ..Default::default() };
        let page = small.list_interactions(&search, &all(), TZ).await.unwrap();
        assert_eq!((page.total, page.total_capped), (40, true), "a broad search says \"more than\"");
        assert_eq!(page.rows.len(), PAGE_SIZE, "the page itself is whole");
        let (walked, _) = walk_pages(&small, &search).await;
        assert_eq!(walked.len(), matched.len(), "every match can still be paged to");
        let all_of_them = small.list_interactions(&LogQuery { count_all: true, ..search.clone() }, &all(), TZ).await.unwrap();
        assert_eq!((all_of_them.total as usize, all_of_them.total_capped), (matched.len(), false));
        assert_eq!(all_of_them.rows, page.rows);
        // A count that costs nothing stays exact, however large.
        let everything = small.list_interactions(&LogQuery::default(), &all(), TZ).await.unwrap();
        assert_eq!((everything.total, everything.total_capped), (430, false));
        // An export counts to its own limit, not the page's.
        let export = small.export_interactions(&search, &all(), TZ, 100_000).await.unwrap();
        assert_eq!(export.rows.len(), matched.len());
        let over = small.export_interactions(&search, &all(), TZ, 30).await.unwrap();
        assert!(over.total > 30 && over.rows.is_empty(), "a view over the limit exports nothing");
    }

    async fn search_with_type_filter_and_person_counts_exactly(engine: Engine) {
        let store = seeded_store(engine, 430).await;
        let reference = reference_rows(&store).await;
        let matched = rows_matching(&reference, "call");
        let person = reference[3].person_id;
        for (types, scope) in [(vec![1, 2], None), (vec![], Some(person)), (vec![1], Some(person))] {
            let expected: Vec<i64> = expected_order(reference.clone(), SortColumn::Timestamp, SortDir::Desc)
                .into_iter()
                .filter(|id| matched.contains(id))
                .filter(|id| {
                    let r = reference.iter().find(|r| r.id == *id).unwrap();
                    (types.is_empty() || types.contains(&r.type_id)) && scope.is_none_or(|p| p == r.person_id)
                })
                .collect();
            for limit in [0, i64::MAX] {
                let s = store.clone().with_search_fetch_limit(limit);
                let query = LogQuery { q: "call".into(), types: types.clone(), person: scope, ..Default::default() };
                let (ids, _) = walk_pages(&s, &query).await;
                assert_eq!(ids, expected, "{types:?} {scope:?} limit {limit}");
                let page = s.list_interactions(&query, &all(), TZ).await.unwrap();
                assert_eq!(page.total as usize, expected.len(), "{types:?} {scope:?}");
            }
        }
    }

    async fn type_filter_and_person_scope_narrow_the_log(engine: Engine) {
        let store = seeded_store(engine, 300).await;
        let reference = reference_rows(&store).await;
        let query = LogQuery { types: vec![1, 3], sort: SortColumn::Person, ..Default::default() };
        let (ids, _) = walk_pages(&store, &query).await;
        let expected: Vec<i64> = expected_order(reference.clone(), SortColumn::Person, SortDir::Asc)
            .into_iter()
            .filter(|id| reference.iter().any(|r| r.id == *id && (r.type_id == 1 || r.type_id == 3)))
            .collect();
        assert_eq!(ids, expected);
        let page = store.list_interactions(&query, &all(), TZ).await.unwrap();
        assert_eq!(page.total as usize, expected.len());

        let person = reference[0].person_id;
        let scoped = LogQuery { person: Some(person), ..Default::default() };
        let page = store.list_interactions(&scoped, &all(), TZ).await.unwrap();
        let mine = reference.iter().filter(|r| r.person_id == person).count();
        assert_eq!(page.total as usize, mine);
        assert!(page.rows.iter().all(|r| r.person_id == person));
    }

    async fn search_matches_words_prefixes_tags_ids_and_dates(engine: Engine) {
        let store = fresh_store(engine).await;
        seed_demo(&store, 5, 1, 3).await.unwrap();
        let make = |description: &str, note: &str, occurred: i64| NewInteraction {
            person_id: 1,
            type_id: 1,
            description: description.into(),
            note: note.into(),
            occurred_at: occurred,
            logged_by: 1,
            completed_by: None,
            reply_to: None,
            source: crate::recording::Source::Staff,
            visibility: Default::default(),
        };
        // 14 March 2026 23:30 UTC is 14 March in London (GMT).
        let march = Utc.with_ymd_and_hms(2026, 3, 14, 23, 30, 0).unwrap().timestamp_millis();
        let april = Utc.with_ymd_and_hms(2026, 4, 2, 9, 0, 0).unwrap().timestamp_millis();
        let a = store
            .create_interaction(&make("Housing benefit form", "Helped with the housing benefit renewal.", march))
            .await
            .unwrap();
        let b = store
            .create_interaction(&make("Dentist appointment", "Booked a dentist appointment about toothache.", april))
            .await
            .unwrap();
        let search = |q: &str| {
            let store = store.clone();
            let q = q.to_string();
            async move {
                let page = store.list_interactions(&LogQuery { q, ..Default::default() }, &all(), TZ).await.unwrap();
                let mut ids: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
                ids.sort();
                assert_eq!(page.total as usize, ids.len());
                ids
            }
        };
        assert_eq!(search("housing").await, vec![a]);
        assert_eq!(search("hous").await, vec![a], "prefix while typing");
        assert_eq!(search("HOUSING form").await, vec![a], "case-insensitive, all words");
        assert_eq!(search("housing dentist").await, Vec::<i64>::new());
        assert_eq!(search("toothache").await, vec![b], "tags come from the note");
        assert_eq!(search(&b.to_string()).await, vec![b], "id");
        assert_eq!(search("2026-03").await, vec![a], "month");
        assert_eq!(search("2026-03-14").await, vec![a], "day in the organisation's zone");
        assert_eq!(search("2026-04 dentist").await, vec![b]);
        assert_eq!(search("\"unbalanced ( AND").await, Vec::<i64>::new(), "FTS syntax is not interpreted");
        // Both engines read text alike: accents, case and punctuation.
        let c = store
            .create_interaction(&make("Café meeting: drop-in for O'Brien", "Talked it through.", april))
            .await
            .unwrap();
        for q in ["cafe", "CAFÉ", "café", "brien", "drop-in", "drop in", "o'brien meet"] {
            assert_eq!(search(q).await, vec![c], "{q}");
        }
        assert_eq!(search("cafés").await, Vec::<i64>::new(), "the whole word must be there");
        // A search word is a prefix whether or not a longer word is indexed
        // (SQLite looks a word up as itself only when none is).
        assert_eq!(search("benefit").await, vec![a]);
        let d = store.create_interaction(&make("Benefits advice", "Went through the forms.", april)).await.unwrap();
        assert_eq!(search("benefit").await, vec![a, d], "a longer word starting with it");
        assert_eq!(search("benefits").await, vec![d]);
        assert_eq!(search("benefit housing").await, vec![a]);
        assert_eq!(search("!!! ???").await.len(), 5, "no words: no search, every row");
    }

    async fn rename_keeps_a_revision_and_marks_the_row(engine: Engine) {
        let store = seeded_store(engine, 20).await;
        let id = 5;
        let before = store.log_row(id, &all(), TZ).await.unwrap().unwrap();
        store.rename_description(id, "Call about rent arrears", &all(), 2, 1_000).await.unwrap();
        let after = store.log_row(id, &all(), TZ).await.unwrap().unwrap();
        assert_eq!(after.description, "Call about rent arrears");
        assert!(after.renamed);
        let detail = store.interaction_detail(id, &admin(), &all(), TZ).await.unwrap().unwrap();
        let last = detail.revisions.last().unwrap();
        assert_eq!(last.old_description, before.description);
        assert_eq!(last.new_description, "Call about rent arrears");
        assert_eq!(last.revised_at, "1970-01-01T00:00:01Z");
        // The same text again is not a rename.
        let revisions = detail.revisions.len();
        store.rename_description(id, "Call about rent arrears", &all(), 2, 2_000).await.unwrap();
        let detail = store.interaction_detail(id, &admin(), &all(), TZ).await.unwrap().unwrap();
        assert_eq!(detail.revisions.len(), revisions);
        // Search finds the new words, not the old.
        let found = store.list_interactions(&LogQuery { q: "arrears".into(), ..Default::default() }, &all(), TZ).await.unwrap();
        assert!(found.rows.iter().any(|r| r.id == id));
        assert!(matches!(store.rename_description(999_999, "x", &all(), 1, 0).await, Err(StoreError::NotFound)));
    }

    async fn concurrent_renames_keep_an_unbroken_chain_of_revisions(engine: Engine) {
        let store = seeded_store(engine, 10).await;
        let id = 4;
        let before = store.interaction_detail(id, &admin(), &all(), TZ).await.unwrap().unwrap();
        // Four writers rename the same interaction at once, ten times each.
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let store = store.clone();
                tokio::spawn(async move {
                    for k in 0..10 {
                        store.rename_description(id, &format!("Writer {w} take {k}"), &all(), 1, k).await.unwrap();
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.await.unwrap();
        }
        // Every rename saw the text the one before it left: nothing lost.
        let after = store.interaction_detail(id, &admin(), &all(), TZ).await.unwrap().unwrap();
        let new = &after.revisions[before.revisions.len()..];
        assert_eq!(new.len(), 40);
        assert_eq!(new[0].old_description, before.row.description);
        for pair in new.windows(2) {
            assert_eq!(pair[0].new_description, pair[1].old_description, "a rename was lost");
        }
        assert_eq!(new[39].new_description, after.row.description);
    }

    async fn the_database_refuses_to_delete_or_rewrite_the_record(engine: Engine) {
        let store = seeded_store(engine, 10).await;
        let pool = store.pool();
        let mut refused = vec!["DELETE FROM interactions WHERE id = 1", "DELETE FROM interactions"];
        if engine == Engine::Postgres {
            refused.push("TRUNCATE interactions CASCADE");
        }
        for sql in refused {
            let err = sqlx::query(sql).execute(pool).await.unwrap_err();
            assert!(err.to_string().contains("cannot be deleted"), "{sql}: {err}");
        }
        for (column, value) in [
            ("note", "note || ' rewritten'"),
            ("occurred_at", "occurred_at + 1"),
            ("logged_at", "logged_at - 1"),
            ("logged_by", "logged_by + 1"),
            ("completed_by", "completed_by + 1"),
            ("person_id", "person_id + 1"),
            ("type_id", "type_id + 1"),
            ("tags", "tags || ' extra'"),
            ("reply_to", "COALESCE(reply_to, 0) + 1"),
            ("source", "'email'"),
            ("id", "id + 1000"),
        ] {
            let sql = format!("UPDATE interactions SET {column} = {value} WHERE id = 3");
            let err = sqlx::query(&sql).execute(pool).await.unwrap_err();
            assert!(err.to_string().contains("only the description"), "{column}: {err}");
        }
        // The reversible mark is not part of the record: it may change.
        sqlx::query("UPDATE interactions SET error_reason = 'test', error_marked_by = 1, error_marked_at = 5 WHERE id = 3")
            .execute(pool)
            .await
            .unwrap();
        store.rename_description(1, "A better description", &all(), 1, 5).await.unwrap();
        let err = sqlx::query("UPDATE description_revisions SET new_description = 'x'").execute(pool).await.unwrap_err();
        assert!(err.to_string().contains("cannot be changed"), "{err}");
        let err = sqlx::query("DELETE FROM description_revisions").execute(pool).await.unwrap_err();
        assert!(err.to_string().contains("cannot be deleted"), "{err}");
        if engine == Engine::Postgres {
            let err = sqlx::query("TRUNCATE description_revisions").execute(pool).await.unwrap_err();
            assert!(err.to_string().contains("cannot be deleted"), "{err}");
        }
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM interactions").fetch_one(pool).await.unwrap();
        assert_eq!(count, 10);
    }

    async fn detail_shows_replies_both_ways_and_unknown_is_none(engine: Engine) {
        let store = seeded_store(engine, 5).await;
        // A reply is about the person its original is about.
        let person_id = store.log_row(2, &all(), TZ).await.unwrap().unwrap().person_id;
        let reply = store
            .create_interaction(&NewInteraction {
                person_id,
                type_id: 2,
                description: "Follow-up email".into(),
                note: "Sent the form we promised on the call.".into(),
                occurred_at: now_millis(),
                logged_by: 1,
                completed_by: None,
                reply_to: Some(2),
                source: crate::recording::Source::Staff,
                visibility: Default::default(),
            })
            .await
            .unwrap();
        let detail = store.interaction_detail(reply, &admin(), &all(), TZ).await.unwrap().unwrap();
        assert_eq!(detail.reply_to.as_ref().map(|l| l.id), Some(2));
        assert!(!detail.row.tags.is_empty(), "tags extracted on create");
        let original = store.interaction_detail(2, &admin(), &all(), TZ).await.unwrap().unwrap();
        assert!(original.replies.iter().any(|r| r.id == reply));
        assert!(store.interaction_detail(424_242, &admin(), &all(), TZ).await.unwrap().is_none());
    }

    async fn a_missing_anchor_falls_back_to_the_first_page(engine: Engine) {
        let store = seeded_store(engine, 80).await;
        let first = store.list_interactions(&LogQuery::default(), &all(), TZ).await.unwrap();
        let bogus =
            store.list_interactions(&LogQuery::default().with_page(PageAnchor::After(9_999_999)), &all(), TZ).await.unwrap();
        assert_eq!(first.rows, bogus.rows);
    }

    async fn an_export_holds_the_whole_view_in_its_order(engine: Engine) {
        // More rows than one export chunk (1,000), so the walk crosses chunks.
        let store = seeded_store(engine, 1_240).await;
        let reference = reference_rows(&store).await;
        for column in SortColumn::ALL {
            for dir in [SortDir::Asc, SortDir::Desc] {
                let query = LogQuery { sort: column, dir: Some(dir), ..Default::default() };
                let export = store.export_interactions(&query, &all(), TZ, 100_000).await.unwrap();
                let ids: Vec<i64> = export.rows.iter().map(|r| r.id).collect();
                assert_eq!(ids, expected_order(reference.clone(), column, dir), "export order for {column:?} {dir:?}");
                assert_eq!(export.total, 1_240);
            }
        }
        // A search, fetched or walked, then a type filter and one person:
        // exactly the rows the log pages through.
        let person = reference[5].person_id;
        let views = [
            LogQuery { q: "call".into(), sort: SortColumn::Person, ..Default::default() },
            LogQuery { types: vec![1, 3], sort: SortColumn::Type, dir: Some(SortDir::Desc), ..Default::default() },
            LogQuery { person: Some(person), ..Default::default() },
        ];
        for s in [store.clone().with_search_fetch_limit(i64::MAX), store.clone().with_search_fetch_limit(0)] {
            for view in &views {
                let (paged, _) = walk_pages(&s, view).await;
                let export = s.export_interactions(view, &all(), TZ, 100_000).await.unwrap();
                assert!(!paged.is_empty());
                assert_eq!(export.rows.iter().map(|r| r.id).collect::<Vec<_>>(), paged, "{view:?}");
                assert_eq!(export.total as usize, paged.len());
            }
        }
        // Over the limit: the count, and no rows rather than some of them.
        let over = store.export_interactions(&LogQuery::default(), &all(), TZ, 1_000).await.unwrap();
        assert_eq!((over.total, over.rows.len()), (1_240, 0));
    }
}

#[test]
fn search_parsing_quotes_words_and_reads_dates() {
    let s = parse_search("GP \"visit", TZ);
    assert_eq!(s.words, ["gp", "visit"]);
    assert_eq!(fts_expression(&s, &[], None, &all()), "{description tags note} : (\"gp\"* AND \"visit\"*)");
    // A word the index holds no longer word starting with matches as itself.
    let s = Search { whole: vec!["visit".into()], ..s };
    assert_eq!(fts_expression(&s, &[], None, &all()), "{description tags note} : (\"gp\"* AND \"visit\")");
    let s = parse_search("2026-13", TZ);
    assert!(s.ranges.is_empty(), "no month 13");
    let s = parse_search("2026-07-01", TZ);
    // Midnight in London in summer is 23:00 UTC the day before.
    assert_eq!(s.ranges[0].0, Utc.with_ymd_and_hms(2026, 6, 30, 23, 0, 0).unwrap().timestamp_millis());
    assert_eq!(parse_search("  ", TZ), Search::default());
    assert_eq!(parse_search("a", TZ), Search::default(), "one letter is not a search yet");
}

#[test]
fn the_engine_comes_from_the_url() {
    assert_eq!(Engine::from_url("sqlite:data/interlog.db").unwrap(), Engine::Sqlite);
    assert_eq!(Engine::from_url("postgres://app@db.internal/interlog").unwrap(), Engine::Postgres);
    assert_eq!(Engine::from_url("postgresql://app@db.internal/interlog").unwrap(), Engine::Postgres);
    let err = Engine::from_url("mysql://localhost/interlog").unwrap_err();
    assert!(err.to_string().contains("sqlite: (a file) or postgres://"), "{err}");
}

#[test]
fn times_display_in_the_organisation_zone() {
    let ms = Utc.with_ymd_and_hms(2026, 7, 1, 12, 5, 0).unwrap().timestamp_millis();
    assert_eq!(display_time(ms, TZ), "01 Jul 2026 13:05");
    assert_eq!(iso_time(ms), "2026-07-01T12:05:00Z");
}

/// SQLite gathers the planner's statistics when the store opens, before the
/// pool has a connection, never under a live pool: an ANALYZE there made the
/// next write on another pooled connection fail once with "no such table".
#[tokio::test]
async fn sqlite_statistics_are_gathered_on_opening_not_under_a_live_pool() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("interlog.db").display());
    let stat_rows = |store: Store| async move {
        let exists = count(&store, "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").await;
        let n = if exists == 1 {
            count(&store, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'interactions'").await
        } else {
            0
        };
        store.close().await;
        n
    };
    let store = Store::open(&url).await.unwrap();
    seed_demo(&store, 30, 400, 5).await.unwrap();
    assert_eq!(stat_rows(store).await, 0, "seeding must not analyse under the open pool");
    let reopened = Store::open(&url).await.unwrap();
    // The seeded store is written through this pool without a failure...
    let written = reopened
        .create_interaction(&NewInteraction {
            person_id: 1,
            type_id: 1,
            description: "After reopening".into(),
            note: "Written once the statistics were gathered.".into(),
            occurred_at: now_millis() - 60_000,
            logged_by: 1,
            completed_by: None,
            reply_to: None,
            source: crate::recording::Source::Staff,
            visibility: Default::default(),
        })
        .await;
    assert!(written.is_ok(), "{written:?}");
    // ...and its indexes on `interactions` now have statistics.
    assert!(stat_rows(reopened).await > 0, "opening analyses the seeded tables");
}
