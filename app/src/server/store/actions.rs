//! Follow-up actions.
//!
//! An outstanding action is a plan: its creator or a manager may edit or
//! delete it, and each change is audited. Completing it records a permanent
//! interaction in the same transaction, after which the database refuses any
//! change to the action. The emails an action sends are queued in the
//! outbox (`outbox.rs`) in the same transaction.

use chrono::{Months, NaiveDate};
use chrono_tz::Tz;
use sqlx::{any::AnyRow, AnyConnection, Row};

use super::visibility::{access_for, reader_of, visibility_of, Reader};
use super::{
    insert_interaction,
    outbox::{enqueue_email, MailContext},
    people::{check_same_person, check_type_open, like_pattern},
    retrying,
    staff::insert_audit,
    type_badge, Actor, NewInteraction, Sql, StaffRecord, Store, StoreError,
};
use crate::access::Permission;
use crate::actions::{
    ActionCounts, ActionDetail, ActionPage, ActionQuery, ActionRow, ActionSort, ActionTab, StaffChoice,
    ACTIONS_PAGE_SIZE, HOME_MONTHS,
};
use crate::log::{initials, InteractionLink, SortDir, TypeBadge, Visibility};
use crate::recording::{description_from_note, Source};
use crate::server::time::{day_display, day_string, display_time, Millis};

/// A new action, checked for form (the store checks it against the data).
#[derive(Clone, Debug)]
pub struct NewAction {
    pub person_id: i64,
    pub interaction_id: Option<i64>,
    pub type_id: i64,
    pub assignee_id: i64,
    pub instructions: String,
    pub due_on: NaiveDate,
    pub notify_creator: bool,
}

/// A change to an outstanding action, made against `version`.
#[derive(Clone, Debug)]
pub struct ActionEdit {
    pub type_id: i64,
    pub assignee_id: i64,
    pub instructions: String,
    pub due_on: NaiveDate,
    pub version: i64,
}

/// Completing an action: the summary becomes the interaction's note.
#[derive(Clone, Debug)]
pub struct Completion {
    pub summary: String,
    pub done_on: NaiveDate,
    /// When the recorded interaction happened.
    pub occurred_at: Millis,
}

pub(super) const ACTION_COLUMNS: &str =
    "SELECT a.id, a.person_id, p.name AS person_name, t.id AS type_id, t.name AS type_name,
        t.colour, t.icon, CASE WHEN t.deleted_at IS NULL THEN 0 ELSE 1 END AS type_deleted,
        a.instructions, a.due_on, a.assignee_id, s.name AS assignee_name, c.name AS created_by_name,
        a.done_on, a.summary, a.completion_id, a.completed_at, a.created_at
     FROM actions a
     JOIN people p ON p.id = a.person_id
     JOIN interaction_types t ON t.id = a.type_id
     JOIN staff_members s ON s.id = a.assignee_id
     JOIN staff_members c ON c.id = a.created_by";

pub(super) fn action_row(r: &AnyRow, today: &str) -> ActionRow {
    let due_on: String = r.get("due_on");
    let done_on: Option<String> = r.get("done_on");
    let outstanding = r.get::<Option<Millis>, _>("completed_at").is_none();
    let assignee_name: String = r.get("assignee_name");
    ActionRow {
        id: r.get("id"),
        person_id: r.get("person_id"),
        person_name: r.get("person_name"),
        kind: type_badge(r),
        instructions: r.get("instructions"),
        due_display: day_display(&due_on),
        overdue: outstanding && due_on.as_str() < today,
        due_on,
        assignee: StaffChoice { id: r.get("assignee_id"), initials: initials(&assignee_name), name: assignee_name },
        created_by_name: r.get("created_by_name"),
        done_display: done_on.as_deref().map(day_display),
        done_on,
        summary: r.get("summary"),
        completion_id: r.get("completion_id"),
    }
}

