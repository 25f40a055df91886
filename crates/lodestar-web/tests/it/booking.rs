//! Booking a mentor's free time through the API: publishing availability (and every bad
//! field refused at once), free slots in the viewer's own zone without the mentor's
//! sessions, buffer and notice, a booking as a session with its invitation, the time
//! outside availability, the taken slot with fresh slots, a cancel or move freeing the
//! slot, who may see what, and many bookings of one slot at once.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Row;

use crate::meetings::{date_in_days, outbox};
use crate::pages::{Browser, csrf_of};
use crate::support::{PASSWORD, TestApp, api_tests};

pub(crate) struct Booking {
    pub mentor: String,
    pub mentor_id: String,
    pub mentee: String,
    pub mentee_id: String,
    pub mentorship: String,
}

pub(crate) async fn person(app: &TestApp, name: &str, time_zone: &str) -> (String, String) {
    let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
    let token = app.register_and_login(name, &email).await;
    let edited = app
        .patch_json(
            "/api/v1/me/profile",
            json!({"time_zone": time_zone}),
            Some(&token),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text());
    let id = app.id_of(&token).await;
    (token, id)
}

/// Every day from `from` to `to`, as weekly windows.
pub(crate) fn every_day(from: &str, to: &str) -> Value {
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    Value::Array(
        days.iter()
            .map(|d| json!({"day": d, "from": from, "to": to}))
            .collect(),
    )
}

pub(crate) async fn publish(app: &TestApp, token: &str, body: Value) -> Value {
    let saved = app
        .raw(
            Method::PUT,
            "/api/v1/me/availability",
            "application/json",
            body.to_string(),
            Some(token),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
    saved.json()
}

/// Mia Mentor (UTC) mentors Taro Mentee (Tokyo); Mia is free every day 09:00–17:00 UTC
/// for 30 or 60 minutes, with a 15-minute buffer and no notice.
pub(crate) async fn booking_pair(app: &TestApp) -> Booking {
    let (mentor, mentor_id) = person(app, "Mia Mentor", "UTC").await;
    let (mentee, mentee_id) = person(app, "Taro Mentee", "Asia/Tokyo").await;
    let mentorship = app.mentorship(&mentor_id, &mentee_id).await;
    publish(
        app,
        &mentor,
        json!({"time_zone": "UTC", "weekly": every_day("09:00", "17:00"), "min_notice_hours": 0,
               "buffer_minutes": 15, "durations": [30, 60]}),
    )
    .await;
    Booking {
        mentor,
        mentor_id,
        mentee,
        mentee_id,
        mentorship,
    }
}

pub(crate) async fn slots(app: &TestApp, b: &Booking, query: &str, token: &str) -> Vec<String> {
    let path = format!("/api/v1/mentorships/{}/slots?{query}", b.mentorship);
    let got = app.get(&path, Some(token)).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    starts(&got.json()["slots"])
}

fn starts(slots: &Value) -> Vec<String> {
    slots
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["starts_at"].as_str().unwrap().to_owned())
        .collect()
}

pub(crate) async fn book(
    app: &TestApp,
    b: &Booking,
    token: &str,
    starts_at: &str,
    minutes: i64,
) -> crate::support::TestResponse {
    let path = format!("/api/v1/mentorships/{}/bookings", b.mentorship);
    app.post_json(
        &path,
        json!({"starts_at": starts_at, "duration_minutes": minutes, "agenda": "Career plan"}),
        Some(token),
    )
    .await
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query(sql)
        .fetch_one(app.app.db.reader())
        .await
        .unwrap()
        .get("n")
}

