//! The skills catalogue: reading it, and the admin-only changes to it.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, api_tests, slugs};

fn new_skill() -> Value {
    json!({
        "name": "Rust async",
        "kind": "technical",
        "category": "Software engineering",
        "description": "Futures, executors and cancellation",
        "levels": ["Aware", "Uses it", "Designs with it", "Teaches it", "Shapes it"]
    })
}

async fn profile_skill_slugs(app: &TestApp, token: &str) -> Vec<(String, i64)> {
    let me = app.get("/api/v1/me/profile", Some(token)).await.json();
    slugs(&me["mentor_skills"])
}

api_tests! {
    async fn anyone_can_read_the_catalogue(app) {
        let list = app.get("/api/v1/skills", None).await;
        assert_eq!(list.status, StatusCode::OK);
        let list = list.json();
        let skills = list.as_array().unwrap();
        assert!(skills.len() > 100, "the seeded catalogue");
        assert!(skills.iter().any(|s| s["slug"] == "rust" && s["kind"] == "technical"));
        assert!(skills.iter().any(|s| s["slug"] == "public-speaking" && s["kind"] == "soft"));
        let categories: Vec<&str> = skills.iter().map(|s| s["category"].as_str().unwrap()).collect();
        assert!(categories.windows(2).all(|w| w[0] <= w[1]), "ordered by category");

        let rust = app.get("/api/v1/skills/rust", None).await;
        assert_eq!(rust.status, StatusCode::OK);
        let rust = rust.json();
        assert_eq!(rust["name"], "Rust");
        assert_eq!(rust["retired"], false);
        assert!(rust["merged_into"].is_null());
        let by_id = app.get(&format!("/api/v1/skills/{}", rust["id"].as_str().unwrap()), None).await;
        assert_eq!(by_id.json()["slug"], "rust");
        let by_name = app.get("/api/v1/skills/Public%20speaking", None).await;
        assert_eq!(by_name.json()["slug"], "public-speaking");
        let speaking = by_name.json();
        assert_eq!(speaking["levels"].as_array().map(Vec::len), Some(5), "soft skills describe their levels");

        app.get("/api/v1/skills/basket-weaving", None).await.error(StatusCode::NOT_FOUND, "not_found");
    }

    async fn only_admins_may_add_rename_or_merge_skills(app) {
        let (admin, member) = app.admin_and_member().await;
        app.post_json("/api/v1/skills", new_skill(), Some(&member)).await.error(StatusCode::FORBIDDEN, "forbidden");
        app.post_json("/api/v1/skills", new_skill(), None).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        app.patch_json("/api/v1/skills/rust", json!({"name": "Rustlang"}), Some(&member))
            .await
            .error(StatusCode::FORBIDDEN, "forbidden");
        app.post_json("/api/v1/skills/python/merge", json!({"into": "rust"}), Some(&member))
            .await
            .error(StatusCode::FORBIDDEN, "forbidden");
        assert_eq!(app.get("/api/v1/skills/rust", None).await.json()["name"], "Rust", "nothing changed");

        let created = app.post_json("/api/v1/skills", new_skill(), Some(&admin)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
        let created = created.json();
        assert_eq!(created["slug"], "rust-async", "derived from the name");
        assert_eq!(created["levels"][4], "Shapes it");
        assert_eq!(app.get("/api/v1/skills/rust-async", None).await.status, StatusCode::OK);
    }

    async fn a_taken_slug_or_name_is_a_conflict(app) {
        let (admin, _) = app.admin_and_member().await;
        let same_slug = app
            .post_json(
                "/api/v1/skills",
                json!({"name": "Rust programming", "slug": "rust", "kind": "technical", "category": "Software engineering"}),
                Some(&admin),
            )
            .await;
        same_slug.field_errors(StatusCode::CONFLICT, "skill_exists", &["slug"]);
        let same_name = app
            .post_json(
                "/api/v1/skills",
                json!({"name": "RUST", "slug": "rust-2", "kind": "technical", "category": "Software engineering"}),
                Some(&admin),
            )
            .await;
        same_name.field_errors(StatusCode::CONFLICT, "skill_exists", &["name"]);
        let rename_clash = app.patch_json("/api/v1/skills/python", json!({"name": "rust"}), Some(&admin)).await;
        rename_clash.field_errors(StatusCode::CONFLICT, "skill_exists", &["name"]);
    }

    async fn an_invalid_new_skill_is_reported_per_field(app) {
        let (admin, _) = app.admin_and_member().await;
        let response = app
            .post_json(
                "/api/v1/skills",
                json!({"name": "", "slug": "Not A Slug", "kind": "magic", "category": " ", "levels": ["only one"]}),
                Some(&admin),
            )
            .await;
        response.field_errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            &["category", "kind", "levels", "name", "slug"],
        );
        app.post_json("/api/v1/skills", json!({"name": "X"}), Some(&admin))
            .await
            .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    }

    async fn an_admin_renames_and_retires_a_skill_and_profiles_keep_it(app) {
        let (admin, member) = app.admin_and_member().await;
        app.patch_json(
            "/api/v1/me/profile",
            json!({"growth_skills": [{"skill": "go", "level": 2}]}),
            Some(&member),
        )
        .await;

        let renamed = app
            .patch_json("/api/v1/skills/go", json!({"name": "Go (Golang)", "category": "Languages"}), Some(&admin))
            .await;
        assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text());
        assert_eq!(renamed.json()["slug"], "go", "the slug stays");
        let me = app.get("/api/v1/me/profile", Some(&member)).await.json();
        assert_eq!(me["growth_skills"][0]["name"], "Go (Golang)");

        let retired = app.patch_json("/api/v1/skills/go", json!({"retired": true}), Some(&admin)).await;
        assert_eq!(retired.json()["retired"], true);
        let active = app.get("/api/v1/skills", None).await.json();
        assert!(!active.as_array().unwrap().iter().any(|s| s["slug"] == "go"));
        let everything = app.get("/api/v1/skills?include_retired=true", None).await.json();
        assert!(everything.as_array().unwrap().iter().any(|s| s["slug"] == "go"));

        // Still on the profile, and a re-save keeps it; nobody can newly add it.
        let me = app.get("/api/v1/me/profile", Some(&member)).await.json();
        assert_eq!(me["growth_skills"][0]["retired"], true);
        let kept = app
            .patch_json("/api/v1/me/profile", json!({"growth_skills": [{"skill": "go", "level": 3}]}), Some(&member))
            .await;
        assert_eq!(kept.status, StatusCode::OK, "{}", kept.text());
        let added = app
            .patch_json("/api/v1/me/profile", json!({"mentor_skills": [{"skill": "go", "level": 3}]}), Some(&admin))
            .await;
        added.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["mentor_skills[0].skill"]);

        app.patch_json("/api/v1/skills/basket-weaving", json!({"name": "X"}), Some(&admin))
            .await
            .error(StatusCode::NOT_FOUND, "not_found");
        app.patch_json("/api/v1/skills/go", json!({"name": ""}), Some(&admin))
            .await
            .error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }

    async fn merging_moves_profiles_to_the_other_skill(app) {
        let (admin, member) = app.admin_and_member().await;
        // The member has both (the source higher), the admin only the source.
        let both = json!({"is_mentor": true, "mentor_capacity": 1,
            "mentor_skills": [{"skill": "javascript", "level": 5}, {"skill": "typescript", "level": 2}]});
        assert_eq!(app.patch_json("/api/v1/me/profile", both, Some(&member)).await.status, StatusCode::OK);
        let only = json!({"is_mentor": true, "mentor_capacity": 1,
            "mentor_skills": [{"skill": "javascript", "level": 3}]});
        assert_eq!(app.patch_json("/api/v1/me/profile", only, Some(&admin)).await.status, StatusCode::OK);

        let merged = app
            .post_json("/api/v1/skills/javascript/merge", json!({"into": "typescript"}), Some(&admin))
            .await;
        assert_eq!(merged.status, StatusCode::OK, "{}", merged.text());
        assert_eq!(merged.json()["slug"], "typescript");

        assert_eq!(profile_skill_slugs(app, &member).await, [("typescript".into(), 5)]);
        assert_eq!(profile_skill_slugs(app, &admin).await, [("typescript".into(), 3)]);
        let old = app.get("/api/v1/skills/javascript", None).await.json();
        assert_eq!(old["slug"], "typescript", "the old slug resolves to the new skill");
        let everything = app.get("/api/v1/skills?include_retired=true", None).await.json();
        let source = everything.as_array().unwrap().iter().find(|s| s["slug"] == "javascript").unwrap();
        assert_eq!(source["retired"], true);
        assert_eq!(source["merged_into"], old["id"]);
        let found = app.get("/api/v1/people?skill=javascript&role=mentor", Some(&member)).await.json();
        assert_eq!(found["total"], 2, "searching by the old slug finds the moved profiles");

        app.post_json("/api/v1/skills/javascript/merge", json!({"into": "rust"}), Some(&admin))
            .await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["into"]);
        app.post_json("/api/v1/skills/rust/merge", json!({"into": "rust"}), Some(&admin))
            .await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["into"]);
        app.post_json("/api/v1/skills/rust/merge", json!({"into": "basket-weaving"}), Some(&admin))
            .await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["into"]);
        app.post_json("/api/v1/skills/basket-weaving/merge", json!({"into": "rust"}), Some(&admin))
            .await
            .error(StatusCode::NOT_FOUND, "not_found");
    }
}
