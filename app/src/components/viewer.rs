//! Who is using the app, shared by the header and the pages: to show only
//! what the viewer may do (the server checks again).

use leptos::prelude::*;

use crate::access::Permission;
use crate::error::AppError;
use crate::log::Viewer;

/// Who is signed in, fetched once per page load and shared by the header
/// and the pages (to show only what the viewer may do; the server checks
/// again).
#[derive(Clone, Copy)]
pub struct ViewerResource(pub Resource<Result<Viewer, AppError>>);

/// Bumped whenever the viewer changes an action, so what counts actions
/// (the navigation) fetches again.
#[derive(Clone, Copy)]
pub struct ActionsChanged(pub RwSignal<u32>);

impl ActionsChanged {
    /// Tells the counts that actions changed.
    pub fn bump(self) {
        self.0.update(|n| *n += 1);
    }
}

/// Shows `children` only to a viewer who holds `permission`.
#[component]
pub fn IfAllowed(permission: Permission, children: ChildrenFn) -> impl IntoView {
    let viewer = use_context::<ViewerResource>();
    let children = StoredValue::new(children);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let allowed = match viewer {
                    Some(v) => v.0.await.map(|v| v.role.grants(permission)).unwrap_or(false),
                    None => false,
                };
                allowed.then(|| children.with_value(|c| c()))
            })}
        </Transition>
    }
}