api_tests! {
    async fn the_free_time_page_saves_its_rows_and_shows_each_error_beside_its_row(app) {
        let (token, _) = person(app, "Mia Mentor", "Europe/London").await;
        let mut browser = Browser::new(app);
        browser.log_in("mia.mentor@example.org", PASSWORD).await;
        let page = browser.get("/account/availability").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let html = page.text();
        assert!(html.contains("value=\"Europe/London\""));
        assert!(html.contains("name=\"weekly[2].day\""), "spare rows to fill without JavaScript");
        assert!(html.contains("href=\"/account/availability\" aria-current=\"page\""), "linked from the account menu");
        let csrf = csrf_of(&html);
        let mut rows = vec![
            ("_csrf", csrf.as_str()), ("time_zone", "Europe/London"), ("min_notice_hours", "12"),
            ("buffer_minutes", "10"), ("durations", "30"), ("durations", "60"),
            ("weekly[0].day", "tue"), ("weekly[0].from", "09:00"), ("weekly[0].to", "11:00"),
            ("weekly[1].day", ""), ("weekly[1].from", ""), ("weekly[1].to", ""),
            ("weekly[2].day", "tue"), ("weekly[2].from", "10:00"), ("weekly[2].to", "12:00"),
            ("exceptions[0].kind", "off"), ("exceptions[0].date", "2026-12-25"),
        ];
        let bad = browser.post("/account/availability", &rows).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text());
        let html = bad.text();
        assert!(html.contains("id=\"weekly-2-from-error\""), "the message is beside row 3: {html}");
        assert!(html.contains("overlaps another window"));
        assert!(html.contains("value=\"12:00\""), "what was typed is kept");
        assert_eq!(app.get("/api/v1/me/availability", Some(&token)).await.json()["published"], false);
        // Adding rows sends the form back with more, saving nothing.
        let mut more = rows.clone();
        more.push(("add_rows", "on"));
        let grown = browser.post("/account/availability", &more).await;
        assert_eq!(grown.status, StatusCode::OK);
        assert!(grown.text().contains("name=\"weekly[7].day\""));
        rows[13] = ("weekly[2].from", "14:00");
        rows[14] = ("weekly[2].to", "16:00");
        let saved = browser.post("/account/availability", &rows).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
        let got = app.get("/api/v1/me/availability", Some(&token)).await.json();
        assert_eq!(got["weekly"][1]["from"], "14:00");
        assert_eq!(got["exceptions"][0]["date"], "2026-12-25");
        assert_eq!(got["durations"], json!([30, 60]));
        let page = browser.get("/account/availability").await.text();
        assert!(page.contains("Your free time is saved"));
    }

    async fn a_mentee_books_from_the_mentorship_page_and_a_taken_time_shows_the_free_ones(app) {
        let b = booking_pair(app).await;
        let day = date_in_days(3);
        let mut mentee = Browser::new(app);
        mentee.log_in("taro.mentee@example.org", PASSWORD).await;
        let path = format!("/mentorships/{}", b.mentorship);
        let page = mentee.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("Book a session"));
        assert!(html.contains("in your time zone (Asia/Tokyo)"));
        let tokyo = format!("{day}T19:00:00+09:00");
        assert!(html.contains(&format!("value=\"{tokyo}\"")), "10:00 UTC is offered as 19:00 Tokyo time");
        let csrf = csrf_of(&html);
        let form = [("_csrf", csrf.as_str()), ("starts_at", tokyo.as_str()), ("duration_minutes", "30")];
        let booked = mentee.post(&format!("{path}/bookings"), &form).await;
        assert_eq!(booked.status, StatusCode::SEE_OTHER, "{}", booked.text());
        assert!(booked.header("location").unwrap().starts_with("/sessions/"));
        // The mentor's page was open on the same time: booking it now says it is taken.
        let mut mentor = Browser::new(app);
        mentor.log_in("mia.mentor@example.org", PASSWORD).await;
        let csrf = csrf_of(&mentor.get(&path).await.text());
        let form = [("_csrf", csrf.as_str()), ("starts_at", tokyo.as_str()), ("duration_minutes", "30")];
        let taken = mentor.post(&format!("{path}/bookings"), &form).await;
        assert_eq!(taken.status, StatusCode::CONFLICT);
        let html = taken.text();
        assert!(html.contains("Someone just booked that time — here are the free times now"));
        assert!(!html.contains(&format!("value=\"{day}T10:00:00+00:00\"")), "the taken time is gone");
        assert!(html.contains(&format!("value=\"{day}T11:00:00+00:00\"")), "the mentor sees their own zone");
        // A time that is no slot at all is refused with its reason.
        let form = [("_csrf", csrf.as_str()), ("starts_at", "2026-01-01T03:17:00Z"), ("duration_minutes", "30")];
        let odd = mentor.post(&format!("{path}/bookings"), &form).await;
        assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(odd.text().contains("could not be booked"));
    }

    async fn an_availability_round_trips_and_starts_from_the_persons_zone(app) {
        let (token, _) = person(app, "Mia Mentor", "Europe/London").await;
        let fresh = app.get("/api/v1/me/availability", Some(&token)).await.json();
        assert_eq!(fresh["published"], false);
        assert_eq!(fresh["time_zone"], "Europe/London");
        let body = json!({
            "time_zone": "Europe/London",
            "weekly": [{"day": "tue", "from": "09:00", "to": "11:00"}, {"day": "thu", "from": "14:00", "to": "24:00", "one_off": true}],
            "exceptions": [
                {"kind": "off", "date": "2026-12-25"},
                {"kind": "off", "from_date": "2026-12-28", "to_date": "2027-01-01"},
                {"kind": "extra", "date": "2026-12-27", "from": "10:00", "to": "12:00"}
            ],
            "min_notice_hours": 24, "buffer_minutes": 15, "durations": [60, 30, 45],
            "busy_calendar_url": "webcal://calendar.example.org/mia/busy.ics"
        });
        let saved = publish(app, &token, body.clone()).await;
        let again = app.get("/api/v1/me/availability", Some(&token)).await.json();
        assert_eq!(saved, again);
        assert_eq!(again["published"], true);
        assert_eq!(again["weekly"], json!([
            {"day": "tue", "from": "09:00", "to": "11:00", "one_off": false},
            {"day": "thu", "from": "14:00", "to": "24:00", "one_off": true},
        ]));
        assert_eq!(again["exceptions"], json!([
            {"kind": "off", "date": "2026-12-25", "one_off": false},
            {"kind": "off", "from_date": "2026-12-28", "to_date": "2027-01-01", "one_off": false},
            {"kind": "extra", "date": "2026-12-27", "from": "10:00", "to": "12:00", "one_off": false},
        ]));
        assert_eq!(again["durations"], json!([30, 45, 60]));
        assert_eq!(again["busy_calendar_url"], "https://calendar.example.org/mia/busy.ics");
        let row = sqlx::query("SELECT busy_calendar_url, time_zone FROM availability")
            .fetch_one(app.app.db.reader()).await.unwrap();
        assert_eq!(row.get::<String, _>("busy_calendar_url"), "https://calendar.example.org/mia/busy.ics");
    }

    async fn bad_availability_reports_every_field_and_changes_nothing(app) {
        let (token, _) = person(app, "Mia Mentor", "UTC").await;
        let good = json!({"time_zone": "UTC", "weekly": [{"day": "mon", "from": "09:00", "to": "10:00"}], "durations": [30]});
        let before = publish(app, &token, good).await;
        let bad = json!({
            "time_zone": "Mars/Olympus",
            "weekly": [
                {"day": "mon", "from": "09:00", "to": "11:00"},
                {"day": "mon", "from": "10:00", "to": "12:00"},
                {"day": "someday", "from": "25:00", "to": "10:00"}
            ],
            "exceptions": [{"kind": "holiday"}, {"kind": "extra", "date": "2026-02-30", "from": "12:00", "to": "11:00"}],
            "min_notice_hours": 9999, "buffer_minutes": 7, "durations": [10, 30, 30],
            "busy_calendar_url": "ftp://calendar.example.org/x.ics", "one_off_monthly_limit": -1
        });
        let answer = app.raw(Method::PUT, "/api/v1/me/availability", "application/json", bad.to_string(), Some(&token)).await;
        answer.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &[
            "busy_calendar_url", "buffer_minutes", "durations[0]", "durations[2]",
            "exceptions[0].kind", "exceptions[1].date", "exceptions[1].to", "min_notice_hours",
            "one_off_monthly_limit", "time_zone", "weekly[1].from", "weekly[2].day", "weekly[2].from",
        ]);
        assert_eq!(app.get("/api/v1/me/availability", Some(&token)).await.json(), before);
    }

    async fn slots_are_in_the_viewers_zone_and_leave_out_every_session_of_the_mentor_with_its_buffer(app) {
        let b = booking_pair(app).await;
        let day = date_in_days(3);
        let all = slots(app, &b, &format!("from={day}T00:00:00Z&to={day}T23:59:00Z&duration=30"), &b.mentee).await;
        assert_eq!(all.len(), 31, "09:00 to 16:30 every quarter hour: {all:?}");
        assert!(all[0].ends_with("T18:00:00+09:00"), "in Tokyo time: {}", all[0]);
        // A session in this mentorship at 12:00 for 45 minutes, and one in another
        // mentorship of the mentor's at 15:00: both block their time and 15 minutes either side.
        let path = format!("/api/v1/mentorships/{}/sessions", b.mentorship);
        let made = app.post_json(&path, json!({"starts_at": format!("{day}T12:00:00Z"), "duration_minutes": 45}), Some(&b.mentor)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let (_, other_id) = person(app, "Olga Other", "UTC").await;
        let other = app.mentorship(&b.mentor_id, &other_id).await;
        let path = format!("/api/v1/mentorships/{other}/sessions");
        let made = app.post_json(&path, json!({"starts_at": format!("{day}T15:00:00Z"), "duration_minutes": 30}), Some(&b.mentor)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let left = slots(app, &b, &format!("from={day}T00:00:00Z&to={day}T23:59:00Z&duration=30"), &b.mentor).await;
        let utc: Vec<String> = left.iter().map(|s| s[11..16].to_owned()).collect();
        let want: Vec<String> = ["09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30", "10:45", "11:00", "11:15",
            "13:00", "13:15", "13:30", "13:45", "14:00", "14:15", "15:45", "16:00", "16:15", "16:30"]
            .iter().map(ToString::to_string).collect();
        assert_eq!(utc, want, "the mentor sees their own slots in their own zone (UTC)");
        // A cancelled session blocks nothing.
        let sessions = app.get(&format!("/api/v1/mentorships/{other}/sessions"), Some(&b.mentor)).await.json();
        let cancel = format!("/api/v1/sessions/{}/cancel", sessions[0]["id"].as_str().unwrap());
        assert_eq!(app.post_json(&cancel, json!({}), Some(&b.mentor)).await.status, StatusCode::OK);
        let left = slots(app, &b, &format!("from={day}T00:00:00Z&to={day}T23:59:00Z&duration=30"), &b.mentor).await;
        assert_eq!(left.len(), 25, "14:30 to 15:30 are free again");
    }

    async fn slots_keep_the_minimum_notice_and_the_range_limits(app) {
        let b = booking_pair(app).await;
        publish(app, &b.mentor, json!({"time_zone": "UTC", "weekly": every_day("00:00", "24:00"), "min_notice_hours": 48, "durations": [60]})).await;
        let got = app.get(&format!("/api/v1/mentorships/{}/slots", b.mentorship), Some(&b.mentee)).await.json();
        assert_eq!(got["duration_minutes"], 60, "the shortest length by default");
        assert_eq!(got["time_zone"], "Asia/Tokyo");
        let first = chrono::DateTime::parse_from_rfc3339(got["slots"][0]["starts_at"].as_str().unwrap()).unwrap();
        let ahead = first.timestamp_millis() - lodestar_store::now_ms();
        assert!((47 * 3_600_000..49 * 3_600_000).contains(&ahead), "first slot {first} is ~48 h away");
        let path = format!("/api/v1/mentorships/{}/slots?from=2027-01-01&to=2027-03-01&duration=45", b.mentorship);
        app.get(&path, Some(&b.mentee)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["duration", "to"]);
        let path = format!("/api/v1/mentorships/{}/slots?from=soon", b.mentorship);
        app.get(&path, Some(&b.mentee)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["from"]);
    }

    async fn a_booking_is_a_session_with_an_invitation_for_the_mentor(app) {
        let b = booking_pair(app).await;
        let day = date_in_days(4);
        // The mentee sees 10:00 UTC as 19:00 in Tokyo, and books it as it is shown.
        let tokyo = format!("{day}T19:00:00+09:00");
        let wanted = slots(app, &b, &format!("from={day}&to={day}&duration=60"), &b.mentee).await;
        assert!(wanted.contains(&tokyo), "{wanted:?}");
        let made = book(app, &b, &b.mentee, &tokyo, 60).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let session = made.json();
        assert_eq!(session["starts_at"], format!("{day}T10:00:00Z"));
        assert_eq!(session["duration_minutes"], 60);
        assert_eq!(session["state"], "scheduled");
        assert_eq!(session["agenda"], "Career plan");
        assert_eq!(session["organizer_id"], b.mentee_id.as_str());
        assert_eq!(session["local_time_zone"], "Asia/Tokyo");
        let mail = outbox(app).await;
        let invite: Vec<_> = mail.iter().filter(|(to, method, _)| to == "mia.mentor@example.org" && method.as_deref() == Some("REQUEST")).collect();
        assert_eq!(invite.len(), 1, "{mail:?}");
        assert!(invite[0].2.as_deref().unwrap().contains("DTSTART:"));
        let kinds: Vec<String> = sqlx::query("SELECT kind FROM notifications WHERE person_id = $1")
            .bind(&b.mentor_id).fetch_all(app.app.db.reader()).await.unwrap()
            .iter().map(|r| r.get("kind")).collect();
        assert_eq!(kinds, vec!["session_booked"]);
        // The session is listed with the mentorship's others, and its slot is gone.
        let listed = app.get(&format!("/api/v1/mentorships/{}/sessions", b.mentorship), Some(&b.mentor)).await.json();
        assert_eq!(listed[0]["id"], session["id"]);
        let after = slots(app, &b, &format!("from={day}&to={day}&duration=60"), &b.mentee).await;
        assert!(!after.contains(&tokyo));
    }

    async fn a_time_outside_the_availability_is_a_field_error(app) {
        let b = booking_pair(app).await;
        let day = date_in_days(5);
        for (start, minutes, fields) in [
            (format!("{day}T03:17:00Z"), 30, vec!["starts_at"]),
            (format!("{day}T09:10:00Z"), 30, vec!["starts_at"]),
            (format!("{day}T16:45:00Z"), 30, vec!["starts_at"]),
            (format!("{day}T10:00:00Z"), 45, vec!["duration_minutes"]),
            ("tomorrow at ten".to_owned(), 30, vec!["starts_at"]),
        ] {
            book(app, &b, &b.mentee, &start, minutes).await
                .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &fields);
        }
        assert_eq!(count(app, "SELECT COUNT(*) AS n FROM meetings").await, 0);
    }

    async fn the_second_booking_of_a_time_gets_slot_taken_with_the_free_slots_now(app) {
        let b = booking_pair(app).await;
        let (_, other_id) = person(app, "Olga Other", "America/New_York").await;
        let other = Booking { mentorship: app.mentorship(&b.mentor_id, &other_id).await, ..booking_pair_from(&b) };
        let day = date_in_days(6);
        let first = book(app, &b, &b.mentee, &format!("{day}T10:00:00Z"), 60).await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
        // The same time, and a time that overlaps it, from another of the mentor's mentorships.
        for start in [format!("{day}T10:00:00Z"), format!("{day}T10:30:00Z")] {
            let second = book(app, &other, &b.mentor, &start, 60).await;
            assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.text());
            let body = second.json();
            assert_eq!(body["error"]["code"], "slot_taken");
            assert!(body["error"]["message"].as_str().unwrap().contains("Someone just booked that time"));
            let fresh = starts(&body["error"]["slots"]);
            assert!(!fresh.is_empty());
            assert!(fresh.iter().all(|s| !s.starts_with(&format!("{day}T10:")) && !s.starts_with(&format!("{day}T09:"))), "{fresh:?}");
        }
        assert_eq!(count(app, "SELECT COUNT(*) AS n FROM meetings").await, 1);
    }

    async fn cancelling_or_moving_a_booked_session_frees_its_slot_and_a_move_takes_the_booking_along(app) {
        let b = booking_pair(app).await;
        let day = date_in_days(7);
        let start = format!("{day}T11:00:00Z");
        let first = book(app, &b, &b.mentee, &start, 30).await.json();
        let cancel = format!("/api/v1/sessions/{}/cancel", first["id"].as_str().unwrap());
        assert_eq!(app.post_json(&cancel, json!({"reason": "ill"}), Some(&b.mentor)).await.status, StatusCode::OK);
        assert!(slots(app, &b, &format!("from={day}&to={day}"), &b.mentor).await.iter().any(|s| s.starts_with(&start[..16])));
        let again = book(app, &b, &b.mentee, &start, 30).await;
        assert_eq!(again.status, StatusCode::CREATED, "{}", again.text());
        // Moved to the afternoon through the ordinary edit: the morning time is free again.
        let edit = format!("/api/v1/sessions/{}", again.json()["id"].as_str().unwrap());
        let moved = app.patch_json(&edit, json!({"starts_at": format!("{day}T15:00:00Z")}), Some(&b.mentee)).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());
        let third = book(app, &b, &b.mentor, &start, 30).await;
        assert_eq!(third.status, StatusCode::CREATED, "{}", third.text());
        // The moved session's booking went with it, and still counts there.
        assert_eq!(count(app, "SELECT COUNT(*) AS n FROM bookings WHERE active = 1").await, 2);
        let afternoon = chrono::DateTime::parse_from_rfc3339(&format!("{day}T15:00:00Z")).unwrap().timestamp_millis();
        let row = sqlx::query("SELECT starts_at FROM bookings WHERE meeting_id = $1 AND active = 1")
            .bind(again.json()["id"].as_str().unwrap()).fetch_one(app.app.db.reader()).await.unwrap();
        assert_eq!(row.get::<i64, _>("starts_at"), afternoon);
    }

    async fn only_members_of_an_active_mentorship_see_slots_or_book(app) {
        let b = booking_pair(app).await;
        let (stranger, _) = person(app, "Sam Stranger", "UTC").await;
        let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
        let day = date_in_days(8);
        for token in [&stranger, &admin] {
            let path = format!("/api/v1/mentorships/{}/slots", b.mentorship);
            app.get(&path, Some(token)).await.error(StatusCode::NOT_FOUND, "not_found");
            book(app, &b, token, &format!("{day}T10:00:00Z"), 30).await.error(StatusCode::NOT_FOUND, "not_found");
        }
        let pause = format!("/api/v1/mentorships/{}/pause", b.mentorship);
        assert_eq!(app.post_json(&pause, json!({"resume_on": "2099-01-01"}), Some(&b.mentee)).await.status, StatusCode::OK);
        let path = format!("/api/v1/mentorships/{}/slots", b.mentorship);
        app.get(&path, Some(&b.mentee)).await.error(StatusCode::CONFLICT, "mentorship_not_active");
        book(app, &b, &b.mentee, &format!("{day}T10:00:00Z"), 30).await.error(StatusCode::CONFLICT, "mentorship_not_active");
        assert_eq!(count(app, "SELECT COUNT(*) AS n FROM meetings").await, 0);
    }

    async fn a_mentor_without_availability_has_no_slots_and_cannot_be_booked(app) {
        let (mentor, mentor_id) = person(app, "Nia Mentor", "UTC").await;
        let (mentee, mentee_id) = person(app, "Tom Mentee", "UTC").await;
        let _ = mentor;
        let mentorship = app.mentorship(&mentor_id, &mentee_id).await;
        let got = app.get(&format!("/api/v1/mentorships/{mentorship}/slots"), Some(&mentee)).await.json();
        assert_eq!((got["published"].clone(), got["slots"].clone()), (json!(false), json!([])));
        let path = format!("/api/v1/mentorships/{mentorship}/bookings");
        app.post_json(&path, json!({"starts_at": format!("{}T10:00:00Z", date_in_days(3)), "duration_minutes": 30}), Some(&mentee)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["starts_at"]);
    }

    async fn many_bookings_of_one_slot_at_once_make_exactly_one_session(app) {
        let b = booking_pair(app).await;
        let mentor: lodestar_domain::PersonId = b.mentor_id.parse().unwrap();
        // Forty more mentorships of the mentor's; every one books the same hour (or one
        // that overlaps it) at once, through a process with a pool wide enough for the
        // transactions to overlap.
        let ids = crate::requests::pending_requests(app, mentor, 40).await;
        let mut mentorships = Vec::new();
        for id in ids {
            let mentee = sqlx::query("SELECT mentee_id FROM mentorship_requests WHERE id = $1")
                .bind(id.to_string()).fetch_one(app.app.db.reader()).await.unwrap().get::<String, _>("mentee_id");
            mentorships.push(app.mentorship(&b.mentor_id, &mentee).await);
        }
        let mut config = lodestar_web::WebConfig::default();
        config.limits.max_concurrent_requests = 200;
        let server = Arc::new(app.other_process_with(24, config).await);
        let day = date_in_days(9);
        let tasks: Vec<_> = mentorships.into_iter().enumerate().map(|(i, m)| {
            let (server, token) = (server.clone(), b.mentor.clone());
            let start = if i % 2 == 0 { format!("{day}T13:00:00Z") } else { format!("{day}T13:30:00Z") };
            tokio::spawn(async move {
                let path = format!("/api/v1/mentorships/{m}/bookings");
                server.post_json(&path, json!({"starts_at": start, "duration_minutes": 60}), Some(&token)).await
            })
        }).collect();
        assert_eq!(tally(tasks, StatusCode::CREATED).await, (1, 39));
        assert_eq!(count(app, "SELECT COUNT(*) AS n FROM meetings WHERE state = 'scheduled'").await, 1);
        assert_eq!(count(app, "SELECT COUNT(*) AS n FROM bookings WHERE active = 1").await, 1);
    }
}

/// Of racing requests, how many won (answered `won`) and how many got `slot_taken`; any
/// other answer fails the test.
pub(crate) async fn tally(
    tasks: Vec<tokio::task::JoinHandle<crate::support::TestResponse>>,
    won: StatusCode,
) -> (usize, usize) {
    let (mut wins, mut taken) = (0, 0);
    for task in tasks {
        let answer = task.await.unwrap();
        if answer.status == won {
            wins += 1;
        } else {
            answer.error(StatusCode::CONFLICT, "slot_taken");
            taken += 1;
        }
    }
    (wins, taken)
}

fn booking_pair_from(b: &Booking) -> Booking {
    Booking {
        mentor: b.mentor.clone(),
        mentor_id: b.mentor_id.clone(),
        mentee: b.mentee.clone(),
        mentee_id: b.mentee_id.clone(),
        mentorship: b.mentorship.clone(),
    }
}
