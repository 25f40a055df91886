//! One-off conversations (flash mentoring): a mentor opens some of their time to people
//! they do not mentor, up to a number a month; booking one makes a mentorship of its own
//! kind with one session and its invitation, takes no place of the mentor's capacity,
//! ends after the session and can become a request. Only one of many people booking one
//! time at once gets it.

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::Row;

use crate::booking::{person, publish};
use crate::meetings::{date_in_days, outbox};
use crate::pages::{Browser, csrf_of};
use crate::support::{PASSWORD, TestApp, api_tests};

/// Mia mentors one mentee at most, is free every day 09:00–17:00 UTC, and opens the
/// mornings (09:00–12:00) to one-off conversations, `limit` a month.
async fn one_off_mentor(app: &TestApp, limit: i64) -> (String, String) {
    let (token, id) = person(app, "Mia Mentor", "UTC").await;
    let profile = json!({"is_mentor": true, "mentor_capacity": 1, "listed": true,
        "mentor_skills": [{"skill": "leadership", "level": 5}]});
    assert_eq!(
        app.patch_json("/api/v1/me/profile", profile, Some(&token))
            .await
            .status,
        StatusCode::OK
    );
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let mut weekly = Vec::new();
    for d in days {
        weekly.push(json!({"day": d, "from": "09:00", "to": "12:00", "one_off": true}));
        weekly.push(json!({"day": d, "from": "13:00", "to": "17:00"}));
    }
    publish(
        app,
        &token,
        json!({"time_zone": "UTC", "weekly": weekly, "durations": [30, 60],
        "buffer_minutes": 0, "one_off_monthly_limit": limit}),
    )
    .await;
    (token, id)
}

async fn book(
    app: &TestApp,
    mentor: &str,
    token: &str,
    start: &str,
    topic: &str,
) -> crate::support::TestResponse {
    let path = format!("/api/v1/mentors/{mentor}/one-off-bookings");
    app.post_json(
        &path,
        json!({"starts_at": start, "duration_minutes": 30, "topic": topic}),
        Some(token),
    )
    .await
}

