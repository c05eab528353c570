//! The server over HTTP: pages, status codes, and every server function's
//! validation, against a real database made fresh for each test: every test
//! runs on SQLite and on PostgreSQL.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use app::server::{
    auth::SessionPolicy,
    demo::{seed_demo, DEMO_PASSWORD},
    store::Engine,
    AppState, OrgSettings, Store,
};
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
///
/// A test that has not finished after two minutes fails, rather than holding
/// up the whole run.
fn run(test: impl std::future::Future<Output = ()>) {
    static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime")
    });
    RUNTIME
        .block_on(async { tokio::time::timeout(std::time::Duration::from_secs(120), test).await })
        .expect("the test did not finish within two minutes")
}

struct TestApp {
    _dir: tempfile::TempDir,
    store: Store,
    /// What the router was built from, to build one with other settings.
    state: AppState,
    router: Router,
    /// The demo admin's session cookie: `send` uses it.
    admin: String,
}

const ADMIN: &str = "alex.morgan@example.org";
const STAFF: &str = "tom.whitaker@example.org";
const READ_ONLY: &str = "olivia.chen@example.org";

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
    let state = AppState {
        leptos_options: LeptosOptions::builder()
            .output_name("interlog")
            .site_root(dir.path().to_string_lossy().to_string())
            .build(),
        store: store.clone(),
        settings: Arc::new(OrgSettings {
            time_zone: chrono_tz::Europe::London,
            sessions: SessionPolicy::default(),
            trust_proxy: true,
            public_url: "http://interlog.test".into(),
            demo_accounts: true,
        }),
        outbox: Default::default(),
    };
    let mut app = TestApp { _dir: dir, store, router: build_router(state.clone()), state, admin: String::new() };
    app.admin = sign_in(&app, ADMIN).await;
    app
}

/// Signs in through the real form post; returns the `Cookie` header value.
async fn sign_in(app: &TestApp, email: &str) -> String {
    let response = app.router.clone().oneshot(login_form(email, DEMO_PASSWORD, "/log")).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/log", "{email} could not sign in");
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    cookie.split(';').next().unwrap().to_string()
}

