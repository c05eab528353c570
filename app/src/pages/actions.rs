//! Follow-up actions: `/actions` (the lists), `/actions/new` (Assign
//! action) and `/actions/{id}` (one action: edit, delete, complete). Each is
//! split out of the main WASM bundle and loaded when first opened.

use leptos::{ev, html, prelude::*};
use leptos_meta::Title;
use leptos_router::{
    hooks::{use_navigate, use_params_map, use_query_map},
    NavigateOptions,
};

use crate::access::Permission;
use crate::actions::{
    ActionDetail, ActionForm, ActionPage, ActionQuery, ActionRow, ActionSort, ActionTab, CompleteForm, StaffChoice,
    ACTIONS_PAGE_SIZE, MAX_INSTRUCTIONS_CHARS, MAX_SUMMARY_CHARS,
};
use crate::api::{
    assign_action, assign_action_options, complete_action, delete_action, edit_action, get_action, list_actions,
    search_assignees,
};
use crate::components::viewer::IfAllowed;
use crate::components::{
    feedback::{error_panel, problems_summary, FieldError, Problems},
    pager::Pager,
    search_picker::SearchPicker,
};
use crate::components::{
    icons::Icon,
    search_box::follow_url_unless_typing,
    type_badge::{type_styles, TypeIcon},
};
use crate::error::AppError;
use crate::log::thousands;
use crate::log::{SortDir, TypeBadge};
use crate::pages::not_found::NotFound;

/// The due date as lists show it: red and labelled when overdue (not by
/// colour alone), with the assignee's initials under it.
#[component]
pub fn DueCell(row: ActionRow) -> impl IntoView {
    let done = row.done_on.is_some();
    view! {
        <span class="due" class:overdue=row.overdue>
            {row.overdue.then(|| view! {
                <span class="overdue-flag"><Icon name="alert" size=12 />"Overdue"</span>
            })}
            <time datetime=row.due_on.clone() class:muted=done>{row.due_display.clone()}</time>
        </span>
        <span class="avatar small assignee" title=row.assignee.name.clone()>
            <span aria-hidden="true">{row.assignee.initials.clone()}</span>
            <span class="visually-hidden">{format!("Assigned to {}", row.assignee.name)}</span>
        </span>
    }
}

// ----- /actions ---------------------------------------------------------

