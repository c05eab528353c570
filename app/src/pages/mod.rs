//! One module per URL.

/// A page whose code is split out of the main WASM bundle and loaded when
/// it is first opened (`cargo leptos build --split`): `lazy_page!(Name =>
/// view)` defines the route type `Name` for `Lazy::<Name>::new()`.
macro_rules! lazy_page {
    ($(#[$meta:meta])* $name:ident => $view:expr) => {
        $(#[$meta])*
        #[derive(Clone)]
        pub struct $name;

        #[leptos_router::lazy_route]
        impl leptos_router::LazyRoute for $name {
            fn data() -> Self {
                $name
            }

            fn view(_this: Self) -> leptos::prelude::AnyView {
                crate::mark_interactive();
                leptos::prelude::IntoAny::into_any($view)
            }
        }
    };
}

pub mod actions;
pub mod api_tokens;
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
pub mod roles;
pub mod settings;
