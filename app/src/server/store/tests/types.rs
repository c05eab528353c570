//! Interaction types: the admin's order, versions and every change, on both
//! engines.

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::type_settings::{TypeChange, TypeSetting};

fn admin() -> Actor {
    Actor { id: None, address: "192.0.2.7".into(), at: now_millis() }
}

/// Live type ids in the stored order, after checking every key (deleted
/// rows too) is unique and in strictly increasing order.
async fn checked_order(store: &Store) -> Vec<i64> {
    let rows: Vec<(i64, String, Option<i64>)> =
        sqlx::query_as("SELECT id, sort_key, deleted_at FROM interaction_types ORDER BY sort_key, id")
            .fetch_all(store.pool())
            .await
            .unwrap();
    for pair in rows.windows(2) {
        assert!(pair[0].1 < pair[1].1, "keys out of order or repeated: {pair:?}");
    }
    for (id, key, _) in &rows {
        assert!(key_between(Some(key), None).is_ok(), "type {id} has an unreadable key {key:?}");
    }
    rows.into_iter().filter(|r| r.2.is_none()).map(|r| r.0).collect()
}

async fn settings_by_id(store: &Store) -> HashMap<i64, TypeSetting> {
    store.type_settings().await.unwrap().types.into_iter().map(|t| (t.id, t)).collect()
}

async fn audit_of(store: &Store, action: &str) -> Vec<(String, String)> {
    sqlx::query_as("SELECT subject, details FROM audit_events WHERE action = $1 ORDER BY id")
        .bind(action)
        .fetch_all(store.pool())
        .await
        .unwrap()
}

/// Adds types named "Type 1", "Type 2"… until there are `n` live ones.
async fn with_types(store: &Store, n: usize) -> Vec<i64> {
    let mut order = checked_order(store).await;
    while order.len() < n {
        let added = store.add_interaction_type(&format!("Type {}", order.len()), "#2563eb", "note", &admin()).await;
        order.push(added.unwrap().id);
    }
    order
}

