//! Notes on a person: "Things to know". Read through the same visibility
//! rules as interactions; each edit keeps the text it replaced; a delete is
//! audited with the text it removed (readable in the audit log only by those
//! who could read the note).

use chrono_tz::Tz;
use sqlx::{any::AnyRow, AnyConnection, Row};

use super::interactions::may_change_visibility;
use super::staff::insert_audit;
use super::visibility::{access_for, access_label, check_teams, lock_readable_in, visibility_of, Reader};
use super::{retrying, Actor, Engine, StaffRecord, Store, StoreError};
use crate::log::Visibility;
use crate::notes::{NoteRevision, PersonNote, MAX_PERSON_NOTES};
use crate::server::time::display_time;

/// Note `id`, locked for the change that follows (PostgreSQL); not found
/// when `reader` may not read it, as when there is no such note.
async fn lock_note(conn: &mut AnyConnection, engine: Engine, id: i64, reader: &Reader) -> Result<AnyRow, StoreError> {
    let columns = "body, created_by, version, (SELECT name FROM people WHERE people.id = person_id) AS person_name";
    lock_readable_in(conn, engine, "person_notes", id, columns, reader).await
}

/// Refuses an edit made against an older version of the note.
fn check_version(row: &AnyRow, version: i64) -> Result<(), StoreError> {
    if row.get::<i64, _>("version") != version {
        return Err(StoreError::Conflict(
            "Someone else changed this note since you opened the page. Its current text is shown: make your change again."
                .into(),
        ));
    }
    Ok(())
}

/// A note's new text and readers, against the version the editor saw.
#[derive(Clone, Copy, Debug)]
pub struct NoteEdit<'a> {
    pub body: &'a str,
    pub visibility: &'a Visibility,
    pub version: i64,
}

