//! Notes on a person, on both engines. Staff are the demo's: 1 Alex (admin:
//! sees restricted records), 3 Tom (staff, Casework), 4 Grace (staff,
//! Health and wellbeing), 8 Ellie (staff; Casework, Health and wellbeing).

use super::*;
use crate::access::Role;
use crate::log::Visibility;

async fn bodies(store: &Store, person: i64, staff: &StaffRecord) -> Vec<String> {
    let reader = store.reader(staff).await.unwrap();
    store.person_notes(person, staff, &reader, TZ).await.unwrap().into_iter().map(|n| n.body).collect()
}

behaviours! {
    async fn notes_are_kept_from_whoever_may_not_read_them_and_never_join_the_log(engine: Engine) {
        let store = seeded_store(engine, 20).await;
        sqlx::query("DELETE FROM person_note_revisions").execute(store.pool()).await.unwrap();
        sqlx::query("DELETE FROM person_notes").execute(store.pool()).await.unwrap();
        let (alex, tom, grace, ellie) = (member(1, Role::ADMIN), member(3, Role::STAFF), member(4, Role::STAFF), member(8, Role::STAFF));
        let team: i64 = sqlx::query_scalar("SELECT id FROM teams WHERE name = 'Health and wellbeing'").fetch_one(store.pool()).await.unwrap();
        let log_before = store.list_interactions(&LogQuery::default(), &all(), TZ).await.unwrap().total;

        store.add_person_note(5, "Prefers a phone call first.", &Visibility::AllStaff, &by(3)).await.unwrap();
        store.add_person_note(5, "Takes insulin.", &Visibility::Teams(vec![team]), &by(4)).await.unwrap();
        store.add_person_note(5, "Tom's own reminder.", &Visibility::Private, &by(3)).await.unwrap();
        assert_eq!(bodies(&store, 5, &tom).await, vec!["Tom's own reminder.".to_string(), "Prefers a phone call first.".into()]);
        assert_eq!(bodies(&store, 5, &ellie).await, vec!["Takes insulin.".to_string(), "Prefers a phone call first.".into()]);
        assert_eq!(bodies(&store, 5, &alex).await.len(), 3);
        assert!(bodies(&store, 6, &alex).await.is_empty(), "notes belong to their person");
        assert_eq!(store.list_interactions(&LogQuery::default(), &all(), TZ).await.unwrap().total, log_before, "notes are not interactions");
        assert!(matches!(store.add_person_note(999_999, "Nobody", &Visibility::AllStaff, &by(3)).await, Err(StoreError::NotFound)));
        assert!(store.add_person_note(5, "Bad team", &Visibility::Teams(vec![999]), &by(3)).await.is_err());

        // Tom cannot reach Grace's team note in any way: it is not found.
        let grace_reader = store.reader(&grace).await.unwrap();
        let tom_reader = store.reader(&tom).await.unwrap();
        let insulin = store.person_notes(5, &grace, &grace_reader, TZ).await.unwrap().into_iter().find(|n| n.body == "Takes insulin.").unwrap();
        assert_eq!(insulin.restricted.as_deref(), Some("Teams: Health and wellbeing"));
        assert!(matches!(store.edit_person_note(insulin.id, NoteEdit { body: "Changed", visibility: &insulin.visibility, version: 1 }, &tom, &tom_reader, &by(3)).await, Err(StoreError::NotFound)));
        assert!(matches!(store.pin_person_note(insulin.id, true, &tom_reader).await, Err(StoreError::NotFound)));
        assert!(matches!(store.delete_person_note(insulin.id, &tom_reader, &by(3)).await, Err(StoreError::NotFound)));
        assert!(matches!(store.person_note_revisions(insulin.id, &tom_reader, TZ).await, Err(StoreError::NotFound)));

        // Edited twice: each earlier text is kept, newest first; a stale
        // edit is refused; Ellie (not its author, not a manager) may edit
        // the text but not who may read it.
        let ellie_reader = store.reader(&ellie).await.unwrap();
        store.edit_person_note(insulin.id, NoteEdit { body: "Takes insulin twice a day.", visibility: &insulin.visibility, version: 1 }, &grace, &grace_reader, &by(4)).await.unwrap();
        let stale = store.edit_person_note(insulin.id, NoteEdit { body: "Stale", visibility: &insulin.visibility, version: 1 }, &ellie, &ellie_reader, &by(8)).await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
        let widened = store.edit_person_note(insulin.id, NoteEdit { body: "Takes insulin.", visibility: &Visibility::AllStaff, version: 2 }, &ellie, &ellie_reader, &by(8)).await;
        assert!(matches!(widened, Err(StoreError::NotAllowed(_))), "{widened:?}");
        store.edit_person_note(insulin.id, NoteEdit { body: "Takes insulin twice a day, with meals.", visibility: &insulin.visibility, version: 2 }, &ellie, &ellie_reader, &by(8)).await.unwrap();
        let history: Vec<String> = store.person_note_revisions(insulin.id, &ellie_reader, TZ).await.unwrap().into_iter().map(|r| r.old_body).collect();
        assert_eq!(history, ["Takes insulin twice a day.", "Takes insulin."]);
        let note = store.person_notes(5, &ellie, &ellie_reader, TZ).await.unwrap().into_iter().find(|n| n.id == insulin.id).unwrap();
        assert_eq!((note.revisions, note.version, note.edited.is_some()), (2, 3, true));

        // Pinned first.
        let phone = store.person_notes(5, &tom, &tom_reader, TZ).await.unwrap().into_iter().find(|n| n.body.starts_with("Prefers")).unwrap();
        store.pin_person_note(phone.id, true, &tom_reader).await.unwrap();
        assert_eq!(bodies(&store, 5, &tom).await[0], "Prefers a phone call first.");

        // Deleted: gone with its history; the audit log keeps the text, but
        // shows it only to those who could read the note.
        store.delete_person_note(insulin.id, &grace_reader, &by(4)).await.unwrap();
        assert_eq!(bodies(&store, 5, &alex).await.len(), 2);
        let left: i64 = sqlx::query_scalar("SELECT count(*) FROM person_note_revisions").fetch_one(store.pool()).await.unwrap();
        assert_eq!(left, 0);
        let deleted = |page: crate::access::AuditPage| page.entries.into_iter().find(|e| e.action == "note_deleted").unwrap();
        let for_ellie = deleted(store.audit_page(None, 50, &ellie_reader).await.unwrap());
        assert!(for_ellie.details.contains("Takes insulin twice a day, with meals."), "{}", for_ellie.details);
        let for_tom = deleted(store.audit_page(None, 50, &tom_reader).await.unwrap());
        assert!(!for_tom.details.contains("insulin"), "{}", for_tom.details);
    }
}