behaviours! {
    async fn the_order_stays_strict_over_thousands_of_random_moves(engine: Engine) {
        let store = seeded_store(engine, 20).await;
        let mut model = with_types(&store, 24).await;
        // Deleted types keep their keys between the live ones.
        for id in [model[3], model[10]] {
            store.change_interaction_type(id, 1, &TypeChange::Delete, &admin()).await.unwrap();
            model.retain(|t| *t != id);
        }
        assert_eq!(checked_order(&store).await, model);
        let mut versions: HashMap<i64, i64> = settings_by_id(&store).await.into_iter().map(|(id, t)| (id, t.version)).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let moves = 2_000;
        for step in 0..moves {
            let from = rng.random_range(0..model.len());
            let id = model.remove(from);
            // Edges often: that is where keys grow fastest.
            let to = match rng.random_range(0..4) {
                0 => 0,
                1 => model.len(),
                _ => rng.random_range(0..=model.len()),
            };
            let after = to.checked_sub(1).map(|i| model[i]);
            model.insert(to, id);
            let moved = store.move_interaction_type(id, versions[&id], after, &admin()).await.unwrap();
            versions.insert(id, moved.version);
            if step % 50 == 0 || step == moves - 1 {
                assert_eq!(checked_order(&store).await, model, "after move {step}");
            } else {
                let live: Vec<i64> = store.interaction_types(false).await.unwrap().iter().map(|t| t.badge.id).collect();
                assert_eq!(live, model, "after move {step}");
            }
        }
        let longest: i64 = sqlx::query_scalar("SELECT max(length(sort_key)) FROM interaction_types")
            .fetch_one(store.pool())
            .await
            .unwrap();
        println!("{engine:?}: {moves} random moves among {} types, longest key {longest} hex digits", model.len());
        assert!(longest < 200, "keys grew to {longest} characters");
    }

    async fn concurrent_moves_end_in_a_valid_permutation(engine: Engine) {
        let store = seeded_store(engine, 20).await;
        let start = with_types(&store, 16).await;
        // Collected, so all eight are running before the first is awaited.
        let tasks: Vec<_> = (0..8u64).map(|task| {
            let store = store.store.clone();
            tokio::spawn(async move {
                let mut rng = ChaCha8Rng::seed_from_u64(100 + task);
                let (mut moved, mut stale) = (0, 0);
                for _ in 0..30 {
                    loop {
                        let live: Vec<TypeSetting> =
                            store.type_settings().await.unwrap().types.into_iter().filter(|t| !t.deleted).collect();
                        let one = &live[rng.random_range(0..live.len())];
                        let others: Vec<i64> = live.iter().map(|t| t.id).filter(|id| *id != one.id).collect();
                        let after = rng.random_range(0..=others.len()).checked_sub(1).map(|i| others[i]);
                        match store.move_interaction_type(one.id, one.version, after, &admin()).await {
                            Ok(now) => {
                                moved += i64::from(now.version > one.version);
                                break;
                            }
                            // Another task moved it first: look again, as an admin would.
                            Err(StoreError::Conflict(_)) => stale += 1,
                            Err(e) => panic!("task {task}: {e:?}"),
                        }
                    }
                }
                (moved, stale)
            })
        }).collect();
        let (mut moved, mut stale) = (0, 0);
        for task in tasks {
            let (m, s) = task.await.unwrap();
            moved += m;
            stale += s;
        }
        let mut end = checked_order(&store).await;
        assert_eq!(end.len(), start.len(), "types lost or doubled");
        end.sort_unstable();
        let mut expected = start.clone();
        expected.sort_unstable();
        assert_eq!(end, expected);
        // Every move that changed the order is in the audit log, once.
        assert_eq!(audit_of(&store, "type_moved").await.len() as i64, moved);
        println!("{engine:?}: 8 tasks, {moved} moves kept, {stale} refused as stale and made again");
    }

    async fn stale_changes_are_refused_and_change_nothing(engine: Engine) {
        let store = seeded_store(engine, 20).await;
        let phone = store.type_settings().await.unwrap().types[0].clone();
        assert_eq!((phone.name.as_str(), phone.version), ("Phone call", 1));
        let renamed = store.change_interaction_type(phone.id, 1, &TypeChange::Rename("Call".into()), &admin()).await;
        assert_eq!(renamed.unwrap().version, 2);
        // A second admin still looking at version 1.
        for change in [TypeChange::Rename("Phone".into()), TypeChange::Colour("#000000".into()), TypeChange::Delete] {
            let refused = store.change_interaction_type(phone.id, 1, &change, &admin()).await.unwrap_err();
            assert!(matches!(&refused, StoreError::Conflict(m) if m.contains("“Call”")), "{refused:?}");
        }
        let refused = store.move_interaction_type(phone.id, 1, None, &admin()).await.unwrap_err();
        assert!(matches!(refused, StoreError::Conflict(_)));
        let now = &settings_by_id(&store).await[&phone.id];
        assert_eq!((now.name.as_str(), now.colour.as_str(), now.deleted, now.version), ("Call", "#2563eb", false, 2));
        assert_eq!(audit_of(&store, "type_renamed").await, vec![("Phone call".into(), "name: Phone call → Call".into())]);
        assert!(store.change_interaction_type(-1, 1, &TypeChange::Delete, &admin()).await.is_err());
    }

    async fn every_change_is_checked_kept_and_audited(engine: Engine) {
        let store = seeded_store(engine, 200).await;
        let types = store.type_settings().await.unwrap();
        let ids: Vec<i64> = types.types.iter().map(|t| t.id).collect();
        let (phone, email, visit) = (ids[0], ids[1], ids[2]);
        let team = types.teams[0].clone();

        // Names are unique among live types, whatever the case.
        let refused = store.change_interaction_type(phone, 1, &TypeChange::Rename("EMAIL".into()), &admin()).await;
        assert!(matches!(refused, Err(StoreError::Invalid(m)) if m.contains("already an interaction type called")));
        let refused = store.add_interaction_type("visit", "#16a34a", "home", &admin()).await;
        assert!(matches!(refused, Err(StoreError::Invalid(_))));

        let v = store.change_interaction_type(email, 1, &TypeChange::Colour("#facc15".into()), &admin()).await.unwrap();
        let v = store.change_interaction_type(email, v.version, &TypeChange::Icon("message".into()), &admin()).await.unwrap();
        let v = store
            .change_interaction_type(email, v.version, &TypeChange::Teams(vec![team.id, team.id]), &admin())
            .await
            .unwrap();
        assert_eq!((v.colour.as_str(), v.icon.as_str(), v.team_ids.clone(), v.version), ("#facc15", "message", vec![team.id], 4));
        let refused = store.change_interaction_type(email, 4, &TypeChange::Teams(vec![-5]), &admin()).await;
        assert!(matches!(refused, Err(StoreError::Invalid(_))));
        // The log shows the new colour at once.
        let badge = store.interaction_types(false).await.unwrap().into_iter().find(|t| t.badge.id == email).unwrap();
        assert_eq!((badge.badge.colour.as_str(), badge.badge.ink.as_str()), ("#facc15", crate::log::DARK_INK));

        // Deleted: gone from the live list, still on old interactions, kept in place.
        let used: i64 = sqlx::query_scalar("SELECT count(*) FROM interactions WHERE type_id = $1")
            .bind(visit)
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert!(used > 0);
        store.change_interaction_type(visit, 1, &TypeChange::Delete, &admin()).await.unwrap();
        assert!(!store.interaction_types(false).await.unwrap().iter().any(|t| t.badge.id == visit));
        let settings = store.type_settings().await.unwrap();
        assert!(settings.types.last().is_some_and(|t| t.id == visit && t.deleted));
        let query = LogQuery { types: vec![visit], ..Default::default() };
        let page = store.list_interactions(&query, &all(), TZ).await.unwrap();
        assert_eq!(page.total as i64, used);
        assert!(page.rows.iter().all(|r| r.kind.deleted && r.kind.name == "Visit"));
        // A deleted type cannot be changed or moved, only restored.
        assert!(store.change_interaction_type(visit, 2, &TypeChange::Rename("Home visit".into()), &admin()).await.is_err());
        assert!(store.move_interaction_type(visit, 2, None, &admin()).await.is_err());
        // Its name is free again while it is deleted; restoring needs it back.
        let other = store.add_interaction_type("Visit", "#16a34a", "home", &admin()).await.unwrap();
        let refused = store.change_interaction_type(visit, 2, &TypeChange::Restore, &admin()).await;
        assert!(matches!(refused, Err(StoreError::Invalid(m)) if m.contains("rename that one first")));
        store.change_interaction_type(other.id, 1, &TypeChange::Rename("Outreach visit".into()), &admin()).await.unwrap();
        store.change_interaction_type(visit, 2, &TypeChange::Restore, &admin()).await.unwrap();
        let order = checked_order(&store).await;
        assert_eq!(order[..3], [phone, email, visit], "restored to where it was");
        assert_eq!(*order.last().unwrap(), other.id, "new types go to the end");

        // The last live type cannot be deleted.
        let live = settings_by_id(&store).await;
        let mut left: Vec<&TypeSetting> = live.values().filter(|t| !t.deleted).collect();
        left.sort_by_key(|t| t.id);
        let last = left.pop().unwrap();
        for t in left {
            store.change_interaction_type(t.id, t.version, &TypeChange::Delete, &admin()).await.unwrap();
        }
        let refused = store.change_interaction_type(last.id, last.version, &TypeChange::Delete, &admin()).await;
        assert!(matches!(refused, Err(StoreError::Invalid(m)) if m.contains("at least one")));

        let actions: Vec<String> = sqlx::query_scalar("SELECT DISTINCT action FROM audit_events ORDER BY action")
            .fetch_all(store.pool())
            .await
            .unwrap();
        assert_eq!(actions, ["type_added", "type_deleted", "type_icon_changed", "type_recoloured", "type_renamed", "type_restored", "type_teams_changed"]);
        assert_eq!(
            audit_of(&store, "type_teams_changed").await,
            vec![("Email".into(), format!("teams: all → {}", team.name))]
        );
        assert_eq!(audit_of(&store, "type_recoloured").await, vec![("Email".into(), "colour: #0891b2 → #facc15".into())]);
    }
}
