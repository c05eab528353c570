//! `/login` and `/logout`: plain form posts, so they work with or without
//! the WASM loaded. The server answers each with a redirect.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::access::{MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS};

pub(super) fn login_view() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let get = |key: &str| query.get(key).unwrap_or_default();
    let (alert, text) = match get("error").as_str() {
        "invalid" => (true, "Wrong email or password.".to_string()),
        "throttled" => {
            let wait = get("wait").parse::<u32>().unwrap_or(60);
            (true, format!("Too many failed attempts. Wait {wait} seconds, then try again."))
        }
        "server" => (true, "Something went wrong on the server. Please try again.".to_string()),
        _ if get("expired") == "1" => (false, "Your session has ended. Please sign in again.".to_string()),
        _ if get("signed_out") == "1" => (false, "You have signed out.".to_string()),
        _ => (false, String::new()),
    };
    let notice = (!text.is_empty()).then(|| {
        if alert {
            view! { <p class="error-panel" role="alert">{text}</p> }.into_any()
        } else {
            view! { <p class="notice" role="status">{text}</p> }.into_any()
        }
    });
    view! {
        <Title text="Sign in" />
        <div class="login">
            <form method="post" action="/login" class="card login-card">
                <p class="brand">
                    <img src="/favicon.svg" alt="" width="28" height="28" />
                    <span>"Interlog"</span>
                </p>
                <h1>"Sign in"</h1>
                {notice}
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="username" required maxlength=MAX_EMAIL_CHARS />
                <label for="password">"Password"</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    maxlength=MAX_PASSWORD_CHARS
                />
                <input type="hidden" name="next" value=get("next") />
                <button type="submit" class="button primary">"Sign in"</button>
            </form>
        </div>
    }
}

/// The sign-out button: a form post, so no link can sign anyone out.
#[component]
pub fn SignOutButton() -> impl IntoView {
    view! {
        <form method="post" action="/logout" class="sign-out">
            <button type="submit" class="button small">"Sign out"</button>
        </form>
    }
}

pub(super) fn logout_view() -> impl IntoView {
    view! {
        <Title text="Sign out" />
        <div class="card narrow">
            <h1>"Sign out"</h1>
            <p>"Sign out of Interlog on this browser?"</p>
            <SignOutButton />
        </div>
    }
}
