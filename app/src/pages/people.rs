//! `/people`: find a person as you type, and add one. `/people/{id}`: a
//! person's profile, with their interactions in the log component.

use leptos::{ev, html, prelude::*};
use leptos_meta::Title;
use leptos_router::{
    hooks::{use_navigate, use_params_map, use_query_map},
    NavigateOptions,
};

use crate::access::Permission;
use crate::api::{add_person, get_person, person_last_contact, search_people, update_person};
use crate::components::log_view::{InteractionLog, LogData};
use crate::components::viewer::IfAllowed;
use crate::components::{
    feedback::{error_panel, problems_summary, FieldError, Problems},
    pager::Pager,
    type_badge::TypeChip,
};
use crate::error::AppError;
use crate::log::encode_component;
use crate::log::thousands;
use crate::notes::ProfileNotes;
use crate::pages::not_found::NotFound;
use crate::pages::person_notes::{notes_resource, NotesPanel};
use crate::recording::{NewPerson, PeoplePage as Page, Person, PersonForm, MAX_PEOPLE_SEARCH_CHARS, PEOPLE_PAGE_SIZE};

/// `/people?q=…&offset=…`, leaving defaults out.
fn people_url(q: &str, offset: i64) -> String {
    let mut parts = Vec::new();
    if !q.is_empty() {
        parts.push(format!("q={}", encode_component(q)));
    }
    if offset > 0 {
        parts.push(format!("offset={offset}"));
    }
    if parts.is_empty() {
        "/people".into()
    } else {
        format!("/people?{}", parts.join("&"))
    }
}

