//! The HTTP router: pages, server functions, static files, health check.

use app::error::AppError;
use app::{
    server::{csp::use_request_nonce, AppState},
    shell, App,
};
use axum::{
    body::{to_bytes, Body},
    extract::{Request, State},
    http::StatusCode,
    middleware::{self, Next},
    response::Response,
    routing::{any, get, post},
    Router,
};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::{
    compression::{
        predicate::{DefaultPredicate, NotForContentType, Predicate},
        CompressionLayer, CompressionLevel,
    },
    services::ServeDir,
    trace::TraceLayer,
};

pub fn build_router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let fallback_state = state.clone();
    // The WASM, its loader and the styles, precompressed where the build
    // left a `.gz` or `.br` beside them. Served here rather than by the
    // fallback, which drops a browser's If-Modified-Since: every check of
    // an unchanged file is a 304 (see `security::headers`).
    let pkg = ServeDir::new(format!("{}/{}", options.site_root, options.site_pkg_dir))
        .precompressed_gzip()
        .precompressed_br();
    crate::reports::routes(Router::new())
        .nest_service(&format!("/{}", options.site_pkg_dir), pkg)
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
        .leptos_routes_with_context(&state, routes, use_request_nonce, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            move || {
                provide_context(fallback_state.clone());
                use_request_nonce();
            },
            shell,
        ))
        .layer(middleware::from_fn(error_status))
        .layer(middleware::from_fn(crate::security::server_fn_body))
        .layer(middleware::from_fn_with_state(state.clone(), crate::sign_in::authenticate))
        .layer(middleware::from_fn(crate::sign_in::same_origin_only))
        .layer(middleware::from_fn(crate::security::headers))
        // A PDF's pages are deflated already, and it streams as it is written.
        // Pages are compressed as they are served, so at the fastest level:
        // brotli's default (4) spent more time than rendering the page.
        // Static files are precompressed at the best level by the build.
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Fastest)
                .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("application/pdf"))),
        )
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
        parts.status = error.http_status();
    }
    Response::from_parts(parts, Body::from(bytes))
}
