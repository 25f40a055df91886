//! Programmes: created by instance admins with every bad field named at once, read by
//! anyone signed in with the phase of today, edited by their own admins too, archived out
//! of everyone else's sight, listed newest first a page at a time.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::meetings::date_in_days;
use crate::support::{TestApp, api_tests};

/// The contract's body: enrolment open since yesterday, the programme starting in 20 days.
fn contract(name: &str) -> Value {
    json!({
        "name": name,
        "description": "Six months of mentoring for new team leads.",
        "enrolment_opens": date_in_days(-1),
        "enrolment_closes": date_in_days(10),
        "starts_on": date_in_days(20),
        "ends_on": date_in_days(200),
        "matching": "cohort",
        "questions": [
            {"kind": "single_choice", "text": "Where do you like to meet?", "options": ["Online", "In person"],
             "match_rule": "same", "weight": 2.0},
            {"kind": "scale", "text": "How confident do you feel leading a team?", "required": true},
            {"kind": "text", "text": "Anything we should know?"}
        ]
    })
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let made = app.post_json("/api/v1/programmes", body, Some(token)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()
}

async fn total(app: &TestApp, token: &str) -> i64 {
    let list = app.get("/api/v1/programmes", Some(token)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    list.json()["total"].as_i64().unwrap()
}

api_tests! {
    async fn the_contract_body_creates_a_programme_whose_phase_is_today_s(app) {
        let (admin, member) = app.admin_and_member().await;
        let made = create(app, &admin, contract("Team leads 2027")).await;
        assert_eq!(made["name"], "Team leads 2027");
        assert_eq!(made["phase"], "enrolling");
        assert_eq!(made["matching"], "cohort");
        assert_eq!(made["purposes"], json!(["career_development"]));
        assert_eq!(made["format"], "one_to_one");
        assert_eq!(made["circle_size"], Value::Null);
        assert_eq!((made["min_score"].clone(), made["invitation_only"].clone()), (json!(0), json!(false)));
        assert_eq!(made["starts_on"], date_in_days(20));
        assert_eq!(made["questions"][0], json!({"kind": "single_choice", "text": "Where do you like to meet?",
            "options": ["Online", "In person"], "scale_max": null, "required": false, "match_rule": "same", "weight": 2.0}));
        assert_eq!(made["questions"][1]["scale_max"], 5);
        assert_eq!(made["admins"], json!([]));
        assert_eq!(made["can_edit"], true);

        // Anyone signed in reads it, and may not edit it.
        let path = format!("/api/v1/programmes/{}", made["id"].as_str().unwrap());
        let seen = app.get(&path, Some(&member)).await;
        assert_eq!(seen.status, StatusCode::OK, "{}", seen.text());
        assert_eq!(seen.json()["questions"], made["questions"]);
        assert_eq!(seen.json()["can_edit"], false);
        assert_eq!(app.get(&path, None).await.status, StatusCode::UNAUTHORIZED);

        let mut later = contract("Next year");
        later["enrolment_opens"] = json!(date_in_days(30));
        later["enrolment_closes"] = json!(date_in_days(40));
        later["starts_on"] = json!(date_in_days(50));
        later["format"] = json!("circle");
        later["purposes"] = json!(["networking", "skills"]);
        let later = create(app, &admin, later).await;
        assert_eq!(later["phase"], "upcoming");
        assert_eq!(later["circle_size"], 6);
        assert_eq!(later["purposes"], json!(["skills", "networking"]));
    }

    async fn every_bad_field_is_named_at_once_and_nothing_is_written(app) {
        let (admin, _) = app.admin_and_member().await;
        let bad = app.post_json("/api/v1/programmes", json!({
            "name": " ", "description": "Dates out of order.",
            "enrolment_opens": "2027-03-01", "enrolment_closes": "2027-02-01",
            "starts_on": "2027-04-01", "ends_on": "2027-03-15",
            "matching": "lottery", "purposes": ["fun"], "format": "circle", "circle_size": 50, "min_score": 101,
            "admins": ["not-an-id", "0190b6a4-0000-7000-8000-000000000000"],
            "questions": [
                {"kind": "single_choice", "text": "Fine", "options": ["A", "B"]},
                {"kind": "single_choice", "text": "One option", "options": ["A"]},
                {"kind": "poll", "text": "What kind?"},
                {"kind": "text", "text": "Free text", "match_rule": "same"},
                {"kind": "multiple_choice", "text": "Rule", "options": ["A", "B"], "match_rule": "nearest"},
                {"kind": "scale", "text": "Too big", "scale_max": 1000}
            ]
        }), Some(&admin)).await;
        bad.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &[
            "name", "enrolment_closes", "ends_on", "matching", "purposes[0]", "circle_size", "min_score",
            "admins[0]", "admins[1]", "questions[1].options", "questions[2].kind", "questions[3].match_rule",
            "questions[4].match_rule", "questions[5].scale_max",
        ]);
        let unknown = app.post_json("/api/v1/programmes", json!({"name": "A", "colour": "blue"}), Some(&admin)).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unknown.text());
        assert_eq!(total(app, &admin).await, 0);
    }

    async fn only_instance_admins_create_programmes(app) {
        let (admin, member) = app.admin_and_member().await;
        app.post_json("/api/v1/programmes", contract("Mine"), Some(&member)).await
            .error(StatusCode::FORBIDDEN, "forbidden");
        assert_eq!(total(app, &admin).await, 0);
    }

    async fn a_programme_admin_edits_it_but_neither_creates_one_nor_changes_its_admins(app) {
        let (admin, member) = app.admin_and_member().await;
        let other = app.register_and_login("Cy Other", "cy@example.org").await;
        let member_id = app.id_of(&member).await;
        let mut body = contract("Team leads");
        body["admins"] = json!([member_id]);
        let made = create(app, &admin, body).await;
        assert_eq!(made["admins"], json!([{"id": member_id, "name": "Bob Member"}]));
        let path = format!("/api/v1/programmes/{}", made["id"].as_str().unwrap());

        let mut edited = contract("Team leads, renamed");
        edited["questions"] = json!([]);
        edited["needs_approval"] = json!(true);
        let done = app.put_json(&path, edited.clone(), Some(&member)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        let done = done.json();
        assert_eq!((done["name"].clone(), done["needs_approval"].clone()), (json!("Team leads, renamed"), json!(true)));
        assert_eq!(done["questions"], json!([]));
        assert_eq!(done["admins"], made["admins"], "left out, the admins stay");
        assert_eq!(done["can_edit"], true);

        app.put_json(&path, edited.clone(), Some(&other)).await.error(StatusCode::FORBIDDEN, "forbidden");
        app.post_json("/api/v1/programmes", contract("Another"), Some(&member)).await
            .error(StatusCode::FORBIDDEN, "forbidden");
        let mut unadmin = edited.clone();
        unadmin["admins"] = json!([]);
        app.put_json(&path, unadmin.clone(), Some(&member)).await.error(StatusCode::FORBIDDEN, "forbidden");
        let mut same = edited.clone();
        same["admins"] = json!([member_id]);
        assert_eq!(app.put_json(&path, same, Some(&member)).await.status, StatusCode::OK);

        // A bad edit changes nothing.
        let mut bad = edited.clone();
        bad["ends_on"] = json!("soon");
        app.put_json(&path, bad, Some(&member)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["ends_on"]);
        assert_eq!(app.get(&path, Some(&member)).await.json()["name"], "Team leads, renamed");

        let done = app.put_json(&path, unadmin, Some(&admin)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        assert_eq!(done.json()["admins"], json!([]));
        app.put_json(&path, edited, Some(&member)).await.error(StatusCode::FORBIDDEN, "forbidden");
    }

    async fn an_archived_programme_is_gone_but_for_the_instance_admins_list_of_archived_ones(app) {
        let (admin, member) = app.admin_and_member().await;
        let kept = create(app, &admin, contract("Kept")).await;
        let gone = create(app, &admin, contract("Gone")).await;
        let path = format!("/api/v1/programmes/{}", gone["id"].as_str().unwrap());
        app.delete(&path, Some(&member)).await.error(StatusCode::FORBIDDEN, "forbidden");
        assert_eq!(app.delete(&path, Some(&admin)).await.status, StatusCode::NO_CONTENT);
        app.delete(&path, Some(&admin)).await.error(StatusCode::CONFLICT, "archived");

        app.get(&path, Some(&member)).await.error(StatusCode::NOT_FOUND, "not_found");
        app.put_json(&path, contract("Back"), Some(&member)).await.error(StatusCode::NOT_FOUND, "not_found");
        let list = app.get("/api/v1/programmes", Some(&member)).await.json();
        assert_eq!(list["total"], 1);
        assert_eq!(list["programmes"][0]["id"], kept["id"]);
        app.get("/api/v1/programmes?archived=true", Some(&member)).await.error(StatusCode::FORBIDDEN, "forbidden");

        // Gone for instance admins too, but for the list of archived ones.
        app.get(&path, Some(&admin)).await.error(StatusCode::NOT_FOUND, "not_found");
        app.put_json(&path, contract("Back"), Some(&admin)).await.error(StatusCode::NOT_FOUND, "not_found");
        let archived = app.get("/api/v1/programmes?archived=true", Some(&admin)).await.json();
        assert_eq!(archived["total"], 1);
        assert_eq!(archived["programmes"][0]["id"], gone["id"]);
        assert!(archived["programmes"][0]["archived_at"].is_i64());
        assert_eq!(app.get("/api/v1/programmes", Some(&admin)).await.json()["total"], 1);
        app.get("/api/v1/programmes/not-an-id", Some(&admin)).await.error(StatusCode::NOT_FOUND, "not_found");
    }

    async fn programmes_are_listed_newest_first_a_page_at_a_time(app) {
        let (admin, member) = app.admin_and_member().await;
        for i in 0..5 {
            create(app, &admin, contract(&format!("Cohort {i}"))).await;
        }
        let names = |page: &Value| -> Vec<String> {
            page["programmes"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect()
        };
        let first = app.get("/api/v1/programmes?per_page=2", Some(&member)).await.json();
        assert_eq!((first["total"].clone(), first["page"].clone(), first["per_page"].clone()), (json!(5), json!(1), json!(2)));
        assert_eq!(names(&first), ["Cohort 4", "Cohort 3"]);
        let last = app.get("/api/v1/programmes?per_page=2&page=3", Some(&member)).await.json();
        assert_eq!(names(&last), ["Cohort 0"]);
        app.get("/api/v1/programmes?per_page=0&page=x&archived=maybe", Some(&member)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["per_page", "page", "archived"]);
        app.get("/api/v1/programmes?per_page=&page=&archived=", Some(&member)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["per_page", "page", "archived"]);
    }
}
