//! Staff, sessions, sign-in and the audit log, on both engines.

use super::*;
use crate::access::{NewStaffMember, Role};
use crate::server::auth::{self, SessionPolicy, SignInRefusal};
use crate::server::demo::DEMO_PASSWORD;

async fn staff_id(store: &Store, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM staff_members WHERE email = $1")
        .bind(email)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

behaviours! {
    async fn audit_events_cannot_be_changed_or_deleted(engine: Engine) {
        let store = seeded_store(engine, 10).await;
        let event = AuditEvent { at: 1, action: "signed_in", subject: "a@example.org".into(), ..Default::default() };
        store.record_audit(&event).await.unwrap();
        for sql in ["UPDATE audit_events SET subject = 'someone else'", "DELETE FROM audit_events"] {
            let error = sqlx::query(sql).execute(store.pool()).await.expect_err(sql).to_string();
            assert!(error.contains("audit events are permanent"), "{sql}: {error}");
        }
        if engine == Engine::Postgres {
            let error = sqlx::query("TRUNCATE audit_events").execute(store.pool()).await.unwrap_err().to_string();
            assert!(error.contains("audit events are permanent"), "{error}");
        }
        assert_eq!(audit_actions(&store).await, vec![("signed_in".into(), "a@example.org".into(), String::new())]);
    }

    async fn the_last_active_admin_cannot_be_demoted_or_disabled(engine: Engine) {
        let store = seeded_store(engine, 10).await;
        let alex = staff_id(&store, "alex.morgan@example.org").await;
        let priya = staff_id(&store, "priya.shah@example.org").await;
        let refused = store.update_staff_member(alex, Role::MANAGER, &[], &by(alex)).await.unwrap_err();
        assert!(refused.to_string().contains("at least one active staff member who may manage staff"), "{refused}");
        assert!(store.set_staff_active(alex, false, &by(alex)).await.is_err());
        // Refusals change nothing and leave no change in the log.
        let alex_row = store.staff_directory().await.unwrap().staff.into_iter().find(|m| m.id == alex).unwrap();
        assert_eq!((alex_row.role_id, alex_row.active, alex_row.team_ids.len()), (Role::ADMIN, true, 2));
        assert!(audit_actions(&store).await.is_empty());

        store.update_staff_member(priya, Role::ADMIN, &[], &by(alex)).await.unwrap();
        store.update_staff_member(alex, Role::STAFF, &[], &by(priya)).await.unwrap();
        assert!(store.set_staff_active(priya, false, &by(priya)).await.is_err());
        assert_eq!(
            audit_actions(&store).await,
            vec![
                (
                    "staff_changed".into(),
                    "priya.shah@example.org".into(),
                    "role: Manager → Admin; teams: Casework, Family support → none".into()
                ),
                (
                    "staff_changed".into(),
                    "alex.morgan@example.org".into(),
                    "role: Admin → Staff; teams: Casework, Front desk → none".into()
                ),
            ]
        );
    }

    async fn admins_demoting_each_other_at_once_leave_one_admin(engine: Engine) {
        let store = seeded_store(engine, 10).await;
        let alex = staff_id(&store, "alex.morgan@example.org").await;
        let priya = staff_id(&store, "priya.shah@example.org").await;
        for _round in 0..5 {
            store.update_staff_member(priya, Role::ADMIN, &[], &by(alex)).await.unwrap();
            store.update_staff_member(alex, Role::ADMIN, &[], &by(priya)).await.unwrap();
            let (a, b) = (store.clone(), store.clone());
            let one = tokio::spawn(async move { a.update_staff_member(alex, Role::MANAGER, &[], &by(priya)).await });
            let two = tokio::spawn(async move { b.set_staff_active(priya, false, &by(alex)).await });
            let results = [one.await.unwrap().is_ok(), two.await.unwrap().is_ok()];
            assert_eq!(results.iter().filter(|ok| **ok).count(), 1, "{results:?}");
            let admins: i64 =
                store.active_staff_managers().await.unwrap();
            assert_eq!(admins, 1);
            store.set_staff_active(priya, true, &by(alex)).await.ok();
        }
    }

    async fn sessions_end_when_idle_too_long_or_when_disabled(engine: Engine) {
        let store = seeded_store(engine, 10).await;
        let alex = staff_id(&store, "alex.morgan@example.org").await;
        let tom = staff_id(&store, "tom.whitaker@example.org").await;
        let now = now_millis();
        store.create_session("hash-1", tom, "192.0.2.1", now - 10_000, 0, 0).await.unwrap();
        let (staff, seen) = store.session_staff("hash-1", now - 20_000, now - 60_000).await.unwrap().unwrap();
        assert_eq!((staff.email.as_str(), staff.role, seen), ("tom.whitaker@example.org", built_in(Role::STAFF), now - 10_000));
        // Idle for longer than allowed, or older than the lifetime: ended.
        assert!(store.session_staff("hash-1", now - 5_000, now - 60_000).await.unwrap().is_none());
        assert!(store.session_staff("hash-1", now - 20_000, now - 5_000).await.unwrap().is_none());
        // Using it keeps it alive.
        store.touch_session("hash-1", now).await.unwrap();
        assert!(store.session_staff("hash-1", now - 5_000, now - 60_000).await.unwrap().is_some());
        // A later sign-in clears away sessions that have ended.
        store.create_session("hash-2", tom, "192.0.2.1", now, now + 1, 0).await.unwrap();
        assert_eq!(store.session_count(tom).await.unwrap(), 1);
        // Disabling ends every session at once; enabling does not revive them.
        store.set_staff_active(tom, false, &by(alex)).await.unwrap();
        assert_eq!(store.session_count(tom).await.unwrap(), 0);
        store.set_staff_active(tom, true, &by(alex)).await.unwrap();
        assert!(store.session_staff("hash-2", 0, 0).await.unwrap().is_none());
        let actions: Vec<String> = audit_actions(&store).await.into_iter().map(|a| a.0).collect();
        assert_eq!(actions, ["staff_disabled", "staff_enabled"]);
    }

    async fn sign_in_checks_passwords_and_slows_down_guessing(engine: Engine) {
        let store = seeded_store(engine, 10).await;
        let policy = SessionPolicy::default();
        let sign_in = |email: &'static str, password: &'static str, address: &'static str| {
            let store = store.clone();
            async move { auth::sign_in(&store, &policy, email, password.into(), address).await }
        };
        let (token, staff) = sign_in("Tom.Whitaker@Example.org", DEMO_PASSWORD, "192.0.2.1").await.unwrap();
        assert_eq!(staff.email, "tom.whitaker@example.org");
        let resolved = auth::resolve_session(&store, &policy, &token).await.unwrap();
        assert_eq!(resolved.id, staff.id);
        assert!(auth::resolve_session(&store, &policy, "not a token").await.is_none());
        // Unknown accounts and wrong passwords get the same answer.
        assert_eq!(sign_in("nobody@example.org", DEMO_PASSWORD, "192.0.2.1").await.unwrap_err(), SignInRefusal::Invalid);
        for _ in 0..5 {
            assert_eq!(sign_in("tom.whitaker@example.org", "wrong password", "192.0.2.1").await.unwrap_err(), SignInRefusal::Invalid);
        }
        // The sixth try waits, even with the right password…
        let refused = sign_in("tom.whitaker@example.org", DEMO_PASSWORD, "192.0.2.1").await.unwrap_err();
        assert_eq!(refused, SignInRefusal::Throttled(15));
        // …but other accounts from the same address still sign in.
        assert!(sign_in("grace.okafor@example.org", DEMO_PASSWORD, "192.0.2.1").await.is_ok());
        let actions: Vec<(String, String)> = audit_actions(&store).await.into_iter().map(|a| (a.0, a.1)).collect();
        let count = |action: &str| actions.iter().filter(|a| a.0 == action).count();
        assert_eq!((count("signed_in"), count("sign_in_failed"), count("sign_in_throttled")), (2, 6, 1));
        assert!(actions.contains(&("sign_in_failed".into(), "nobody@example.org".into())));
        // A disabled staff member cannot sign in, and their password is not
        // even checked differently.
        let tom = staff.id;
        store.set_staff_active(tom, false, &by(tom)).await.unwrap();
        assert!(auth::resolve_session(&store, &policy, &token).await.is_none());
    }

    async fn staff_are_added_with_teams_and_unique_emails(engine: Engine) {
        let store = seeded_store(engine, 10).await;
        let alex = staff_id(&store, "alex.morgan@example.org").await;
        let team = store.add_team("Outreach", &by(alex)).await.unwrap();
        assert!(store.add_team("outreach", &by(alex)).await.is_err());
        let new = NewStaffMember {
            name: "Nia Adams".into(),
            email: "nia.adams@example.org".into(),
            role_id: Role::READ_ONLY,
            team_ids: vec![team, team],
            password: String::new(),
        };
        let id = store.add_staff_member(&new, Some("hash"), &by(alex)).await.unwrap();
        let again = NewStaffMember { email: "NIA.ADAMS@example.org".into(), ..new.clone() };
        assert!(store.add_staff_member(&again, None, &by(alex)).await.unwrap_err().to_string().contains("already exists"));
        let bad_team = NewStaffMember { email: "other@example.org".into(), team_ids: vec![999_999], ..new };
        assert!(store.add_staff_member(&bad_team, None, &by(alex)).await.is_err());
        let directory = store.staff_directory().await.unwrap();
        let nia = directory.staff.iter().find(|m| m.id == id).unwrap();
        assert_eq!((nia.role_id, nia.team_ids.clone(), nia.active, nia.can_sign_in), (Role::READ_ONLY, vec![team], true, true));
        assert!(directory.staff.iter().all(|m| m.email != "other@example.org"));
        assert_eq!(
            audit_actions(&store).await,
            vec![
                ("team_added".into(), "Outreach".into(), String::new()),
                ("staff_added".into(), "nia.adams@example.org".into(), "name: Nia Adams; role: Read-only; teams: Outreach".into()),
            ]
        );
        let page = store.audit_page(None, 1, &all()).await.unwrap();
        assert_eq!((page.entries.len(), page.entries[0].actor.as_str()), (1, "Alex Morgan"));
        let older = store.audit_page(page.older, 1, &all()).await.unwrap();
        assert_eq!((older.entries[0].action.as_str(), older.older), ("team_added", None));
    }

    async fn create_admin_makes_a_new_admin_or_restores_an_existing_one(engine: Engine) {
        let store = fresh_store(engine).await;
        let command = Actor { id: None, address: "create-admin command".into(), at: now_millis() };
        let first = store.create_admin("Ann Admin", "ann@example.org", "hash-1", &command).await.unwrap();
        let (staff, hash) = store.staff_for_sign_in("ANN@example.org").await.unwrap().unwrap();
        assert_eq!((staff.id, staff.role, hash.as_deref()), (first, built_in(Role::ADMIN), Some("hash-1")));
        // Run again for a demoted, disabled staff member: admin, active, new password.
        store.add_team("Front desk", &command).await.unwrap();
        let second = store
            .add_staff_member(
                &NewStaffMember {
                    name: "Ben".into(),
                    email: "ben@example.org".into(),
                    role_id: Role::ADMIN,
                    team_ids: vec![],
                    password: String::new(),
                },
                Some("hash-2"),
                &command,
            )
            .await
            .unwrap();
        store.update_staff_member(first, Role::STAFF, &[], &command).await.unwrap();
        store.set_staff_active(first, false, &command).await.unwrap();
        assert!(store.staff_for_sign_in("ann@example.org").await.unwrap().is_none());
        assert_eq!(store.create_admin("Ann Admin", "ann@example.org", "hash-3", &command).await.unwrap(), first);
        let (staff, hash) = store.staff_for_sign_in("ann@example.org").await.unwrap().unwrap();
        assert_eq!((staff.role, hash.as_deref()), (built_in(Role::ADMIN), Some("hash-3")));
        assert_ne!(first, second);
        let audit = store.audit_page(None, 100, &all()).await.unwrap();
        assert!(audit.entries.iter().all(|e| e.address == "create-admin command" && e.actor.is_empty()));
        assert_eq!(audit.entries[0].action, "password_reset");
    }
}
