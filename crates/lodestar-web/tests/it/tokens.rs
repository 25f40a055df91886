//! Personal API tokens: made with a name and shown once, listed, revoked.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::api_tests;

api_tests! {
    async fn a_new_token_is_shown_once_and_works(app) {
        let login = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let created = app.post_json("/api/v1/me/tokens", json!({"name": "  CI pipeline "}), Some(&login)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
        let created = created.json();
        let secret = created["token_secret"].as_str().unwrap();
        assert!(secret.starts_with("lds_"));
        assert!(secret.len() > 40);
        assert_eq!(created["name"], "CI pipeline");
        assert!(secret.starts_with(created["prefix"].as_str().unwrap()));
        assert!(created["expires_at"].is_null(), "personal tokens do not expire");
        assert!(created["revoked_at"].is_null());

        let me = app.get("/api/v1/me", Some(secret)).await;
        assert_eq!(me.status, StatusCode::OK);
        assert_eq!(me.json()["email"], "ada@example.org");

        let listed = app.get("/api/v1/me/tokens", Some(secret)).await;
        assert_eq!(listed.status, StatusCode::OK);
        let listed = listed.json();
        let listed = listed.as_array().unwrap();
        assert_eq!(listed.len(), 1, "log-in tokens are not listed: {listed:?}");
        assert_eq!(listed[0]["id"], created["id"]);
        assert!(listed[0].get("token_secret").is_none(), "the secret is never shown again");
        assert!(!listed[0].to_string().contains(secret));
        assert!(listed[0]["last_used_at"].as_i64().is_some(), "use is recorded");
    }

    async fn tokens_are_listed_newest_first(app) {
        let login = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        for name in ["first", "second", "third"] {
            app.post_json("/api/v1/me/tokens", json!({"name": name}), Some(&login)).await;
        }
        let listed = app.get("/api/v1/me/tokens", Some(&login)).await.json();
        let names: Vec<&str> = listed.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["third", "second", "first"]);
    }

    async fn a_token_needs_a_name(app) {
        let login = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        app.post_json("/api/v1/me/tokens", json!({"name": "   "}), Some(&login))
            .await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["name"]);
        app.post_json("/api/v1/me/tokens", json!({"name": "x".repeat(81)}), Some(&login))
            .await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["name"]);
        app.post_json("/api/v1/me/tokens", json!({}), Some(&login))
            .await
            .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
        app.post_json("/api/v1/me/tokens", json!({"name": "CI"}), None)
            .await
            .error(StatusCode::UNAUTHORIZED, "unauthenticated");
        app.get("/api/v1/me/tokens", None).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
    }

    async fn a_revoked_token_stops_working(app) {
        let login = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let created = app.post_json("/api/v1/me/tokens", json!({"name": "CI"}), Some(&login)).await.json();
        let (id, secret) = (created["id"].as_str().unwrap(), created["token_secret"].as_str().unwrap());
        assert_eq!(app.get("/api/v1/me", Some(secret)).await.status, StatusCode::OK);

        let revoked = app.delete(&format!("/api/v1/me/tokens/{id}"), Some(&login)).await;
        assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.text());
        app.get("/api/v1/me", Some(secret)).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        let listed = app.get("/api/v1/me/tokens", Some(&login)).await.json();
        assert!(listed[0]["revoked_at"].as_i64().is_some(), "listed as revoked");
        assert_eq!(app.get("/api/v1/me", Some(&login)).await.status, StatusCode::OK, "other tokens keep working");
    }

    async fn someone_elses_token_cannot_be_revoked(app) {
        let ada = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let bob = app.register_and_login("Bob Babbage", "bob@example.org").await;
        let created = app.post_json("/api/v1/me/tokens", json!({"name": "CI"}), Some(&ada)).await.json();
        let (id, secret) = (created["id"].as_str().unwrap(), created["token_secret"].as_str().unwrap());

        let by_bob = app.delete(&format!("/api/v1/me/tokens/{id}"), Some(&bob)).await;
        by_bob.error(StatusCode::NOT_FOUND, "not_found");
        assert_eq!(app.get("/api/v1/me", Some(secret)).await.status, StatusCode::OK, "still works");
        let random = uuid::Uuid::new_v4();
        app.delete(&format!("/api/v1/me/tokens/{random}"), Some(&ada)).await.error(StatusCode::NOT_FOUND, "not_found");
        app.delete("/api/v1/me/tokens/not-an-id", Some(&ada)).await.error(StatusCode::NOT_FOUND, "not_found");
        app.delete(&format!("/api/v1/me/tokens/{id}"), None).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
    }
}
