//! Mentorships through the API and the pages: who sees one, the agreement, every state
//! change and every refused one, private ratings, contact details only while open, racing
//! changes, the periodic resume and stalled jobs, the admins' stalled list and the
//! dashboard.

use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::Row;

use crate::pages::{Browser, csrf_of};
use crate::support::{PASSWORD, TestApp, api_tests};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A mentor and a mentee in a new mentorship.
struct Pair {
    mentor: String,
    mentee: String,
    mentor_id: String,
    mentee_id: String,
    id: String,
}

impl Pair {
    fn path(&self, tail: &str) -> String {
        format!("/api/v1/mentorships/{}{tail}", self.id)
    }
}

async fn pair(app: &TestApp) -> Pair {
    let mentor = app
        .register_and_login("Mina Mentor", "mina@example.org")
        .await;
    let mentee = app
        .register_and_login("Ted Mentee", "ted@example.org")
        .await;
    let (mentor_id, mentee_id) = (app.id_of(&mentor).await, app.id_of(&mentee).await);
    let id = app.mentorship_between(&mentor_id, &mentee_id).await;
    Pair {
        mentor,
        mentee,
        mentor_id,
        mentee_id,
        id,
    }
}

fn today_plus(days: i64) -> String {
    let now = lodestar_store::now_ms() + days * DAY_MS;
    time::OffsetDateTime::from_unix_timestamp(now / 1000)
        .unwrap()
        .date()
        .to_string()
}

/// The kinds of notification a person has, oldest first.
async fn notices(app: &TestApp, person: &str) -> Vec<(String, String, String)> {
    sqlx::query(
        "SELECT kind, title, body FROM notifications WHERE person_id = $1 ORDER BY created_at, id",
    )
    .bind(person)
    .fetch_all(app.app.db.reader())
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get("kind"), r.get("title"), r.get("body")))
    .collect()
}

