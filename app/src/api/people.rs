//! Server functions of people, recording interactions, the "posted in
//! error" mark and API tokens.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::recording::{
    ApiToken, InteractionForm, NewApiToken, NewPerson, PeoplePage, Person, PersonForm, RecordingOptions,
};

#[cfg(feature = "ssr")]
use crate::{
    api::{allowed, reading, respond},
    server::auth::Permission,
};

/// A page of people whose name, email or phone contains `q`.
#[server(input = Json, endpoint = "search_people")]
pub async fn search_people(q: String, offset: i64) -> Result<PeoplePage, AppError> {
    use crate::recording::MAX_PEOPLE_SEARCH_CHARS;
    let (state, _) = allowed(Permission::ViewInteractions).await?;
    if q.chars().count() > MAX_PEOPLE_SEARCH_CHARS {
        return Err(respond(AppError::Validation(format!(
            "Search text is limited to {MAX_PEOPLE_SEARCH_CHARS} characters."
        ))));
    }
    state.store.search_people(&q, offset).await.map_err(respond)
}

/// One person; `None` when there is no such id.
#[server(input = Json, endpoint = "get_person")]
pub async fn get_person(id: i64) -> Result<Option<Person>, AppError> {
    let (state, _) = allowed(Permission::ViewInteractions).await?;
    state.store.person(id).await.map_err(respond)
}

/// Corrects a person's details, made against the `version` the editor saw
/// (an older one is a 409: someone else changed them first). Returns the
/// person as they now are.
#[server(input = Json, endpoint = "update_person")]
pub async fn update_person(id: i64, form: PersonForm, version: i64) -> Result<Person, AppError> {
    use crate::server::auth::actor;
    use crate::server::time::{day_string, today};
    let (state, staff) = allowed(Permission::CreateInteractions).await?;
    let today = day_string(today(state.settings.time_zone));
    let person = form.validated(&today).map_err(|e| respond(AppError::Fields(e)))?;
    let saved = state.store.update_person(id, &person, version, &actor(&staff)).await.map_err(respond)?;
    tracing::info!(staff = staff.id, person = id, "person's details changed");
    Ok(saved)
}

/// Adds a person; returns their id.
#[server(input = Json, endpoint = "add_person")]
pub async fn add_person(person: NewPerson) -> Result<i64, AppError> {
    use crate::server::auth::actor;
    let (state, staff) = allowed(Permission::CreateInteractions).await?;
    let person = person.validated().map_err(|e| respond(AppError::Validation(e)))?;
    let id = state.store.add_person(&person, &actor(&staff)).await.map_err(respond)?;
    tracing::info!(staff = staff.id, person = id, "person added");
    Ok(id)
}

/// What the "New interaction" form needs, for a person (or one still to
/// be picked) and, for a reply, the interaction replied to.
#[server(input = Json, endpoint = "new_interaction_options")]
pub async fn new_interaction_options(person: Option<i64>, reply_to: Option<i64>) -> Result<RecordingOptions, AppError> {
    use crate::log::InteractionLink;
    use crate::server::time::now_local;
    let (state, staff, reader) = reading(Permission::CreateInteractions).await?;
    let tz = state.settings.time_zone;
    let parent =
        match reply_to {
            Some(id) => {
                Some(state.store.log_row(id, &reader, tz).await.map_err(respond)?.ok_or_else(|| {
                    respond(AppError::Validation(format!("There is no interaction {id} to reply to.")))
                })?)
            }
            None => None,
        };
    // A reply is about the person of what it replies to.
    let person_id = parent.as_ref().map(|p| p.person_id).or(person);
    let person = match person_id {
        Some(id) => Some(
            state
                .store
                .person(id)
                .await
                .map_err(respond)?
                .ok_or_else(|| respond(AppError::Validation(format!("There is no person with id {id}."))))?,
        ),
        None => None,
    };
    let types = state.store.recordable_types(staff.id).await.map_err(respond)?;
    // A reply is read by whoever may read what it replies to, unless changed.
    let visibility = match &parent {
        Some(p) => state.store.visibility(p.id, &reader).await.map_err(respond)?.unwrap_or_default(),
        None => Default::default(),
    };
    Ok(RecordingOptions {
        person,
        types,
        teams: state.store.teams().await.map_err(respond)?,
        visibility,
        staff: {
            let mut list = state.store.staff_names(true).await.map_err(respond)?;
            // However long the list, the recorder is on it (and chosen).
            if !list.iter().any(|(id, _)| *id == staff.id) {
                list.insert(0, (staff.id, staff.name.clone()));
            }
            list
        },
        me: staff.id,
        reply_to: parent.map(|p| InteractionLink {
            id: p.id,
            description: p.description,
            occurred_display: p.occurred_display,
        }),
        now_local: now_local(tz),
        time_zone: tz.name().to_string(),
    })
}

