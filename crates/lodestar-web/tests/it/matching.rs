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
