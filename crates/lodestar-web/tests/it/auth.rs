//! Registering, logging in and out, the signed-in account, and changing the password.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{PASSWORD, api_tests};

api_tests! {
    async fn registering_creates_an_account_and_never_an_admin_not_even_the_first(app) {
        let first = app.register("Ada Lovelace", "Ada@Example.org").await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
        let body = first.json();
        assert_eq!(body["name"], "Ada Lovelace");
        assert_eq!(body["email"], "ada@example.org");
        assert_eq!(body["is_admin"], false, "whoever registers first on an exposed instance is no admin");
        assert!(body["id"].as_str().is_some_and(|id| id.len() == 36));
        assert!(body.get("password_hash").is_none());

        let second = app.register("Bob Babbage", "bob@example.org").await;
        assert_eq!(second.status, StatusCode::CREATED);
        assert_eq!(second.json()["is_admin"], false);
    }

    async fn registering_a_taken_email_is_a_conflict_on_the_email_field(app) {
        app.register("Ada Lovelace", "ada@example.org").await;
        let again = app.register("Another Ada", " ADA@example.org ").await;
        let error = again.field_errors(StatusCode::CONFLICT, "email_taken", &["email"]);
        assert_eq!(error["fields"]["email"], "an account with this email already exists");
    }

    async fn weak_common_or_personal_passwords_are_refused_on_the_password_field(app) {
        for password in ["short", "password2024!", "aaaaaaaaaaaa", "abcdefghijkl", "lovelace-is-great"] {
            let response = app
                .post_json(
                    "/api/v1/auth/register",
                    json!({"name": "Ada Lovelace", "email": "ada@example.org", "password": password}),
                    None,
                )
                .await;
            response.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["password"]);
        }
    }

    async fn a_malformed_email_is_refused_on_the_email_field(app) {
        for email in ["ada", "ada@", "@example.org", "ada@example", "ada lovelace@example.org", ""] {
            let response = app
                .post_json(
                    "/api/v1/auth/register",
                    json!({"name": "Ada Lovelace", "email": email, "password": PASSWORD}),
                    None,
                )
                .await;
            response.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["email"]);
        }
        assert_eq!(app.register("Ada Lovelace", "ada@example.org").await.status, StatusCode::CREATED);
    }

    async fn every_invalid_registration_field_is_reported_at_once(app) {
        let response = app
            .post_json(
                "/api/v1/auth/register",
                json!({"name": "  ", "email": "not-an-email", "password": "123"}),
                None,
            )
            .await;
        let error = response.field_errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            &["email", "name", "password"],
        );
        assert_eq!(error["fields"]["email"], "is not a valid email address");
        insta::assert_json_snapshot!("invalid_registration", response.json());

        let missing = app.post_json("/api/v1/auth/register", json!({"name": "Ada"}), None).await;
        missing.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    }

    async fn logging_in_returns_a_token_for_the_api(app) {
        app.register("Ada Lovelace", "ada@example.org").await;
        let response = app.login("ADA@example.org", PASSWORD).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        let body = response.json();
        let token = body["token"].as_str().unwrap();
        assert!(token.starts_with("lds_"));
        assert!(body["expires_at"].as_i64().is_some());
        assert_eq!(body["account"]["email"], "ada@example.org");
        assert_eq!(body["account"]["is_admin"], false);
        assert_eq!(response.header("cache-control"), Some("no-store"), "the token is a secret");

        let me = app.get("/api/v1/me", Some(token)).await;
        assert_eq!(me.status, StatusCode::OK);
        assert_eq!(me.json()["email"], "ada@example.org", "your own email is shown to you");
    }

    async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(app) {
        app.register("Ada Lovelace", "ada@example.org").await;
        let wrong = app.login("ada@example.org", "not-the-password-at-all").await;
        let unknown = app.login("nobody@example.org", PASSWORD).await;
        let malformed = app.login("not an email", PASSWORD).await;
        wrong.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        assert_eq!(wrong.body, unknown.body);
        assert_eq!(wrong.status, unknown.status);
        assert_eq!(wrong.body, malformed.body);
        assert_eq!(
            wrong.header("www-authenticate"),
            unknown.header("www-authenticate")
        );
    }

    async fn after_five_failures_the_next_try_waits_even_with_the_right_password(app) {
        app.register("Ada Lovelace", "ada@example.org").await;
        for attempt in 1..=5 {
            let response = app.login("ada@example.org", "wrong-password-guess").await;
            assert_eq!(response.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        }
        let waiting = app.login("ada@example.org", "wrong-password-guess").await;
        waiting.error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
        let retry: u64 = waiting.header("retry-after").expect("Retry-After").parse().unwrap();
        assert!(retry > 0);
        let right = app.login("ada@example.org", PASSWORD).await;
        right.error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");

        // Only that account is slowed down.
        app.register("Bob Babbage", "bob@example.org").await;
        assert_eq!(app.login("bob@example.org", PASSWORD).await.status, StatusCode::OK);
    }

    async fn a_successful_login_forgives_earlier_failures(app) {
        app.register("Ada Lovelace", "ada@example.org").await;
        for _ in 0..4 {
            app.login("ada@example.org", "wrong-password-guess").await;
        }
        assert_eq!(app.login("ada@example.org", PASSWORD).await.status, StatusCode::OK);
        for _ in 0..4 {
            let again = app.login("ada@example.org", "wrong-password-guess").await;
            assert_eq!(again.status, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(app.login("ada@example.org", PASSWORD).await.status, StatusCode::OK);
    }

    async fn the_account_needs_a_live_token(app) {
        let token = app.register_and_login("Ada Lovelace", "ada@example.org").await;

        let none = app.get("/api/v1/me", None).await;
        none.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        assert!(none.header("www-authenticate").is_some_and(|v| v.starts_with("Bearer")));
        app.get("/api/v1/me", Some("garbage")).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        app.get("/api/v1/me", Some("lds_not-a-real-token")).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        let basic = app
            .send(
                crate::support::TestApp::request(axum::http::Method::GET, "/api/v1/me", None)
                    .header("authorization", "Basic YWRhOnB3")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        basic.error(StatusCode::UNAUTHORIZED, "unauthenticated");

        assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, StatusCode::OK);
        let logout = app.post_json("/api/v1/auth/logout", json!({}), Some(&token)).await;
        assert_eq!(logout.status, StatusCode::NO_CONTENT, "{}", logout.text());
        app.get("/api/v1/me", Some(&token)).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        app.post_json("/api/v1/auth/logout", json!({}), Some(&token))
            .await
            .error(StatusCode::UNAUTHORIZED, "unauthenticated");
    }

    async fn logging_out_ends_only_the_token_it_was_sent_with(app) {
        let first = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let second = app.login("ada@example.org", PASSWORD).await.json()["token"].as_str().unwrap().to_owned();
        assert_eq!(app.post_json("/api/v1/auth/logout", json!({}), Some(&first)).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.get("/api/v1/me", Some(&second)).await.status, StatusCode::OK);
    }

    async fn changing_the_password_keeping_personal_tokens_ends_only_login_tokens(app) {
        let token = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let personal = app
            .post_json("/api/v1/me/tokens", json!({"name": "CI"}), Some(&token))
            .await
            .json()["token_secret"]
            .as_str()
            .unwrap()
            .to_owned();

        let wrong = app
            .post_json(
                "/api/v1/me/password",
                json!({"current_password": "not-my-password", "new_password": "short"}),
                Some(&token),
            )
            .await;
        wrong.field_errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            &["current_password", "new_password"],
        );
        let same = app
            .post_json(
                "/api/v1/me/password",
                json!({"current_password": PASSWORD, "new_password": PASSWORD}),
                Some(&token),
            )
            .await;
        same.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["new_password"]);
        assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, StatusCode::OK, "nothing changed yet");

        let changed = app
            .post_json(
                "/api/v1/me/password",
                json!({"current_password": PASSWORD, "new_password": "a-brand-new-passphrase-7", "keep_api_tokens": true}),
                Some(&token),
            )
            .await;
        assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.text());
        app.get("/api/v1/me", Some(&token)).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        assert_eq!(app.get("/api/v1/me", Some(&personal)).await.status, StatusCode::OK);
        app.login("ada@example.org", PASSWORD).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        assert_eq!(app.login("ada@example.org", "a-brand-new-passphrase-7").await.status, StatusCode::OK);
    }

    async fn json_bodies_must_be_json_with_the_right_shape(app) {
        let malformed = app
            .raw(axum::http::Method::POST, "/api/v1/auth/register", "application/json", "{\"name\": ", None)
            .await;
        malformed.error(StatusCode::BAD_REQUEST, "invalid_json");
        let not_json = app
            .raw(axum::http::Method::POST, "/api/v1/auth/login", "text/plain", "email=a", None)
            .await;
        not_json.error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
        let wrong_type = app
            .post_json("/api/v1/auth/login", json!({"email": 5, "password": "x"}), None)
            .await;
        wrong_type.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    }

    async fn unknown_endpoints_and_methods_answer_in_the_error_shape(app) {
        app.get("/api/v1/nothing-here", None).await.error(StatusCode::NOT_FOUND, "not_found");
        app.delete("/api/v1/auth/register", None)
            .await
            .error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    }
}
