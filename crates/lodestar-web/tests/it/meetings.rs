//! Sessions of a mentorship through the API and the pages: every move and every refused
//! one, who may see what (a stranger nothing, a private note its author alone), action
//! items carried into the next agenda, reminders, and the calendar objects as an
//! independent parser (Python's `icalendar`) reads them.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Row;

use crate::pages::{Browser, csrf_of};
use crate::support::{PASSWORD, TestApp, api_tests};

pub(crate) struct Pair {
    pub mentor: String,
    pub mentee: String,
    pub mentor_id: String,
    pub mentee_id: String,
    pub mentorship: String,
}

async fn person(app: &TestApp, name: &str, email: &str, time_zone: &str) -> (String, String) {
    let token = app.register_and_login(name, email).await;
    let edited = app
        .patch_json(
            "/api/v1/me/profile",
            json!({"time_zone": time_zone}),
            Some(&token),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text());
    let id = app.get("/api/v1/me", Some(&token)).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (token, id)
}

/// Ana Mentor (Lisbon) mentors Ted Mentee (Tokyo).
pub(crate) async fn pair(app: &TestApp) -> Pair {
    let (mentor, mentor_id) = person(app, "Ana Mentor", "ana@example.org", "Europe/Lisbon").await;
    let (mentee, mentee_id) = person(app, "Ted Mentee", "ted@example.org", "Asia/Tokyo").await;
    let mentorship = app.mentorship(&mentor_id, &mentee_id).await;
    Pair {
        mentor,
        mentee,
        mentor_id,
        mentee_id,
        mentorship,
    }
}

/// The date `days` from today (UTC), `YYYY-MM-DD`.
pub(crate) fn date_in_days(days: i64) -> String {
    let d = time::OffsetDateTime::now_utc() + time::Duration::days(days);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

pub(crate) async fn schedule(app: &TestApp, p: &Pair, body: Value) -> Value {
    let path = format!("/api/v1/mentorships/{}/sessions", p.mentorship);
    let made = app.post_json(&path, body, Some(&p.mentor)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()
}

pub(crate) async fn schedule_in_hours(app: &TestApp, p: &Pair, hours: i64) -> Value {
    let starts = lodestar_app::meetings::rfc3339_in_hours(hours);
    schedule(app, p, json!({"starts_at": starts, "duration_minutes": 45, "location": "https://meet.example.org/ana-ted", "agenda": "Goals for the quarter"})).await
}

/// `(recipient, kind of calendar part, calendar)` of every queued e-mail, oldest first.
pub(crate) async fn outbox(app: &TestApp) -> Vec<(String, Option<String>, Option<String>)> {
    sqlx::query("SELECT recipient, calendar_method, calendar FROM outbox ORDER BY created_at, id")
        .fetch_all(app.app.db.reader())
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.get("recipient"),
                r.get("calendar_method"),
                r.get("calendar"),
            )
        })
        .collect()
}

/// Kinds of the notifications in `person`'s inbox, oldest first.
async fn inbox(app: &TestApp, person: &str) -> Vec<String> {
    sqlx::query("SELECT kind FROM notifications WHERE person_id = $1 ORDER BY created_at, id")
        .bind(person)
        .fetch_all(app.app.db.reader())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("kind"))
        .collect()
}