/// Records an interaction from the "New interaction" form. Returns the new
/// interaction's id and its person's id.
#[server(input = Json, endpoint = "record_interaction")]
pub async fn record_interaction(form: InteractionForm) -> Result<(i64, i64), AppError> {
    use crate::server::recording::record_form;
    let (state, staff) = allowed(Permission::CreateInteractions).await?;
    record_form(&state, &staff, &form).await.map_err(respond)
}

/// Marks an interaction "posted in error", with a reason (or changes the
/// reason). The interaction stays in the log, struck through.
#[server(input = Json, endpoint = "mark_posted_in_error")]
pub async fn mark_posted_in_error(id: i64, reason: String) -> Result<(), AppError> {
    use crate::recording::validate_reason;
    use crate::server::auth::actor;
    let (state, staff, reader) = reading(Permission::CreateInteractions).await?;
    let reason = validate_reason(&reason).map_err(|e| respond(AppError::Validation(e)))?;
    state.store.mark_posted_in_error(id, &reason, &reader, &actor(&staff)).await.map_err(respond)?;
    tracing::info!(interaction = id, staff = staff.id, "marked posted in error");
    Ok(())
}

/// Withdraws an interaction's "posted in error" mark.
#[server(input = Json, endpoint = "withdraw_posted_in_error")]
pub async fn withdraw_posted_in_error(id: i64) -> Result<(), AppError> {
    use crate::server::auth::actor;
    let (state, staff, reader) = reading(Permission::CreateInteractions).await?;
    state.store.withdraw_posted_in_error(id, &reader, &actor(&staff)).await.map_err(respond)?;
    tracing::info!(interaction = id, staff = staff.id, "posted in error withdrawn");
    Ok(())
}

/// API tokens, and the staff members a token may post as.
#[server(input = Json, endpoint = "api_token_settings")]
pub async fn api_token_settings() -> Result<(Vec<ApiToken>, Vec<(i64, String)>), AppError> {
    use crate::access::Permission as P;
    let (state, _) = allowed(Permission::ManageStaff).await?;
    let tokens = state.store.api_tokens(state.settings.time_zone).await.map_err(respond)?;
    let directory = state.store.staff_directory().await.map_err(respond)?;
    let may_create = |role_id: i64| directory.roles.iter().any(|r| r.id == role_id && r.grants(P::CreateInteractions));
    let staff =
        directory.staff.iter().filter(|s| s.active && may_create(s.role_id)).map(|s| (s.id, s.name.clone())).collect();
    Ok((tokens, staff))
}

/// Makes an API token that posts as `staff_id`. The token is in the answer,
/// and nowhere else: only its hash is stored.
#[server(input = Json, endpoint = "create_api_token")]
pub async fn create_api_token(name: String, staff_id: i64) -> Result<NewApiToken, AppError> {
    use crate::log::validate_line;
    use crate::recording::MAX_TOKEN_NAME_CHARS;
    use crate::server::auth::{actor, new_api_token, token_hash};
    let (state, staff) = allowed(Permission::ManageStaff).await?;
    let name =
        validate_line(&name, "The token's name", MAX_TOKEN_NAME_CHARS).map_err(|e| respond(AppError::Validation(e)))?;
    let token = new_api_token();
    let hint: String = token.chars().skip(token.chars().count() - 4).collect();
    let id = state
        .store
        .create_api_token(&name, &token_hash(&token), &hint, staff_id, &actor(&staff))
        .await
        .map_err(respond)?;
    tracing::info!(staff = staff.id, token = id, "API token created");
    Ok(NewApiToken { id, token })
}

/// Revokes an API token: it stops working at once.
#[server(input = Json, endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    use crate::server::auth::actor;
    let (state, staff) = allowed(Permission::ManageStaff).await?;
    state.store.revoke_api_token(id, &actor(&staff)).await.map_err(respond)?;
    tracing::info!(staff = staff.id, token = id, "API token revoked");
    Ok(())
}
