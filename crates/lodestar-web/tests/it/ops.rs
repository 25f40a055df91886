//! Health, metrics, the OpenAPI document and the headers every response carries.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use serde_json::Value;

use crate::support::api_tests;

/// Every route the API router serves (crates/lodestar-web/src/api/mod.rs) and the
/// operations routes, as OpenAPI writes them.
const ROUTES: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("post", "/api/v1/auth/invitation"),
    ("get", "/api/v1/me"),
    ("delete", "/api/v1/me"),
    ("get", "/api/v1/me/export"),
    ("get", "/api/v1/me/profile"),
    ("patch", "/api/v1/me/profile"),
    ("get", "/api/v1/me/recommendations"),
    ("get", "/api/v1/me/blocks"),
    ("put", "/api/v1/me/blocks/{id}"),
    ("delete", "/api/v1/me/blocks/{id}"),
    ("post", "/api/v1/me/password"),
    ("get", "/api/v1/me/tokens"),
    ("post", "/api/v1/me/tokens"),
    ("delete", "/api/v1/me/tokens/{id}"),
    ("get", "/api/v1/me/sessions"),
    ("delete", "/api/v1/me/sessions/{id}"),
    ("post", "/api/v1/me/sessions/revoke-all"),
    ("get", "/api/v1/me/busy-calendar"),
    ("post", "/api/v1/me/busy-calendar/refresh"),
    ("get", "/api/v1/me/calendar"),
    ("post", "/api/v1/me/calendar/reset"),
    ("post", "/api/v1/mentorships/{id}/sessions"),
    ("get", "/api/v1/mentorships/{id}/sessions"),
    ("post", "/api/v1/mentorships/{id}/action-items"),
    ("get", "/api/v1/mentorships/{id}/action-items"),
    ("get", "/api/v1/mentorships/{id}/board"),
    ("get", "/api/v1/sessions/{id}"),
    ("patch", "/api/v1/sessions/{id}"),
    ("post", "/api/v1/sessions/{id}/cancel"),
    ("post", "/api/v1/sessions/{id}/outcome"),
    ("get", "/api/v1/sessions/{id}/invite.ics"),
    ("post", "/api/v1/sessions/{id}/notes"),
    ("get", "/api/v1/sessions/{id}/notes"),
    ("patch", "/api/v1/action-items/{id}"),
    ("get", "/api/v1/me/notifications"),
    ("post", "/api/v1/me/notifications/read"),
    ("get", "/api/v1/me/notification-preferences"),
    ("put", "/api/v1/me/notification-preferences"),
    ("get", "/api/v1/people"),
    ("get", "/api/v1/people/{id}"),
    ("get", "/api/v1/skills"),
    ("post", "/api/v1/skills"),
    ("get", "/api/v1/skills/{skill}"),
    ("patch", "/api/v1/skills/{skill}"),
    ("post", "/api/v1/skills/{skill}/merge"),
    ("post", "/api/v1/requests"),
    ("get", "/api/v1/requests"),
    ("get", "/api/v1/requests/{id}"),
    ("post", "/api/v1/requests/{id}/accept"),
    ("post", "/api/v1/requests/{id}/decline"),
    ("post", "/api/v1/requests/{id}/withdraw"),
    ("post", "/api/v1/requests/{id}/approve"),
    ("post", "/api/v1/requests/{id}/reject"),
    ("get", "/api/v1/programmes/{id}/requests"),
    ("get", "/api/v1/programmes/{id}/mentors"),
    ("get", "/api/v1/me/accepting-requests"),
    ("put", "/api/v1/me/accepting-requests"),
    ("get", "/api/v1/mentorships"),
    ("get", "/api/v1/mentorships/{id}"),
    ("patch", "/api/v1/mentorships/{id}"),
    ("post", "/api/v1/mentorships/{id}/pause"),
    ("post", "/api/v1/mentorships/{id}/resume"),
    ("post", "/api/v1/mentorships/{id}/complete"),
    ("post", "/api/v1/mentorships/{id}/cancel"),
    ("get", "/api/v1/admin/stalled-mentorships"),
    ("get", "/api/v1/threads"),
    ("get", "/api/v1/threads/{id}/messages"),
    ("post", "/api/v1/threads/{id}/messages"),
    ("post", "/api/v1/threads/{id}/read"),
    ("patch", "/api/v1/messages/{id}"),
    ("delete", "/api/v1/messages/{id}"),
    ("post", "/api/v1/messages/{id}/report"),
    ("get", "/api/v1/me/messaging"),
    ("put", "/api/v1/me/messaging"),
    ("get", "/api/v1/admin/reports"),
    ("post", "/api/v1/admin/reports/{id}/actions"),
    ("get", "/api/v1/admin/suspensions"),
    ("delete", "/api/v1/admin/suspensions/{id}"),
    ("get", "/api/v1/admin/webhooks"),
    ("post", "/api/v1/admin/webhooks"),
    ("get", "/api/v1/admin/webhooks/{id}"),
    ("delete", "/api/v1/admin/webhooks/{id}"),
    ("patch", "/api/v1/admin/webhooks/{id}"),
    ("post", "/api/v1/admin/webhooks/{id}/secret"),
    ("get", "/api/v1/admin/webhooks/{id}/deliveries"),
    ("post", "/api/v1/admin/webhooks/deliveries/{id}/retry"),
    ("get", "/api/v1/admin/audit"),
    ("get", "/api/v1/me/availability"),
    ("put", "/api/v1/me/availability"),
    ("get", "/api/v1/mentorships/{id}/slots"),
    ("post", "/api/v1/mentorships/{id}/bookings"),
    ("get", "/api/v1/mentors/{id}/one-off-slots"),
    ("post", "/api/v1/mentors/{id}/one-off-bookings"),
    ("post", "/api/v1/me/goals"),
    ("get", "/api/v1/me/goals"),
    ("get", "/api/v1/me/goals/{id}"),
    ("patch", "/api/v1/me/goals/{id}"),
    ("delete", "/api/v1/me/goals/{id}"),
    ("post", "/api/v1/me/goals/{id}/milestones"),
    ("patch", "/api/v1/me/goals/{id}/milestones/{milestone_id}"),
    ("delete", "/api/v1/me/goals/{id}/milestones/{milestone_id}"),
    ("get", "/api/v1/me/goals/{id}/comments"),
    ("post", "/api/v1/me/goals/{id}/comments"),
    ("get", "/api/v1/people/{id}/goals"),
    ("post", "/api/v1/me/check-ins"),
    ("get", "/api/v1/me/check-ins"),
    ("get", "/api/v1/people/{id}/check-ins"),
    ("get", "/api/v1/me/check-in-plan"),
    ("put", "/api/v1/me/check-in-plan"),
    ("get", "/api/v1/people/{id}/progress"),
    ("post", "/api/v1/me/assessments"),
    ("get", "/api/v1/me/assessments"),
    ("patch", "/api/v1/me/assessments/{id}"),
    ("delete", "/api/v1/me/assessments/{id}"),
    ("get", "/api/v1/people/{id}/assessments"),
    ("post", "/api/v1/people/{id}/assessments"),
    ("post", "/api/v1/mentorships/{id}/feedback"),
    ("get", "/api/v1/mentorships/{id}/feedback"),
    ("post", "/api/v1/mentorships/{id}/feedback-requests"),
    ("get", "/api/v1/me/feedback"),
    ("get", "/api/v1/me/feedback/{id}"),
    ("post", "/api/v1/me/feedback/{id}/acknowledge"),
    ("post", "/api/v1/me/feedback/{id}/goal"),
    ("post", "/api/v1/me/feedback/{id}/step"),
    ("post", "/api/v1/me/outcomes"),
    ("get", "/api/v1/me/outcomes"),
    ("patch", "/api/v1/me/outcomes/{id}"),
    ("delete", "/api/v1/me/outcomes/{id}"),
    ("get", "/api/v1/people/{id}/outcomes"),
    ("get", "/api/v1/me/growth/export"),
    ("get", "/api/v1/me/growth/export/{part}.csv"),
    ("get", "/api/v1/me/events"),
    ("get", "/api/v1/roles"),
    ("post", "/api/v1/roles"),
    ("get", "/api/v1/roles/{id}"),
    ("patch", "/api/v1/roles/{id}"),
    ("get", "/api/v1/me/career"),
    ("put", "/api/v1/me/career"),
    ("get", "/api/v1/me/career/gap"),
    ("get", "/api/v1/me/career/close-roles"),
    ("get", "/api/v1/me/career/steps"),
    ("post", "/api/v1/me/career/steps"),
    ("patch", "/api/v1/me/career/steps/{id}"),
    ("delete", "/api/v1/me/career/steps/{id}"),
    ("post", "/api/v1/me/career/steps/{id}/goal"),
    ("post", "/api/v1/connections"),
    ("get", "/api/v1/connections"),
    ("post", "/api/v1/connections/{id}/accept"),
    ("delete", "/api/v1/connections/{id}"),
    ("get", "/api/v1/people/{id}/connections"),
    ("get", "/api/v1/me/network"),
    ("put", "/api/v1/me/network"),
    ("get", "/api/v1/me/paths"),
    ("post", "/api/v1/introductions"),
    ("get", "/api/v1/introductions"),
    ("get", "/api/v1/introductions/{id}"),
    ("post", "/api/v1/introductions/{id}/accept"),
    ("post", "/api/v1/introductions/{id}/decline"),
    ("post", "/api/v1/introductions/ask"),
    ("post", "/api/v1/introductions/asks/{id}/decline"),
    ("post", "/api/v1/introductions/asks/{id}/withdraw"),
    ("post", "/api/v1/opportunities"),
    ("get", "/api/v1/opportunities"),
    ("get", "/api/v1/opportunities/{id}"),
    ("put", "/api/v1/opportunities/{id}"),
    ("delete", "/api/v1/opportunities/{id}"),
    ("post", "/api/v1/opportunities/{id}/close"),
    ("post", "/api/v1/opportunities/{id}/share"),
    ("put", "/api/v1/opportunities/{id}/status"),
    ("put", "/api/v1/opportunities/{id}/pin"),
    ("get", "/api/v1/me/opportunities"),
    ("get", "/api/v1/me/opportunities/digest"),
    ("put", "/api/v1/me/opportunities/digest"),
    ("post", "/api/v1/programmes"),
    ("get", "/api/v1/programmes"),
    ("get", "/api/v1/programmes/{id}"),
    ("put", "/api/v1/programmes/{id}"),
    ("delete", "/api/v1/programmes/{id}"),
    ("post", "/api/v1/programmes/{id}/enrolments"),
    ("get", "/api/v1/programmes/{id}/enrolments"),
    ("post", "/api/v1/programmes/{id}/invitation"),
    ("get", "/api/v1/enrolments/{id}"),
    ("delete", "/api/v1/enrolments/{id}"),
    ("post", "/api/v1/enrolments/{id}/approve"),
    ("post", "/api/v1/enrolments/{id}/decline"),
    ("post", "/api/v1/programmes/{id}/match-runs"),
    ("get", "/api/v1/programmes/{id}/match-runs"),
    ("get", "/api/v1/match-runs/{id}"),
    ("patch", "/api/v1/match-runs/{id}"),
    ("post", "/api/v1/match-runs/{id}/publish"),
    ("post", "/api/v1/programmes/{id}/participants/import"),
    ("get", "/api/v1/programmes/{id}/participants.csv"),
    ("get", "/api/v1/programmes/{id}/matches.csv"),
    ("get", "/api/v1/programmes/{id}/report"),
    ("get", "/api/v1/programmes/{id}/report.csv"),
    ("get", "/healthz"),
    ("get", "/metrics"),
];

