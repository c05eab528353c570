//! `/settings/interaction-types`: admins order, rename, colour and restrict
//! the interaction types, and delete and restore them.
//!
//! Every change shows at once and is saved straight away through a server
//! function; if the save fails, the change is undone on screen and the
//! error shown. Each save quotes the version of the type it was made
//! against, so a change made over someone else's newer one is refused and
//! the list reloaded. The list also reloads when the window regains focus
//! and every 15 seconds while visible, unless the admin is in the middle of
//! something.

use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;
use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;

use crate::access::Team;
use crate::api::{add_interaction_type, interaction_type_settings, move_interaction_type, update_interaction_type};
use crate::components::feedback::{error_panel, status_view, Status};
use crate::components::icons::Icon;
use crate::error::AppError;
use crate::type_settings::TYPE_ICONS;
use crate::type_settings::{
    chip_contrast, normalise_colour, palette_name, validate_type_name, TypeChange, TypeSetting, TypeSettings, PALETTE,
};

/// A drag in progress: the row being dragged and where it would land.
#[derive(Clone, Debug, PartialEq)]
struct Drag {
    id: i64,
    pointer: i32,
    start_y: f64,
    dy: f64,
    /// Top and height of every live row when the drag began.
    rows: Vec<(f64, f64)>,
    from: usize,
    to: usize,
}

/// A row picked up with the keyboard, and the list as it was before.
#[derive(Clone, Debug, PartialEq)]
struct Lifted {
    id: i64,
    before: Vec<TypeSetting>,
}

/// The page's state, shared by every row.
#[derive(Clone, Copy)]
struct Editor {
    /// Live types in the admin's order, then deleted ones.
    list: RwSignal<Vec<TypeSetting>>,
    teams: RwSignal<Vec<Team>>,
    status: RwSignal<Status>,
    /// Read out by screen readers while reordering with the keyboard.
    announcement: RwSignal<String>,
    saving: RwSignal<u32>,
    editing: RwSignal<Option<i64>>,
    drag: RwSignal<Option<Drag>>,
    lifted: RwSignal<Option<Lifted>>,
}

impl Editor {
    fn live_ids(&self) -> Vec<i64> {
        self.list.with_untracked(|l| l.iter().filter(|t| !t.deleted).map(|t| t.id).collect())
    }

    fn get(&self, id: i64) -> Option<TypeSetting> {
        self.list.with_untracked(|l| l.iter().find(|t| t.id == id).cloned())
    }

    /// Whether a reload now would get in the admin's way.
    fn busy(&self) -> bool {
        self.saving.get_untracked() > 0
            || self.editing.get_untracked().is_some()
            || self.drag.with_untracked(Option::is_some)
            || self.lifted.with_untracked(Option::is_some)
    }

    /// Takes the server's list, keeping nothing of ours.
    fn take(&self, settings: TypeSettings) {
        self.list.set(settings.types);
        self.teams.set(settings.teams);
    }

    /// Fetches the list again (after a conflict, on focus, every so often).
    fn reload(self, only_if_idle: bool) {
        spawn_local(async move {
            if let Ok(settings) = interaction_type_settings().await {
                if !(only_if_idle && self.busy()) && self.list.with_untracked(|l| *l != settings.types) {
                    self.take(settings);
                }
            }
        });
    }

    /// Puts the live type `id` at position `to` on screen.
    fn place(&self, id: i64, to: usize) {
        self.list.update(|l| {
            let Some(from) = l.iter().position(|t| t.id == id) else { return };
            let moving = l.remove(from);
            let live = l.iter().filter(|t| !t.deleted).count();
            l.insert(to.min(live), moving);
        });
    }

    /// Saves where `id` now is on screen; on failure shows `before` again.
    fn save_place(self, id: i64, before: Vec<TypeSetting>) {
        let live = self.live_ids();
        let Some(at) = live.iter().position(|x| *x == id) else { return };
        let was = before.iter().filter(|t| !t.deleted).position(|t| t.id == id);
        if was == Some(at) {
            return;
        }
        let after = at.checked_sub(1).map(|i| live[i]);
        let Some(TypeSetting { version, name, .. }) = self.get(id) else { return };
        self.save(
            move_interaction_type(id, version, after),
            format!("Saved: “{name}” is now number {}", at + 1),
            before,
        );
    }

