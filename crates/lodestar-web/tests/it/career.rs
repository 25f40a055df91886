//! Career paths: the role catalogue (shipped and the organisation's), a person's current
//! and target roles, the skills gap with who can help, close roles, and plan steps.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::pages::{Browser, csrf_of};
use crate::support::{PASSWORD, TestApp, api_tests};

/// Makes an organisation role as an admin; returns its id.
async fn role(app: &TestApp, admin: &str, title: &str, skills: Value) -> String {
    let made = app
        .post_json(
            "/api/v1/roles",
            json!({"title": title, "skills": skills}),
            Some(admin),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    assert_eq!(made.json()["source"], "organisation");
    made.json()["id"].as_str().unwrap().to_owned()
}

/// Adds a skill to the catalogue as an admin; returns its slug.
async fn skill(app: &TestApp, admin: &str, name: &str) -> String {
    let body = json!({"name": name, "kind": "technical", "category": "Testing"});
    let made = app.post_json("/api/v1/skills", body, Some(admin)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()["slug"].as_str().unwrap().to_owned()
}

async fn set_path(app: &TestApp, token: &str, body: Value) -> crate::support::TestResponse {
    let body = body.to_string();
    app.raw(
        Method::PUT,
        "/api/v1/me/career",
        "application/json",
        body,
        Some(token),
    )
    .await
}

fn titles(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_owned())
        .collect()
}

api_tests! {
    async fn a_plan_step_becomes_a_goal_once_on_its_skill_and_by_its_date(app) {
        let token = app.register_and_login("Nia", "nia@example.org").await;
        let due = crate::meetings::date_in_days(45);
        let made = app.post_json("/api/v1/me/career/steps",
            json!({"kind": "learn", "title": "Finish the statistics course", "skill": "statistics", "due_date": due}), Some(&token)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let path = format!("/api/v1/me/career/steps/{}/goal", made.json()["id"].as_str().unwrap());
        let bad = app.post_json(&path, json!({"measure": " "}), Some(&token)).await;
        bad.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["measure"]);
        let goal = app.post_json(&path, json!({"measure": "Certificate in hand"}), Some(&token)).await;
        assert_eq!(goal.status, StatusCode::CREATED, "{}", goal.text());
        let goal = goal.json();
        assert_eq!(goal["title"], "Finish the statistics course");
        assert_eq!(goal["target_date"], due.as_str());
        assert_eq!(goal["skills"][0]["slug"], "statistics");
        app.post_json(&path, json!({"measure": "Again"}), Some(&token)).await.error(StatusCode::CONFLICT, "already_done");
        let steps = app.get("/api/v1/me/career/steps", Some(&token)).await.json();
        assert_eq!(steps[0]["goal_id"], goal["id"]);
        assert_eq!(app.get("/api/v1/me/goals", Some(&token)).await.json().as_array().unwrap().len(), 1, "one goal, not two");
        let other = app.register_and_login("Sam", "sam@example.org").await;
        assert_eq!(app.post_json(&path, json!({"measure": "Mine now"}), Some(&other)).await.status, StatusCode::NOT_FOUND);
    }

    async fn seeding_the_role_catalogue_twice_adds_nothing(app) {
        let before = app.get("/api/v1/roles?per_page=1", None).await;
        assert_eq!(before.status, StatusCode::OK, "{}", before.text());
        let total: i64 = before.header("x-total-count").unwrap().parse().unwrap();
        assert!(total >= 100, "the shipped catalogue is seeded: {total}");
        lodestar_app::career::seed_if_missing(&app.app.db).await.unwrap();
        app.app.prepare().await.unwrap();
        let after = app.get("/api/v1/roles?per_page=1", None).await;
        assert_eq!(after.header("x-total-count"), before.header("x-total-count"));
        let role = &before.json()[0];
        assert_eq!(role["source"], "esco");
        assert!(role["skills"].as_array().unwrap().iter().all(|s| s["skill"].is_string() && s["level"].is_u64()));
    }

    async fn searching_roles_for_data_finds_the_data_roles_a_page_at_a_time(app) {
        let found = app.get("/api/v1/roles?q=data", None).await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.text());
        let names = titles(&found.json());
        assert!(names.contains(&"Data analyst".to_owned()), "{names:?}");
        assert!(names.contains(&"Data scientist".to_owned()), "{names:?}");
        assert!(names.iter().all(|t| t.to_lowercase().contains("data")), "{names:?}");
        let total: usize = found.header("x-total-count").unwrap().parse().unwrap();
        assert_eq!(total, names.len());

        let first = app.get("/api/v1/roles?q=DATA&per_page=2", None).await;
        assert_eq!(titles(&first.json()), names[..2].to_vec());
        let link = first.header("link").unwrap();
        assert!(link.contains("page=2&per_page=2>; rel=\"next\""), "{link}");
        let second = app.get("/api/v1/roles?q=data&per_page=2&page=2", None).await;
        assert_eq!(titles(&second.json()), names[2..4].to_vec());

        let bad = app.get("/api/v1/roles?per_page=500", None).await;
        bad.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["per_page"]);
    }

    async fn the_gap_lists_the_skills_below_the_target_largest_first_with_who_can_help(app) {
        let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
        let target = role(app, &admin, "Analytics lead", json!([
            {"skill": "rust", "level": 5},
            {"skill": "sql", "level": 3},
            {"skill": "python", "level": 2},
            {"skill": "statistics", "level": 2},
            {"skill": "data-analysis", "level": 4},
        ])).await;
        let mentee = app.person_with_profile("Mira", json!({
            "wants_mentor": true,
            "growth_skills": [{"skill": "rust", "level": 2}, {"skill": "sql", "level": 3}, {"skill": "python", "level": 3}],
        })).await;
        let mentor = app.person_with_profile("Theo", json!({
            "is_mentor": true, "mentor_capacity": 3,
            "mentor_skills": [{"skill": "rust", "level": 5}, {"skill": "statistics", "level": 1}, {"skill": "data-analysis", "level": 3}],
        })).await;
        // In the directory, not their mentor: mentors statistics well enough.
        app.person_with_profile("Sana", json!({
            "is_mentor": true, "mentor_capacity": 3,
            "mentor_skills": [{"skill": "statistics", "level": 3}],
        })).await;
        let (mentee_id, mentor_id) = (app.id_of(&mentee).await, app.id_of(&mentor).await);
        app.mentorship_between(&mentor_id, &mentee_id).await;

        let set = set_path(app, &mentee, json!({"current_role": null, "target_roles": [target]})).await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text());
        assert_eq!(set.json()["target_roles"][0]["title"], "Analytics lead");
        assert_eq!(set.json()["current_role"], Value::Null);

        let gap = app.get("/api/v1/me/career/gap", Some(&mentee)).await;
        assert_eq!(gap.status, StatusCode::OK, "{}", gap.text());
        let gaps = gap.json()["gaps"].as_array().unwrap().clone();
        let rows: Vec<(&str, u64, u64, bool)> = gaps
            .iter()
            .map(|g| (g["skill"].as_str().unwrap(), g["have"].as_u64().unwrap(), g["need"].as_u64().unwrap(), g["mentor_can_help"].as_bool().unwrap()))
            .collect();
        assert_eq!(rows, vec![
            ("data-analysis", 0, 4, false),
            ("rust", 2, 5, true),
            ("statistics", 0, 2, false),
        ]);
        assert_eq!(gaps[1]["mentor_names"], json!(["Theo"]));
        assert_eq!(gaps[1]["target_role"]["title"], "Analytics lead");
        assert_eq!(gaps[2]["mentors_in_directory"], 1, "Sana at 3; Theo's 1 is below the need");
        assert_eq!(gaps[0]["mentors_in_directory"], 0);

        // A mentor listed since counts at once.
        app.person_with_profile("Omar", json!({
            "is_mentor": true, "mentor_capacity": 2,
            "mentor_skills": [{"skill": "data-analysis", "level": 4}],
        })).await;
        let again = app.get("/api/v1/me/career/gap", Some(&mentee)).await.json();
        assert_eq!(again["gaps"][0]["skill"], "data-analysis");
        assert_eq!(again["gaps"][0]["mentors_in_directory"], 1, "Omar: {again}");

        // A mentor assessed below what they mentor on has a gap there; they are not among
        // the directory's mentors who could close it.
        let set = set_path(app, &mentor, json!({"current_role": null, "target_roles": [target]})).await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text());
        let assessed = app.post_json("/api/v1/me/assessments", json!({"skill": "rust", "level": 3, "evidence": "Out of practice"}), Some(&mentor)).await;
        assert_eq!(assessed.status, StatusCode::CREATED, "{}", assessed.text());
        let theirs = app.get("/api/v1/me/career/gap", Some(&mentor)).await.json();
        let rust = theirs["gaps"].as_array().unwrap().iter().find(|g| g["skill"] == "rust").expect("a gap in rust");
        assert_eq!((rust["have"].as_u64(), rust["need"].as_u64()), (Some(3), Some(5)));
        assert_eq!(rust["mentors_in_directory"], 0, "Theo mentors rust at 5, but is the one asking: {theirs}");
    }

    async fn naming_a_role_that_does_not_exist_changes_nothing(app) {
        let token = app.register_and_login("Nia", "nia@example.org").await;
        let analyst = app.get("/api/v1/roles?q=data+analyst", None).await.json()[0]["id"].clone();
        let ok = set_path(app, &token, json!({"current_role": analyst, "target_roles": []})).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());

        let missing = lodestar_domain::ids::RoleId::new().to_string();
        let bad = set_path(app, &token, json!({"current_role": missing, "target_roles": ["not-an-id", analyst]})).await;
        bad.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["current_role", "target_roles[0]"]);
        let same = set_path(app, &token, json!({"current_role": analyst, "target_roles": [analyst]})).await;
        same.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["target_roles[0]"]);
        // An empty string is not a role id (null is "none"), as the API document says.
        let empty = set_path(app, &token, json!({"current_role": "", "target_roles": []})).await;
        empty.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["current_role"]);

        let kept = app.get("/api/v1/me/career", Some(&token)).await;
        assert_eq!(kept.json()["current_role"]["title"], "Data analyst");
        assert_eq!(kept.json()["target_roles"], json!([]));
    }

    async fn plan_steps_are_added_ticked_and_deleted_and_bad_ones_change_nothing(app) {
        let token = app.register_and_login("Ola", "ola@example.org").await;
        let made = app.post_json("/api/v1/me/career/steps", json!({
            "kind": "stretch_project", "title": "Lead the Q1 data migration", "skill": "sql", "due_date": "2027-03-31",
        }), Some(&token)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let step = made.json();
        assert_eq!(step["kind"], "stretch_project");
        assert_eq!(step["skill"], "sql");
        assert_eq!(step["done"], false);
        assert_eq!(step["goal_id"], Value::Null);

        let bad = app.post_json("/api/v1/me/career/steps", json!({
            "kind": "dream", "title": "Something", "due_date": "31/03/2027",
        }), Some(&token)).await;
        bad.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["kind", "due_date"]);
        let unknown = app.post_json("/api/v1/me/career/steps", json!({
            "kind": "learn", "title": " ", "skill": "no-such-skill", "due_date": "2027-02-30",
        }), Some(&token)).await;
        unknown.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["title", "skill", "due_date"]);
        let listed = app.get("/api/v1/me/career/steps", Some(&token)).await;
        assert_eq!(listed.json().as_array().unwrap().len(), 1);

        let path = format!("/api/v1/me/career/steps/{}", step["id"].as_str().unwrap());
        let goal = lodestar_domain::ids::RoleId::new().to_string();
        let ticked = app.patch_json(&path, json!({"done": true, "goal_id": goal}), Some(&token)).await;
        assert_eq!(ticked.status, StatusCode::OK, "{}", ticked.text());
        assert_eq!(ticked.json()["done"], true);
        assert_eq!(ticked.json()["goal_id"], goal);
        let refused = app.patch_json(&path, json!({"kind": "nap", "done": false}), Some(&token)).await;
        refused.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["kind"]);
        let listed = app.get("/api/v1/me/career/steps", Some(&token)).await;
        assert_eq!(listed.json()[0]["done"], true, "the refused edit changed nothing");

        assert_eq!(app.delete(&path, Some(&token)).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.delete(&path, Some(&token)).await.status, StatusCode::NOT_FOUND);
        let listed = app.get("/api/v1/me/career/steps", Some(&token)).await;
        assert_eq!(listed.json(), json!([]));
    }

    async fn someone_elses_step_is_not_found(app) {
        let owner = app.register_and_login("Owen", "owen@example.org").await;
        let other = app.register_and_login("Oona", "oona@example.org").await;
        let made = app.post_json("/api/v1/me/career/steps", json!({
            "kind": "introduction", "title": "Meet the head of data", "due_date": "2027-01-15",
        }), Some(&owner)).await;
        let path = format!("/api/v1/me/career/steps/{}", made.json()["id"].as_str().unwrap());
        app.patch_json(&path, json!({"done": true}), Some(&other)).await.error(StatusCode::NOT_FOUND, "not_found");
        app.delete(&path, Some(&other)).await.error(StatusCode::NOT_FOUND, "not_found");
        let mine = app.get("/api/v1/me/career/steps", Some(&owner)).await;
        assert_eq!(mine.json()[0]["done"], false);
    }

    async fn close_roles_rank_by_skills_held_then_by_share_without_the_current_or_target_roles(app) {
        let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
        let z = skill(app, &admin, "Zither tuning").await;
        let y = skill(app, &admin, "Yurt raising").await;
        let x = skill(app, &admin, "Xylography").await;
        let all_three = role(app, &admin, "Workshop master", json!([{"skill": z, "level": 2}, {"skill": y, "level": 2}, {"skill": x, "level": 2}])).await;
        role(app, &admin, "Two of two", json!([{"skill": z, "level": 1}, {"skill": y, "level": 1}])).await;
        role(app, &admin, "Two of four", json!([{"skill": z, "level": 1}, {"skill": y, "level": 1}, {"skill": x, "level": 5}, {"skill": "rust", "level": 1}])).await;
        role(app, &admin, "Out of reach", json!([{"skill": z, "level": 5}])).await;
        let token = app.person_with_profile("Cleo", json!({
            "growth_skills": [{"skill": z, "level": 3}, {"skill": y, "level": 3}, {"skill": x, "level": 3}],
        })).await;

        let close = app.get("/api/v1/me/career/close-roles", Some(&token)).await;
        assert_eq!(close.status, StatusCode::OK, "{}", close.text());
        assert_eq!(titles(&close.json()), ["Workshop master", "Two of two", "Two of four"]);
        let partial = &close.json()[2];
        assert_eq!(partial["shared_count"], 2);
        assert_eq!(partial["missing_count"], 2);
        let missing: Vec<&str> = partial["missing_skills"].as_array().unwrap().iter().map(|s| s["skill"].as_str().unwrap()).collect();
        assert_eq!(missing, [x.as_str(), "rust"]);

        set_path(app, &token, json!({"current_role": all_three})).await;
        let close = app.get("/api/v1/me/career/close-roles", Some(&token)).await;
        assert_eq!(titles(&close.json()), ["Two of two", "Two of four"]);
        // A target role is on the path already: not an alternative to it.
        let two_of_two = app.get("/api/v1/roles?q=two+of+two", None).await.json()[0]["id"].clone();
        set_path(app, &token, json!({"current_role": all_three, "target_roles": [two_of_two]})).await;
        let close = app.get("/api/v1/me/career/close-roles", Some(&token)).await;
        assert_eq!(titles(&close.json()), ["Two of four"]);
    }

    async fn only_admins_add_and_edit_roles_and_bad_roles_are_refused_field_by_field(app) {
        let (admin, member) = app.admin_and_member().await;
        let body = json!({"title": "Platform lead", "skills": [{"skill": "rust", "level": 4}]});
        app.post_json("/api/v1/roles", body.clone(), Some(&member)).await.error(StatusCode::FORBIDDEN, "forbidden");

        let bad = app.post_json("/api/v1/roles", json!({"title": "", "skills": [
            {"skill": "no-such-skill", "level": 3},
            {"skill": "rust", "level": 7},
            {"skill": "rust", "level": 2},
        ]}), Some(&admin)).await;
        bad.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["title", "skills[0].skill", "skills[1].level", "skills[2].skill"]);
        let too_many: Vec<Value> = (0..31).map(|_| json!({"skill": "rust", "level": 1})).collect();
        let long = app.post_json("/api/v1/roles", json!({"title": "x".repeat(201), "skills": too_many}), Some(&admin)).await;
        long.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["title", "skills"]);
        let none = app.get("/api/v1/roles?q=platform+lead", None).await;
        assert_eq!(none.json(), json!([]), "nothing was added");

        let made = app.post_json("/api/v1/roles", body.clone(), Some(&admin)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        assert_eq!(made.json()["slug"], "platform-lead");
        let again = app.post_json("/api/v1/roles", body, Some(&admin)).await;
        assert_eq!(again.json()["slug"], "platform-lead-2");

        let path = format!("/api/v1/roles/{}", made.json()["id"].as_str().unwrap());
        app.patch_json(&path, json!({"title": "Hijacked"}), Some(&member)).await.error(StatusCode::FORBIDDEN, "forbidden");
        let edited = app.patch_json(&path, json!({"skills": [{"skill": "sql", "level": 3}, {"skill": "rust", "level": 5}]}), Some(&admin)).await;
        assert_eq!(edited.status, StatusCode::OK, "{}", edited.text());
        assert_eq!(edited.json()["skills"], json!([
            {"skill": "sql", "skill_name": "SQL", "level": 3},
            {"skill": "rust", "skill_name": "Rust", "level": 5},
        ]));
        let shipped = app.get("/api/v1/roles?q=data+analyst", None).await.json()[0]["id"].as_str().unwrap().to_owned();
        let retired = app.patch_json(&format!("/api/v1/roles/{shipped}"), json!({"retired": true}), Some(&admin)).await;
        assert_eq!(retired.json()["source"], "esco");
        assert_eq!(app.get("/api/v1/roles?q=data+analyst", None).await.json(), json!([]));
    }

    async fn the_career_page_sets_a_path_shows_the_gap_and_keeps_a_plan_without_javascript(app) {
        let token = app.person_with_profile("Pia", json!({
            "growth_skills": [{"skill": "sql", "level": 1}],
        })).await;
        let analyst = app.get("/api/v1/roles?q=data+analyst", None).await.json()[0]["id"].as_str().unwrap().to_owned();
        let mut browser = Browser::new(app);
        browser.log_in("pia@example.org", PASSWORD).await;
        let page = browser.get("/career").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("Choose a target role above"), "{}", page.text());
        let csrf = csrf_of(&page.text());

        let saved = browser.post("/career", &[("_csrf", &csrf), ("current_role", ""), ("target_role", &analyst), ("target_role", ""), ("target_role", "")]).await;
        assert_eq!(saved.header("location"), Some("/career"));
        let page = browser.get("/career").await.text();
        assert!(page.contains("Your career path is saved."), "{page}");
        assert!(page.contains("<th scope=\"row\">SQL</th>"), "the gap table lists SQL: {page}");
        assert!(page.contains("This service uses the ESCO classification of the European Commission."));

        let refused = browser.post("/career/steps", &[("_csrf", &csrf), ("kind", "learn"), ("title", ""), ("skill", "sql"), ("due_date", "soon")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = refused.text();
        assert!(text.contains("must be a date, YYYY-MM-DD") && text.contains("is required"), "{text}");
        let added = browser.post("/career/steps", &[("_csrf", &csrf), ("kind", "practise"), ("title", "Write the weekly SQL report"), ("skill", "sql"), ("due_date", "2027-02-01")]).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
        let steps = app.get("/api/v1/me/career/steps", Some(&token)).await.json();
        assert_eq!(steps[0]["title"], "Write the weekly SQL report");
        let id = steps[0]["id"].as_str().unwrap();
        browser.post(&format!("/career/steps/{id}"), &[("_csrf", &csrf), ("done", "on")]).await;
        assert_eq!(app.get("/api/v1/me/career/steps", Some(&token)).await.json()[0]["done"], true);
        browser.post(&format!("/career/steps/{id}/delete"), &[("_csrf", &csrf)]).await;
        assert_eq!(app.get("/api/v1/me/career/steps", Some(&token)).await.json(), json!([]));

        let roles = browser.get("/roles?q=data").await.text();
        assert!(roles.contains("Data analyst") && roles.contains("ESCO"), "{roles}");
    }

    async fn admins_add_roles_from_the_page_and_bad_lines_are_shown_by_line(app) {
        app.admin_and_login("Ada Admin", "ada@example.org").await;
        let mut browser = Browser::new(app);
        browser.log_in("ada@example.org", PASSWORD).await;
        let page = browser.get("/admin/roles").await;
        assert_eq!(page.status, StatusCode::OK);
        let csrf = csrf_of(&page.text());
        let refused = browser.post("/admin/roles", &[("_csrf", &csrf), ("title", "Data steward"), ("skills", "sql 3\nno-such-skill 2")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("Line 2 (no-such-skill): the skill is not a skill in the catalogue."), "{}", refused.text());
        let added = browser.post("/admin/roles", &[("_csrf", &csrf), ("title", "Data steward"), ("skills", "sql 3\ndata-governance: 4")]).await;
        assert_eq!(added.header("location"), Some("/admin/roles"));
        let found = app.get("/api/v1/roles?q=steward", None).await.json();
        assert_eq!(found[0]["skills"].as_array().unwrap().len(), 2);
        assert_eq!(found[0]["source"], "organisation");
    }

    async fn every_demo_mentee_has_a_path_with_a_gap_and_a_plan(app) {
        let options = lodestar_app::demo::DemoOptions { people: 120, opportunities: lodestar_app::demo::default_opportunities(120), seed: 11, progress: false };
        let report = app.app.generate_demo(&options).await.unwrap();
        let (_, email) = report.logins.iter().find(|(kind, _)| kind == "mentee").unwrap();
        let token = app.login(email, lodestar_app::demo::DEMO_PASSWORD).await.json()["token"].as_str().unwrap().to_owned();
        let career = app.get("/api/v1/me/career", Some(&token)).await.json();
        assert_eq!(career["target_roles"].as_array().unwrap().len(), 1, "{career}");
        assert!(career["current_role"].is_object(), "{career}");
        assert!(!app.get("/api/v1/me/career/gap", Some(&token)).await.json()["gaps"].as_array().unwrap().is_empty());
        let steps = app.get("/api/v1/me/career/steps", Some(&token)).await.json();
        assert!(steps.as_array().unwrap().len() >= 2, "{steps}");
        let mentees = report.mentees + report.both;
        let with_path: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM career_targets")
            .fetch_one(app.app.db.reader())
            .await
            .unwrap();
        assert_eq!(usize::try_from(with_path).unwrap(), mentees);
    }

    async fn merging_a_skill_moves_the_roles_and_steps_that_use_it(app) {
        let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
        let old = skill(app, &admin, "Query writing").await;
        let both = role(app, &admin, "Both kept", json!([{"skill": old, "level": 4}, {"skill": "sql", "level": 2}])).await;
        let only = role(app, &admin, "Old only", json!([{"skill": old, "level": 3}])).await;
        let step = app.post_json("/api/v1/me/career/steps", json!({
            "kind": "learn", "title": "Learn to write queries", "skill": old, "due_date": "2027-05-01",
        }), Some(&admin)).await;
        assert_eq!(step.status, StatusCode::CREATED, "{}", step.text());

        let merged = app.post_json(&format!("/api/v1/skills/{old}/merge"), json!({"into": "sql"}), Some(&admin)).await;
        assert_eq!(merged.status, StatusCode::OK, "{}", merged.text());
        let skills_of = |v: Value| -> Vec<(String, i64)> {
            v["skills"].as_array().unwrap().iter().map(|s| (s["skill"].as_str().unwrap().to_owned(), s["level"].as_i64().unwrap())).collect()
        };
        let both = app.get(&format!("/api/v1/roles/{both}"), None).await.json();
        assert_eq!(skills_of(both), [("sql".to_owned(), 4)], "the higher level is kept");
        let only = app.get(&format!("/api/v1/roles/{only}"), None).await.json();
        assert_eq!(skills_of(only), [("sql".to_owned(), 3)]);
        let steps = app.get("/api/v1/me/career/steps", Some(&admin)).await.json();
        assert_eq!(steps[0]["skill"], "sql");
    }
}
