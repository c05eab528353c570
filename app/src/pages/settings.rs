//! `/settings/staff` and `/settings/audit`: for staff who may manage staff.
//! The server refuses everyone else; these pages only show its answer.

use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::access::{AuditPage as Page, NewStaffMember, Role, StaffDirectory, StaffMember, Team, MIN_PASSWORD_CHARS};
use crate::api::{
    add_staff_member, add_team, audit_log, reset_staff_password, set_staff_active, staff_directory, update_staff_member,
};
use crate::components::feedback::{error_panel, status_view, Status};
use crate::error::AppError;

/// Runs a save, showing its progress in `status`; `then` runs on success,
/// `undo` on failure.
pub(super) fn save<F>(
    status: RwSignal<Status>,
    done: &'static str,
    call: F,
    then: impl FnOnce() + 'static,
    undo: impl FnOnce() + 'static,
) where
    F: std::future::Future<Output = Result<(), AppError>> + 'static,
{
    status.set(Status::Saving);
    spawn_local(async move {
        match call.await {
            Ok(()) => {
                status.set(Status::Done(done.into()));
                then();
            }
            Err(e) => {
                e.sign_in_again_if_signed_out();
                status.set(Status::Failed(e.to_string()));
                undo();
            }
        }
    });
}

// `/settings/staff`. Its data loads from within the settings pages' split-out
// code (`chunks`), so the main bundle does not carry the code that reads it.
pub(super) fn staff_settings_view() -> AnyView {
    let directory: Resource<Result<StaffDirectory, AppError>> = Resource::new(|| (), |_| staff_directory());
    let reload = Callback::new(move |()| directory.refetch());
    // The forms are drawn again when the list reloads after a change;
    // what they last did outlives that.
    let (added, team_added) = (RwSignal::new(Status::Idle), RwSignal::new(Status::Idle));
    view! {
        <Title text="Staff" />
        <div class="page-header">
            <h1>"Staff"</h1>
            <a class="button" href="/settings/roles">"Roles and permissions"</a>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match directory.await {
                    Err(e) => error_panel(e),
                    Ok(d) => {
                        let teams = StoredValue::new(d.teams);
                        let roles = StoredValue::new(d.roles);
                        view! {
                            <div class="card table-card">
                                <table class="staff-table">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Name"</th>
                                            <th scope="col">"Role"</th>
                                            <th scope="col">"Teams"</th>
                                            <th scope="col">"Status"</th>
                                            <th scope="col">"Password"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {d.staff.into_iter().map(|m| view! { <StaffRow member=m teams roles /> }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <AddStaffForm teams roles reload status=added />
                            <TeamsCard teams reload status=team_added />
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
    }
    .into_any()
}

/// A role picker, named by a `<label for=id>` or by `label` itself.
fn role_select(
    id: Option<&'static str>,
    label: Option<String>,
    roles: StoredValue<Vec<Role>>,
    role: RwSignal<i64>,
    on_change: impl Fn(i64) + 'static,
) -> impl IntoView {
    view! {
        <select
            id=id
            aria-label=label
            prop:value=move || role.get().to_string()
            on:change=move |ev| {
                if let Ok(r) = event_target_value(&ev).parse() {
                    on_change(r);
                }
            }
        >
            {roles
                .get_value()
                .into_iter()
                .map(|r| {
                    let id = r.id;
                    view! { <option value=id.to_string() selected=move || role.get_untracked() == id>{r.name}</option> }
                })
                .collect_view()}
        </select>
    }
}

fn team_boxes(
    legend: String,
    teams: StoredValue<Vec<Team>>,
    chosen: RwSignal<Vec<i64>>,
    on_change: impl Fn(Vec<i64>) + Copy + 'static,
) -> impl IntoView {
    view! {
        <fieldset class="team-boxes">
            <legend class="visually-hidden">{legend}</legend>
            {teams
                .get_value()
                .into_iter()
                .map(|t| {
                    let id = t.id;
                    view! {
                        <label>
                            <input
                                type="checkbox"
                                prop:checked=move || chosen.with(|c| c.contains(&id))
                                on:change=move |ev| {
                                    let mut next = chosen.get_untracked();
                                    next.retain(|x| *x != id);
                                    if event_target_checked(&ev) {
                                        next.push(id);
                                    }
                                    on_change(next);
                                }
                            />
                            {t.name}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

#[component]
fn StaffRow(member: StaffMember, teams: StoredValue<Vec<Team>>, roles: StoredValue<Vec<Role>>) -> impl IntoView {
    let id = member.id;
    let name = member.name.clone();
    let role = RwSignal::new(member.role_id);
    let chosen = RwSignal::new(member.team_ids.clone());
    let active = RwSignal::new(member.active);
    let status = RwSignal::new(Status::Idle);
    let resetting = RwSignal::new(false);
    let password = RwSignal::new(String::new());

    // Role and teams save together; a refusal puts both back.
    let change = move |new_role: i64, new_teams: Vec<i64>| {
        let (old_role, old_teams) = (role.get_untracked(), chosen.get_untracked());
        role.set(new_role);
        chosen.set(new_teams.clone());
        save(
            status,
            "Saved",
            update_staff_member(id, new_role, new_teams),
            || (),
            move || {
                role.set(old_role);
                chosen.set(old_teams);
            },
        );
    };
    let toggle = move |_| {
        let now = !active.get_untracked();
        active.set(now);
        let done = if now { "Enabled" } else { "Disabled: signed out everywhere" };
        save(status, done, set_staff_active(id, now), || (), move || active.set(!now));
    };
    let set_password = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save(
            status,
            "Password set: signed out everywhere",
            reset_staff_password(id, password.get_untracked()),
            move || {
                password.set(String::new());
                resetting.set(false);
            },
            || (),
        );
    };
    view! {
        <tr class:disabled=move || !active.get() data-email=member.email.clone()>
            <th scope="row">
                <span class="staff-name">{member.name.clone()}</span>
                <span class="muted staff-email">{member.email.clone()}</span>
                {status_view(status)}
            </th>
            <td>{role_select(None, Some(format!("Role of {name}")), roles, role, move |r| change(r, chosen.get_untracked()))}</td>
            <td>{team_boxes(format!("Teams of {name}"), teams, chosen, move |t| change(role.get_untracked(), t))}</td>
            <td>
                <span class="staff-status">{move || if active.get() { "Active" } else { "Disabled" }}</span>
                " "
                <button type="button" class="button small" on:click=toggle>
                    {move || if active.get() { format!("Disable {name}") } else { format!("Enable {name}") }}
                </button>
            </td>
            <td>
                {(!member.can_sign_in).then(|| view! { <span class="muted">"Not set. "</span> })}
                <Show
                    when=move || resetting.get()
                    fallback=move || view! {
                        <button type="button" class="button small" on:click=move |_| resetting.set(true)>"Reset password"</button>
                    }
                >
                    <form class="inline-form" on:submit=set_password>
                        <input
                            type="password"
                            autocomplete="new-password"
                            aria-label=format!("New password for {}", member.name)
                            minlength=MIN_PASSWORD_CHARS
                            required
                            prop:value=move || password.get()
                            on:input=move |ev| password.set(event_target_value(&ev))
                        />
                        <button type="submit" class="button small primary">"Set password"</button>
                        <button type="button" class="button small link" on:click=move |_| resetting.set(false)>"Cancel"</button>
                    </form>
                </Show>
            </td>
        </tr>
    }
}

#[component]
fn AddStaffForm(
    teams: StoredValue<Vec<Team>>,
    roles: StoredValue<Vec<Role>>,
    reload: Callback<()>,
    status: RwSignal<Status>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::STAFF);
    let chosen = RwSignal::new(Vec::<i64>::new());
    let password = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let member = NewStaffMember {
            name: name.get_untracked(),
            email: email.get_untracked(),
            role_id: role.get_untracked(),
            team_ids: chosen.get_untracked(),
            password: password.get_untracked(),
        };
        let call = async move { add_staff_member(member).await.map(|_| ()) };
        save(status, "Staff member added", call, move || reload.run(()), || ());
    };
    let field = |id: &'static str, label: &'static str, kind: &'static str, value: RwSignal<String>| {
        view! {
            <label for=id>{label}</label>
            <input
                id=id
                type=kind
                required
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        }
    };
    view! {
        <form class="card form-card" on:submit=submit aria-labelledby="add-staff-heading">
            <h2 id="add-staff-heading">"Add a staff member"</h2>
            <div class="form-grid">
                {field("new-staff-name", "Name", "text", name)}
                {field("new-staff-email", "Email", "email", email)}
                <label for="new-staff-role">"Role"</label>
                {role_select(Some("new-staff-role"), None, roles, role, move |r| role.set(r))}
                <span>"Teams"</span>
                {team_boxes("Teams of the new staff member".into(), teams, chosen, move |t| chosen.set(t))}
                {field("new-staff-password", "First password", "password", password)}
            </div>
            <p>
                <button type="submit" class="button primary">"Add staff member"</button>
                " "
                {status_view(status)}
            </p>
        </form>
    }
}

#[component]
fn TeamsCard(teams: StoredValue<Vec<Team>>, reload: Callback<()>, status: RwSignal<Status>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let call = add_team(name.get_untracked());
        save(status, "Team added", async move { call.await.map(|_| ()) }, move || reload.run(()), || ());
    };
    view! {
        <section class="card form-card" aria-labelledby="teams-heading">
            <h2 id="teams-heading">"Teams"</h2>
            <ul class="team-list">{teams.get_value().into_iter().map(|t| view! { <li>{t.name}</li> }).collect_view()}</ul>
            <form class="inline-form" on:submit=submit>
                <label for="new-team-name">"New team"</label>
                <input
                    id="new-team-name"
                    required
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <button type="submit" class="button">"Add team"</button>
                {status_view(status)}
            </form>
        </section>
    }
}

/// A readable name for an audit action.
fn action_label(action: &str) -> &str {
    match action {
        "signed_in" => "Signed in",
        "signed_out" => "Signed out",
        "sign_in_failed" => "Sign-in failed",
        "sign_in_throttled" => "Sign-in slowed down",
        "permission_denied" => "Permission denied",
        "staff_added" => "Staff member added",
        "staff_changed" => "Role or teams changed",
        "role_created" => "Role created",
        "note_added" => "Note added",
        "note_deleted" => "Note deleted",
        "note_visibility_changed" => "Who can read a note changed",
        "role_changed" => "Role changed",
        "role_deleted" => "Role deleted",
        "staff_disabled" => "Staff member disabled",
        "staff_enabled" => "Staff member enabled",
        "password_reset" => "Password reset",
        "team_added" => "Team added",
        "type_added" => "Interaction type added",
        "person_added" => "Person added",
        "person_changed" => "Person's details changed",
        "visibility_changed" => "Who can read it changed",
        "posted_in_error_marked" => "Marked posted in error",
        "posted_in_error_withdrawn" => "Posted-in-error mark withdrawn",
        "api_token_created" => "API token made",
        "api_token_revoked" => "API token revoked",
        "action_assigned" => "Action assigned",
        "action_edited" => "Action changed",
        "action_deleted" => "Action deleted",
        "action_completed" => "Action completed",
        "log_exported" => "Log exported",
        "report_exported" => "Report exported",
        "type_renamed" => "Interaction type renamed",
        "type_recoloured" => "Interaction type colour changed",
        "type_icon_changed" => "Interaction type icon changed",
        "type_teams_changed" => "Interaction type teams changed",
        "type_moved" => "Interaction type moved",
        "type_deleted" => "Interaction type deleted",
        "type_restored" => "Interaction type restored",
        other => other,
    }
}

// `/settings/audit`.
pub(super) fn audit_view() -> AnyView {
    let query = use_query_map();
    let before = Memo::new(move |_| query.with(|q| q.get("before").and_then(|b| b.parse::<i64>().ok())));
    let page: Resource<Result<Page, AppError>> = Resource::new(move || before.get(), audit_log);
    view! {
        <Title text="Audit log" />
        <div class="page-header">
            <h1>"Audit log"</h1>
            <p class="muted">"Sign-ins, refusals and every change to staff, roles, teams and interaction types. Times are UTC."</p>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => error_panel(e),
                    Ok(Page { entries, older }) => view! {
                        <div class="card table-card">
                            <table class="audit-table">
                                <thead>
                                    <tr>
                                        <th scope="col">"When (UTC)"</th>
                                        <th scope="col">"Who"</th>
                                        <th scope="col">"What"</th>
                                        <th scope="col">"Subject"</th>
                                        <th scope="col">"Details"</th>
                                        <th scope="col">"From"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {entries
                                        .into_iter()
                                        .map(|e| view! {
                                            <tr data-action=e.action.clone()>
                                                <td><time datetime=e.at.clone()>{e.at.replace('T', " ").trim_end_matches('Z').to_string()}</time></td>
                                                <td>{e.actor}</td>
                                                <td>{action_label(&e.action).to_string()}</td>
                                                <td>{e.subject}</td>
                                                <td>{e.details}</td>
                                                <td>{e.address}</td>
                                            </tr>
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                        {older.map(|id| view! {
                            <p><a class="button" href=format!("/settings/audit?before={id}")>"Older events"</a></p>
                        })}
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}