/// The SQL an action list is sorted by, for a column of [`ACTION_COLUMNS`].
pub(super) fn order_column(engine: super::Engine, sort: ActionSort) -> String {
    match sort {
        ActionSort::Due => "a.due_on".to_string(),
        ActionSort::Type => "t.sort_key".to_string(),
        ActionSort::Person => engine.nocase("p.name"),
        ActionSort::Assignee => engine.nocase("s.name"),
        ActionSort::Created => "a.created_at".to_string(),
        ActionSort::Done => "coalesce(a.done_on, '')".to_string(),
    }
}

/// The action's row, locked for the change that follows.
struct Locked {
    person_id: i64,
    interaction_id: Option<i64>,
    type_id: i64,
    assignee_id: i64,
    instructions: String,
    due_on: String,
    created_by: i64,
    notify_creator: bool,
    version: i64,
    completed: bool,
}

async fn lock_action(conn: &mut AnyConnection, store: &Store, id: i64) -> Result<Locked, StoreError> {
    let sql = format!(
        "SELECT person_id, interaction_id, type_id, assignee_id, instructions, due_on, created_by, notify_creator,
                version, completed_at
         FROM actions WHERE id = $1{}",
        store.engine.for_update()
    );
    let r = sqlx::query(&sql).bind(id).fetch_optional(&mut *conn).await?.ok_or(StoreError::NotFound)?;
    Ok(Locked {
        person_id: r.get("person_id"),
        interaction_id: r.get("interaction_id"),
        type_id: r.get("type_id"),
        assignee_id: r.get("assignee_id"),
        instructions: r.get("instructions"),
        due_on: r.get("due_on"),
        created_by: r.get("created_by"),
        notify_creator: r.get::<i64, _>("notify_creator") == 1,
        version: r.get("version"),
        completed: r.get::<Option<Millis>, _>("completed_at").is_some(),
    })
}

/// The description of the interaction completing an action records.
fn completion_description(instructions: &str) -> String {
    format!("Done: {}", description_from_note(instructions))
}

/// A manager: sees everyone's actions.
pub(super) fn manages(staff: &StaffRecord) -> bool {
    staff.role.grants(Permission::SeeAllActions)
}

/// Who may edit or delete: the creator or a manager, while outstanding.
pub fn may_edit(staff: &StaffRecord, created_by: i64) -> bool {
    staff.role.grants(Permission::AssignActions) && (staff.id == created_by || manages(staff))
}

/// Who may complete: the assignee or a manager, while outstanding.
pub fn may_complete(staff: &StaffRecord, assignee_id: i64) -> bool {
    staff.role.grants(Permission::AssignActions) && (staff.id == assignee_id || manages(staff))
}

/// The name of a staff member who can be given work: active, and allowed to
/// complete actions.
async fn check_assignee(conn: &mut AnyConnection, id: i64) -> Result<String, StoreError> {
    let (name, active, role) = super::roles::staff_role(conn, id)
        .await?
        .ok_or_else(|| StoreError::Invalid(format!("There is no staff member with id {id}.")))?;
    if !active || !role.grants(Permission::AssignActions) {
        return Err(StoreError::Unprocessable(format!(
            "{name} cannot be given actions (their account does not allow it)."
        )));
    }
    Ok(name)
}

