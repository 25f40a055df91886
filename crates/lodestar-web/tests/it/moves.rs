//! Moving a session to another time, and the booker's own sessions as busy time. A booked
//! session moved by its mentee must land on one of the mentor's free slots (availability,
//! buffer, busy calendar, every session of the mentor's and the mentee's); the mentor may
//! move it anywhere they are free. No move lands on another session of the mentor's or the
//! mover's; its booking follows it, and a clash is 409 `slot_taken` with the free times
//! now. Slots and bookings leave out the booker's own sessions with any mentor.

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::Row;

use crate::booking::{Booking, book, booking_pair, person, slots, tally};
use crate::meetings::date_in_days;
use crate::pages::{Browser, csrf_of};
use crate::support::{PASSWORD, TestApp, TestResponse, api_tests};

fn ms(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .timestamp_millis()
}

/// The instants of a `slot_taken` answer's free slots.
fn fresh(answer: &TestResponse) -> Vec<i64> {
    let error = answer.error(StatusCode::CONFLICT, "slot_taken");
    error["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| ms(s["starts_at"].as_str().unwrap()))
        .collect()
}

async fn schedule(
    app: &TestApp,
    mentorship: &str,
    token: &str,
    start: &str,
    minutes: i64,
) -> String {
    let path = format!("/api/v1/mentorships/{mentorship}/sessions");
    let made = app
        .post_json(
            &path,
            json!({"starts_at": start, "duration_minutes": minutes}),
            Some(token),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()["id"].as_str().unwrap().to_owned()
}

async fn move_to(app: &TestApp, session: &str, token: &str, body: Value) -> TestResponse {
    app.patch_json(&format!("/api/v1/sessions/{session}"), body, Some(token))
        .await
}

/// The session's start, and its booking's active `(start, end)` if it has one.
async fn where_is(app: &TestApp, session: &str) -> (i64, Option<(i64, i64)>) {
    let db = app.app.db.reader();
    let start: i64 = sqlx::query("SELECT starts_at FROM meetings WHERE id = $1")
        .bind(session)
        .fetch_one(db)
        .await
        .unwrap()
        .get("starts_at");
    let booking =
        sqlx::query("SELECT starts_at, ends_at FROM bookings WHERE meeting_id = $1 AND active = 1")
            .bind(session)
            .fetch_optional(db)
            .await
            .unwrap()
            .map(|r| (r.get("starts_at"), r.get("ends_at")));
    (start, booking)
}

async fn booked(app: &TestApp, b: &Booking, start: &str, minutes: i64) -> String {
    let made = book(app, b, &b.mentee, start, minutes).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()["id"].as_str().unwrap().to_owned()
}

/// A second mentor of the pair's mentee, with a session of theirs at `start`.
async fn mentees_other_session(app: &TestApp, b: &Booking, start: &str, minutes: i64) {
    let (max, max_id) = person(app, "Max Mentor", "UTC").await;
    let theirs = app.mentorship(&max_id, &b.mentee_id).await;
    schedule(app, &theirs, &max, start, minutes).await;
}

/// Another mentee of the pair's mentor, Olga, with a session of the mentor's at `start`:
/// her pairing with the mentor.
async fn mentors_other_session(app: &TestApp, b: &Booking, start: &str, minutes: i64) -> Booking {
    let (olga, olga_id) = person(app, "Olga Other", "UTC").await;
    let with_olga = app.mentorship(&b.mentor_id, &olga_id).await;
    schedule(app, &with_olga, &b.mentor, start, minutes).await;
    Booking {
        mentor: b.mentor.clone(),
        mentor_id: b.mentor_id.clone(),
        mentee: olga,
        mentee_id: olga_id,
        mentorship: with_olga,
    }
}

api_tests! {
    async fn a_session_scheduled_by_hand_never_lands_on_another_session_of_either_member(app) {
        let b = booking_pair(app).await;
        let day = date_in_days(5);
        let at = |hhmm: &str| format!("{day}T{hhmm}:00Z");
        mentors_other_session(app, &b, &at("14:00"), 30).await;
        mentees_other_session(app, &b, &at("16:00"), 60).await;
        let path = format!("/api/v1/mentorships/{}/sessions", b.mentorship);
        let count = || async {
            let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM meetings WHERE mentorship_id = $1")
                .bind(&b.mentorship)
                .fetch_one(app.app.db.reader())
                .await
                .unwrap()
                .get("n");
            n
        };
        // The mentee over the mentor's session with someone else, the mentor over the
        // mentee's: each is refused, with the mentor's free times now, and nothing is made.
        for (token, start) in [(&b.mentee, at("14:15")), (&b.mentor, at("16:30")), (&b.mentor, at("13:45"))] {
            let clash = app.post_json(&path, json!({"starts_at": start, "duration_minutes": 30}), Some(token)).await;
            let free = fresh(&clash);
            assert!(!free.is_empty(), "the mentor publishes free time");
            assert!(!free.contains(&ms(&at("14:00"))), "{free:?}");
        }
        assert_eq!(count().await, 0);
        // Touching is not overlapping.
        schedule(app, &b.mentorship, &b.mentor, &at("14:30"), 30).await;
        schedule(app, &b.mentorship, &b.mentee, &at("17:00"), 30).await;
        assert_eq!(count().await, 2);
        // The page says so beside the time.
        let mut browser = Browser::new(app);
        browser.log_in("mia.mentor@example.org", PASSWORD).await;
        let page = browser.get(&format!("/mentorships/{}/sessions", b.mentorship)).await.text();
        let csrf = csrf_of(&page);
        let refused = browser
            .post(
                &format!("/mentorships/{}/sessions", b.mentorship),
                &[("_csrf", csrf.as_str()), ("date", day.as_str()), ("time", "14:00"), ("duration_minutes", "30")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text());
        assert!(refused.text().contains("clashes with another session"), "{}", refused.text());
        assert_eq!(count().await, 2);
    }

    async fn a_mentee_moves_a_booked_session_only_onto_one_of_the_mentors_free_slots(app) {
        let b = booking_pair(app).await;
        let day = date_in_days(5);
        let at = |hhmm: &str| format!("{day}T{hhmm}:00Z");
        let session = booked(app, &b, &at("10:00"), 60).await;
        // The mentor's session with another mentee at 14:00, and their calendar busy 12:00–13:00.
        mentors_other_session(app, &b, &at("14:00"), 30).await;
        let mentor: lodestar_domain::PersonId = b.mentor_id.parse().unwrap();
        let url = "https://calendar.example.org/mia.ics";
        let mut tx = app.app.db.begin().await.unwrap();
        lodestar_store::busy_times::set_calendar(&mut tx, mentor, Some(url), 0).await.unwrap();
        let fetched = lodestar_store::busy_times::Fetched { fetched_at: 0, next_fetch_at: i64::MAX / 2, etag: None, last_modified: None, truncated: false };
        lodestar_store::busy_times::replace_busy(&mut tx, mentor, url, &[(ms(&at("12:00")), ms(&at("13:00")))], &fetched).await.unwrap();
        tx.commit().await.unwrap();

        // Not a slot at all, or a length not offered: a field error.
        move_to(app, &session, &b.mentee, json!({"starts_at": at("03:00")})).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["starts_at"]);
        move_to(app, &session, &b.mentee, json!({"duration_minutes": 45})).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["duration_minutes"]);
        // Onto the other session, into its buffer, or onto the calendar's busy time: taken,
        // with the free times now (none of them near 14:00 or 12:00).
        for start in ["14:00", "14:30", "11:30", "12:30"] {
            let answer = move_to(app, &session, &b.mentee, json!({"starts_at": at(start)})).await;
            assert_eq!(answer.status, StatusCode::CONFLICT, "{start}: {}", answer.text());
            assert!(answer.json()["error"]["message"].as_str().unwrap().contains("clashes with another session"));
            let free = fresh(&answer);
            assert!(!free.is_empty());
            assert!(!free.contains(&ms(&at("14:00"))) && !free.contains(&ms(&at("12:00"))), "{free:?}");
        }
        let start = ms(&at("10:00"));
        assert_eq!(where_is(app, &session).await, (start, Some((start, start + 3_600_000))), "nothing moved");
        // Onto a free slot: moved, and its booking with it; the old time is free again.
        let moved = move_to(app, &session, &b.mentee, json!({"starts_at": at("15:00")})).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());
        let new = ms(&at("15:00"));
        assert_eq!(where_is(app, &session).await, (new, Some((new, new + 3_600_000))));
        let offered: Vec<i64> = slots(app, &b, &format!("from={day}&to={day}&duration=60"), &b.mentee).await.iter().map(|s| ms(s)).collect();
        assert!(offered.contains(&start) && !offered.contains(&new), "{offered:?}");
        // A shorter length it offers, at the same start, is a move too, and free.
        let shorter = move_to(app, &session, &b.mentee, json!({"duration_minutes": 30})).await;
        assert_eq!(shorter.status, StatusCode::OK, "{}", shorter.text());
        assert_eq!(where_is(app, &session).await, (new, Some((new, new + 1_800_000))));
    }

    async fn the_mentor_moves_a_booked_session_to_any_time_they_are_free_but_never_onto_another_session(app) {
        let b = booking_pair(app).await;
        let day = date_in_days(6);
        let at = |hhmm: &str| format!("{day}T{hhmm}:00Z");
        let session = booked(app, &b, &at("10:00"), 60).await;
        let olga = mentors_other_session(app, &b, &at("14:00"), 30).await;
        // Olga books 16:00 from her own mentorship.
        booked(app, &olga, &at("16:00"), 30).await;
        // Outside their availability: the mentor's own choice.
        let evening = move_to(app, &session, &b.mentor, json!({"starts_at": at("20:00")})).await;
        assert_eq!(evening.status, StatusCode::OK, "{}", evening.text());
        let t = ms(&at("20:00"));
        assert_eq!(where_is(app, &session).await, (t, Some((t, t + 3_600_000))), "the booking follows");
        // Onto another session of theirs (overlapping, or at the very start of a booked
        // one): taken.
        for start in ["13:30", "14:15", "16:00", "15:30"] {
            let answer = move_to(app, &session, &b.mentor, json!({"starts_at": at(start)})).await;
            answer.error(StatusCode::CONFLICT, "slot_taken");
        }
        assert_eq!(where_is(app, &session).await.0, t);
        // Right after one (no buffer is kept for the mentor's own choice): fine.
        let after = move_to(app, &session, &b.mentor, json!({"starts_at": at("14:30")})).await;
        assert_eq!(after.status, StatusCode::OK, "{}", after.text());
        let active: i64 = sqlx::query("SELECT COUNT(*) AS n FROM bookings WHERE active = 1")
            .fetch_one(app.app.db.reader()).await.unwrap().get("n");
        assert_eq!(active, 2, "both bookings still count, each at its own start");
    }

    async fn a_move_never_lands_on_the_movers_own_other_session(app) {
        let b = booking_pair(app).await;
        let day = date_in_days(7);
        let at = |hhmm: &str| format!("{day}T{hhmm}:00Z");
        let booked_one = booked(app, &b, &at("10:00"), 30).await;
        let by_hand = schedule(app, &b.mentorship, &b.mentee, &at("15:00"), 30).await;
        mentees_other_session(app, &b, &at("12:00"), 60).await;
        // The mentor is free at 12:00; the mentee is not.
        for session in [&booked_one, &by_hand] {
            let answer = move_to(app, session, &b.mentee, json!({"starts_at": at("12:30")})).await;
            answer.error(StatusCode::CONFLICT, "slot_taken");
        }
        let fine = move_to(app, &by_hand, &b.mentee, json!({"starts_at": at("13:00")})).await;
        assert_eq!(fine.status, StatusCode::OK, "{}", fine.text());
        // Nor onto the mentor's sessions, though it was scheduled by hand.
        move_to(app, &by_hand, &b.mentee, json!({"starts_at": at("10:15")})).await
            .error(StatusCode::CONFLICT, "slot_taken");
    }

    async fn slots_leave_out_the_bookers_own_sessions_and_booking_one_is_refused(app) {
        let b = booking_pair(app).await;
        let day = date_in_days(4);
        let at = |hhmm: &str| ms(&format!("{day}T{hhmm}:00Z"));
        mentees_other_session(app, &b, &format!("{day}T12:00:00Z"), 60).await;
        let query = format!("from={day}&to={day}&duration=30");
        let mine: Vec<i64> = slots(app, &b, &query, &b.mentee).await.iter().map(|s| ms(s)).collect();
        // 11:45 and 12:00–12:45 overlap it; 11:30 and 13:00 only touch it (the mentor's
        // buffer is for the mentor's sessions, not the mentee's).
        for gone in ["11:45", "12:00", "12:30", "12:45"] {
            assert!(!mine.contains(&at(gone)), "{gone} offered: {mine:?}");
        }
        for kept in ["11:30", "13:00"] {
            assert!(mine.contains(&at(kept)), "{kept} not offered: {mine:?}");
        }
        // The mentor's own view of their slots does not know the mentee's diary.
        let theirs: Vec<i64> = slots(app, &b, &query, &b.mentor).await.iter().map(|s| ms(s)).collect();
        assert!(theirs.contains(&at("12:00")));
        // Booking it anyway: taken, with the free times now.
        let answer = book(app, &b, &b.mentee, &format!("{day}T12:00:00Z"), 30).await;
        let free = fresh(&answer);
        assert!(!free.is_empty() && !free.contains(&at("12:00")), "{free:?}");
        let sessions: i64 = sqlx::query("SELECT COUNT(*) AS n FROM meetings WHERE mentorship_id = $1")
            .bind(&b.mentorship).fetch_one(app.app.db.reader()).await.unwrap().get("n");
        assert_eq!(sessions, 0);
    }

    async fn many_moves_onto_one_time_at_once_leave_exactly_one_there(app) {
        let b = booking_pair(app).await;
        let mentor: lodestar_domain::PersonId = b.mentor_id.parse().unwrap();
        let day = date_in_days(9);
        // Twelve sessions of the mentor's in twelve mentorships, at twelve times; the mentor
        // moves every one to 13:00 (or a time overlapping it) at once.
        let ids = crate::requests::pending_requests(app, mentor, 12).await;
        let mut sessions = Vec::new();
        let before = date_in_days(10);
        for (i, id) in ids.into_iter().enumerate() {
            let mentee = sqlx::query("SELECT mentee_id FROM mentorship_requests WHERE id = $1")
                .bind(id.to_string()).fetch_one(app.app.db.reader()).await.unwrap().get::<String, _>("mentee_id");
            let mentorship = app.mentorship(&b.mentor_id, &mentee).await;
            let start = format!("{before}T{i:02}:00:00Z");
            sessions.push(schedule(app, &mentorship, &b.mentor, &start, 30).await);
        }
        let mut config = lodestar_web::WebConfig::default();
        config.limits.max_concurrent_requests = 100;
        let server = Arc::new(app.other_process_with(16, config).await);
        let tasks: Vec<_> = sessions.into_iter().enumerate().map(|(i, s)| {
            let (server, token) = (server.clone(), b.mentor.clone());
            let start = if i % 2 == 0 { format!("{day}T13:00:00Z") } else { format!("{day}T13:15:00Z") };
            tokio::spawn(async move {
                server.patch_json(&format!("/api/v1/sessions/{s}"), json!({"starts_at": start}), Some(&token)).await
            })
        }).collect();
        assert_eq!(tally(tasks, StatusCode::OK).await, (1, 11));
        let near: i64 = sqlx::query("SELECT COUNT(*) AS n FROM meetings WHERE state = 'scheduled' AND starts_at >= $1 AND starts_at < $2")
            .bind(ms(&format!("{day}T12:45:00Z"))).bind(ms(&format!("{day}T13:30:00Z")))
            .fetch_one(app.app.db.reader()).await.unwrap().get("n");
        assert_eq!(near, 1);
    }

    async fn moving_onto_a_taken_time_on_the_session_page_says_so_beside_the_time(app) {
        let b = booking_pair(app).await;
        let day = date_in_days(8);
        let session = booked(app, &b, &format!("{day}T10:00:00Z"), 30).await;
        mentors_other_session(app, &b, &format!("{day}T14:00:00Z"), 30).await;
        let mut mentor = Browser::new(app);
        mentor.log_in("mia.mentor@example.org", PASSWORD).await;
        let path = format!("/sessions/{session}");
        let csrf = csrf_of(&mentor.get(&path).await.text());
        let form = [("_csrf", csrf.as_str()), ("date", day.as_str()), ("time", "14:00"), ("duration_minutes", "30"), ("location", ""), ("agenda", "")];
        let taken = mentor.post(&path, &form).await;
        assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.text());
        let html = taken.text();
        assert!(html.contains("That time clashes with another session"), "{html}");
        assert!(html.contains("value=\"14:00\""), "what was typed is kept");
        assert_eq!(where_is(app, &session).await.0, ms(&format!("{day}T10:00:00Z")));
    }
}
