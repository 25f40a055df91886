//! Whole-cohort matching over the people in the database, explained.

use axum::http::StatusCode;
use lodestar_match::cohort::Options;
use lodestar_match::score::{Rules, Weights};
use serde_json::{Value, json};

use crate::support::{TestApp, api_tests};

async fn person(app: &TestApp, name: &str, profile: Value) {
    app.person_with_profile(name, profile).await;
}

/// Ana mentors Kubernetes, Ben Python; Cai wants Kubernetes, Eve speaks only French.
async fn cohort(app: &TestApp) {
    person(
        app,
        "Ana",
        json!({
            "is_mentor": true, "mentor_capacity": 1, "years_experience": 12, "industry": "Finance",
            "headline": "Platform engineer", "mentor_skills": [{"skill": "kubernetes", "level": 4}]
        }),
    )
    .await;
    person(
        app,
        "Ben",
        json!({
            "is_mentor": true, "mentor_capacity": 2, "years_experience": 12,
            "mentor_skills": [{"skill": "python", "level": 5}]
        }),
    )
    .await;
    person(
        app,
        "Cai",
        json!({
            "wants_mentor": true, "years_experience": 2, "industry": "Finance",
            "growth_skills": [{"skill": "kubernetes", "level": 2}]
        }),
    )
    .await;
    person(app, "Eve", json!({
        "wants_mentor": true, "languages": ["fr"], "growth_skills": [{"skill": "python", "level": 1}]
    })).await;
}

