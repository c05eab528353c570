//! Server functions: thin. Each checks who is calling and what they may do,
//! validates its input, and calls the store.

mod interactions;
mod staff;
mod types;

pub use interactions::*;
pub use staff::*;
pub use types::*;