#[component]
pub(super) fn ActionsPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| ActionQuery::from_params(|name| p.get(name))));
    let page = Resource::new(move || query.get(), list_actions);
    let navigate = use_navigate();
    let search_text = RwSignal::new(query.get_untracked().q);
    let go = move |next: ActionQuery, replace: bool| {
        navigate(&next.to_url(), NavigateOptions { replace, scroll: false, ..Default::default() });
    };
    let go = StoredValue::new(go);
    let on_search = move |ev: ev::Event| {
        let text = event_target_value(&ev);
        search_text.set(text.clone());
        go.with_value(|go| go(ActionQuery { q: text, offset: 0, ..query.get_untracked() }, true));
    };
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        go.with_value(|go| {
            go(ActionQuery { q: search_text.get_untracked(), offset: 0, ..query.get_untracked() }, true)
        });
    };
    follow_url_unless_typing(move || query.with(|q| q.q.clone()), search_text, "action-search");
    let tab_link = move |tab: ActionTab| {
        view! {
            <a
                href=ActionQuery { tab, ..Default::default() }.to_url()
                class="tab"
                class:active=move || query.with(|q| q.tab == tab)
                aria-current=move || query.with(|q| q.tab == tab).then_some("page")
            >
                {tab.label()}
            </a>
        }
    };
    view! {
        <Title text="Actions" />
        <div class="page-header">
            <h1>"Actions"</h1>
        </div>
        <nav class="tabs" aria-label="Lists of actions">
            {tab_link(ActionTab::Mine)}
            <IfAllowed permission=Permission::SeeAllActions>{tab_link(ActionTab::Outstanding)}</IfAllowed>
            {tab_link(ActionTab::Completed)}
        </nav>
        <form class="log-controls action-filters" method="get" action="/actions" role="search" on:submit=on_submit>
            {move || {
                let tab = query.with(|q| q.tab);
                (tab != ActionTab::default()).then(|| view! { <input type="hidden" name="tab" value=tab.as_str() /> })
            }}
            <div class="search-field">
                <label for="action-search" class="visually-hidden">"Search instructions and summaries"</label>
                <input
                    id="action-search"
                    type="search"
                    name="q"
                    placeholder="Search instructions and summaries"
                    autocomplete="off"
                    maxlength=crate::log::MAX_SEARCH_CHARS
                    value=query.get_untracked().q
                    prop:value=move || search_text.get()
                    on:input=on_search
                />
                <button type="submit" class="button">"Search"</button>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let data = page.await.unwrap_or_default();
                    view! { <Filters query=query data=data go=go /> }
                })}
            </Transition>
        </form>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => view! { <ActionTable query=query.get() data=data /> }.into_any(),
                    Err(e) => {
                        error_panel(e)
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn Filters<F>(query: Memo<ActionQuery>, data: ActionPage, go: StoredValue<F>) -> impl IntoView
where
    F: Fn(ActionQuery, bool) + Send + Sync + 'static,
{
    let q = query.get_untracked();
    let dates = if q.tab == ActionTab::Completed { "Done" } else { "Due" };
    let set = move |change: fn(&mut ActionQuery, String)| {
        move |ev: ev::Event| {
            let mut next = query.get_untracked();
            change(&mut next, event_target_value(&ev));
            next.offset = 0;
            go.with_value(|go| go(next, false));
        }
    };
    let chosen_type = q.types.first().copied();
    view! {
        <div class="filter-row">
            <label>
                "Type "
                <select name="types" on:change=set(|q, v| q.types = v.parse().ok().into_iter().collect())>
                    <option value="" selected=chosen_type.is_none()>"All types"</option>
                    {data.types.into_iter().map(|t| view! {
                        <option value=t.id selected=chosen_type == Some(t.id)>{t.name}</option>
                    }).collect_view()}
                </select>
            </label>
            {(q.tab != ActionTab::Mine).then(|| view! {
                <label>
                    "Assigned to "
                    <select name="assignee" on:change=set(|q, v| q.assignee = v.parse().ok())>
                        <option value="" selected=q.assignee.is_none()>"Anyone"</option>
                        {data.assignees.into_iter().map(|s| view! {
                            <option value=s.id selected=q.assignee == Some(s.id)>{s.name}</option>
                        }).collect_view()}
                    </select>
                </label>
            })}
            <label>
                {format!("{dates} from ")}
                <input type="date" name="from" value=q.from.clone() on:change=set(|q, v| q.from = v) />
            </label>
            <label>
                "to "
                <input type="date" name="to" value=q.to.clone() on:change=set(|q, v| q.to = v) />
            </label>
            <noscript><button type="submit" class="button small">"Apply"</button></noscript>
        </div>
    }
}

#[component]
fn ActionTable(query: ActionQuery, data: ActionPage) -> impl IntoView {
    let completed = query.tab == ActionTab::Completed;
    let everyone = query.tab != ActionTab::Mine;
    let sort = query.sort_or_default();
    let dir = query.dir_or_default();
    let header = |column: ActionSort| {
        let active = sort == column;
        let next_dir = if active { dir.reversed() } else { column.default_dir() };
        let href = ActionQuery { sort: Some(column), dir: Some(next_dir), offset: 0, ..query.clone() }.to_url();
        let aria = match (active, dir) {
            (false, _) => "none",
            (true, SortDir::Asc) => "ascending",
            (true, SortDir::Desc) => "descending",
        };
        let arrow = match (active, dir) {
            (false, _) => "↕",
            (true, SortDir::Asc) => "▲",
            (true, SortDir::Desc) => "▼",
        };
        view! {
            <th scope="col" aria-sort=aria class:sorted=active>
                <a href=href class="sort-link">{column.label()}<span class="sort-arrow" aria-hidden="true">{arrow}</span></a>
            </th>
        }
    };
    let total = match data.total {
        1 => "1 action".to_string(),
        n => format!("{} actions", thousands(n)),
    };
    let previous = (data.offset > 0)
        .then(|| ActionQuery { offset: (data.offset - ACTIONS_PAGE_SIZE as i64).max(0), ..query.clone() }.to_url());
    let next = (data.offset + (data.rows.len() as i64) < data.total)
        .then(|| ActionQuery { offset: data.offset + ACTIONS_PAGE_SIZE as i64, ..query.clone() }.to_url());
    let empty = data.rows.is_empty();
    let styles = type_styles(data.rows.iter().map(|r| &r.kind));
    view! {
        {styles}
        <p class="total" aria-live="polite"><strong data-testid="actions-total">{total}</strong></p>
        <div class="table-wrap">
            <table class="log-table action-table">
                <thead>
                    <tr>
                        {if completed { header(ActionSort::Done) } else { header(ActionSort::Due) }}
                        {header(ActionSort::Type)}
                        {header(ActionSort::Person)}
                        <th scope="col">"Action"</th>
                        {everyone.then(|| header(ActionSort::Assignee))}
                        {header(ActionSort::Created)}
                    </tr>
                </thead>
                <tbody>
                    {data.rows.into_iter().map(|row| {
                        let href = format!("/actions/{}", row.id);
                        view! {
                            <tr data-id=row.id class:overdue-row=row.overdue>
                                <td class="col-due">
                                    {match (completed, row.done_display.clone(), row.done_on.clone()) {
                                        (true, Some(done), Some(on)) => view! {
                                            <time class="done" datetime=on>{done}</time>
                                            <span class="avatar small assignee" title=row.assignee.name.clone()>
                                                <span aria-hidden="true">{row.assignee.initials.clone()}</span>
                                                <span class="visually-hidden">{format!("Done by {}", row.assignee.name)}</span>
                                            </span>
                                        }.into_any(),
                                        _ => view! { <DueCell row=row.clone() /> }.into_any(),
                                    }}
                                </td>
                                <td class="col-type"><TypeIcon kind=row.kind.clone() /></td>
                                <td class="col-person"><a href=format!("/people/{}", row.person_id)>{row.person_name.clone()}</a></td>
                                <td class="col-instructions">
                                    <a href=href class="action-link">{row.instructions.clone()}</a>
                                    {row.summary.clone().map(|s| view! { <p class="summary muted">{s}</p> })}
                                </td>
                                {everyone.then(|| view! { <td class="col-staff">{row.assignee.name.clone()}</td> })}
                                <td class="col-staff">{row.created_by_name.clone()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {empty.then(|| view! { <p class="empty">"No actions match this view."</p> })}
        </div>
        <Pager first=None previous=previous next=next />
    }
}

// ----- the form's parts ---------------------------------------------------

/// The action's type, as coloured chips.
#[component]
fn TypeChoices(types: Vec<TypeBadge>, chosen: RwSignal<Option<i64>>, problems: RwSignal<Problems>) -> impl IntoView {
    let empty = types.is_empty();
    view! {
        <fieldset class="type-choices" aria-invalid=move || problems.with(|p| p.field("type_id").is_some()).to_string()>
            <legend>"Action type"</legend>
            {empty.then(|| view! { <p class="muted">"No interaction type is open to your teams. Ask an admin."</p> })}
            {types.into_iter().map(|t| {
                let id = t.id;
                view! {
                    <label class="type-choice" style=t.style()>
                        <input
                            type="radio"
                            name="type_id"
                            value=id
                            prop:checked=move || chosen.get() == Some(id)
                            on:change=move |_| chosen.set(Some(id))
                        />
                        <span class="type-dot" aria-hidden="true"><Icon name=t.icon.clone() size=14 /></span>
                        <span>{t.name.clone()}</span>
                    </label>
                }
            }).collect_view()}
            <FieldError name="type_id" problems=problems />
        </fieldset>
    }
}

/// Who will do it: searched by name as you type.
#[component]
fn AssigneeField(chosen: RwSignal<Option<StaffChoice>>, problems: RwSignal<Problems>) -> impl IntoView {
    view! {
        <div class="person-field">
            {move || match chosen.get() {
                Some(s) => view! {
                    <p class="chosen-person">
                        <span class="label">"Assigned to "</span>
                        <span class="avatar small" aria-hidden="true">{s.initials.clone()}</span>
                        <strong data-testid="chosen-assignee">{s.name.clone()}</strong>
                        <button type="button" class="button small link" on:click=move |_| chosen.set(None)>"Change"</button>
                    </p>
                }.into_any(),
                None => view! {
                    <SearchPicker
                        name="assignee"
                        label="Assigned to"
                        placeholder="Search staff by name"
                        min_chars=1
                        search=search_assignees
                        describe=|s: &StaffChoice| s.name.clone()
                        pick=Callback::new(move |s| chosen.set(Some(s)))
                        invalid=Signal::derive(move || problems.with(|p| p.field("assignee_id").is_some()))
                    />
                }.into_any(),
            }}
            <FieldError name="assignee_id" problems=problems />
        </div>
    }
}

/// The fields an action is made of, shared by "Assign action" and Edit.
struct ActionFields {
    type_id: RwSignal<Option<i64>>,
    assignee: RwSignal<Option<StaffChoice>>,
    instructions: NodeRef<html::Textarea>,
    due_on: NodeRef<html::Input>,
}

impl ActionFields {
    fn new(type_id: Option<i64>, assignee: Option<StaffChoice>) -> ActionFields {
        ActionFields {
            type_id: RwSignal::new(type_id),
            assignee: RwSignal::new(assignee),
            instructions: NodeRef::new(),
            due_on: NodeRef::new(),
        }
    }

    fn form(&self, person_id: i64, interaction_id: Option<i64>, notify_creator: bool) -> ActionForm {
        ActionForm {
            person_id,
            interaction_id,
            type_id: self.type_id.get_untracked(),
            assignee_id: self.assignee.with_untracked(|a| a.as_ref().map(|a| a.id)),
            instructions: self.instructions.get().map(|t| t.value()).unwrap_or_default(),
            due_on: self.due_on.get().map(|i| i.value()).unwrap_or_default(),
            notify_creator,
        }
    }

    fn view(
        &self,
        types: Vec<TypeBadge>,
        instructions: String,
        due_on: String,
        problems: RwSignal<Problems>,
    ) -> impl IntoView {
        let invalid = move |name: &'static str| move || problems.with(|p| p.field(name).is_some()).to_string();
        view! {
            <TypeChoices types=types chosen=self.type_id problems=problems />
            <AssigneeField chosen=self.assignee problems=problems />
            <label for="action-instructions">"Instructions"</label>
            <textarea
                id="action-instructions"
                node_ref=self.instructions
                rows="5"
                maxlength=MAX_INSTRUCTIONS_CHARS
                aria-invalid=invalid("instructions")
                prop:value=instructions
            ></textarea>
            <FieldError name="instructions" problems=problems />
            <label for="action-due">"To be completed by"</label>
            <input id="action-due" node_ref=self.due_on type="date" value=due_on aria-invalid=invalid("due_on") />
            <FieldError name="due_on" problems=problems />
        }
    }
}

// ----- /actions/new -------------------------------------------------------

#[component]
pub(super) fn AssignPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with_untracked(|q| q.get(name).and_then(|s| s.trim().parse::<i64>().ok()));
    let (person, interaction) = (param("person"), param("interaction"));
    let options = Resource::new(
        move || (person, interaction),
        |(person, interaction)| async move {
            match person {
                Some(p) => assign_action_options(p, interaction).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Title text="Assign action" />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match options.await {
                    Ok(Some(options)) => view! { <AssignForm options=options /> }.into_any(),
                    Ok(None) => view! {
                        <NotFound message="Open “Assign action” from a person’s profile or an interaction." />
                    }.into_any(),
                    Err(e) => {
                        error_panel(e)
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn AssignForm(options: crate::actions::AssignOptions) -> impl IntoView {
    const WHAT: &str = "The action";
    let problems = RwSignal::new(Problems::default());
    let saving = RwSignal::new(false);
    let notify = RwSignal::new(false);
    let fields = ActionFields::new(None, None);
    let navigate = use_navigate();
    let person_id = options.person.id;
    let interaction_id = options.follows.as_ref().map(|f| f.id);
    let cancel = match interaction_id {
        Some(id) => format!("/interactions/{id}"),
        None => format!("/people/{person_id}"),
    };
    let fields_view = fields.view(options.types.clone(), String::new(), String::new(), problems);
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let form = fields.form(person_id, interaction_id, notify.get_untracked());
        if let Err(errors) = form.checked() {
            problems.set(Problems::from_error(&AppError::Fields(errors), WHAT));
            return;
        }
        saving.set(true);
        problems.set(Problems::default());
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match assign_action(form).await {
                Ok(id) => navigate(&format!("/actions/{id}?assigned=1"), Default::default()),
                Err(e) => {
                    e.sign_in_again_if_signed_out();
                    problems.set(Problems::from_error(&e, WHAT));
                    saving.set(false);
                }
            }
        });
    };
    view! {
        <div class="page-header"><h1>"Assign action"</h1></div>
        <form class="card record-form" on:submit=on_submit novalidate>
            <div aria-live="assertive">
                {problems_summary(problems)}
            </div>
            <p class="chosen-person">
                <span class="label">"About "</span>
                <a href=format!("/people/{person_id}")>{options.person.name.clone()}</a>
            </p>
            {options.follows.clone().map(|f| view! {
                <p class="reply-to">
                    "Following up: "
                    <a href=format!("/interactions/{}", f.id)>{f.description.clone()}</a>
                    <span class="muted">{format!(" · {}", f.occurred_display)}</span>
                </p>
            })}
            {fields_view}
            <label class="checkbox">
                <input type="checkbox" prop:checked=move || notify.get() on:change=move |ev| notify.set(event_target_checked(&ev)) />
                "Notify me on completion"
            </label>
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || saving.get()>
                    {move || if saving.get() { "Saving…" } else { "Assign action" }}
                </button>
                <a class="button link" href=cancel>"Cancel"</a>
            </div>
        </form>
    }
}

// ----- /actions/{id} ------------------------------------------------------

#[component]
pub(super) fn ActionView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok())));
    let assigned = query.with_untracked(|q| q.get("assigned").is_some());
    let notice = RwSignal::new(assigned.then(|| "Action assigned.".to_string()));
    let action = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_action(id).await,
                None => Ok(None),
            }
        },
    );
    view! {
        <Title text="Action" />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match action.await {
                    Ok(Some(detail)) => view! { <ActionDetailView detail=detail action=action notice=notice /> }.into_any(),
                    Ok(None) => view! { <NotFound message="There is no such action. It may have been deleted." /> }.into_any(),
                    Err(e) => {
                        error_panel(e)
                    }
                }
            })}
        </Transition>
    }
}

