//! A person's own account: the export of everything Lodestar holds about them, and
//! deleting the account — what goes with it, and the other side of a shared mentorship
//! that stays, through the API and the account page.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::meetings::{Pair, date_in_days, pair, schedule_in_hours};
use crate::pages::{Browser, csrf_of};
use crate::support::{PASSWORD, TestApp, api_tests};

async fn created(app: &TestApp, path: &str, body: Value, token: &str) -> Value {
    let made = app.post_json(path, body, Some(token)).await;
    assert!(made.status.is_success(), "{path}: {}", made.text());
    made.json()
}

async fn thread_of(app: &TestApp, p: &Pair) -> String {
    let m = app
        .get(
            &format!("/api/v1/mentorships/{}", p.mentorship),
            Some(&p.mentee),
        )
        .await
        .json();
    m["thread_id"].as_str().unwrap().to_owned()
}

/// Both sides of the pair write in their thread and take a private note on a session the
/// mentor scheduled; returns the session's id.
async fn a_shared_history(app: &TestApp, p: &Pair) -> String {
    let session = schedule_in_hours(app, p, 48).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let notes = format!("/api/v1/sessions/{session}/notes");
    created(
        app,
        &notes,
        json!({"body": "Ted's own private note", "private": true}),
        &p.mentee,
    )
    .await;
    created(
        app,
        &notes,
        json!({"body": "Ana's private note about Ted", "private": true}),
        &p.mentor,
    )
    .await;
    let thread = format!("/api/v1/threads/{}/messages", thread_of(app, p).await);
    created(app, &thread, json!({"body": "Hello from Ted"}), &p.mentee).await;
    created(app, &thread, json!({"body": "Hello from Ana"}), &p.mentor).await;
    session
}

async fn column(app: &TestApp, sql: &'static str, id: &str) -> String {
    sqlx::query_scalar::<_, String>(sql)
        .bind(id)
        .fetch_one(app.app.db.reader())
        .await
        .unwrap()
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect()
}

