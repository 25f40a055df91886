//! Your own profile, editing it, and what others may see of it.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::{TestApp, api_tests, slugs};

async fn id_of(app: &TestApp, token: &str) -> String {
    app.get("/api/v1/me", Some(token)).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

api_tests! {
    async fn a_new_profile_has_the_defaults(app) {
        let token = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let me = app.get("/api/v1/me/profile", Some(&token)).await;
        assert_eq!(me.status, StatusCode::OK);
        let me = me.json();
        assert_eq!(me["name"], "Ada Lovelace");
        assert_eq!(me["time_zone"], "UTC");
        assert_eq!(me["languages"], json!([{"code": "en", "name": "English"}]));
        assert_eq!(me["hidden_fields"], json!(["email"]));
        assert_eq!(me["listed"], true);
        assert_eq!(me["is_admin"], false);
        assert_eq!(me["mentor_skills"], json!([]));
        app.get("/api/v1/me/profile", None).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
    }

    async fn a_profile_edit_changes_only_the_fields_sent(app) {
        let token = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let edit = json!({
            "name": "Ada King",
            "headline": "  Platform engineer  ",
            "bio": "Builds things that last.",
            "role_title": "Staff engineer",
            "organisation": "Analytical Engines",
            "department": "Platform",
            "industry": "Finance",
            "years_experience": 12,
            "location": "Lisbon",
            "time_zone": "Europe/Lisbon",
            "languages": ["Portuguese", "en", "pt"],
            "is_mentor": true,
            "wants_mentor": true,
            "mentor_capacity": 3,
            "availability_hours": 12,
            "mentor_skills": [{"skill": "kubernetes", "level": 4}, {"skill": "Rust", "level": 5}],
            "growth_skills": [{"skill": "public-speaking", "level": 2}],
            "focus_areas": ["career_path", "networking"],
            "hidden_fields": ["location", "email"],
            "listed": true
        });
        let response = app.patch_json("/api/v1/me/profile", edit, Some(&token)).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        let me = response.json();
        assert_eq!(me["name"], "Ada King");
        assert_eq!(me["headline"], "Platform engineer", "text is trimmed");
        assert_eq!(me["years_experience"], 12);
        assert_eq!(me["time_zone"], "Europe/Lisbon");
        assert_eq!(
            me["languages"],
            json!([{"code": "pt", "name": "Portuguese"}, {"code": "en", "name": "English"}])
        );
        assert_eq!(slugs(&me["mentor_skills"]), [("kubernetes".into(), 4), ("rust".into(), 5)]);
        assert_eq!(me["mentor_skills"][1]["level_label"], "Expert");
        assert_eq!(me["mentor_skills"][1]["kind"], "technical");
        assert_eq!(slugs(&me["growth_skills"]), [("public-speaking".into(), 2)]);
        assert_eq!(me["focus_areas"][0]["key"], "networking");
        assert_eq!(me["hidden_fields"], json!(["email", "location"]));
        assert_eq!(app.get("/api/v1/me/profile", Some(&token)).await.json(), me, "stored as shown");

        // A later edit leaves everything it does not mention.
        let later = app
            .patch_json("/api/v1/me/profile", json!({"years_experience": null, "bio": ""}), Some(&token))
            .await;
        assert_eq!(later.status, StatusCode::OK, "{}", later.text());
        let later = later.json();
        assert!(later.get("years_experience").is_none(), "null clears it: {later}");
        assert_eq!(later["bio"], "");
        assert_eq!(later["headline"], "Platform engineer");
        assert_eq!(later["mentor_skills"], me["mentor_skills"]);
        assert_eq!(later["languages"], me["languages"]);
    }

    async fn every_invalid_field_is_reported_at_once_and_nothing_changes(app) {
        let token = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        app.patch_json("/api/v1/me/profile", json!({"headline": "Before"}), Some(&token)).await;
        let before = app.get("/api/v1/me/profile", Some(&token)).await.json();

        let response = app
            .patch_json(
                "/api/v1/me/profile",
                json!({
                    "headline": "After",
                    "time_zone": "Mars/Olympus",
                    "mentor_capacity": 99,
                    "mentor_skills": [{"skill": "no-such-skill", "level": 3}, {"skill": "rust", "level": 9}],
                    "languages": ["klingon", "en"],
                    "hidden_fields": ["name"],
                    "focus_areas": ["world_domination"]
                }),
                Some(&token),
            )
            .await;
        let error = response.field_errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            &[
                "focus_areas[0]",
                "hidden_fields[0]",
                "languages[0]",
                "mentor_capacity",
                "mentor_skills[0].skill",
                "mentor_skills[1].level",
                "time_zone",
            ],
        );
        assert!(error["fields"]["mentor_skills[0].skill"].as_str().unwrap().contains("no-such-skill"));
        assert_eq!(app.get("/api/v1/me/profile", Some(&token)).await.json(), before);
    }

    async fn a_mentor_needs_capacity_and_a_skill(app) {
        let token = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let response = app.patch_json("/api/v1/me/profile", json!({"is_mentor": true}), Some(&token)).await;
        response.field_errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            &["mentor_capacity", "mentor_skills"],
        );
        let twice = app
            .patch_json(
                "/api/v1/me/profile",
                json!({"growth_skills": [{"skill": "rust", "level": 1}, {"skill": "RUST", "level": 2}]}),
                Some(&token),
            )
            .await;
        twice.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["growth_skills[1].skill"]);
        let empty_name = app.patch_json("/api/v1/me/profile", json!({"name": " "}), Some(&token)).await;
        empty_name.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["name"]);
        let no_language = app.patch_json("/api/v1/me/profile", json!({"languages": []}), Some(&token)).await;
        no_language.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["languages"]);
    }

    async fn an_unknown_field_or_bad_json_is_refused(app) {
        let token = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let unknown = app.patch_json("/api/v1/me/profile", json!({"favourite_colour": "blue"}), Some(&token)).await;
        let error = unknown.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
        assert!(error["message"].as_str().unwrap().contains("favourite_colour"), "{error}");
        let unknown_in_skill = app
            .patch_json(
                "/api/v1/me/profile",
                json!({"mentor_skills": [{"skill": "rust", "level": 3, "years": 2}]}),
                Some(&token),
            )
            .await;
        unknown_in_skill.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
        let wrong_type = app.patch_json("/api/v1/me/profile", json!({"mentor_capacity": "two"}), Some(&token)).await;
        wrong_type.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
        let malformed = app
            .raw(Method::PATCH, "/api/v1/me/profile", "application/json", "{\"headline\": \"x\"", Some(&token))
            .await;
        malformed.error(StatusCode::BAD_REQUEST, "invalid_json");
        app.patch_json("/api/v1/me/profile", json!({"headline": "x"}), None)
            .await
            .error(StatusCode::UNAUTHORIZED, "unauthenticated");
    }

    async fn others_do_not_see_hidden_fields_but_the_owner_does(app) {
        let ada = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let bob = app.register_and_login("Bob Babbage", "bob@example.org").await;
        let ada_id = id_of(app, &ada).await;
        let edit = json!({"location": "Lisbon", "bio": "Hello", "hidden_fields": ["email", "location"]});
        assert_eq!(app.patch_json("/api/v1/me/profile", edit, Some(&ada)).await.status, StatusCode::OK);

        let seen_by_bob = app.get(&format!("/api/v1/people/{ada_id}"), Some(&bob)).await;
        assert_eq!(seen_by_bob.status, StatusCode::OK);
        let seen = seen_by_bob.json();
        assert_eq!(seen["name"], "Ada Lovelace");
        assert_eq!(seen["bio"], "Hello");
        for absent in ["email", "location", "hidden_fields", "listed", "is_admin"] {
            assert!(seen.get(absent).is_none(), "{absent} shown to others: {seen}");
        }

        let seen_by_ada = app.get(&format!("/api/v1/people/{ada_id}"), Some(&ada)).await.json();
        assert_eq!(seen_by_ada["email"], "ada@example.org");
        assert_eq!(seen_by_ada["location"], "Lisbon");

        app.patch_json("/api/v1/me/profile", json!({"hidden_fields": []}), Some(&ada)).await;
        let seen = app.get(&format!("/api/v1/people/{ada_id}"), Some(&bob)).await.json();
        assert_eq!(seen["email"], "ada@example.org");
        assert_eq!(seen["location"], "Lisbon");
    }

    async fn an_unlisted_person_is_not_found_by_others(app) {
        let ada = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let bob = app.register_and_login("Bob Babbage", "bob@example.org").await;
        let ada_id = id_of(app, &ada).await;
        app.patch_json("/api/v1/me/profile", json!({"listed": false}), Some(&ada)).await;
        let hidden = app.get(&format!("/api/v1/people/{ada_id}"), Some(&bob)).await;
        hidden.error(StatusCode::NOT_FOUND, "not_found");
        assert_eq!(app.get(&format!("/api/v1/people/{ada_id}"), Some(&ada)).await.status, StatusCode::OK);
        let random = uuid::Uuid::new_v4();
        let unknown = app.get(&format!("/api/v1/people/{random}"), Some(&bob)).await;
        assert_eq!(unknown.body, hidden.body, "unlisted looks exactly like unknown");
        app.get("/api/v1/people/not-an-id", Some(&bob)).await.error(StatusCode::NOT_FOUND, "not_found");
        app.get(&format!("/api/v1/people/{ada_id}"), None).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
    }
}