    /// Runs a save. On success the type takes the server's version of it; on
    /// failure the list goes back to `before` and the error is shown (and on
    /// a conflict, the list is fetched again to show the other change).
    fn save(
        self,
        call: impl std::future::Future<Output = Result<TypeSetting, AppError>> + 'static,
        done: String,
        before: Vec<TypeSetting>,
    ) {
        self.status.set(Status::Saving);
        self.saving.update(|n| *n += 1);
        spawn_local(async move {
            let result = call.await;
            self.saving.update(|n| *n -= 1);
            match result {
                Ok(saved) => {
                    self.list.update(|l| {
                        if let Some(t) = l.iter_mut().find(|t| t.id == saved.id) {
                            *t = saved;
                        }
                    });
                    self.status.set(Status::Done(done));
                }
                Err(e) => {
                    e.sign_in_again_if_signed_out();
                    self.list.set(before);
                    self.status.set(Status::Failed(e.to_string()));
                    if matches!(e, AppError::Conflict(_)) {
                        self.reload(false);
                    }
                }
            }
        });
    }

    /// Changes one thing about `id` on screen, then saves it.
    fn change(self, id: i64, change: TypeChange, done: String) {
        let Some(current) = self.get(id) else { return };
        let before = self.list.get_untracked();
        self.list.update(|l| {
            if let Some(t) = l.iter_mut().find(|t| t.id == id) {
                match &change {
                    TypeChange::Rename(name) => t.name = name.clone(),
                    TypeChange::Colour(colour) => t.colour = colour.clone(),
                    TypeChange::Icon(icon) => t.icon = icon.clone(),
                    TypeChange::Teams(ids) => t.team_ids = ids.clone(),
                    TypeChange::Delete => t.deleted = true,
                    TypeChange::Restore => t.deleted = false,
                }
            }
            if matches!(change, TypeChange::Delete | TypeChange::Restore) {
                // Live ones first, in order; restored ones go back in by key,
                // which only the server knows: it answers with the list.
                l.sort_by_key(|t| t.deleted);
            }
        });
        let restore = change == TypeChange::Restore;
        let call = update_interaction_type(id, current.version, change);
        if restore {
            // Where a restored type lands depends on its stored key: take the
            // server's whole list after.
            let editor = self;
            self.save(
                async move {
                    let saved = call.await?;
                    editor.reload(false);
                    Ok(saved)
                },
                done,
                before,
            );
        } else {
            self.save(call, done, before);
        }
    }

    fn announce(&self, text: String) {
        self.announcement.set(text);
    }

    fn position_text(&self, id: i64) -> String {
        let live = self.live_ids();
        let at = live.iter().position(|x| *x == id).map_or(0, |i| i + 1);
        let name = self.get(id).map(|t| t.name).unwrap_or_default();
        format!("{name}, position {at} of {}", live.len())
    }
}

pub(super) fn types_view() -> AnyView {
    let settings: Resource<Result<TypeSettings, AppError>> = Resource::new(|| (), |_| interaction_type_settings());
    let editor = Editor {
        list: RwSignal::new(Vec::new()),
        teams: RwSignal::new(Vec::new()),
        status: RwSignal::new(Status::Idle),
        announcement: RwSignal::new(String::new()),
        saving: RwSignal::new(0),
        editing: RwSignal::new(None),
        drag: RwSignal::new(None),
        lifted: RwSignal::new(None),
    };
    keep_fresh(editor);
    view! {
        <Title text="Interaction types" />
        <div class="page-header">
            <h1>"Interaction types"</h1>
            <p class="muted">
                "The types staff choose from when they record an interaction, in this order. "
                "Drag a row by its handle to move it; every change is saved at once."
            </p>
        </div>
        <p id="reorder-help" class="visually-hidden">
            "Press Space to pick the type up, the up and down arrow keys to move it, Space again to drop it, or Escape to cancel."
        </p>
        <p class="visually-hidden" aria-live="assertive" aria-atomic="true">{move || editor.announcement.get()}</p>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Err(e) => error_panel(e),
                    Ok(s) => {
                        editor.take(s);
                        view! { <TypesEditor editor /> }.into_any()
                    }
                }
            })}
        </Transition>
    }
    .into_any()
}

