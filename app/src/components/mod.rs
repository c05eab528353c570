//! Reusable view pieces.

pub mod description;
pub mod icons;
pub mod log_view;
pub mod search_box;
pub mod type_badge;
