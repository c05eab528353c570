//! Server functions of follow-up actions, home and the viewer's emails.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::actions::{
    ActionCounts, ActionDetail, ActionForm, ActionPage, ActionQuery, AssignOptions, CompleteForm, HomeSummary,
    Notification, StaffChoice,
};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::{
    api::{allowed, reading, respond},
    server::auth::Permission,
};

/// A due date from the form: on the calendar, no more than a year ago (an
/// action may be logged late) and no more than five years ahead.
#[cfg(feature = "ssr")]
fn due_date(value: &str, tz: chrono_tz::Tz) -> Result<chrono::NaiveDate, AppError> {
    use crate::recording::FieldErrors;
    use crate::server::time::{parse_day, today};
    let refuse = |message: String| {
        let mut errors = FieldErrors::default();
        errors.add("due_on", &message);
        respond(AppError::Fields(errors))
    };
    let day = parse_day(value, "The due date").map_err(refuse)?;
    let today = today(tz);
    if day < today - chrono::Duration::days(365) {
        return Err(refuse("The due date can be at most a year ago.".into()));
    }
    if day > today + chrono::Duration::days(5 * 366) {
        return Err(refuse("The due date can be at most five years ahead.".into()));
    }
    Ok(day)
}

/// What "Assign action" needs, for a person and (optionally) the
/// interaction the action follows up.
#[server(input = Json, endpoint = "assign_action_options")]
pub async fn assign_action_options(person: i64, interaction: Option<i64>) -> Result<AssignOptions, AppError> {
    use crate::log::InteractionLink;
    use crate::server::time::{day_string, today};
    let (state, staff, reader) = reading(Permission::AssignActions).await?;
    let tz = state.settings.time_zone;
    let person = state
        .store
        .person(person)
        .await
        .map_err(respond)?
        .ok_or_else(|| respond(AppError::Validation(format!("There is no person with id {person}."))))?;
    let follows = match interaction {
        Some(id) => {
            let row = state
                .store
                .log_row(id, &reader, tz)
                .await
                .map_err(respond)?
                .filter(|r| r.person_id == person.id)
                .ok_or_else(|| respond(AppError::Validation(format!("{} has no interaction {id}.", person.name))))?;
            Some(InteractionLink { id: row.id, description: row.description, occurred_display: row.occurred_display })
        }
        None => None,
    };
    let types = state.store.recordable_types(staff.id).await.map_err(respond)?;
    Ok(AssignOptions { person, follows, types, today: day_string(today(tz)), time_zone: tz.name().to_string() })
}

/// Staff members work can be assigned to, whose name contains `q`.
#[server(input = Json, endpoint = "search_assignees")]
pub async fn search_assignees(q: String) -> Result<Vec<StaffChoice>, AppError> {
    use crate::actions::MAX_STAFF_SEARCH_CHARS;
    let (state, _) = allowed(Permission::AssignActions).await?;
    if q.chars().count() > MAX_STAFF_SEARCH_CHARS {
        return Err(respond(AppError::Validation(format!(
            "Search text is limited to {MAX_STAFF_SEARCH_CHARS} characters."
        ))));
    }
    state.store.assignable_staff(&q).await.map_err(respond)
}

/// Assigns an action; returns its id.
#[server(input = Json, endpoint = "assign_action")]
pub async fn assign_action(form: ActionForm) -> Result<i64, AppError> {
    use crate::server::{auth::actor, store::NewAction};
    let (state, staff) = allowed(Permission::AssignActions).await?;
    let checked = form.checked().map_err(|e| respond(AppError::Fields(e)))?;
    let due_on = due_date(&checked.due_on, state.settings.time_zone)?;
    let new = NewAction {
        person_id: form.person_id,
        interaction_id: form.interaction_id,
        type_id: checked.type_id,
        assignee_id: checked.assignee_id,
        instructions: checked.instructions,
        due_on,
        notify_creator: form.notify_creator,
    };
    let id = state
        .store
        .assign_action(&new, &staff, &actor(&staff), &state.settings.mail_context())
        .await
        .map_err(respond)?;
    state.outbox.notify_one();
    tracing::info!(action = id, staff = staff.id, assignee = new.assignee_id, "action assigned");
    Ok(id)
}

/// One action, with what the viewer may do with it; `None` when there is
/// no such action (or it was deleted).
#[server(input = Json, endpoint = "get_action")]
pub async fn get_action(id: i64) -> Result<Option<ActionDetail>, AppError> {
    use crate::server::time::{day_string, today};
    let (state, staff, reader) = reading(Permission::ViewInteractions).await?;
    let tz = state.settings.time_zone;
    state.store.action_detail(id, &staff, &reader, &day_string(today(tz)), tz).await.map_err(respond)
}

/// Changes an outstanding action (its creator or a manager), made against
/// the `version` the editor saw.
#[server(input = Json, endpoint = "edit_action")]
pub async fn edit_action(id: i64, form: ActionForm, version: i64) -> Result<(), AppError> {
    use crate::server::{auth::actor, store::ActionEdit};
    let (state, staff) = allowed(Permission::AssignActions).await?;
    let checked = form.checked().map_err(|e| respond(AppError::Fields(e)))?;
    let due_on = due_date(&checked.due_on, state.settings.time_zone)?;
    let edit = ActionEdit {
        type_id: checked.type_id,
        assignee_id: checked.assignee_id,
        instructions: checked.instructions,
        due_on,
        version,
    };
    state
        .store
        .edit_action(id, &edit, &staff, &actor(&staff), &state.settings.mail_context())
        .await
        .map_err(respond)?;
    state.outbox.notify_one();
    tracing::info!(action = id, staff = staff.id, "action edited");
    Ok(())
}

