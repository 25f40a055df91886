//! Skills over time through the API: self and mentor assessments with evidence, each
//! skill's history, strengths and weaknesses, the soft skills' anchors, and the newest
//! assessment as the gap's "have"; structured feedback both ways, tied to a session,
//! acknowledged, turned into a goal or a plan step once, and asked for. Only the people
//! concerned read any of it, admins excluded.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::growth::{browser, end_mentorship};
use crate::meetings::{Pair, date_in_days, pair, schedule_in_hours};
use crate::support::{TestApp, api_tests};

async fn assess(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let made = app.post_json(path, body, Some(token)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()
}

fn feedback_body(p: &Pair, to_mentee: bool) -> Value {
    json!({
        "to": if to_mentee { &p.mentee_id } else { &p.mentor_id },
        "skill": "public-speaking",
        "situation": "Tuesday's design review with the platform team",
        "behaviour": "You opened with the decision you needed, then the options",
        "impact": "The review ended ten minutes early with a decision",
        "suggestion": "Do the same at the all-hands next month\nand time the opening",
    })
}

async fn give(app: &TestApp, p: &Pair, token: &str, body: Value) -> Value {
    let path = format!("/api/v1/mentorships/{}/feedback", p.mentorship);
    let made = app.post_json(&path, body, Some(token)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()
}

async fn kinds(app: &TestApp, token: &str) -> Vec<String> {
    app.get("/api/v1/me/notifications", Some(token))
        .await
        .json()["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) AS n FROM {table}"
    )))
    .fetch_one(app.app.db.reader())
    .await
    .unwrap()
    .get::<i64, _>("n")
}

