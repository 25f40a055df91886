//! Whole-cohort matching over the people in the database, explained.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use lodestar_app::recommendations::REBUILD_INTERVAL;
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
            "mentor_skills": [{"skill": "python", "level": 5}], "focus_areas": ["networking"]
        }),
    )
    .await;
    person(
        app,
        "Cai",
        json!({
            "wants_mentor": true, "years_experience": 2, "industry": "Finance",
            "growth_skills": [{"skill": "kubernetes", "level": 2}], "focus_areas": ["networking"]
        }),
    )
    .await;
    person(app, "Eve", json!({
        "wants_mentor": true, "languages": ["fr"], "growth_skills": [{"skill": "python", "level": 1}]
    })).await;
}

fn names(found: &Value) -> Vec<String> {
    found["mentors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_owned())
        .collect()
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
        assert_eq!(mentors[0]["reasons"][0]["reason"], "Mentors the skill you want: Kubernetes (4)");
        assert_eq!(mentors[0]["reasons"][0]["detail"], "wants Kubernetes at level 2; Ana mentors it at 4");
        assert_eq!(mentors[0]["reasons"][0]["neutral"], false);
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

    async fn recommendations_follow_a_profile_change_once_rebuilt_without_making_anyone_wait(app) {
        cohort(app).await;
        let cai = token(app, "Cai").await;
        let before = app.get("/api/v1/me/recommendations", Some(&cai)).await.json();
        assert_eq!(names(&before), ["Ana", "Ben"]);
        let ana = token(app, "Ana").await;
        let changed = app.patch_json("/api/v1/me/profile", json!({"languages": ["de"]}), Some(&ana)).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
        // The previous snapshot answers at once while the new one is built in the background.
        let started = Instant::now();
        let meanwhile = app.get("/api/v1/me/recommendations", Some(&cai)).await.json();
        assert_eq!(names(&meanwhile), ["Ana", "Ben"], "served from the previous snapshot");
        assert!(started.elapsed() < REBUILD_INTERVAL);
        let deadline = Instant::now() + REBUILD_INTERVAL + Duration::from_secs(10);
        loop {
            let after = app.get("/api/v1/me/recommendations", Some(&cai)).await.json();
            if names(&after) == ["Ben"] {
                break;
            }
            assert!(Instant::now() < deadline, "Ana no longer shares a language with Cai: {after}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn a_block_leaves_a_third_persons_cached_recommendations_alone(app) {
        cohort(app).await;
        person(app, "Dee", json!({
            "wants_mentor": true, "growth_skills": [{"skill": "kubernetes", "level": 2}],
            "focus_areas": ["networking"]
        })).await;
        let (cai, dee) = (token(app, "Cai").await, token(app, "Dee").await);
        // Ana fits Dee best, but her one place is wanted twice: once priced, the ranking may
        // put Ben first, so only who is shown is compared.
        let sorted = |found: Value| {
            let mut all = names(&found);
            all.sort();
            all
        };
        assert_eq!(sorted(app.get("/api/v1/me/recommendations", Some(&dee)).await.json()), ["Ana", "Ben"]);
        let generation = lodestar_store::generations::directory(&app.app.db).await.unwrap();

        let ana_id = app.get("/api/v1/me", Some(&token(app, "Ana").await)).await.json()["id"].as_str().unwrap().to_owned();
        let blocked = app.put(&format!("/api/v1/me/blocks/{ana_id}"), Some(&cai)).await;
        assert_eq!(blocked.status, StatusCode::NO_CONTENT);
        // Cai sees the block at once; Dee's recommendations are not made stale by it: the
        // generation every cache is keyed on stays where it was.
        assert_eq!(names(&app.get("/api/v1/me/recommendations", Some(&cai)).await.json()), ["Ben"]);
        assert_eq!(lodestar_store::generations::directory(&app.app.db).await.unwrap(), generation);
        assert_eq!(sorted(app.get("/api/v1/me/recommendations", Some(&dee)).await.json()), ["Ana", "Ben"]);
        let lifted = app.delete(&format!("/api/v1/me/blocks/{ana_id}"), Some(&cai)).await;
        assert_eq!(lifted.status, StatusCode::NO_CONTENT);
        assert_eq!(sorted(app.get("/api/v1/me/recommendations", Some(&cai)).await.json()), ["Ana", "Ben"]);
        assert_eq!(lodestar_store::generations::directory(&app.app.db).await.unwrap(), generation);
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
        assert_eq!(cai.reasons[0].reason, "Mentors the skill the mentee wants: Kubernetes (4)");
        assert_eq!(cai.reasons[0].detail, "wants Kubernetes at level 2; Ana mentors it at 4");
        assert_eq!(report.unrelated_pairs, 0);
        assert_eq!(cai.rank, Some(1));
        assert!(cai.first_choice.is_none());
    }
}
