//! Growth through the API: goals (fields, milestones, status, sharing, comments,
//! suggestions), confidence check-ins (validation, the marked drop, what a mentor sees),
//! and the reminders; and who may read any of it — the owner, a mentor they share with
//! until the grace period after the mentorship ends, and nobody else, admins included.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::meetings::{Pair, date_in_days, pair};
use crate::support::{TestApp, api_tests};

async fn new_goal(app: &TestApp, token: &str, body: Value) -> Value {
    let made = app.post_json("/api/v1/me/goals", body, Some(token)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()
}

fn goal_body(title: &str) -> Value {
    json!({"title": title, "measure": "Asked to lead the next one", "target_date": date_in_days(90)})
}

async fn kinds(app: &TestApp, token: &str) -> Vec<String> {
    let inbox = app.get("/api/v1/me/notifications", Some(token)).await;
    assert_eq!(inbox.status, StatusCode::OK, "{}", inbox.text());
    inbox.json()["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn goal_count(app: &TestApp, token: &str) -> usize {
    let listed = app.get("/api/v1/me/goals", Some(token)).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
    listed.json().as_array().unwrap().len()
}

/// Ends the pair's mentorship `days_ago` days ago.
pub(crate) async fn end_mentorship(app: &TestApp, p: &Pair, days_ago: i64) {
    let ended = lodestar_store::now_ms() - days_ago * 24 * 60 * 60 * 1000;
    sqlx::query("UPDATE mentorships SET state = 'completed', ended_at = $1 WHERE id = $2")
        .bind(ended)
        .bind(&p.mentorship)
        .execute(app.app.db.writer())
        .await
        .unwrap();
}

api_tests! {
    async fn a_goal_holds_what_why_measure_date_skills_milestones_and_obstacles(app) {
        let p = pair(app).await;
        let body = json!({
            "title": "Lead the platform migration",
            "why": "To show I can lead across teams",
            "measure": "Every service moved without an outage",
            "target_date": date_in_days(120),
            "skills": ["leadership", "Stakeholder management"],
            "mentorship_id": p.mentorship,
            "milestones": [
                {"title": "Write the plan", "due_date": date_in_days(10)},
                {"title": "Move the first service", "due_date": date_in_days(40)},
                {"title": "Retrospective"}
            ],
            "obstacles": [{"obstacle": "Little time", "plan": "Block Friday mornings"}],
            "progress": 80
        });
        let goal = new_goal(app, &p.mentee, body).await;
        assert_eq!(goal["status"], "active");
        assert_eq!(goal["progress"], 0, "milestones, not the stated 80, make the progress");
        assert_eq!(goal["yours"], true);
        let skills: Vec<&str> = goal["skills"].as_array().unwrap().iter().map(|s| s["slug"].as_str().unwrap()).collect();
        assert_eq!(skills, vec!["leadership", "stakeholder-management"]);
        let titles: Vec<&str> = goal["milestones"].as_array().unwrap().iter().map(|m| m["title"].as_str().unwrap()).collect();
        assert_eq!(titles, vec!["Write the plan", "Move the first service", "Retrospective"]);
        assert_eq!(goal["obstacles"][0]["plan"], "Block Friday mornings");
        assert_eq!(goal["mentorship_id"].as_str(), Some(p.mentorship.as_str()));
        assert_eq!(goal["shared_with"], json!([]));

        // Ticking one milestone of three off: 33 %.
        let id = goal["id"].as_str().unwrap();
        let first = goal["milestones"][0]["id"].as_str().unwrap();
        let path = format!("/api/v1/me/goals/{id}/milestones/{first}");
        let ticked = app.patch_json(&path, json!({"done": true}), Some(&p.mentee)).await;
        assert_eq!(ticked.status, StatusCode::OK, "{}", ticked.text());
        assert_eq!(ticked.json()["progress"], 33);

        // Without milestones, the stated progress counts.
        let plain = new_goal(app, &p.mentee, json!({"title": "Read two books", "measure": "Notes on both", "target_date": date_in_days(30), "progress": 50})).await;
        assert_eq!(plain["progress"], 50);
        let listed = app.get("/api/v1/me/goals", Some(&p.mentee)).await.json();
        assert_eq!(listed.as_array().unwrap().len(), 2);
    }

    async fn bad_goal_input_names_every_field_at_once_and_changes_nothing(app) {
        let p = pair(app).await;
        let stranger = app.register_and_login("Sam Stranger", "sam@example.org").await;
        let stranger_id = app.id_of(&stranger).await;
        let body = json!({
            "title": "  ",
            "measure": "",
            "target_date": "2020-01-01",
            "skills": ["rust", "underwater-basket-weaving"],
            "shared_with": [stranger_id],
            "milestones": [{"title": "ok"}, {"title": "", "due_date": "2027-02-30"}],
            "progress": 120
        });
        let refused = app.post_json("/api/v1/me/goals", body, Some(&p.mentee)).await;
        let error = refused.field_errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            &["measure", "milestones[1].due_date", "milestones[1].title", "progress", "shared_with", "skills", "target_date", "title"],
        );
        assert!(error["fields"]["skills"].as_str().unwrap().contains("underwater-basket-weaving"));
        assert_eq!(error["fields"]["target_date"], "must not be in the past");
        let far = app.post_json("/api/v1/me/goals", json!({"title": "x", "measure": "y", "target_date": "2099-01-01"}), Some(&p.mentee)).await;
        far.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["target_date"]);
        // A mentorship that is not yours.
        let other = app.register_and_login("Oda Other", "oda@example.org").await;
        let mut body = goal_body("Someone else's mentorship");
        body["mentorship_id"] = json!(p.mentorship);
        let refused = app.post_json("/api/v1/me/goals", body, Some(&other)).await;
        refused.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["mentorship_id"]);
        assert_eq!(goal_count(app, &p.mentee).await, 0);
        assert_eq!(goal_count(app, &other).await, 0);

        // An edit with a bad field changes nothing either.
        let goal = new_goal(app, &p.mentee, goal_body("Speak at the all-hands")).await;
        let path = format!("/api/v1/me/goals/{}", goal["id"].as_str().unwrap());
        let refused = app.patch_json(&path, json!({"title": "New title", "target_date": "yesterday"}), Some(&p.mentee)).await;
        refused.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["target_date"]);
        assert_eq!(app.get(&path, Some(&p.mentee)).await.json()["title"], "Speak at the all-hands");
    }

    async fn a_goal_moves_between_statuses_along_its_transitions_only(app) {
        let p = pair(app).await;
        let goal = new_goal(app, &p.mentee, goal_body("Get promoted")).await;
        let path = format!("/api/v1/me/goals/{}", goal["id"].as_str().unwrap());
        let achieved = app.patch_json(&path, json!({"status": "achieved"}), Some(&p.mentee)).await;
        assert_eq!(achieved.status, StatusCode::OK, "{}", achieved.text());
        assert_eq!(achieved.json()["progress"], 100);
        assert!(achieved.json()["achieved_at"].as_i64().is_some());
        let refused = app.patch_json(&path, json!({"status": "paused"}), Some(&p.mentee)).await;
        refused.error(StatusCode::CONFLICT, "invalid_transition");
        let unknown = app.patch_json(&path, json!({"status": "finished"}), Some(&p.mentee)).await;
        unknown.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["status"]);
        let again = app.patch_json(&path, json!({"status": "active"}), Some(&p.mentee)).await;
        assert_eq!(again.json()["achieved_at"], Value::Null);
        assert_eq!(app.delete(&path, Some(&p.mentee)).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.get(&path, Some(&p.mentee)).await.status, StatusCode::NOT_FOUND);
    }

    async fn a_private_goal_is_its_owners_alone_and_a_shared_one_reaches_the_chosen_mentor(app) {
        let p = pair(app).await;
        let stranger = app.register_and_login("Sam Stranger", "sam@example.org").await;
        let (admin, _) = app.admin_and_member().await;
        let private = new_goal(app, &p.mentee, goal_body("Private goal")).await;
        let private_path = format!("/api/v1/me/goals/{}", private["id"].as_str().unwrap());
        for token in [&p.mentor, &stranger, &admin] {
            assert_eq!(app.get(&private_path, Some(token)).await.status, StatusCode::NOT_FOUND);
            let comments = format!("{private_path}/comments");
            assert_eq!(app.get(&comments, Some(token)).await.status, StatusCode::NOT_FOUND);
        }

        let mut body = goal_body("Shared goal");
        body["shared_with"] = json!([p.mentor_id]);
        let shared = new_goal(app, &p.mentee, body).await;
        assert_eq!(shared["shared_with"][0]["name"], "Ana Mentor");
        let id = shared["id"].as_str().unwrap();
        let path = format!("/api/v1/me/goals/{id}");
        let seen = app.get(&path, Some(&p.mentor)).await;
        assert_eq!(seen.status, StatusCode::OK, "{}", seen.text());
        assert_eq!(seen.json()["yours"], false);
        assert_eq!(seen.json()["shared_with"], json!([]), "who else sees it is the owner's business");
        for token in [&stranger, &admin] {
            assert_eq!(app.get(&path, Some(token)).await.status, StatusCode::NOT_FOUND);
        }
        // The mentor lists what the mentee shares, and only that.
        let listed = app.get(&format!("/api/v1/people/{}/goals", p.mentee_id), Some(&p.mentor)).await.json();
        let titles: Vec<&str> = listed.as_array().unwrap().iter().map(|g| g["title"].as_str().unwrap()).collect();
        assert_eq!(titles, vec!["Shared goal"]);
        let path_of = format!("/api/v1/people/{}/goals", p.mentee_id);
        assert_eq!(app.get(&path_of, Some(&stranger)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&path_of, Some(&admin)).await.status, StatusCode::NOT_FOUND);

        // The mentor comments (the mentee is told) and suggests a milestone, but edits nothing.
        let comment = app.post_json(&format!("{path}/comments"), json!({"body": "Start with the smallest service"}), Some(&p.mentor)).await;
        assert_eq!(comment.status, StatusCode::CREATED, "{}", comment.text());
        let suggested = app.post_json(&format!("{path}/milestones"), json!({"title": "Pair with the SRE team", "due_date": date_in_days(20)}), Some(&p.mentor)).await;
        assert_eq!(suggested.status, StatusCode::CREATED, "{}", suggested.text());
        let milestone = &suggested.json();
        assert_eq!(milestone["state"], "suggested");
        assert_eq!(milestone["suggested_by"]["name"], "Ana Mentor");
        assert_eq!(app.get(&path, Some(&p.mentee)).await.json()["progress"], 0, "a suggestion does not count yet");
        let told = kinds(app, &p.mentee).await;
        assert!(told.contains(&"goal_comment".to_owned()) && told.contains(&"milestone_suggested".to_owned()), "{told:?}");
        let edit = app.patch_json(&path, json!({"title": "Mine now"}), Some(&p.mentor)).await;
        edit.error(StatusCode::FORBIDDEN, "forbidden");
        let milestone_path = format!("{path}/milestones/{}", milestone["id"].as_str().unwrap());
        let answer = app.patch_json(&milestone_path, json!({"state": "accepted"}), Some(&p.mentor)).await;
        answer.error(StatusCode::FORBIDDEN, "forbidden");

        // The mentee accepts it, ticks it off; the mentee's reply reaches the mentor.
        let accepted = app.patch_json(&milestone_path, json!({"state": "accepted", "done": true}), Some(&p.mentee)).await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
        assert_eq!(accepted.json()["progress"], 100);
        let reply = app.post_json(&format!("{path}/comments"), json!({"body": "Done, thanks"}), Some(&p.mentee)).await;
        assert_eq!(reply.status, StatusCode::CREATED);
        assert!(kinds(app, &p.mentor).await.contains(&"goal_comment".to_owned()));
        let comments = app.get(&format!("{path}/comments"), Some(&p.mentor)).await.json();
        assert_eq!(comments.as_array().unwrap().len(), 2);

        // Only mentors can be chosen: the stranger cannot be added.
        let stranger_id = app.id_of(&stranger).await;
        let refused = app.patch_json(&path, json!({"shared_with": [p.mentor_id, stranger_id]}), Some(&p.mentee)).await;
        refused.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["shared_with"]);
        // Unsharing takes it away at once.
        let unshared = app.patch_json(&path, json!({"shared_with": []}), Some(&p.mentee)).await;
        assert_eq!(unshared.status, StatusCode::OK);
        assert_eq!(app.get(&path, Some(&p.mentor)).await.status, StatusCode::NOT_FOUND);
    }

    async fn a_mentor_stops_seeing_shared_growth_once_the_grace_period_after_the_end_has_passed(app) {
        let p = pair(app).await;
        let mut body = goal_body("Shared goal");
        body["shared_with"] = json!([p.mentor_id]);
        let goal = new_goal(app, &p.mentee, body).await;
        let path = format!("/api/v1/me/goals/{}", goal["id"].as_str().unwrap());
        let checked = app.post_json("/api/v1/me/check-ins", json!({"confidence": 6, "share_with_mentors": true}), Some(&p.mentee)).await;
        assert_eq!(checked.status, StatusCode::CREATED, "{}", checked.text());
        let check_ins = format!("/api/v1/people/{}/check-ins", p.mentee_id);
        let grace_days = app.app.policy.mentoring.share_grace_ms / (24 * 60 * 60 * 1000);
        assert!(grace_days > 2);

        end_mentorship(app, &p, grace_days - 1).await;
        assert_eq!(app.get(&path, Some(&p.mentor)).await.status, StatusCode::OK, "within the grace period");
        assert_eq!(app.get(&check_ins, Some(&p.mentor)).await.json().as_array().unwrap().len(), 1);

        end_mentorship(app, &p, grace_days + 1).await;
        assert_eq!(app.get(&path, Some(&p.mentor)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&check_ins, Some(&p.mentor)).await.status, StatusCode::NOT_FOUND);
        let comment = app.post_json(&format!("{path}/comments"), json!({"body": "Still here?"}), Some(&p.mentor)).await;
        assert_eq!(comment.status, StatusCode::NOT_FOUND);
        // The grace period is a setting.
        let mut policy = app.app.policy.clone();
        policy.mentoring.share_grace_ms = (grace_days + 5) * 24 * 60 * 60 * 1000;
        let longer = app.with_policy(policy);
        assert_eq!(longer.get(&path, Some(&p.mentor)).await.status, StatusCode::OK);
        // The owner always reads it.
        assert_eq!(app.get(&path, Some(&p.mentee)).await.status, StatusCode::OK);
    }

    async fn a_confidence_outside_one_to_ten_is_refused_by_field_and_nothing_is_kept(app) {
        let p = pair(app).await;
        for confidence in [0, 11, -3] {
            let refused = app.post_json("/api/v1/me/check-ins", json!({"confidence": confidence}), Some(&p.mentee)).await;
            let error = refused.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["confidence"]);
            assert_eq!(error["fields"]["confidence"], "must be a whole number from 1 to 10");
        }
        let refused = app.post_json(
            "/api/v1/me/check-ins",
            json!({"confidence": 5, "areas": [{"area": "Speaking up", "confidence": 4}, {"area": "speaking up", "confidence": 12}], "need": "x".repeat(2001)}),
            Some(&p.mentee),
        ).await;
        refused.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["areas[1]", "need"]);
        let listed = app.get("/api/v1/me/check-ins", Some(&p.mentee)).await.json();
        assert_eq!(listed, json!([]));
    }

    async fn a_marked_drop_prompts_the_mentee_and_tells_the_mentors_who_see_the_scores(app) {
        let p = pair(app).await;
        for confidence in [7, 8, 7] {
            let done = app.post_json("/api/v1/me/check-ins", json!({"confidence": confidence, "share_with_mentors": true}), Some(&p.mentee)).await;
            assert_eq!(done.status, StatusCode::CREATED, "{}", done.text());
            assert_eq!(done.json()["marked_drop"], false);
            assert_eq!(done.json()["prompt"], Value::Null);
        }
        // Average 7.33: 5 is not a drop of 3, 4 is.
        let small = app.post_json("/api/v1/me/check-ins", json!({"confidence": 5, "share_with_mentors": true}), Some(&p.mentee)).await;
        assert_eq!(small.json()["marked_drop"], false);
        assert!(!kinds(app, &p.mentee).await.contains(&"confidence_drop".to_owned()));
        // Last three 8, 7, 5: average 6.67; 3 is a drop.
        let drop = app.post_json(
            "/api/v1/me/check-ins",
            json!({"confidence": 3, "areas": [{"area": "Speaking up in meetings", "confidence": 2}], "hard": "The reorg", "need": "A chat", "share_with_mentors": true, "share_reflection": false}),
            Some(&p.mentee),
        ).await;
        assert_eq!(drop.status, StatusCode::CREATED, "{}", drop.text());
        assert_eq!(drop.json()["marked_drop"], true);
        assert!(drop.json()["prompt"].as_str().unwrap().contains("mentor"));
        assert!(kinds(app, &p.mentee).await.contains(&"confidence_drop".to_owned()));
        assert!(kinds(app, &p.mentor).await.contains(&"confidence_drop".to_owned()));

        // The mentor sees the scores but not the reflection the mentee kept back.
        let seen = app.get(&format!("/api/v1/people/{}/check-ins", p.mentee_id), Some(&p.mentor)).await.json();
        assert_eq!(seen.as_array().unwrap().len(), 5);
        assert_eq!(seen[0]["confidence"], 3);
        assert_eq!(seen[0]["areas"][0]["confidence"], 2);
        assert_eq!(seen[0]["hard"], "");
        assert_eq!(seen[0]["need"], "");
        let own = app.get("/api/v1/me/check-ins", Some(&p.mentee)).await.json();
        assert_eq!(own[0]["hard"], "The reorg");
    }

    async fn an_unshared_check_in_reaches_no_one_else_and_its_drop_stays_with_the_mentee(app) {
        let p = pair(app).await;
        let stranger = app.register_and_login("Sam Stranger", "sam@example.org").await;
        let (admin, _) = app.admin_and_member().await;
        for confidence in [9, 9, 9, 2] {
            let done = app.post_json("/api/v1/me/check-ins", json!({"confidence": confidence, "went_well": "private"}), Some(&p.mentee)).await;
            assert_eq!(done.status, StatusCode::CREATED, "{}", done.text());
        }
        let path = format!("/api/v1/people/{}/check-ins", p.mentee_id);
        assert_eq!(app.get(&path, Some(&p.mentor)).await.json(), json!([]));
        assert!(!kinds(app, &p.mentor).await.contains(&"confidence_drop".to_owned()));
        assert!(kinds(app, &p.mentee).await.contains(&"confidence_drop".to_owned()));
        for token in [&stranger, &admin] {
            assert_eq!(app.get(&path, Some(token)).await.status, StatusCode::NOT_FOUND);
        }
    }

    async fn goals_due_milestones_overdue_and_check_ins_remind_once(app) {
        let p = pair(app).await;
        let mut body = goal_body("Finish the course");
        body["target_date"] = json!(date_in_days(2));
        body["milestones"] = json!([{"title": "Module one", "due_date": date_in_days(1)}]);
        new_goal(app, &p.mentee, body).await;
        let now = lodestar_store::now_ms();
        let day = 24 * 60 * 60 * 1000;
        assert_eq!(app.app.remind_goals_due(now).await.unwrap(), 0);
        // Three days on: the milestone is overdue and the goal's date has come.
        assert_eq!(app.app.remind_goals_due(now + 3 * day).await.unwrap(), 2);
        assert_eq!(app.app.remind_goals_due(now + 3 * day).await.unwrap(), 0);
        assert_eq!(app.other_process().app.remind_goals_due(now + 4 * day).await.unwrap(), 0);
        let told = kinds(app, &p.mentee).await;
        assert!(told.contains(&"goal_due".to_owned()) && told.contains(&"milestone_overdue".to_owned()), "{told:?}");

        // A weekly cadence reminds a week after it is set, once, and again a week after
        // the next check-in.
        let plan = app.put_json("/api/v1/me/check-in-plan", json!({"cadence": "weekly"}), Some(&p.mentee)).await;
        assert_eq!(plan.status, StatusCode::OK, "{}", plan.text());
        assert_eq!(plan.json()["cadence"], "weekly");
        assert_eq!(app.app.remind_check_ins(now + 6 * day).await.unwrap(), 0);
        assert_eq!(app.app.remind_check_ins(now + 8 * day).await.unwrap(), 1);
        assert_eq!(app.other_process().app.remind_check_ins(now + 9 * day).await.unwrap(), 0);
        let bad = app.put_json("/api/v1/me/check-in-plan", json!({"cadence": "daily"}), Some(&p.mentee)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let off = app.put_json("/api/v1/me/check-in-plan", json!({"cadence": null}), Some(&p.mentee)).await;
        assert_eq!(off.json()["cadence"], Value::Null);
        assert_eq!(app.app.remind_check_ins(now + 30 * day).await.unwrap(), 0);
    }
}