api_tests! {
    async fn a_self_assessment_keeps_its_evidence_and_each_skill_its_history(app) {
        let token = app.register_and_login("Mira", "mira@example.org").await;
        let bad = app.post_json("/api/v1/me/assessments",
            json!({"skill": "no-such-skill", "level": 6, "evidence": "  "}), Some(&token)).await;
        bad.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["evidence", "level", "skill"]);
        assert_eq!(count(app, "skill_assessments").await, 0, "bad input changes nothing");

        for (level, evidence) in [(2, "Spoke at the team stand-up"), (3, "Gave the sprint demo to 30 people")] {
            assess(app, &token, "/api/v1/me/assessments",
                json!({"skill": "public-speaking", "level": level, "evidence": evidence})).await;
        }
        let made = assess(app, &token, "/api/v1/me/assessments",
            json!({"skill": "Rust", "level": 4, "evidence": "Shipped the parser rewrite", "share_with_mentors": false})).await;
        assert_eq!(made["by"], "self");
        assert_eq!(made["skill"], "rust");
        assert_eq!(made["shared"], false);

        let mine = app.get("/api/v1/me/assessments", Some(&token)).await;
        assert_eq!(mine.status, StatusCode::OK, "{}", mine.text());
        let mine = mine.json();
        let skills = mine["skills"].as_array().unwrap();
        assert_eq!(skills.len(), 2);
        let speaking = skills.iter().find(|s| s["skill"] == "public-speaking").unwrap();
        assert_eq!((speaking["level"].as_u64(), speaking["first_level"].as_u64()), (Some(3), Some(2)));
        assert_eq!(speaking["kind"], "soft");
        assert_eq!(speaking["level_descriptions"].as_array().unwrap().len(), 5);
        let history = speaking["history"].as_array().unwrap();
        assert_eq!(history[0]["evidence"], "Gave the sprint demo to 30 people", "newest first");
        assert_eq!(history[0]["level_description"], speaking["level_descriptions"][2],
            "a soft skill's level reads as its behaviour anchor");
        let strengths: Vec<&str> = mine["strengths"].as_array().unwrap().iter().map(|s| s["skill"].as_str().unwrap()).collect();
        assert_eq!(strengths, ["rust", "public-speaking"], "highest first");

        let id = made["id"].as_str().unwrap();
        let shared = app.patch_json(&format!("/api/v1/me/assessments/{id}"), json!({"share_with_mentors": true}), Some(&token)).await;
        assert_eq!(shared.status, StatusCode::OK, "{}", shared.text());
        assert_eq!(shared.json()["shared"], true);
        let gone = app.delete(&format!("/api/v1/me/assessments/{id}"), Some(&token)).await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT);
        let after = app.get("/api/v1/me/assessments", Some(&token)).await.json();
        assert_eq!(after["skills"].as_array().unwrap().len(), 1);
    }

    async fn a_mentor_assesses_their_mentee_and_sees_only_what_is_shared(app) {
        let p = pair(app).await;
        let stranger = app.register_and_login("Sam Stranger", "sam@example.org").await;
        let (admin, _) = app.admin_and_member().await;
        assess(app, &p.mentee, "/api/v1/me/assessments",
            json!({"skill": "negotiation", "level": 2, "evidence": "Agreed a deadline with a vendor"})).await;
        assess(app, &p.mentee, "/api/v1/me/assessments",
            json!({"skill": "leadership", "level": 1, "evidence": "Not yet", "share_with_mentors": false})).await;
        let theirs = format!("/api/v1/people/{}/assessments", p.mentee_id);
        let by_mentor = assess(app, &p.mentor, &theirs,
            json!({"skill": "negotiation", "level": 3, "evidence": "Held the line on scope in our mock negotiation"})).await;
        assert_eq!(by_mentor["by"], "mentor");
        assert_eq!(by_mentor["assessor"]["name"], "Ana Mentor");

        let seen = app.get(&theirs, Some(&p.mentor)).await;
        assert_eq!(seen.status, StatusCode::OK, "{}", seen.text());
        let seen = seen.json();
        let skills: Vec<&str> = seen["skills"].as_array().unwrap().iter().map(|s| s["skill"].as_str().unwrap()).collect();
        assert_eq!(skills, ["negotiation"], "the unshared leadership self-assessment stays the mentee's");
        assert_eq!(seen["skills"][0]["self_level"], 2);
        assert_eq!(seen["skills"][0]["mentor_level"], 3);
        assert_eq!(seen["skills"][0]["level"], 3, "the newest assessment is where they stand");
        assert_eq!(seen["can_assess"], true);

        let mine = app.get("/api/v1/me/assessments", Some(&p.mentee)).await.json();
        assert_eq!(mine["skills"].as_array().unwrap().len(), 2);

        for token in [&stranger, &admin] {
            assert_eq!(app.get(&theirs, Some(token)).await.status, StatusCode::NOT_FOUND);
            let tried = app.post_json(&theirs, json!({"skill": "negotiation", "level": 5, "evidence": "x"}), Some(token)).await;
            assert_eq!(tried.status, StatusCode::NOT_FOUND);
        }
        let own = app.post_json(&format!("/api/v1/people/{}/assessments", p.mentee_id),
            json!({"skill": "negotiation", "level": 5, "evidence": "I am great"}), Some(&p.mentee)).await;
        own.error(StatusCode::CONFLICT, "self_assessment");

        end_mentorship(app, &p, 1).await;
        let late = app.post_json(&theirs, json!({"skill": "negotiation", "level": 4, "evidence": "After the end"}), Some(&p.mentor)).await;
        assert_eq!(late.status, StatusCode::FORBIDDEN, "an ended mentorship reads within the grace period but assesses no more");
        let read = app.get(&theirs, Some(&p.mentor)).await;
        assert_eq!(read.status, StatusCode::OK);
        assert_eq!(read.json()["can_assess"], false);
        end_mentorship(app, &p, 31).await;
        assert_eq!(app.get(&theirs, Some(&p.mentor)).await.status, StatusCode::NOT_FOUND);
    }

    async fn the_newest_assessment_is_the_have_of_the_gap_and_the_glance_shows_the_largest_gaps(app) {
        let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
        let made = app.post_json("/api/v1/roles", json!({"title": "Team lead", "skills": [
            {"skill": "leadership", "level": 4}, {"skill": "negotiation", "level": 3}]}), Some(&admin)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let role = made.json()["id"].clone();
        let mira = app.person_with_profile("Mira", json!({
            "wants_mentor": true, "growth_skills": [{"skill": "leadership", "level": 1}],
        })).await;
        let set = app.put_json("/api/v1/me/career", json!({"target_roles": [role]}), Some(&mira)).await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text());
        let gap = |body: Value| -> Vec<(String, u64)> {
            body["gaps"].as_array().unwrap().iter()
                .map(|g| (g["skill"].as_str().unwrap().to_owned(), g["have"].as_u64().unwrap())).collect()
        };
        let before = app.get("/api/v1/me/career/gap", Some(&mira)).await.json();
        assert_eq!(gap(before), [("leadership".to_owned(), 1), ("negotiation".to_owned(), 0)]);
        assess(app, &mira, "/api/v1/me/assessments",
            json!({"skill": "leadership", "level": 3, "evidence": "Led the on-call rota for a quarter"})).await;
        let after = app.get("/api/v1/me/career/gap", Some(&mira)).await.json();
        assert_eq!(gap(after), [("negotiation".to_owned(), 0), ("leadership".to_owned(), 3)]);

        let glance = app.get("/api/v1/me/assessments", Some(&mira)).await.json();
        let weaknesses: Vec<(&str, u64, u64)> = glance["weaknesses"].as_array().unwrap().iter()
            .map(|w| (w["skill"].as_str().unwrap(), w["have"].as_u64().unwrap(), w["need"].as_u64().unwrap())).collect();
        assert_eq!(weaknesses, [("negotiation", 0, 3), ("leadership", 3, 4)]);
        assert_eq!(glance["weaknesses"][0]["target_role"], "Team lead");
    }

    async fn feedback_goes_both_ways_and_the_receiver_acknowledges_it_once(app) {
        let p = pair(app).await;
        let session = schedule_in_hours(app, &p, 48).await;
        let mut body = feedback_body(&p, true);
        body["session_id"] = session["id"].clone();
        let given = give(app, &p, &p.mentor, body).await;
        assert_eq!(given["from"]["name"], "Ana Mentor");
        assert_eq!(given["to"]["id"], p.mentee_id.as_str());
        assert_eq!(given["skill"], "public-speaking");
        assert_eq!(given["session_id"], session["id"]);
        assert_eq!(given["direction"], "given");
        assert!(kinds(app, &p.mentee).await.contains(&"feedback_received".to_owned()));

        let upward = give(app, &p, &p.mentee, feedback_body(&p, false)).await;
        assert_eq!(upward["to"]["name"], "Ana Mentor");

        let mine = app.get("/api/v1/me/feedback", Some(&p.mentee)).await;
        assert_eq!(mine.status, StatusCode::OK, "{}", mine.text());
        let mine = mine.json();
        assert_eq!(mine["received"][0]["id"], given["id"]);
        assert_eq!(mine["received"][0]["direction"], "received");
        assert_eq!(mine["given"][0]["id"], upward["id"]);
        let listed = app.get(&format!("/api/v1/mentorships/{}/feedback", p.mentorship), Some(&p.mentor)).await;
        assert_eq!(listed.json().as_array().unwrap().len(), 2);

        let id = given["id"].as_str().unwrap();
        let ack = format!("/api/v1/me/feedback/{id}/acknowledge");
        let by_giver = app.post_json(&ack, json!({}), Some(&p.mentor)).await;
        assert_eq!(by_giver.status, StatusCode::FORBIDDEN, "only its receiver acknowledges it");
        let done = app.post_json(&ack, json!({"reply": "Thank you, I will"}), Some(&p.mentee)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        assert!(done.json()["acknowledged_at"].is_i64());
        assert_eq!(done.json()["reply"], "Thank you, I will");
        app.post_json(&ack, json!({}), Some(&p.mentee)).await.error(StatusCode::CONFLICT, "already_done");
        let seen_by_giver = app.get(&format!("/api/v1/me/feedback/{id}"), Some(&p.mentor)).await.json();
        assert_eq!(seen_by_giver["reply"], "Thank you, I will");

        let stranger = app.register_and_login("Sam Stranger", "sam@example.org").await;
        let (admin, _) = app.admin_and_member().await;
        for token in [&stranger, &admin] {
            assert_eq!(app.get(&format!("/api/v1/me/feedback/{id}"), Some(token)).await.status, StatusCode::NOT_FOUND);
            assert_eq!(app.post_json(&ack, json!({}), Some(token)).await.status, StatusCode::NOT_FOUND);
            let path = format!("/api/v1/mentorships/{}/feedback", p.mentorship);
            assert_eq!(app.get(&path, Some(token)).await.status, StatusCode::NOT_FOUND);
            assert_eq!(app.post_json(&path, feedback_body(&p, true), Some(token)).await.status, StatusCode::NOT_FOUND);
            assert!(app.get("/api/v1/me/feedback", Some(token)).await.json()["received"].as_array().unwrap().is_empty());
        }
    }

    async fn bad_feedback_names_every_field_and_changes_nothing(app) {
        let p = pair(app).await;
        let other = pair_with_others(app).await;
        let other_session = schedule_in_hours(app, &other, 24).await;
        let path = format!("/api/v1/mentorships/{}/feedback", p.mentorship);
        let bad = app.post_json(&path, json!({
            "to": p.mentor_id, "skill": "juggling-chainsaws", "situation": "", "behaviour": " ",
            "impact": "x".repeat(2001), "session_id": other_session["id"],
        }), Some(&p.mentor)).await;
        bad.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed",
            &["behaviour", "impact", "session_id", "situation", "skill", "to"]);
        assert_eq!(count(app, "feedback").await, 0);
        assert!(!kinds(app, &p.mentee).await.contains(&"feedback_received".to_owned()));
    }

    async fn a_suggestion_becomes_a_goal_or_a_plan_step_once(app) {
        let p = pair(app).await;
        let given = give(app, &p, &p.mentor, feedback_body(&p, true)).await;
        let id = given["id"].as_str().unwrap();
        let goal_path = format!("/api/v1/me/feedback/{id}/goal");
        let body = json!({"measure": "The all-hands opening lands in under a minute", "target_date": date_in_days(40), "shared_with": [p.mentor_id]});
        assert_eq!(app.post_json(&goal_path, body.clone(), Some(&p.mentor)).await.status, StatusCode::FORBIDDEN);
        let bad = app.post_json(&goal_path, json!({"measure": "", "target_date": "2001-01-01"}), Some(&p.mentee)).await;
        bad.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["measure", "target_date"]);
        let goal = app.post_json(&goal_path, body.clone(), Some(&p.mentee)).await;
        assert_eq!(goal.status, StatusCode::CREATED, "{}", goal.text());
        let goal = goal.json();
        assert_eq!(goal["title"], "Do the same at the all-hands next month", "the suggestion's first line");
        assert_eq!(goal["skills"][0]["slug"], "public-speaking");
        assert_eq!(goal["mentorship_id"], p.mentorship.as_str());
        assert!(goal["why"].as_str().unwrap().starts_with("From Ana Mentor's feedback on Public speaking"));
        app.post_json(&goal_path, body, Some(&p.mentee)).await.error(StatusCode::CONFLICT, "already_done");
        let linked = app.get(&format!("/api/v1/me/feedback/{id}"), Some(&p.mentee)).await.json();
        assert_eq!(linked["goal_id"], goal["id"]);
        assert!(linked["acknowledged_at"].is_i64(), "acting on it acknowledges it");

        let step_path = format!("/api/v1/me/feedback/{id}/step");
        let step = app.post_json(&step_path, json!({"due_date": date_in_days(20)}), Some(&p.mentee)).await;
        assert_eq!(step.status, StatusCode::CREATED, "{}", step.text());
        assert_eq!(step.json()["kind"], "practise");
        assert_eq!(step.json()["skill"], "public-speaking");
        app.post_json(&step_path, json!({"due_date": date_in_days(20)}), Some(&p.mentee)).await.error(StatusCode::CONFLICT, "already_done");
        let steps = app.get("/api/v1/me/career/steps", Some(&p.mentee)).await.json();
        assert_eq!(steps.as_array().unwrap().len(), 1);
    }

    async fn either_side_asks_for_feedback_and_the_answer_closes_the_request(app) {
        let p = pair(app).await;
        let path = format!("/api/v1/mentorships/{}/feedback-requests", p.mentorship);
        let bad = app.post_json(&path, json!({"skill": "nope-not-a-skill"}), Some(&p.mentee)).await;
        bad.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["skill"]);
        let asked = app.post_json(&path, json!({"skill": "negotiation", "note": "How did I do with the vendor?"}), Some(&p.mentee)).await;
        assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.text());
        let asked = asked.json();
        assert_eq!(asked["to"]["id"], p.mentor_id.as_str(), "the other side by default");
        assert!(kinds(app, &p.mentor).await.contains(&"feedback_requested".to_owned()));
        let waiting = app.get("/api/v1/me/feedback", Some(&p.mentor)).await.json();
        assert_eq!(waiting["requests_to_you"][0]["id"], asked["id"]);
        assert_eq!(waiting["requests_to_you"][0]["answered_at"], Value::Null);

        let mut body = feedback_body(&p, true);
        body["skill"] = json!("negotiation");
        body["request_id"] = asked["id"].clone();
        // The asker cannot answer their own request.
        let mut upward = feedback_body(&p, false);
        upward["request_id"] = asked["id"].clone();
        let wrong = app.post_json(&format!("/api/v1/mentorships/{}/feedback", p.mentorship), upward, Some(&p.mentee)).await;
        wrong.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["request_id"]);
        let answered = give(app, &p, &p.mentor, body).await;
        assert_eq!(answered["request_id"], asked["id"]);
        let mine = app.get("/api/v1/me/feedback", Some(&p.mentee)).await.json();
        assert!(mine["your_requests"][0]["answered_at"].is_i64());
    }
}

