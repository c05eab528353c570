//! Forms the browser posts itself, for pages used before (or without) the
//! WASM: the "New interaction" form. The hydrated page calls the server
//! function instead; both record through the same code.

use app::{
    access::Permission,
    error::AppError,
    recording::{InteractionForm, PostedForm},
    server::{auth::Caller, csp::PageNonce, recording::record_form, AppState},
    shell,
};
use axum::{
    body::Body,
    extract::{OriginalUri, Request, State},
    http::{HeaderMap, Method},
    response::{IntoResponse, Redirect, Response},
    Extension,
};
use leptos::prelude::provide_context;

/// `POST /interactions/new`: records the interaction and goes to the
/// person's profile, where it is at the top; or shows the form again, with
/// everything typed and what to fix.
pub async fn new_interaction(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Extension(nonce): Extension<PageNonce>,
    body: axum::body::Bytes,
) -> Response {
    // Parsed by hand: a form sends `teams` once per ticked team.
    let form = InteractionForm::from_pairs(
        form_urlencoded::parse(&body).collect::<Vec<_>>().iter().map(|(k, v)| (k.as_ref(), v.as_ref())),
    );
    let Some(staff) = caller.staff.clone() else {
        let next = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/interactions/new");
        let query = form_urlencoded::Serializer::new(String::new()).append_pair("next", next).finish();
        return Redirect::to(&format!("/login?expired=1&{query}")).into_response();
    };
    let result = if staff.role.grants(Permission::CreateInteractions) {
        record_form(&state, &staff, &form).await
    } else {
        Err(AppError::Forbidden)
    };
    let error = match result {
        Ok((id, person_id)) => return Redirect::to(&format!("/people/{person_id}?recorded={id}")).into_response(),
        Err(error) => error,
    };
    let status = error.http_status();
    let posted = PostedForm { form, error };
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_async_with_context(
        {
            let state = state.clone();
            move || {
                provide_context(state.clone());
                provide_context(posted.clone());
                app::server::csp::use_request_nonce();
            }
        },
        move || shell(options.clone()),
    );
    let mut page = Request::new(Body::empty());
    *page.method_mut() = Method::GET;
    *page.uri_mut() = uri;
    *page.headers_mut() = headers;
    page.extensions_mut().insert(caller);
    page.extensions_mut().insert(nonce);
    let mut response = render(page).await;
    *response.status_mut() = status;
    response
}