api_tests! {
    async fn the_export_holds_every_kind_of_record_and_no_secret(app) {
        let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
        let p = pair(app).await;
        let session = a_shared_history(app, &p).await;
        let token = created(app, "/api/v1/me/tokens", json!({"name": "CI"}), &p.mentee).await;
        let secret = token["token_secret"].as_str().unwrap().to_owned();
        created(app, "/api/v1/me/goals", json!({"title": "Give a talk", "measure": "Done",
            "target_date": date_in_days(30), "skills": ["rust"]}), &p.mentee).await;
        created(app, "/api/v1/me/check-ins", json!({"confidence": 6, "went_well": "Spoke up"}), &p.mentee).await;
        let otto = app.person_with_profile("Otto", json!({"is_mentor": true, "mentor_capacity": 3,
            "mentor_skills": [{"skill": "rust", "level": 4}]})).await;
        let otto_id = app.id_of(&otto).await;
        created(app, "/api/v1/requests", json!({"mentor_id": otto_id, "message": "Would you?",
            "cadence": "monthly", "duration_weeks": 6}), &p.mentee).await;
        created(app, "/api/v1/connections", json!({"person_id": otto_id}), &p.mentee).await;
        created(app, "/api/v1/opportunities", json!({"kind": "insight", "title": "Rust in teams",
            "description": "A trend.", "visibility": "everyone"}), &p.mentee).await;
        let programme = created(app, "/api/v1/programmes", json!({"name": "Team leads",
            "enrolment_opens": date_in_days(-1), "enrolment_closes": date_in_days(10),
            "starts_on": date_in_days(20), "ends_on": date_in_days(200), "matching": "cohort",
            "questions": [{"kind": "single_choice", "text": "Where do you meet?",
                "options": ["Online", "In person"], "match_rule": "same"}]}), &admin).await;
        created(app, &format!("/api/v1/programmes/{}/enrolments", programme["id"].as_str().unwrap()),
            json!({"role": "mentee", "answers": {"0": "online"}}), &p.mentee).await;
        let mut browser = Browser::new(app);
        assert!(browser.log_in("ted@example.org", PASSWORD).await.status.is_redirection());

        let response = app.get("/api/v1/me/export", Some(&p.mentee)).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        let today = date_in_days(0);
        let disposition = response.header("content-disposition").unwrap();
        assert!(disposition.starts_with("attachment; filename=\"lodestar-me-"), "{disposition}");
        assert!(disposition.ends_with(".json\""), "{disposition}");
        assert!(disposition.contains(&today[..4]), "{disposition}");
        assert_eq!(response.header("cache-control"), Some("private, no-store"));
        let text = response.text();
        let export = response.json();

        assert_eq!(export["format"], "lodestar-personal-data");
        assert_eq!(export["account"]["email"], "ted@example.org");
        assert_eq!(export["account"]["id"], p.mentee_id.as_str());
        assert_eq!(export["account"]["is_admin"], false);
        assert!(export["account"]["created_at"].is_i64());
        assert_eq!(export["profile"]["name"], "Ted Mentee");
        assert!(export["settings"]["notifications"].is_object());
        assert!(export["settings"]["messaging"].is_object());
        assert!(export["settings"]["network"].is_object());
        assert_eq!(names(&export["api_tokens"]), ["CI"]);
        assert!(!export["browser_sessions"].as_array().unwrap().is_empty());
        let requests = export["requests"].as_array().unwrap();
        assert_eq!(requests.len(), 1, "{requests:?}");
        let mentorships = export["mentorships"].as_array().unwrap();
        assert_eq!(mentorships.len(), 1);
        assert_eq!(names(&mentorships[0]["with"]), ["Ana Mentor"]);
        assert_eq!(mentorships[0]["sessions"][0]["id"], session.as_str());
        assert!(export["availability"].is_object());
        assert!(export["connections"].is_object());
        assert!(export["introductions"].is_object());
        assert_eq!(export["growth"]["goals"][0]["title"], "Give a talk");
        assert_eq!(export["growth"]["check_ins"].as_array().unwrap().len(), 1);
        assert!(export["growth"]["career"].is_object());
        let records = &export["records"];
        assert_eq!(records["mentorship_memberships"][0]["role"], "mentee");
        assert_eq!(records["session_notes"][0]["body"], "Ted's own private note");
        assert_eq!(records["session_notes"].as_array().unwrap().len(), 1);
        assert_eq!(records["messages_written"][0]["body"], "Hello from Ted");
        assert_eq!(records["messages_written"].as_array().unwrap().len(), 1);
        assert_eq!(records["opportunities_posted"][0]["title"], "Rust in teams");
        assert_eq!(records["programme_enrolments"][0]["programme"], "Team leads");
        assert_eq!(records["programme_enrolments"][0]["answers"], json!({"0": "Online"}));
        assert!(!records["notifications"].as_array().unwrap().is_empty(), "the session was scheduled for Ted");

        // Nothing secret, and nothing another person wrote privately.
        let hash = column(app, "SELECT password_hash FROM persons WHERE id = $1", &p.mentee_id).await;
        assert!(!text.contains(&hash));
        assert!(!text.contains("password_hash"));
        assert!(!text.contains(&secret));
        let token_hash = column(app, "SELECT token_hash FROM api_tokens WHERE person_id = $1 AND name = 'CI'", &p.mentee_id).await;
        assert!(!text.contains(&token_hash));
        let cookie = browser.session().unwrap();
        assert!(!text.contains(&cookie));
        assert!(!text.contains("Ana's private note"));

        // The account page downloads the same document under the browser's session.
        let page = browser.get("/account/password").await;
        assert!(page.text().contains("Download everything Lodestar holds about you"));
        let download = browser.get("/account/export.json").await;
        assert_eq!(download.status, StatusCode::OK);
        assert_eq!(download.header("cache-control"), Some("private, no-store"));
        assert_eq!(download.json()["account"]["id"], p.mentee_id.as_str());
    }

    async fn deleting_with_a_wrong_or_missing_password_changes_nothing(app) {
        let token = app.register_and_login("Bob Member", "bob@example.org").await;
        let change = app
            .post_json("/api/v1/me/password",
                json!({"current_password": "not-my-password", "new_password": "a-brand-new-passphrase-7"}),
                Some(&token))
            .await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["current_password"]);
        for body in [json!({"password": "not-my-password"}), json!({})] {
            let refused = app
                .send(TestApp::request(axum::http::Method::DELETE, "/api/v1/me", Some(&token))
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from(body.to_string()))
                    .unwrap())
                .await;
            let error = refused.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["password"]);
            assert_eq!(error["fields"]["password"], change["fields"]["current_password"]);
        }
        assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, StatusCode::OK);
        assert_eq!(app.login("bob@example.org", PASSWORD).await.status, StatusCode::OK);
    }

    async fn the_last_admin_cannot_delete_their_account(app) {
        let first = app.admin_and_login("Ada Admin", "ada@example.org").await;
        delete_me(app, &first).await.error(StatusCode::CONFLICT, "last_admin");
        assert_eq!(app.get("/api/v1/me", Some(&first)).await.status, StatusCode::OK);
        let second = app.admin_and_login("Grace Admin", "grace@example.org").await;
        assert_eq!(delete_me(app, &first).await.status, StatusCode::NO_CONTENT);
        // Grace is the last one now.
        delete_me(app, &second).await.error(StatusCode::CONFLICT, "last_admin");
    }

    async fn a_deleted_mentor_leaves_the_mentee_their_side_of_the_mentorship(app) {
        let p = pair(app).await;
        let session = a_shared_history(app, &p).await;
        created(app, "/api/v1/me/goals", json!({"title": "Lead a team", "measure": "Done",
            "target_date": date_in_days(30), "skills": ["rust"]}), &p.mentee).await;
        let feedback = format!("/api/v1/mentorships/{}/feedback", p.mentorship);
        created(app, &feedback, json!({"to": p.mentee_id, "skill": "rust", "situation": "The review",
            "behaviour": "You led it", "impact": "It ended early"}), &p.mentor).await;
        created(app, &feedback, json!({"to": p.mentor_id, "skill": "rust", "situation": "The review",
            "behaviour": "You listened", "impact": "I spoke up"}), &p.mentee).await;
        let personal = created(app, "/api/v1/me/tokens", json!({"name": "CI"}), &p.mentor).await;
        let personal = personal["token_secret"].as_str().unwrap().to_owned();

        assert_eq!(delete_me(app, &p.mentor).await.status, StatusCode::NO_CONTENT);

        // Every token of theirs ends at once; their email can register again.
        assert_eq!(app.get("/api/v1/me", Some(&p.mentor)).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.get("/api/v1/me", Some(&personal)).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.login("ana@example.org", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.register("Ana Again", "ana@example.org").await.status, StatusCode::CREATED);

        // Ted keeps the mentorship, ended, with the mentor as "Deleted account".
        let list = app.get("/api/v1/mentorships", Some(&p.mentee)).await.json();
        let listed = &list["mentorships"][0];
        assert_eq!(listed["id"], p.mentorship.as_str());
        assert_eq!(listed["state"], "cancelled");
        assert_eq!(listed["with"], json!([{"id": null, "name": "Deleted account", "role": "mentor"}]));
        let one = app.get(&format!("/api/v1/mentorships/{}", p.mentorship), Some(&p.mentee)).await;
        assert_eq!(one.status, StatusCode::OK, "{}", one.text());
        let one = one.json();
        assert_eq!(one["members"][0]["name"], "Deleted account");
        assert!(one["members"][0]["id"].is_null());
        assert_eq!(one["members"][1]["id"], p.mentee_id.as_str());
        assert!(one["actions"].as_array().unwrap().is_empty());
        let last = one["timeline"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["kind"], "cancelled");
        assert!(last["detail"].as_str().unwrap().contains("mentor's account was deleted"), "{last}");

        // Its sessions stay (the one to come cancelled), with Ted's own notes on them.
        let sessions = app.get(&format!("/api/v1/mentorships/{}/sessions", p.mentorship), Some(&p.mentee)).await.json();
        assert_eq!(sessions[0]["id"], session.as_str());
        assert_eq!(sessions[0]["state"], "cancelled");
        assert!(names(&sessions[0]["members"]).contains(&"Deleted account"));
        let notes = app.get(&format!("/api/v1/sessions/{session}/notes"), Some(&p.mentee)).await;
        assert_eq!(notes.status, StatusCode::OK, "{}", notes.text());
        assert!(notes.text().contains("Ted's own private note"));
        assert!(!notes.text().contains("Ana's private note"));
        let goals = app.get("/api/v1/me/goals", Some(&p.mentee)).await.json();
        assert_eq!(goals[0]["title"], "Lead a team");
        // Feedback Ted received stays in his record, from a deleted account; what he gave
        // Ana was hers and went with her.
        let feedback = app.get("/api/v1/me/feedback", Some(&p.mentee)).await.json();
        assert_eq!(feedback["received"][0]["from"], json!({"id": null, "name": "Deleted account"}));
        assert_eq!(feedback["received"][0]["behaviour"], "You led it");
        assert!(feedback["given"].as_array().unwrap().is_empty(), "{feedback}");
        let feedback_page = browser_page(app, "/feedback").await;
        assert!(feedback_page.contains("Deleted account"));

        // The thread stays with Ted's message only, and takes no more.
        let thread = thread_of(app, &p).await;
        let messages = app.get(&format!("/api/v1/threads/{thread}/messages"), Some(&p.mentee)).await;
        assert!(messages.text().contains("Hello from Ted"));
        assert!(!messages.text().contains("Hello from Ana"));
        app.post_json(&format!("/api/v1/threads/{thread}/messages"), json!({"body": "Still there?"}), Some(&p.mentee))
            .await
            .error(StatusCode::CONFLICT, "thread_closed");

        // Ted was told.
        let inbox = app.get("/api/v1/me/notifications", Some(&p.mentee)).await.json();
        assert!(inbox.to_string().contains("Your mentor deleted their account"), "{inbox}");

        // The pages show the deleted side by that name, with no link and nothing to do.
        let mut browser = Browser::new(app);
        browser.log_in("ted@example.org", PASSWORD).await;
        let page = browser.get(&format!("/mentorships/{}", p.mentorship)).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("Deleted account"));
        assert!(!html.contains(&format!("/people/{}", p.mentor_id)));
        assert!(!html.contains("/ask?"));
        let sessions_page = browser.get(&format!("/mentorships/{}/sessions", p.mentorship)).await;
        assert!(sessions_page.text().contains("Deleted account"));
        let thread_page = browser.get(&format!("/threads/{thread}")).await;
        assert_eq!(thread_page.status, StatusCode::OK);
        assert!(thread_page.text().contains("deleted their account"));
        let list_page = browser.get("/mentorships").await;
        assert!(list_page.text().contains("Deleted account"));
    }

    async fn the_account_page_deletes_only_with_the_right_password(app) {
        app.register_and_login("Bob Member", "bob@example.org").await;
        let mut browser = Browser::new(app);
        browser.log_in("bob@example.org", PASSWORD).await;
        let page = browser.get("/account/password").await;
        assert!(page.text().contains("Delete your account"));
        let csrf = csrf_of(&page.text());

        let wrong = browser.post("/account/delete", &[("_csrf", &csrf), ("password", "not-my-password")]).await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = wrong.text();
        assert!(html.contains("id=\"password-error\""), "the message sits beside the field");
        assert!(html.contains("is not your current password"));
        assert_eq!(browser.get("/dashboard").await.status, StatusCode::OK, "still signed in");
        assert_eq!(app.login("bob@example.org", PASSWORD).await.status, StatusCode::OK);

        let done = browser.post("/account/delete", &[("_csrf", &csrf), ("password", PASSWORD)]).await;
        assert!(done.status.is_redirection(), "{}", done.status);
        assert_eq!(done.header("location"), Some("/?account=deleted"));
        let landing = browser.get("/?account=deleted").await;
        assert!(landing.text().contains("Your account was deleted"));
        let dashboard = browser.get("/dashboard").await;
        assert!(dashboard.header("location").is_some_and(|l| l.starts_with("/login")), "signed out");
        assert_eq!(app.login("bob@example.org", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    }
}

/// A page as Ted sees it.
async fn browser_page(app: &TestApp, path: &str) -> String {
    let mut browser = Browser::new(app);
    browser.log_in("ted@example.org", PASSWORD).await;
    let page = browser.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}");
    page.text()
}

async fn delete_me(app: &TestApp, token: &str) -> crate::support::TestResponse {
    app.send(
        TestApp::request(axum::http::Method::DELETE, "/api/v1/me", Some(token))
            .header("content-type", "application/json")
            .body(axum::body::Body::from(
                json!({"password": PASSWORD}).to_string(),
            ))
            .unwrap(),
    )
    .await
}