api_tests! {
    async fn the_export_holds_the_assessments_and_the_feedback_both_ways(app) {
        let p = pair(app).await;
        assess(app, &p.mentee, "/api/v1/me/assessments",
            json!({"skill": "negotiation", "level": 2, "evidence": "=SUM(A1), \"quoted\", and\na new line"})).await;
        assess(app, &p.mentor, &format!("/api/v1/people/{}/assessments", p.mentee_id),
            json!({"skill": "negotiation", "level": 3, "evidence": "Held the line on scope"})).await;
        let given = give(app, &p, &p.mentor, feedback_body(&p, true)).await;
        let upward = give(app, &p, &p.mentee, feedback_body(&p, false)).await;

        let export = app.get("/api/v1/me/growth/export", Some(&p.mentee)).await;
        assert_eq!(export.status, StatusCode::OK, "{}", export.text());
        let export = export.json();
        let history = export["assessments"]["skills"][0]["history"].as_array().unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(export["feedback"]["received"][0]["id"], given["id"]);
        assert_eq!(export["feedback"]["given"][0]["id"], upward["id"]);

        let rows = crate::outcomes::csv_part(app, &p.mentee, "assessments").await;
        assert_eq!(rows[0][..4], ["assessment_id", "skill", "skill_name", "by"]);
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(rows[1][3], "self", "oldest first");
        assert_eq!(rows[1][6], "'=SUM(A1), \"quoted\", and\na new line", "shown as text, read back whole");
        assert_eq!((rows[2][3].as_str(), rows[2][4].as_str(), rows[2][5].as_str()), ("mentor", "Ana Mentor", "3"));
        let rows = crate::outcomes::csv_part(app, &p.mentee, "feedback").await;
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[1][1].as_str(), rows[1][2].as_str()), ("received", "Ana Mentor"));
        assert_eq!((rows[2][1].as_str(), rows[2][3].as_str()), ("given", "Ana Mentor"));
        assert_eq!(rows[1][5], "Tuesday's design review with the platform team");
        // The mentor's export holds their side only: none of the mentee's assessments.
        let theirs = app.get("/api/v1/me/growth/export", Some(&p.mentor)).await.json();
        assert!(theirs["assessments"]["skills"].as_array().unwrap().is_empty());
    }

    async fn the_skills_and_feedback_pages_assess_give_acknowledge_and_chart_without_javascript(app) {
        let p = pair(app).await;
        let (mut mentee, csrf) = browser(app, "ted@example.org").await;
        let refused = mentee.post("/assessments", &[("_csrf", &csrf), ("skill", "Public speaking"), ("level", ""), ("evidence", "kept text")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text();
        assert!(html.contains(r#"id="level-error""#) && html.contains(">kept text</textarea>"), "{html}");
        for (level, evidence) in [("2", "Spoke at stand-up"), ("4", "Gave the all-hands talk")] {
            let done = mentee.post("/assessments", &[("_csrf", &csrf), ("skill", "Public speaking"), ("level", level), ("evidence", evidence), ("share", "on")]).await;
            assert!(done.status.is_redirection(), "{}", done.text());
        }
        let page = mentee.get("/assessments").await.text();
        assert!(page.contains("Public speaking") && page.contains("Gave the all-hands talk"));
        assert!(page.contains("Reassess Public speaking"));

        // The mentor assesses on the mentee's skills page, and gives feedback from theirs.
        let (mut mentor, mentor_csrf) = browser(app, "ana@example.org").await;
        let path = format!("/people/{}/assessments", p.mentee_id);
        let seen = mentor.get(&path).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(seen.text().contains("Skills: Ted Mentee"));
        let done = mentor.post(&path, &[("_csrf", &mentor_csrf), ("skill", "public-speaking"), ("level", "3"), ("evidence", "Watched the all-hands")]).await;
        assert!(done.status.is_redirection(), "{}", done.text());
        let bad = mentor.post("/feedback", &[("_csrf", &mentor_csrf), ("mentorship", &p.mentorship), ("skill", "Public speaking"), ("situation", "The all-hands"), ("behaviour", ""), ("impact", "")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().contains(r#"id="give-behaviour-error""#) && bad.text().contains(">The all-hands</textarea>"));
        let sent = mentor.post("/feedback", &[("_csrf", &mentor_csrf), ("mentorship", &p.mentorship), ("skill", "Public speaking"), ("situation", "The all-hands"), ("behaviour", "You paused before the numbers"), ("impact", "People asked about them"), ("suggestion", "Pause before every key number")]).await;
        assert!(sent.status.is_redirection(), "{}", sent.text());

        let page = mentee.get("/feedback").await.text();
        assert!(page.contains("You paused before the numbers") && page.contains("Acknowledge"));
        let id = app.get("/api/v1/me/feedback", Some(&p.mentee)).await.json()["received"][0]["id"].as_str().unwrap().to_owned();
        let ack = mentee.post(&format!("/feedback/{id}/acknowledge"), &[("_csrf", &csrf), ("reply", "Will do")]).await;
        assert!(ack.status.is_redirection(), "{}", ack.text());
        let goal = mentee.post(&format!("/feedback/{id}/goal"), &[("_csrf", &csrf), ("title", ""), ("measure", "Every number lands"), ("target_date", &date_in_days(30))]).await;
        assert!(goal.status.is_redirection(), "{}", goal.text());
        assert!(goal.header("location").unwrap().starts_with("/goals/"));
        let page = mentee.get("/feedback").await.text();
        assert!(page.contains("Became a goal"));
        let given = mentor.get("/feedback").await.text();
        assert!(given.contains("Will do"), "the giver sees the reply");

        // The progress page charts then, now and target, with its table.
        let progress = mentor.get(&format!("/people/{}/progress", p.mentee_id)).await.text();
        assert!(progress.contains("Skills then, now and for the target role"));
        let skills = progress.split(r#"id="skills""#).nth(1).expect("the skills chart");
        let table = skills.split("<table").nth(1).expect("its table").split("</table>").next().unwrap();
        assert!(table.contains("Public speaking"), "{table}");
        let cells: Vec<&str> = table.split("<td").skip(1).map(|c| c.split('>').nth(1).unwrap_or("").split('<').next().unwrap_or("")).collect();
        assert_eq!(&cells[..2], ["2", "3"], "then 2 (first), now 3 (the mentor's, newest): {table}");
        // The API gives the same series.
        let api = app.get(&format!("/api/v1/people/{}/progress", p.mentee_id), Some(&p.mentor)).await.json();
        let speaking = api["skills"].as_array().unwrap().iter().find(|s| s["skill"] == "public-speaking").expect("the skill in the API");
        assert_eq!((speaking["then"].as_u64(), speaking["now"].as_u64()), (Some(2), Some(3)), "{api}");
    }
}

/// A second mentorship between two other people.
async fn pair_with_others(app: &TestApp) -> Pair {
    let mentor = app.register_and_login("Olu Other", "olu@example.org").await;
    let mentee = app.register_and_login("Pia Other", "pia@example.org").await;
    let (mentor_id, mentee_id) = (app.id_of(&mentor).await, app.id_of(&mentee).await);
    let mentorship = app.mentorship(&mentor_id, &mentee_id).await;
    Pair {
        mentor,
        mentee,
        mentor_id,
        mentee_id,
        mentorship,
    }
}
