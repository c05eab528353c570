//! The hostile-input suite: every text a user can type is filled with
//! payloads an attacker would try, then every page and export that shows it
//! is fetched. No payload may reach the HTML unescaped, and no request may
//! answer 5xx. The pages are a registry checked against the app's routes, so
//! a new page without coverage fails here.

use super::*;

/// What an attacker types. Each is tried in every field; a field whose
/// rules refuse one (a 4xx with a reason) is fine, a 5xx is not.
fn payloads() -> Vec<String> {
    vec![
        "</title><script>alert('title')</script>".into(),
        "</script><script>alert('script')</script>".into(),
        "\"><img src=x onerror=alert('attr')>".into(),
        "'><svg onload=alert('single')>".into(),
        "javascript:alert('url')".into(),
        "bell\u{7} escape\u{1b}[31m nul\u{0} delete\u{7f}".into(),
        "\u{202E}gnp.exe\u{202C} \u{200F}rtl".into(),
        format!("<b>long</b>{}", "x".repeat(10 * 1024)),
    ]
}

/// Markup that must never appear as markup: it would run or inject.
const FORBIDDEN: &[&str] =
    &["<script>alert(", "<img src=x", "<svg onload", "<b>long</b>", "href=\"javascript:", "src=\"javascript:", "\u{0}"];

/// Every page the app routes, by its route pattern, with the concrete URLs
/// fetched for it. `{person}`, `{interaction}` and `{action}` are the ids
/// of records that hold the payloads, `{staff}` a colleague named by one.
const PAGES: &[(&str, &[&str])] = &[
    ("/", &["/"]),
    ("/login", &["/login?next=%2Flog"]),
    ("/logout", &["/logout"]),
    (
        "/log",
        &[
            "/log",
            "/log?q=alert",
            "/log?q=x&sort=description",
            "/log?sort=person",
            "/log?sort=logged_by",
            // Filter chips name a hostile colleague.
            "/log?completed_by={staff}&logged_by={staff}&source=email&error=only&replies=only",
        ],
    ),
    ("/log/print", &["/log/print?q=alert", "/log/print?person={person}", "/log/print?completed_by={staff}&error=hide"]),
    ("/interactions/new", &["/interactions/new", "/interactions/new?person={person}&reply_to={interaction}"]),
    ("/interactions/{id}", &["/interactions/{interaction}"]),
    ("/actions", &["/actions", "/actions?tab=outstanding", "/actions?tab=completed", "/actions?q=alert"]),
    ("/actions/new", &["/actions/new?person={person}&interaction={interaction}"]),
    ("/actions/{id}", &["/actions/{action}"]),
    ("/notifications", &["/notifications"]),
    ("/people", &["/people", "/people?q=alert"]),
    ("/people/{id}", &["/people/{person}"]),
    ("/reports", &["/reports"]),
    ("/reports/type-usage", &["/reports/type-usage", "/reports/type-usage?period=week&from=2020-01-06&team={team}"]),
    ("/reports/last-contact", &["/reports/last-contact?months=1", "/reports/last-contact?months=120&sort=person"]),
    ("/reports/actions", &["/reports/actions", "/reports/actions?person={person}&status=completed"]),
    ("/reports/staff-activity", &["/reports/staff-activity", "/reports/staff-activity?period=week&team={team}"]),
    ("/settings/api-tokens", &["/settings/api-tokens"]),
    ("/settings/staff", &["/settings/staff"]),
    ("/settings/roles", &["/settings/roles"]),
    ("/settings/audit", &["/settings/audit"]),
    ("/settings/interaction-types", &["/settings/interaction-types"]),
];

/// Downloads that show user text (not pages of the app's router).
const DOWNLOADS: &[&str] = &[
    "/log/export.csv?q=alert",
    "/log/export.xlsx?q=alert",
    "/log/export.pdf?q=alert",
    "/log/export.csv?person={person}",
    "/log/export.pdf?person={person}",
    "/log/export.pdf?logged_by={staff}&from=2000-01-01",
    "/reports/type-usage.csv?period=week",
    "/reports/type-usage.xlsx?period=week",
    "/reports/last-contact.csv?months=1",
    "/reports/last-contact.xlsx?months=1",
    "/reports/actions.csv",
    "/reports/actions.xlsx?person={person}",
    "/reports/actions.pdf",
    "/reports/last-contact.pdf?months=1",
    "/reports/staff-activity.csv",
    "/reports/staff-activity.xlsx?period=week",
];

