//! Follow-up actions, the outbox and the email sender, on both engines.
//! Staff are the demo's: 1 Alex (admin), 2 Priya (manager), 3 Tom (staff,
//! Casework), 4 Grace (staff, Health and wellbeing), 5 Daniel (staff),
//! 8 Ellie (staff), 10 Olivia (read-only).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::*;
use crate::access::Role;
use crate::actions::{ActionQuery, ActionSort, ActionTab};
use crate::recording::Person;
use crate::server::mail::{deliver_due, MailSettings, Transport};
use crate::server::time::day_string;

const STAFF: [(i64, &str, &str, i64); 7] = [
    (1, "Alex Morgan", "alex.morgan@example.org", Role::ADMIN),
    (2, "Priya Shah", "priya.shah@example.org", Role::MANAGER),
    (3, "Tom Whitaker", "tom.whitaker@example.org", Role::STAFF),
    (4, "Grace Okafor", "grace.okafor@example.org", Role::STAFF),
    (5, "Daniel Kowalski", "daniel.kowalski@example.org", Role::STAFF),
    (8, "Ellie Brennan", "ellie.brennan@example.org", Role::STAFF),
    (10, "Olivia Chen", "olivia.chen@example.org", Role::READ_ONLY),
];

fn staff(id: i64) -> StaffRecord {
    let (id, name, email, role) = STAFF.into_iter().find(|s| s.0 == id).expect("a demo staff member");
    StaffRecord { id, name: name.into(), email: email.into(), role: built_in(role) }
}

fn mail() -> MailContext {
    MailContext { base_url: "https://interlog.test".into(), time_zone: TZ }
}

fn today() -> NaiveDate {
    crate::server::time::today(TZ)
}

fn day(offset: i64) -> NaiveDate {
    today() + chrono::Duration::days(offset)
}

async fn new_person(store: &Store, name: &str) -> i64 {
    let person = Person { id: 0, name: name.into(), email: None, phone: None, ..Person::default() };
    store.add_person(&person, &by(1)).await.unwrap()
}

fn action(person_id: i64, type_id: i64, assignee_id: i64, instructions: &str, due: i64) -> NewAction {
    NewAction {
        person_id,
        interaction_id: None,
        type_id,
        assignee_id,
        instructions: instructions.into(),
        due_on: day(due),
        notify_creator: false,
    }
}

fn done(summary: &str) -> Completion {
    Completion { summary: summary.into(), done_on: today(), occurred_at: now_millis() }
}

/// Emails queued for a staff member: (kind, subject, body).
async fn outbox_for(store: &Store, staff_id: i64) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT kind, subject, body FROM outbox WHERE to_staff_id = $1 ORDER BY id")
        .bind(staff_id)
        .fetch_all(store.pool())
        .await
        .unwrap()
}

async fn clear_outbox(store: &Store) {
    sqlx::query("DELETE FROM outbox").execute(store.pool()).await.unwrap();
}

fn query(tab: ActionTab, q: &str) -> ActionQuery {
    ActionQuery { tab, q: q.into(), ..Default::default() }
}

/// A real SMTP server on a local port, speaking as much of the protocol as a
/// client needs. It answers the first `refuse` messages with "451 try again
/// later" (a temporary failure), any recipient at `nobody@` with "550 no such
/// user" (a permanent one), and keeps every message it accepts.
async fn smtp_sink(refuse: usize) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(Mutex::new(Vec::new()));
    let refusals = Arc::new(Mutex::new(refuse));
    let kept = accepted.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (kept, refusals) = (kept.clone(), refusals.clone());
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink.test ESMTP\r\n").await.ok();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(message) = data.as_mut() {
                        if line == "." {
                            kept.lock().unwrap().push(data.take().unwrap_or_default());
                            write.write_all(b"250 2.0.0 queued\r\n").await.ok();
                        } else {
                            message.push_str(&line);
                            message.push('\n');
                        }
                        continue;
                    }
                    let command = line.to_ascii_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
                        b"250-sink.test\r\n250 8BITMIME\r\n"
                    } else if command.starts_with("MAIL FROM") {
                        let mut left = refusals.lock().unwrap();
                        if *left > 0 {
                            *left -= 1;
                            b"451 4.3.0 try again later\r\n"
                        } else {
                            b"250 2.1.0 ok\r\n"
                        }
                    } else if command.starts_with("RCPT TO") {
                        if command.contains("NOBODY@") {
                            b"550 5.1.1 no such user\r\n"
                        } else {
                            b"250 2.1.5 ok\r\n"
                        }
                    } else if command == "DATA" {
                        data = Some(String::new());
                        b"354 go ahead\r\n"
                    } else if command == "QUIT" {
                        write.write_all(b"221 2.0.0 bye\r\n").await.ok();
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (port, accepted)
}

