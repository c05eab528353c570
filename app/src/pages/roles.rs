//! `/settings/roles`: the roles staff hold and the permissions each grants.
//! Built-in roles are shown and fixed; the organisation's own roles are
//! created, renamed, changed and deleted here. For staff who may manage
//! staff; the server refuses everyone else.

use leptos::prelude::*;
use leptos_meta::Title;

use super::settings::save;
use crate::access::{Permission, Permissions, RoleSummary, MAX_ROLE_NAME_CHARS};
use crate::api::{create_role, delete_role, roles, update_role};
use crate::components::feedback::{error_panel, status_view, Status};
use crate::error::AppError;

pub(super) fn roles_view() -> AnyView {
    let list: Resource<Result<Vec<RoleSummary>, AppError>> = Resource::new(|| (), |_| roles());
    let reload = Callback::new(move |()| list.refetch());
    // Outlive the list being drawn again after a change: what the last
    // change did, shown beside the role it was made to.
    let status = Feedback { status: RwSignal::new(Status::Idle), about: RwSignal::new(None) };
    view! {
        <Title text="Roles" />
        <div class="page-header">
            <h1>"Roles"</h1>
            <a class="button" href="/settings/staff">"Staff"</a>
        </div>
        <p class="muted">
            "A role is a set of permissions. Admin, Manager, Staff and Read-only are built in; "
            "add roles of your own for the way your teams work. Give a role to someone on the Staff page."
        </p>
        {status.show(DELETED)}
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => error_panel(e),
                    Ok(roles) => view! {
                        <div class="role-list">
                            {roles.into_iter().map(|r| view! { <RoleCard summary=r reload status /> }).collect_view()}
                        </div>
                        <NewRoleForm reload status />
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

/// One checkbox per permission, bound to `chosen`; read-only when `fixed`.
fn permission_boxes(legend: String, chosen: RwSignal<Permissions>, fixed: bool) -> impl IntoView {
    view! {
        <fieldset class="permission-boxes">
            <legend>{legend}</legend>
            {Permission::ALL
                .into_iter()
                .map(|p| {
                    view! {
                        <label>
                            <input
                                type="checkbox"
                                name="permission"
                                value=p.key()
                                disabled=fixed
                                prop:checked=move || chosen.get().contains(p)
                                on:change=move |ev| chosen.update(|c| *c = c.with(p, event_target_checked(&ev)))
                            />
                            {p.label()}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// The outcome of the last change, and which role it was about.
#[derive(Clone, Copy)]
struct Feedback {
    status: RwSignal<Status>,
    about: RwSignal<Option<i64>>,
}

/// `about` for a deleted role (its card is gone) and for the new-role form.
const DELETED: i64 = -1;
const NEW: i64 = 0;

impl Feedback {
    fn start(self, about: i64) -> RwSignal<Status> {
        self.about.set(Some(about));
        self.status
    }

    fn show(self, about: i64) -> impl IntoView {
        move || (self.about.get() == Some(about)).then(|| view! { <p>{status_view(self.status)}</p> })
    }
}

fn holders_text(holders: i64) -> String {
    match holders {
        0 => "Nobody holds it".into(),
        1 => "Held by 1 staff member".into(),
        n => format!("Held by {n} staff members"),
    }
}

#[component]
fn RoleCard(summary: RoleSummary, reload: Callback<()>, status: Feedback) -> impl IntoView {
    let RoleSummary { role, holders } = summary;
    let chosen = RwSignal::new(role.permissions);
    let heading_id = format!("role-{}", role.id);
    let labelled_by = heading_id.clone();
    if role.built_in {
        return view! {
            <section class="card role-card" aria-labelledby=labelled_by data-role=role.name.clone()>
                <h2 id=heading_id>{role.name.clone()} " " <span class="badge">"Built in"</span></h2>
                <p class="muted">{holders_text(holders)}</p>
                {permission_boxes(format!("Permissions of {}", role.name), chosen, true)}
            </section>
        }
        .into_any();
    }
    let (id, version) = (role.id, role.version);
    let name = RwSignal::new(role.name.clone());
    let confirming = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let permissions = chosen.get_untracked().iter().collect();
        let call = update_role(id, name.get_untracked(), permissions, version);
        save(status.start(id), "Role saved", call, move || reload.run(()), move || reload.run(()));
    };
    let delete = move |_| {
        let call = delete_role(id, version);
        save(status.start(DELETED), "Role deleted", call, move || reload.run(()), || ());
    };
    let input_id = format!("role-name-{id}");
    view! {
        <section class="card role-card" aria-labelledby=labelled_by data-role=role.name.clone()>
            <h2 id=heading_id>{role.name.clone()}</h2>
            <p class="muted">{holders_text(holders)}</p>
            {status.show(id)}
            <form class="role-form" on:submit=submit>
                <label for=input_id.clone()>"Name"</label>
                <input
                    id=input_id
                    required
                    maxlength=MAX_ROLE_NAME_CHARS
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                {permission_boxes(format!("Permissions of {}", role.name), chosen, false)}
                <p>
                    <button type="submit" class="button primary">"Save role"</button>
                    " "
                    {if holders > 0 {
                        view! {
                            <span class="muted">"To delete it, first give its holders another role."</span>
                        }
                        .into_any()
                    } else {
                        view! {
                            <Show
                                when=move || confirming.get()
                                fallback=move || view! {
                                    <button type="button" class="button danger" on:click=move |_| confirming.set(true)>
                                        "Delete role"
                                    </button>
                                }
                            >
                                <span class="confirm" role="group" aria-label="Confirm delete">
                                    "Delete this role? "
                                    <button type="button" class="button danger" on:click=delete>"Yes, delete it"</button>
                                    <button type="button" class="button link" on:click=move |_| confirming.set(false)>
                                        "Keep it"
                                    </button>
                                </span>
                            </Show>
                        }
                        .into_any()
                    }}
                </p>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn NewRoleForm(reload: Callback<()>, status: Feedback) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(Permissions::default().with(Permission::ViewInteractions, true));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let call = create_role(name.get_untracked(), chosen.get_untracked().iter().collect());
        let then = move || {
            name.set(String::new());
            reload.run(());
        };
        save(status.start(NEW), "Role created", async move { call.await.map(|_| ()) }, then, || ());
    };
    view! {
        <form class="card form-card" on:submit=submit aria-labelledby="new-role-heading">
            <h2 id="new-role-heading">"New role"</h2>
            <label for="new-role-name">"Name"</label>
            <input
                id="new-role-name"
                required
                maxlength=MAX_ROLE_NAME_CHARS
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
            />
            {permission_boxes("Permissions of the new role".into(), chosen, false)}
            <p>
                <button type="submit" class="button primary">"Create role"</button>
            </p>
            {status.show(NEW)}
        </form>
    }
}