/// Signs `email` in with a browser and returns it with a form token.
pub(crate) async fn browser<'a>(
    app: &'a TestApp,
    email: &str,
) -> (crate::pages::Browser<'a>, String) {
    let mut b = crate::pages::Browser::new(app);
    let done = b.log_in(email, crate::support::PASSWORD).await;
    assert!(done.status.is_redirection(), "{}", done.text());
    let page = b.get("/goals").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let csrf = crate::pages::csrf_of(&page.text());
    (b, csrf)
}

api_tests! {
    async fn the_goal_pages_set_a_goal_show_bad_fields_beside_them_and_tick_milestones(app) {
        let p = pair(app).await;
        let (mut b, csrf) = browser(app, "ted@example.org").await;
        let form = b.get("/goals").await.text();
        assert!(form.contains("Ana Mentor (your mentor)"), "the mentor can be chosen to share with");
        let refused = b.post("/goals", &[("_csrf", &csrf), ("title", ""), ("measure", "Asked to lead"), ("target_date", "2001-01-01"), ("milestone_0", "Plan"), ("milestone_due_0", "not a date")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text();
        assert!(html.contains(r#"id="title-error""#) && html.contains("must not be in the past"), "{html}");
        assert!(html.contains("milestones[0].due_date"), "a milestone row's problem is listed");
        assert!(html.contains(r#"value="Asked to lead""#) || html.contains(">Asked to lead<"), "what was typed stays");
        assert_eq!(goal_count(app, &p.mentee).await, 0);

        let due = date_in_days(60);
        let done = b.post("/goals", &[("_csrf", &csrf), ("title", "Present at the all-hands"), ("measure", "Done once, asked back"), ("target_date", &due), ("skills", "Public speaking, presenting"), ("milestone_0", "Outline"), ("milestone_due_0", &date_in_days(7)), ("milestone_1", "Dry run"), ("milestone_due_1", ""), ("obstacle", "Nerves"), ("plan", "Practise with Ana"), ("shared_with", &p.mentor_id)]).await;
        assert!(done.status.is_redirection(), "{}", done.text());
        let location = done.header("location").unwrap().to_owned();
        let page = b.get(&location).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("Present at the all-hands") && html.contains("Practise with Ana") && html.contains("Public speaking"));
        let goal = app.get("/api/v1/me/goals", Some(&p.mentee)).await.json()[0].clone();
        let id = goal["id"].as_str().unwrap().to_owned();
        let view = app.get(&format!("/api/v1/me/goals/{id}"), Some(&p.mentee)).await.json();
        let outline = view["milestones"][0]["id"].as_str().unwrap().to_owned();
        let ticked = b.post(&format!("/goals/{id}/milestones/{outline}"), &[("_csrf", &csrf), ("action", "done")]).await;
        assert!(ticked.status.is_redirection(), "{}", ticked.text());
        let view = app.get(&format!("/api/v1/me/goals/{id}"), Some(&p.mentee)).await.json();
        assert_eq!(view["progress"], 50);

        // The mentor reads it on the page, suggests a milestone and comments.
        let (mut mentor, mentor_csrf) = browser(app, "ana@example.org").await;
        let page = mentor.get(&format!("/goals/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("Suggest a milestone"));
        assert!(!page.text().contains("Edit the goal"));
        let suggested = mentor.post(&format!("/goals/{id}/milestones"), &[("_csrf", &mentor_csrf), ("title", "Record yourself once"), ("due_date", "")]).await;
        assert!(suggested.status.is_redirection(), "{}", suggested.text());
        let status = mentor.post(&format!("/goals/{id}"), &[("_csrf", &mentor_csrf), ("status", "dropped")]).await;
        assert_eq!(status.status, StatusCode::FORBIDDEN);
        let page = b.get(&format!("/goals/{id}")).await.text();
        assert!(page.contains("Record yourself once") && page.contains("suggested by Ana Mentor") && page.contains(r#"value="accept""#));
        // Status buttons: achieved.
        let achieved = b.post(&format!("/goals/{id}"), &[("_csrf", &csrf), ("status", "achieved")]).await;
        assert!(achieved.status.is_redirection());
        let again = b.post(&format!("/goals/{id}"), &[("_csrf", &csrf), ("status", "paused")]).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "shown beside the status");
        assert!(again.text().contains("cannot become paused"));
    }

    async fn the_check_in_page_saves_a_check_in_and_the_progress_page_charts_it_for_mentor_and_mentee(app) {
        let p = pair(app).await;
        app.register_and_login("Sam Stranger", "sam@example.org").await;
        let (mut b, csrf) = browser(app, "ted@example.org").await;
        let refused = b.post("/check-ins", &[("_csrf", &csrf), ("went_well", "kept")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains(r#"id="confidence-error""#));
        assert!(refused.text().contains(">kept</textarea>"));
        for (confidence, share) in [("6", "on"), ("7", "on"), ("7", ""), ("3", "on")] {
            let mut form = vec![("_csrf", csrf.as_str()), ("confidence", confidence), ("area_0", "Saying no"), ("area_score_0", "5"), ("need", "Time to talk")];
            if !share.is_empty() {
                form.extend([("share", share), ("share_reflection", share)]);
            }
            let done = b.post("/check-ins", &form).await;
            assert!(done.status.is_redirection(), "{}", done.text());
        }
        let page = b.get("/check-ins").await.text();
        assert!(page.contains(r#"<div class="alert info" role="note"><p>Your confidence is well below"#), "the marked drop's prompt stays on the page: {page}");
        let own = b.get(&format!("/people/{}/progress", p.mentee_id)).await;
        assert_eq!(own.status, StatusCode::OK);
        let own = own.text();
        assert!(own.contains("Confidence over time") && own.contains("<svg"));
        assert!(own.matches("<td").count() >= 4, "the table fallback holds the data");

        // The mentor sees the three shared check-ins, not the private one.
        let (mut mentor, _) = browser(app, "ana@example.org").await;
        let seen = mentor.get(&format!("/people/{}/progress", p.mentee_id)).await;
        assert_eq!(seen.status, StatusCode::OK);
        let html = seen.text();
        assert!(html.contains("Ted Mentee's progress"));
        let table = html.split("<table").nth(1).expect("a data table");
        let rows = table.split("</table>").next().unwrap().matches("<tr").count();
        assert_eq!(rows, 1 + 3, "a header and one row per shared check-in: {table}");
        assert_eq!(html.matches("<circle class=\"chart-point").count(), 3, "one point per shared check-in");
        assert_eq!(html.matches("chart-point chart-flag").count(), 1, "the marked drop is ringed");
        assert!(html.contains("Time to talk"));
        let (mut other, _) = browser(app, "sam@example.org").await;
        assert_eq!(other.get(&format!("/people/{}/progress", p.mentee_id)).await.status, StatusCode::NOT_FOUND);
    }
}