/// The Python the tests run: `LODESTAR_TEST_PYTHON` (CI's venv), else `python3`.
fn python() -> String {
    std::env::var("LODESTAR_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// What Python's `icalendar` reads in `ics` (see `tests/tools/ics_summary.py`). `None`
/// when the module is missing here; under CI a missing module fails the test.
pub(crate) fn parse_ics(ics: &str) -> Option<Value> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let present = Command::new(python())
        .args(["-c", "import icalendar"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs Python's icalendar to check the calendars: pip install icalendar"
        );
        eprintln!("skipping the independent calendar parse: python3 -c 'import icalendar' fails");
        return None;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/ics_summary.py");
    let mut child = Command::new(python())
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ics.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "icalendar refused:\n{ics}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

pub(crate) async fn browser_of<'a>(app: &'a TestApp, email: &str) -> (Browser<'a>, String) {
    let mut browser = Browser::new(app);
    let done = browser.log_in(email, PASSWORD).await;
    assert!(done.status.is_redirection(), "{}", done.text());
    let page = browser.get("/dashboard").await;
    let csrf = csrf_of(&page.text());
    (browser, csrf)
}

api_tests! {
    async fn ending_a_mentorship_cancels_its_sessions_to_come_and_tells_the_other_member(app) {
        let p = pair(app).await;
        let past = schedule_in_hours(app, &p, -2).await;
        let next = schedule_in_hours(app, &p, 48).await;
        let before = outbox(app).await.len();
        let path = format!("/api/v1/mentorships/{}/cancel", p.mentorship);
        let cancelled = app
            .post_json(&path, json!({"reason": "Moving abroad"}), Some(&p.mentee))
            .await;
        assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text());
        let mentor = p.mentor.clone();
        let state = |s: &Value| {
            let path = format!("/api/v1/sessions/{}", s["id"].as_str().unwrap());
            let token = mentor.clone();
            async move { app.get(&path, Some(&token)).await.json()["state"].clone() }
        };
        assert_eq!(state(&next).await, "cancelled", "the session to come is cancelled");
        assert_eq!(state(&past).await, "scheduled", "a session already begun is left to its outcome");
        let sent = outbox(app).await;
        let cancels: Vec<_> = sent[before..]
            .iter()
            .filter(|(to, method, _)| to == "ana@example.org" && method.as_deref() == Some("CANCEL"))
            .collect();
        assert_eq!(cancels.len(), 1, "{sent:?}");
        assert!(inbox(app, &p.mentor_id).await.contains(&"session_cancelled".to_owned()));
    }

    async fn scheduling_sends_the_others_an_invitation_that_an_independent_parser_reads(app) {
        let p = pair(app).await;
        let s = schedule_in_hours(app, &p, 48).await;
        assert_eq!(s["state"], "scheduled");
        assert_eq!(s["sequence"], 0);
        assert_eq!(s["time_zone"], "Europe/Lisbon");
        assert_eq!(s["location_is_link"], true);
        assert!(inbox(app, &p.mentee_id).await.contains(&"session_scheduled".to_owned()));
        assert!(inbox(app, &p.mentor_id).await.is_empty(), "the scheduler is not told");
        let mail = outbox(app).await;
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0].0, "ted@example.org");
        assert_eq!(mail[0].1.as_deref(), Some("REQUEST"));

        let path = format!("/api/v1/sessions/{}/invite.ics", s["id"].as_str().unwrap());
        let ics = app.get(&path, Some(&p.mentee)).await;
        assert_eq!(ics.status, StatusCode::OK);
        assert_eq!(ics.header("content-type"), Some("text/calendar; charset=utf-8"));
        let Some(cal) = parse_ics(&ics.text()) else { return };
        assert_eq!(cal["method"], "REQUEST");
        let ev = &cal["events"][0];
        assert_eq!(ev["uid"], format!("{}@localhost", s["id"].as_str().unwrap()));
        assert_eq!(ev["sequence"], 0);
        assert_eq!(ev["status"], "CONFIRMED");
        assert_eq!(ev["summary"], "Mentoring session: Ana Mentor and Ted Mentee");
        assert_eq!(ev["organizer"], "ana@example.org");
        assert_eq!(ev["organizer_cn"], "Ana Mentor");
        assert_eq!(ev["location"], "https://meet.example.org/ana-ted");
        assert_eq!(ev["url"], "https://meet.example.org/ana-ted");
        assert!(ev["description"].as_str().unwrap().starts_with("Goals for the quarter"));
        let start = s["starts_at"].as_str().unwrap().replace('Z', "+00:00");
        assert_eq!(ev["dtstart"], start);
        let emails: Vec<&str> = ev["attendees"].as_array().unwrap().iter().map(|a| a["email"].as_str().unwrap()).collect();
        assert_eq!(emails, ["ana@example.org", "ted@example.org"]);
        for a in ev["attendees"].as_array().unwrap() {
            assert_eq!(a["partstat"], "NEEDS-ACTION");
            assert_eq!(a["role"], "REQ-PARTICIPANT");
            assert_eq!(a["rsvp"], "TRUE");
        }
        // The e-mailed invitation is the same event.
        let mailed = parse_ics(mail[0].2.as_deref().unwrap()).unwrap();
        assert_eq!(mailed["events"][0]["uid"], ev["uid"]);
    }

    async fn a_reschedule_raises_the_sequence_under_the_same_uid_and_a_cancel_is_a_cancel(app) {
        let p = pair(app).await;
        let s = schedule_in_hours(app, &p, 48).await;
        let id = s["id"].as_str().unwrap();
        let path = format!("/api/v1/sessions/{id}");
        // An agenda edit is quiet: no new sequence, no e-mail.
        let quiet = app.patch_json(&path, json!({"agenda": "New agenda"}), Some(&p.mentee)).await;
        assert_eq!(quiet.status, StatusCode::OK, "{}", quiet.text());
        assert_eq!(quiet.json()["sequence"], 0);
        assert_eq!(outbox(app).await.len(), 1);
        let later = lodestar_app::meetings::rfc3339_in_hours(72);
        let moved = app.patch_json(&path, json!({"starts_at": later, "duration_minutes": 60}), Some(&p.mentee)).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());
        assert_eq!(moved.json()["sequence"], 1);
        assert_eq!(moved.json()["agenda"], "New agenda");
        assert_eq!(moved.json()["time_zone"], "Asia/Tokyo", "entered in the rescheduler's zone");
        assert!(inbox(app, &p.mentor_id).await.contains(&"session_rescheduled".to_owned()));
        let bad = app.patch_json(&path, json!({"duration_minutes": 4, "starts_at": "tomorrow", "location": "a\nb"}), Some(&p.mentee)).await;
        bad.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["duration_minutes", "location", "starts_at"]);

        let cancel = app.post_json(&format!("{path}/cancel"), json!({"reason": "Ill"}), Some(&p.mentor)).await;
        assert_eq!(cancel.status, StatusCode::OK, "{}", cancel.text());
        assert_eq!(cancel.json()["state"], "cancelled");
        assert_eq!(cancel.json()["sequence"], 2);
        assert!(inbox(app, &p.mentee_id).await.contains(&"session_cancelled".to_owned()));
        let again = app.post_json(&format!("{path}/cancel"), json!({}), Some(&p.mentor)).await;
        again.error(StatusCode::CONFLICT, "invalid_transition");
        let edit = app.patch_json(&path, json!({"agenda": "x"}), Some(&p.mentor)).await;
        edit.error(StatusCode::CONFLICT, "invalid_transition");
        let held = app.post_json(&format!("{path}/outcome"), json!({"held": true}), Some(&p.mentor)).await;
        held.error(StatusCode::CONFLICT, "invalid_transition");

        let mail = outbox(app).await;
        let methods: Vec<Option<&str>> = mail.iter().map(|m| m.1.as_deref()).collect();
        assert_eq!(methods, [Some("REQUEST"), Some("REQUEST"), Some("CANCEL")]);
        let (Some(first), Some(second), Some(third)) = (
            parse_ics(mail[0].2.as_deref().unwrap()),
            parse_ics(mail[1].2.as_deref().unwrap()),
            parse_ics(mail[2].2.as_deref().unwrap()),
        ) else { return };
        assert_eq!(second["method"], "REQUEST");
        assert_eq!(second["events"][0]["uid"], first["events"][0]["uid"]);
        assert_eq!(second["events"][0]["sequence"], 1);
        assert_eq!(second["events"][0]["dtstart"], later.replace('Z', "+00:00"));
        assert_eq!(third["method"], "CANCEL");
        assert_eq!(third["events"][0]["uid"], first["events"][0]["uid"]);
        assert_eq!(third["events"][0]["sequence"], 2);
        assert_eq!(third["events"][0]["status"], "CANCELLED");
        // The download is the cancellation too, once cancelled.
        let ics = app.get(&format!("{path}/invite.ics"), Some(&p.mentor)).await.text();
        assert_eq!(parse_ics(&ics).unwrap()["method"], "CANCEL");
    }

    async fn a_session_is_marked_held_or_missed_only_once_it_has_started(app) {
        let p = pair(app).await;
        let future = schedule_in_hours(app, &p, 2).await;
        let path = format!("/api/v1/sessions/{}/outcome", future["id"].as_str().unwrap());
        app.post_json(&path, json!({"held": true}), Some(&p.mentor)).await
            .error(StatusCode::CONFLICT, "session_not_started");
        sqlx::query("UPDATE mentorships SET last_activity_at = 0, stalled_since = 5")
            .execute(app.app.db.writer()).await.unwrap();
        let past = schedule_in_hours(app, &p, -1).await;
        let path = format!("/api/v1/sessions/{}/outcome", past["id"].as_str().unwrap());
        let held = app.post_json(&path, json!({"held": true}), Some(&p.mentee)).await;
        assert_eq!(held.status, StatusCode::OK, "{}", held.text());
        assert_eq!(held.json()["state"], "held");
        app.post_json(&path, json!({"held": true}), Some(&p.mentee)).await
            .error(StatusCode::CONFLICT, "invalid_transition");
        let missed = app.post_json(&path, json!({"held": false}), Some(&p.mentor)).await;
        assert_eq!(missed.json()["state"], "no_show", "an outcome can be corrected");
        let cancel = app.post_json(&format!("/api/v1/sessions/{}/cancel", past["id"].as_str().unwrap()), json!({}), Some(&p.mentor)).await;
        cancel.error(StatusCode::CONFLICT, "invalid_transition");
        // Scheduling and holding count as activity: the mentorship is no longer stalled.
        let row = sqlx::query("SELECT last_activity_at, stalled_since FROM mentorships")
            .fetch_one(app.app.db.reader()).await.unwrap();
        assert!(row.get::<i64, _>("last_activity_at") > 0);
        assert_eq!(row.get::<Option<i64>, _>("stalled_since"), None);
        let kinds: Vec<String> = sqlx::query("SELECT kind FROM mentorship_events ORDER BY at, id")
            .fetch_all(app.app.db.reader()).await.unwrap().iter().map(|r| r.get("kind")).collect();
        for kind in ["session_scheduled", "session_held", "session_missed"] {
            assert!(kinds.contains(&kind.to_owned()), "{kinds:?}");
        }
    }

    async fn only_an_active_mentorship_schedules_sessions(app) {
        let p = pair(app).await;
        let path = format!("/api/v1/mentorships/{}/sessions", p.mentorship);
        let body = json!({"starts_at": lodestar_app::meetings::rfc3339_in_hours(30), "duration_minutes": 30});
        let all_bad = app.post_json(&path, json!({"starts_at": "2026-13-01T10:00:00Z", "duration_minutes": 481, "agenda": "a\u{0}b"}), Some(&p.mentor)).await;
        all_bad.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["agenda", "duration_minutes", "starts_at"]);
        for state in ["paused", "completed"] {
            sqlx::query("UPDATE mentorships SET state = $1").bind(state)
                .execute(app.app.db.writer()).await.unwrap();
            app.post_json(&path, body.clone(), Some(&p.mentor)).await
                .error(StatusCode::CONFLICT, "mentorship_not_active");
        }
        let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM meetings")
            .fetch_one(app.app.db.reader()).await.unwrap().get("n");
        assert_eq!(count, 0, "nothing was written");
    }

    async fn a_stranger_and_an_admin_read_nothing_of_a_mentorships_sessions(app) {
        let p = pair(app).await;
        let s = schedule_in_hours(app, &p, 24).await;
        let id = s["id"].as_str().unwrap();
        let item = app.post_json(&format!("/api/v1/mentorships/{}/action-items", p.mentorship), json!({"title": "Read the paper"}), Some(&p.mentor)).await;
        let item = item.json()["id"].as_str().unwrap().to_owned();
        let stranger = app.register_and_login("Sam Stranger", "sam@example.org").await;
        let admin = app.admin_and_login("Ada Admin", "ada@example.org").await;
        for token in [&stranger, &admin] {
            for path in [
                format!("/api/v1/sessions/{id}"),
                format!("/api/v1/sessions/{id}/notes"),
                format!("/api/v1/sessions/{id}/invite.ics"),
                format!("/api/v1/mentorships/{}/sessions", p.mentorship),
                format!("/api/v1/mentorships/{}/action-items", p.mentorship),
            ] {
                app.get(&path, Some(token)).await.error(StatusCode::NOT_FOUND, "not_found");
            }
            app.patch_json(&format!("/api/v1/sessions/{id}"), json!({"agenda": "mine"}), Some(token)).await
                .error(StatusCode::NOT_FOUND, "not_found");
            app.post_json(&format!("/api/v1/sessions/{id}/notes"), json!({"body": "hi"}), Some(token)).await
                .error(StatusCode::NOT_FOUND, "not_found");
            app.post_json(&format!("/api/v1/sessions/{id}/cancel"), json!({}), Some(token)).await
                .error(StatusCode::NOT_FOUND, "not_found");
            app.patch_json(&format!("/api/v1/action-items/{item}"), json!({"done": true}), Some(token)).await
                .error(StatusCode::NOT_FOUND, "not_found");
            app.post_json(&format!("/api/v1/mentorships/{}/sessions", p.mentorship), json!({"starts_at": s["starts_at"], "duration_minutes": 30}), Some(token)).await
                .error(StatusCode::NOT_FOUND, "not_found");
        }
        let state: String = sqlx::query("SELECT state FROM meetings").fetch_one(app.app.db.reader()).await.unwrap().get("state");
        assert_eq!(state, "scheduled");
    }

    async fn a_private_note_never_leaves_its_author(app) {
        let p = pair(app).await;
        let s = schedule_in_hours(app, &p, 24).await;
        let id = s["id"].as_str().unwrap();
        let notes = format!("/api/v1/sessions/{id}/notes");
        let secret = "Worried my mentor finds me slow";
        let private = app.post_json(&notes, json!({"body": secret, "private": true}), Some(&p.mentee)).await;
        assert_eq!(private.status, StatusCode::CREATED, "{}", private.text());
        assert_eq!(private.json()["private"], true);
        let shared = app.post_json(&notes, json!({"body": "Read chapter 3 together"}), Some(&p.mentee)).await;
        assert_eq!(shared.status, StatusCode::CREATED);
        app.post_json(&notes, json!({"body": "  "}), Some(&p.mentee)).await
            .field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["body"]);

        let mine = app.get(&notes, Some(&p.mentee)).await.json();
        assert_eq!(mine.as_array().unwrap().len(), 2);
        let theirs = app.get(&notes, Some(&p.mentor)).await;
        assert_eq!(theirs.json().as_array().unwrap().len(), 1);
        assert!(!theirs.text().contains(secret));
        for token in [&p.mentor, &p.mentee] {
            let ics = app.get(&format!("/api/v1/sessions/{id}/invite.ics"), Some(token)).await;
            assert!(!ics.text().contains("Worried"), "not in an invitation");
            let feed = app.get("/api/v1/me/calendar", Some(token)).await.json();
            let path = feed["feed_url"].as_str().unwrap().replace("http://localhost:8080", "");
            assert!(!app.get(&path, None).await.text().contains("Worried"), "not in a feed");
        }
        for (_, _, calendar) in outbox(app).await {
            assert!(!calendar.unwrap_or_default().contains("Worried"));
        }
        // The pages: the author sees it, labelled; the other member sees no trace of it.
        let (mut ted, _) = browser_of(app, "ted@example.org").await;
        let page = ted.get(&format!("/sessions/{id}")).await.text();
        assert!(page.contains(secret) && page.contains("Only you can see this"));
        let (mut ana, _) = browser_of(app, "ana@example.org").await;
        for path in [format!("/sessions/{id}"), format!("/mentorships/{}/sessions", p.mentorship), "/dashboard".to_owned()] {
            let page = ana.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            assert!(!page.text().contains("Worried"), "{path}");
            assert!(!page.text().contains("Only you can see this"), "{path}");
        }
        assert!(ana.get(&format!("/sessions/{id}")).await.text().contains("Read chapter 3 together"));
    }

    async fn open_action_items_are_carried_into_the_next_sessions_agenda(app) {
        let p = pair(app).await;
        let items = format!("/api/v1/mentorships/{}/action-items", p.mentorship);
        let due = date_in_days(7);
        let open = app.post_json(&items, json!({"title": "Draft the grant outline", "owner_id": p.mentee_id, "due_date": due}), Some(&p.mentor)).await;
        assert_eq!(open.status, StatusCode::CREATED, "{}", open.text());
        assert_eq!(open.json()["owner_name"], "Ted Mentee");
        let done = app.post_json(&items, json!({"title": "Book a room"}), Some(&p.mentor)).await.json();
        let tick = app.patch_json(&format!("/api/v1/action-items/{}", done["id"].as_str().unwrap()), json!({"done": true}), Some(&p.mentee)).await;
        assert_eq!(tick.json()["done"], true);
        let bad = app.post_json(&items, json!({"title": "", "owner_id": uuid::Uuid::now_v7().to_string(), "due_date": "next week"}), Some(&p.mentor)).await;
        bad.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &["due_date", "owner_id", "title"]);

        let s = schedule_in_hours(app, &p, 24).await;
        let carried: Vec<&str> = s["carried_over"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
        assert_eq!(carried, ["Draft the grant outline"]);
        let ics = app.get(&format!("/api/v1/sessions/{}/invite.ics", s["id"].as_str().unwrap()), Some(&p.mentee)).await.text();
        if let Some(cal) = parse_ics(&ics) {
            let description = cal["events"][0]["description"].as_str().unwrap().to_owned();
            assert!(description.contains("Carried over:\n- Draft the grant outline (Ted Mentee, due "), "{description}");
            assert!(!description.contains("Book a room"));
        }
        let (mut ana, _) = browser_of(app, "ana@example.org").await;
        let page = ana.get(&format!("/mentorships/{}/sessions", p.mentorship)).await.text();
        assert!(page.contains("Carried over") && page.contains("Draft the grant outline"));
        // Once done, an item is no longer carried.
        let item = open.json()["id"].as_str().unwrap().to_owned();
        let edited = app.patch_json(&format!("/api/v1/action-items/{item}"), json!({"title": "Draft the outline", "owner_id": p.mentor_id, "done": true}), Some(&p.mentee)).await;
        assert_eq!(edited.json()["owner_name"], "Ana Mentor");
        let again = app.get(&format!("/api/v1/sessions/{}", s["id"].as_str().unwrap()), Some(&p.mentor)).await.json();
        assert!(again["carried_over"].as_array().unwrap().is_empty());
    }

    async fn reminders_go_out_once_a_day_before_and_when_an_item_falls_due(app) {
        let p = pair(app).await;
        schedule_in_hours(app, &p, 30).await;
        let now = lodestar_store::now_ms();
        assert_eq!(app.app.remind_upcoming_sessions(now).await.unwrap(), 0, "30 hours ahead");
        let later = now + 10 * 3_600_000;
        assert_eq!(app.app.remind_upcoming_sessions(later).await.unwrap(), 1);
        assert_eq!(app.app.remind_upcoming_sessions(later).await.unwrap(), 0, "once");
        assert_eq!(app.other_process().app.remind_upcoming_sessions(later + 1000).await.unwrap(), 0);
        for person in [&p.mentor_id, &p.mentee_id] {
            assert_eq!(inbox(app, person).await.iter().filter(|k| *k == "session_reminder").count(), 1);
        }

        let items = format!("/api/v1/mentorships/{}/action-items", p.mentorship);
        app.post_json(&items, json!({"title": "Send the CV", "owner_id": p.mentee_id, "due_date": date_in_days(2)}), Some(&p.mentor)).await;
        app.post_json(&items, json!({"title": "No date"}), Some(&p.mentor)).await;
        assert_eq!(app.app.remind_due_action_items(now).await.unwrap(), 0);
        let due_day = now + 3 * 24 * 3_600_000;
        assert_eq!(app.app.remind_due_action_items(due_day).await.unwrap(), 1);
        assert_eq!(app.app.remind_due_action_items(due_day).await.unwrap(), 0);
        assert_eq!(inbox(app, &p.mentee_id).await.iter().filter(|k| *k == "action_item_due").count(), 1);
        assert_eq!(inbox(app, &p.mentor_id).await.iter().filter(|k| *k == "action_item_due").count(), 0);
    }

    async fn the_calendar_feed_lists_my_sessions_until_its_address_is_reset(app) {
        let p = pair(app).await;
        let kept = schedule_in_hours(app, &p, 24).await;
        let dropped = schedule_in_hours(app, &p, 48).await;
        app.post_json(&format!("/api/v1/sessions/{}/cancel", dropped["id"].as_str().unwrap()), json!({}), Some(&p.mentor)).await;
        let first = app.get("/api/v1/me/calendar", Some(&p.mentee)).await;
        assert_eq!(first.header("cache-control"), Some("no-store"));
        let url = first.json()["feed_url"].as_str().unwrap().to_owned();
        assert_eq!(app.get("/api/v1/me/calendar", Some(&p.mentee)).await.json()["feed_url"], url, "stable until reset");
        let path = url.replace("http://localhost:8080", "");
        assert!(path.starts_with("/calendar/") && path.ends_with(".ics"));
        let token = path.trim_start_matches("/calendar/").trim_end_matches(".ics");
        assert_eq!(token.len(), 43, "32 random bytes, base64url");
        let feed = app.get(&path, None).await;
        assert_eq!(feed.status, StatusCode::OK);
        assert_eq!(feed.header("content-type"), Some("text/calendar; charset=utf-8"));
        assert_eq!(feed.header("cache-control"), Some("private, max-age=300"));
        assert!(!feed.text().contains("METHOD:"), "a feed is not a scheduling message");
        if let Some(cal) = parse_ics(&feed.text()) {
            assert_eq!(cal["method"], Value::Null);
            let events = cal["events"].as_array().unwrap();
            assert_eq!(events.len(), 2);
            let status_of = |id: &Value| events.iter().find(|e| e["uid"].as_str().unwrap().starts_with(id.as_str().unwrap())).unwrap()["status"].clone();
            assert_eq!(status_of(&kept["id"]), "CONFIRMED");
            assert_eq!(status_of(&dropped["id"]), "CANCELLED");
        }
        assert_eq!(app.get("/calendar/not-a-token.ics", None).await.status, StatusCode::NOT_FOUND);
        let reset = app.post_json("/api/v1/me/calendar/reset", json!({}), Some(&p.mentee)).await;
        let new_url = reset.json()["feed_url"].as_str().unwrap().to_owned();
        assert_ne!(new_url, url);
        assert_eq!(app.get(&path, None).await.status, StatusCode::NOT_FOUND, "the old address is dead");
        assert_eq!(app.get(&new_url.replace("http://localhost:8080", ""), None).await.status, StatusCode::OK);
    }

    async fn a_start_is_entered_in_my_zone_and_shown_in_each_persons_own(app) {
        let p = pair(app).await;
        let day = date_in_days(10);
        // Ted, in Tokyo (UTC+9, no summer time), schedules on the page at 10:00 his time.
        let (mut ted, csrf) = browser_of(app, "ted@example.org").await;
        let page = ted.get(&format!("/mentorships/{}/sessions", p.mentorship)).await;
        assert!(page.text().contains("Asia/Tokyo"));
        let done = ted.post(&format!("/mentorships/{}/sessions", p.mentorship), &[
            ("_csrf", &csrf), ("date", &day), ("time", "10:00"), ("duration_minutes", "60"),
            ("location", "Café Lumen"), ("agenda", "Plan"),
        ]).await;
        assert!(done.status.is_redirection(), "{}", done.text());
        let list = app.get(&format!("/api/v1/mentorships/{}/sessions", p.mentorship), Some(&p.mentee)).await.json();
        let s = &list[0];
        assert_eq!(s["starts_at"], format!("{day}T01:00:00Z"));
        assert_eq!(s["local_starts_at"], format!("{day}T10:00:00+09:00"));
        assert_eq!(s["time_zone"], "Asia/Tokyo");
        let ana_view = app.get(&format!("/api/v1/sessions/{}", s["id"].as_str().unwrap()), Some(&p.mentor)).await.json();
        assert_eq!(ana_view["local_time_zone"], "Europe/Lisbon");
        assert!(ana_view["when"].as_str().unwrap().ends_with("(Europe/Lisbon)"));
        // The session page shows it in the reader's own zone, and a bad form keeps its values.
        let mine = ted.get(&format!("/sessions/{}", s["id"].as_str().unwrap())).await.text();
        assert!(mine.contains("10:00 (Asia/Tokyo)"), "{mine}");
        let bad = ted.post(&format!("/mentorships/{}/sessions", p.mentorship), &[
            ("_csrf", &csrf), ("date", ""), ("time", "25:00"), ("duration_minutes", "3"), ("location", "Kept place"),
        ]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().contains("Kept place") && bad.text().contains("between 5 and 480"));
        let notes = format!("/sessions/{}/notes", s["id"].as_str().unwrap());
        let note = ted.send(Method::POST, &notes, Some(&[("_csrf", &csrf), ("body", "Shared thought")])).await;
        assert!(note.status.is_redirection(), "without JavaScript the page reloads");
        // With htmx the new note comes back alone, to be appended to the list in place.
        let jar: Vec<String> = ted.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let request = TestApp::request(Method::POST, &notes, None)
            .header("cookie", jar.join("; "))
            .header("hx-request", "true")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(format!("_csrf={csrf}&body=Secret+plan&private=on")))
            .unwrap();
        let fragment = app.send(request).await;
        assert_eq!(fragment.status, StatusCode::CREATED, "{}", fragment.text());
        let html = fragment.text();
        assert!(html.trim_start().starts_with("<li") && !html.contains("<html"), "{html}");
        assert!(html.contains("Secret plan") && html.contains("Only you can see this"));
        // The form comes back empty beside it, swapped in out of band, so the note cannot
        // be posted twice by a second click and the next one starts shared.
        let (_, form) = html.split_once("<form id=\"note-form\"").expect("the form comes back");
        assert!(form.contains("hx-swap-oob=\"true\""), "{html}");
        assert!(!form.contains("Secret plan") && !form.contains("checked"), "{html}");
        assert!(form.contains(&format!("value=\"{csrf}\"")), "{html}");
    }
}
