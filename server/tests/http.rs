//! The server over HTTP: pages, status codes, and every server function's
//! validation, against a real database made fresh for each test: every test
//! runs on SQLite and on PostgreSQL.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use app::server::{demo::seed_demo, store::Engine, AppState, OrgSettings, Store};
use axum::{
    body::{to_bytes, Body},
    http::{header, Method, Request, StatusCode},
    Router,
};
use leptos::prelude::LeptosOptions;
use server::router::build_router;
use tower::ServiceExt;

/// One runtime for every test here: Leptos' server-side executor is global,
/// as in the real server, which runs on one runtime.
fn run(test: impl std::future::Future<Output = ()>) {
    static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime")
    });
    RUNTIME.block_on(test)
}

struct TestApp {
    _dir: tempfile::TempDir,
    store: Store,
    router: Router,
}

/// The app on a fresh database: a SQLite file, or a new database on the
/// PostgreSQL server named by `INTERLOG_TEST_POSTGRES_URL` (which
/// `scripts/test.sh` starts).
async fn test_app(engine: Engine) -> TestApp {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = tempfile::tempdir().unwrap();
    let url = match engine {
        Engine::Sqlite => format!("sqlite:{}", dir.path().join("interlog.db").display()),
        Engine::Postgres => {
            let server = std::env::var("INTERLOG_TEST_POSTGRES_URL").expect(
                "the HTTP tests run on PostgreSQL too: run scripts/test.sh (it starts a throwaway server), \
                 or set INTERLOG_TEST_POSTGRES_URL=postgres://user@host:port to a server where you may create databases",
            );
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            format!("{}/interlog_http_{}_{n}", server.trim_end_matches('/'), std::process::id())
        }
    };
    let store = Store::open(&url).await.unwrap();
    seed_demo(&store, 20, 150, 5).await.unwrap();
    let acting = store.first_admin().await.unwrap().unwrap();
    let state = AppState {
        leptos_options: LeptosOptions::builder()
            .output_name("interlog")
            .site_root(dir.path().to_string_lossy().to_string())
            .build(),
        store: store.clone(),
        settings: Arc::new(OrgSettings { time_zone: chrono_tz::Europe::London, acting_staff_id: acting.id }),
    };
    TestApp { _dir: dir, store, router: build_router(state) }
}

/// Every test below runs on both engines: `sqlite::…` and `postgres::…`.
macro_rules! on_both_engines {
    ($(fn $name:ident($app:ident) $body:block)*) => {
        mod sqlite {
            use super::*;
            $(#[test] fn $name() { run(async { let $app = test_app(Engine::Sqlite).await; $body }) })*
        }
        mod postgres {
            use super::*;
            $(#[test] fn $name() { run(async { let $app = test_app(Engine::Postgres).await; $body }) })*
        }
    };
}

async fn send(app: &TestApp, request: Request<Body>) -> (StatusCode, String) {
    let response = app.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = to_bytes(response.into_body(), 16 * 1024 * 1024).await.unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

fn post_form(path: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn post_json(path: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

async fn revisions(store: &Store, id: i64) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM description_revisions WHERE interaction_id = $1")
        .bind(id)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

on_both_engines! {
    fn health_check_answers_when_the_database_does(app) {
        let (status, body) = send(&app, get("/healthz")).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    }

    fn the_log_page_is_server_rendered_with_sort_links(app) {
        let (status, html) = send(&app, get("/log?sort=person&dir=desc")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("<h1>Interaction log</h1>"), "{html}");
        assert!(html.contains(r#"<th scope="col" aria-sort="descending" class="sorted"><a href="/log?sort=person" "#));
        // The Person header links to the reversed order; others to their default.
        assert!(html.contains(r#"<a href="/log?sort=person" class="sort-link">Person"#));
        assert!(html.contains(r#"href="/log?sort=description""#));
        assert!(html.contains("150 interactions"));
    }

    fn unknown_pages_and_interactions_are_404(app) {
        let (status, html) = send(&app, get("/interactions/999999")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("There is no interaction with this id."));
        let (status, _) = send(&app, get("/interactions/not-a-number")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = send(&app, get("/nowhere")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    fn rename_validates_on_the_server_and_changes_nothing_on_error(app) {
        let before: String = sqlx::query_scalar("SELECT description FROM interactions WHERE id = 7")
            .fetch_one(app.store.pool())
            .await
            .unwrap();

        let (status, body) = send(&app, post_json("/api/rename_description", r#"{"id":7,"description":"   "}"#)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body.contains("The description cannot be empty."), "{body}");

        let long = "y".repeat(201);
        let (status, body) =
            send(&app, post_json("/api/rename_description", &format!(r#"{{"id":7,"description":"{long}"}}"#))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body.contains("the limit is 200"), "{body}");

        let (status, body) =
            send(&app, post_json("/api/rename_description", r#"{"id":"abc","description":"x"}"#)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

        let (status, _) =
            send(&app, post_json("/api/rename_description", r#"{"id":999999,"description":"Fine"}"#)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let after: String = sqlx::query_scalar("SELECT description FROM interactions WHERE id = 7")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert_eq!(before, after);
        assert_eq!(revisions(&app.store, 7).await, 0);
    }

    fn rename_saves_a_revision_and_returns_the_row(app) {
        let (status, body) =
            send(&app, post_json("/api/rename_description", r#"{"id":7,"description":"Called the GP surgery"}"#)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let row: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(row["description"], "Called the GP surgery");
        assert_eq!(row["renamed"], true);
        assert_eq!(revisions(&app.store, 7).await, 1);
    }

    fn a_cross_site_form_cannot_rename(app) {
        // Server functions take JSON: a plain HTML form from another site cannot
        // send that without a CORS preflight, which we never grant.
        let (status, _) = send(&app, post_form("/api/rename_description", "id=7&description=Forged")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(revisions(&app.store, 7).await, 0);
    }

    fn changing_data_needs_post(app) {
        let request = Request::builder()
            .method(Method::GET)
            .uri("/api/rename_description?id=7&description=Sneaky")
            .body(Body::empty())
            .unwrap();
        let (status, _) = send(&app, request).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(revisions(&app.store, 7).await, 0);
    }

    fn list_interactions_limits_its_input(app) {
        let long = "a".repeat(201);
        let body = format!(
            r#"{{"query":{{"q":"{long}","sort":"Timestamp","dir":null,"types":[],"page":"First","person":null}}}}"#
        );
        let (status, text) = send(&app, post_json("/api/list_interactions", &body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
        assert!(text.contains("limited to 200 characters"), "{text}");

        let ok = r#"{"query":{"q":"","sort":"Person","dir":"Desc","types":[1],"page":"First","person":null}}"#;
        let (status, text) = send(&app, post_json("/api/list_interactions", ok)).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let page: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(page["rows"].as_array().unwrap().iter().all(|r| r["kind"]["id"] == 1));

        let (status, _) = send(&app, post_json("/api/list_interactions", r#"{"query":{"sort":"DROP TABLE"}}"#)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }

    fn descriptions_are_escaped_in_pages(app) {
        let (status, _) =
            send(&app, post_json("/api/rename_description", r#"{"id":9,"description":"<script>alert(1)</script>"}"#))
                .await;
        assert_eq!(status, StatusCode::OK);
        let (status, html) = send(&app, get("/interactions/9")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("<script>alert(1)</script>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }
}
