//! The people directory: filters, ordering, pagination, and bad filters.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, api_tests};

async fn person(app: &TestApp, name: &str, profile: Value) -> String {
    app.person_with_profile(name, profile).await
}

/// Ana, Ben and Eve mentor on Rust (levels 5, 3, 4); Cai wants to grow it; Dee is not listed.
async fn organisation(app: &TestApp) -> String {
    let ana = person(app, "Ana", json!({
        "headline": "Rust platform engineer", "industry": "Finance", "languages": ["en", "pt"],
        "time_zone": "Europe/Lisbon", "availability_hours": 10,
        "is_mentor": true, "mentor_capacity": 2, "mentor_skills": [{"skill": "rust", "level": 5}]
    }))
    .await;
    person(app, "Ben", json!({
        "headline": "Platform lead", "industry": "Health", "time_zone": "America/New_York",
        "availability_hours": 4,
        "is_mentor": true, "mentor_capacity": 1, "mentor_skills": [{"skill": "rust", "level": 3}]
    }))
    .await;
    person(
        app,
        "Cai",
        json!({
            "industry": "finance", "languages": ["en", "German"], "time_zone": "Europe/Berlin",
            "hidden_fields": ["time_zone"], "wants_mentor": true,
            "growth_skills": [{"skill": "rust", "level": 2}]
        }),
    )
    .await;
    person(
        app,
        "Dee",
        json!({
            "listed": false, "is_mentor": true, "mentor_capacity": 1,
            "mentor_skills": [{"skill": "rust", "level": 5}]
        }),
    )
    .await;
    person(
        app,
        "Eve",
        json!({
            "time_zone": "Asia/Tokyo", "availability_hours": 20,
            "is_mentor": true, "mentor_capacity": 3,
            "mentor_skills": [{"skill": "python", "level": 2}, {"skill": "rust", "level": 4}]
        }),
    )
    .await;
    ana
}

async fn search(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app
        .get(&format!("/api/v1/people?{query}"), Some(token))
        .await;
    assert_eq!(
        response.status,
        StatusCode::OK,
        "{query}: {}",
        response.text()
    );
    response.json()
}