/// Deletes an outstanding action (its creator or a manager).
#[server(input = Json, endpoint = "delete_action")]
pub async fn delete_action(id: i64) -> Result<(), AppError> {
    use crate::server::auth::actor;
    let (state, staff) = allowed(Permission::AssignActions).await?;
    state.store.delete_action(id, &staff, &actor(&staff)).await.map_err(respond)?;
    tracing::info!(action = id, staff = staff.id, "action deleted");
    Ok(())
}

/// Completes an action (its assignee or a manager): records the summary as
/// an interaction and returns that interaction's id.
#[server(input = Json, endpoint = "complete_action")]
pub async fn complete_action(id: i64, form: CompleteForm) -> Result<i64, AppError> {
    use crate::recording::FieldErrors;
    use crate::server::{
        auth::actor,
        store::Completion,
        time::{moment_of_day, now_millis, parse_day, today},
    };
    let (state, staff) = allowed(Permission::AssignActions).await?;
    let tz = state.settings.time_zone;
    let (summary, done_on) = form.checked().map_err(|e| respond(AppError::Fields(e)))?;
    let refuse = |message: String| {
        let mut errors = FieldErrors::default();
        errors.add("done_on", &message);
        respond(AppError::Fields(errors))
    };
    let done_on = parse_day(&done_on, "The date it was done").map_err(refuse)?;
    if done_on > today(tz) {
        return Err(refuse("The date it was done cannot be in the future.".into()));
    }
    let done = Completion { summary, done_on, occurred_at: moment_of_day(done_on, tz, now_millis()) };
    let interaction = state
        .store
        .complete_action(id, &done, &staff, &actor(&staff), &state.settings.mail_context())
        .await
        .map_err(respond)?;
    state.outbox.notify_one();
    tracing::info!(action = id, staff = staff.id, interaction, "action completed");
    Ok(interaction)
}

/// A page of `/actions`. Everyone's outstanding actions need the
/// permission to see them.
#[server(input = Json, endpoint = "list_actions")]
pub async fn list_actions(query: ActionQuery) -> Result<ActionPage, AppError> {
    use crate::actions::ActionTab;
    use crate::log::{MAX_SEARCH_CHARS, MAX_TYPE_FILTERS};
    use crate::server::time::{day_string, today};
    let permission = match query.tab {
        ActionTab::Outstanding => Permission::SeeAllActions,
        _ => Permission::ViewInteractions,
    };
    let (state, staff) = allowed(permission).await?;
    if query.q.chars().count() > MAX_SEARCH_CHARS {
        return Err(respond(AppError::Validation(format!("Search text is limited to {MAX_SEARCH_CHARS} characters."))));
    }
    if query.types.len() > MAX_TYPE_FILTERS {
        return Err(respond(AppError::Validation(format!("At most {MAX_TYPE_FILTERS} types can be chosen."))));
    }
    if !(query.from.is_empty() || crate::actions::looks_like_day(&query.from))
        || !(query.to.is_empty() || crate::actions::looks_like_day(&query.to))
    {
        return Err(respond(AppError::Validation("Dates are written like 2026-11-27.".into())));
    }
    let today = day_string(today(state.settings.time_zone));
    state.store.list_actions(&query, staff.id, &today).await.map_err(respond)
}

/// The viewer's outstanding and overdue actions, for the navigation.
#[server(input = Json, endpoint = "my_action_counts")]
pub async fn my_action_counts() -> Result<ActionCounts, AppError> {
    use crate::server::time::{day_string, today};
    let (state, staff) = allowed(Permission::ViewInteractions).await?;
    let today = day_string(today(state.settings.time_zone));
    state.store.action_counts(staff.id, &today).await.map_err(respond)
}

/// Home: the viewer's pending actions and the interactions they logged lately.
#[server(input = Json, endpoint = "get_home")]
pub async fn get_home() -> Result<HomeSummary, AppError> {
    use crate::server::time::{day_string, today};
    let (state, staff, reader) = reading(Permission::ViewInteractions).await?;
    let tz = state.settings.time_zone;
    let today = today(tz);
    let (actions, older) = state.store.home_actions(staff.id, today).await.map_err(respond)?;
    let recent = state.store.recent_logged_by(staff.id, 8, &reader, tz).await.map_err(respond)?;
    // The older ones: in the Profile Actions Report for whoever may open it.
    let older_link = match staff.role.grants(Permission::ViewReports) && staff.role.grants(Permission::SeeAllActions) {
        true => {
            let window = today.checked_sub_months(chrono::Months::new(crate::actions::HOME_MONTHS)).unwrap_or(today);
            crate::reports::ActionsReportQuery {
                status: "outstanding".into(),
                assignee: staff.id.to_string(),
                due_to: day_string(window - chrono::Duration::days(1)),
                ..Default::default()
            }
            .url(crate::reports::ActionsReportQuery::PATH)
        }
        false => crate::actions::ActionQuery::default().to_url(),
    };
    Ok(HomeSummary { actions, older, older_link, recent, today: day_string(today) })
}

/// The emails Interlog sent (or will send) the viewer, newest first.
#[server(input = Json, endpoint = "my_notifications")]
pub async fn my_notifications() -> Result<Vec<Notification>, AppError> {
    let (state, staff) = allowed(Permission::ViewInteractions).await?;
    state.store.notifications_for(staff.id, state.settings.time_zone).await.map_err(respond)
}