fn sender(url: &str) -> MailSettings {
    MailSettings {
        from: "Interlog <interlog@localhost>".parse().unwrap(),
        transport: Transport::smtp(url).unwrap(),
        retry_after: Duration::from_secs(30),
        poll: Duration::from_secs(5),
        digest_hour: None,
        context: mail(),
    }
}

/// (attempts, next attempt, sent, failed, last error) of an email.
async fn email_state(store: &Store, id: i64) -> (i64, i64, bool, bool, Option<String>) {
    let row = sqlx::query("SELECT attempts, next_attempt_at, sent_at, failed_at, last_error FROM outbox WHERE id = $1")
        .bind(id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    (
        row.get("attempts"),
        row.get("next_attempt_at"),
        row.get::<Option<i64>, _>("sent_at").is_some(),
        row.get::<Option<i64>, _>("failed_at").is_some(),
        row.get("last_error"),
    )
}

behaviours! {
    async fn completing_an_action_records_exactly_one_permanent_interaction(engine: Engine) {
        let store = seeded_store(engine, 5).await;
        let person = new_person(&store, "Ada Quill").await;
        let call = type_id(&store, "Phone call").await;
        clear_outbox(&store).await;
        let mut new = action(person, call, 3, "Call back about the late payment", -1);
        new.notify_creator = true;
        let id = store.assign_action(&new, &staff(4), &by(4), &mail()).await.unwrap();
        // The assignee is emailed, with a link; nobody else is.
        let to_tom = outbox_for(&store, 3).await;
        assert_eq!(to_tom.len(), 1);
        assert_eq!(to_tom[0].0, "assigned");
        assert!(to_tom[0].1.contains("Ada Quill"), "{}", to_tom[0].1);
        assert!(to_tom[0].2.contains("Call back about the late payment"));
        assert!(to_tom[0].2.contains(&format!("https://interlog.test/actions/{id}")));
        assert_eq!(count(&store, "SELECT count(*) FROM outbox").await, 1);

        let before = count(&store, "SELECT count(*) FROM interactions").await;
        let interaction = store.complete_action(id, &done("Rang Ada; she will pay on Friday."), &staff(3), &by(3), &mail()).await.unwrap();
        assert_eq!(count(&store, "SELECT count(*) FROM interactions").await, before + 1);
        let (note, type_id_of, person_of, logged_by): (String, i64, i64, i64) =
            sqlx::query_as("SELECT note, type_id, person_id, logged_by FROM interactions WHERE id = $1")
                .bind(interaction)
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!((note.as_str(), type_id_of, person_of, logged_by), ("Rang Ada; she will pay on Friday.", call, person, 3));
        let top = store.list_interactions(&LogQuery { person: Some(person), ..Default::default() }, &all(), TZ).await.unwrap();
        assert_eq!(top.rows[0].id, interaction, "the new interaction heads the person's log");
        assert!(top.rows[0].description.starts_with("Done: Call back"), "{}", top.rows[0].description);

        let recorded = store.interaction_detail(interaction, &admin(), &all(), TZ).await.unwrap().unwrap();
        assert_eq!(recorded.actions.len(), 1);
        assert!(recorded.actions[0].id == id && recorded.actions[0].completed_here, "the interaction links to its action");

        // Completing twice records nothing more.
        let again = store.complete_action(id, &done("Again"), &staff(2), &by(2), &mail()).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
        assert_eq!(count(&store, "SELECT count(*) FROM interactions").await, before + 1);

        // The creator asked to be told.
        let to_grace = outbox_for(&store, 4).await;
        assert_eq!(to_grace.len(), 1);
        assert_eq!(to_grace[0].0, "completed");
        assert!(to_grace[0].2.contains("Rang Ada; she will pay on Friday."));
        assert!(to_grace[0].2.contains(&format!("https://interlog.test/interactions/{interaction}")));

        let detail = store.action_detail(id, &staff(2), &all(), &day_string(today()), TZ).await.unwrap().unwrap();
        assert_eq!(detail.row.completion_id, Some(interaction));
        assert!(!detail.can_edit && !detail.can_complete && !detail.row.overdue, "a completed action is settled");
        // A completed action is part of the record, whatever the caller.
        for sql in ["UPDATE actions SET instructions = 'rewritten' WHERE id = $1", "DELETE FROM actions WHERE id = $1"] {
            let refused = sqlx::query(sql).bind(id).execute(store.pool()).await;
            assert!(refused.is_err(), "{sql} was allowed");
        }
        let edit = ActionEdit { type_id: call, assignee_id: 3, instructions: "x".into(), due_on: day(1), version: detail.version };
        assert!(matches!(store.edit_action(id, &edit, &staff(2), &by(2), &mail()).await, Err(StoreError::Conflict(_))));
        assert!(matches!(store.delete_action(id, &staff(2), &by(2)).await, Err(StoreError::Conflict(_))));
        // No email when the creator completes it themselves, or did not ask.
        let own = store.assign_action(&action(person, call, 4, "Post the leaflet", 3), &staff(4), &by(4), &mail()).await.unwrap();
        assert_eq!(outbox_for(&store, 4).await.len(), 1, "no email for assigning oneself");
        store.complete_action(own, &done("Posted."), &staff(4), &by(4), &mail()).await.unwrap();
        assert_eq!(outbox_for(&store, 4).await.len(), 1, "no email for completing one's own");
    }

    async fn creators_and_managers_change_plans_assignees_and_managers_complete_them(engine: Engine) {
        let store = seeded_store(engine, 5).await;
        let person = new_person(&store, "Ada Quill").await;
        let other = new_person(&store, "Bea Other").await;
        let call = type_id(&store, "Phone call").await;
        let visit = type_id(&store, "Visit").await;
        let incident = type_id(&store, "Incident").await;
        clear_outbox(&store).await;

        // Checked against the data: open types, assignable staff, the person.
        let refused = store.assign_action(&action(person, incident, 4, "Write it up", 1), &staff(3), &by(3), &mail()).await;
        assert!(matches!(&refused, Err(StoreError::NotAllowed(m)) if m.contains("Grace Okafor")), "{refused:?}");
        let refused = store.assign_action(&action(person, call, 10, "Read the file", 1), &staff(3), &by(3), &mail()).await;
        assert!(matches!(refused, Err(StoreError::Unprocessable(_))), "a read-only account cannot be given work");
        let elsewhere: i64 = count(&store, "SELECT min(id) FROM interactions").await;
        let mut follows = action(other, call, 4, "Follow it up", 1);
        follows.interaction_id = Some(elsewhere);
        follows.person_id = person;
        let refused = store.assign_action(&follows, &staff(3), &by(3), &mail()).await;
        assert!(matches!(refused, Err(StoreError::Invalid(_))), "an action follows an interaction about the same person");
        assert_eq!(count(&store, &format!("SELECT count(*) FROM actions WHERE person_id = {person}")).await, 0);

        let id = store.assign_action(&action(person, call, 4, "Book the visit", 2), &staff(3), &by(3), &mail()).await.unwrap();
        let version = |store: &Store| {
            let store = store.clone();
            async move { store.action_detail(id, &staff(1), &all(), "2000-01-01", TZ).await.unwrap().unwrap().version }
        };
        let edit = |assignee: i64, text: &str, v: i64| ActionEdit {
            type_id: visit,
            assignee_id: assignee,
            instructions: text.into(),
            due_on: day(5),
            version: v,
        };
        // The assignee and other staff may not change the plan.
        for outsider in [4, 8] {
            let r = store.edit_action(id, &edit(4, "Changed", version(&store).await), &staff(outsider), &by(outsider), &mail()).await;
            assert!(matches!(r, Err(StoreError::NotAllowed(_))), "{outsider}: {r:?}");
            assert!(matches!(store.delete_action(id, &staff(outsider), &by(outsider)).await, Err(StoreError::NotAllowed(_))));
        }
        // Nor may anyone but the assignee or a manager complete it.
        for outsider in [3, 8, 10] {
            let r = store.complete_action(id, &done("Done"), &staff(outsider), &by(outsider), &mail()).await;
            assert!(matches!(r, Err(StoreError::NotAllowed(_))), "{outsider}: {r:?}");
        }
        // The creator may; then an edit made against the old version is refused.
        let v1 = version(&store).await;
        store.edit_action(id, &edit(4, "Book the home visit", v1), &staff(3), &by(3), &mail()).await.unwrap();
        let stale = store.edit_action(id, &edit(4, "Lost update", v1), &staff(2), &by(2), &mail()).await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
        // A manager may, and handing it to someone else emails them.
        assert!(outbox_for(&store, 5).await.is_empty());
        store.edit_action(id, &edit(5, "Book the home visit", version(&store).await), &staff(2), &by(2), &mail()).await.unwrap();
        let to_daniel = outbox_for(&store, 5).await;
        assert_eq!(to_daniel.len(), 1);
        assert!(to_daniel[0].2.contains("Priya Shah assigned you"));
        let detail = store.action_detail(id, &staff(5), &all(), &day_string(today()), TZ).await.unwrap().unwrap();
        assert_eq!((detail.row.assignee.id, detail.row.kind.id, detail.row.instructions.as_str()), (5, visit, "Book the home visit"));
        assert!(detail.can_complete && !detail.can_edit, "Daniel may complete it, not change it");

        // Deleted by a manager: gone, with everything it said in the audit log.
        store.delete_action(id, &staff(2), &by(2)).await.unwrap();
        assert!(store.action_detail(id, &staff(2), &all(), "2000-01-01", TZ).await.unwrap().is_none());
        let trail: Vec<(String, Option<i64>, String)> = sqlx::query_as(
            "SELECT action, actor_id, details FROM audit_events WHERE subject = $1 ORDER BY id",
        )
        .bind(format!("action {id}"))
        .fetch_all(store.pool())
        .await
        .unwrap();
        let kinds: Vec<&str> = trail.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(kinds, ["action_assigned", "action_edited", "action_edited", "action_deleted"]);
        assert_eq!(trail[3].1, Some(2));
        assert!(trail[1].2.contains("instructions: Book the visit → Book the home visit"), "{}", trail[1].2);
        assert!(trail[2].2.contains("assigned to: Grace Okafor → Daniel Kowalski"), "{}", trail[2].2);
        assert!(trail[3].2.contains("Book the home visit") && trail[3].2.contains("Daniel Kowalski"), "{}", trail[3].2);
    }

    async fn lists_filter_sort_count_and_put_overdue_first(engine: Engine) {
        let store = seeded_store(engine, 5).await;
        let ada = new_person(&store, "Ada Quill").await;
        let zed = new_person(&store, "Zed Young").await;
        let call = type_id(&store, "Phone call").await;
        let email = type_id(&store, "Email").await;
        let today_s = day_string(today());
        let before = store.action_counts(3, &today_s).await.unwrap();
        let late = store.assign_action(&action(ada, call, 3, "Zebracrossing: ring about the rent", -2), &staff(2), &by(2), &mail()).await.unwrap();
        let soon = store.assign_action(&action(zed, email, 3, "Zebracrossing: send the form", 1), &staff(2), &by(2), &mail()).await.unwrap();
        let later = store.assign_action(&action(ada, email, 3, "Zebracrossing: check the reply", 10), &staff(2), &by(2), &mail()).await.unwrap();
        let grace = store.assign_action(&action(zed, call, 4, "Zebracrossing: book the GP", 3), &staff(2), &by(2), &mail()).await.unwrap();
        let ancient = store.assign_action(&action(ada, call, 3, "Zebracrossing: the old one", -300), &staff(2), &by(2), &mail()).await.unwrap();
        let after = store.action_counts(3, &today_s).await.unwrap();
        assert_eq!((after.outstanding - before.outstanding, after.overdue - before.overdue), (4, 2));

        let ids = |page: crate::actions::ActionPage| page.rows.iter().map(|r| r.id).collect::<Vec<_>>();
        let mine = store.list_actions(&query(ActionTab::Mine, "zebracrossing"), 3, &today_s).await.unwrap();
        assert_eq!(mine.rows.iter().map(|r| r.overdue).collect::<Vec<_>>(), [true, true, false, false]);
        assert_eq!(ids(mine), [ancient, late, soon, later], "soonest due first");
        let everyone = store.list_actions(&query(ActionTab::Outstanding, "ZEBRACROSSING"), 1, &today_s).await.unwrap();
        assert_eq!(everyone.total, 5);
        assert!(everyone.assignees.iter().any(|s| s.id == 4 && s.initials == "GO"));
        let mut q = query(ActionTab::Outstanding, "zebracrossing send");
        assert_eq!(ids(store.list_actions(&q, 1, &today_s).await.unwrap()), [soon], "every word must match");
        q.q = "zebracrossing".into();
        q.assignee = Some(4);
        assert_eq!(ids(store.list_actions(&q, 1, &today_s).await.unwrap()), [grace]);
        q.assignee = None;
        q.types = vec![email];
        assert_eq!(ids(store.list_actions(&q, 1, &today_s).await.unwrap()), [soon, later]);
        q.types = vec![];
        q.from = day_string(day(0));
        q.to = day_string(day(3));
        assert_eq!(ids(store.list_actions(&q, 1, &today_s).await.unwrap()), [soon, grace]);
        q.from.clear();
        q.to.clear();
        q.sort = Some(ActionSort::Person);
        q.dir = Some(crate::log::SortDir::Desc);
        let by_person = store.list_actions(&q, 1, &today_s).await.unwrap();
        assert_eq!(by_person.rows[0].person_name, "Zed Young");
        assert_eq!(by_person.rows[4].person_name, "Ada Quill");

        // Completed: found by the summary's words, and gone from My outstanding.
        store.complete_action(soon, &done("Giraffe: posted it first class."), &staff(3), &by(3), &mail()).await.unwrap();
        let completed = store.list_actions(&query(ActionTab::Completed, "giraffe"), 3, &today_s).await.unwrap();
        assert_eq!(ids(completed.clone()), [soon]);
        assert_eq!(completed.rows[0].done_on.as_deref(), Some(today_s.as_str()));
        assert!(!completed.rows[0].overdue);
        assert_eq!(store.list_actions(&query(ActionTab::Mine, "zebracrossing"), 3, &today_s).await.unwrap().total, 3);

        // Home: the last six months and later, overdue first; older ones counted.
        let (home, older) = store.home_actions(3, today()).await.unwrap();
        let home_ids: Vec<i64> = home.iter().map(|a| a.id).collect();
        assert!(!home_ids.contains(&ancient) && older >= 1);
        let position = |id: i64| home_ids.iter().position(|h| *h == id).unwrap();
        assert!(position(late) < position(later));
        assert!(home.windows(2).all(|w| w[0].due_on <= w[1].due_on), "in date order");
        assert!(home.iter().take_while(|a| a.overdue).count() == home.iter().filter(|a| a.overdue).count(), "overdue first");
    }

    async fn the_sender_retries_a_refused_email_and_gives_up_on_a_final_refusal(engine: Engine) {
        let store = seeded_store(engine, 5).await;
        clear_outbox(&store).await;
        let (port, accepted) = smtp_sink(1).await;
        let settings = sender(&format!("smtp://127.0.0.1:{port}"));
        let person = new_person(&store, "Ada Quill").await;
        let call = type_id(&store, "Phone call").await;
        store.assign_action(&action(person, call, 3, "Call back about the late payment", 2), &staff(2), &by(2), &mail()).await.unwrap();
        let id: i64 = count(&store, "SELECT max(id) FROM outbox").await;
        let now = now_millis();

        // The server says "try again later": the email waits 30 s.
        assert_eq!(deliver_due(&store, &settings, now).await.unwrap(), (0, 1));
        let (attempts, next, sent, failed, error) = email_state(&store, id).await;
        assert_eq!((attempts, next, sent, failed), (1, now + 30_000, false, false));
        assert!(error.unwrap_or_default().contains("try again later"));
        assert!(accepted.lock().unwrap().is_empty());
        let listed = store.notifications_for(3, TZ).await.unwrap();
        assert_eq!(listed[0].status, crate::actions::EmailStatus::Retrying(1));
        // Not before its time…
        assert_eq!(deliver_due(&store, &settings, now + 1_000).await.unwrap(), (0, 0));
        // …then it goes.
        assert_eq!(deliver_due(&store, &settings, now + 30_000).await.unwrap(), (1, 0));
        assert!(email_state(&store, id).await.2, "sent");
        let received = accepted.lock().unwrap().clone();
        assert_eq!(received.len(), 1);
        assert!(received[0].contains("Call back about the late payment"), "{}", received[0]);
        assert!(received[0].contains("To: tom.whitaker@example.org"), "{}", received[0]);
        assert_eq!(store.notifications_for(3, TZ).await.unwrap()[0].status, crate::actions::EmailStatus::Sent);
        // Sent once: nothing more to do.
        assert_eq!(deliver_due(&store, &settings, now + 60_000_000).await.unwrap(), (0, 0));

        // "No such user" is final: given up on at once.
        sqlx::query("UPDATE outbox SET to_address = 'nobody@example.org', sent_at = NULL WHERE id = $1")
            .bind(id)
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(deliver_due(&store, &settings, now + 60_000).await.unwrap(), (0, 1));
        let (_, _, sent, failed, _) = email_state(&store, id).await;
        assert!(!sent && failed);
        assert_eq!(store.notifications_for(3, TZ).await.unwrap()[0].status, crate::actions::EmailStatus::Failed);

        // Nobody listening: a temporary failure, until the last try.
        let closed = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let unreachable = sender(&format!("smtp://127.0.0.1:{closed}"));
        sqlx::query("UPDATE outbox SET to_address = 'tom.whitaker@example.org', failed_at = NULL, attempts = $1, next_attempt_at = $2 WHERE id = $3")
            .bind(crate::server::store::MAX_EMAIL_ATTEMPTS - 2)
            .bind(now)
            .bind(id)
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(deliver_due(&store, &unreachable, now + 60_000).await.unwrap(), (0, 1));
        assert!(!email_state(&store, id).await.3, "one try left");
        let (_, next, _, _, _) = email_state(&store, id).await;
        assert_eq!(deliver_due(&store, &unreachable, next).await.unwrap(), (0, 1));
        assert!(email_state(&store, id).await.3, "given up after the last try");
    }

    async fn leased_emails_are_sent_once_and_the_digest_once_a_day(engine: Engine) {
        let store = seeded_store(engine, 5).await;
        crate::server::demo::seed_demo_actions(&store, 3).await.unwrap();
        let now = now_millis();
        let queued = count(&store, "SELECT count(*) FROM outbox WHERE sent_at IS NULL").await;
        assert!(queued > 0, "the demo's assignments are queued");
        // Two senders at once never take the same email.
        let (a, b) = tokio::join!(store.claim_due_emails(now, 60_000, 1000), store.claim_due_emails(now, 60_000, 1000));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!((a.len() + b.len()) as i64, queued);
        assert!(a.iter().all(|e| !b.iter().any(|f| f.id == e.id)));
        // Until the lease ends, nobody else takes them.
        assert!(store.claim_due_emails(now + 1_000, 60_000, 1000).await.unwrap().is_empty());
        assert_eq!(store.claim_due_emails(now + 61_000, 60_000, 1000).await.unwrap().len() as i64, queued);

        clear_outbox(&store).await;
        let person = new_person(&store, "Ada Quill").await;
        let call = type_id(&store, "Phone call").await;
        store.assign_action(&action(person, call, 3, "Zebracrossing overdue", -2), &staff(2), &by(2), &mail()).await.unwrap();
        clear_outbox(&store).await;
        let assignees = count(&store, "SELECT count(DISTINCT assignee_id) FROM actions WHERE completed_at IS NULL").await;
        let context = mail();
        let (first, second) = tokio::join!(
            store.enqueue_daily_digest(today(), now, &context),
            store.enqueue_daily_digest(today(), now, &context)
        );
        let (first, second) = (first.unwrap(), second.unwrap());
        assert_eq!((first + second) as i64, assignees, "one digest per assignee, once");
        assert_eq!(store.enqueue_daily_digest(today(), now, &mail()).await.unwrap(), 0);
        let to_tom = outbox_for(&store, 3).await;
        assert_eq!(to_tom.len(), 1);
        assert_eq!(to_tom[0].0, "digest");
        assert!(to_tom[0].1.contains("overdue"), "{}", to_tom[0].1);
        assert!(to_tom[0].2.contains("OVERDUE: Due") && to_tom[0].2.contains("Zebracrossing overdue"), "{}", to_tom[0].2);
        assert_eq!(store.enqueue_daily_digest(day(1), now, &mail()).await.unwrap(), first.max(second), "tomorrow's goes tomorrow");
    }
}