/// Picks up other admins' changes: when the window regains focus, and every
/// 15 seconds while the page is visible, unless the admin is busy.
fn keep_fresh(editor: Editor) {
    Effect::new(move |_| {
        let focus = window_event_listener(leptos::ev::focus, move |_| editor.reload(true));
        let tick = set_interval_with_handle(
            move || {
                if !document().hidden() {
                    editor.reload(true);
                }
            },
            std::time::Duration::from_secs(15),
        )
        .ok();
        on_cleanup(move || {
            focus.remove();
            if let Some(tick) = tick {
                tick.clear();
            }
        });
    });
}

#[component]
fn TypesEditor(editor: Editor) -> impl IntoView {
    let live =
        Memo::new(move |_| editor.list.with(|l| l.iter().filter(|t| !t.deleted).map(|t| t.id).collect::<Vec<_>>()));
    let deleted = Memo::new(move |_| editor.list.with(|l| l.iter().filter(|t| t.deleted).cloned().collect::<Vec<_>>()));
    view! {
        <section class="card types-card" aria-labelledby="types-heading">
            <div class="card-header">
                <h2 id="types-heading">"Types, in order"</h2>
                {status_view(editor.status)}
            </div>
            <ol class="type-list" class:dragging=move || editor.drag.with(Option::is_some)>
                <For each=move || live.get() key=|id| *id let:id>
                    <TypeRow editor id />
                </For>
            </ol>
            <AddTypeForm editor />
        </section>
        <section class="card types-card" aria-labelledby="deleted-types-heading">
            <h2 id="deleted-types-heading">"Deleted interaction types"</h2>
            <p class="muted">
                "Staff can no longer choose these. Interactions already recorded with them keep showing them."
            </p>
            <Show
                when=move || deleted.with(|d| !d.is_empty())
                fallback=|| view! { <p class="empty">"No deleted interaction types."</p> }
            >
                <ul class="deleted-types">
                    <For each=move || deleted.get() key=|t| (t.id, t.version) let:t>
                        {
                            let (id, name) = (t.id, t.name.clone());
                            view! {
                                <li data-type-id=id>
                                    <span class="type-dot" style=t.badge().style() aria-hidden="true">
                                        <Icon name=t.icon.clone() size=12 />
                                    </span>
                                    <span class="type-name-text">{t.name.clone()}</span>
                                    <button
                                        type="button"
                                        class="button small"
                                        aria-label=format!("Restore {name}")
                                        on:click=move |_| editor.change(id, TypeChange::Restore, format!("Restored “{name}”"))
                                    >
                                        "Restore"
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </Show>
        </section>
    }
}

/// The rows on screen, for measuring a drag (in the browser only).
fn row_boxes() -> Vec<(f64, f64)> {
    #[cfg(feature = "hydrate")]
    {
        let Ok(rows) = document().query_selector_all("ol.type-list > li") else { return Vec::new() };
        (0..rows.length())
            .filter_map(|i| rows.item(i))
            .filter_map(|n| JsCast::dyn_into::<web_sys::Element>(n).ok())
            .map(|e| {
                let r = e.get_bounding_client_rect();
                (r.top(), r.height())
            })
            .collect()
    }
    #[cfg(not(feature = "hydrate"))]
    Vec::new()
}

/// Where a row dragged `dy` pixels from place `from` would land.
fn landing(rows: &[(f64, f64)], from: usize, dy: f64) -> usize {
    let Some((top, height)) = rows.get(from) else { return from };
    let middle = top + height / 2.0 + dy;
    let mut to = 0;
    for (i, (t, h)) in rows.iter().enumerate() {
        if i != from && t + h / 2.0 < middle {
            to += 1;
        }
    }
    to
}

/// Keeps focus on a row's handle while the row moves: moving a row takes
/// it out of the page for a moment, which drops focus. The list is redrawn
/// in a microtask queued before this one, so the handle is back by then.
fn focus_handle(id: i64) {
    let focus = move || {
        if let Ok(Some(handle)) = document().query_selector(&format!("li[data-type-id=\"{id}\"] .drag-handle")) {
            if let Ok(handle) = JsCast::dyn_into::<web_sys::HtmlElement>(handle) {
                let _ = handle.focus();
            }
        }
    };
    queue_microtask(focus);
    request_animation_frame(focus);
}

#[component]
fn TypeRow(editor: Editor, id: i64) -> impl IntoView {
    // Read once per change of the list; the cells below share it.
    let row = Memo::new(move |_| editor.list.with(|l| l.iter().find(|t| t.id == id).cloned()));
    let name = field(row, |t| t.name.clone());
    let index = Memo::new(move |_| editor.list.with(|l| l.iter().filter(|t| !t.deleted).position(|t| t.id == id)));
    let count = Memo::new(move |_| editor.list.with(|l| l.iter().filter(|t| !t.deleted).count()));
    let confirming = RwSignal::new(false);

    // ----- dragging with a pointer: mouse, touch or pen -----
    let pointer_down = move |ev: web_sys::PointerEvent| {
        if ev.button() != 0 || editor.busy() {
            return;
        }
        ev.prevent_default();
        if let Some(handle) = ev.current_target().and_then(|t| JsCast::dyn_into::<web_sys::Element>(t).ok()) {
            let _ = handle.set_pointer_capture(ev.pointer_id());
        }
        let Some(from) = index.get_untracked() else { return };
        editor.drag.set(Some(Drag {
            id,
            pointer: ev.pointer_id(),
            start_y: f64::from(ev.client_y()),
            dy: 0.0,
            rows: row_boxes(),
            from,
            to: from,
        }));
    };
    let pointer_move = move |ev: web_sys::PointerEvent| {
        editor.drag.update(|d| {
            if let Some(d) = d.as_mut().filter(|d| d.id == id && d.pointer == ev.pointer_id()) {
                d.dy = f64::from(ev.client_y()) - d.start_y;
                d.to = landing(&d.rows, d.from, d.dy);
            }
        });
    };
    let pointer_up = move |ev: web_sys::PointerEvent| {
        let Some(drag) = editor.drag.get_untracked().filter(|d| d.id == id && d.pointer == ev.pointer_id()) else {
            return;
        };
        editor.drag.set(None);
        if drag.to != drag.from {
            let before = editor.list.get_untracked();
            editor.place(id, drag.to);
            editor.save_place(id, before);
        }
    };
    let pointer_cancel = move |_| editor.drag.set(None);
    let dragging = move || editor.drag.with(|d| d.as_ref().is_some_and(|d| d.id == id));
    let drop_mark = move || {
        editor.drag.with(|d| match d {
            Some(d) if d.to != d.from && index.get() == Some(d.to) => {
                if d.to < d.from {
                    "drop-before"
                } else {
                    "drop-after"
                }
            }
            _ => "",
        })
    };
    let offset = move || {
        editor.drag.with(|d| match d {
            Some(d) if d.id == id => format!("transform: translateY({}px)", d.dy),
            _ => String::new(),
        })
    };

    // ----- reordering with the keyboard -----
    let key_down = move |ev: web_sys::KeyboardEvent| {
        let lifted = editor.lifted.with_untracked(|l| l.as_ref().map(|l| l.id));
        match (ev.key().as_str(), lifted) {
            (" " | "Enter", None) => {
                ev.prevent_default();
                editor.lifted.set(Some(Lifted { id, before: editor.list.get_untracked() }));
                editor.announce(format!(
                    "{} picked up. Use the up and down arrow keys to move it, Space to drop it, Escape to cancel.",
                    editor.position_text(id)
                ));
            }
            (" " | "Enter", Some(l)) if l == id => {
                ev.prevent_default();
                if let Some(lifted) = editor.lifted.get_untracked() {
                    editor.lifted.set(None);
                    editor.announce(format!("Dropped. {}.", editor.position_text(id)));
                    editor.save_place(id, lifted.before);
                }
            }
            ("ArrowUp" | "ArrowDown", Some(l)) if l == id => {
                ev.prevent_default();
                let Some(at) = index.get_untracked() else { return };
                let to = if ev.key() == "ArrowUp" { at.saturating_sub(1) } else { at + 1 };
                if to != at && to < count.get_untracked() {
                    editor.place(id, to);
                    focus_handle(id);
                }
                editor.announce(editor.position_text(id));
            }
            ("Escape", Some(l)) if l == id => {
                ev.prevent_default();
                if let Some(lifted) = editor.lifted.get_untracked() {
                    editor.lifted.set(None);
                    editor.list.set(lifted.before);
                    focus_handle(id);
                    editor.announce(format!("Move cancelled. {}.", editor.position_text(id)));
                }
            }
            _ => {}
        }
    };
    let step = move |delta: isize| {
        let Some(at) = index.get_untracked() else { return };
        let to = at as isize + delta;
        if to < 0 || to as usize >= count.get_untracked() {
            return;
        }
        let before = editor.list.get_untracked();
        editor.place(id, to as usize);
        editor.save_place(id, before);
    };

    view! {
        <li
            data-type-id=id
            class=move || format!("type-row {}", drop_mark())
            class:lifted=move || editor.lifted.with(|l| l.as_ref().is_some_and(|l| l.id == id))
            class:dragged=dragging
            style=offset
        >
            <button
                type="button"
                class="drag-handle icon-button"
                aria-label=move || format!("Reorder {}", name())
                aria-describedby="reorder-help"
                aria-pressed=move || editor.lifted.with(|l| l.as_ref().is_some_and(|l| l.id == id)).to_string()
                on:pointerdown=pointer_down
                on:pointermove=pointer_move
                on:pointerup=pointer_up
                on:pointercancel=pointer_cancel
                on:keydown=key_down
            >
                <Icon name="grip" />
            </button>
            <span class="type-dot" style=move || row.with(|r| r.as_ref().map(|t| t.badge().style()).unwrap_or_default()) aria-hidden="true">
                {move || row.with(|r| r.as_ref().map(|t| view! { <Icon name=t.icon.clone() size=12 /> }))}
            </span>
            <NameCell editor id row />
            <div class="type-controls">
                <ColourPicker editor id row />
                <IconPicker editor id row />
                <TeamsPicker editor id row />
                <button
                    type="button"
                    class="icon-button"
                    aria-label=move || format!("Move {} up", name())
                    disabled=move || index.get() == Some(0)
                    on:click=move |_| step(-1)
                >
                    <Icon name="up" />
                </button>
                <button
                    type="button"
                    class="icon-button"
                    aria-label=move || format!("Move {} down", name())
                    disabled=move || index.get().is_none_or(|i| i + 1 >= count.get())
                    on:click=move |_| step(1)
                >
                    <Icon name="down" />
                </button>
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button
                            type="button"
                            class="button small"
                            aria-label=move || format!("Delete {}", name())
                            on:click=move |_| confirming.set(true)
                        >
                            "Delete"
                        </button>
                    }
                >
                    <span class="confirm" role="group" aria-label="Confirm deletion">
                        <span>{move || format!("Delete “{}”? Interactions already recorded keep it.", name())}</span>
                        <button
                            type="button"
                            class="button small danger"
                            on:click=move |_| {
                                confirming.set(false);
                                let n = name();
                                editor.change(id, TypeChange::Delete, format!("Deleted “{n}”"));
                            }
                        >
                            "Yes, delete"
                        </button>
                        <button type="button" class="button small link" on:click=move |_| confirming.set(false)>
                            "Keep it"
                        </button>
                    </span>
                </Show>
            </div>
        </li>
    }
}

/// The name, and renaming in place: click it, type, then Enter or leave the
/// field to save; Escape puts the old name back.
#[component]
fn NameCell(editor: Editor, id: i64, row: Memo<Option<TypeSetting>>) -> impl IntoView {
    let name = Memo::new(move |_| field(row, |t| t.name.clone())());
    let editing = move || editor.editing.get() == Some(id);
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let input = NodeRef::<leptos::html::Input>::new();
    let start = move |_| {
        if editor.busy() {
            return;
        }
        error.set(None);
        draft.set(name.get_untracked());
        editor.editing.set(Some(id));
        request_animation_frame(move || {
            if let Some(field) = input.get_untracked() {
                let _ = field.focus();
                field.select();
            }
        });
    };
    // `keep_open`: Enter with a bad name leaves the field open to fix it.
    let finish = move |keep_open: bool| {
        if editor.editing.get_untracked() != Some(id) {
            return;
        }
        let old = name.get_untracked();
        let checked = validate_type_name(&draft.get_untracked()).and_then(|new| {
            let taken = editor.list.with_untracked(|l| {
                l.iter().any(|t| t.id != id && !t.deleted && t.name.to_lowercase() == new.to_lowercase())
            });
            if taken {
                Err(format!("There is already an interaction type called “{new}”."))
            } else {
                Ok(new)
            }
        });
        match checked {
            Err(message) if keep_open => error.set(Some(message)),
            Err(message) => {
                error.set(Some(format!("{message} The name is still “{old}”.")));
                editor.editing.set(None);
            }
            Ok(new) => {
                error.set(None);
                editor.editing.set(None);
                if new != old {
                    editor.change(id, TypeChange::Rename(new.clone()), format!("Renamed “{old}” to “{new}”"));
                }
            }
        }
    };
    view! {
        <div class="type-name-cell">
            <Show
                when=editing
                fallback=move || view! {
                    <button
                        type="button"
                        class="type-name"
                        title="Click to rename"
                        aria-label=move || format!("Rename {}", name.get())
                        on:click=start
                    >
                        {move || name.get()}
                    </button>
                }
            >
                <input
                    node_ref=input
                    class="type-name-input"
                    aria-label=move || format!("New name for {}", name.get())
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    maxlength=crate::type_settings::MAX_TYPE_NAME_CHARS
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:keydown=move |ev| match ev.key().as_str() {
                        "Enter" => {
                            ev.prevent_default();
                            finish(true);
                        }
                        "Escape" => {
                            ev.prevent_default();
                            error.set(None);
                            editor.editing.set(None);
                        }
                        _ => {}
                    }
                    on:blur=move |_| finish(false)
                />
            </Show>
            {move || error.get().map(|e| view! { <p class="row-error" role="alert">{e}</p> })}
        </div>
    }
}

/// One field of a row's type, read reactively.
fn field<T: Default>(
    row: Memo<Option<TypeSetting>>,
    get: impl Fn(&TypeSetting) -> T + Copy + 'static,
) -> impl Fn() -> T + Copy + 'static {
    move || row.with(|t| t.as_ref().map(get).unwrap_or_default())
}

