//! One module per URL.

pub mod home;
pub mod interaction;
pub mod log;
pub mod not_found;