async fn token(app: &TestApp, name: &str) -> String {
    let email = format!("{}@example.org", name.to_lowercase());
    app.login(&email, crate::support::PASSWORD).await.json()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

api_tests! {
    async fn recommendations_put_the_best_fit_first_with_reasons(app) {
        cohort(app).await;
        let cai = token(app, "Cai").await;
        let found = app.get("/api/v1/me/recommendations?limit=5", Some(&cai)).await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.text());
        let found = found.json();
        let mentors = found["mentors"].as_array().unwrap();
        assert_eq!(mentors.len(), 2);
        assert_eq!(mentors[0]["name"], "Ana");
        assert_eq!(mentors[0]["headline"], "Platform engineer");
        assert_eq!(mentors[0]["free_places"], 1);
        assert_eq!(mentors[0]["reasons"][0]["reason"], "wants Kubernetes at level 2; Ana mentors it at 4");
        assert!(mentors[0]["score"].as_f64().unwrap() > mentors[1]["score"].as_f64().unwrap());
        let one = app.get("/api/v1/me/recommendations?limit=1", Some(&cai)).await.json();
        assert_eq!(one["mentors"].as_array().unwrap().len(), 1);
    }

    async fn recommendations_leave_out_mentors_one_cannot_talk_to_and_need_a_mentee(app) {
        cohort(app).await;
        let eve = token(app, "Eve").await;
        let found = app.get("/api/v1/me/recommendations", Some(&eve)).await.json();
        assert_eq!(found["mentors"], json!([]), "no mentor speaks French");
        let ana = token(app, "Ana").await;
        app.get("/api/v1/me/recommendations", Some(&ana))
            .await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["wants_mentor"]);
        for bad in ["0", "51", "many"] {
            app.get(&format!("/api/v1/me/recommendations?limit={bad}"), Some(&eve))
                .await
                .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["limit"]);
        }
        app.get("/api/v1/me/recommendations", None)
            .await
            .error(StatusCode::UNAUTHORIZED, "unauthenticated");
    }

    async fn a_block_either_way_keeps_a_pair_out_of_recommendations_and_matching(app) {
        cohort(app).await;
        let id = |name: &str| {
            let name = name.to_owned();
            async move {
                let token = token(app, &name).await;
                app.get("/api/v1/me", Some(&token)).await.json()["id"].as_str().unwrap().to_owned()
            }
        };
        let (ana_id, ben_id, cai_id) = (id("Ana").await, id("Ben").await, id("Cai").await);
        let cai = token(app, "Cai").await;
        let names = |found: Value| -> Vec<String> {
            found["mentors"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap().to_owned()).collect()
        };
        let before = app.get("/api/v1/me/recommendations", Some(&cai)).await.json();
        assert_eq!(names(before), ["Ana", "Ben"]);

        // Cai blocks Ana: Ana is no longer suggested to Cai, nor matched with Cai.
        let blocked = app.put(&format!("/api/v1/me/blocks/{ana_id}"), Some(&cai)).await;
        assert_eq!(blocked.status, StatusCode::NO_CONTENT, "{}", blocked.text());
        let again = app.put(&format!("/api/v1/me/blocks/{ana_id}"), Some(&cai)).await;
        assert_eq!(again.status, StatusCode::NO_CONTENT, "blocking twice is not an error");
        let listed = app.get("/api/v1/me/blocks", Some(&cai)).await.json();
        assert_eq!(listed["people"], json!([ana_id]));
        let after = app.get("/api/v1/me/recommendations", Some(&cai)).await.json();
        assert_eq!(names(after), ["Ben"]);
        let input = app.app.cohort(&Weights::default(), Rules::default(), 0.0).await.unwrap();
        let report = input.run(&Options::default(), &|_| ());
        assert!(report.assignments.iter().all(|a| !(a.mentee.name == "Cai" && a.mentor.name == "Ana")));

        // Ben blocks Cai: the other way round counts too.
        let ben = token(app, "Ben").await;
        let blocked = app.put(&format!("/api/v1/me/blocks/{cai_id}"), Some(&ben)).await;
        assert_eq!(blocked.status, StatusCode::NO_CONTENT);
        let after = app.get("/api/v1/me/recommendations", Some(&cai)).await.json();
        assert_eq!(after["mentors"], json!([]));

        // Lifting the blocks brings them back.
        let lifted = app.delete(&format!("/api/v1/me/blocks/{ana_id}"), Some(&cai)).await;
        assert_eq!(lifted.status, StatusCode::NO_CONTENT);
        app.delete(&format!("/api/v1/me/blocks/{ana_id}"), Some(&cai))
            .await
            .error(StatusCode::NOT_FOUND, "not_found");
        app.delete(&format!("/api/v1/me/blocks/{cai_id}"), Some(&ben)).await;
        let restored = app.get("/api/v1/me/recommendations", Some(&cai)).await.json();
        assert_eq!(names(restored), ["Ana", "Ben"]);

        // Nobody blocks themself, or someone who is not there.
        app.put(&format!("/api/v1/me/blocks/{cai_id}"), Some(&cai))
            .await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["person"]);
        app.put("/api/v1/me/blocks/00000000-0000-0000-0000-000000000000", Some(&cai))
            .await
            .error(StatusCode::NOT_FOUND, "not_found");
        app.put(&format!("/api/v1/me/blocks/{ben_id}"), None)
            .await
            .error(StatusCode::UNAUTHORIZED, "unauthenticated");
    }

    async fn recommendations_follow_a_profile_change_at_once(app) {
        cohort(app).await;
        let cai = token(app, "Cai").await;
        let before = app.get("/api/v1/me/recommendations", Some(&cai)).await.json();
        assert_eq!(before["mentors"][0]["name"], "Ana");
        let ana = token(app, "Ana").await;
        let changed = app.patch_json("/api/v1/me/profile", json!({"languages": ["de"]}), Some(&ana)).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
        let after = app.get("/api/v1/me/recommendations", Some(&cai)).await.json();
        let names: Vec<&str> = after["mentors"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Ben"], "Ana no longer shares a language with Cai");
    }

    async fn a_bulk_match_pairs_each_mentee_with_the_mentor_who_fits_and_says_why(app) {
        person(app, "Ana", json!({
            "is_mentor": true, "mentor_capacity": 1, "years_experience": 12, "industry": "Finance",
            "mentor_skills": [{"skill": "kubernetes", "level": 4}]
        })).await;
        person(app, "Ben", json!({
            "is_mentor": true, "mentor_capacity": 1, "years_experience": 12, "industry": "Finance",
            "mentor_skills": [{"skill": "python", "level": 5}]
        })).await;
        person(app, "Cai", json!({
            "wants_mentor": true, "years_experience": 2, "industry": "Finance",
            "growth_skills": [{"skill": "kubernetes", "level": 2}]
        })).await;
        person(app, "Dee", json!({
            "wants_mentor": true, "years_experience": 2, "industry": "Finance",
            "growth_skills": [{"skill": "python", "level": 1}]
        })).await;
        person(app, "Eve", json!({
            "wants_mentor": true, "languages": ["fr"],
            "growth_skills": [{"skill": "python", "level": 1}]
        })).await;
        person(app, "Fay", json!({
            "is_mentor": true, "mentor_capacity": 2, "listed": false,
            "mentor_skills": [{"skill": "kubernetes", "level": 5}]
        })).await;

        let input = app.app.cohort(&Weights::default(), Rules::default(), 0.0).await.unwrap();
        assert_eq!(input.mentees.len(), 3);
        assert_eq!(input.mentors.len(), 2, "unlisted mentors are not matched");
        let report = input.run(&Options::default(), &|_| ());
        assert!(report.certified);
        assert_eq!(report.weights.len(), 7, "the report says how much each factor counted");
        assert!((report.weights.values().sum::<f64>() - 1.0).abs() < 1e-9);
        let pairs: Vec<(&str, &str)> = report
            .assignments
            .iter()
            .map(|a| (a.mentee.name.as_str(), a.mentor.name.as_str()))
            .collect();
        assert_eq!(pairs.len(), 2);
        assert!(pairs.contains(&("Cai", "Ana")), "{pairs:?}");
        assert!(pairs.contains(&("Dee", "Ben")), "{pairs:?}");
        let unmatched: Vec<&str> = report.unmatched.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(unmatched, ["Eve"], "no shared language with any mentor");
        let cai = report.assignments.iter().find(|a| a.mentee.name == "Cai").unwrap();
        assert_eq!(cai.reasons[0].reason, "wants Kubernetes at level 2; Ana mentors it at 4");
        assert_eq!(cai.rank, Some(1));
        assert!(cai.first_choice.is_none());
    }
}