#[component]
fn ColourPicker(editor: Editor, id: i64, row: Memo<Option<TypeSetting>>) -> impl IntoView {
    let colour = field(row, |t| t.colour.clone());
    let name = field(row, |t| t.name.clone());
    let hex = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pick = move |value: String| match normalise_colour(&value) {
        Ok(c) => {
            error.set(None);
            if c != colour() {
                let label = palette_name(&c).map_or(c.clone(), |n| format!("{n} ({c})"));
                editor.change(id, TypeChange::Colour(c), format!("“{}” is now {label}", name()));
            }
        }
        Err(message) => error.set(Some(message)),
    };
    view! {
        <details class="picker">
            <summary
                class="icon-button"
                aria-label=move || {
                    let c = colour();
                    format!("Colour of {}: {}", name(), palette_name(&c).map_or(c.clone(), |n| format!("{n} {c}")))
                }
            >
                <span class="swatch" style=move || format!("background: {}", colour())></span>
            </summary>
            <div class="picker-panel">
                <div class="swatches" role="group" aria-label="Palette">
                    {PALETTE
                        .iter()
                        .map(|(label, c)| {
                            let c = c.to_string();
                            let value = c.clone();
                            view! {
                                <button
                                    type="button"
                                    class="swatch-button"
                                    aria-label=*label
                                    aria-pressed=move || (colour() == c).to_string()
                                    style=format!("background: {value}")
                                    on:click=move |_| pick(value.clone())
                                ></button>
                            }
                        })
                        .collect_view()}
                </div>
                <label class="colour-field">
                    "Any colour "
                    <input type="color" prop:value=colour on:change=move |ev| pick(event_target_value(&ev)) />
                </label>
                <form
                    class="colour-field"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        pick(hex.get_untracked());
                    }
                >
                    <label>
                        "Hex "
                        <input
                            size="8"
                            placeholder="#2563eb"
                            prop:value=move || hex.get()
                            on:input=move |ev| hex.set(event_target_value(&ev))
                        />
                    </label>
                    <button type="submit" class="button small">"Use"</button>
                </form>
                {move || error.get().map(|e| view! { <p class="row-error" role="alert">{e}</p> })}
                <p class="muted contrast">
                    {move || {
                        let (ink, ratio) = chip_contrast(&colour());
                        let ink = if ink == "#ffffff" { "white" } else { "black" };
                        format!("Text on it is {ink}: contrast {ratio:.1}:1")
                    }}
                </p>
            </div>
        </details>
    }
}