fn kinds(events: &Value) -> Vec<String> {
    events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn state_of(app: &TestApp, p: &Pair) -> String {
    let got = app.get(&p.path(""), Some(&p.mentee)).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    got.json()["state"].as_str().unwrap().to_owned()
}

api_tests! {
    async fn only_the_members_see_a_mentorship_and_anyone_else_admins_included_gets_not_found(app) {
        let p = pair(app).await;
        let stranger = app.register_and_login("Sam Stranger", "sam@example.org").await;
        let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
        for token in [&p.mentor, &p.mentee] {
            let got = app.get(&p.path(""), Some(token)).await;
            assert_eq!(got.status, StatusCode::OK, "{}", got.text());
            let body = got.json();
            assert_eq!(body["state"], "active");
            assert_eq!(body["members"].as_array().unwrap().len(), 2);
            assert_eq!(kinds(&body["timeline"]), ["started"]);
        }
        let mine = app.get("/api/v1/mentorships", Some(&p.mentee)).await.json();
        assert_eq!(mine["mentorships"][0]["id"], p.id.as_str());
        assert_eq!(mine["mentorships"][0]["with"][0]["name"], "Mina Mentor");
        assert_eq!(mine["mentorships"][0]["my_role"], "mentee");
        for token in [&stranger, &admin] {
            app.get(&p.path(""), Some(token)).await.error(StatusCode::NOT_FOUND, "not_found");
            app.patch_json(&p.path(""), json!({"goals": "mine now"}), Some(token)).await
                .error(StatusCode::NOT_FOUND, "not_found");
            app.post_json(&p.path("/cancel"), json!({"reason": "meddling"}), Some(token)).await
                .error(StatusCode::NOT_FOUND, "not_found");
            let theirs = app.get("/api/v1/mentorships", Some(token)).await.json();
            assert_eq!(theirs["mentorships"], json!([]));
        }
        app.get("/api/v1/mentorships/not-an-id", Some(&p.mentee)).await.error(StatusCode::NOT_FOUND, "not_found");
        app.get("/api/v1/mentorships?state=finished", Some(&p.mentee)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["state"]);
        let completed = app.get("/api/v1/mentorships?state=completed", Some(&p.mentee)).await.json();
        assert_eq!(completed["mentorships"], json!([]));
        assert_eq!(state_of(app, &p).await, "active");
    }

    async fn either_member_edits_the_agreement_and_bad_fields_change_nothing(app) {
        let p = pair(app).await;
        let edit = json!({
            "goals": "Lead the platform team by summer",
            "focus_areas": ["career_path", "networking"],
            "cadence": "weekly",
            "expected_end_on": "2099-06-30",
            "contact": "Signal +44 7700 900123, evenings",
        });
        let done = app.patch_json(&p.path(""), edit, Some(&p.mentee)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        let body = done.json();
        assert_eq!(body["agreement"]["goals"], "Lead the platform team by summer");
        assert_eq!(body["agreement"]["cadence"], "weekly");
        assert_eq!(body["agreement"]["expected_end_on"], "2099-06-30");
        assert_eq!(body["agreement"]["focus_areas"][0]["key"], "career_path");
        let last = body["timeline"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["kind"], "agreement_updated");
        assert_eq!(last["actor_name"], "Ted Mentee");
        assert!(last["summary"].as_str().unwrap().contains("goals, focus areas, cadence, expected end date, how to reach them"), "{last}");

        // The mentor sees the mentee's contact text, and edits too.
        let seen = app.get(&p.path(""), Some(&p.mentor)).await.json();
        let ted = &seen["members"][1];
        assert_eq!(ted["name"], "Ted Mentee");
        assert_eq!(ted["contact"]["details"], "Signal +44 7700 900123, evenings");
        let cleared = app.patch_json(&p.path(""), json!({"expected_end_on": null}), Some(&p.mentor)).await;
        assert_eq!(cleared.json()["agreement"]["expected_end_on"], Value::Null);

        let bad = json!({"goals": "a\u{0}b", "focus_areas": ["career_path", "fame"], "cadence": "daily", "expected_end_on": "2000-01-01"});
        app.patch_json(&p.path(""), bad, Some(&p.mentee)).await.field_errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            &["goals", "focus_areas[1]", "cadence", "expected_end_on"],
        );
        app.patch_json(&p.path(""), json!({"owner": "me"}), Some(&p.mentee)).await
            .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
        let after = app.get(&p.path(""), Some(&p.mentee)).await.json();
        assert_eq!(after["agreement"]["goals"], "Lead the platform team by summer");
        assert_eq!(after["agreement"]["cadence"], "weekly");
    }

    async fn contact_details_show_while_open_and_disappear_once_it_ends(app) {
        let p = pair(app).await;
        // Ted shows his email on his profile; Mina keeps hers hidden (the default).
        let shown = app.patch_json("/api/v1/me/profile", json!({"hidden_fields": []}), Some(&p.mentee)).await;
        assert_eq!(shown.status, StatusCode::OK, "{}", shown.text());
        app.patch_json(&p.path(""), json!({"contact": "Ring me on 0117 496 0000"}), Some(&p.mentee)).await;
        app.patch_json(&p.path(""), json!({"contact": "Teams: mina.m"}), Some(&p.mentor)).await;

        let mentor_view = app.get(&p.path(""), Some(&p.mentor)).await.json();
        let ted = &mentor_view["members"][1];
        assert_eq!(ted["contact"]["email"], "ted@example.org");
        assert_eq!(ted["contact"]["details"], "Ring me on 0117 496 0000");
        let mentee_view = app.get(&p.path(""), Some(&p.mentee)).await.json();
        let mina = &mentee_view["members"][0];
        assert_eq!(mina["contact"]["details"], "Teams: mina.m");
        assert!(mina["contact"].get("email").is_none(), "{mina}");

        let paused = app.post_json(&p.path("/pause"), json!({"resume_on": today_plus(10)}), Some(&p.mentor)).await;
        assert_eq!(paused.json()["members"][1]["contact"]["email"], "ted@example.org");

        let done = app.post_json(&p.path("/complete"), json!({}), Some(&p.mentor)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        for (token, other) in [(&p.mentor, 1), (&p.mentee, 0)] {
            let got = app.get(&p.path(""), Some(token)).await;
            let member = &got.json()["members"][other];
            assert!(member.get("contact").is_none(), "{member}");
            assert!(!got.text().contains("0117 496 0000") || token == &p.mentee);
            assert!(!got.text().contains("Teams: mina.m") || token == &p.mentor);
        }
    }

    async fn pausing_needs_a_later_day_and_the_mentorship_resumes_by_itself_that_day(app) {
        let p = pair(app).await;
        for bad in [today_plus(0), today_plus(-3), "next week".to_owned(), "2027-02-30".to_owned()] {
            app.post_json(&p.path("/pause"), json!({"resume_on": bad}), Some(&p.mentee)).await
                .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["resume_on"]);
        }
        assert_eq!(state_of(app, &p).await, "active");
        let day = today_plus(5);
        let paused = app.post_json(&p.path("/pause"), json!({"resume_on": day, "reason": "moving house"}), Some(&p.mentee)).await;
        assert_eq!(paused.status, StatusCode::OK, "{}", paused.text());
        let body = paused.json();
        assert_eq!(body["state"], "paused");
        assert_eq!(body["resume_on"], day.as_str());
        assert_eq!(body["actions"], json!(["edit", "resume", "complete", "cancel"]));
        let event = body["timeline"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(event["summary"], format!("Ted Mentee paused the mentorship until {day}: moving house"));
        let told = notices(app, &p.mentor_id).await;
        assert_eq!(told.last().unwrap().0, "mentorship_paused");
        assert!(notices(app, &p.mentee_id).await.is_empty(), "the one who paused is not told");

        let again = app.post_json(&p.path("/pause"), json!({"resume_on": today_plus(9)}), Some(&p.mentor)).await;
        let error = again.error(StatusCode::CONFLICT, "invalid_transition");
        assert!(error["message"].as_str().unwrap().contains("already paused"), "{error}");

        // The day before, nothing; on the day, it resumes, once, by nobody.
        let before = lodestar_store::now_ms() + 3 * DAY_MS;
        assert_eq!(app.app.resume_paused_mentorships(before).await.unwrap(), 0);
        let on_the_day = lodestar_store::now_ms() + 5 * DAY_MS + 60_000;
        assert_eq!(app.app.resume_paused_mentorships(on_the_day).await.unwrap(), 1);
        assert_eq!(app.app.resume_paused_mentorships(on_the_day).await.unwrap(), 0);
        let resumed = app.get(&p.path(""), Some(&p.mentor)).await.json();
        assert_eq!(resumed["state"], "active");
        assert_eq!(resumed["resume_on"], Value::Null);
        let event = resumed["timeline"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(event["kind"], "resumed");
        assert_eq!(event["actor_id"], Value::Null);
        assert_eq!(event["detail"], "resumed as planned");
        for person in [&p.mentor_id, &p.mentee_id] {
            assert_eq!(notices(app, person).await.last().unwrap().0, "mentorship_resumed");
        }
    }

    async fn a_paused_mentorship_resumes_early_and_an_active_one_cannot_be_resumed(app) {
        let p = pair(app).await;
        let error = app.post_json(&p.path("/resume"), json!({}), Some(&p.mentee)).await
            .error(StatusCode::CONFLICT, "invalid_transition");
        assert!(error["message"].as_str().unwrap().contains("not paused"), "{error}");
        app.post_json(&p.path("/pause"), json!({"resume_on": today_plus(30)}), Some(&p.mentee)).await;
        let resumed = app.post_json(&p.path("/resume"), json!({}), Some(&p.mentor)).await;
        assert_eq!(resumed.status, StatusCode::OK, "{}", resumed.text());
        assert_eq!(resumed.json()["state"], "active");
        assert_eq!(notices(app, &p.mentee_id).await.last().unwrap().0, "mentorship_resumed");
        // The planned day no longer resumes anything.
        assert_eq!(app.app.resume_paused_mentorships(lodestar_store::now_ms() + 40 * DAY_MS).await.unwrap(), 0);
    }

    async fn cancelling_needs_a_reason_and_an_ended_mentorship_stays_ended(app) {
        let p = pair(app).await;
        for reason in ["", "   "] {
            app.post_json(&p.path("/cancel"), json!({"reason": reason}), Some(&p.mentor)).await
                .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["reason"]);
        }
        app.post_json(&p.path("/cancel"), json!({}), Some(&p.mentor)).await
            .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
        let cancelled = app.post_json(&p.path("/cancel"), json!({"reason": "I am changing jobs"}), Some(&p.mentor)).await;
        assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text());
        let body = cancelled.json();
        assert_eq!(body["state"], "cancelled");
        assert_eq!(body["actions"], json!([]));
        assert!(body["ended_at"].is_i64());
        let told = notices(app, &p.mentee_id).await;
        assert_eq!(told.last().unwrap().0, "mentorship_cancelled");
        assert!(told.last().unwrap().2.contains("I am changing jobs"));

        for (tail, payload) in [
            ("/pause", json!({"resume_on": today_plus(5)})),
            ("/resume", json!({})),
            ("/complete", json!({"reflection": "It was good"})),
            ("/cancel", json!({"reason": "again"})),
        ] {
            let error = app.post_json(&p.path(tail), payload, Some(&p.mentee)).await
                .error(StatusCode::CONFLICT, "invalid_transition");
            assert!(error["message"].as_str().unwrap().contains("cancelled"), "{tail}: {error}");
        }
        app.patch_json(&p.path(""), json!({"goals": "Revive it"}), Some(&p.mentee)).await
            .error(StatusCode::CONFLICT, "mentorship_ended");
        let after = app.get(&p.path(""), Some(&p.mentee)).await.json();
        assert_eq!(after["state"], "cancelled");
        assert_eq!(kinds(&after["timeline"]), ["started", "cancelled"]);
    }

    async fn each_member_closes_with_a_reflection_and_a_rating_nobody_else_ever_sees(app) {
        let p = pair(app).await;
        app.post_json(&p.path("/complete"), json!({"rating": 6}), Some(&p.mentee)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["rating"]);
        app.post_json(&p.path("/complete"), json!({"rating": 0, "reflection": "x".repeat(4001)}), Some(&p.mentee)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["rating", "reflection"]);
        assert_eq!(state_of(app, &p).await, "active");

        let done = app.post_json(&p.path("/complete"), json!({"reflection": "I lead a team now.", "rating": 5}), Some(&p.mentee)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        let mine = done.json();
        assert_eq!(mine["state"], "completed");
        assert_eq!(mine["my_rating"], 5);
        assert_eq!(mine["my_reflection"], "I lead a team now.");
        assert_eq!(mine["actions"], json!([]));
        assert_eq!(notices(app, &p.mentor_id).await.last().unwrap().0, "mentorship_completed");

        // The mentor reads the reflection, never the rating: not in the mentorship, the
        // list or the page.
        let theirs = app.get(&p.path(""), Some(&p.mentor)).await;
        let body = theirs.json();
        assert_eq!(body["members"][1]["reflection"], "I lead a team now.");
        assert_eq!(body["my_rating"], Value::Null);
        assert_eq!(body["actions"], json!(["reflect"]));
        let text = theirs.text();
        assert!(!text.contains(":5"), "a rating leaked: {text}");
        let list = app.get("/api/v1/mentorships", Some(&p.mentor)).await.text();
        assert!(!list.contains("rating"), "{list}");

        // The mentor adds theirs to the completed mentorship: no second completion.
        let nothing = app.post_json(&p.path("/complete"), json!({}), Some(&p.mentor)).await;
        nothing.error(StatusCode::CONFLICT, "invalid_transition");
        let added = app.post_json(&p.path("/complete"), json!({"reflection": "Proud of Ted.", "rating": 2}), Some(&p.mentor)).await;
        assert_eq!(added.status, StatusCode::OK, "{}", added.text());
        assert_eq!(added.json()["my_rating"], 2);
        assert_eq!(kinds(&added.json()["timeline"]), ["started", "completed", "reflected"]);
        app.post_json(&p.path("/complete"), json!({"rating": 1}), Some(&p.mentor)).await
            .error(StatusCode::CONFLICT, "already_reflected");
        app.post_json(&p.path("/complete"), json!({"reflection": "Changed my mind"}), Some(&p.mentee)).await
            .error(StatusCode::CONFLICT, "already_reflected");

        let mentee_sees = app.get(&p.path(""), Some(&p.mentee)).await;
        assert_eq!(mentee_sees.json()["my_rating"], 5);
        assert_eq!(mentee_sees.json()["members"][0]["reflection"], "Proud of Ted.");
        assert!(!mentee_sees.text().contains(":2"), "{}", mentee_sees.text());

        // Nor on the pages.
        let mut browser = Browser::new(app);
        browser.log_in("mina@example.org", PASSWORD).await;
        let page = browser.get(&format!("/mentorships/{}", p.id)).await.text();
        assert!(page.contains("Your private rating: <strong>2 of 5</strong>"), "{page}");
        assert!(!page.contains("5 of 5"), "{page}");
    }

    async fn two_conflicting_state_changes_at_once_leave_exactly_one_winner(app) {
        let mentor = app.register_and_login("Mina Mentor", "mina@example.org").await;
        let mentee = app.register_and_login("Ted Mentee", "ted@example.org").await;
        let (mentor_id, mentee_id) = (app.id_of(&mentor).await, app.id_of(&mentee).await);
        let other = app.other_process();
        for round in 0..8 {
            let id = app.mentorship_between(&mentor_id, &mentee_id).await;
            let complete = format!("/api/v1/mentorships/{id}/complete");
            let cancel = format!("/api/v1/mentorships/{id}/cancel");
            let (a, b) = tokio::join!(
                app.post_json(&complete, json!({"rating": 4}), Some(&mentee)),
                other.post_json(&cancel, json!({"reason": "race"}), Some(&mentor)),
            );
            let wins = [&a, &b].iter().filter(|r| r.status == StatusCode::OK).count();
            assert_eq!(wins, 1, "round {round}: {} / {}", a.text(), b.text());
            let loser = if a.status == StatusCode::OK { &b } else { &a };
            loser.error(StatusCode::CONFLICT, "invalid_transition");
            let after = app.get(&format!("/api/v1/mentorships/{id}"), Some(&mentee)).await.json();
            let ends: Vec<String> = kinds(&after["timeline"]).into_iter().filter(|k| k == "completed" || k == "cancelled").collect();
            assert_eq!(ends, [after["state"].as_str().unwrap()], "round {round}");
            // A loser's rating is not written either.
            let expect = if a.status == StatusCode::OK { json!(4) } else { Value::Null };
            assert_eq!(after["my_rating"], expect, "round {round}");
        }
    }

    async fn a_quiet_mentorship_is_flagged_once_both_are_nudged_and_a_session_lifts_it(app) {
        let p = pair(app).await;
        // Paused, or with a session coming up, it is not stalled.
        let planned = app.mentorship_between(&p.mentor_id, &p.mentee_id).await;
        let later = lodestar_store::now_ms() + 30 * DAY_MS;
        sqlx::query("INSERT INTO meetings (id, mentorship_id, starts_at, duration_minutes, state, created_at, updated_at) VALUES ($1, $2, $3, 60, 'scheduled', $3, $3)")
            .bind(uuid::Uuid::now_v7().to_string()).bind(&planned).bind(later)
            .execute(app.app.db.writer()).await.unwrap();
        let resting = app.mentorship_between(&p.mentor_id, &p.mentee_id).await;
        app.post_json(&format!("/api/v1/mentorships/{resting}/pause"), json!({"resume_on": today_plus(60)}), Some(&p.mentee)).await;

        let now = lodestar_store::now_ms();
        assert_eq!(app.app.flag_stalled_mentorships(now + 20 * DAY_MS).await.unwrap(), 0);
        let three_weeks_on = now + 22 * DAY_MS;
        assert_eq!(app.app.flag_stalled_mentorships(three_weeks_on).await.unwrap(), 1);
        assert_eq!(app.app.flag_stalled_mentorships(three_weeks_on).await.unwrap(), 0);
        for person in [&p.mentor_id, &p.mentee_id] {
            let (kind, title, body) = notices(app, person).await.into_iter().find(|n| n.0 == "mentorship_stalled").unwrap();
            assert_eq!(kind, "mentorship_stalled");
            assert!(title.starts_with("Your mentorship with "), "{title}");
            assert!(body.contains("It has been 3 weeks since"), "{body}");
            assert!(body.ends_with("schedule a session."), "{body}");
        }
        let seen = app.get(&p.path(""), Some(&p.mentee)).await.json();
        assert!(seen["stalled_since"].is_i64());
        assert_eq!(kinds(&seen["timeline"]).last().unwrap(), "stalled");

        // Admins see who and how long, nothing else; nobody else sees the list.
        let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
        sqlx::query("UPDATE mentorships SET last_activity_at = $1 WHERE id = $2")
            .bind(now - 22 * DAY_MS).bind(&p.id).execute(app.app.db.writer()).await.unwrap();
        let list = app.get("/api/v1/admin/stalled-mentorships", Some(&admin)).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text());
        let stalled = list.json()["mentorships"].clone();
        assert_eq!(stalled.as_array().unwrap().len(), 1, "{stalled}");
        assert_eq!(stalled[0]["id"], p.id.as_str());
        assert_eq!(stalled[0]["members"][0]["name"], "Mina Mentor");
        assert_eq!(stalled[0]["members"][1]["name"], "Ted Mentee");
        assert_eq!(stalled[0]["days_since_activity"], 22);
        assert!(!list.text().contains("goals") && !list.text().contains("rating"));
        app.get("/api/v1/admin/stalled-mentorships", Some(&p.mentor)).await.error(StatusCode::FORBIDDEN, "forbidden");

        let mut browser = Browser::new(app);
        browser.log_in("ted@example.org", PASSWORD).await;
        let dashboard = browser.get("/dashboard").await.text();
        assert!(dashboard.contains("Your mentorship with Mina Mentor has stalled: it has been 3 weeks since you last met."), "{dashboard}");

        // A session scheduled or held lifts the flag.
        let mut tx = app.app.db.begin().await.unwrap();
        lodestar_store::mentorships::touch_activity(&mut tx, p.id.parse().unwrap(), lodestar_store::now_ms()).await.unwrap();
        tx.commit().await.unwrap();
        let list = app.get("/api/v1/admin/stalled-mentorships", Some(&admin)).await.json();
        assert_eq!(list["mentorships"], json!([]));
        assert!(!browser.get("/dashboard").await.text().contains("has stalled"));
    }

    async fn the_dashboard_shows_mentorships_sessions_requests_items_due_and_nudges(app) {
        let p = pair(app).await;
        let db = app.app.db.writer();
        let now = lodestar_store::now_ms();
        let meeting = |starts: i64, state: &'static str, place: &'static str| {
            sqlx::query("INSERT INTO meetings (id, mentorship_id, starts_at, duration_minutes, location, state, created_at, updated_at) VALUES ($1, $2, $3, 45, $4, $5, $6, $6)")
                .bind(uuid::Uuid::now_v7().to_string()).bind(p.id.clone()).bind(starts).bind(place).bind(state).bind(now)
        };
        meeting(now + 3 * DAY_MS, "scheduled", "Room 3").execute(db).await.unwrap();
        meeting(now + DAY_MS, "scheduled", "Video call").execute(db).await.unwrap();
        meeting(now - DAY_MS, "held", "Room 1").execute(db).await.unwrap();
        meeting(now + 2 * DAY_MS, "cancelled", "Cancelled room").execute(db).await.unwrap();
        let item = |title: &'static str, owner: &str, due: String, done: Option<i64>| {
            sqlx::query("INSERT INTO action_items (id, mentorship_id, title, owner_id, due_on, done_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)")
                .bind(uuid::Uuid::now_v7().to_string()).bind(p.id.clone()).bind(title).bind(owner.to_owned()).bind(due).bind(done).bind(now)
        };
        item("Draft the team charter", &p.mentee_id, today_plus(-2), None).execute(db).await.unwrap();
        item("Read the book", &p.mentee_id, today_plus(3), None).execute(db).await.unwrap();
        item("Far away task", &p.mentee_id, today_plus(30), None).execute(db).await.unwrap();
        item("Already done", &p.mentee_id, today_plus(1), Some(now)).execute(db).await.unwrap();
        item("The mentor's task", &p.mentor_id, today_plus(1), None).execute(db).await.unwrap();
        let asker = app.register_and_login("Ava Asker", "ava@example.org").await;
        let asker_id = app.id_of(&asker).await;
        let request = |mentor: &str, mentee: &str, initiator: &'static str, state: &'static str| {
            sqlx::query("INSERT INTO mentorship_requests (id, mentor_id, mentee_id, initiator, message, cadence, duration_weeks, state, created_at, expires_at) VALUES ($1, $2, $3, $4, 'Hello', 'weekly', 12, $5, $6, $6)")
                .bind(uuid::Uuid::now_v7().to_string()).bind(mentor.to_owned()).bind(mentee.to_owned()).bind(initiator).bind(state).bind(now)
        };
        // Ava asks Ted to mentor her (incoming to Ted); Ted asks Mina (outgoing).
        request(&p.mentee_id, &asker_id, "mentee", "pending").execute(db).await.unwrap();
        request(&p.mentor_id, &p.mentee_id, "mentee", "pending").execute(db).await.unwrap();
        request(&asker_id, &p.mentee_id, "mentee", "declined").execute(db).await.unwrap();
        sqlx::query("INSERT INTO mentor_standing (person_id, accepting, expired_in_a_row, updated_at) VALUES ($1, 0, 3, $2)")
            .bind(p.mentee_id.clone()).bind(now).execute(db).await.unwrap();

        let mut browser = Browser::new(app);
        browser.log_in("ted@example.org", PASSWORD).await;
        let page = browser.get("/dashboard").await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        let section = |id: &str| {
            let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no {id}"));
            let end = html[start..].find("</section>").unwrap() + start;
            html[start..end].to_owned()
        };
        let mentorships = section("mentorships-heading");
        assert!(mentorships.contains("With Mina Mentor"), "{mentorships}");
        assert!(mentorships.contains("Next session"), "{mentorships}");
        let sessions = section("sessions-heading");
        let (video, room) = (sessions.find("Video call").unwrap(), sessions.find("Room 3").unwrap());
        assert!(video < room, "soonest first: {sessions}");
        assert!(!sessions.contains("Room 1") && !sessions.contains("Cancelled room"), "{sessions}");
        let requests = section("requests-heading");
        assert!(requests.contains("1 request waiting for your answer"), "{requests}");
        assert!(requests.contains("1 request you sent"), "{requests}");
        let items = section("items-heading");
        assert!(items.contains("Draft the team charter") && items.contains("overdue"), "{items}");
        assert!(items.contains("Read the book"), "{items}");
        for absent in ["Far away task", "Already done", "The mentor&#x27;s task", "The mentor's task"] {
            assert!(!items.contains(absent), "{absent}: {items}");
        }
        assert!(html.contains("You are not taking new requests"), "{html}");

        let mut mina = Browser::new(app);
        mina.log_in("mina@example.org", PASSWORD).await;
        let hers = mina.get("/dashboard").await.text();
        assert!(hers.contains("1 request waiting for your answer"), "{hers}");
        assert!(!hers.contains("You are not taking new requests"));
    }

    async fn the_mentorship_pages_change_state_through_small_forms(app) {
        let p = pair(app).await;
        let mut browser = Browser::new(app);
        browser.log_in("ted@example.org", PASSWORD).await;
        let list = browser.get("/mentorships").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.text().contains(&format!("/mentorships/{}", p.id)), "{}", list.text());
        let path = format!("/mentorships/{}", p.id);
        let page = browser.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains(&format!("href=\"/mentorships/{}/sessions#schedule\"", p.id)), "{html}");
        assert!(html.contains("Mina Mentor accepted, and the mentorship started"), "{html}");
        let csrf = csrf_of(&html);

        let refused = browser.post(&format!("{path}/pause"), &[("_csrf", &csrf), ("resume_on", "yesterday"), ("reason", "")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("must be a date written YYYY-MM-DD"), "{}", refused.text());

        let day = today_plus(7);
        let paused = browser.post(&format!("{path}/pause"), &[("_csrf", &csrf), ("resume_on", &day), ("reason", "holiday")]).await;
        assert!(paused.status.is_redirection(), "{}", paused.text());
        let html = browser.get(&path).await.text();
        assert!(html.contains(&format!("Paused until {day}")), "{html}");
        let again = browser.post(&format!("{path}/pause"), &[("_csrf", &csrf), ("resume_on", &day)]).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(again.text().contains("already paused"));

        let saved = browser.post(&format!("{path}/agreement"), &[
            ("_csrf", &csrf), ("goals", "Ship the migration"), ("focus_areas", "networking"),
            ("cadence", "monthly"), ("expected_end_on", ""), ("contact", "Desk 4B"),
        ]).await;
        assert!(saved.status.is_redirection(), "{}", saved.text());
        assert!(browser.get(&path).await.text().contains("Ship the migration"));

        let resumed = browser.post(&format!("{path}/resume"), &[("_csrf", &csrf)]).await;
        assert!(resumed.status.is_redirection(), "{}", resumed.text());
        let no_reason = browser.post(&format!("{path}/cancel"), &[("_csrf", &csrf), ("reason", "")]).await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        let completed = browser.post(&format!("{path}/complete"), &[("_csrf", &csrf), ("reflection", "Worth it"), ("rating", "4")]).await;
        assert!(completed.status.is_redirection(), "{}", completed.text());
        let html = browser.get(&path).await.text();
        assert!(html.contains("Your private rating: <strong>4 of 5</strong>"), "{html}");
        assert!(!html.contains("Pause the mentorship"));

        let stranger = app.register_and_login("Sam Stranger", "sam@example.org").await;
        drop(stranger);
        let mut sam = Browser::new(app);
        sam.log_in("sam@example.org", PASSWORD).await;
        assert_eq!(sam.get(&path).await.status, StatusCode::NOT_FOUND);

        // The admins' page lists stalled mentorships, for admins only.
        app.admin_and_login("Ada Admin", "ada@example.org").await;
        let mut ada = Browser::new(app);
        ada.log_in("ada@example.org", PASSWORD).await;
        let admin_page = ada.get("/admin/stalled").await;
        assert_eq!(admin_page.status, StatusCode::OK);
        assert!(admin_page.text().contains("No mentorship has stalled."));
        assert_eq!(sam.get("/admin/stalled").await.status, StatusCode::FORBIDDEN);
        assert_eq!(ada.get(&path).await.status, StatusCode::NOT_FOUND);
    }
}