impl Store {
    /// Person `person_id`'s notes that `staff` may read: pinned first, then
    /// the most recently changed.
    pub async fn person_notes(
        &self,
        person_id: i64,
        staff: &StaffRecord,
        reader: &Reader,
        tz: Tz,
    ) -> Result<Vec<PersonNote>, StoreError> {
        let mut sql = super::Sql::new(
            "SELECT n.id, n.body, n.pinned, n.access, n.created_by, n.created_at, n.updated_at, n.version,
                    c.name AS created_by_name, u.name AS updated_by_name,
                    (SELECT count(*) FROM person_note_revisions r WHERE r.note_id = n.id) AS revisions
             FROM person_notes n
             JOIN staff_members c ON c.id = n.created_by
             JOIN staff_members u ON u.id = n.updated_by
             WHERE n.person_id = ",
        );
        let person = sql.arg(person_id);
        sql.push(&person);
        reader.write_condition(&mut sql, "n");
        sql.push(&format!(" ORDER BY n.pinned DESC, n.updated_at DESC, n.id DESC LIMIT {MAX_PERSON_NOTES}"));
        let rows = sql.query().fetch_all(&self.pool).await?;
        let teams = self.teams_named_by(rows.iter().map(|r| r.get::<&str, _>("access"))).await?;
        rows.iter()
            .map(|r| {
                let access: String = r.try_get("access")?;
                let (created_at, updated_at): (i64, i64) = (r.try_get("created_at")?, r.try_get("updated_at")?);
                Ok(PersonNote {
                    id: r.try_get("id")?,
                    body: r.try_get("body")?,
                    pinned: r.try_get::<i64, _>("pinned")? == 1,
                    visibility: visibility_of(&access),
                    restricted: access_label(&access, &teams),
                    created_by_name: r.try_get("created_by_name")?,
                    created_display: display_time(created_at, tz),
                    edited: (updated_at != created_at)
                        .then(|| Ok::<_, sqlx::Error>((r.try_get("updated_by_name")?, display_time(updated_at, tz))))
                        .transpose()?,
                    revisions: r.try_get("revisions")?,
                    version: r.try_get("version")?,
                    can_change_visibility: may_change_visibility(staff, r.try_get("created_by")?),
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Adds a note (its text already validated) about person `person_id`.
    pub async fn add_person_note(
        &self,
        person_id: i64,
        body: &str,
        visibility: &Visibility,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let author = actor.id.ok_or_else(|| StoreError::Invalid("Only staff can add notes.".into()))?;
        retrying(|| async {
            let mut tx = self.begin_write().await?;
            let person: Option<String> = sqlx::query_scalar("SELECT name FROM people WHERE id = $1")
                .bind(person_id)
                .fetch_optional(&mut *tx)
                .await?;
            let person = person.ok_or(StoreError::NotFound)?;
            check_teams(&mut tx, visibility).await?;
            let access = access_for(visibility, author);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO person_notes (person_id, body, access, created_by, created_at, updated_by, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $4, $5) RETURNING id",
            )
            .bind(person_id)
            .bind(body)
            .bind(&access)
            .bind(author)
            .bind(actor.at)
            .fetch_one(&mut *tx)
            .await?;
            let event = actor.event("note_added", &person, format!("note {id}"));
            insert_audit(&mut tx, &event).await?;
            tx.commit().await?;
            Ok(id)
        })
        .await
    }

    /// Changes a note's text (keeping the old text as a revision) and who
    /// may read it, against the version the editor saw.
    pub async fn edit_person_note(
        &self,
        id: i64,
        edit: NoteEdit<'_>,
        staff: &StaffRecord,
        reader: &Reader,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let NoteEdit { body, visibility, version } = edit;
        let teams = self.teams().await?;
        retrying(|| async {
            let mut tx = self.begin_write().await?;
            let row = lock_note(&mut tx, self.engine, id, reader).await?;
            check_version(&row, version)?;
            let author: i64 = row.get("created_by");
            let (old_body, old_access): (String, String) = (row.get("body"), row.get("access"));
            let access = access_for(visibility, author);
            if access != old_access {
                if !may_change_visibility(staff, author) {
                    return Err(StoreError::NotAllowed(
                        "Only its author or a manager can change who may read this note.".into(),
                    ));
                }
                check_teams(&mut tx, visibility).await?;
            }
            if old_body == body && access == old_access {
                return Ok(());
            }
            if old_body != body {
                sqlx::query(
                    "INSERT INTO person_note_revisions (note_id, old_body, revised_by, revised_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(&old_body)
                .bind(staff.id)
                .bind(actor.at)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "UPDATE person_notes SET body = $2, access = $3, updated_by = $4, updated_at = $5, version = version + 1
                 WHERE id = $1",
            )
            .bind(id)
            .bind(body)
            .bind(&access)
            .bind(staff.id)
            .bind(actor.at)
            .execute(&mut *tx)
            .await?;
            if access != old_access {
                let words = |access: &str| access_label(access, &teams).unwrap_or_else(|| "All staff".into());
                let details = format!("note {id}: visibility: {} → {}", words(&old_access), words(&access));
                let event = actor.event("note_visibility_changed", row.get("person_name"), details);
                insert_audit(&mut tx, &event).await?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Pins a note to the top of the panel, or unpins it.
    pub async fn pin_person_note(&self, id: i64, pinned: bool, reader: &Reader) -> Result<(), StoreError> {
        retrying(|| async {
            let mut tx = self.begin_write().await?;
            lock_note(&mut tx, self.engine, id, reader).await?;
            sqlx::query("UPDATE person_notes SET pinned = $2 WHERE id = $1")
                .bind(id)
                .bind(i64::from(pinned))
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Deletes a note and its earlier texts. The audit log keeps the text it
    /// removed, readable there only by those who could read the note.
    pub async fn delete_person_note(&self, id: i64, reader: &Reader, actor: &Actor) -> Result<(), StoreError> {
        retrying(|| async {
            let mut tx = self.begin_write().await?;
            let row = lock_note(&mut tx, self.engine, id, reader).await?;
            sqlx::query("DELETE FROM person_note_revisions WHERE note_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM person_notes WHERE id = $1").bind(id).execute(&mut *tx).await?;
            let body: String = row.get("body");
            let event = actor.event("note_deleted", row.get("person_name"), format!("note {id}: {body}"));
            insert_audit(&mut tx, &super::AuditEvent { access: row.get("access"), ..event }).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// A note's earlier texts, newest first.
    pub async fn person_note_revisions(
        &self,
        id: i64,
        reader: &Reader,
        tz: Tz,
    ) -> Result<Vec<NoteRevision>, StoreError> {
        let access: Option<String> = sqlx::query_scalar("SELECT access FROM person_notes WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        if !access.is_some_and(|a| reader.opens(&a)) {
            return Err(StoreError::NotFound);
        }
        let rows = sqlx::query(
            "SELECT r.old_body, r.revised_at, s.name AS revised_by_name
             FROM person_note_revisions r JOIN staff_members s ON s.id = r.revised_by
             WHERE r.note_id = $1 ORDER BY r.id DESC",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(NoteRevision {
                    old_body: r.try_get("old_body")?,
                    revised_by_name: r.try_get("revised_by_name")?,
                    revised_display: display_time(r.try_get("revised_at")?, tz),
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}
