//! Server functions of `/settings/interaction-types`: all need the "manage
//! interaction types" permission. Each change answers with the type as it
//! now is, so the page can carry on from the new version.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::type_settings::{TypeChange, TypeSetting, TypeSettings};

#[cfg(feature = "ssr")]
use crate::{
    access::Permission,
    api::{allowed, respond},
    server::{auth::actor, store::Actor, AppState},
};

/// The caller, when they may manage interaction types.
#[cfg(feature = "ssr")]
async fn types_admin() -> Result<(AppState, Actor), AppError> {
    let (state, staff) = allowed(Permission::ManageInteractionTypes).await?;
    Ok((state, actor(&staff)))
}

/// Every interaction type, deleted ones too, and the teams.
#[server(input = Json, endpoint = "interaction_type_settings")]
pub async fn interaction_type_settings() -> Result<TypeSettings, AppError> {
    let (state, _) = types_admin().await?;
    state.store.type_settings().await.map_err(respond)
}

/// Adds a type at the end of the order, open to every team.
#[server(input = Json, endpoint = "add_interaction_type")]
pub async fn add_interaction_type(name: String, colour: String, icon: String) -> Result<TypeSetting, AppError> {
    use crate::type_settings::{normalise_colour, validate_icon, validate_type_name};
    let (state, by) = types_admin().await?;
    let invalid = |message| respond(AppError::Validation(message));
    let name = validate_type_name(&name).map_err(invalid)?;
    let colour = normalise_colour(&colour).map_err(invalid)?;
    let icon = validate_icon(&icon).map_err(invalid)?;
    state.store.add_interaction_type(&name, &colour, &icon, &by).await.map_err(respond)
}

/// Changes one thing about a type that is still at `version`.
#[server(input = Json, endpoint = "update_interaction_type")]
pub async fn update_interaction_type(id: i64, version: i64, change: TypeChange) -> Result<TypeSetting, AppError> {
    let (state, by) = types_admin().await?;
    let change = change.validated().map_err(|message| respond(AppError::Validation(message)))?;
    state.store.change_interaction_type(id, version, &change, &by).await.map_err(respond)
}

/// Moves a type that is still at `version` to just after type `after`
/// (`None`: to the top).
#[server(input = Json, endpoint = "move_interaction_type")]
pub async fn move_interaction_type(id: i64, version: i64, after: Option<i64>) -> Result<TypeSetting, AppError> {
    let (state, by) = types_admin().await?;
    state.store.move_interaction_type(id, version, after, &by).await.map_err(respond)
}