fn login_form(email: &str, password: &str, next: &str) -> Request<Body> {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("email", email)
        .append_pair("password", password)
        .append_pair("next", next)
        .finish();
    Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-for", "203.0.113.7")
        .body(Body::from(body))
        .unwrap()
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

#[path = "http/hostile.rs"]
mod hostile;

/// Sends a request as the demo admin.
async fn send(app: &TestApp, request: Request<Body>) -> (StatusCode, String) {
    send_as(app, Some(&app.admin), request).await
}

/// Sends a request with the given session cookie, or none.
async fn send_as(app: &TestApp, cookie: Option<&str>, mut request: Request<Body>) -> (StatusCode, String) {
    if let Some(cookie) = cookie {
        request.headers_mut().insert(header::COOKIE, cookie.parse().unwrap());
    }
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

/// The text a PDF shows, one string per `Tj`, decoded from WinAnsi (Latin-1
/// for the characters these tests use). Page contents are compressed: each
/// stream is inflated first.
fn pdf_text(pdf: &[u8]) -> Vec<String> {
    let mut contents = Vec::new();
    let mut rest = pdf;
    while let Some(start) = find(rest, b"stream\n") {
        let data = &rest[start + b"stream\n".len()..];
        let end = find(data, b"\nendstream").expect("every stream ends");
        contents.extend(miniz_oxide::inflate::decompress_to_vec_zlib(&data[..end]).expect("a deflated page"));
        contents.push(b'\n');
        rest = &data[end + b"\nendstream".len()..];
    }
    let text = String::from_utf8_lossy(&contents);
    text.lines()
        .filter_map(|line| line.strip_suffix(" Tj"))
        .map(|shown| {
            if let Some(hex) = shown.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
                (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as char).collect()
            } else {
                let literal = shown.trim_start_matches('(').trim_end_matches(')');
                literal.replace("\\(", "(").replace("\\)", ")").replace("\\\\", "\\")
            }
        })
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Sends a request; returns the status, the `Location` header and the body.
async fn respond(app: &TestApp, cookie: Option<&str>, mut request: Request<Body>) -> (StatusCode, String, String) {
    if let Some(cookie) = cookie {
        request.headers_mut().insert(header::COOKIE, cookie.parse().unwrap());
    }
    let response = app.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let location =
        response.headers().get(header::LOCATION).map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    let body = to_bytes(response.into_body(), 16 * 1024 * 1024).await.unwrap();
    (status, location, String::from_utf8_lossy(&body).into_owned())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    /// Any signed-in staff member may call it.
    Reads,
    /// Reads that need more than the "view" permission (managing staff,
    /// seeing everyone's actions).
    AdminReads,
    Changes,
}

async fn staff_ids(store: &Store) -> std::collections::HashMap<&'static str, i64> {
    let mut ids = std::collections::HashMap::new();
    for email in [ADMIN, STAFF, READ_ONLY] {
        let id: i64 = sqlx::query_scalar("SELECT id FROM staff_members WHERE email = $1")
            .bind(email)
            .fetch_one(store.pool())
            .await
            .unwrap();
        ids.insert(email, id);
    }
    ids
}

/// Everything a server function could change, as text (the audit log aside:
/// refusals are written there).
async fn snapshot(store: &Store) -> Vec<String> {
    let mut rows = Vec::new();
    for sql in [
        "SELECT id || ' ' || name || ' ' || permissions || ' ' || version FROM roles ORDER BY id",
        "SELECT id || ' ' || name || ' ' || email || ' ' || role_id || ' ' || active || ' ' || COALESCE(password_hash, '') FROM staff_members ORDER BY id",
        "SELECT staff_id || ' ' || team_id FROM staff_teams ORDER BY staff_id, team_id",
        "SELECT id || ' ' || name FROM teams ORDER BY id",
        "SELECT id || ' ' || description FROM interactions ORDER BY id",
        "SELECT CAST(count(*) AS TEXT) FROM description_revisions",
        "SELECT CAST(count(*) AS TEXT) FROM sessions",
        "SELECT id || ' ' || name || ' ' || colour || ' ' || icon || ' ' || sort_key || ' ' || version || ' ' || COALESCE(deleted_at, 0) FROM interaction_types ORDER BY id",
        "SELECT type_id || ' ' || team_id FROM interaction_type_teams ORDER BY type_id, team_id",
        "SELECT id || ' ' || name || ' ' || COALESCE(email, '') || ' ' || version FROM people ORDER BY id",
        "SELECT id || ' ' || access FROM interactions ORDER BY id",
        "SELECT id || ' ' || COALESCE(error_reason, '') FROM interactions ORDER BY id",
        "SELECT id || ' ' || name || ' ' || COALESCE(revoked_at, 0) FROM api_tokens ORDER BY id",
        "SELECT id || ' ' || assignee_id || ' ' || instructions || ' ' || due_on || ' ' || version || ' ' || COALESCE(completion_id, 0) FROM actions ORDER BY id",
        "SELECT CAST(count(*) AS TEXT) FROM outbox",
        "SELECT id || ' ' || body || ' ' || pinned || ' ' || access || ' ' || version FROM person_notes ORDER BY id",
        "SELECT CAST(count(*) AS TEXT) FROM person_note_revisions",
    ] {
        rows.extend(sqlx::query_scalar::<_, String>(sql).fetch_all(store.pool()).await.unwrap());
    }
    rows
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

    fn a_count_past_the_limit_says_more_than_and_counts_all_on_request(app) {
        // A limit of 5 stands in for 10,000: a staff filter counts row by row.
        let mut app = app;
        app.router = build_router(AppState { store: app.store.clone().with_count_limit(5), ..app.state.clone() });
        let staff = staff_ids(&app.store).await[STAFF];
        let logged: i64 = sqlx::query_scalar("SELECT count(*) FROM interactions WHERE logged_by = $1")
            .bind(staff)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert!(logged > 5, "the demo staff member logged more than the limit");
        let (status, html) = send(&app, get(&format!("/log?logged_by={staff}"))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("More than 5 interactions"), "{html}");
        let count_all = format!(r#"<a href="/log?logged_by={staff}&amp;count=all" class="count-all">Count them all</a>"#);
        assert!(html.contains(&count_all), "{html}");
        let (_, html) = send(&app, get(&format!("/log?logged_by={staff}&count=all"))).await;
        assert!(html.contains(&format!("{logged} interactions")), "{html}");
        assert!(!html.contains("More than") && !html.contains("Count them all"));
        // The JSON API says so too.
        let body = format!(r#"{{"query":{{"logged_by":[{staff}]}}}}"#);
        let (status, json) = send(&app, post_json("/api/list_interactions", &body)).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        let page: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!((&page["total"], &page["total_capped"]), (&5.into(), &true.into()), "{json}");
        // Free counts stay exact: the whole log is a lookup.
        let (_, html) = send(&app, get("/log")).await;
        assert!(html.contains("150 interactions") && !html.contains("More than"));
    }

    fn a_broad_search_asked_by_the_browser_is_counted_after_its_page(app) {
        // The browser's: the page first, then its count, on both engines.
        let body = r#"{"query":{"q":"call"}}"#;
        let (status, json) = send(&app, post_json("/api/list_interactions", body)).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        let page: app::log::LogPage = serde_json::from_str(&json).unwrap();
        assert!(page.total_pending, "{json}");
        assert!(!page.rows.is_empty());
        assert!(page.count().is_none());
        let (status, json) = send(&app, post_json("/api/count_interactions", body)).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        let count: app::log::ViewCount = serde_json::from_str(&json).unwrap();
        assert!(count.total > 1 && !count.capped, "{json}");
        // The server's own page is counted: it may be all a browser without
        // the WASM ever gets.
        let (status, html) = send(&app, get("/log?q=call")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!(">{} interactions<", count.total)), "{html}");
        assert!(!html.contains("Counting…"));
        // Its input is checked like the page's.
        let long = format!(r#"{{"query":{{"q":"{}"}}}}"#, "x".repeat(app::log::MAX_SEARCH_CHARS + 1));
        let (status, _) = send(&app, post_json("/api/count_interactions", &long)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
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

    fn interaction_type_changes_are_validated_and_stale_ones_refused(app) {
        let before = snapshot(&app.store).await;
        let long = "t".repeat(61);
        for (path, body, message) in [
            ("/api/add_interaction_type", r##"{"name":"  ","colour":"#123456","icon":"note"}"##.to_string(), "The name cannot be empty."),
            ("/api/add_interaction_type", format!(r##"{{"name":"{long}","colour":"#123456","icon":"note"}}"##), "the limit is 60"),
            ("/api/add_interaction_type", r##"{"name":"Text","colour":"red","icon":"note"}"##.into(), "is not a colour"),
            ("/api/add_interaction_type", r##"{"name":"Text","colour":"#123456","icon":"skull"}"##.into(), "There is no such icon."),
            ("/api/add_interaction_type", r##"{"name":"phone CALL","colour":"#123456","icon":"note"}"##.into(), "There is already an interaction type called"),
            ("/api/update_interaction_type", r#"{"id":1,"version":1,"change":{"Rename":"Email"}}"#.into(), "There is already an interaction type called"),
            ("/api/update_interaction_type", r#"{"id":1,"version":1,"change":{"Teams":[999]}}"#.into(), "That team does not exist"),
            ("/api/move_interaction_type", r#"{"id":1,"version":1,"after":1}"#.into(), "cannot be moved after itself"),
        ] {
            let (status, body) = send(&app, post_json(path, &body)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {body}");
            assert!(body.contains(message), "{path}: {body}");
        }
        assert_eq!(snapshot(&app.store).await, before, "a refused change changed something");

        let (status, body) = send(&app, post_json("/api/update_interaction_type", r##"{"id":1,"version":1,"change":{"Colour":"#ABC"}}"##)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains(r##""colour":"#aabbcc""##) && body.contains(r#""version":2"#), "{body}");
        // The same change made against version 1 again is stale.
        let (status, body) = send(&app, post_json("/api/move_interaction_type", r#"{"id":1,"version":1,"after":null}"#)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body.contains("Someone else changed “Phone call” while you were working."), "{body}");
        let (status, _) = send(&app, post_json("/api/update_interaction_type", r#"{"id":424242,"version":1,"change":"Delete"}"#)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // The page itself: admins only.
        let (status, html) = send(&app, get("/settings/interaction-types")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Rename Phone call"), "{html}");
        let staff = sign_in(&app, STAFF).await;
        let (status, html) = send_as(&app, Some(&staff), get("/settings/interaction-types")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(!html.contains("Rename Phone call"));
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
        let row: app::log::LogRow = serde_json::from_str(&body).unwrap();
        assert_eq!(row.description, "Called the GP surgery");
        assert!(row.renamed);
        assert_eq!(revisions(&app.store, 7).await, 1);
    }

    fn a_cross_site_form_cannot_rename(app) {
        // Server functions take JSON only: a plain HTML form from another site
        // cannot send that without a CORS preflight, which we never grant.
        let (status, _) = send(&app, post_form("/api/rename_description", "id=7&description=Forged")).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
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
        let page: app::log::LogPage = serde_json::from_str(&text).unwrap();
        assert!(page.rows.iter().all(|r| r.kind.id == 1 && !r.kind.name.is_empty()), "{text}");

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

    fn user_text_in_the_title_stays_text(app) {
        // A Staff member names a person so that an admin opening the profile
        // would run their script (which could make them Admin).
        let tom = sign_in(&app, STAFF).await;
        let payload = "</title><script src=//attacker.example/x.js></script>";
        let body = serde_json::json!({ "person": { "name": payload, "email": "", "phone": "" } }).to_string();
        let (status, id) = send_as(&app, Some(&tom), post_json("/api/add_person", &body)).await;
        assert_eq!(status, StatusCode::OK, "{id}");
        let (status, html) = send(&app, get(&format!("/people/{id}"))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("<script src=//attacker"), "{html}");
        assert!(html.contains("<title>&lt;/title&gt;&lt;script src=//attacker.example/x.js&gt;&lt;/script&gt; · Interlog</title>"), "{html}");
        // An interaction's title is its description.
        let (status, _) =
            send(&app, post_json("/api/rename_description", &serde_json::json!({ "id": 9, "description": payload }).to_string())).await;
        assert_eq!(status, StatusCode::OK);
        let (_, html) = send(&app, get("/interactions/9")).await;
        assert!(!html.contains("<script src=//attacker"), "{html}");
        assert_eq!(html.matches("<title>").count(), 1);
    }

    fn every_page_carries_a_content_security_policy_with_its_own_nonce(app) {
        let mut nonces = std::collections::BTreeSet::new();
        for path in ["/log", "/", "/people", "/no-such-page", "/login"] {
            let cookie = if path == "/login" { None } else { Some(app.admin.as_str()) };
            let mut request = get(path);
            if let Some(cookie) = cookie {
                request.headers_mut().insert(header::COOKIE, cookie.parse().unwrap());
            }
            let response = app.router.clone().oneshot(request).await.unwrap();
            let headers = response.headers().clone();
            let html = String::from_utf8(to_bytes(response.into_body(), 16 << 20).await.unwrap().to_vec()).unwrap();
            let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
            let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect(&policy).to_string();
            for directive in ["script-src 'self' 'nonce-", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"] {
                assert!(policy.contains(directive), "{path}: {policy}");
            }
            let scripts_rule = policy.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
            assert!(!scripts_rule.contains("unsafe-inline") && !scripts_rule.contains('*'), "{policy}");
            // Every inline script carries this response's nonce.
            let scripts = html.matches("<script").count();
            assert!(scripts > 0, "{path}");
            assert_eq!(html.matches(&format!("<script nonce=\"{nonce}\"")).count() + html.matches(&format!("<script type=\"module\" nonce=\"{nonce}\"")).count(), scripts, "{path}: {html}");
            assert!(nonces.insert(nonce), "a nonce is never reused");
            assert_eq!(headers[header::CACHE_CONTROL], "no-store", "{path}");
            assert_eq!(headers["cross-origin-opener-policy"], "same-origin");
            assert!(headers["permissions-policy"].to_str().unwrap().contains("camera=()"));
            assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
        }
        let response = app.router.clone().oneshot({
            let mut r = post_json("/api/whoami", "{}");
            r.headers_mut().insert(header::COOKIE, app.admin.parse().unwrap());
            r
        }).await.unwrap();
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store", "server functions are never cached");
        // Static files are kept, but checked before each use: a 304 while
        // unchanged, so a new release's WASM and styles are never mixed
        // with an old page's.
        std::fs::create_dir_all(app._dir.path().join("pkg")).unwrap();
        std::fs::write(app._dir.path().join("pkg/interlog.css"), "body { margin: 0 }").unwrap();
        let response = app.router.clone().oneshot(get("/pkg/interlog.css")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
        let modified = response.headers()[header::LAST_MODIFIED].clone();
        let mut again = get("/pkg/interlog.css");
        again.headers_mut().insert(header::IF_MODIFIED_SINCE, modified);
        let response = app.router.clone().oneshot(again).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
        // A file the release build named by its content never changes under
        // that name: kept for a year without asking. One missing is not.
        std::fs::write(app._dir.path().join("pkg/interlog.MLLDK77-4XTtQ6OuodJBOw.css"), "body { margin: 0 }").unwrap();
        let response = app.router.clone().oneshot(get("/pkg/interlog.MLLDK77-4XTtQ6OuodJBOw.css")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
        let response = app.router.clone().oneshot(get("/pkg/interlog.AAAAAAAAAAAAAAAAAAAAAA.css")).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_ne!(response.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
        // The demo data's accounts have a published password: every page says so.
        let (_, html) = send(&app, get("/log")).await;
        assert!(html.contains("data-testid=\"demo-banner\""));
    }

    fn sign_in_never_leads_to_another_site_nor_fails_on_odd_characters(app) {
        // Signed in, /login goes on to `next`: only a plain local path.
        for next in ["/%09/evil.example", "/%0A/evil.example", "/%0D%0A/evil.example", "/%0B/evil.example", "/%7F", "/%5Cevil.example", "%2F%2Fevil.example", "https://evil.example"] {
            let (status, location, _) = respond(&app, Some(&app.admin), get(&format!("/login?next={next}"))).await;
            assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/"), "GET next={next}");
            let decoded = form_urlencoded::parse(format!("next={next}").as_bytes()).next().unwrap().1.into_owned();
            let (status, location, _) = respond(&app, None, login_form(STAFF, DEMO_PASSWORD, &decoded)).await;
            assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/"), "POST next={next}");
        }
        // A refused sign-in carries `next` back to the form: home, for these.
        for next in ["/\t/evil.example", "/\r\n/evil.example"] {
            let (status, location, _) = respond(&app, None, login_form(READ_ONLY, "wrong password", next)).await;
            assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/login?error=invalid&next=%2F"), "POST next={next:?}");
        }
        // A local path with a space or an accented letter still goes through.
        let (status, location, _) = respond(&app, Some(&app.admin), get("/login?next=%2Flog%3Fq%3Dcaf%C3%A9+au")).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/log?q=caf%C3%A9%20au"));
        // Over HTTPS (as a trusted proxy says) the cookie is `__Host-` and Secure.
        let mut secure = login_form(STAFF, DEMO_PASSWORD, "/log");
        secure.headers_mut().insert("x-forwarded-proto", "https".parse().unwrap());
        let response = app.router.clone().oneshot(secure).await.unwrap();
        let set_cookie = response.headers()[header::SET_COOKIE].to_str().unwrap().to_string();
        assert!(set_cookie.starts_with("__Host-interlog_session=") && set_cookie.contains("Secure") && set_cookie.contains("Path=/"), "{set_cookie}");
        assert!(!set_cookie.contains("Domain"), "{set_cookie}");
        let cookie = set_cookie.split(';').next().unwrap().to_string();
        let mut page = get("/log");
        page.headers_mut().insert("x-forwarded-proto", "https".parse().unwrap());
        let (status, _) = send_as(&app, Some(&cookie), page).await;
        assert_eq!(status, StatusCode::OK);
        // The plain name is not read over HTTPS: a neighbour could have set it.
        let plain = cookie.replace("__Host-", "");
        let mut page = get("/log");
        page.headers_mut().insert("x-forwarded-proto", "https".parse().unwrap());
        let (status, _, _) = respond(&app, Some(&plain), page).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }

    fn server_functions_read_only_json_of_a_bounded_size(app) {
        let before = snapshot(&app.store).await;
        let body = r#"{"id":7,"description":"Changed by a form post"}"#;
        for content_type in ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""] {
            let mut request = post_json("/api/rename_description", body);
            if content_type.is_empty() {
                request.headers_mut().remove(header::CONTENT_TYPE);
            } else {
                request.headers_mut().insert(header::CONTENT_TYPE, content_type.parse().unwrap());
            }
            let (status, text) = send(&app, request).await;
            assert_eq!((status, text.as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, r#""NotJson""#), "{content_type}");
        }
        let huge = format!(r#"{{"id":7,"description":"{}"}}"#, "x".repeat(300 * 1024));
        let (status, text) = send(&app, post_json("/api/rename_description", &huge)).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");
        assert!(text.contains("limited to 256 KB"), "{text}");
        // Without a declared length too (a chunked body).
        let mut chunked = post_json("/api/rename_description", "");
        chunked.headers_mut().remove(header::CONTENT_LENGTH);
        *chunked.body_mut() = Body::from_stream(futures_util::stream::iter(
            (0..40).map(|_| Ok::<_, std::convert::Infallible>(vec![b' '; 8 * 1024])),
        ));
        let (status, _) = send(&app, chunked).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(snapshot(&app.store).await, before, "nothing changed");
    }

    fn pages_need_sign_in_and_come_back_after_it(app) {
        let (status, location, _) = respond(&app, None, get("/log?q=housing&sort=type")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location, "/login?next=%2Flog%3Fq%3Dhousing%26sort%3Dtype");
        let (status, html) = send_as(&app, None, get(&location)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(r#"<form method="post" action="/login""#), "{html}");
        assert!(html.contains(r#"name="next" value="/log?q=housing&amp;sort=type""#), "{html}");

        let (status, location, _) =
            respond(&app, None, login_form(STAFF, "not the password", "/log?q=housing&sort=type")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location, "/login?error=invalid&next=%2Flog%3Fq%3Dhousing%26sort%3Dtype");
        let (_, html) = send_as(&app, None, get(&location)).await;
        assert!(html.contains("Wrong email or password."));

        let response = app.router.clone().oneshot(login_form(STAFF, DEMO_PASSWORD, "/log?q=housing&sort=type")).await.unwrap();
        assert_eq!(response.headers()[header::LOCATION], "/log?q=housing&sort=type");
        let set_cookie = response.headers()[header::SET_COOKIE].to_str().unwrap().to_string();
        for attribute in ["interlog_session=", "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
            assert!(set_cookie.contains(attribute), "{set_cookie} lacks {attribute}");
        }
        assert!(!set_cookie.contains("Secure"), "plain HTTP here: {set_cookie}");
        let cookie = set_cookie.split(';').next().unwrap();
        let (status, html) = send_as(&app, Some(cookie), get("/log?q=housing&sort=type")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Tom Whitaker"));
        // Signed in, /login goes straight on.
        let (status, location, _) = respond(&app, Some(cookie), get("/login?next=%2Flog")).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/log"));
        // Never to another site.
        let (_, location, _) = respond(&app, None, login_form(STAFF, DEMO_PASSWORD, "https://evil.example/")).await;
        assert_eq!(location, "/");
    }

    fn each_sign_in_gets_a_new_session_and_sign_out_ends_it(app) {
        let first = sign_in(&app, STAFF).await;
        let second = sign_in(&app, STAFF).await;
        assert_ne!(first, second);
        let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions WHERE token_hash = $1")
            .bind(first.trim_start_matches("interlog_session="))
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert_eq!(stored, 0, "tokens are stored hashed, never as sent");
        let mut logout = Request::post("/logout").body(Body::empty()).unwrap();
        logout.headers_mut().insert(header::COOKIE, first.parse().unwrap());
        let (status, location, _) = respond(&app, None, logout).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/login?signed_out=1"));
        let (status, location, _) = respond(&app, Some(&first), get("/log")).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/login?expired=1&next=%2Flog"));
        let (status, body) = send_as(&app, Some(&first), post_json("/api/whoami", "{}")).await;
        assert_eq!((status, body.as_str()), (StatusCode::UNAUTHORIZED, r#""Unauthenticated""#));
        // The other browser is still signed in.
        let (status, _) = send_as(&app, Some(&second), get("/log")).await;
        assert_eq!(status, StatusCode::OK);
    }

    fn idle_sessions_end(app) {
        let cookie = sign_in(&app, STAFF).await;
        let (status, _) = send_as(&app, Some(&cookie), get("/")).await;
        assert_eq!(status, StatusCode::OK);
        // 31 minutes pass without a request.
        sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 1860000, created_at = created_at - 1860000")
            .execute(app.store.pool())
            .await
            .unwrap();
        let (status, location, _) = respond(&app, Some(&cookie), get("/")).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/login?expired=1&next=%2F"));
    }

    fn disabling_a_staff_member_ends_their_sessions_at_once(app) {
        let tom = sign_in(&app, STAFF).await;
        let tom_id: i64 = sqlx::query_scalar("SELECT id FROM staff_members WHERE email = $1")
            .bind(STAFF)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        let (status, body) =
            send(&app, post_json("/api/set_staff_active", &format!(r#"{{"id":{tom_id},"active":false}}"#))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = send_as(&app, Some(&tom), post_json("/api/whoami", "{}")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, location, _) = respond(&app, None, login_form(STAFF, DEMO_PASSWORD, "/")).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/login?error=invalid&next=%2F"));
    }

    fn the_last_admin_cannot_be_disabled_or_demoted(app) {
        let alex_id: i64 = sqlx::query_scalar("SELECT id FROM staff_members WHERE email = $1")
            .bind(ADMIN)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        for (path, body) in [
            ("/api/set_staff_active", format!(r#"{{"id":{alex_id},"active":false}}"#)),
            ("/api/update_staff_member", format!(r#"{{"id":{alex_id},"role_id":2,"team_ids":[]}}"#)),
        ] {
            let (status, text) = send(&app, post_json(path, &body)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {text}");
            assert!(text.contains("at least one active staff member who may manage staff"), "{text}");
        }
        let (status, _) = send(&app, get("/settings/staff")).await;
        assert_eq!(status, StatusCode::OK);
    }

    fn staff_forms_are_validated_on_the_server(app) {
        let add = |email: &str, password: &str| {
            format!(
                r#"{{"member":{{"name":"Nia Adams","email":"{email}","role_id":3,"team_ids":[],"password":"{password}"}}}}"#
            )
        };
        let cases = [
            (add("not an email", "long enough password"), "valid email address"),
            (add("nia@example.org", "short"), "at least 10 characters"),
            (add(STAFF, "long enough password"), "already exists"),
        ];
        for (body, message) in cases {
            let (status, text) = send(&app, post_json("/api/add_staff_member", &body)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
            assert!(text.contains(message), "{text}");
        }
        let (status, text) = send(&app, post_json("/api/add_team", &format!(r#"{{"name":"{}"}}"#, "t".repeat(101)))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
        let (status, text) = send(&app, post_json("/api/add_staff_member", &add("nia@example.org", "long enough password"))).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let (status, location, _) = respond(&app, None, login_form("nia@example.org", "long enough password", "/")).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/"));
    }

    fn cross_site_requests_cannot_change_anything(app) {
        fn rename(headers: &[(&'static str, &str)]) -> Request<Body> {
            let body = format!(r#"{{"id":7,"description":"Renamed with {}"}}"#, headers.last().unwrap().1);
            let mut request = post_json("/api/rename_description", &body);
            for (name, value) in headers {
                request.headers_mut().insert(*name, value.parse().unwrap());
            }
            request
        }
        for forged in [
            &[("origin", "https://evil.example"), ("host", "interlog.example")][..],
            &[("origin", "null"), ("host", "interlog.example")][..],
            &[("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")][..],
            &[("sec-fetch-site", "same-site")][..],
        ] {
            let (status, body) = send(&app, rename(forged)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{forged:?}: {body}");
            assert!(body.contains("Cross-site requests cannot change anything"));
        }
        // A forged sign-in form is refused too (no signing a victim into
        // the attacker's account).
        let mut login = login_form(ADMIN, DEMO_PASSWORD, "/");
        login.headers_mut().insert("origin", "https://evil.example".parse().unwrap());
        let (status, _) = send_as(&app, None, login).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(revisions(&app.store, 7).await, 0);
        // Our own pages' requests go through.
        let (status, _) = send(&app, rename(&[("origin", "http://interlog.example"), ("host", "interlog.example")])).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = send(&app, rename(&[("sec-fetch-site", "same-origin")])).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(revisions(&app.store, 7).await, 2);
    }

    fn every_server_function_checks_who_is_calling(app) {
        // Every registered server function, with arguments that work for an
        // admin, and whether it only reads. A new server function must be
        // added here, and so gets checked.
        let ids = staff_ids(&app.store).await;
        let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::London).date_naive();
        let action = |assignee: i64| format!(
            r#"{{"form":{{"person_id":1,"interaction_id":null,"type_id":1,"assignee_id":{assignee},"instructions":"Call back","due_on":"{}","notify_creator":true}}}}"#,
            today + chrono::Duration::days(7)
        );
        let actions_query = |tab: &str| format!(
            r#"{{"query":{{"tab":"{tab}","q":"","types":[],"assignee":null,"from":"","to":"","sort":null,"dir":null,"offset":0}}}}"#
        );
        let note: i64 = sqlx::query_scalar("SELECT COALESCE(max(id), 0) + 1 FROM person_notes").fetch_one(app.store.pool()).await.unwrap();
        let open_note: i64 = sqlx::query_scalar("SELECT min(id) FROM person_notes WHERE access = ''").fetch_one(app.store.pool()).await.unwrap();
        let calls: Vec<(&str, String, Access)> = vec![
            ("/api/list_interactions", r#"{"query":{"q":"","sort":"Timestamp","dir":null,"types":[],"page":"First","person":null}}"#.into(), Access::Reads),
            ("/api/count_interactions", r#"{"query":{"q":"call","sort":"Timestamp","dir":null,"types":[],"page":"First","person":null}}"#.into(), Access::Reads),
            ("/api/log_filter_options", "{}".into(), Access::Reads),
            ("/api/get_interaction", r#"{"id":7}"#.into(), Access::Reads),
            ("/api/whoami", "{}".into(), Access::Reads),
            ("/api/rename_description", r#"{"id":7,"description":"Changed by the check"}"#.into(), Access::Changes),
            ("/api/change_visibility", r#"{"id":7,"visibility":"Private"}"#.into(), Access::Changes),
            ("/api/staff_directory", "{}".into(), Access::AdminReads),
            ("/api/audit_log", r#"{"before":null}"#.into(), Access::AdminReads),
            ("/api/add_staff_member", r#"{"member":{"name":"Nia Adams","email":"nia@example.org","role_id":1,"team_ids":[],"password":"long enough password"}}"#.into(), Access::Changes),
            ("/api/update_staff_member", format!(r#"{{"id":{},"role_id":1,"team_ids":[]}}"#, ids[READ_ONLY]), Access::Changes),
            ("/api/roles", "{}".into(), Access::AdminReads),
            ("/api/create_role", r#"{"name":"Checked role","permissions":["ViewInteractions"]}"#.into(), Access::Changes),
            ("/api/update_role", r#"{"id":5,"name":"Volunteers","permissions":["ViewInteractions"],"version":1}"#.into(), Access::Changes),
            ("/api/delete_role", r#"{"id":6,"version":1}"#.into(), Access::Changes),
            ("/api/set_staff_active", format!(r#"{{"id":{},"active":false}}"#, ids[STAFF]), Access::Changes),
            ("/api/reset_staff_password", format!(r#"{{"id":{},"password":"a new password 1"}}"#, ids[STAFF]), Access::Changes),
            ("/api/add_team", r#"{"name":"Sneaky team"}"#.into(), Access::Changes),
            ("/api/interaction_type_settings", "{}".into(), Access::AdminReads),
            ("/api/add_interaction_type", r##"{"name":"Sneaky type","colour":"#123456","icon":"note"}"##.into(), Access::Changes),
            ("/api/update_interaction_type", r#"{"id":1,"version":1,"change":{"Rename":"Call"}}"#.into(), Access::Changes),
            ("/api/move_interaction_type", r#"{"id":2,"version":1,"after":null}"#.into(), Access::Changes),
            ("/api/search_people", r#"{"q":"a","offset":0}"#.into(), Access::Reads),
            ("/api/get_person", r#"{"id":1}"#.into(), Access::Reads),
            ("/api/add_person", r#"{"person":{"name":"Sneaky Person","email":"","phone":""}}"#.into(), Access::Changes),
            ("/api/update_person", r#"{"id":1,"form":{"name":"Renamed Person"},"version":1}"#.into(), Access::Changes),
            ("/api/person_notes", r#"{"person_id":1}"#.into(), Access::Reads),
            ("/api/add_person_note", r#"{"person_id":1,"body":"Checked note","visibility":"AllStaff"}"#.into(), Access::Changes),
            ("/api/edit_person_note", format!(r#"{{"id":{note},"body":"Checked again","visibility":"AllStaff","version":1}}"#), Access::Changes),
            ("/api/pin_person_note", format!(r#"{{"id":{note},"pinned":true}}"#), Access::Changes),
            ("/api/person_note_revisions", format!(r#"{{"id":{open_note}}}"#), Access::Reads),
            ("/api/delete_person_note", format!(r#"{{"id":{note}}}"#), Access::Changes),
            ("/api/new_interaction_options", r#"{"person":1,"reply_to":null}"#.into(), Access::Changes),
            ("/api/record_interaction", r#"{"form":{"person_id":"1","type_id":"1","description":"Checked","note":"A note","occurred_at":"2026-01-01T10:00","reply_to":""}}"#.into(), Access::Changes),
            ("/api/mark_posted_in_error", r#"{"id":7,"reason":"Wrong person"}"#.into(), Access::Changes),
            ("/api/withdraw_posted_in_error", r#"{"id":7}"#.into(), Access::Changes),
            ("/api/api_token_settings", "{}".into(), Access::AdminReads),
            ("/api/create_api_token", format!(r#"{{"name":"Gateway","staff_id":{}}}"#, ids[ADMIN]), Access::Changes),
            ("/api/revoke_api_token", r#"{"id":1}"#.into(), Access::Changes),
            ("/api/assign_action_options", r#"{"person":1,"interaction":null}"#.into(), Access::Changes),
            ("/api/search_assignees", r#"{"q":"a"}"#.into(), Access::Changes),
            ("/api/assign_action", action(ids[ADMIN]), Access::Changes),
            ("/api/get_action", r#"{"id":1}"#.into(), Access::Reads),
            ("/api/edit_action", format!(r#"{{"id":1,"version":1,{}"#, &action(ids[ADMIN])[1..]), Access::Changes),
            ("/api/complete_action", format!(r#"{{"id":1,"form":{{"summary":"Done as asked","done_on":"{today}"}}}}"#), Access::Changes),
            ("/api/assign_action", action(ids[ADMIN]), Access::Changes),
            ("/api/delete_action", r#"{"id":2}"#.into(), Access::Changes),
            ("/api/list_actions", actions_query("Mine"), Access::Reads),
            ("/api/list_actions", actions_query("Outstanding"), Access::AdminReads),
            ("/api/my_action_counts", "{}".into(), Access::Reads),
            ("/api/get_home", "{}".into(), Access::Reads),
            ("/api/my_notifications", "{}".into(), Access::Reads),
            ("/api/print_log", r#"{"query":{"q":"","sort":"Timestamp","dir":null,"types":[],"page":"First","person":null}}"#.into(), Access::Reads),
            ("/api/list_reports", "{}".into(), Access::AdminReads),
            ("/api/type_usage_report", r#"{"query":{"from":"","to":"","period":"","staff":"","team":""}}"#.into(), Access::AdminReads),
            ("/api/staff_activity_report", r#"{"query":{"from":"","to":"","period":"","staff":"","team":""}}"#.into(), Access::AdminReads),
            ("/api/last_contact_report", r#"{"query":{"kind":"","months":"","sort":"","dir":"","offset":""}}"#.into(), Access::AdminReads),
            ("/api/person_last_contact", r#"{"person_id":1}"#.into(), Access::Reads),
            ("/api/profile_actions_report", r#"{"query":{"status":"","types":"","assignee":"","person":"","due_from":"","due_to":"","done_from":"","done_to":"","overdue":"","sort":"","dir":"","offset":""}}"#.into(), Access::AdminReads),
        ];
        let registered: std::collections::BTreeSet<String> =
            leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_string()).collect();
        let listed: std::collections::BTreeSet<String> = calls.iter().map(|c| c.0.to_string()).collect();
        assert_eq!(registered, listed, "every server function must be listed here, with its access");

        let read_only = sign_in(&app, READ_ONLY).await;
        let before = snapshot(&app.store).await;
        for (path, body, access) in &calls {
            let (status, text) = send_as(&app, None, post_json(path, body)).await;
            assert_eq!((status, text.as_str()), (StatusCode::UNAUTHORIZED, r#""Unauthenticated""#), "{path}");
            let (status, text) = send_as(&app, Some(&read_only), post_json(path, body)).await;
            if *access == Access::Reads {
                assert_eq!(status, StatusCode::OK, "{path} as Read-only: {text}");
            } else {
                assert_eq!((status, text.as_str()), (StatusCode::FORBIDDEN, r#""Forbidden""#), "{path} as Read-only");
            }
        }
        assert_eq!(snapshot(&app.store).await, before, "a refused call changed something");
        let denials: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = 'permission_denied'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert_eq!(denials, calls.iter().filter(|c| c.2 != Access::Reads).count() as i64);
        // The same calls as the admin succeed: the refusals above were the
        // checks at work, not bad arguments.
        for (path, body, _) in &calls {
            let (status, text) = send(&app, post_json(path, body)).await;
            assert_eq!(status, StatusCode::OK, "{path} as admin: {text}");
        }
        assert_ne!(snapshot(&app.store).await, before);
    }


    fn the_interactions_api_answers_in_json_with_the_right_status(app) {
        let ids = staff_ids(&app.store).await;
        let tom = ids[STAFF];
        let (status, made) = send(&app, post_json("/api/create_api_token", &format!(r#"{{"name":"Mail gateway","staff_id":{tom}}}"#))).await;
        assert_eq!(status, StatusCode::OK, "{made}");
        let token = serde_json::from_str::<serde_json::Value>(&made).unwrap()["token"].as_str().unwrap().to_string();
        let (status, ada) = send(&app, post_json("/api/add_person", r#"{"person":{"name":"Ada Quill","email":"Ada@Example.org","phone":""}}"#)).await;
        assert_eq!(status, StatusCode::OK, "{ada}");
        let ada: i64 = ada.parse().unwrap();
        let interactions = || async { sqlx::query_scalar::<_, i64>("SELECT count(*) FROM interactions").fetch_one(app.store.pool()).await.unwrap() };
        let before = interactions().await;

        let api = |token: Option<&str>, key: Option<&str>, content_type: &str, body: String| {
            let mut request = Request::post("/api/v1/interactions").header(header::CONTENT_TYPE, content_type);
            if let Some(token) = token {
                request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
            }
            if let Some(key) = key {
                request = request.header("idempotency-key", key);
            }
            request.body(Body::from(body)).unwrap()
        };
        let call = |token: Option<&str>, key: Option<&str>, body: &str| api(token, key, "application/json", body.to_string());
        let json = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap_or_else(|e| panic!("{e}: {text}"));
        let good = r#"{"person":"ada@example.org","type":"phone CALL","note":"Rang about the rent arrears.\nWill call back.","source":"call"}"#;

        // 201, by email and type name, description made from the note.
        let (status, location, body) = respond(&app, None, call(Some(&token), Some("k-1"), good)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let created = json(&body);
        let id = created["id"].as_i64().unwrap();
        assert_eq!(location, format!("/interactions/{id}"));
        assert_eq!(created["person_id"].as_i64(), Some(ada));
        assert_eq!(created["description"], "Rang about the rent arrears.");
        assert_eq!(created["logged_by"].as_i64(), Some(tom));
        assert_eq!(created["completed_by"].as_i64(), Some(tom));
        assert_eq!(created["source"], "call");
        // The same key again: the same interaction, not a second one.
        let (status, _, again) = respond(&app, None, call(Some(&token), Some("k-1"), good)).await;
        assert_eq!((status, json(&again)["id"].as_i64()), (StatusCode::CREATED, Some(id)));
        let other = good.replace("Rang", "Emailed");
        let (status, _, reused) = respond(&app, None, call(Some(&token), Some("k-1"), &other)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{reused}");
        assert!(json(&reused)["error"].as_str().unwrap().contains("different request"));
        assert_eq!(interactions().await, before + 1);

        // By id, with a description and a time.
        let body = format!(r#"{{"person":{ada},"type":1,"description":"Emailed the form","note":"Sent the form.","occurred_at":"2026-01-05T09:30:00Z","source":"email"}}"#);
        let (status, _, text) = respond(&app, None, call(Some(&token), None, &body)).await;
        assert_eq!(status, StatusCode::CREATED, "{text}");
        assert_eq!(json(&text)["occurred_at"], "2026-01-05T09:30:00Z");
        assert_eq!(interactions().await, before + 2);

        // Every refusal is JSON with its status, and records nothing.
        let cases: Vec<(Option<&str>, String, StatusCode, &str)> = vec![
            (None, good.into(), StatusCode::UNAUTHORIZED, "Send an API token"),
            (Some("il_not-a-token"), good.into(), StatusCode::UNAUTHORIZED, "not valid"),
            (Some(&token), "{not json".into(), StatusCode::BAD_REQUEST, "not valid JSON"),
            (Some(&token), r#"{"person":1,"type":1,"note":"x","source":"fax"}"#.into(), StatusCode::BAD_REQUEST, "expected shape"),
            (Some(&token), r#"{"person":1,"type":1,"note":"x","source":"call","colour":"red"}"#.into(), StatusCode::BAD_REQUEST, "expected shape"),
            (Some(&token), format!(r#"{{"person":{ada},"type":1,"note":"   ","source":"call"}}"#), StatusCode::BAD_REQUEST, "The note cannot be empty."),
            (Some(&token), format!(r#"{{"person":{ada},"type":1,"note":"x","occurred_at":"2999-01-01T00:00:00Z","source":"call"}}"#), StatusCode::BAD_REQUEST, "cannot be in the future"),
            (Some(&token), format!(r#"{{"person":{ada},"type":1,"note":"x","occurred_at":"yesterday","source":"call"}}"#), StatusCode::BAD_REQUEST, "RFC 3339"),
            // The form's rules hold for the API too: no year 0000.
            (Some(&token), format!(r#"{{"person":{ada},"type":1,"note":"x","occurred_at":"0000-01-01T00:00:00Z","source":"call"}}"#), StatusCode::BAD_REQUEST, "after 1900"),
            (Some(&token), format!(r#"{{"person":{ada},"type":1,"note":"x","occurred_at":"1899-12-31T23:59:59Z","source":"call"}}"#), StatusCode::BAD_REQUEST, "after 1900"),
            (Some(&token), r#"{"person":999999,"type":1,"note":"x","source":"call"}"#.into(), StatusCode::NOT_FOUND, "no person with id 999999"),
            (Some(&token), r#"{"person":"nobody@example.org","type":1,"note":"x","source":"call"}"#.into(), StatusCode::NOT_FOUND, "Nobody on record"),
            (Some(&token), format!(r#"{{"person":{ada},"type":"Teleport","note":"x","source":"call"}}"#), StatusCode::NOT_FOUND, "no interaction type"),
            // Tom is in Casework; warnings are kept to the front desk.
            (Some(&token), format!(r#"{{"person":{ada},"type":"Warning","note":"x","source":"call"}}"#), StatusCode::FORBIDDEN, "kept to teams"),
            (Some(&token), format!(r#"{{"person":{ada},"type":1,"note":"{}","source":"call"}}"#, "x".repeat(140 * 1024)), StatusCode::PAYLOAD_TOO_LARGE, "limited to"),
        ];
        for (token, body, want, message) in cases {
            let (status, _, text) = respond(&app, None, call(token, None, &body)).await;
            assert_eq!(status, want, "{text}");
            assert!(json(&text)["error"].as_str().unwrap().contains(message), "{want}: {text}");
        }
        let (status, _, text) = respond(&app, None, call(Some(&token), None, &format!(r#"{{"person":{ada},"type":1,"note":" ","occurred_at":"soon","source":"call"}}"#))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let fields = &json(&text)["fields"];
        assert!(fields["note"].is_string() && fields["occurred_at"].is_string(), "every bad field is named: {text}");
        let (status, _, _) = respond(&app, None, api(Some(&token), None, "text/plain", good.into())).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let (status, _, text) = respond(&app, None, call(Some(&token), Some("bad key"), good)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
        // A deleted type: understood, but not possible.
        sqlx::query("UPDATE interaction_types SET deleted_at = 1 WHERE name = 'Visit'").execute(app.store.pool()).await.unwrap();
        let (status, _, text) = respond(&app, None, call(Some(&token), None, &format!(r#"{{"person":{ada},"type":"visit","note":"x","source":"other"}}"#))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
        assert_eq!(interactions().await, before + 2, "no refused request recorded anything");
        // For a colleague; and not for someone who is not staff.
        let admin = ids[ADMIN];
        let for_alex = format!(r#"{{"person":{ada},"type":1,"note":"Alex met Ada.","source":"other","completed_by":{admin}}}"#);
        let (status, _, body) = respond(&app, None, call(Some(&token), None, &for_alex)).await;
        assert_eq!((status, json(&body)["completed_by"].as_i64()), (StatusCode::CREATED, Some(admin)), "{body}");
        let nobody = format!(r#"{{"person":{ada},"type":1,"note":"Nobody met Ada.","source":"other","completed_by":999999}}"#);
        let (status, _, body) = respond(&app, None, call(Some(&token), None, &nobody)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

        // Revoked: the token stops working at once.
        let token_id = json(&made)["id"].as_i64().unwrap();
        let (status, _) = send(&app, post_json("/api/revoke_api_token", &format!(r#"{{"id":{token_id}}}"#))).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _, _) = respond(&app, None, call(Some(&token), None, good)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        // The OpenAPI document describes the endpoint and its security.
        let (status, doc) = send_as(&app, None, get("/api/v1/openapi.json")).await;
        assert_eq!(status, StatusCode::OK);
        let doc = json(&doc);
        let post = &doc["paths"]["/api/v1/interactions"]["post"];
        for code in ["201", "400", "401", "403", "404", "413", "422"] {
            assert!(post["responses"][code].is_object(), "{code} is documented");
        }
        assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
        assert!(doc["components"]["schemas"]["NewInteractionRequest"]["properties"]["note"].is_object());
    }

    fn the_new_interaction_form_works_without_javascript(app) {
        let form = |fields: &[(&str, &str)]| {
            let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
            Request::post("/interactions/new?person=3")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap()
        };
        let good = [
            ("person_id", "3"),
            ("type_id", "1"),
            ("description", "Rang about the <b>rent</b>"),
            ("note", "Talked it through.\nWill write."),
            ("occurred_at", "2026-01-05T09:30"),
            ("reply_to", ""),
        ];
        let (status, location, _) = respond(&app, Some(&app.admin), form(&good)).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let id: i64 = sqlx::query_scalar("SELECT max(id) FROM interactions").fetch_one(app.store.pool()).await.unwrap();
        assert_eq!(location, format!("/people/3?recorded={id}"));
        let (status, profile) = send(&app, get(&location)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(profile.contains("Rang about the &lt;b&gt;rent&lt;/b&gt;"), "the new row is on the profile, escaped");

        // Refused: the form comes back with what was typed and what to fix.
        let tom = sign_in(&app, STAFF).await;
        let read_only = sign_in(&app, READ_ONLY).await;
        let before = snapshot(&app.store).await;
        let bad = [("person_id", "3"), ("type_id", "1"), ("description", "Kept text"), ("note", "  "), ("occurred_at", "2999-01-01T10:00")];
        let (status, _, html) = respond(&app, Some(&app.admin), form(&bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(html.contains(r#"value="Kept text""#), "what was typed is kept");
        assert!(html.contains("The note cannot be empty.") && html.contains("cannot be in the future"), "{html}");
        // A type kept to other teams, as a staff member outside them.
        let warning: i64 = sqlx::query_scalar("SELECT id FROM interaction_types WHERE name = 'Warning'").fetch_one(app.store.pool()).await.unwrap();
        let warning = warning.to_string();
        let kept = [("person_id", "3"), ("type_id", warning.as_str()), ("description", "Warned"), ("note", "Warned."), ("occurred_at", "2026-01-05T09:30")];
        let (status, _, html) = respond(&app, Some(&tom), form(&kept)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(html.contains("kept to teams you are not in"), "{html}");
        let (status, _, _) = respond(&app, Some(&read_only), form(&good)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, location, _) = respond(&app, None, form(&good)).await;
        assert_eq!((status, location.starts_with("/login")), (StatusCode::SEE_OTHER, true));
        assert_eq!(snapshot(&app.store).await, before, "nothing refused was recorded");

        // For a colleague: Tom had it, Alex logs it. The log, the detail page
        // and the CSV say so.
        let ids = staff_ids(&app.store).await;
        let tom_id = ids[STAFF].to_string();
        let for_tom = [("person_id", "3"), ("type_id", "1"), ("description", "Quokka visit for Tom"), ("note", "Tom met them."), ("occurred_at", "2026-01-05T09:30"), ("completed_by", tom_id.as_str())];
        let (status, location, _) = respond(&app, Some(&app.admin), form(&for_tom)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
        let (_, log) = send(&app, get("/log?q=quokka")).await;
        assert!(log.contains("Tom Whitaker (logged by Alex Morgan)"), "{log}");
        let id: i64 = sqlx::query_scalar("SELECT max(id) FROM interactions").fetch_one(app.store.pool()).await.unwrap();
        let (_, detail) = send(&app, get(&format!("/interactions/{id}"))).await;
        assert!(detail.contains("Completed by") && detail.contains("Tom Whitaker"), "{detail}");
        let (_, csv) = send(&app, get("/log/export.csv?q=quokka")).await;
        assert!(csv.contains(",Completed by,Logged by,") && csv.contains(",Tom Whitaker,Alex Morgan,"), "{csv}");
        // Filtered by who had it or who logged it, as a plain form sends
        // it (a field per choice): the page, its chips, the CSV and the print.
        let alex_id = ids[ADMIN].to_string();
        let (_, log) = send(&app, get(&format!("/log?q=quokka&completed_by={tom_id}&completed_by={alex_id}"))).await;
        assert!(log.contains("Quokka visit for Tom"), "{log}");
        assert!(log.contains("Completed by: Tom Whitaker") && log.contains("Completed by: Alex Morgan"), "{log}");
        assert!(log.contains(&format!(r#"href="/log?q=quokka&amp;completed_by={alex_id}""#)), "a chip removes its filter: {log}");
        let (_, log) = send(&app, get(&format!("/log?q=quokka&logged_by={tom_id}"))).await;
        assert!(!log.contains("Quokka visit for Tom") && log.contains("No interactions match this view."), "{log}");
        let (_, csv) = send(&app, get(&format!("/log/export.csv?q=quokka&logged_by={alex_id}"))).await;
        assert!(csv.contains("Quokka visit for Tom"), "{csv}");
        let (_, csv) = send(&app, get(&format!("/log/export.csv?q=quokka&completed_by={alex_id}"))).await;
        assert!(!csv.contains("Quokka visit for Tom"), "{csv}");
        let (_, print) = send(&app, get(&format!("/log/print?completed_by={tom_id}"))).await;
        assert!(print.contains("Quokka visit for Tom"), "{print}");
        let (_, print) = send(&app, get(&format!("/log/print?q=quokka&completed_by={alex_id}"))).await;
        assert!(!print.contains("Quokka visit for Tom"), "{print}");
        // Not a colleague: refused, next to the field, nothing written.
        let before = snapshot(&app.store).await;
        for (colleague, message) in [("someone", "Choose who had the interaction from the list."), ("999999", "no active staff member")] {
            let bad = [("person_id", "3"), ("type_id", "1"), ("description", "For nobody"), ("note", "Nobody."), ("occurred_at", "2026-01-05T09:30"), ("completed_by", colleague)];
            let (status, _, html) = respond(&app, Some(&app.admin), form(&bad)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{colleague}");
            assert!(html.contains(message), "{colleague}: {html}");
        }
        assert_eq!(snapshot(&app.store).await, before);
    }

    fn a_restricted_record_is_not_found_by_anyone_it_is_kept_from(app) {
        const GRACE: &str = "grace.okafor@example.org";
        let grace = sign_in(&app, GRACE).await;
        let tom = sign_in(&app, STAFF).await;
        let team = |name: &str| {
            let store = app.store.clone();
            let name = name.to_string();
            async move {
                sqlx::query_scalar::<_, i64>("SELECT id FROM teams WHERE name = $1").bind(name).fetch_one(store.pool()).await.unwrap()
            }
        };
        let (health, front) = (team("Health and wellbeing").await.to_string(), team("Front desk").await.to_string());
        // Recorded with the plain form (no WASM), kept to two teams.
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("person_id", "3"),
                ("type_id", "1"),
                ("description", "Kestrel team-only visit"),
                ("note", "Kestrel details."),
                ("occurred_at", "2026-01-05T09:30"),
                ("visibility", "teams"),
                ("teams", health.as_str()),
                ("teams", front.as_str()),
            ])
            .finish();
        let request = Request::post("/interactions/new?person=3")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let (status, _, _) = respond(&app, Some(&grace), request).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let id: i64 = sqlx::query_scalar("SELECT max(id) FROM interactions").fetch_one(app.store.pool()).await.unwrap();
        let path = format!("/interactions/{id}");

        // Grace (the team) reads it, with its lock in words; Tom finds
        // nothing there at all: not the page, the log, a search, an export
        // or the server function.
        let (status, html) = send_as(&app, Some(&grace), get(&path)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Teams: Front desk, Health and wellbeing"), "{html}");
        let (status, html) = send_as(&app, Some(&tom), get(&path)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("There is no interaction with this id.") && !html.contains("Kestrel"));
        for page in ["/log?q=kestrel", "/people/3", "/log/export.csv?q=kestrel", "/log/print?q=kestrel"] {
            let (status, seen) = send_as(&app, Some(&grace), get(page)).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert!(seen.contains("Kestrel"), "{page} for the team");
            let (status, unseen) = send_as(&app, Some(&tom), get(page)).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert!(!unseen.contains("Kestrel"), "{page} for someone outside the team");
        }
        let (status, text) = send_as(&app, Some(&tom), post_json("/api/get_interaction", &format!(r#"{{"id":{id}}}"#))).await;
        assert_eq!((status, text.as_str()), (StatusCode::OK, "null"));
        let (status, _) = send_as(&app, Some(&tom), post_json("/api/change_visibility", &format!(r#"{{"id":{id},"visibility":"AllStaff"}}"#))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = send_as(&app, Some(&tom), post_json("/api/rename_description", &format!(r#"{{"id":{id},"description":"Seen"}}"#))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Bad choices are refused, naming the field, and write nothing.
        let before = snapshot(&app.store).await;
        for (visibility, teams) in [("teams", vec![]), ("teams", vec!["999999"]), ("everyone", vec![]), ("teams", vec!["x"])] {
            let mut pairs = vec![
                ("person_id", "3"), ("type_id", "1"), ("description", "Refused"), ("note", "Refused."),
                ("occurred_at", "2026-01-05T09:30"), ("visibility", visibility),
            ];
            pairs.extend(teams.iter().map(|t| ("teams", *t)));
            let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
            let request = Request::post("/interactions/new?person=3")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap();
            let (status, _, html) = respond(&app, Some(&grace), request).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{visibility} {teams:?}: {html}");
            assert!(html.contains("Who can read it"), "the form again");
        }
        let (status, text) = send_as(&app, Some(&grace), post_json("/api/change_visibility", &format!(r#"{{"id":{id},"visibility":{{"Teams":[]}}}}"#))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
        let (status, text) = send_as(&app, Some(&grace), post_json("/api/change_visibility", &format!(r#"{{"id":{id},"visibility":{{"Teams":[999999]}}}}"#))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
        assert_eq!(snapshot(&app.store).await, before, "nothing refused was written");

        // Tom may not change someone else's record; Grace widens hers.
        let (status, _) = send_as(&app, Some(&tom), post_json("/api/change_visibility", r#"{"id":7,"visibility":"Private"}"#)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, row) = send_as(&app, Some(&grace), post_json("/api/change_visibility", &format!(r#"{{"id":{id},"visibility":"AllStaff"}}"#))).await;
        assert_eq!(status, StatusCode::OK, "{row}");
        let (status, _) = send_as(&app, Some(&tom), get(&path)).await;
        assert_eq!(status, StatusCode::OK);

        // The JSON API takes a visibility too.
        let grace_id: i64 = sqlx::query_scalar("SELECT id FROM staff_members WHERE email = $1").bind(GRACE).fetch_one(app.store.pool()).await.unwrap();
        let (_, made) = send(&app, post_json("/api/create_api_token", &format!(r#"{{"name":"Clinic feed","staff_id":{grace_id}}}"#))).await;
        let token = serde_json::from_str::<serde_json::Value>(&made).unwrap()["token"].as_str().unwrap().to_string();
        let api = |body: String| {
            Request::post("/api/v1/interactions")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::from(body))
                .unwrap()
        };
        let (status, made) = send_as(&app, None, api(r#"{"person":3,"type":1,"note":"Kestrel by API","source":"call","visibility":"private"}"#.into())).await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        let made: serde_json::Value = serde_json::from_str(&made).unwrap();
        assert_eq!(made["visibility"], "private");
        let (status, _) = send_as(&app, Some(&tom), get(made["url"].as_str().unwrap())).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, made) = send_as(&app, None, api(format!(r#"{{"person":3,"type":1,"note":"Kestrel","source":"call","visibility":"teams","teams":[{health}]}}"#))).await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        for bad in [r#""visibility":"teams""#, r#""visibility":"secret""#, r#""teams":[1]"#] {
            let (status, text) = send_as(&app, None, api(format!(r#"{{"person":3,"type":1,"note":"x","source":"call",{bad}}}"#))).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {text}");
            assert!(text.contains(r#""visibility""#), "{text}");
        }
        let (status, text) = send_as(&app, None, api(r#"{"person":3,"type":1,"note":"x","source":"call","visibility":"teams","teams":[999999]}"#.into())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    }

    fn a_custom_role_grants_what_its_stored_permissions_say(app) {
        let ids = staff_ids(&app.store).await;
        let (status, made) = send(&app, post_json("/api/create_role", r#"{"name":"Visitor","permissions":["ViewInteractions"]}"#)).await;
        assert_eq!(status, StatusCode::OK, "{made}");
        let visitor: i64 = made.parse().unwrap();
        let give = format!(r#"{{"id":{},"role_id":{visitor},"team_ids":[]}}"#, ids[STAFF]);
        let (status, text) = send(&app, post_json("/api/update_staff_member", &give)).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let tom = sign_in(&app, STAFF).await;
        let record = post_json("/api/record_interaction", r#"{"form":{"person_id":"1","type_id":"1","description":"Logged by a visitor","note":"Came in to look around","occurred_at":"2026-01-01T10:00","reply_to":""}}"#);
        let (status, _) = send_as(&app, Some(&tom), record).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, html) = send_as(&app, Some(&tom), get("/log")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains(r#"href="/interactions/new""#), "New interaction is offered to a role without it");
        assert!(html.contains("Visitor"), "the header names the role");

        // Widened: the same session may record at once (permissions are read
        // from the stored role on every request).
        let widen = format!(r#"{{"id":{visitor},"name":"Visitor","permissions":["ViewInteractions","CreateInteractions"],"version":1}}"#);
        let (status, text) = send(&app, post_json("/api/update_role", &widen)).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let (status, text) = send(&app, post_json("/api/update_role", &widen)).await;
        assert_eq!(status, StatusCode::CONFLICT, "a stale edit: {text}");
        let record = post_json("/api/record_interaction", r#"{"form":{"person_id":"1","type_id":"1","description":"Logged by a visitor","note":"Came in to look around","occurred_at":"2026-01-01T10:00","reply_to":""}}"#);
        let (status, text) = send_as(&app, Some(&tom), record).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let (_, html) = send_as(&app, Some(&tom), get("/log")).await;
        assert!(html.contains(r#"href="/interactions/new""#));

        // Refusals: a built-in role, a role still held, an unknown role, a
        // bad name; none writes anything.
        for (path, body, expected) in [
            ("/api/update_role", r#"{"id":1,"name":"Admin","permissions":[],"version":1}"#.to_string(), StatusCode::UNPROCESSABLE_ENTITY),
            ("/api/delete_role", format!(r#"{{"id":{visitor},"version":2}}"#), StatusCode::UNPROCESSABLE_ENTITY),
            ("/api/delete_role", r#"{"id":999,"version":1}"#.to_string(), StatusCode::NOT_FOUND),
            ("/api/update_staff_member", format!(r#"{{"id":{},"role_id":999,"team_ids":[]}}"#, ids[STAFF]), StatusCode::BAD_REQUEST),
            ("/api/create_role", r#"{"name":"  ","permissions":[]}"#.to_string(), StatusCode::BAD_REQUEST),
            ("/api/create_role", r#"{"name":"visitor","permissions":[]}"#.to_string(), StatusCode::BAD_REQUEST),
            ("/api/create_role", r#"{"name":"Root","permissions":["Everything"]}"#.to_string(), StatusCode::BAD_REQUEST),
        ] {
            let (status, text) = send(&app, post_json(path, &body)).await;
            assert_eq!(status, expected, "{path} {body}: {text}");
        }
        let (status, html) = send(&app, get("/settings/roles")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Visitor") && html.contains("Held by 1 staff member") && html.contains("Built in"));
        let (status, _) = send_as(&app, Some(&tom), get("/settings/roles")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // An office lead who may manage staff, and nothing else, cannot hand
        // out (or take) more than that: no role with other permissions, no
        // Admin; a role within their own they may give.
        let (_, lead) = send(&app, post_json("/api/create_role", r#"{"name":"Office lead","permissions":["ViewInteractions","ManageStaff"]}"#)).await;
        let give = format!(r#"{{"id":{},"role_id":{lead},"team_ids":[]}}"#, ids[STAFF]);
        assert_eq!(send(&app, post_json("/api/update_staff_member", &give)).await.0, StatusCode::OK);
        let tom = sign_in(&app, STAFF).await;
        let before = snapshot(&app.store).await;
        for (path, body) in [
            ("/api/create_role", r#"{"name":"All of it","permissions":["ViewInteractions","ManageStaff","SeeRestricted"]}"#.to_string()),
            ("/api/update_role", format!(r#"{{"id":{lead},"name":"Office lead","permissions":["ViewInteractions","ManageStaff","SeeRestricted"],"version":1}}"#)),
            ("/api/update_staff_member", format!(r#"{{"id":{},"role_id":1,"team_ids":[]}}"#, ids[STAFF])),
            ("/api/add_staff_member", r#"{"member":{"name":"Ann Other","email":"ann.other@example.org","role_id":1,"team_ids":[],"password":"long enough password"}}"#.to_string()),
        ] {
            let (status, text) = send_as(&app, Some(&tom), post_json(path, &body)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {text}");
            assert!(text.contains("do not hold yourself"), "{text}");
        }
        assert_eq!(snapshot(&app.store).await, before, "nothing refused was written");
        let (status, text) = send_as(&app, Some(&tom), post_json("/api/update_staff_member", &format!(r#"{{"id":{},"role_id":4,"team_ids":[]}}"#, ids[READ_ONLY]))).await;
        assert_eq!(status, StatusCode::OK, "{text}");
    }

    fn a_person_s_details_are_corrected_against_the_version_seen_and_audited(app) {
        let tom = sign_in(&app, STAFF).await;
        let read_only = sign_in(&app, READ_ONLY).await;
        let (status, made) = send(&app, post_json("/api/add_person", r#"{"person":{"name":"Ada Quill","email":"ada@example.org","phone":""}}"#)).await;
        assert_eq!(status, StatusCode::OK, "{made}");
        let ada: i64 = made.parse().unwrap();
        let edit = |form: &str, version: i64| post_json("/api/update_person", &format!(r#"{{"id":{ada},"form":{form},"version":{version}}}"#));
        let good = r#"{"name":"Ada Quill","email":"ada.q@example.org","phone":"020 7946 0958","preferred_name":"Addie","date_of_birth":"1984-03-09","address":"1 Lane\nTown"}"#;
        let (status, saved) = send_as(&app, Some(&tom), edit(good, 1)).await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        let saved: serde_json::Value = serde_json::from_str(&saved).unwrap();
        assert_eq!((saved["version"].as_i64(), saved["email"].as_str()), (Some(2), Some("ada.q@example.org")));
        let (status, html) = send_as(&app, Some(&tom), get(&format!("/people/{ada}"))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Addie") && html.contains("1984-03-09") && html.contains("ada.q@example.org"));
        let audit: String = sqlx::query_scalar("SELECT details FROM audit_events WHERE action = 'person_changed' ORDER BY id DESC LIMIT 1")
            .fetch_one(app.store.pool()).await.unwrap();
        assert!(audit.contains("email: ada@example.org → ada.q@example.org"), "{audit}");
        assert!(audit.contains("date of birth: none → 1984-03-09"), "{audit}");
        assert!(!audit.starts_with("name:") && !audit.contains("; name:"), "the unchanged name is not listed: {audit}");

        // Refused: a stale version (409), bad fields (400, each named), an
        // email on someone else's profile, a stranger, a read-only user, an
        // unknown person. Nothing is written.
        let (_, other) = send(&app, post_json("/api/add_person", r#"{"person":{"name":"Bo Reed","email":"bo@example.org","phone":""}}"#)).await;
        assert!(other.parse::<i64>().is_ok(), "{other}");
        let before = snapshot(&app.store).await;
        let (status, text) = send_as(&app, Some(&tom), edit(r#"{"name":"Ada Older"}"#, 1)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{text}");
        let (status, text) = send_as(&app, Some(&tom), edit(r#"{"name":" ","email":"ada@","date_of_birth":"2999-01-01","phone":"call me"}"#, 2)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        for field in ["name", "email", "date_of_birth", "phone"] {
            assert!(text.contains(&format!("\"{field}\"")), "{field} in {text}");
        }
        let (status, text) = send_as(&app, Some(&tom), edit(r#"{"name":"Ada Quill","email":"BO@example.org"}"#, 2)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
        let (status, _) = send_as(&app, Some(&read_only), edit(good, 2)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = send_as(&app, None, edit(good, 2)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = send_as(&app, Some(&tom), post_json("/api/update_person", &format!(r#"{{"id":999999,"form":{good},"version":1}}"#))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(snapshot(&app.store).await, before, "nothing refused was written");
    }

    fn people_pages_are_server_rendered(app) {
        let (status, _) = send(&app, post_json("/api/add_person", r#"{"person":{"name":"Zed <Quill>","email":"","phone":"020 7946 0000"}}"#)).await;
        assert_eq!(status, StatusCode::OK);
        let (status, html) = send(&app, get("/people?q=quill")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Zed &lt;Quill&gt;") && html.contains("1 person"), "{html}");
        let (status, _) = send(&app, get("/people/999999")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        for bad in [r#"{"name":"  ","email":"","phone":""}"#, r#"{"name":"Ok","email":"nope","phone":""}"#, r#"{"name":"Ok","email":"","phone":"call me"}"#] {
            let (status, text) = send(&app, post_json("/api/add_person", &format!(r#"{{"person":{bad}}}"#))).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {text}");
        }
        let (status, text) = send(&app, post_json("/api/mark_posted_in_error", r#"{"id":7,"reason":"   "}"#)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
        let (status, _) = send(&app, post_json("/api/mark_posted_in_error", r#"{"id":999999,"reason":"x"}"#)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = send(&app, post_json("/api/mark_posted_in_error", r#"{"id":7,"reason":"Wrong person"}"#)).await;
        assert_eq!(status, StatusCode::OK);
        let (_, html) = send(&app, get("/interactions/7")).await;
        assert!(html.contains("Posted in error") && html.contains("Wrong person"), "the detail page says who, when and why");
    }

    fn actions_refuse_bad_input_and_strangers_and_render_on_the_server(app) {
        let ids = staff_ids(&app.store).await;
        let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::London).date_naive();
        let form = |assignee: i64, instructions: &str, due: &str| format!(
            r#"{{"form":{{"person_id":1,"interaction_id":null,"type_id":1,"assignee_id":{assignee},"instructions":"{instructions}","due_on":"{due}","notify_creator":false}}}}"#
        );
        let actions = || async { sqlx::query_scalar::<_, i64>("SELECT count(*) FROM actions").fetch_one(app.store.pool()).await.unwrap() };
        let in_days = |days: i64| (today + chrono::Duration::days(days)).to_string();
        for (body, message) in [
            (form(ids[ADMIN], "  ", &in_days(1)), "The instructions cannot be empty."),
            (form(ids[ADMIN], "Ring", "2026-02-30"), "must be a date on the calendar"),
            (form(ids[ADMIN], "Ring", &in_days(3000)), "at most five years ahead"),
            (form(ids[ADMIN], "Ring", &in_days(-400)), "at most a year ago"),
            (form(ids[READ_ONLY], "Ring", &in_days(1)), "cannot be given actions"),
            (form(999_999, "Ring", &in_days(1)), "no staff member"),
        ] {
            let (status, text) = send(&app, post_json("/api/assign_action", &body)).await;
            assert!(status.is_client_error(), "{body}: {status}");
            assert!(text.contains(message), "{body}: {text}");
        }
        assert_eq!(actions().await, 0, "nothing refused was written");

        // Alex assigns to Tom; another staff member may not complete it.
        let (status, id) = send(&app, post_json("/api/assign_action", &form(ids[STAFF], "Ring <b>Ada</b> back", &in_days(-1)))).await;
        assert_eq!(status, StatusCode::OK, "{id}");
        let id: i64 = id.parse().unwrap();
        let tom = sign_in(&app, STAFF).await;
        let (status, text) = send_as(&app, Some(&tom), post_json("/api/complete_action", &format!(r#"{{"id":{id},"form":{{"summary":"Done","done_on":"{}"}}}}"#, in_days(1)))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "a date in the future: {text}");
        assert!(text.contains("cannot be in the future"), "{text}");
        let (status, text) = send_as(&app, Some(&tom), post_json("/api/delete_action", &format!(r#"{{"id":{id}}}"#))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "only the creator or a manager deletes: {text}");
        let (status, counts) = send_as(&app, Some(&tom), post_json("/api/my_action_counts", "{}")).await;
        assert_eq!((status, counts.as_str()), (StatusCode::OK, r#"{"outstanding":1,"overdue":1}"#));
        let (status, text) = send(&app, post_json("/api/list_actions", &format!(r#"{{"query":{{"tab":"Mine","q":"{}","types":[],"assignee":null,"from":"","to":"","sort":null,"dir":null,"offset":0}}}}"#, "x".repeat(201)))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");

        // Pages render on the server, escaped, with the overdue mark in words.
        let (status, html) = send_as(&app, Some(&tom), get(&format!("/actions/{id}"))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Ring &lt;b&gt;Ada&lt;/b&gt; back") && html.contains("Overdue"), "{html}");
        let (status, html) = send_as(&app, Some(&tom), get("/")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("My pending actions") && html.contains("Ring &lt;b&gt;Ada&lt;/b&gt; back"), "{html}");
        let (status, html) = send_as(&app, Some(&tom), get("/actions?tab=completed")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("0 actions"), "{html}");
        let (status, _) = send(&app, get("/actions/999999")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    fn exports_hold_the_whole_view_and_are_audited(app) {
        use std::io::Cursor;
        // Signed out: to sign-in, and back to the export after.
        let (status, location, _) = respond(&app, None, get("/log/export.csv?q=call")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location, "/login?next=%2Flog%2Fexport.csv%3Fq%3Dcall");

        // A description a spreadsheet would run as a formula stays text.
        let ids = staff_ids(&app.store).await;
        app.store.rename_description(7, "=HYPERLINK(\"http://evil.example\")", &app::server::store::Reader::everything(), ids[ADMIN], app::server::time::now_millis()).await.unwrap();

        let download = |path: &'static str, cookie: String| {
            let router = app.router.clone();
            async move {
                let mut request = get(path);
                request.headers_mut().insert(header::COOKIE, cookie.parse().unwrap());
                let response = router.oneshot(request).await.unwrap();
                let (status, headers) = (response.status(), response.headers().clone());
                let body = to_bytes(response.into_body(), 64 * 1024 * 1024).await.unwrap().to_vec();
                (status == StatusCode::OK, headers, body)
            }
        };
        let store = app.store.clone();
        let log_ids_as = move |q: app::log::LogQuery, reader: app::server::store::Reader| {
            let store = store.clone();
            async move { store.export_interactions(&q, &reader, chrono_tz::Europe::London, 100_000).await.unwrap().rows }
        };
        let log_ids = |q: app::log::LogQuery| log_ids_as(q, app::server::store::Reader::everything());

        // CSV: every row of the view (more than one page), in the view's order.
        let (ok, headers, body) = download("/log/export.csv?sort=person&dir=asc", app.admin.clone()).await;
        assert!(ok, "{}", String::from_utf8_lossy(&body));
        assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(disposition.starts_with("attachment; filename=\"interlog-log-") && disposition.ends_with(".csv\""), "{disposition}");
        assert_eq!(headers[header::CACHE_CONTROL], "private, no-store");
        assert!(body.starts_with(b"\xEF\xBB\xBF"), "UTF-8 byte-order mark for Excel");
        let mut reader = csv::Reader::from_reader(&body[3..]);
        assert_eq!(&reader.headers().unwrap()[1], "When (Europe/London)");
        let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        let expected = log_ids(app::log::LogQuery { sort: app::log::SortColumn::Person, dir: Some(app::log::SortDir::Asc), ..Default::default() }).await;
        assert_eq!(records.len(), 150, "all 150 interactions, not one page");
        assert_eq!(records.iter().map(|r| r[0].parse::<i64>().unwrap()).collect::<Vec<_>>(), expected.iter().map(|r| r.id).collect::<Vec<_>>());
        let seven = records.iter().find(|r| &r[0] == "7").unwrap();
        assert_eq!(&seven[3], "'=HYPERLINK(\"http://evil.example\")");
        assert_eq!(&seven[11], "yes", "renamed");
        let first = &expected[0];
        assert_eq!((&records[0][4], &records[0][7]), (first.person_name.as_str(), first.logged_by_name.as_str()));
        assert_eq!(&records[0][6], first.completed_by());

        // Excel: a real workbook, with real dates, for one type.
        let (ok, headers, body) = download("/log/export.xlsx?types=1", app.admin.clone()).await;
        assert!(ok, "{}", String::from_utf8_lossy(&body));
        assert!(headers[header::CONTENT_TYPE].to_str().unwrap().contains("spreadsheetml"));
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(body)).unwrap();
        let sheet = calamine::Reader::worksheet_range(&mut book, "Interactions").unwrap();
        let expected = log_ids(app::log::LogQuery { types: vec![1], ..Default::default() }).await;
        assert!(!expected.is_empty());
        assert_eq!(sheet.height(), expected.len() + 1);
        assert_eq!(sheet.get((0, 3)).unwrap().to_string(), "Description");
        assert_eq!(sheet.get((1, 0)).unwrap().to_string(), expected[0].id.to_string());
        assert_eq!(sheet.get((1, 3)).unwrap().to_string(), expected[0].description);
        assert!(matches!(sheet.get((1, 1)).unwrap(), calamine::Data::DateTime(_)), "{:?}", sheet.get((1, 1)));
        assert!(sheet.rows().skip(1).all(|r| r[2].to_string() == expected[0].kind.name));

        // PDF, as Read-only (viewing is enough), of one person's log.
        let person = expected[0].person_id;
        let olivia = sign_in(&app, READ_ONLY).await;
        let path: &'static str = Box::leak(format!("/log/export.pdf?person={person}").into_boxed_str());
        let (ok, headers, body) = download(path, olivia).await;
        assert!(ok, "{}", String::from_utf8_lossy(&body));
        assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
        // Asked for compression as a browser asks, a PDF still streams as
        // written, whole: its pages are deflated already.
        let mut request = get(path);
        request.headers_mut().insert(header::COOKIE, app.admin.parse().unwrap());
        request.headers_mut().insert(header::ACCEPT_ENCODING, "gzip, br".parse().unwrap());
        let response = app.router.clone().oneshot(request).await.unwrap();
        assert!(response.headers().get(header::CONTENT_ENCODING).is_none());
        let whole = to_bytes(response.into_body(), 64 << 20).await.unwrap();
        assert!(whole.trim_ascii_end().ends_with(b"%%EOF"));
        assert!(body.starts_with(b"%PDF-") && body.trim_ascii_end().ends_with(b"%%EOF"));
        let lines = pdf_text(&body);
        assert_eq!(lines[0], "Interaction log");
        assert_eq!(lines[1], format!("Person: {} · Sorted by Timestamp, newest first", expected[0].person_name));
        // Olivia reads what she may open: the restricted rows are not hers.
        let as_olivia = app.store.reader_by_id(staff_ids(&app.store).await[READ_ONLY]).await.unwrap();
        let theirs = log_ids_as(app::log::LogQuery { person: Some(person), ..Default::default() }, as_olivia).await;
        // Headings, then the first row's cells: id first.
        let first_cell = lines.iter().position(|l| l == "Tags").unwrap() + 1;
        assert_eq!(lines[first_cell], theirs[0].id.to_string());
        assert!(lines.iter().any(|l| l == "Page 1 of 1"), "{lines:?}");

        // An unknown person is 404, and nothing is exported.
        let (status, _, body) = respond(&app, Some(&app.admin), get("/log/export.csv?person=999999")).await;
        assert_eq!((status, body.as_str()), (StatusCode::NOT_FOUND, "Not found."));

        // Each export is in the audit log: who, which format, which view.
        let audited: Vec<(String, Option<i64>)> = sqlx::query_as(
            "SELECT details, actor_id FROM audit_events WHERE action = 'log_exported' ORDER BY id",
        )
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        assert_eq!(audited.len(), 4, "{audited:?}");
        assert_eq!(audited[0], ("CSV, 150 interactions: Sorted by Person, A to Z".to_string(), Some(ids[ADMIN])));
        assert!(audited[1].0.starts_with(&format!("Excel, {} interactions: Types: ", expected.len())), "{:?}", audited[1]);
        assert_eq!(audited[2].1, Some(ids[READ_ONLY]));
        assert_eq!(audited[3].1, Some(ids[ADMIN]), "the compressed request's PDF");

        // The log's filters travel in the export's query string and are
        // named in the audit log.
        let (status, body) = send(&app, post_json("/api/mark_posted_in_error", r#"{"id":5,"reason":"Wrong person"}"#)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (ok, _, body) = download("/log/export.csv?from=2000-01-01&source=staff&error=hide", app.admin.clone()).await;
        assert!(ok, "{}", String::from_utf8_lossy(&body));
        let ids_in = |body: &[u8]| -> Vec<i64> {
            csv::Reader::from_reader(&body[3..]).records().map(|r| r.unwrap()[0].parse().unwrap()).collect()
        };
        let filtered = app::log::LogQuery {
            from: "2000-01-01".into(),
            source: Some(app::recording::Source::Staff),
            posted_in_error: app::log::ErrorFilter::Hidden,
            ..Default::default()
        };
        let expected = log_ids(filtered).await;
        let in_error: i64 = sqlx::query_scalar("SELECT count(*) FROM interactions WHERE error_marked_at IS NOT NULL")
            .fetch_one(app.store.pool()).await.unwrap();
        assert_eq!(in_error, 1);
        let by_hand: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM interactions WHERE source = 'staff' AND error_marked_at IS NULL",
        )
        .fetch_one(app.store.pool()).await.unwrap();
        assert!(by_hand < 150 - in_error, "the demo captured some of its rows");
        assert_eq!(expected.len() as i64, by_hand, "the rows entered by hand, this century, not posted in error");
        assert_eq!(ids_in(&body), expected.iter().map(|r| r.id).collect::<Vec<_>>());
        let details: String = sqlx::query_scalar("SELECT details FROM audit_events WHERE action = 'log_exported' ORDER BY id DESC LIMIT 1")
            .fetch_one(app.store.pool()).await.unwrap();
        assert_eq!(
            details,
            format!(
                "CSV, {} interactions: From 1 Jan 2000 · Source: Entered by hand · Posted in error: hidden · \
                 Sorted by Timestamp, newest first",
                expected.len()
            )
        );
        let (ok, _, body) = download("/log/export.csv?error=only&replies=only", app.admin.clone()).await;
        assert!(ok);
        let expected = log_ids(app::log::LogQuery { posted_in_error: app::log::ErrorFilter::Only, replies_only: true, ..Default::default() }).await;
        assert_eq!(ids_in(&body), expected.iter().map(|r| r.id).collect::<Vec<_>>());
        // A day not on the calendar, or a range the wrong way round, is
        // refused by name on the page, its server function and the export,
        // and the typed text stays text.
        for (query, named) in [
            ("from=%3Cimg%20src%3Dx", "From must be a date on the calendar"),
            ("from=2026-02-30", "From must be a date on the calendar"),
            ("from=2026-03-02&to=2026-03-01", "To must be on or after From."),
        ] {
            for path in ["/log", "/log/export.csv"] {
                let (status, _, body) = respond(&app, Some(&app.admin), get(&format!("{path}?{query}"))).await;
                assert_eq!(status, StatusCode::BAD_REQUEST, "{path}?{query}");
                assert!(body.contains(named) && !body.contains("<img src=x"), "{path}?{query}: {body}");
            }
        }
        let reversed = r#"{"query":{"from":"2026-03-02","to":"2026-03-01"}}"#;
        let (status, body) = send(&app, post_json("/api/list_interactions", reversed)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.contains("To must be on or after From."), "{body}");

        // The print view renders the whole view on the server, escaped.
        let (status, html) = send(&app, get("/log/print?q=hyperlink")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("=HYPERLINK(&quot;http://evil.example&quot;)") || html.contains("=HYPERLINK(\"http://evil.example\")"), "{html}");
        assert!(html.contains("1 interaction<"), "{html}");
    }

    fn reports_are_for_managers_refuse_bad_filters_by_name_and_export_their_numbers(app) {
        let usage = |query: &str| post_json("/api/type_usage_report", &format!(r#"{{"query":{query}}}"#));
        let all_time = r#"{"from":"2020-01-01","to":"2029-12-31","period":"quarter","staff":"","team":""}"#;
        let (status, json) = send(&app, usage(all_time)).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        let report: app::reports::TypeUsage = serde_json::from_str(&json).unwrap();
        let posted_in_error: i64 = sqlx::query_scalar("SELECT count(*) FROM interactions WHERE error_marked_at IS NOT NULL")
            .fetch_one(app.store.pool()).await.unwrap();
        assert_eq!(report.total, 150 - posted_in_error, "the admin is counted every interaction not posted in error");

        // Managers have the permission; staff do not, on the page, the
        // server function and the download alike.
        let priya = sign_in(&app, "priya.shah@example.org").await;
        let (status, _) = send_as(&app, Some(&priya), usage(all_time)).await;
        assert_eq!(status, StatusCode::OK);
        let tom = sign_in(&app, STAFF).await;
        let (status, body) = send_as(&app, Some(&tom), usage(all_time)).await;
        assert_eq!((status, body.as_str()), (StatusCode::FORBIDDEN, r#""Forbidden""#));
        let (status, _) = send_as(&app, Some(&tom), get("/reports/type-usage.csv")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, html) = send_as(&app, Some(&tom), get("/reports/type-usage")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(html.contains("You do not have permission"), "{html}");
        let (status, html) = send_as(&app, Some(&tom), get("/log")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("href=\"/reports\""), "staff are not offered the reports");
        let (_, html) = send_as(&app, Some(&priya), get("/reports")).await;
        assert!(html.contains("href=\"/reports/type-usage\""), "{html}");

        // Bad filters: 400 and the field named, never a 500.
        for (query, says) in [
            (r#"{"from":"2026-05-01","to":"2026-04-01","period":"","staff":"","team":""}"#, "From must be on or before To"),
            (r#"{"from":"2001-01-01","to":"2026-04-01","period":"","staff":"","team":""}"#, "at most 10 years"),
            (r#"{"from":"","to":"2026-13-01","period":"","staff":"","team":""}"#, "To must be a date"),
            (r#"{"from":"","to":"","period":"daily","staff":"","team":""}"#, "Period must be"),
            (r#"{"from":"","to":"","period":"","staff":"424242","team":""}"#, "Staff member"),
            (r#"{"from":"","to":"","period":"","staff":"","team":"-1"}"#, "Team"),
        ] {
            let (status, body) = send(&app, usage(query)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
            assert!(body.contains(says), "{query}: {body}");
        }
        let (status, body) = send(&app, get("/reports/type-usage.csv?from=2026-05-01&to=2026-04-01")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body.contains("From must be on or before To"), "{body}");
        let (status, html) = send(&app, get("/reports/type-usage?period=daily")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(html.contains("Period must be week, month or quarter."), "{html}");

        // The download holds the page's numbers: a row per quarter, a
        // column per type, and the totals.
        let (status, csv) = send(&app, get("/reports/type-usage.csv?from=2020-01-01&to=2029-12-31&period=quarter")).await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        let headings: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(headings[..3], ["Quarter", "From", "To"]);
        assert_eq!(headings.len(), report.rows.len() + 4);
        let lines: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
        assert_eq!(lines.len(), report.periods.len() + 1);
        let totals = lines.last().unwrap();
        assert_eq!(totals[0], "Total");
        assert_eq!(totals.last().unwrap(), &report.total.to_string());
        for (i, row) in report.rows.iter().enumerate() {
            assert_eq!(totals[i + 3], row.total.to_string(), "{}", row.kind.name);
        }
        let (status, xlsx) = send(&app, get("/reports/type-usage.xlsx?period=week")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(xlsx.starts_with("PK"), "an Excel file is a zip");
        let audited: Vec<String> = sqlx::query_scalar("SELECT details FROM audit_events WHERE action = 'report_exported' ORDER BY id")
            .fetch_all(app.store.pool()).await.unwrap();
        assert_eq!(audited.len(), 2, "{audited:?}");
        assert!(audited.iter().all(|a| a.contains("Type usage")), "{audited:?}");
        assert!(audited[0].starts_with("CSV: Type usage, 1 Jan 2020 to 31 Dec 2029 · Everyone · per quarter"), "{audited:?}");

        // Last contact: a threshold of 0 or 1,000 months is a 400 that says why.
        let contact = |query: &str| post_json("/api/last_contact_report", &format!(r#"{{"query":{query}}}"#));
        for months in ["0", "1000"] {
            let (status, body) = send(&app, contact(&format!(r#"{{"kind":"","months":"{months}","sort":"","dir":"","offset":""}}"#))).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            assert!(body.contains("Months must be a whole number from 1 to 120."), "{body}");
        }
        let (status, body) = send(&app, get("/reports/last-contact.csv?months=1000")).await;
        assert_eq!((status, body.as_str()), (StatusCode::BAD_REQUEST, "Months must be a whole number from 1 to 120."));
        let (status, json) = send(&app, contact(r#"{"kind":"","months":"1","sort":"","dir":"","offset":""}"#)).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        let listed: app::reports::LastContact = serde_json::from_str(&json).unwrap();
        let (status, csv) = send(&app, get(&format!("/reports/last-contact.csv?type={}&months=1", listed.kind.id))).await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').trim_end().lines().collect();
        assert_eq!(lines[0], format!("Person ID,Person,Last {},Days since", listed.kind.name));
        assert_eq!(lines.len() as i64 - 1, listed.total);
        let (status, _) = send_as(&app, Some(&tom), get("/reports/last-contact.xlsx")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The Profile Actions Report: managers, not staff; its download
        // holds every action it counts.
        let (status, json) = send_as(&app, Some(&priya), post_json("/api/profile_actions_report", r#"{"query":{"status":"","types":"","assignee":"","person":"","due_from":"","due_to":"","done_from":"","done_to":"","overdue":"","sort":"","dir":"","offset":""}}"#)).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        let actions: app::reports::ActionsReport = serde_json::from_str(&json).unwrap();
        let (status, csv) = send_as(&app, Some(&priya), get("/reports/actions.csv")).await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        assert_eq!(reader.headers().unwrap().get(0), Some("Action ID"));
        assert_eq!(reader.records().count() as i64, actions.total);
        let (status, _) = send_as(&app, Some(&tom), get("/reports/actions.xlsx")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, body) = send(&app, get("/reports/actions.csv?due_from=2026-05-02&due_to=2026-05-01")).await;
        assert_eq!((status, body.as_str()), (StatusCode::BAD_REQUEST, "Due from must be on or before Due to."));
        let (status, pdf) = send_as(&app, Some(&priya), get("/reports/actions.pdf?status=outstanding")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(pdf.starts_with("%PDF-") && pdf.trim_end().ends_with("%%EOF"), "a whole PDF");
        let (status, _) = send_as(&app, Some(&tom), get("/reports/actions.pdf")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Staff activity: a row per colleague, and the download's totals
        // are the page's.
        let (status, json) = send(&app, post_json("/api/staff_activity_report", &format!(r#"{{"query":{all_time}}}"#))).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        let activity: app::reports::StaffActivity = serde_json::from_str(&json).unwrap();
        assert_eq!(activity.interaction_totals.iter().sum::<i64>(), report.total, "every interaction is someone's");
        let (status, csv) = send(&app, get("/reports/staff-activity.csv?from=2020-01-01&to=2029-12-31&period=quarter")).await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), ["Staff member", "Staff ID", "Quarter", "From", "To", "Interactions", "Actions completed"]);
        let lines: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
        let totals = lines.last().unwrap();
        assert_eq!(totals[5], report.total.to_string());
        assert_eq!(totals[6], activity.action_totals.iter().sum::<i64>().to_string());
        assert_eq!(lines.len(), activity.rows.len() * activity.periods.len() + 1);
        let (status, _) = send_as(&app, Some(&tom), get("/reports/staff-activity.xlsx")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, html) = send(&app, get("/reports/staff-activity?team=-1")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(html.contains("Team: there is no such team."), "{html}");
        let (status, html) = send(&app, get("/reports/staff-activity")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("data-testid=\"activity-actions\""), "{html}");

        // The page draws the chart on the server, one colour per type used.
        let (status, html) = send(&app, get("/reports/type-usage?from=2020-01-01&to=2029-12-31&period=quarter")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("<svg") && html.contains("role=\"img\""), "{html}");
        for row in report.rows.iter().filter(|r| r.total > 0) {
            assert!(html.contains(&format!("fill=\"{}\"", row.kind.colour)), "{} has no segment", row.kind.name);
        }
    }
}
