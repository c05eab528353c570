//! Roles: built-in and custom, on both engines. Staff are the demo's:
//! 1 Alex (Admin), 2 Priya (Manager), 3 Tom (Staff).

use super::*;
use crate::access::{Permission as P, Permissions, Role};

/// The audit events about roles, oldest first.
async fn role_audit(store: &Store) -> Vec<(String, String, String)> {
    audit_actions(store).await.into_iter().filter(|(action, _, _)| action.starts_with("role_")).collect()
}

fn set(permissions: &[P]) -> Permissions {
    permissions.iter().copied().collect()
}

behaviours! {
    async fn built_in_roles_are_the_four_bundles_and_are_fixed(engine: Engine) {
        let store = seeded_store(engine, 10).await;
        let roles = store.roles().await.unwrap();
        let built: Vec<Role> = roles.iter().filter(|r| r.role.built_in).map(|r| r.role.clone()).collect();
        assert_eq!(built, [Role::ADMIN, Role::MANAGER, Role::STAFF, Role::READ_ONLY].map(built_in).to_vec());
        let holders: Vec<i64> = roles.iter().map(|r| r.holders).collect();
        assert_eq!(holders, vec![1, 2, 6, 1, 0], "Admin, Manager, Staff, Read-only, then the demo's Volunteer");
        let changed = store.update_role(Role::STAFF, "Staff", set(&[P::ViewInteractions]), 1, &by(1)).await;
        assert!(matches!(changed, Err(StoreError::Unprocessable(ref m)) if m.contains("built in")), "{changed:?}");
        assert!(matches!(store.delete_role(Role::READ_ONLY, 1, &by(1)).await, Err(StoreError::Unprocessable(_))));
        assert!(matches!(store.delete_role(999, 1, &by(1)).await, Err(StoreError::NotFound)));
        assert!(role_audit(&store).await.is_empty());
    }

    async fn a_custom_role_grants_exactly_its_permissions(engine: Engine) {
        let store = seeded_store(engine, 10).await;
        let intake = store.create_role("Intake", set(&[P::ViewInteractions, P::CreateInteractions]), &by(1)).await.unwrap();
        let again = store.create_role("INTAKE", Permissions::default(), &by(1)).await;
        assert!(matches!(again, Err(StoreError::Invalid(ref m)) if m.contains("already a role called")), "{again:?}");

        store.update_staff_member(3, intake, &[], &by(1)).await.unwrap();
        let tom = store.staff_record(3).await.unwrap().unwrap();
        assert_eq!(tom.role.name, "Intake");
        assert!(tom.role.grants(P::CreateInteractions) && !tom.role.grants(P::RenameDescriptions));
        assert!(!tom.role.grants(P::AssignActions));
        // Nobody without "assign and complete actions" can be given work.
        assert!(store.assignable_staff("Tom").await.unwrap().is_empty());

        let wider = set(&[P::ViewInteractions, P::CreateInteractions, P::RenameDescriptions]);
        store.update_role(intake, "Intake desk", wider, 1, &by(1)).await.unwrap();
        let stale = store.update_role(intake, "Intake", wider, 1, &by(1)).await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
        let tom = store.staff_record(3).await.unwrap().unwrap();
        assert_eq!((tom.role.name.as_str(), tom.role.grants(P::RenameDescriptions)), ("Intake desk", true));

        let held = store.delete_role(intake, 2, &by(1)).await;
        assert!(matches!(held, Err(StoreError::Unprocessable(ref m)) if m.contains("holds it")), "{held:?}");
        store.update_staff_member(3, Role::STAFF, &[], &by(1)).await.unwrap();
        assert!(matches!(store.delete_role(intake, 1, &by(1)).await, Err(StoreError::Conflict(_))));
        store.delete_role(intake, 2, &by(1)).await.unwrap();
        assert!(store.roles().await.unwrap().iter().all(|r| r.role.id != intake));
        // A role that is gone cannot be given.
        let gone = store.update_staff_member(3, intake, &[], &by(1)).await;
        assert!(matches!(gone, Err(StoreError::Invalid(ref m)) if m.contains("does not exist")), "{gone:?}");

        assert_eq!(
            role_audit(&store).await,
            vec![
                ("role_created".into(), "Intake".into(), "permissions: view people and interactions, create interactions".into()),
                (
                    "role_changed".into(),
                    "Intake desk".into(),
                    "name: Intake → Intake desk; permissions: view people and interactions, create interactions → \
                     view people and interactions, create interactions, rename descriptions"
                        .into()
                ),
                (
                    "role_deleted".into(),
                    "Intake desk".into(),
                    "permissions: view people and interactions, create interactions, rename descriptions".into()
                ),
            ]
        );
    }

    async fn the_last_holder_of_manage_staff_keeps_it_whatever_their_role(engine: Engine) {
        let store = seeded_store(engine, 10).await;
        let lead = store.create_role("Office lead", set(&[P::ViewInteractions, P::ManageStaff]), &by(1)).await.unwrap();
        store.update_staff_member(2, lead, &[], &by(1)).await.unwrap();
        // Priya may manage staff through her custom role: Alex may step down.
        store.update_staff_member(1, Role::STAFF, &[], &by(2)).await.unwrap();
        assert_eq!(store.active_staff_managers().await.unwrap(), 1);
        // Taking the permission from the role, or disabling Priya, would leave nobody.
        let narrowed = store.update_role(lead, "Office lead", set(&[P::ViewInteractions]), 1, &by(2)).await;
        assert!(
            matches!(narrowed, Err(StoreError::Invalid(ref m)) if m.contains("at least one active staff member who may manage staff")),
            "{narrowed:?}"
        );
        assert!(store.set_staff_active(2, false, &by(2)).await.is_err());
        assert!(store.update_staff_member(2, Role::MANAGER, &[], &by(2)).await.is_err());
        let priya = store.staff_record(2).await.unwrap().unwrap();
        assert_eq!((priya.role.id, priya.role.version, priya.role.grants(P::ManageStaff)), (lead, 1, true));
        // Once someone else holds it, the role may be narrowed.
        store.update_staff_member(1, Role::ADMIN, &[], &by(2)).await.unwrap();
        store.update_role(lead, "Office lead", set(&[P::ViewInteractions]), 1, &by(1)).await.unwrap();
        assert_eq!(store.active_staff_managers().await.unwrap(), 1);
    }
}
