//! Whole-cohort matching over the people in the database, explained.

use axum::http::StatusCode;
use lodestar_match::cohort::Options;
use lodestar_match::score::{Rules, Weights};
use serde_json::{Value, json};

use crate::support::{TestApp, api_tests};

async fn person(app: &TestApp, name: &str, profile: Value) {
    let email = format!("{}@example.org", name.to_lowercase());
    let token = app.register_and_login(name, &email).await;
    let response = app
        .patch_json("/api/v1/me/profile", profile, Some(&token))
        .await;
    assert_eq!(
        response.status,
        StatusCode::OK,
        "{name}: {}",
        response.text()
    );
}

api_tests! {
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