on_both_engines! {
    fn hostile_text_never_reaches_a_page_unescaped(app) {
        // The registry covers every route the app has.
        let routed: std::collections::BTreeSet<String> = leptos_axum::generate_route_list(app::App)
            .iter()
            .map(|route| route.path().replace(":id", "{id}"))
            .collect();
        let covered: std::collections::BTreeSet<String> = PAGES.iter().map(|(route, _)| route.to_string()).collect();
        assert_eq!(routed, covered, "every page must be listed in PAGES, with URLs that show user text");

        let ids = staff_ids(&app.store).await;
        let admin = ids[ADMIN];
        let (status, made) = send(&app, post_json("/api/create_api_token", &format!(r#"{{"name":"Hostile gateway","staff_id":{admin}}}"#))).await;
        assert_eq!(status, StatusCode::OK, "{made}");
        let token = serde_json::from_str::<serde_json::Value>(&made).unwrap()["token"].as_str().unwrap().to_string();
        let now = chrono::Utc::now().with_timezone(&chrono_tz::Europe::London);
        let when = now.format("%Y-%m-%dT%H:%M").to_string();
        let today = now.date_naive();

        let mut accepted = 0;
        let (mut person, mut interaction, mut action, mut team, mut kind, mut staff) = (1, 1, 1, 1, 1, 1);
        for (i, payload) in payloads().iter().enumerate() {
            let text = |field: &str| format!("{payload} {field} {i}");
            let mut calls: Vec<(&str, serde_json::Value)> = vec![
                ("/api/add_person", serde_json::json!({ "person": { "name": text("person"), "email": "", "phone": "" } })),
                ("/api/add_person", serde_json::json!({ "person": { "name": format!("Plain {i}"), "email": text("email"), "phone": text("phone") } })),
                ("/api/add_team", serde_json::json!({ "name": text("team") })),
                ("/api/add_staff_member", serde_json::json!({ "member": { "name": text("staff"), "email": format!("hostile{i}@example.org"), "role_id": 3, "team_ids": [], "password": "long enough password" } })),
                ("/api/create_role", serde_json::json!({ "name": text("role").chars().take(60).collect::<String>(), "permissions": ["ViewInteractions"] })),
                ("/api/add_interaction_type", serde_json::json!({ "name": text("type"), "colour": "#123456", "icon": "note" })),
                ("/api/create_api_token", serde_json::json!({ "name": text("token"), "staff_id": admin })),
            ];
            for (path, body) in calls.drain(..) {
                let (status, answer) = send(&app, post_json(path, &body.to_string())).await;
                assert!(status.is_success() || status.is_client_error(), "{path} with {payload:?}: {status} {answer}");
                if status.is_success() {
                    accepted += 1;
                    if path == "/api/add_person" && body["person"]["name"].as_str().unwrap().contains("person") {
                        person = answer.parse().unwrap();
                    }
                    if path == "/api/add_team" {
                        team = answer.parse().unwrap();
                    }
                    if path == "/api/add_staff_member" {
                        staff = answer.parse().unwrap();
                    }
                    if path == "/api/add_interaction_type" {
                        kind = serde_json::from_str::<serde_json::Value>(&answer).unwrap()["id"].as_i64().unwrap();
                    }
                }
            }
            // The person's other details.
            let details = serde_json::json!({ "id": person, "version": 1, "form": { "name": text("person"), "preferred_name": text("preferred"), "address": text("address") } });
            let (status, answer) = send(&app, post_json("/api/update_person", &details.to_string())).await;
            assert!(status.is_success() || status.is_client_error(), "person's details with {payload:?}: {status} {answer}");
            // A note on the profile, kept to the hostile team (its lock badge names it).
            let note = serde_json::json!({ "person_id": person, "body": text("things to know"), "visibility": { "Teams": [team] } });
            let (status, answer) = send(&app, post_json("/api/add_person_note", &note.to_string())).await;
            assert!(status.is_success() || status.is_client_error(), "note with {payload:?}: {status} {answer}");
            // Kept to the hostile team, so its name is on each row's lock badge.
            let form = serde_json::json!({ "form": { "person_id": person.to_string(), "type_id": kind.to_string(), "description": text("description"), "note": text("note"), "occurred_at": when, "reply_to": "", "visibility": "teams", "teams": [team.to_string()] } });
            let (status, answer) = send(&app, post_json("/api/record_interaction", &form.to_string())).await;
            assert!(status.is_success() || status.is_client_error(), "record with {payload:?}: {status} {answer}");
            if status.is_success() {
                accepted += 1;
                interaction = serde_json::from_str::<(i64, i64)>(&answer).unwrap().0;
            }
            let (status, answer) = send(&app, post_json("/api/rename_description", &serde_json::json!({ "id": interaction, "description": text("renamed") }).to_string())).await;
            assert!(status.is_success() || status.is_client_error(), "rename with {payload:?}: {status} {answer}");
            let action_form = serde_json::json!({ "form": { "person_id": person, "interaction_id": interaction, "type_id": 1, "assignee_id": admin, "instructions": text("instructions"), "due_on": (today + chrono::Duration::days(3)).to_string(), "notify_creator": true } });
            let (status, answer) = send(&app, post_json("/api/assign_action", &action_form.to_string())).await;
            assert!(status.is_success() || status.is_client_error(), "assign with {payload:?}: {status} {answer}");
            if status.is_success() {
                accepted += 1;
                action = answer.parse().unwrap();
                let done = serde_json::json!({ "id": action, "form": { "summary": text("summary"), "done_on": today.to_string() } });
                let (status, answer) = send(&app, post_json("/api/complete_action", &done.to_string())).await;
                assert!(status.is_success() || status.is_client_error(), "complete with {payload:?}: {status} {answer}");
                // One outstanding action keeps its instructions on /actions.
                let (status, answer) = send(&app, post_json("/api/assign_action", &action_form.to_string())).await;
                assert!(status.is_success(), "{answer}");
                action = answer.parse().unwrap();
            }
            let (status, answer) = send(&app, post_json("/api/mark_posted_in_error", &serde_json::json!({ "id": interaction, "reason": text("reason") }).to_string())).await;
            assert!(status.is_success() || status.is_client_error(), "posted in error with {payload:?}: {status} {answer}");
            // The JSON API's text fields.
            let api = serde_json::json!({ "person": person, "type": 1, "description": text("api description"), "note": text("api note"), "source": "email" });
            let mut request = post_json("/api/v1/interactions", &api.to_string());
            request.headers_mut().insert(header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
            let (status, answer) = send_as(&app, None, request).await;
            assert!(status.is_success() || status.is_client_error(), "API with {payload:?}: {status} {answer}");
        }
        assert!(accepted >= 30, "most fields take most payloads: {accepted}");

        let fill = |url: &str| {
            url.replace("{person}", &person.to_string())
                .replace("{interaction}", &interaction.to_string())
                .replace("{action}", &action.to_string())
                .replace("{team}", &team.to_string())
                .replace("{staff}", &staff.to_string())
        };
        let mut shown = 0;
        for url in PAGES.iter().flat_map(|(_, urls)| urls.iter()) {
            let url = fill(url);
            // Signed in, /login goes straight on: it is read signed out.
            let cookie = (!url.starts_with("/login")).then_some(app.admin.as_str());
            let (status, html) = send_as(&app, cookie, get(&url)).await;
            assert!(status.is_success(), "{url}: {status} {html}");
            for forbidden in FORBIDDEN {
                assert!(!html.contains(forbidden), "{url} shows {forbidden:?} unescaped");
            }
            if html.contains("alert(") {
                shown += 1;
            }
        }
        assert!(shown >= 15, "the payloads are on the pages checked (as text): {shown}");
        // Downloads are files, not pages: they hold the text as typed (the
        // CSV's formula guard is tested with the exports), and never fail.
        for url in DOWNLOADS {
            let url = fill(url);
            let (status, body) = send(&app, get(&url)).await;
            assert!(status.is_success(), "{url}: {status} {body}");
        }
    }
}
