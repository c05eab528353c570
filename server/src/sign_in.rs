//! Sign-in over HTTP: the session middleware, the cross-site guard, and the
//! `/login` and `/logout` form posts.
//!
//! Sign-in and sign-out are plain form posts answered with a redirect, so
//! they work the same with or without the WASM loaded.

use std::net::SocketAddr;

use app::server::{
    auth::{resolve_session, sign_in, sign_out, Caller, SignInRefusal, SECURE_SESSION_COOKIE, SESSION_COOKIE},
    AppState,
};
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
    Extension, Form,
};
use cookie::{Cookie, SameSite};

use crate::security::is_static;
use serde::Deserialize;

/// Paths anyone may request without signing in. Server functions (`/api/`)
/// are reachable too, and answer 401 themselves.
fn is_public(path: &str) -> bool {
    path == "/login" || path.starts_with("/api/") || is_static(path)
}

/// The session cookie's name. Over HTTPS it takes the `__Host-` prefix, so
/// the browser keeps it only when it came from this very host, Secure and for
/// every path: a neighbouring subdomain cannot plant a session of its own.
fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The session token the browser sent, if any.
fn session_token(headers: &HeaderMap, secure: bool) -> Option<String> {
    let name = cookie_name(secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// The client's address: the connection's, or with `--trust-proxy` the
/// first address a proxy put in `X-Forwarded-For`.
fn client_address(request: &Request, trust_proxy: bool) -> String {
    if trust_proxy {
        let forwarded = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty() && v.len() <= 64);
        if let Some(address) = forwarded {
            return address.to_string();
        }
    }
    request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_default()
}

/// Only plain local paths are followed after sign-in: never another site.
///
/// Browsers drop tabs and newlines from a URL and read `\` as `/`, so
/// `/\t/evil.example` or `/\\evil.example` would lead to `//evil.example`:
/// any control character or backslash sends the user home instead. What
/// passes is also a valid `Location` header once [`location`] encodes it.
fn safe_next(next: &str) -> &str {
    let plain = !next.chars().any(|c| c.is_control() || c == '\\' || is_invisible(c));
    let local = next.starts_with('/') && !next.starts_with("//") && next.len() <= 2000;
    if plain && local && !next.starts_with("/login") {
        next
    } else {
        "/"
    }
}

/// Characters that render as nothing, or reorder what follows: a path with
/// one is not a link anybody meant to follow.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// A redirect to a local path: spaces and non-ASCII letters (a search for
/// "café") are percent-encoded so the header is always valid.
fn location(path: &str) -> Response {
    let mut encoded = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_graphic() {
            encoded.push(c);
        } else {
            let mut bytes = [0; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                encoded.push_str(&format!("%{b:02X}"));
            }
        }
    }
    let value = HeaderValue::from_str(&encoded).unwrap_or_else(|_| HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response()
}

fn login_url(next: &str, extra: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(extra);
    query.append_pair("next", safe_next(next));
    format!("/login?{}", query.finish())
}

/// Whether the browser reached us over HTTPS: always with
/// `--secure-cookies`, and as a proxy says with `--trust-proxy` (anybody
/// else's `X-Forwarded-Proto` is ignored).
fn is_https(headers: &HeaderMap, state: &AppState) -> bool {
    state.settings.sessions.secure_cookies
        || (state.settings.trust_proxy
            && headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https"))
}

fn session_cookie(value: String, max_age_secs: i64, secure: bool) -> HeaderValue {
    let cookie = Cookie::build((cookie_name(secure), value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .build();
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Finds who is calling (once per request) and leaves a [`Caller`] in the
/// request. A page visit without a live session goes to `/login?next=…`.
pub async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if is_static(request.uri().path()) {
        return next.run(request).await;
    }
    let address = client_address(&request, state.settings.trust_proxy);
    let secure = is_https(request.headers(), &state);
    let token = session_token(request.headers(), secure);
    let staff = match &token {
        Some(token) => resolve_session(&state.store, &state.settings.sessions, token).await,
        None => None,
    };
    let path = request.uri().path().to_string();
    let is_page_visit = matches!(*request.method(), Method::GET | Method::HEAD) && !is_public(&path);
    if staff.is_none() && is_page_visit {
        let wanted = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let extra: &[(&str, &str)] = if token.is_some() { &[("expired", "1")] } else { &[] };
        let mut response = location(&login_url(wanted, extra));
        if token.is_some() {
            response.headers_mut().insert(header::SET_COOKIE, session_cookie(String::new(), 0, secure));
        }
        return response;
    }
    if path == "/login" && request.method() == Method::GET && staff.is_some() {
        let wanted = request.uri().query().and_then(|q| query_value(q, "next")).unwrap_or_else(|| "/".into());
        return location(safe_next(&wanted));
    }
    request.extensions_mut().insert(Caller { staff, address });
    next.run(request).await
}

fn query_value(query: &str, key: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

/// Requests that change something must come from our own pages: a browser
/// says where a request came from in `Sec-Fetch-Site` (or at least `Origin`),
/// and anything cross-site is refused before it reaches a handler. Clients
/// that are not browsers send neither, and carry no one's cookies.
pub async fn same_origin_only(request: Request, next: Next) -> Response {
    // The JSON API authenticates with a bearer token, never a cookie: a page
    // on another site cannot make a browser send one.
    let bearer_only = request.uri().path().starts_with("/api/v1/");
    if bearer_only || matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let allowed = match site {
        Some(site) => site == "same-origin" || site == "none",
        None => match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            Some(origin) => {
                let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
                origin.split_once("://").map(|(_, authority)| authority) == Some(host) && !host.is_empty()
            }
            None => true,
        },
    };
    if allowed {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), ?site, "cross-site request refused");
        (StatusCode::FORBIDDEN, "Cross-site requests cannot change anything in Interlog.").into_response()
    }
}

#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`: the sign-in form.
pub async fn login(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    use app::access::{MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS};
    if form.email.len() > MAX_EMAIL_CHARS * 4 || form.password.chars().count() > MAX_PASSWORD_CHARS {
        return location(&login_url(&form.next, &[("error", "invalid")]));
    }
    let policy = state.settings.sessions;
    let wait;
    let error: &[(&str, &str)] = match sign_in(&state.store, &policy, &form.email, form.password, &caller.address).await
    {
        Ok((token, staff)) => {
            tracing::info!(staff = staff.id, "signed in");
            let mut response = location(safe_next(&form.next));
            let cookie = session_cookie(token, policy.lifetime_ms / 1000, is_https(&headers, &state));
            response.headers_mut().insert(header::SET_COOKIE, cookie);
            return response;
        }
        Err(SignInRefusal::Invalid) => &[("error", "invalid")],
        Err(SignInRefusal::Throttled(secs)) => {
            wait = secs.to_string();
            &[("error", "throttled"), ("wait", &wait)]
        }
        Err(SignInRefusal::Internal) => &[("error", "server")],
    };
    location(&login_url(&form.next, error))
}

/// `POST /logout`: ends the session and forgets the cookie.
pub async fn logout(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
) -> Response {
    if let Some(token) = session_token(&headers, is_https(&headers, &state)) {
        sign_out(&state.store, &token, caller.staff.as_ref(), &caller.address).await;
    }
    let mut response = Redirect::to("/login?signed_out=1").into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(String::new(), 0, is_https(&headers, &state)));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/log?q=housing"), "/log?q=housing");
        assert_eq!(safe_next("https://evil.example/"), "/");
        assert_eq!(safe_next("//evil.example/"), "/");
        assert_eq!(safe_next("/\\evil.example/"), "/");
        assert_eq!(safe_next("/login?next=/login"), "/");
        for hostile in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\x0b/evil.example",
            "/\x7f",
            "/x\\y",
            "/\u{202E}gro.elpmaxe",
        ] {
            assert_eq!(safe_next(hostile), "/", "{hostile:?}");
        }
        assert_eq!(safe_next("/log?q=café"), "/log?q=café");
        assert_eq!(location("/log?q=café au lait").headers()[header::LOCATION], "/log?q=caf%C3%A9%20au%20lait");
        assert_eq!(login_url("/log?q=a b&sort=type", &[]), "/login?next=%2Flog%3Fq%3Da+b%26sort%3Dtype");
        assert_eq!(login_url("/", &[("error", "invalid")]), "/login?error=invalid&next=%2F");
        assert_eq!(query_value("a=1&next=%2Flog%3Fq%3Dx+y", "next").as_deref(), Some("/log?q=x y"));
    }
}