#[component]
pub(super) fn PeoplePage() -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|m| m.get("q").unwrap_or_default()));
    let offset = Memo::new(move |_| query.with(|m| m.get("offset").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0)));
    let results = Resource::new(move || (q.get(), offset.get()), |(q, offset)| search_people(q, offset));
    let navigate = use_navigate();
    let text = RwSignal::new(q.get_untracked());
    let on_input = {
        let navigate = navigate.clone();
        move |ev: ev::Event| {
            let value = event_target_value(&ev);
            text.set(value.clone());
            navigate(&people_url(&value, 0), NavigateOptions { replace: true, scroll: false, ..Default::default() });
        }
    };
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        navigate(&people_url(&text.get_untracked(), 0), NavigateOptions { replace: true, ..Default::default() });
    };
    view! {
        <Title text="People" />
        <div class="page-header">
            <h1>"People"</h1>
        </div>
        <IfAllowed permission=Permission::CreateInteractions>
            <AddPerson />
        </IfAllowed>
        <form class="people-search" method="get" action="/people" role="search" on:submit=on_submit>
            <label for="people-search">"Find a person"</label>
            <div class="search-field">
                <input
                    id="people-search"
                    type="search"
                    name="q"
                    placeholder="Name, email or phone"
                    autocomplete="off"
                    maxlength=MAX_PEOPLE_SEARCH_CHARS
                    value=q.get_untracked()
                    on:input=on_input
                />
                <button type="submit" class="button">"Search"</button>
            </div>
        </form>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(page) => view! { <PeopleList page=page q=q.get_untracked() /> }.into_any(),
                    Err(e) => {
                        error_panel(e)
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn PeopleList(page: Page, q: String) -> impl IntoView {
    let total = match page.total {
        1 => "1 person".to_string(),
        n => format!("{} people", thousands(n)),
    };
    let size = PEOPLE_PAGE_SIZE as i64;
    let shown = page.people.len() as i64;
    let previous = (page.offset > 0).then(|| people_url(&q, (page.offset - size).max(0)));
    let next = (page.offset + shown < page.total).then(|| people_url(&q, page.offset + size));
    let range = (shown > 0).then(|| format!(" · showing {}–{}", page.offset + 1, page.offset + shown));
    let empty = page.people.is_empty();
    view! {
        <p class="total" aria-live="polite">
            <strong data-testid="people-total">{total}</strong>
            {(!q.is_empty()).then(|| format!(" matching “{q}”"))}
            {range}
        </p>
        <div class="table-wrap">
            <table class="people-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Phone"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.people.into_iter().map(|p| view! {
                        <tr data-id=p.id>
                            <td><a href=format!("/people/{}", p.id)>{p.name}</a></td>
                            <td>{p.email.unwrap_or_default()}</td>
                            <td>{p.phone.unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {empty.then(|| view! { <p class="empty">"Nobody matches. Check the spelling, or add the person."</p> })}
        </div>
        <Pager first=None previous=previous next=next />
    }
}

/// "Add person": name required, email and phone optional. Opens the new
/// profile once saved.
#[component]
fn AddPerson() -> impl IntoView {
    let name = NodeRef::<html::Input>::new();
    let email = NodeRef::<html::Input>::new();
    let phone = NodeRef::<html::Input>::new();
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let navigate = use_navigate();
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let value = |r: NodeRef<html::Input>| r.get().map(|i| i.value()).unwrap_or_default();
        let person = NewPerson { name: value(name), email: value(email), phone: value(phone) };
        // The same rules the server applies, for an answer before the round trip.
        if let Err(e) = person.validated() {
            error.set(Some(e));
            return;
        }
        saving.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match add_person(person).await {
                Ok(id) => navigate(&format!("/people/{id}"), Default::default()),
                Err(e) => {
                    e.sign_in_again_if_signed_out();
                    error.set(Some(e.to_string()));
                    saving.set(false);
                }
            }
        });
    };
    view! {
        <details class="card add-person">
            <summary class="button">"Add person"</summary>
            <form class="stacked-form" on:submit=on_submit novalidate>
                <label>"Name" <input node_ref=name name="name" required autocomplete="off" maxlength="100" /></label>
                <label>"Email (optional)" <input node_ref=email name="email" type="email" autocomplete="off" /></label>
                <label>"Phone (optional)" <input node_ref=phone name="phone" type="tel" autocomplete="off" /></label>
                {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                <button type="submit" class="button primary" disabled=move || saving.get()>"Add person"</button>
            </form>
        </details>
    }
}

#[component]
pub(super) fn PersonPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok())));
    let recorded = Memo::new(move |_| query.with(|q| q.get("recorded").and_then(|s| s.parse::<i64>().ok())));
    let person = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_person(id).await,
                None => Ok(None),
            }
        },
    );
    // The notes and the log are created once, when a person is first shown,
    // under the page's owner. The server may run the closure awaiting the
    // person more than once while it resolves: resources created inside it
    // would each be fetched and serialised again. Created before it instead,
    // a missing person's page would fetch them for nothing.
    let owner = Owner::current().expect("pages render under an owner");
    let panels = StoredValue::new(None::<(Resource<Result<ProfileNotes, AppError>>, LogData, LastContactResource)>);
    let panels = move || {
        panels.get_value().unwrap_or_else(|| {
            let created = owner.with(|| (notes_resource(id), LogData::of_person(id), last_contact_resource(id)));
            panels.set_value(Some(created));
            created
        })
    };
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let panels = panels.clone();
                Suspend::new(async move {
                    match person.await {
                        Ok(Some(p)) => {
                            let (notes, log, last_contact) = panels();
                            view! { <Profile person=p recorded=recorded.get_untracked() notes log last_contact /> }
                                .into_any()
                        }
                        Ok(None) => view! { <NotFound message="There is no person with this id." /> }.into_any(),
                        Err(e) => error_panel(e),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn Profile(
    person: Person,
    recorded: Option<i64>,
    notes: Resource<Result<ProfileNotes, AppError>>,
    log: LogData,
    last_contact: LastContactResource,
) -> impl IntoView {
    let new_href = format!("/interactions/new?person={}", person.id);
    let id = person.id;
    let current = RwSignal::new(person.clone());
    view! {
        <Title text=move || current.with(|p| p.name.clone()) />
        <p class="back"><a href="/people" class="back-link">"All people"</a></p>
        <section class="card profile" aria-labelledby="profile-name">
            <div class="profile-header">
                <span class="avatar large" aria-hidden="true">{move || crate::log::initials(&current.with(|p| p.name.clone()))}</span>
                <div>
                    <h1 id="profile-name">{move || current.with(|p| p.name.clone())}</h1>
                    {move || view! { <PersonFacts person=current.get() /> }}
                </div>
                <div class="profile-actions">
                    <IfAllowed permission=Permission::CreateInteractions>
                        <a class="button primary" href=new_href.clone()>"New interaction"</a>
                    </IfAllowed>
                    <crate::pages::actions::AssignActionLink person=id />
                </div>
            </div>
            <IfAllowed permission=Permission::CreateInteractions>
                <EditPerson current=current />
            </IfAllowed>
        </section>
        {recorded.map(|id| view! {
            <p class="notice" role="status">
                "Interaction recorded. " <a href=format!("/interactions/{id}")>"View it"</a>
            </p>
        })}
        <LastContactStrip last_contact />
        <NotesPanel person_id=id notes />
        <h2 class="section-title">"Interactions"</h2>
        <InteractionLog base=format!("/people/{id}") data=log />
    }
}

type LastContactResource = Resource<Result<Vec<crate::reports::LastContactOfType>, AppError>>;

fn last_contact_resource(person: Memo<Option<i64>>) -> LastContactResource {
    Resource::new(
        move || person.get(),
        |person| async move {
            match person {
                Some(id) => person_last_contact(id).await,
                None => Err(AppError::NotFound),
            }
        },
    )
}

/// "Last contact": when the person last had each type of interaction (the
/// funder's question, answered on the profile).
#[component]
fn LastContactStrip(last_contact: LastContactResource) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let latest = last_contact.await.unwrap_or_default();
                (!latest.is_empty()).then(|| view! {
                    <section class="last-contact" aria-labelledby="last-contact-title">
                        <h2 id="last-contact-title">"Last contact"</h2>
                        <ul>
                            {latest.into_iter().map(|l| view! {
                                <li data-type=l.kind.id>
                                    <TypeChip kind=l.kind.clone() />
                                    <time datetime=l.last_on.clone()>{l.last_display.clone()}</time>
                                    <span class="muted">{match l.days_since {
                                        0 => "today".to_string(),
                                        1 => "yesterday".to_string(),
                                        n => format!("{} days ago", thousands(n)),
                                    }}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Transition>
    }
}

/// A person's details, each shown or "none".
#[component]
fn PersonFacts(person: Person) -> impl IntoView {
    let none = || view! { <span class="muted">"none"</span> }.into_any();
    view! {
        <dl class="facts" data-testid="person-facts">
            {person.preferred_name.clone().map(|p| view! { <div><dt>"Preferred name"</dt><dd>{p}</dd></div> })}
            <div><dt>"Email"</dt><dd>{match person.email.clone() {
                Some(e) => view! { <a href=format!("mailto:{e}")>{e.clone()}</a> }.into_any(),
                None => none(),
            }}</dd></div>
            <div><dt>"Phone"</dt><dd>{match person.phone.clone() {
                Some(p) => view! { <a href=format!("tel:{}", p.replace(' ', ""))>{p.clone()}</a> }.into_any(),
                None => none(),
            }}</dd></div>
            {person.date_of_birth.clone().map(|d| view! { <div><dt>"Date of birth"</dt><dd>{d}</dd></div> })}
            {person.address.clone().map(|a| view! { <div><dt>"Address"</dt><dd class="address">{a}</dd></div> })}
        </dl>
    }
    .into_any()
}

const WHAT: &str = "The details";

/// "Edit details": every field of the person, saved against the version on
/// screen. When someone else saved first, the newer details are loaded into
/// the form and the page says so.
#[component]
fn EditPerson(current: RwSignal<Person>) -> impl IntoView {
    let open = RwSignal::new(false);
    let form = RwSignal::new(PersonForm::default());
    let problems = RwSignal::new(Problems::default());
    let saving = RwSignal::new(false);
    let start = move |_| {
        form.set(PersonForm::of(&current.get_untracked()));
        problems.set(Problems::default());
        open.set(true);
    };
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let person = current.get_untracked();
        saving.set(true);
        leptos::task::spawn_local(async move {
            match update_person(person.id, form.get_untracked(), person.version).await {
                Ok(saved) => {
                    current.set(saved);
                    open.set(false);
                }
                Err(e) => {
                    e.sign_in_again_if_signed_out();
                    if matches!(e, AppError::Conflict(_)) {
                        if let Ok(Some(newer)) = get_person(person.id).await {
                            form.set(PersonForm::of(&newer));
                            current.set(newer);
                        }
                    }
                    problems.set(Problems::from_error(&e, WHAT));
                }
            }
            saving.set(false);
        });
    };
    let field = move |name: &'static str, label: &'static str, kind: &'static str| {
        let get = move || form.with(|f| field_value(f, name).to_string());
        view! {
            <label for=format!("person-{name}")>{label}</label>
            <input
                id=format!("person-{name}")
                type=kind
                autocomplete="off"
                prop:value=get
                on:input=move |ev| form.update(|f| set_field(f, name, event_target_value(&ev)))
                aria-invalid=move || problems.with(|p| p.field(name).is_some()).to_string()
                aria-describedby=format!("{name}-error")
            />
            <FieldError name=name problems=problems />
        }
    };
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! { <button type="button" class="button small" on:click=start>"Edit details"</button> }
        >
            <form class="stacked-form person-form" on:submit=on_submit novalidate aria-label="Edit details">
                {problems_summary(problems)}
                {field("name", "Name", "text")}
                {field("preferred_name", "Preferred name (optional)", "text")}
                {field("email", "Email (optional)", "email")}
                {field("phone", "Phone (optional)", "tel")}
                {field("date_of_birth", "Date of birth (optional)", "date")}
                <label for="person-address">"Address (optional)"</label>
                <textarea
                    id="person-address"
                    rows="3"
                    prop:value=move || form.with(|f| f.address.clone())
                    on:input=move |ev| form.update(|f| f.address = event_target_value(&ev))
                    aria-describedby="address-error"
                ></textarea>
                <FieldError name="address" problems=problems />
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || saving.get()>"Save details"</button>
                    <button type="button" class="button link" on:click=move |_| open.set(false)>"Cancel"</button>
                </div>
            </form>
        </Show>
    }
    .into_any()
}

fn field_value<'a>(form: &'a PersonForm, name: &str) -> &'a str {
    match name {
        "name" => &form.name,
        "preferred_name" => &form.preferred_name,
        "email" => &form.email,
        "phone" => &form.phone,
        "date_of_birth" => &form.date_of_birth,
        _ => &form.address,
    }
}

fn set_field(form: &mut PersonForm, name: &str, value: String) {
    match name {
        "name" => form.name = value,
        "preferred_name" => form.preferred_name = value,
        "email" => form.email = value,
        "phone" => form.phone = value,
        "date_of_birth" => form.date_of_birth = value,
        _ => form.address = value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_urls_leave_defaults_out() {
        assert_eq!(people_url("", 0), "/people");
        assert_eq!(people_url("ada l", 25), "/people?q=ada%20l&offset=25");
    }
}
