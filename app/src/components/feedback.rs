//! How a page tells the user what happened: a failed load, a save in
//! progress, a form's problems field by field.

use leptos::prelude::*;

use crate::error::AppError;

/// A page's data could not be loaded: the reason in words. An ended session
/// goes to sign-in instead, and comes back here after.
pub fn error_panel(e: AppError) -> AnyView {
    e.sign_in_again_if_signed_out();
    view! { <p class="error-panel" role="alert">{e.to_string()}</p> }.into_any()
}

/// What happened to the last change made from a form or row.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Idle,
    Saving,
    Done(String),
    Failed(String),
}

pub fn status_view(status: RwSignal<Status>) -> impl IntoView {
    move || match status.get() {
        Status::Idle => None,
        Status::Saving => Some(view! { <span class="save-status" role="status">"Saving…"</span> }.into_any()),
        Status::Done(text) => Some(view! { <span class="save-status saved" role="status">{text}</span> }.into_any()),
        Status::Failed(text) => Some(view! { <span class="save-status failed" role="alert">{text}</span> }.into_any()),
    }
}

/// A form's own state: per-field messages and a summary.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Problems {
    fields: Vec<(String, String)>,
    summary: Option<String>,
}

impl Problems {
    /// What to show for a refusal; `what` names what was not saved ("The
    /// interaction").
    pub fn from_error(error: &AppError, what: &str) -> Problems {
        match error {
            AppError::Fields(fields) => Problems {
                fields: fields.0.clone(),
                summary: Some(format!("{what} was not saved. Please check the fields marked below.")),
            },
            other => Problems { fields: Vec::new(), summary: Some(format!("{what} was not saved. {other}")) },
        }
    }

    pub fn field(&self, name: &str) -> Option<String> {
        self.fields.iter().find(|(f, _)| f == name).map(|(_, m)| m.clone())
    }

    pub fn summary(&self) -> Option<String> {
        self.summary.clone()
    }
}

/// The message under a field the server refused, linked to the field by
/// `aria-describedby="{name}-error"`.
#[component]
pub fn FieldError(name: &'static str, problems: RwSignal<Problems>) -> impl IntoView {
    move || {
        problems.with(|p| p.field(name)).map(|m| view! { <p class="field-error" id=format!("{name}-error")>{m}</p> })
    }
}

/// A form's summary of what went wrong, above the form.
pub fn problems_summary(problems: RwSignal<Problems>) -> impl IntoView {
    move || problems.with(Problems::summary).map(|s| view! { <p class="error-panel" role="alert">{s}</p> })
}
