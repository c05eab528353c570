//! Server functions of a profile's notes ("Things to know"): reading needs
//! the view permission, changing them the create-interactions permission;
//! every read and change goes through the caller's visibility rights.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::log::Visibility;
use crate::notes::{NoteRevision, ProfileNotes};

#[cfg(feature = "ssr")]
use crate::{
    access::Permission,
    api::{reading, respond},
};

/// A note's text, checked, or why it is refused (named by its field).
#[cfg(feature = "ssr")]
fn checked_body(body: &str) -> Result<String, AppError> {
    crate::notes::validate_person_note(body).map_err(|e| {
        let mut fields = crate::recording::FieldErrors::default();
        fields.add("body", &e);
        respond(AppError::Fields(fields))
    })
}

/// Who may read a note, checked as a form's choice is.
#[cfg(feature = "ssr")]
fn checked_visibility(visibility: &Visibility) -> Result<Visibility, AppError> {
    visibility.checked().map_err(|msg| respond(AppError::Validation(msg)))
}

/// Person `person_id`'s notes the caller may read.
#[server(input = Json, endpoint = "person_notes")]
pub async fn person_notes(person_id: i64) -> Result<ProfileNotes, AppError> {
    let (state, staff, reader) = reading(Permission::ViewInteractions).await?;
    let tz = state.settings.time_zone;
    let notes = state.store.person_notes(person_id, &staff, &reader, tz).await.map_err(respond)?;
    let teams = match staff.role.grants(Permission::CreateInteractions) {
        true => state.store.teams().await.map_err(respond)?,
        false => Vec::new(),
    };
    Ok(ProfileNotes { notes, teams })
}

/// Adds a note about person `person_id`.
#[server(input = Json, endpoint = "add_person_note")]
pub async fn add_person_note(person_id: i64, body: String, visibility: Visibility) -> Result<i64, AppError> {
    use crate::server::auth::actor;
    let (state, staff, _) = reading(Permission::CreateInteractions).await?;
    let body = checked_body(&body)?;
    let visibility = checked_visibility(&visibility)?;
    state.store.add_person_note(person_id, &body, &visibility, &actor(&staff)).await.map_err(respond)
}

/// Changes a note's text and who may read it, against the version seen.
#[server(input = Json, endpoint = "edit_person_note")]
pub async fn edit_person_note(id: i64, body: String, visibility: Visibility, version: i64) -> Result<(), AppError> {
    use crate::server::auth::actor;
    let (state, staff, reader) = reading(Permission::CreateInteractions).await?;
    let body = checked_body(&body)?;
    let visibility = checked_visibility(&visibility)?;
    let by = actor(&staff);
    let edit = crate::server::store::NoteEdit { body: &body, visibility: &visibility, version };
    state.store.edit_person_note(id, edit, &staff, &reader, &by).await.map_err(respond)
}

/// Pins a note to the top of the panel, or unpins it.
#[server(input = Json, endpoint = "pin_person_note")]
pub async fn pin_person_note(id: i64, pinned: bool) -> Result<(), AppError> {
    let (state, _, reader) = reading(Permission::CreateInteractions).await?;
    state.store.pin_person_note(id, pinned, &reader).await.map_err(respond)
}

/// Deletes a note (the audit log keeps what it said).
#[server(input = Json, endpoint = "delete_person_note")]
pub async fn delete_person_note(id: i64) -> Result<(), AppError> {
    use crate::server::auth::actor;
    let (state, staff, reader) = reading(Permission::CreateInteractions).await?;
    state.store.delete_person_note(id, &reader, &actor(&staff)).await.map_err(respond)
}

/// A note's earlier texts, newest first.
#[server(input = Json, endpoint = "person_note_revisions")]
pub async fn person_note_revisions(id: i64) -> Result<Vec<NoteRevision>, AppError> {
    let (state, _, reader) = reading(Permission::ViewInteractions).await?;
    state.store.person_note_revisions(id, &reader, state.settings.time_zone).await.map_err(respond)
}