api_tests! {
    async fn health_reports_the_database(app) {
        let health = app.get("/healthz", None).await;
        assert_eq!(health.status, StatusCode::OK);
        assert!(health.header("content-type").is_some_and(|v| v.starts_with("application/json")));
        let body = health.json();
        assert_eq!(body["status"], "ok");
        assert_eq!(body["database"], app.app.db.backend().name());
        assert!(body["version"].as_str().is_some_and(|v| !v.is_empty()));
    }

    async fn metrics_count_requests_in_prometheus_format(app) {
        app.get("/healthz", None).await;
        let metrics = app.get("/metrics", None).await;
        assert_eq!(metrics.status, StatusCode::OK);
        assert!(metrics.header("content-type").is_some_and(|v| v.starts_with("text/plain")));
        let text = metrics.text();
        assert!(text.contains("lodestar_http_requests_total"), "{text}");
        assert!(text.contains("route=\"/healthz\""), "{text}");
        assert!(text.contains("lodestar_http_request_duration_seconds"));
    }

    async fn the_openapi_document_describes_every_route(app) {
        let response = app.get("/api/openapi.json", None).await;
        assert_eq!(response.status, StatusCode::OK);
        assert!(response.header("content-type").is_some_and(|v| v.starts_with("application/json")));
        let doc: Value = response.json();
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")), "{}", doc["openapi"]);
        assert_eq!(doc["info"]["title"], "Lodestar API");
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());

        let documented: BTreeSet<(String, String)> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, item)| {
                item.as_object().unwrap().keys().map(move |method| (method.clone(), path.clone()))
            })
            .collect();
        let served: BTreeSet<(String, String)> =
            ROUTES.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
        assert_eq!(documented, served);

        // And every documented operation is really routed (it may refuse, but it exists).
        for (method, path) in &documented {
            let concrete = path
                .replace("{id}", "00000000-0000-0000-0000-000000000000")
                .replace("{milestone_id}", "00000000-0000-0000-0000-000000000000")
                .replace("{skill}", "rust")
                .replace("{part}", "goals");
            let method: Method = method.to_uppercase().parse().unwrap();
            let response = app
                .raw(method.clone(), &concrete, "application/json", "{}", None)
                .await;
            assert_ne!(response.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {concrete}");
            if response.status == StatusCode::NOT_FOUND {
                let body = response.json();
                assert_ne!(body["error"]["message"], "API endpoint not found", "{method} {concrete}");
            }
        }
    }

    async fn every_response_carries_a_request_id(app) {
        let made = app.get("/healthz", None).await;
        let id = made.header("x-request-id").expect("an id is made");
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
        let other = app.get("/healthz", None).await;
        assert_ne!(other.header("x-request-id"), Some(id), "a new id per request");

        let request = crate::support::TestApp::request(Method::GET, "/api/v1/me", None)
            .header("x-request-id", "trace-me-123")
            .body(axum::body::Body::empty())
            .unwrap();
        let kept = app.send(request).await;
        assert_eq!(kept.header("x-request-id"), Some("trace-me-123"), "a given id is kept");
        assert_eq!(kept.status, StatusCode::UNAUTHORIZED);
        assert_eq!(kept.header("x-content-type-options"), Some("nosniff"));
        assert!(kept.header("content-security-policy").is_some());
        assert_eq!(kept.header("cache-control"), Some("no-store"), "errors are not cached");
    }

    async fn the_api_reference_page_renders(app) {
        let page = app.get("/api/docs", None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.header("content-type").is_some_and(|v| v.starts_with("text/html")));
        assert!(page.text().contains("/api/v1/auth/login"));
    }
}
