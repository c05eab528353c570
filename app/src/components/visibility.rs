//! Who may read an interaction: the lock badge that says so, and the
//! choice made when recording or changing it.

use leptos::prelude::*;

use crate::access::Team;
use crate::components::icons::write_icon;
use crate::components::static_html::Markup;
use crate::log::Visibility;

/// "Private" or "Teams: Outreach" beside a restricted record, with a lock.
#[component]
pub fn LockBadge(label: String) -> impl IntoView {
    Markup::written(|m| write_lock_badge(m, &label))
}

/// A [`LockBadge`] inside markup being written.
pub fn write_lock_badge(markup: &mut Markup, label: &str) {
    markup
        .start("span")
        .attr("class", "lock-badge")
        .attr("title", &format!("Restricted: {label}"))
        .attr("data-testid", "lock-badge");
    write_icon(markup, "lock", Some(12));
    markup.start("span").text(label).end();
    markup.end();
}

/// A visibility as a form holds it: the `visibility` radio's value and the
/// ticked `teams`. Kept in signals, so the hydrated page sends exactly what
/// a plain form post would.
#[derive(Clone, Copy, Debug)]
pub struct VisibilityChoice {
    pub choice: RwSignal<String>,
    pub teams: RwSignal<Vec<i64>>,
}

impl VisibilityChoice {
    pub fn new(visibility: &Visibility) -> VisibilityChoice {
        let teams = match visibility {
            Visibility::Teams(ids) => ids.clone(),
            _ => Vec::new(),
        };
        VisibilityChoice { choice: RwSignal::new(visibility.as_str().to_string()), teams: RwSignal::new(teams) }
    }

    /// As a form sent it back (to show a refused form again as typed).
    pub fn from_form(choice: &str, teams: &[String]) -> VisibilityChoice {
        let choice = if choice.is_empty() { "all" } else { choice };
        VisibilityChoice {
            choice: RwSignal::new(choice.to_string()),
            teams: RwSignal::new(teams.iter().filter_map(|t| t.parse().ok()).collect()),
        }
    }

    /// The form's `visibility` and `teams` values.
    pub fn form_values(&self) -> (String, Vec<String>) {
        (self.choice.get_untracked(), self.teams.get_untracked().iter().map(i64::to_string).collect())
    }

    /// The visibility chosen, or why it cannot be.
    pub fn visibility(&self) -> Result<Visibility, String> {
        Visibility::from_choice(&self.choice.get_untracked(), &self.teams.get_untracked())
    }
}

/// "Who can read it": all staff, some teams, or only its author. Works as
/// a plain form field too (radios named `visibility`, checkboxes `teams`).
#[component]
pub fn VisibilityField<E, V>(
    chosen: VisibilityChoice,
    teams: Vec<Team>,
    /// Distinguishes the ids of several fields on one page.
    #[prop(into, default = "record".into())]
    prefix: String,
    error: E,
    #[prop(into)] invalid: Signal<bool>,
) -> impl IntoView
where
    E: Fn() -> Option<V> + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let initial = chosen.choice.get_untracked();
    let ticked = chosen.teams.get_untracked();
    let option = move |value: &'static str, label: &'static str, hint: &'static str| {
        let prefix = &prefix;
        let id = format!("{prefix}-visibility-{value}");
        view! {
            <div class="visibility-option">
                <input
                    type="radio"
                    id=id.clone()
                    name="visibility"
                    value=value
                    checked=initial == value
                    prop:checked=move || chosen.choice.get() == value
                    on:change=move |_| chosen.choice.set(value.to_string())
                />
                <label for=id>{label}</label>
                <span class="muted hint">{hint}</span>
            </div>
        }
    };
    view! {
        <fieldset
            class="visibility-choices"
            aria-describedby=move || invalid.get().then_some("visibility-error")
            aria-invalid=move || invalid.get().to_string()
        >
            <legend>"Who can read it"</legend>
            {option("all", "All staff", "everyone who can see the log")}
            {option("teams", "Teams", "only members of the teams ticked below, and you")}
            <div class="visibility-teams" role="group" aria-label="Teams that can read it">
                {teams.into_iter().map(|team| {
                    let id = team.id;
                    let checked = ticked.contains(&id);
                    view! {
                        <label class="team-choice">
                            <input
                                type="checkbox"
                                name="teams"
                                value=id
                                checked=checked
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.teams.update(|t| {
                                        t.retain(|x| *x != id);
                                        if on {
                                            t.push(id);
                                        }
                                    });
                                    if on {
                                        chosen.choice.set("teams".into());
                                    }
                                }
                            />
                            {team.name}
                        </label>
                    }
                }).collect_view()}
            </div>
            {option("private", "Private", "only you")}
            {error}
        </fieldset>
    }
    .into_any()
}