type ActionResource = Resource<Result<Option<ActionDetail>, AppError>>;

#[component]
fn ActionDetailView(detail: ActionDetail, action: ActionResource, notice: RwSignal<Option<String>>) -> impl IntoView {
    let row = detail.row.clone();
    let status = if row.completion_id.is_some() {
        "Completed"
    } else if row.overdue {
        "Overdue"
    } else {
        "Outstanding"
    };
    let editing = RwSignal::new(false);
    let styles = type_styles([&row.kind]);
    view! {
        {styles}
        <p class="back"><a href="/actions" class="back-link">"All actions"</a></p>
        <div aria-live="polite">
            {move || notice.get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
        </div>
        <section class="card action-detail" aria-labelledby="action-heading">
            <div class="card-header">
                <h1 id="action-heading">
                    <TypeIcon kind=row.kind.clone() />
                    {format!(" {} for {}", row.kind.name, row.person_name)}
                </h1>
                <span class="status-chip" class:overdue=row.overdue data-status=status>{status}</span>
            </div>
            <dl class="facts">
                <div><dt>"Person"</dt><dd><a href=format!("/people/{}", row.person_id)>{row.person_name.clone()}</a></dd></div>
                <div><dt>"Assigned to"</dt><dd data-testid="action-assignee">{row.assignee.name.clone()}</dd></div>
                <div><dt>"Due"</dt><dd><DueCell row=row.clone() /></dd></div>
                <div><dt>"Assigned by"</dt><dd>{format!("{} · {}", row.created_by_name, detail.created_display)}</dd></div>
                {detail.follows.clone().map(|f| view! {
                    <div><dt>"Following up"</dt><dd><a href=format!("/interactions/{}", f.id)>{f.description.clone()}</a></dd></div>
                })}
                <div><dt>"Notify on completion"</dt><dd>{if detail.notify_creator { "Yes" } else { "No" }}</dd></div>
            </dl>
            <h2 class="section-title">"Instructions"</h2>
            <p class="note" data-testid="action-instructions">{row.instructions.clone()}</p>
            {row.completion_id.map(|iid| view! {
                <h2 class="section-title">"Completed"</h2>
                <p>{format!(
                    "Done on {} by {} (recorded {}).",
                    row.done_display.clone().unwrap_or_default(),
                    detail.completed_by_name.clone().unwrap_or_default(),
                    detail.completed_display.clone().unwrap_or_default()
                )}</p>
                <p class="note" data-testid="action-summary">{row.summary.clone().unwrap_or_default()}</p>
                <p class="links">
                    <a href=format!("/interactions/{iid}")>"The interaction it recorded"</a>
                    " · "
                    <a href=format!("/people/{}", row.person_id)>{format!("{}’s profile", row.person_name)}</a>
                </p>
            })}
            {detail.can_edit.then(|| view! {
                <div class="form-actions">
                    <button type="button" class="button" on:click=move |_| editing.update(|e| *e = !*e) aria-expanded=move || editing.get().to_string()>
                        "Edit"
                    </button>
                    <DeleteAction id=row.id person_id=row.person_id />
                </div>
            })}
        </section>
        {detail.can_edit.then(|| {
            let detail = detail.clone();
            view! {
                <Show when=move || editing.get()>
                    <EditForm detail=detail.clone() action=action editing=editing notice=notice />
                </Show>
            }
        })}
        {detail.can_complete.then(|| view! { <CompleteFormView detail=detail.clone() action=action notice=notice /> })}
    }
}

#[component]
fn DeleteAction(id: i64, person_id: i64) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let delete = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match delete_action(id).await {
                Ok(()) => navigate(&format!("/people/{person_id}"), Default::default()),
                Err(e) => {
                    e.sign_in_again_if_signed_out();
                    error.set(Some(e.to_string()));
                }
            }
        });
    };
    view! {
        <Show
            when=move || confirming.get()
            fallback=move || view! {
                <button type="button" class="button danger" on:click=move |_| confirming.set(true)>"Delete"</button>
            }
        >
            <span class="confirm" role="group" aria-label="Confirm delete">
                "Delete this action? "
                <button type="button" class="button danger" on:click=delete.clone()>"Delete action"</button>
                <button type="button" class="button link" on:click=move |_| confirming.set(false)>"Keep it"</button>
            </span>
        </Show>
        {move || error.get().map(|e| view! { <p class="error-panel" role="alert">{e}</p> })}
    }
}

