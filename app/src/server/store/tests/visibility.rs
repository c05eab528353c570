//! Record visibility on every read path, on both engines. Staff are the
//! demo's: 1 Alex (admin: sees restricted records), 2 Priya (manager;
//! Casework, Family support), 3 Tom (staff, Casework), 4 Grace (staff,
//! Health and wellbeing), 8 Ellie (staff; Casework, Health and wellbeing).

use super::*;
use crate::access::Role;
use crate::log::Visibility;
use crate::recording::Person;

behaviours! {
    async fn restricted_records_stay_hidden_on_every_read_path(engine: Engine) {
        let store = seeded_store(engine, 60).await;
        let health: i64 = sqlx::query_scalar("SELECT id FROM teams WHERE name = 'Health and wellbeing'")
            .fetch_one(store.pool()).await.unwrap();
        let person = Person { id: 0, name: "Vera Quillfeather".into(), email: None, phone: None, ..Person::default() };
        let vera = store.add_person(&person, &by(1)).await.unwrap();
        let gp = type_id(&store, "GP visit").await;
        let record = |description: &'static str, visibility: Visibility, reply_to: Option<i64>| {
            let store = &store;
            async move {
                store.create_interaction(&NewInteraction {
                    person_id: vera,
                    type_id: gp,
                    description: description.into(),
                    note: format!("{description}: zebracorn blood pressure notes."),
                    occurred_at: now_millis() - 3_600_000,
                    logged_by: 4,
                    completed_by: None,
                    reply_to,
                    source: crate::recording::Source::Staff,
                    visibility,
                }).await.unwrap()
            }
        };
        let team_only = record("Zebracorn team visit", Visibility::Teams(vec![health]), None).await;
        let private = record("Zebracorn private thought", Visibility::Private, None).await;
        let open = record("Zebracorn open call", Visibility::AllStaff, None).await;
        let reply = record("Zebracorn reply for all", Visibility::AllStaff, Some(team_only)).await;
        let hidden_reply = record("Zebracorn private reply", Visibility::Private, Some(open)).await;
        store.mark_posted_in_error(team_only, "Zebracorn reason", &Reader::everything(), &by(4)).await.unwrap();

        let tom_staff = member(3, Role::STAFF);
        let tom = store.reader(&tom_staff).await.unwrap();
        let grace = store.reader(&member(4, Role::STAFF)).await.unwrap();
        let ellie = store.reader(&member(8, Role::STAFF)).await.unwrap();
        let alex = store.reader(&member(1, Role::ADMIN)).await.unwrap();
        assert!(alex.sees_all && !tom.sees_all);

        // What each may open, from the table itself.
        let everything: Vec<(i64, String, i64)> =
            sqlx::query_as("SELECT id, access, type_id FROM interactions").fetch_all(store.pool()).await.unwrap();
        let opens = |reader: &Reader| -> Vec<i64> {
            let mut ids: Vec<i64> =
                everything.iter().filter(|(_, a, _)| reader.opens(a)).map(|(id, _, _)| *id).collect();
            ids.sort_unstable();
            ids
        };
        let hidden_from_tom: Vec<i64> = everything.iter().filter(|(_, a, _)| !tom.opens(a)).map(|r| r.0).collect();
        assert!(hidden_from_tom.contains(&team_only) && hidden_from_tom.contains(&private));
        assert!(hidden_from_tom.contains(&hidden_reply));
        assert!(opens(&ellie).contains(&team_only) && !opens(&ellie).contains(&private));
        assert_eq!(opens(&alex).len(), everything.len());

        // The log, in every order, walked page by page: exactly the rows
        // each may open, and totals (per-type counts included) that agree.
        for reader in [&tom, &grace, &ellie, &alex] {
            let expected = opens(reader);
            for column in SortColumn::ALL {
                for dir in [SortDir::Asc, SortDir::Desc] {
                    let query = LogQuery { sort: column, dir: Some(dir), ..Default::default() };
                    let (mut ids, total) = walk(&store, &query, reader).await;
                    assert_eq!(total, expected.len() as i64, "total sorted by {column:?} {dir:?}");
                    ids.sort_unstable();
                    assert_eq!(ids, expected, "rows sorted by {column:?} {dir:?} for staff {}", reader.staff_id);
                }
            }
            let gp_rows: Vec<i64> =
                everything.iter().filter(|(id, _, t)| *t == gp && expected.contains(id)).map(|r| r.0).collect();
            let (ids, total) = walk(&store, &LogQuery { types: vec![gp], ..Default::default() }, reader).await;
            assert_eq!((ids.len(), total), (gp_rows.len(), gp_rows.len() as i64), "the type filter's total");
        }

        // The staff filters, alone, several at once, with a type, with
        // search and with another order: the rows each may open, no more.
        let staff_of: Vec<(i64, String, i64, i64, i64)> =
            sqlx::query_as("SELECT id, access, type_id, completed_by, logged_by FROM interactions")
                .fetch_all(store.pool()).await.unwrap();
        let zebracorns = [team_only, private, open, reply, hidden_reply];
        type Keep = Box<dyn Fn(&(i64, String, i64, i64, i64)) -> bool>;
        let views: Vec<(LogQuery, Keep)> = vec![
            (LogQuery { completed_by: vec![4], ..Default::default() }, Box::new(|r| r.3 == 4)),
            (LogQuery { completed_by: vec![3, 4], ..Default::default() }, Box::new(|r| r.3 == 3 || r.3 == 4)),
            (LogQuery { logged_by: vec![4], types: vec![gp], ..Default::default() }, Box::new(move |r| r.4 == 4 && r.2 == gp)),
            (
                LogQuery { completed_by: vec![4], logged_by: vec![4], sort: SortColumn::Person, ..Default::default() },
                Box::new(|r| r.3 == 4 && r.4 == 4),
            ),
            (LogQuery { q: "zebracorn".into(), completed_by: vec![4], ..Default::default() }, Box::new(move |r| zebracorns.contains(&r.0))),
            (LogQuery { q: "zebracorn".into(), completed_by: vec![3], ..Default::default() }, Box::new(|_| false)),
        ];
        for (query, keep) in &views {
            let every: Vec<i64> = staff_of.iter().filter(|r| keep(r)).map(|r| r.0).collect();
            if query.q.is_empty() {
                assert!(!every.is_empty() && every.len() < staff_of.len(), "{query:?} narrows the log");
            }
            for reader in [&tom, &ellie, &alex] {
                let mut expected: Vec<i64> = staff_of.iter().filter(|r| keep(r) && reader.opens(&r.1)).map(|r| r.0).collect();
                expected.sort_unstable();
                for store in [&store, &store.clone().with_search_fetch_limit(0)] {
                    let (mut ids, total) = walk(store, query, reader).await;
                    ids.sort_unstable();
                    assert_eq!((&ids, total), (&expected, expected.len() as i64), "{query:?} for staff {}", reader.staff_id);
                }
            }
        }

        // Search: a hidden row's words never count as a match.
        let search = |q: &str, reader: &Reader| {
            let (store, q, reader) = (&store, q.to_string(), reader.clone());
            async move {
                let (mut ids, total) = walk(store, &LogQuery { q, ..Default::default() }, &reader).await;
                ids.sort_unstable();
                (ids, total)
            }
        };
        let mut tom_sees = vec![open, reply];
        tom_sees.sort_unstable();
        assert_eq!(search("zebracorn", &tom).await, (tom_sees.clone(), 2));
        assert_eq!(search("zebracorn", &grace).await.1, 5);
        assert_eq!(search("zebracorn", &ellie).await.1, 3, "the team's member, not the private author");
        assert_eq!(search("zebracorn", &alex).await.1, 5);
        assert_eq!(search(&team_only.to_string(), &tom).await, (vec![], 0), "an id search");
        assert_eq!(search(&team_only.to_string(), &ellie).await.0, vec![team_only]);
        let month = chrono::Utc::now().with_timezone(&TZ).format("%Y-%m").to_string();
        let (in_month, month_total) = search(&month, &tom).await;
        assert!(in_month.iter().all(|id| !hidden_from_tom.contains(id)));
        assert_eq!(in_month.len() as i64, month_total);
        // Both search strategies (fetch and sort; walk the index) agree.
        let walker = store.clone().with_search_fetch_limit(0);
        let (ids, total) = walk(&walker, &LogQuery { q: "zebracorn".into(), ..Default::default() }, &tom).await;
        assert_eq!((ids.len(), total), (2, 2));

        // The profile's log.
        let profile = LogQuery { person: Some(vera), ..Default::default() };
        let (mut ids, total) = walk(&store, &profile, &tom).await;
        ids.sort_unstable();
        assert_eq!((ids, total), (tom_sees.clone(), 2));
        assert_eq!(walk(&store, &profile, &grace).await.1, 5);

        // The detail page: nothing at all for a hidden row; a reply to a
        // hidden original says so without naming it; hidden replies are left out.
        assert!(store.interaction_detail(team_only, &tom_staff, &tom, TZ).await.unwrap().is_none());
        assert!(store.interaction_detail(private, &member(8, Role::STAFF), &ellie, TZ).await.unwrap().is_none());
        assert!(store.log_row(private, &tom, TZ).await.unwrap().is_none());
        let detail = store.interaction_detail(reply, &tom_staff, &tom, TZ).await.unwrap().unwrap();
        assert!(detail.reply_to.is_none() && detail.reply_to_restricted);
        let detail = store.interaction_detail(open, &tom_staff, &tom, TZ).await.unwrap().unwrap();
        assert!(detail.replies.is_empty(), "a private reply is not listed");
        let detail = store.interaction_detail(open, &member(4, Role::STAFF), &grace, TZ).await.unwrap().unwrap();
        assert_eq!(detail.replies.iter().map(|r| r.id).collect::<Vec<_>>(), vec![hidden_reply]);
        let detail = store.interaction_detail(team_only, &member(8, Role::STAFF), &ellie, TZ).await.unwrap().unwrap();
        assert_eq!(detail.row.restricted.as_deref(), Some("Teams: Health and wellbeing"));
        assert_eq!(detail.visibility, Visibility::Teams(vec![health]));
        assert!(!detail.can_change_visibility, "not the author, not a manager");

        // Exports and print.
        let export = store.export_interactions(&LogQuery::default(), &tom, TZ, 100_000).await.unwrap();
        assert_eq!(export.total, opens(&tom).len() as i64);
        assert!(export.rows.iter().all(|r| !hidden_from_tom.contains(&r.id)));
        let export = store.export_interactions(&profile, &grace, TZ, 100_000).await.unwrap();
        assert_eq!(export.rows.iter().filter(|r| r.restricted.is_some()).count(), 3);

        // Home: the rows a staff member logged lately, as they may read them.
        let recent = store.recent_logged_by(4, 50, &tom, TZ).await.unwrap();
        assert!(recent.iter().all(|r| !hidden_from_tom.contains(&r.id)));

        // Writes that would touch a hidden row find nothing.
        assert!(matches!(store.rename_description(team_only, "x", &tom, 3, 1).await, Err(StoreError::NotFound)));
        assert!(matches!(store.mark_posted_in_error(private, "x", &tom, &by(3)).await, Err(StoreError::NotFound)));
        assert!(matches!(store.withdraw_posted_in_error(team_only, &tom, &by(3)).await, Err(StoreError::NotFound)));
        let as_tom = NewInteraction {
            person_id: vera,
            type_id: gp,
            description: "Replying blind".into(),
            note: "x".into(),
            occurred_at: now_millis() - 1_000,
            logged_by: 3,
            completed_by: None,
            reply_to: Some(team_only),
            source: crate::recording::Source::Staff,
            visibility: Visibility::AllStaff,
        };
        assert!(matches!(store.create_interaction(&as_tom).await, Err(StoreError::Invalid(_))));
        let follow = NewAction {
            person_id: vera,
            interaction_id: Some(private),
            type_id: gp,
            assignee_id: 3,
            instructions: "Follow it up".into(),
            due_on: crate::server::time::today(TZ),
            notify_creator: false,
        };
        let mail = MailContext { base_url: "https://interlog.test".into(), time_zone: TZ };
        assert!(matches!(
            store.assign_action(&follow, &member(3, Role::STAFF), &by(3), &mail).await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            store.change_visibility(open, &Visibility::Private, &tom_staff, &tom, &by(3)).await,
            Err(StoreError::NotAllowed(_))
        ));
        assert!(matches!(
            store.change_visibility(private, &Visibility::AllStaff, &tom_staff, &tom, &by(3)).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.change_visibility(team_only, &Visibility::Teams(vec![999]), &member(4, Role::STAFF), &grace, &by(4)).await,
            Err(StoreError::Invalid(_))
        ));

        // The audit page keeps a hidden record's words from those who may not read it.
        let words = |reader: Reader| {
            let store = &store;
            async move {
                store.audit_page(None, 100, &reader).await.unwrap().entries.into_iter()
                    .find(|e| e.action == "posted_in_error_marked").unwrap().details
            }
        };
        assert!(!words(tom.clone()).await.contains("Zebracorn"));
        assert!(words(ellie.clone()).await.contains("Zebracorn reason"));

        // The author widens it: at once in Tom's log, totals and search;
        // audited before → after.
        let tom_total = walk(&store, &LogQuery::default(), &tom).await.1;
        store.change_visibility(team_only, &Visibility::AllStaff, &member(4, Role::STAFF), &grace, &by(4)).await.unwrap();
        assert_eq!(walk(&store, &LogQuery::default(), &tom).await.1, tom_total + 1);
        assert_eq!(search("zebracorn", &tom).await.1, 3);
        assert!(store.interaction_detail(team_only, &tom_staff, &tom, TZ).await.unwrap().is_some());
        let audit = store.audit_page(None, 5, &tom).await.unwrap();
        assert_eq!(audit.entries[0].action, "visibility_changed");
        assert_eq!(audit.entries[0].details, "visibility: Teams: Health and wellbeing → All staff");
        // …and a manager narrows it again.
        let priya = member(2, Role::MANAGER);
        let priya_reader = store.reader(&priya).await.unwrap();
        store.change_visibility(team_only, &Visibility::Private, &priya, &priya_reader, &by(2)).await.unwrap();
        assert_eq!(walk(&store, &LogQuery::default(), &tom).await.1, tom_total);
        assert_eq!(search("zebracorn", &tom).await.1, 2);
        assert_eq!(search("zebracorn", &grace).await.1, 5, "private to its author, Grace");
        assert_eq!(search("zebracorn", &ellie).await.1, 2);
    }

    async fn an_action_email_never_quotes_what_its_reader_cannot_open(engine: Engine) {
        let store = seeded_store(engine, 5).await;
        let health: i64 = sqlx::query_scalar("SELECT id FROM teams WHERE name = 'Health and wellbeing'")
            .fetch_one(store.pool()).await.unwrap();
        let person = Person { id: 0, name: "Wyn Ashdown".into(), email: None, phone: None, ..Person::default() };
        let wyn = store.add_person(&person, &by(1)).await.unwrap();
        let gp = type_id(&store, "GP visit").await;
        let original = store.create_interaction(&NewInteraction {
            person_id: wyn,
            type_id: gp,
            description: "Asked about the GP letter".into(),
            note: "Open to all at first.".into(),
            occurred_at: now_millis() - 60_000,
            logged_by: 4,
            completed_by: None,
            reply_to: None,
            source: crate::recording::Source::Staff,
            visibility: Visibility::AllStaff,
        }).await.unwrap();
        let mail = MailContext { base_url: "https://interlog.test".into(), time_zone: TZ };
        // Tom asks Grace to follow it up and to be told when it is done…
        let action = NewAction {
            person_id: wyn,
            interaction_id: Some(original),
            type_id: gp,
            assignee_id: 4,
            instructions: "Ring the surgery".into(),
            due_on: crate::server::time::today(TZ),
            notify_creator: true,
        };
        let id = store.assign_action(&action, &member(3, Role::STAFF), &by(3), &mail).await.unwrap();
        // …then Grace keeps the original to her team, and completes it.
        let grace = member(4, Role::STAFF);
        let grace_reader = store.reader(&grace).await.unwrap();
        store.change_visibility(original, &Visibility::Teams(vec![health]), &grace, &grace_reader, &by(4)).await.unwrap();
        let done = Completion {
            summary: "Surgery confirmed the zebracorn diagnosis".into(),
            done_on: crate::server::time::today(TZ),
            occurred_at: now_millis() - 1_000,
        };
        let recorded = store.complete_action(id, &done, &grace, &by(4), &mail).await.unwrap();
        // What completing recorded is kept like what it follows…
        let tom = store.reader(&member(3, Role::STAFF)).await.unwrap();
        assert!(store.log_row(recorded, &tom, TZ).await.unwrap().is_none());
        assert!(store.log_row(recorded, &grace_reader, TZ).await.unwrap().is_some());
        // …and Tom's email says it was done without quoting it.
        let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE kind = 'completed' AND to_staff_id = 3")
            .fetch_one(store.pool()).await.unwrap();
        assert!(!body.contains("zebracorn"), "{body}");
        assert!(body.contains("restricted"), "{body}");
        assert!(body.contains("Ring the surgery"), "the creator's own instructions stay");
    }
}