async fn person_name(conn: &mut AnyConnection, id: i64) -> Result<String, StoreError> {
    sqlx::query_scalar("SELECT name FROM people WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::Invalid(format!("There is no person with id {id}.")))
}

async fn staff_name(conn: &mut AnyConnection, id: i64) -> Result<String, StoreError> {
    Ok(sqlx::query_scalar("SELECT name FROM staff_members WHERE id = $1").bind(id).fetch_one(&mut *conn).await?)
}

#[allow(clippy::too_many_arguments)]
async fn enqueue_assigned(
    conn: &mut AnyConnection,
    mail: &MailContext,
    id: i64,
    assignee_id: i64,
    by_name: &str,
    person: &str,
    type_name: &str,
    due_on: &str,
    instructions: &str,
    now: Millis,
) -> Result<(), StoreError> {
    let due = day_display(due_on);
    let subject = format!("Action for you: {person}, due {due}");
    let body = format!(
        "{by_name} assigned you an action about {person}.\n\nType: {type_name}\nTo be completed by: {due}\n\n\
         Instructions:\n{instructions}\n\nOpen it: {}/actions/{id}\n",
        mail.base_url
    );
    enqueue_email(conn, "assigned", assignee_id, &subject, &body, Some(id), now).await
}

fn changes(old: &Locked, edit: &ActionEdit, names: (&str, &str)) -> Vec<String> {
    let mut changed = Vec::new();
    if old.type_id != edit.type_id {
        changed.push(format!("type: {} → {}", old.type_id, edit.type_id));
    }
    if old.assignee_id != edit.assignee_id {
        changed.push(format!("assigned to: {} → {}", names.0, names.1));
    }
    let due = day_string(edit.due_on);
    if old.due_on != due {
        changed.push(format!("due: {} → {due}", old.due_on));
    }
    if old.instructions != edit.instructions {
        changed.push(format!("instructions: {} → {}", old.instructions, edit.instructions));
    }
    changed
}

/// Appends `/actions`' WHERE clause for `query` (as seen by `viewer_id`).
fn action_filter(sql: &mut Sql, query: &ActionQuery, viewer_id: i64) {
    sql.push(" WHERE ");
    match query.tab {
        ActionTab::Mine => {
            let me = sql.arg(viewer_id);
            sql.push(&format!("a.completed_at IS NULL AND a.assignee_id = {me}"));
        }
        ActionTab::Outstanding => sql.push("a.completed_at IS NULL"),
        ActionTab::Completed => sql.push("a.completed_at IS NOT NULL"),
    }
    if !query.types.is_empty() {
        sql.push(" AND a.type_id IN (");
        sql.args(query.types.iter().copied());
        sql.push(")");
    }
    if let Some(assignee) = query.assignee {
        let a = sql.arg(assignee);
        sql.push(&format!(" AND a.assignee_id = {a}"));
    }
    let date = if query.tab == ActionTab::Completed { "a.done_on" } else { "a.due_on" };
    if !query.from.is_empty() {
        let from = sql.arg(query.from.clone());
        sql.push(&format!(" AND {date} >= {from}"));
    }
    if !query.to.is_empty() {
        let to = sql.arg(query.to.clone());
        sql.push(&format!(" AND {date} <= {to}"));
    }
    for word in query.q.split_whitespace().take(10) {
        let pattern = sql.arg(like_pattern(word));
        sql.push(&format!(
            " AND (lower(a.instructions) LIKE {pattern} ESCAPE '\\' OR lower(coalesce(a.summary, '')) LIKE {pattern} ESCAPE '\\')"
        ));
    }
}

impl Store {
    // ----- actions ------------------------------------------------------

    /// Staff members who can be given work whose name contains `q`.
    pub async fn assignable_staff(&self, q: &str) -> Result<Vec<StaffChoice>, StoreError> {
        let order = self.engine.nocase("m.name");
        let rows = sqlx::query(&format!(
            "SELECT m.id, m.name FROM staff_members m JOIN roles r ON r.id = m.role_id
             WHERE m.active = 1 AND {} AND lower(m.name) LIKE $1 ESCAPE '\\'
             ORDER BY {order}, m.id LIMIT 10",
            super::roles::grants_sql(Permission::AssignActions)
        ))
        .bind(like_pattern(q.trim()))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                let name: String = r.get("name");
                StaffChoice { id: r.get("id"), initials: initials(&name), name }
            })
            .collect())
    }

    /// Assigns an action; returns its id. Checks the person, the interaction
    /// it follows (about the same person), the type (live and open to one
    /// of the assignee's teams: they record it when done) and the assignee.
    /// Audited; the assignee is emailed (unless they assigned it themselves).
    pub async fn assign_action(
        &self,
        new: &NewAction,
        by: &StaffRecord,
        actor: &Actor,
        mail: &MailContext,
    ) -> Result<i64, StoreError> {
        retrying(|| async {
            let mut tx = self.begin_write().await?;
            let person = person_name(&mut tx, new.person_id).await?;
            if let Some(follows) = new.interaction_id {
                let reader = reader_of(&mut tx, by.id).await?;
                check_same_person(
                    &mut tx,
                    follows,
                    new.person_id,
                    &reader,
                    &format!("There is no interaction {follows}."),
                    "An action is about the same person as the interaction it follows.",
                )
                .await?;
            }
            let assignee = check_assignee(&mut tx, new.assignee_id).await?;
            let type_name =
                check_type_open(&mut tx, self.engine, new.type_id, new.assignee_id, Some(&assignee)).await?;
            let due_on = day_string(new.due_on);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO actions (person_id, interaction_id, type_id, assignee_id, instructions, due_on,
                                      notify_creator, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(new.person_id)
            .bind(new.interaction_id)
            .bind(new.type_id)
            .bind(new.assignee_id)
            .bind(&new.instructions)
            .bind(&due_on)
            .bind(i64::from(new.notify_creator))
            .bind(by.id)
            .bind(actor.at)
            .fetch_one(&mut *tx)
            .await?;
            let details = format!(
                "person: {person}; type: {type_name}; assigned to: {assignee}; due: {due_on}; notify creator: {}; \
                 instructions: {}",
                if new.notify_creator { "yes" } else { "no" },
                new.instructions
            );
            insert_audit(&mut tx, &actor.event("action_assigned", &format!("action {id}"), details)).await?;
            if new.assignee_id != by.id {
                enqueue_assigned(
                    &mut tx,
                    mail,
                    id,
                    new.assignee_id,
                    &by.name,
                    &person,
                    &type_name,
                    &due_on,
                    &new.instructions,
                    actor.at,
                )
                .await?;
            }
            tx.commit().await?;
            Ok(id)
        })
        .await
    }

    /// Changes an outstanding action, if `by` created it or manages, and
    /// nobody changed it since `edit.version`. Audited with what changed; a
    /// new assignee is emailed.
    pub async fn edit_action(
        &self,
        id: i64,
        edit: &ActionEdit,
        by: &StaffRecord,
        actor: &Actor,
        mail: &MailContext,
    ) -> Result<(), StoreError> {
        retrying(|| async {
            let mut tx = self.begin_write().await?;
            let old = lock_action(&mut tx, self, id).await?;
            if old.completed {
                return Err(StoreError::Conflict("This action has been completed, so it can no longer be changed.".into()));
            }
            if !may_edit(by, old.created_by) {
                return Err(StoreError::NotAllowed("Only whoever assigned this action, or a manager, can change it.".into()));
            }
            if old.version != edit.version {
                return Err(StoreError::Conflict(
                    "Someone changed this action while you were editing it. It has been reloaded; please make your change again."
                        .into(),
                ));
            }
            let assignee = check_assignee(&mut tx, edit.assignee_id).await?;
            let type_name =
                check_type_open(&mut tx, self.engine, edit.type_id, edit.assignee_id, Some(&assignee)).await?;
            let old_assignee = staff_name(&mut tx, old.assignee_id).await?;
            let changed = changes(&old, edit, (&old_assignee, &assignee));
            if changed.is_empty() {
                return Ok(());
            }
            let due_on = day_string(edit.due_on);
            sqlx::query(
                "UPDATE actions SET type_id = $1, assignee_id = $2, instructions = $3, due_on = $4, version = version + 1
                 WHERE id = $5",
            )
            .bind(edit.type_id)
            .bind(edit.assignee_id)
            .bind(&edit.instructions)
            .bind(&due_on)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            insert_audit(&mut tx, &actor.event("action_edited", &format!("action {id}"), changed.join("; "))).await?;
            if old.assignee_id != edit.assignee_id && edit.assignee_id != by.id {
                let person = person_name(&mut tx, old.person_id).await?;
                enqueue_assigned(
                    &mut tx,
                    mail,
                    id,
                    edit.assignee_id,
                    &by.name,
                    &person,
                    &type_name,
                    &due_on,
                    &edit.instructions,
                    actor.at,
                )
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Deletes an outstanding action, if `by` created it or manages. The
    /// audit log keeps everything it said.
    pub async fn delete_action(&self, id: i64, by: &StaffRecord, actor: &Actor) -> Result<(), StoreError> {
        retrying(|| async {
            let mut tx = self.begin_write().await?;
            let old = lock_action(&mut tx, self, id).await?;
            if old.completed {
                return Err(StoreError::Conflict(
                    "This action has been completed, so it is part of the record.".into(),
                ));
            }
            if !may_edit(by, old.created_by) {
                return Err(StoreError::NotAllowed(
                    "Only whoever assigned this action, or a manager, can delete it.".into(),
                ));
            }
            let person = person_name(&mut tx, old.person_id).await?;
            let assignee = staff_name(&mut tx, old.assignee_id).await?;
            sqlx::query("DELETE FROM actions WHERE id = $1").bind(id).execute(&mut *tx).await?;
            let details = format!(
                "person: {person}; type: {}; assigned to: {assignee}; due: {}; instructions: {}",
                old.type_id, old.due_on, old.instructions
            );
            insert_audit(&mut tx, &actor.event("action_deleted", &format!("action {id}"), details)).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Completes an outstanding action, if `by` is its assignee or manages:
    /// records the summary as a permanent interaction (the action's type and
    /// person, a reply to the interaction it followed) and returns that
    /// interaction's id. Audited; the creator is emailed when they asked.
    pub async fn complete_action(
        &self,
        id: i64,
        done: &Completion,
        by: &StaffRecord,
        actor: &Actor,
        mail: &MailContext,
    ) -> Result<i64, StoreError> {
        // Tags are worked out before the write lock is taken.
        let peek = sqlx::query("SELECT person_id, type_id, instructions FROM actions WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let draft = NewInteraction {
            person_id: peek.get("person_id"),
            type_id: peek.get("type_id"),
            description: completion_description(peek.get("instructions")),
            note: done.summary.clone(),
            occurred_at: done.occurred_at,
            logged_by: by.id,
            completed_by: None,
            reply_to: None,
            source: Source::Staff,
            visibility: Visibility::AllStaff,
        };
        let (_, tags) = self.tags_for(&draft).await?;
        retrying(|| async {
            let mut tx = self.begin_write().await?;
            let old = lock_action(&mut tx, self, id).await?;
            if old.completed {
                return Err(StoreError::Conflict("This action has already been completed.".into()));
            }
            if !may_complete(by, old.assignee_id) {
                return Err(StoreError::NotAllowed(
                    "Only the person it is assigned to, or a manager, can complete this action.".into(),
                ));
            }
            let type_row = sqlx::query("SELECT name, deleted_at FROM interaction_types WHERE id = $1")
                .bind(old.type_id)
                .fetch_one(&mut *tx)
                .await?;
            let type_name: String = type_row.get("name");
            if type_row.get::<Option<Millis>, _>("deleted_at").is_some() {
                return Err(StoreError::Unprocessable(format!(
                    "The type “{type_name}” has been deleted since this action was assigned. Edit the action to choose another type, then complete it."
                )));
            }
            // What completing records is read by whoever may read what it
            // follows up.
            let visibility = match old.interaction_id {
                Some(follows) => {
                    let access: String = sqlx::query_scalar("SELECT access FROM interactions WHERE id = $1")
                        .bind(follows)
                        .fetch_one(&mut *tx)
                        .await?;
                    visibility_of(&access)
                }
                None => Visibility::AllStaff,
            };
            let new = NewInteraction {
                person_id: old.person_id,
                type_id: old.type_id,
                reply_to: old.interaction_id,
                description: completion_description(&old.instructions),
                visibility,
                ..draft.clone()
            };
            let interaction = insert_interaction(&mut tx, &new, &tags, actor.at).await?;
            let done_on = day_string(done.done_on);
            sqlx::query(
                "UPDATE actions SET completed_at = $1, completed_by = $2, done_on = $3, summary = $4, completion_id = $5
                 WHERE id = $6",
            )
            .bind(actor.at)
            .bind(by.id)
            .bind(&done_on)
            .bind(&done.summary)
            .bind(interaction)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let details = format!("done: {done_on}; interaction: {interaction}; summary: {}", done.summary);
            insert_audit(&mut tx, &actor.event("action_completed", &format!("action {id}"), details)).await?;
            if old.notify_creator && old.created_by != by.id {
                let person = person_name(&mut tx, old.person_id).await?;
                let subject = format!("Action completed: {person}");
                // The summary is the recorded interaction's note: quoted
                // only to someone who may open that interaction.
                let creator = reader_of(&mut tx, old.created_by).await?;
                let summary = match creator.opens(&access_for(&new.visibility, by.id)) {
                    true => format!("Summary:\n{}\n\nThe instructions were:\n{}\n\n", done.summary, old.instructions),
                    false => format!(
                        "The summary is in a restricted interaction.\n\nThe instructions were:\n{}\n\n",
                        old.instructions
                    ),
                };
                let body = format!(
                    "{} completed the action you assigned about {person} ({type_name}), on {}.\n\n\
                     {summary}Open it: {base}/actions/{id}\n\
                     The interaction it recorded: {base}/interactions/{interaction}\n",
                    by.name,
                    day_display(&done_on),
                    base = mail.base_url
                );
                enqueue_email(&mut tx, "completed", old.created_by, &subject, &body, Some(id), actor.at).await?;
            }
            tx.commit().await?;
            Ok(interaction)
        })
        .await
    }

    /// One action as its page shows it to `viewer`; `None` if there is none
    /// (or it was deleted).
    pub async fn action_detail(
        &self,
        id: i64,
        viewer: &StaffRecord,
        reader: &Reader,
        today: &str,
        tz: Tz,
    ) -> Result<Option<ActionDetail>, StoreError> {
        let Some(r) =
            sqlx::query(&format!("{ACTION_COLUMNS} WHERE a.id = $1")).bind(id).fetch_optional(&self.pool).await?
        else {
            return Ok(None);
        };
        let row = action_row(&r, today);
        let extra = sqlx::query(
            "SELECT a.created_by, a.created_at, a.notify_creator, a.version, a.completed_at, a.interaction_id,
                    s.name AS completed_by_name
             FROM actions a LEFT JOIN staff_members s ON s.id = a.completed_by WHERE a.id = $1",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        let created_by: i64 = extra.get("created_by");
        let completed_at: Option<Millis> = extra.get("completed_at");
        let outstanding = completed_at.is_none();
        let follows = match extra.get::<Option<i64>, _>("interaction_id") {
            Some(i) => self.log_row(i, reader, tz).await?.map(|l| InteractionLink {
                id: l.id,
                description: l.description,
                occurred_display: l.occurred_display,
            }),
            None => None,
        };
        let can_edit = outstanding && may_edit(viewer, created_by);
        let types = if can_edit { self.recordable_types(row.assignee.id).await? } else { Vec::new() };
        Ok(Some(ActionDetail {
            can_complete: outstanding && may_complete(viewer, row.assignee.id),
            can_edit,
            row,
            follows,
            created_by_id: created_by,
            created_display: display_time(extra.get("created_at"), tz),
            notify_creator: extra.get::<i64, _>("notify_creator") == 1,
            version: extra.get("version"),
            completed_by_name: extra.get("completed_by_name"),
            completed_display: completed_at.map(|at| display_time(at, tz)),
            types,
            today: today.to_string(),
        }))
    }

    /// A page of `/actions` for `viewer_id` (whose "My outstanding" it is).
    /// The caller checks the viewer may see the tab.
    pub async fn list_actions(
        &self,
        query: &ActionQuery,
        viewer_id: i64,
        today: &str,
    ) -> Result<ActionPage, StoreError> {
        let mut count = Sql::new("SELECT count(*) FROM actions a");
        action_filter(&mut count, query, viewer_id);
        let total = count.query_scalar().fetch_one(&self.pool).await?;

        let dir = match query.dir_or_default() {
            SortDir::Asc => "ASC",
            SortDir::Desc => "DESC",
        };
        let order = order_column(self.engine, query.sort_or_default());
        let offset = query.offset.clamp(0, total.max(0));
        let mut page = Sql::new(ACTION_COLUMNS);
        action_filter(&mut page, query, viewer_id);
        let limit = page.arg(ACTIONS_PAGE_SIZE as i64);
        let skip = page.arg(offset);
        page.push(&format!(" ORDER BY {order} {dir}, a.id {dir} LIMIT {limit} OFFSET {skip}"));
        let rows = page.query().fetch_all(&self.pool).await?;

        let types = sqlx::query(
            "SELECT id, name, colour, icon FROM interaction_types WHERE deleted_at IS NULL ORDER BY sort_key, id",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| TypeBadge::new(r.get("id"), r.get("name"), r.get("colour"), r.get("icon"), false))
        .collect();
        let assignees = sqlx::query(&format!(
            "SELECT s.id, s.name FROM staff_members s
             WHERE EXISTS (SELECT 1 FROM actions a WHERE a.assignee_id = s.id) ORDER BY {}, s.id",
            self.engine.nocase("s.name")
        ))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let name: String = r.get("name");
            StaffChoice { id: r.get("id"), initials: initials(&name), name }
        })
        .collect();
        Ok(ActionPage {
            rows: rows.iter().map(|r| action_row(r, today)).collect(),
            total,
            offset,
            today: today.to_string(),
            types,
            assignees,
        })
    }

    /// My outstanding actions and how many are overdue.
    pub async fn action_counts(&self, staff_id: i64, today: &str) -> Result<ActionCounts, StoreError> {
        let (outstanding, overdue): (i64, i64) = sqlx::query_as(
            "SELECT count(*), coalesce(sum(CASE WHEN due_on < $2 THEN 1 ELSE 0 END), 0)
             FROM actions WHERE assignee_id = $1 AND completed_at IS NULL",
        )
        .bind(staff_id)
        .bind(today)
        .fetch_one(&self.pool)
        .await?;
        Ok(ActionCounts { outstanding, overdue })
    }

    /// Home's actions: mine, outstanding, due in the last [`HOME_MONTHS`]
    /// or later, soonest first (so overdue first); and how many older ones
    /// `/actions` has.
    pub async fn home_actions(&self, staff_id: i64, today: NaiveDate) -> Result<(Vec<ActionRow>, i64), StoreError> {
        let since = day_string(today.checked_sub_months(Months::new(HOME_MONTHS)).unwrap_or(today));
        let today = day_string(today);
        let rows = sqlx::query(&format!(
            "{ACTION_COLUMNS} WHERE a.assignee_id = $1 AND a.completed_at IS NULL AND a.due_on >= $2
             ORDER BY a.due_on, a.id LIMIT 100"
        ))
        .bind(staff_id)
        .bind(&since)
        .fetch_all(&self.pool)
        .await?;
        let older: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM actions WHERE assignee_id = $1 AND completed_at IS NULL AND due_on < $2",
        )
        .bind(staff_id)
        .bind(&since)
        .fetch_one(&self.pool)
        .await?;
        Ok((rows.iter().map(|r| action_row(r, &today)).collect(), older))
    }

    /// The interactions `staff_id` logged most recently (by when they happened).
    pub async fn recent_logged_by(
        &self,
        staff_id: i64,
        limit: i64,
        reader: &Reader,
        tz: Tz,
    ) -> Result<Vec<crate::log::LogRow>, StoreError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM interactions WHERE logged_by = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2",
        )
        .bind(staff_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        self.rows_by_id(&ids, reader, tz).await
    }
}