fn names(page: &Value) -> Vec<&str> {
    page["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect()
}

api_tests! {
    async fn a_repeated_search_sees_every_change_made_through_any_process(app) {
        let token = organisation(app).await;
        let other = app.other_process();
        let query = "skill=rust&role=mentor";
        assert_eq!(names(&search(app, &token, query).await), ["Ana", "Eve", "Ben"]);
        assert_eq!(names(&search(&other, &token, query).await), ["Ana", "Eve", "Ben"]);
        assert_eq!(names(&search(app, &token, query).await), ["Ana", "Eve", "Ben"], "asked again");

        let ben = other.login("ben@example.org", crate::support::PASSWORD).await.json()["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let changed = other
            .patch_json("/api/v1/me/profile", json!({"mentor_skills": [], "is_mentor": false}), Some(&ben))
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
        assert_eq!(names(&search(app, &token, query).await), ["Ana", "Eve"], "the first process sees the change");

        // Ana is made an admin, as `lodestar admin grant` does.
        app.app.set_admin_by_email("ana@example.org", true).await.unwrap();
        let renamed = app
            .patch_json("/api/v1/skills/rust", json!({"name": "Rust language"}), Some(&token))
            .await;
        assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text());
        let found = search(&other, &token, query).await;
        assert_eq!(found["people"][0]["mentor_skills"][0]["name"], "Rust language", "the second process sees the rename");
        assert_eq!(names(&search(&other, &token, "skill=%20rust%20&role=mentor&q=%20").await), ["Ana", "Eve"]);
    }

    async fn the_directory_lists_listed_people_by_name(app) {
        let token = organisation(app).await;
        let all = search(app, &token, "").await;
        assert_eq!(names(&all), ["Ana", "Ben", "Cai", "Eve"]);
        assert_eq!(all["total"], 4);
        assert_eq!(all["page"], 1);
        assert_eq!(all["per_page"], 20);
        assert_eq!(all["pages"], 1);
        let cai = &all["people"][2];
        assert!(cai.get("time_zone").is_none(), "hidden time zone: {cai}");
        assert!(cai.get("email").is_none());
        assert_eq!(cai["languages"][1]["code"], "de");
        app.get("/api/v1/people", None).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
    }

    async fn mentors_of_a_skill_come_by_level_and_can_be_cut_at_a_level(app) {
        let token = organisation(app).await;
        let mentors = search(app, &token, "skill=rust&role=mentor").await;
        assert_eq!(names(&mentors), ["Ana", "Eve", "Ben"]);
        let levels: Vec<i64> = mentors["people"].as_array().unwrap().iter().map(|p| p["matched_level"].as_i64().unwrap()).collect();
        assert_eq!(levels, [5, 4, 3]);
        let eve = &mentors["people"][1];
        assert_eq!(eve["mentor_skills"][0]["slug"], "python", "the person's own order");

        let advanced = search(app, &token, "skill=Rust&role=mentor&min_level=4").await;
        assert_eq!(names(&advanced), ["Ana", "Eve"]);
        assert_eq!(advanced["total"], 2);
        let mentees = search(app, &token, "skill=rust&role=mentee").await;
        assert_eq!(names(&mentees), ["Cai"]);
        let anyone = search(app, &token, "skill=rust").await;
        assert_eq!(names(&anyone), ["Ana", "Eve", "Ben", "Cai"]);
        let python = search(app, &token, "skill=python&role=mentors").await;
        assert_eq!(names(&python), ["Eve"]);
    }

    async fn the_directory_filters_combine(app) {
        let token = organisation(app).await;
        assert_eq!(names(&search(app, &token, "role=mentee").await), ["Cai"]);
        assert_eq!(names(&search(app, &token, "industry=FINANCE").await), ["Ana", "Cai"]);
        assert_eq!(names(&search(app, &token, "language=Portuguese").await), ["Ana"]);
        assert_eq!(names(&search(app, &token, "language=de&industry=finance").await), ["Cai"]);
        assert_eq!(names(&search(app, &token, "min_availability=10").await), ["Ana", "Eve"]);
        assert_eq!(names(&search(app, &token, "q=platform").await), ["Ana", "Ben"]);
        assert_eq!(names(&search(app, &token, "q=rust+platform").await), ["Ana"]);
        assert_eq!(names(&search(app, &token, "q=plat&role=mentor&min_availability=5").await), ["Ana"]);
        // Berlin is an hour from Lisbon, but Cai hides the time zone.
        assert_eq!(names(&search(app, &token, "tz=Europe/Berlin&tz_hours=1").await), ["Ana"]);
        assert_eq!(names(&search(app, &token, "tz=America/Chicago").await), ["Ben"]);
        assert_eq!(search(app, &token, "q=nobody+matches+this").await["total"], 0);
        // Empty values mean "any".
        assert_eq!(search(app, &token, "role=&skill=&q=&tz=").await["total"], 4);
    }

    async fn free_text_never_finds_what_a_person_hides(app) {
        let ada = person(app, "Ada", json!({"location": "Lisbon", "organisation": "Initech"})).await;
        assert_eq!(names(&search(app, &ada, "q=lisbon").await), ["Ada"]);
        assert_eq!(names(&search(app, &ada, "q=initech").await), ["Ada"]);
        app.patch_json(
            "/api/v1/me/profile",
            json!({"hidden_fields": ["location", "organisation"]}),
            Some(&ada),
        )
        .await;
        assert_eq!(search(app, &ada, "q=lisbon").await["total"], 0);
        assert_eq!(search(app, &ada, "q=initech").await["total"], 0);
        assert_eq!(names(&search(app, &ada, "q=ada").await), ["Ada"]);
    }

    async fn results_are_paginated(app) {
        let token = organisation(app).await;
        let first = search(app, &token, "per_page=3").await;
        assert_eq!(names(&first), ["Ana", "Ben", "Cai"]);
        assert_eq!(first["pages"], 2);
        let second = search(app, &token, "per_page=3&page=2").await;
        assert_eq!(names(&second), ["Eve"]);
        assert_eq!(second["total"], 4);
        assert_eq!(second["page"], 2);
        let beyond = search(app, &token, "per_page=3&page=9").await;
        assert!(names(&beyond).is_empty());
        assert_eq!(beyond["total"], 4);
    }

    async fn bad_filters_are_reported_per_field(app) {
        let token = app.register_and_login("Ada Lovelace", "ada@example.org").await;
        let response = app
            .get(
                "/api/v1/people?role=boss&skill=basket-weaving&min_level=9&language=klingon&tz=Mars/Olympus&min_availability=-1&page=0&per_page=1000",
                Some(&token),
            )
            .await;
        response.field_errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            &["language", "min_availability", "min_level", "page", "per_page", "role", "skill", "tz"],
        );
        let level_alone = app.get("/api/v1/people?min_level=3", Some(&token)).await;
        level_alone.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["min_level"]);
        let hours_alone = app.get("/api/v1/people?tz_hours=2", Some(&token)).await;
        hours_alone.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["tz_hours"]);
        let not_a_number = app.get("/api/v1/people?skill=rust&min_level=high", Some(&token)).await;
        not_a_number.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["min_level"]);
        let twice = app.get("/api/v1/people?page=1&page=2", Some(&token)).await;
        twice.error(StatusCode::BAD_REQUEST, "invalid_query");
    }
}
