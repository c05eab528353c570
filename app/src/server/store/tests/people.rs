//! People, recording, idempotency, "posted in error" and API tokens, on
//! both engines. Staff ids are the demo's: 1 Alex (admin; Casework, Front
//! desk), 3 Tom (Casework), 4 Grace (Health and wellbeing), 10 Olivia
//! (read-only).

use super::*;
use crate::recording::{Person, Source};

fn person(name: &str, email: Option<&str>, phone: Option<&str>) -> Person {
    Person { id: 0, name: name.into(), email: email.map(Into::into), phone: phone.map(Into::into), ..Person::default() }
}

fn new_interaction(person_id: i64, type_id: i64, logged_by: i64, description: &str) -> NewInteraction {
    NewInteraction {
        person_id,
        type_id,
        description: description.into(),
        note: format!("{description}. The tenancy officer agreed to review the arrears."),
        occurred_at: now_millis() - 60_000,
        logged_by,
        completed_by: None,
        reply_to: None,
        source: Source::Staff,
        visibility: Default::default(),
    }
}

behaviours! {
    async fn people_are_found_by_name_email_or_phone_a_page_at_a_time(engine: Engine) {
        let store = seeded_store(engine, 5).await;
        let ada = store.add_person(&person("Ada Quill", Some("ada.quill@example.org"), Some("020 7946 0958")), &by(1)).await.unwrap();
        store.add_person(&person("Percent 100% Sure", None, None), &by(1)).await.unwrap();
        let found = |q: &'static str| {
            let store = &store;
            async move { store.search_people(q, 0).await.unwrap().people.into_iter().map(|p| p.id).collect::<Vec<_>>() }
        };
        assert_eq!(found("ada qu").await, vec![ada]);
        assert_eq!(found("ADA.QUILL@EXAMPLE").await, vec![ada]);
        assert_eq!(found("0207946").await, vec![ada], "phone digits match without the spaces");
        assert_eq!(found("7946 0958").await, vec![ada]);
        assert_eq!(found("100%").await.len(), 1, "% is a character, not a wildcard");
        assert!(found("_").await.is_empty(), "_ is a character, not a wildcard");
        // Paging: everyone, in name order, 25 at a time, each once.
        let total = store.search_people("", 0).await.unwrap().total;
        assert_eq!(total, 32);
        let first = store.search_people("", 0).await.unwrap();
        let second = store.search_people("", 25).await.unwrap();
        assert_eq!((first.people.len(), second.people.len(), second.offset), (25, 7, 25));
        let names: Vec<String> = first.people.iter().chain(&second.people).map(|p| p.name.to_lowercase()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        // An email already on a profile is refused, in any case; audited once.
        let again = store.add_person(&person("Ada Q", Some("Ada.Quill@example.org"), None), &by(1)).await;
        assert!(matches!(again, Err(StoreError::Invalid(m)) if m.contains("already on record")));
        assert_eq!(store.people_by_email("ADA.quill@example.org").await.unwrap().len(), 1);
        assert_eq!(count(&store, "SELECT count(*) FROM audit_events WHERE action = 'person_added'").await, 2);
    }

    async fn recording_checks_type_teams_deleted_types_people_and_replies(engine: Engine) {
        let store = seeded_store(engine, 5).await;
        let ada = store.add_person(&person("Ada Quill", None, None), &by(1)).await.unwrap();
        let (call, incident, warning) =
            (type_id(&store, "Phone call").await, type_id(&store, "Incident").await, type_id(&store, "Warning").await);
        let names = |types: Vec<crate::log::TypeBadge>| types.into_iter().map(|t| t.name).collect::<Vec<_>>();
        let grace = names(store.recordable_types(4).await.unwrap());
        let tom = names(store.recordable_types(3).await.unwrap());
        assert!(!grace.contains(&"Incident".to_string()) && !grace.contains(&"Warning".to_string()), "{grace:?}");
        assert!(tom.contains(&"Incident".to_string()) && !tom.contains(&"Warning".to_string()), "{tom:?}");
        assert_eq!(grace.first().map(String::as_str), Some("Phone call"), "in the admin's order");

        let now = now_millis();
        let before = count(&store, "SELECT count(*) FROM interactions").await;
        let refused = store.record_interaction(&new_interaction(ada, incident, 4, "Shouting in reception"), None, now).await;
        assert!(matches!(refused, Err(StoreError::NotAllowed(m)) if m.contains("Incident")));
        let refused = store.record_interaction(&new_interaction(ada, warning, 3, "Final warning"), None, now).await;
        assert!(matches!(refused, Err(StoreError::NotAllowed(_))));
        let refused = store.record_interaction(&new_interaction(999_999, call, 3, "Nobody"), None, now).await;
        assert!(matches!(refused, Err(StoreError::Invalid(m)) if m.contains("no person")));
        sqlx::query("UPDATE interaction_types SET deleted_at = 1 WHERE id = $1").bind(incident).execute(store.pool()).await.unwrap();
        let refused = store.record_interaction(&new_interaction(ada, incident, 3, "Shouting"), None, now).await;
        assert!(matches!(refused, Err(StoreError::Unprocessable(m)) if m.contains("deleted")));
        assert_eq!(count(&store, "SELECT count(*) FROM interactions").await, before, "nothing was written");

        // Recorded: at the top of the person's log, logged now by the recorder.
        let first = store.record_interaction(&new_interaction(ada, call, 3, "Rang about rent arrears"), None, now).await.unwrap();
        assert!(!first.replayed);
        let page = store.list_interactions(&LogQuery { person: Some(ada), ..LogQuery::default() }, &all(), TZ).await.unwrap();
        let top = &page.rows[0];
        assert_eq!((top.id, top.description.as_str(), top.logged_by_name.as_str()), (first.id, "Rang about rent arrears", "Tom Whitaker"));
        assert!(top.tags.iter().any(|t| t.contains("arrears")), "{:?}", top.tags);
        let logged_at: i64 = sqlx::query_scalar("SELECT logged_at FROM interactions WHERE id = $1").bind(first.id).fetch_one(store.pool()).await.unwrap();
        assert_eq!(logged_at, now);

        // For a colleague: Grace had it, Tom logged it. Only an active
        // staff member can have had it.
        let for_grace = NewInteraction { completed_by: Some(4), ..new_interaction(ada, call, 3, "Grace rang Ada") };
        let recorded = store.record_interaction(&for_grace, None, now).await.unwrap();
        let row = store.log_row(recorded.id, &all(), TZ).await.unwrap().unwrap();
        assert_eq!(row.staff_label(), "Grace Okafor (logged by Tom Whitaker)");
        assert_eq!(row.completed_by(), "Grace Okafor");
        let mine = store.log_row(first.id, &all(), TZ).await.unwrap().unwrap();
        assert_eq!((mine.staff_label().as_str(), mine.completed_by_name.as_deref()), ("Tom Whitaker", None));
        sqlx::query("UPDATE staff_members SET active = 0 WHERE id = 5").execute(store.pool()).await.unwrap();
        for colleague in [5, 999_999] {
            let refused = NewInteraction { completed_by: Some(colleague), ..new_interaction(ada, call, 3, "For nobody") };
            let refused = store.record_interaction(&refused, None, now).await;
            assert!(matches!(refused, Err(StoreError::Invalid(ref m)) if m.contains("no active staff member")), "{refused:?}");
        }
        let private = NewInteraction { completed_by: Some(4), visibility: crate::log::Visibility::Private, ..new_interaction(ada, call, 3, "Private for Grace") };
        let refused = store.record_interaction(&private, None, now).await;
        assert!(matches!(refused, Err(StoreError::Invalid(ref m)) if m.contains("cannot be recorded for a colleague")), "{refused:?}");
        let by_completer = LogQuery { person: Some(ada), sort: SortColumn::CompletedBy, ..LogQuery::default() };
        let names: Vec<String> = store
            .list_interactions(&by_completer, &all(), TZ)
            .await
            .unwrap()
            .rows
            .iter()
            .map(|r| r.completed_by().to_string())
            .collect();
        assert_eq!(names, ["Grace Okafor", "Tom Whitaker"]);

        // A reply: the same person only; both ends show the link.
        let other = store.add_person(&person("Bea Other", None, None), &by(1)).await.unwrap();
        let wrong = NewInteraction { reply_to: Some(first.id), ..new_interaction(other, call, 3, "Wrong person") };
        assert!(matches!(store.record_interaction(&wrong, None, now).await, Err(StoreError::Invalid(m)) if m.contains("same person")));
        let reply = NewInteraction { reply_to: Some(first.id), source: Source::Email, ..new_interaction(ada, call, 3, "Called back") };
        let reply = store.record_interaction(&reply, None, now).await.unwrap();
        let detail = store.interaction_detail(reply.id, &admin(), &all(), TZ).await.unwrap().unwrap();
        assert_eq!(detail.reply_to.map(|p| p.id), Some(first.id));
        assert_eq!(detail.source, Source::Email);
        assert!(detail.row.reply);
        let original = store.interaction_detail(first.id, &admin(), &all(), TZ).await.unwrap().unwrap();
        assert_eq!(original.replies.iter().map(|r| r.id).collect::<Vec<_>>(), vec![reply.id]);
        assert!(!original.row.reply);
    }

    async fn an_idempotency_key_records_once_however_often_it_is_sent(engine: Engine) {
        let store = seeded_store(engine, 5).await;
        let ada = store.add_person(&person("Ada Quill", None, None), &by(1)).await.unwrap();
        let call = type_id(&store, "Phone call").await;
        let hash = crate::server::auth::token_hash;
        let token = store.create_api_token("Mail gateway", &hash("t1"), "t1t1", 3, &by(1)).await.unwrap();
        let other_token = store.create_api_token("SMS gateway", &hash("t2"), "t2t2", 3, &by(1)).await.unwrap();
        let key = |token_id: i64, request: &str| IdempotencyKey { token_id, key: "retry-1".into(), request_hash: request.into() };
        let new = new_interaction(ada, call, 3, "Emailed about rent");
        let before = count(&store, "SELECT count(*) FROM interactions").await;

        // Eight copies at once: one interaction, and every answer names it.
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (store, new, key) = (store.store.clone(), new.clone(), key(token, "request-a"));
                tokio::spawn(async move { store.record_interaction(&new, Some(&key), now_millis()).await.unwrap() })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        let id = results[0].id;
        assert!(results.iter().all(|r| r.id == id), "{results:?}");
        assert_eq!(results.iter().filter(|r| !r.replayed).count(), 1);
        assert_eq!(count(&store, "SELECT count(*) FROM interactions").await, before + 1);

        let again = store.record_interaction(&new, Some(&key(token, "request-a")), now_millis()).await.unwrap();
        assert_eq!((again.id, again.replayed), (id, true));
        let different = store.record_interaction(&new, Some(&key(token, "request-b")), now_millis()).await;
        assert!(matches!(different, Err(StoreError::Unprocessable(m)) if m.contains("different request")));
        // Keys belong to their token.
        let elsewhere = store.record_interaction(&new, Some(&key(other_token, "request-a")), now_millis()).await.unwrap();
        assert!(!elsewhere.replayed && elsewhere.id != id);
        assert_eq!(count(&store, "SELECT count(*) FROM interactions").await, before + 2);
    }

    async fn posted_in_error_is_marked_and_withdrawn_and_both_are_audited(engine: Engine) {
        let store = seeded_store(engine, 5).await;
        store.mark_posted_in_error(2, "Logged against the wrong person", &all(), &by(3)).await.unwrap();
        let detail = store.interaction_detail(2, &admin(), &all(), TZ).await.unwrap().unwrap();
        let mark = detail.error_mark.clone().unwrap();
        assert_eq!((mark.reason.as_str(), mark.marked_by_name.as_str()), ("Logged against the wrong person", "Tom Whitaker"));
        assert!(detail.row.posted_in_error);
        let page = store.list_interactions(&LogQuery::default(), &all(), TZ).await.unwrap();
        assert!(page.rows.iter().any(|r| r.id == 2 && r.posted_in_error), "still in the log, marked");
        store.mark_posted_in_error(2, "Duplicate of #1", &all(), &by(1)).await.unwrap();
        store.withdraw_posted_in_error(2, &all(), &by(1)).await.unwrap();
        store.withdraw_posted_in_error(2, &all(), &by(1)).await.unwrap();
        let detail = store.interaction_detail(2, &admin(), &all(), TZ).await.unwrap().unwrap();
        assert!(detail.error_mark.is_none() && !detail.row.posted_in_error);
        let audit: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT action, subject, details FROM audit_events WHERE action LIKE 'posted_in_error%' ORDER BY id",
        )
        .fetch_all(store.pool())
        .await
        .unwrap();
        let expected = [
            ("posted_in_error_marked", "reason: Logged against the wrong person"),
            ("posted_in_error_marked", "reason: Logged against the wrong person → Duplicate of #1"),
            ("posted_in_error_withdrawn", "reason was: Duplicate of #1"),
        ];
        assert_eq!(audit.len(), 3, "withdrawing twice audits once: {audit:?}");
        for ((action, subject, details), (want_action, want_details)) in audit.iter().zip(expected) {
            assert_eq!((action.as_str(), subject.as_str(), details.as_str()), (want_action, "interaction 2", want_details));
        }
        assert!(matches!(store.mark_posted_in_error(999_999, "x", &all(), &by(1)).await, Err(StoreError::NotFound)));
    }

    async fn api_tokens_work_until_revoked_and_only_for_staff_who_may_record(engine: Engine) {
        let store = seeded_store(engine, 5).await;
        let hash = crate::server::auth::token_hash;
        let refused = store.create_api_token("Read only", &hash("r"), "rrrr", 10, &by(1)).await;
        assert!(matches!(refused, Err(StoreError::Invalid(m)) if m.contains("cannot create interactions")));
        let id = store.create_api_token("Mail gateway", &hash("secret"), "cret", 3, &by(1)).await.unwrap();
        let (token_id, staff) = store.api_token_staff(&hash("secret"), 5).await.unwrap().unwrap();
        assert_eq!((token_id, staff.id), (id, 3));
        assert!(store.api_token_staff(&hash("wrong"), 5).await.unwrap().is_none());
        let listed = store.api_tokens(TZ).await.unwrap();
        assert_eq!((listed[0].name.as_str(), listed[0].posts_as.as_str(), listed[0].hint.as_str()), ("Mail gateway", "Tom Whitaker", "cret"));
        assert!(listed[0].last_used_display.is_some());
        let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM api_tokens WHERE token_hash = 'secret'").fetch_one(store.pool()).await.unwrap();
        assert_eq!(stored, 0, "only the hash is stored");
        // A disabled staff member's tokens stop working with them.
        sqlx::query("UPDATE staff_members SET active = 0 WHERE id = 3").execute(store.pool()).await.unwrap();
        assert!(store.api_token_staff(&hash("secret"), 6).await.unwrap().is_none());
        sqlx::query("UPDATE staff_members SET active = 1 WHERE id = 3").execute(store.pool()).await.unwrap();
        store.revoke_api_token(id, &by(1)).await.unwrap();
        store.revoke_api_token(id, &by(1)).await.unwrap();
        assert!(store.api_token_staff(&hash("secret"), 7).await.unwrap().is_none());
        assert!(store.api_tokens(TZ).await.unwrap()[0].revoked);
        let audit = count(&store, "SELECT count(*) FROM audit_events WHERE action LIKE 'api_token_%'").await;
        assert_eq!(audit, 2, "made once, revoked once");
    }
}
