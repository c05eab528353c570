//! The HTTP router: pages, server functions, static files, health check.

use app::error::AppError;
use app::{server::AppState, shell, App};
use axum::{
    body::{to_bytes, Body},
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::Response,
    routing::{any, get, post},
    Router,
};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::{compression::CompressionLayer, set_header::SetResponseHeaderLayer, trace::TraceLayer};

pub fn build_router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let fallback_state = state.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/login", post(crate::sign_in::login))
        .route("/logout", post(crate::sign_in::logout))
        .route("/interactions/new", post(crate::forms::new_interaction))
        .route("/log/export.csv", get(crate::export::csv))
        .route("/log/export.xlsx", get(crate::export::xlsx))
        .route("/log/export.pdf", get(crate::export::pdf))
        .route("/api/v1/interactions", post(crate::api_v1::post_interaction))
        .route("/api/v1/openapi.json", get(crate::api_v1::openapi))
        .route("/api/v1/{*rest}", any(crate::api_v1::not_found))
        .leptos_routes_with_context(&state, routes, || (), move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            move || provide_context(fallback_state.clone()),
            shell,
        ))
        .layer(middleware::from_fn(error_status))
        .layer(middleware::from_fn_with_state(state.clone(), crate::sign_in::authenticate))
        .layer(middleware::from_fn(crate::sign_in::same_origin_only))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Healthy when the database answers.
async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match sqlx::query("SELECT 1").execute(state.store.pool()).await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Server-function errors leave with the status their error stands for.
/// Errors raised inside a function set it themselves; this catches the ones
/// raised before it runs, such as arguments that do not parse (400, not 500).
async fn error_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !response.headers().contains_key("serverfnerror") {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match to_bytes(body, 64 * 1024).await {
        Ok(bytes) => bytes,
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}