#[component]
fn EditForm(
    detail: ActionDetail,
    action: ActionResource,
    editing: RwSignal<bool>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    const WHAT: &str = "The change";
    let changed = use_context::<crate::components::viewer::ActionsChanged>();
    let problems = RwSignal::new(Problems::default());
    let saving = RwSignal::new(false);
    let row = detail.row.clone();
    let fields = ActionFields::new(Some(row.kind.id), Some(row.assignee.clone()));
    let fields_view = fields.view(detail.types.clone(), row.instructions.clone(), row.due_on.clone(), problems);
    let (id, person_id, version) = (row.id, row.person_id, detail.version);
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let form = fields.form(person_id, None, false);
        if let Err(errors) = form.checked() {
            problems.set(Problems::from_error(&AppError::Fields(errors), WHAT));
            return;
        }
        saving.set(true);
        leptos::task::spawn_local(async move {
            match edit_action(id, form, version).await {
                Ok(()) => {
                    if let Some(changed) = changed {
                        changed.bump();
                    }
                    notice.set(Some("Changes saved.".into()));
                    editing.set(false);
                    action.refetch();
                }
                Err(e) => {
                    e.sign_in_again_if_signed_out();
                    let stale = matches!(e, AppError::Conflict(_));
                    problems.set(Problems::from_error(&e, WHAT));
                    saving.set(false);
                    if stale {
                        action.refetch();
                    }
                }
            }
        });
    };
    view! {
        <form class="card record-form" on:submit=on_submit novalidate aria-label="Edit action">
            <h2>"Edit action"</h2>
            <div aria-live="assertive">
                {problems_summary(problems)}
            </div>
            {fields_view}
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || saving.get()>"Save changes"</button>
                <button type="button" class="button link" on:click=move |_| editing.set(false)>"Cancel"</button>
            </div>
        </form>
    }
}