fn starts(list: &Value) -> Vec<String> {
    list["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["starts_at"].as_str().unwrap().to_owned())
        .collect()
}

api_tests! {
    async fn a_one_off_conversation_is_a_mentorship_of_its_own_that_takes_no_place_and_ends_after_its_session(app) {
        let (mentor_token, mentor) = one_off_mentor(app, 3).await;
        let (pia, _) = person(app, "Pia Person", "Europe/Berlin").await;
        let day = date_in_days(4);
        let path = format!("/api/v1/mentors/{mentor}/one-off-slots?from={day}T00:00:00Z&to={day}T23:59:00Z");
        let list = app.get(&path, Some(&pia)).await.json();
        assert_eq!(list["published"], true);
        let offered = starts(&list);
        // Mornings only (in UTC), shown in Berlin time (+02:00 in summer, +01:00 in winter).
        assert_eq!(offered.len(), 11, "{offered:?}");
        let made = book(app, &mentor, &pia, &format!("{day}T10:00:00Z"), "Moving into product management").await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let session = made.json();
        assert_eq!(session["agenda"], "Moving into product management");
        let mentorship = session["mentorship_id"].as_str().unwrap().to_owned();
        let shown = app.get(&format!("/api/v1/mentorships/{mentorship}"), Some(&pia)).await.json();
        assert_eq!(shown["kind"], "flash");
        assert_eq!(shown["my_role"], "mentee");
        assert_eq!(shown["agreement"]["goals"], "Moving into product management");
        assert!(shown["follow_up_message"].as_str().unwrap().contains("Moving into product management"));
        assert!(!shown["actions"].as_array().unwrap().contains(&json!("pause")));
        // The mentor gets the invitation, and no place of their capacity of one is taken:
        // a mentee can still be accepted.
        assert!(outbox(app).await.iter().any(|(to, method, _)| to == "mia.mentor@example.org" && method.as_deref() == Some("REQUEST")));
        let mut tx = app.app.db.begin().await.unwrap();
        assert_eq!(lodestar_store::mentorships::places_taken(&mut tx, mentor.parse().unwrap()).await.unwrap(), 0);
        drop(tx);
        let (ted, _) = person(app, "Ted Mentee", "UTC").await;
        assert_eq!(app.patch_json("/api/v1/me/profile", json!({"wants_mentor": true}), Some(&ted)).await.status, StatusCode::OK);
        let sent = app.post_json("/api/v1/requests", json!({"mentor_id": mentor, "cadence": "weekly", "duration_weeks": 8}), Some(&ted)).await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
        let accepted = app.post_json(&format!("/api/v1/requests/{}/accept", sent.json()["id"].as_str().unwrap()), json!({}), Some(&mentor_token)).await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
        // Pia can ask for mentoring while the one-off runs (she is then refused only
        // because the mentor is full, not because they already share a mentorship).
        assert_eq!(app.patch_json("/api/v1/me/profile", json!({"wants_mentor": true}), Some(&pia)).await.status, StatusCode::OK);
        let asked = app.post_json("/api/v1/requests", json!({"mentor_id": mentor, "cadence": "weekly", "duration_weeks": 8, "message": shown["follow_up_message"]}), Some(&pia)).await;
        asked.error(StatusCode::CONFLICT, "mentor_at_capacity");
        // The clock ends it once its session is over: not before.
        let end = chrono::DateTime::parse_from_rfc3339(session["ends_at"].as_str().unwrap()).unwrap().timestamp_millis();
        assert_eq!(app.app.end_finished_one_offs(end - 1).await.unwrap(), 0);
        assert_eq!(app.app.end_finished_one_offs(end + 1).await.unwrap(), 1);
        let after = app.get(&format!("/api/v1/mentorships/{mentorship}"), Some(&pia)).await.json();
        assert_eq!(after["state"], "completed");
    }

    async fn one_off_slots_leave_out_the_bookers_own_sessions_and_a_move_keeps_to_one_off_times(app) {
        let (_, mentor) = one_off_mentor(app, 3).await;
        let (pia, pia_id) = person(app, "Pia Person", "UTC").await;
        let (max, max_id) = person(app, "Max Mentor", "UTC").await;
        let theirs = app.mentorship(&max_id, &pia_id).await;
        let day = date_in_days(4);
        let made = app.post_json(&format!("/api/v1/mentorships/{theirs}/sessions"),
            json!({"starts_at": format!("{day}T10:00:00Z"), "duration_minutes": 30}), Some(&max)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let path = format!("/api/v1/mentors/{mentor}/one-off-slots?from={day}&to={day}&duration=30");
        let offered = starts(&app.get(&path, Some(&pia)).await.json());
        let at = |hhmm: &str| format!("{day}T{hhmm}:00+00:00");
        for gone in ["09:45", "10:00", "10:15"] {
            assert!(!offered.contains(&at(gone)), "{gone}: {offered:?}");
        }
        for kept in ["09:30", "10:30"] {
            assert!(offered.contains(&at(kept)), "{kept}: {offered:?}");
        }
        let refused = book(app, &mentor, &pia, &format!("{day}T10:00:00Z"), "Product roles").await;
        let error = refused.error(StatusCode::CONFLICT, "slot_taken");
        let fresh = starts(&error);
        assert!(!fresh.is_empty() && !fresh.contains(&at("10:00")), "{fresh:?}");
        // Booked at 11:00, it moves only within the times opened to one-off conversations.
        let session = book(app, &mentor, &pia, &format!("{day}T11:00:00Z"), "Product roles").await.json();
        let edit = format!("/api/v1/sessions/{}", session["id"].as_str().unwrap());
        app.patch_json(&edit, json!({"starts_at": format!("{day}T14:00:00Z")}), Some(&pia)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["starts_at"]);
        app.patch_json(&edit, json!({"starts_at": format!("{day}T10:00:00Z")}), Some(&pia)).await
            .error(StatusCode::CONFLICT, "slot_taken");
        let moved = app.patch_json(&edit, json!({"starts_at": format!("{day}T09:00:00Z")}), Some(&pia)).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());
    }

    async fn the_monthly_limit_holds_and_a_full_month_offers_nothing(app) {
        let (_, mentor) = one_off_mentor(app, 1).await;
        let (pia, _) = person(app, "Pia Person", "UTC").await;
        let (oli, _) = person(app, "Oli Other", "UTC").await;
        let day = date_in_days(5);
        let first = book(app, &mentor, &pia, &format!("{day}T09:00:00Z"), "Public speaking").await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
        book(app, &mentor, &oli, &format!("{day}T11:00:00Z"), "Negotiating a raise").await
            .error(StatusCode::CONFLICT, "one_off_limit_reached");
        let path = format!("/api/v1/mentors/{mentor}/one-off-slots?from={day}T00:00:00Z&to={day}T23:59:00Z");
        assert!(starts(&app.get(&path, Some(&oli)).await.json()).is_empty(), "that month is full");
        // Cancelled, the first frees its place in the month.
        let cancel = format!("/api/v1/sessions/{}/cancel", first.json()["id"].as_str().unwrap());
        assert_eq!(app.post_json(&cancel, json!({}), Some(&pia)).await.status, StatusCode::OK);
        let again = book(app, &mentor, &oli, &format!("{day}T11:00:00Z"), "Negotiating a raise").await;
        assert_eq!(again.status, StatusCode::CREATED, "{}", again.text());
    }

    async fn a_one_off_needs_a_topic_a_one_off_time_a_visible_mentor_and_no_mentorship_already(app) {
        let (mentor_token, mentor) = one_off_mentor(app, 5).await;
        let (pia, pia_id) = person(app, "Pia Person", "UTC").await;
        let day = date_in_days(6);
        book(app, &mentor, &pia, &format!("{day}T10:00:00Z"), "  ").await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["topic"]);
        // An afternoon time is free for mentees only.
        book(app, &mentor, &pia, &format!("{day}T14:00:00Z"), "Careers").await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["starts_at"]);
        book(app, &mentor, &mentor_token, &format!("{day}T10:00:00Z"), "Myself").await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["starts_at"]);
        app.mentorship(&mentor, &pia_id).await;
        book(app, &mentor, &pia, &format!("{day}T10:00:00Z"), "Careers").await
            .error(StatusCode::CONFLICT, "mentorship_exists");
        // Blocked, or unlisted: not found.
        let (sam, _) = person(app, "Sam Stranger", "UTC").await;
        assert_eq!(app.put(&format!("/api/v1/me/blocks/{mentor}"), Some(&sam)).await.status, StatusCode::NO_CONTENT);
        app.get(&format!("/api/v1/mentors/{mentor}/one-off-slots"), Some(&sam)).await.error(StatusCode::NOT_FOUND, "not_found");
        book(app, &mentor, &sam, &format!("{day}T10:00:00Z"), "Careers").await.error(StatusCode::NOT_FOUND, "not_found");
        assert_eq!(app.patch_json("/api/v1/me/profile", json!({"listed": false}), Some(&mentor_token)).await.status, StatusCode::OK);
        let (zoe, _) = person(app, "Zoe Zed", "UTC").await;
        app.get(&format!("/api/v1/mentors/{mentor}/one-off-slots"), Some(&zoe)).await.error(StatusCode::NOT_FOUND, "not_found");
        let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM mentorships WHERE kind = 'flash'")
            .fetch_one(app.app.db.reader()).await.unwrap().get("n");
        assert_eq!(count, 0);
    }

    async fn many_people_booking_one_one_off_time_at_once_make_one_conversation(app) {
        let (_, mentor) = one_off_mentor(app, 100).await;
        let mut tokens = Vec::new();
        for i in 0..12 {
            tokens.push(person(app, &format!("Racer {i}"), "UTC").await.0);
        }
        let server = Arc::new(app.other_process_with(16, lodestar_web::WebConfig::default()).await);
        let start = format!("{}T10:00:00Z", date_in_days(7));
        let tasks: Vec<_> = tokens.into_iter().map(|token| {
            let (server, mentor, start) = (server.clone(), mentor.clone(), start.clone());
            tokio::spawn(async move {
                let path = format!("/api/v1/mentors/{mentor}/one-off-bookings");
                let answer = server.post_json(&path, json!({"starts_at": start, "duration_minutes": 30, "topic": "Race"}), Some(&token)).await;
                let code = if answer.status == StatusCode::CREATED { String::new() } else {
                    answer.json()["error"]["code"].as_str().unwrap_or_default().to_owned()
                };
                (answer.status, code)
            })
        }).collect();
        let mut won = 0;
        for task in tasks {
            match task.await.unwrap() {
                (StatusCode::CREATED, _) => won += 1,
                (StatusCode::CONFLICT, code) if code == "slot_taken" => {}
                other => panic!("unexpected answer {other:?}"),
            }
        }
        assert_eq!(won, 1);
        let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM mentorships WHERE kind = 'flash'")
            .fetch_one(app.app.db.reader()).await.unwrap().get("n");
        assert_eq!(count, 1, "the losers' mentorships were rolled back with their bookings");
    }

    async fn a_one_off_is_booked_from_the_mentors_page_and_its_page_offers_a_prefilled_request(app) {
        let (_, mentor) = one_off_mentor(app, 3).await;
        person(app, "Pia Person", "UTC").await;
        let mut browser = Browser::new(app);
        browser.log_in("pia.person@example.org", PASSWORD).await;
        let page = browser.get(&format!("/people/{mentor}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("Book a one-off conversation"), "{html}");
        let day = date_in_days(3);
        let start = format!("{day}T09:30:00+00:00");
        assert!(html.contains(&format!("value=\"{start}\"")));
        let csrf = csrf_of(&html);
        let missing = browser.post(&format!("/people/{mentor}/one-off-bookings"), &[("_csrf", &csrf), ("starts_at", &start), ("duration_minutes", "30"), ("topic", "")]).await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(missing.text().contains("id=\"topic-error\""));
        assert!(missing.text().contains(&format!("value=\"{start}\" checked")), "the chosen time stays chosen");
        let booked = browser.post(&format!("/people/{mentor}/one-off-bookings"), &[("_csrf", &csrf), ("starts_at", &start), ("duration_minutes", "30"), ("topic", "Writing a first conference talk")]).await;
        assert_eq!(booked.status, StatusCode::SEE_OTHER, "{}", booked.text());
        let location = booked.header("location").unwrap().to_owned();
        assert!(location.starts_with("/mentorships/"));
        let page = browser.get(&location).await.text();
        assert!(page.contains("One-off conversation with Mia Mentor"));
        assert!(page.contains("Go on as a mentorship"));
        assert!(page.contains(&format!("/people/{mentor}/ask?message=After+our+one-off+conversation")));
        assert!(!page.contains("Book a session"), "a one-off has its one session");
        let ask = browser.get(&format!("/people/{mentor}/ask?message=After+our+talk")).await;
        assert!(ask.text().contains("After our talk"), "the request form starts from the message");
    }
}
