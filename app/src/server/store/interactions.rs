//! Interactions one at a time: the types they can have, recording, renaming,
//! and everything the detail page shows.

use chrono_tz::Tz;
use sqlx::{any::AnyRow, Any, Row, Transaction};

use super::actions::manages;
use super::staff::insert_audit;
use super::visibility::{access_for, access_label, check_teams, lock_readable, visibility_of, Reader};
use super::{retrying, tags, Actor, InteractionTypeRecord, NewInteraction, Sql, StaffRecord, Store, StoreError};
use crate::access::Permission;
use crate::log::{InteractionDetail, InteractionLink, LogRow, Revision, TypeBadge, Visibility};
use crate::recording::{ErrorMark, Source};
use crate::server::time::{display_time, iso_time, Millis};

impl Store {
    /// Interaction types in the admin's order; deleted ones only if asked.
    pub async fn interaction_types(&self, include_deleted: bool) -> Result<Vec<InteractionTypeRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, colour, icon, sort_key, CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END AS deleted
             FROM interaction_types WHERE $1 = 1 OR deleted_at IS NULL ORDER BY sort_key, id",
        )
        .bind(i64::from(include_deleted))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| InteractionTypeRecord {
                badge: TypeBadge::new(
                    r.get("id"),
                    r.get("name"),
                    r.get("colour"),
                    r.get("icon"),
                    r.get::<i64, _>("deleted") != 0,
                ),
                sort_key: r.get("sort_key"),
            })
            .collect())
    }

    /// The keyword tags of a new interaction (the names of the person and
    /// the staff member are not keywords), and whether its person exists.
    pub(crate) async fn tags_for(&self, new: &NewInteraction) -> Result<(bool, String), StoreError> {
        let (person, staff): (Option<String>, Option<String>) = sqlx::query_as(
            "SELECT (SELECT name FROM people WHERE id = $1), (SELECT name FROM staff_members WHERE id = $2)",
        )
        .bind(new.person_id)
        .bind(new.logged_by)
        .fetch_one(&self.pool)
        .await?;
        let names: Vec<&str> = person.iter().chain(staff.iter()).map(String::as_str).collect();
        let tags = tags::join_tags(&tags::extract_tags(&new.description, &new.note, &names));
        Ok((person.is_some(), tags))
    }

    /// Renames a description, keeping the old text as a revision. The text must
    /// already be validated. Renaming to the same text changes nothing.
    pub async fn rename_description(
        &self,
        id: i64,
        new_description: &str,
        reader: &Reader,
        revised_by: i64,
        at: Millis,
    ) -> Result<(), StoreError> {
        retrying(|| async {
            let mut tx = self.begin_write().await?;
            let old: String = lock_readable(&mut tx, self.engine, id, "description", reader).await?.get("description");
            if old == new_description {
                return Ok(());
            }
            sqlx::query("UPDATE interactions SET description = $1 WHERE id = $2")
                .bind(new_description)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO description_revisions
                     (interaction_id, old_description, new_description, revised_by, revised_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(&old)
            .bind(new_description)
            .bind(revised_by)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// One row of the log by id, if `reader` may open it.
    pub async fn log_row(&self, id: i64, reader: &Reader, tz: Tz) -> Result<Option<LogRow>, StoreError> {
        Ok(self.rows_by_id(&[id], reader, tz).await?.pop())
    }

    /// Who may read an interaction, if `reader` may open it.
    pub async fn visibility(&self, id: i64, reader: &Reader) -> Result<Option<Visibility>, StoreError> {
        let access: Option<String> = sqlx::query_scalar("SELECT access FROM interactions WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(access.filter(|a| reader.opens(a)).map(|a| visibility_of(&a)))
    }

    /// Widens or narrows who may read an interaction. Only its author or a
    /// manager may; someone who may not open it finds nothing. Audited with
    /// before → after.
    pub async fn change_visibility(
        &self,
        id: i64,
        visibility: &Visibility,
        by: &StaffRecord,
        reader: &Reader,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let teams = self.teams().await?;
        retrying(|| async {
            let mut tx = self.begin_write().await?;
            let row = lock_readable(&mut tx, self.engine, id, "logged_by", reader).await?;
            let author: i64 = row.get("logged_by");
            if !may_change_visibility(by, author) {
                return Err(StoreError::NotAllowed(
                    "Only its author or a manager can change who may read this interaction.".into(),
                ));
            }
            check_teams(&mut tx, visibility).await?;
            let old: String = row.get("access");
            let new = access_for(visibility, author);
            if old == new {
                return Ok(());
            }
            sqlx::query("UPDATE interactions SET access = $1 WHERE id = $2")
                .bind(&new)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let words = |access: &str| access_label(access, &teams).unwrap_or_else(|| "All staff".into());
            let details = format!("visibility: {} → {}", words(&old), words(&new));
            let event = actor.event("visibility_changed", &format!("interaction {id}"), details).about(id);
            insert_audit(&mut tx, &event).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Everything the detail page shows to `staff`, or `None` for an unknown
    /// id or one they may not open.
    pub async fn interaction_detail(
        &self,
        id: i64,
        staff: &StaffRecord,
        reader: &Reader,
        tz: Tz,
    ) -> Result<Option<InteractionDetail>, StoreError> {
        let Some(row) = self.log_row(id, reader, tz).await? else {
            return Ok(None);
        };
        let extra = sqlx::query(
            "SELECT i.note, i.logged_at, i.reply_to, i.source, i.error_reason, i.error_marked_at,
                    i.access, i.logged_by, s.name AS error_marked_by
             FROM interactions i LEFT JOIN staff_members s ON s.id = i.error_marked_by
             WHERE i.id = $1",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        let source = Source::parse(extra.get("source")).unwrap_or_default();
        let error_mark =
            match (extra.get::<Option<Millis>, _>("error_marked_at"), extra.get::<Option<String>, _>("error_reason")) {
                (Some(at), Some(reason)) => Some(ErrorMark {
                    reason,
                    marked_by_name: extra.get::<Option<String>, _>("error_marked_by").unwrap_or_default(),
                    marked_at: iso_time(at),
                    marked_display: display_time(at, tz),
                }),
                _ => None,
            };
        let logged_at: Millis = extra.get("logged_at");
        let reply_to_id: Option<i64> = extra.get("reply_to");
        let link = |r: AnyRow| InteractionLink {
            id: r.get("id"),
            description: r.get("description"),
            occurred_display: display_time(r.get("occurred_at"), tz),
        };
        // The original and the replies, as far as the reader may open them.
        let mut sql = Sql::new("SELECT i.id, i.description, i.occurred_at FROM interactions i WHERE i.id = ");
        let parent = sql.arg(reply_to_id.unwrap_or(0));
        sql.push(&parent);
        reader.write_condition(&mut sql, "i");
        let reply_to = match reply_to_id {
            Some(_) => sql.query().fetch_optional(&self.pool).await?.map(link),
            None => None,
        };
        let reply_to_restricted = reply_to_id.is_some() && reply_to.is_none();
        let mut sql = Sql::new("SELECT i.id, i.description, i.occurred_at FROM interactions i WHERE i.reply_to = ");
        let this = sql.arg(id);
        sql.push(&this);
        reader.write_condition(&mut sql, "i");
        sql.push(" ORDER BY i.occurred_at, i.id");
        let replies = sql.query().fetch_all(&self.pool).await?.into_iter().map(link).collect();
        let revisions = sqlx::query(
            "SELECT r.old_description, r.new_description, r.revised_at, s.name AS staff_name
             FROM description_revisions r JOIN staff_members s ON s.id = r.revised_by
             WHERE r.interaction_id = $1 ORDER BY r.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|r| {
            let at: Millis = r.get("revised_at");
            Revision {
                old_description: r.get("old_description"),
                new_description: r.get("new_description"),
                revised_by_name: r.get("staff_name"),
                revised_at: iso_time(at),
                revised_display: display_time(at, tz),
            }
        })
        .collect();
        let actions = sqlx::query(
            "SELECT id, instructions, completion_id FROM actions WHERE interaction_id = $1 OR completion_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let completion: Option<i64> = r.get("completion_id");
            crate::log::ActionLink {
                id: r.get("id"),
                instructions: r.get("instructions"),
                completed_here: completion == Some(id),
                done: completion.is_some(),
            }
        })
        .collect();
        let can_change_visibility = may_change_visibility(staff, extra.get("logged_by"));
        Ok(Some(InteractionDetail {
            actions,
            row,
            note: extra.get("note"),
            logged_at: iso_time(logged_at),
            logged_display: display_time(logged_at, tz),
            reply_to,
            reply_to_restricted,
            visibility: visibility_of(extra.get("access")),
            can_change_visibility,
            // Only the change control names teams.
            teams: if can_change_visibility { self.teams().await? } else { Vec::new() },
            replies,
            revisions,
            source,
            error_mark,
        }))
    }
}

/// Who may change an interaction's visibility: its author, or a manager
/// (as actions know one) or someone who reads every record.
pub fn may_change_visibility(staff: &StaffRecord, author: i64) -> bool {
    staff.id == author || manages(staff) || staff.role.grants(Permission::SeeRestricted)
}

/// Inserts one interaction inside a transaction the caller holds.
pub(crate) async fn insert_interaction(
    tx: &mut Transaction<'static, Any>,
    new: &NewInteraction,
    tags: &str,
    logged_at: Millis,
) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO interactions
             (person_id, type_id, description, note, occurred_at, logged_at, logged_by, tags, reply_to, source, access,
              completed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(new.person_id)
    .bind(new.type_id)
    .bind(&new.description)
    .bind(&new.note)
    .bind(new.occurred_at)
    .bind(logged_at)
    .bind(new.logged_by)
    .bind(tags)
    .bind(new.reply_to)
    .bind(new.source.as_str())
    .bind(access_for(&new.visibility, new.logged_by))
    .bind(new.completed_by.unwrap_or(new.logged_by))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}