#[component]
fn CompleteFormView(detail: ActionDetail, action: ActionResource, notice: RwSignal<Option<String>>) -> impl IntoView {
    const WHAT: &str = "The completion";
    let changed = use_context::<crate::components::viewer::ActionsChanged>();
    let problems = RwSignal::new(Problems::default());
    let saving = RwSignal::new(false);
    let summary = NodeRef::<html::Textarea>::new();
    let done_on = NodeRef::<html::Input>::new();
    let (id, person_name) = (detail.row.id, detail.row.person_name.clone());
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let form = CompleteForm {
            summary: summary.get().map(|t| t.value()).unwrap_or_default(),
            done_on: done_on.get().map(|i| i.value()).unwrap_or_default(),
        };
        if let Err(errors) = form.checked() {
            problems.set(Problems::from_error(&AppError::Fields(errors), WHAT));
            return;
        }
        saving.set(true);
        let person_name = person_name.clone();
        leptos::task::spawn_local(async move {
            match complete_action(id, form).await {
                Ok(interaction) => {
                    if let Some(changed) = changed {
                        changed.bump();
                    }
                    notice.set(Some(format!(
                        "Completed: interaction {interaction} is recorded on {person_name}’s profile."
                    )));
                    action.refetch();
                }
                Err(e) => {
                    e.sign_in_again_if_signed_out();
                    problems.set(Problems::from_error(&e, WHAT));
                    saving.set(false);
                }
            }
        });
    };
    let invalid = move |name: &'static str| move || problems.with(|p| p.field(name).is_some()).to_string();
    view! {
        <form class="card record-form" on:submit=on_submit novalidate aria-labelledby="complete-heading">
            <h2 id="complete-heading">"Complete"</h2>
            <p class="muted">"The summary is recorded as a permanent interaction on the person’s profile."</p>
            <div aria-live="assertive">
                {problems_summary(problems)}
            </div>
            <label for="complete-summary">"Summary"</label>
            <textarea id="complete-summary" node_ref=summary rows="5" maxlength=MAX_SUMMARY_CHARS aria-invalid=invalid("summary")></textarea>
            <FieldError name="summary" problems=problems />
            <label for="complete-done">"Date done"</label>
            <input id="complete-done" node_ref=done_on type="date" value=detail.today.clone() max=detail.today.clone() aria-invalid=invalid("done_on") />
            <FieldError name="done_on" problems=problems />
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || saving.get()>
                    {move || if saving.get() { "Saving…" } else { "Complete action" }}
                </button>
            </div>
        </form>
    }
}

/// "Assign action", for a person and optionally the interaction followed.
#[component]
pub fn AssignActionLink(person: i64, #[prop(optional)] interaction: Option<i64>) -> impl IntoView {
    let href = match interaction {
        Some(i) => format!("/actions/new?person={person}&interaction={i}"),
        None => format!("/actions/new?person={person}"),
    };
    view! {
        <IfAllowed permission=Permission::AssignActions>
            <a class="button" href=href.clone()>"Assign action"</a>
        </IfAllowed>
    }
}