#[component]
fn IconPicker(editor: Editor, id: i64, row: Memo<Option<TypeSetting>>) -> impl IntoView {
    let icon = field(row, |t| t.icon.clone());
    let name = field(row, |t| t.name.clone());
    view! {
        <details class="picker">
            <summary class="icon-button" aria-label=move || format!("Icon of {}: {}", name(), icon())>
                {move || view! { <Icon name=icon() /> }}
            </summary>
            <div class="picker-panel icons" role="group" aria-label="Icons">
                {TYPE_ICONS
                    .iter()
                    .map(|i| {
                        let i = i.to_string();
                        let value = i.clone();
                        view! {
                            <button
                                type="button"
                                class="icon-button"
                                aria-label=i.clone()
                                aria-pressed=move || (icon() == i).to_string()
                                on:click=move |_| {
                                    if icon() != value {
                                        editor.change(id, TypeChange::Icon(value.clone()), format!("New icon for “{}”", name()));
                                    }
                                }
                            >
                                <Icon name=value.clone() />
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        </details>
    }
}

#[component]
fn TeamsPicker(editor: Editor, id: i64, row: Memo<Option<TypeSetting>>) -> impl IntoView {
    let chosen = field(row, |t| t.team_ids.clone());
    let name = field(row, |t| t.name.clone());
    let summary = move || {
        let ids = chosen();
        if ids.is_empty() {
            "All teams".to_string()
        } else {
            editor.teams.with(|teams| {
                teams.iter().filter(|t| ids.contains(&t.id)).map(|t| t.name.clone()).collect::<Vec<_>>().join(", ")
            })
        }
    };
    view! {
        <details class="picker teams-picker">
            <summary class="button small" aria-label=move || format!("Teams of {}: {}", name(), summary())>
                {summary}
            </summary>
            <fieldset class="picker-panel">
                <legend>{move || format!("Who can choose “{}”", name())}</legend>
                <p class="muted">"Tick none to open it to every team."</p>
                <For each=move || editor.teams.get() key=|team| team.id let:team>
                    {
                        let team_id = team.id;
                        view! {
                            <label>
                                <input
                                    type="checkbox"
                                    prop:checked=move || chosen().contains(&team_id)
                                    on:change=move |ev| {
                                        let mut next = chosen();
                                        next.retain(|x| *x != team_id);
                                        if event_target_checked(&ev) {
                                            next.push(team_id);
                                        }
                                        next.sort_unstable();
                                        editor.change(id, TypeChange::Teams(next), format!("Teams saved for “{}”", name()));
                                    }
                                />
                                {team.name.clone()}
                            </label>
                        }
                    }
                </For>
            </fieldset>
        </details>
    }
}

#[component]
fn AddTypeForm(editor: Editor) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = match validate_type_name(&name.get_untracked()) {
            Ok(new) => new,
            Err(message) => return error.set(Some(message)),
        };
        error.set(None);
        // The first palette colour not in use yet.
        let colour = editor.list.with_untracked(|l| {
            PALETTE.iter().map(|(_, c)| *c).find(|c| !l.iter().any(|t| t.colour == *c)).unwrap_or(PALETTE[0].1)
        });
        editor.status.set(Status::Saving);
        editor.saving.update(|n| *n += 1);
        spawn_local(async move {
            let added = add_interaction_type(new.clone(), colour.to_string(), "note".into()).await;
            editor.saving.update(|n| *n -= 1);
            match added {
                Ok(t) => {
                    editor.list.update(|l| {
                        let live = l.iter().filter(|t| !t.deleted).count();
                        l.insert(live, t);
                    });
                    name.set(String::new());
                    editor.status.set(Status::Done(format!("Added “{new}” at the end")));
                }
                Err(e) => {
                    e.sign_in_again_if_signed_out();
                    error.set(Some(e.to_string()));
                    editor.status.set(Status::Failed(e.to_string()));
                }
            }
        });
    };
    view! {
        <form class="inline-form add-type" on:submit=submit>
            <label for="new-type-name">"New interaction type"</label>
            <input
                id="new-type-name"
                maxlength=crate::type_settings::MAX_TYPE_NAME_CHARS
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
            />
            <button type="submit" class="button primary">"Add interaction type"</button>
            {move || error.get().map(|e| view! { <p class="row-error" role="alert">{e}</p> })}
        </form>
    }
}
