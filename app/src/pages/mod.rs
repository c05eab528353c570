//! One module per URL.

pub mod actions;
pub mod api_tokens;
pub mod chunks;
pub mod home;
pub mod interaction;
pub mod interaction_types;
pub mod log;
pub mod login;
pub mod not_found;
pub mod notifications;
pub mod people;
pub mod person_notes;
pub mod print;
pub mod record;
pub mod reports;
pub mod roles;
pub mod settings;
