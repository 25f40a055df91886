//! Busy calendars end to end: a real calendar server in its own process (Python's
//! http.server, `tests/tools/calendar_server.py`) serving `.ics` files; the sync fetches,
//! reads and stores them, a 304 keeps the set, a server error or a file that is not a
//! calendar is shown to the mentor and keeps the set, and the address guard refuses a
//! server on this machine unless the operator allows private addresses.

use axum::http::StatusCode;
use lodestar_app::busy_calendar::{FIELD, SyncReport};
use lodestar_app::{AppError, Policy, Viewer};
use lodestar_domain::PersonId;
use lodestar_store::busy_times;
use lodestar_store::now_ms;

use crate::pages::{Browser, csrf_of};
use crate::support::{PASSWORD, PythonTool, TestApp, api_tests};

const HOUR: i64 = 3_600_000;
const MINUTE: i64 = 60_000;

/// The calendar server: `tests/tools/calendar_server.py`, serving the files in its folder.
struct CalendarServer(PythonTool);

impl CalendarServer {
    fn start() -> Self {
        Self(PythonTool::start("calendar_server.py"))
    }

    fn url(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/{name}", self.0.port)
    }

    fn put(&self, name: &str, body: &str) {
        std::fs::write(self.0.folder.join(name), body).unwrap();
    }

    /// Makes the server answer `status` for `name` (or, with `None`, serve it again).
    fn answer(&self, name: &str, status: Option<u16>) {
        let marker = self.0.folder.join(format!("{name}.status"));
        match status {
            Some(code) => std::fs::write(marker, code.to_string()).unwrap(),
            None => std::fs::remove_file(marker).unwrap(),
        }
    }
}

/// iCalendar UTC form of an epoch-ms moment.
fn ics_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// Tomorrow's whole hour, and a weekly event that started a week ago, in UTC.
fn calendar(tomorrow: i64, weekly: i64) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Lodestar tests//EN\r\n\
         BEGIN:VEVENT\r\nUID:one@test\r\nDTSTART:{}\r\nDTEND:{}\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:weekly@test\r\nDTSTART:{}\r\nDURATION:PT30M\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\n\
         SUMMARY:Sync\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        ics_time(tomorrow),
        ics_time(tomorrow + HOUR),
        ics_time(weekly - 7 * 24 * HOUR),
    )
}

/// The same database served by a process whose operator allows private addresses, as the
/// tests' calendar server is on 127.0.0.1.
fn allowing_private(app: &TestApp) -> TestApp {
    let mut policy = Policy::default();
    policy.busy_calendars.limits.allow_private = true;
    app.with_policy(policy)
}

async fn mentor(app: &TestApp) -> (String, Viewer) {
    let token = app
        .register_and_login("Ana Mentor", "ana@example.org")
        .await;
    let id: PersonId = app.id_of(&token).await.parse().unwrap();
    let viewer = Viewer {
        id,
        name: "Ana Mentor".into(),
        is_admin: false,
    };
    (token, viewer)
}

/// The next whole hour a day from now.
fn tomorrow() -> i64 {
    (now_ms() / HOUR + 24) * HOUR
}

api_tests! {
    async fn a_busy_calendar_set_with_the_availability_blocks_its_times_from_the_slots(app) {
        use crate::booking::{every_day, person, publish};
        let server = CalendarServer::start();
        let busy = allowing_private(app);
        let (mentor, mentor_id) = person(&busy, "Mia Mentor", "UTC").await;
        let (mentee, mentee_id) = person(&busy, "Taro Mentee", "UTC").await;
        let mentorship = busy.mentorship(&mentor_id, &mentee_id).await;
        let day = crate::meetings::date_in_days(3);
        let noon = chrono::DateTime::parse_from_rfc3339(&format!("{day}T12:00:00Z")).unwrap().timestamp_millis();
        server.put("mia.ics", &format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Lodestar tests//EN\r\n\
             BEGIN:VEVENT\r\nUID:lunch@test\r\nDTSTART:{}\r\nDTEND:{}\r\nSUMMARY:Board lunch\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            ics_time(noon), ics_time(noon + HOUR)));
        // A bad address is a field error beside the others, and nothing is saved.
        let refused = busy.raw(axum::http::Method::PUT, "/api/v1/me/availability", "application/json",
            serde_json::json!({"time_zone": "UTC", "weekly": every_day("09:00", "17:00"), "durations": [30],
                               "busy_calendar_url": "ftp://example.org/x.ics"}).to_string(), Some(&mentor)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text());
        assert!(refused.json()["error"]["fields"]["busy_calendar_url"].is_string(), "{}", refused.text());
        assert_eq!(busy.get("/api/v1/me/busy-calendar", Some(&mentor)).await.json()["status"], "none");

        publish(&busy, &mentor, serde_json::json!({"time_zone": "UTC", "weekly": every_day("09:00", "17:00"),
            "min_notice_hours": 0, "buffer_minutes": 0, "durations": [30], "busy_calendar_url": server.url("mia.ics")})).await;
        let status = busy.get("/api/v1/me/busy-calendar", Some(&mentor)).await.json();
        assert_eq!((status["status"].as_str(), status["url"].as_str()), (Some("pending"), Some(server.url("mia.ics").as_str())), "{status}");
        let query = format!("/api/v1/mentorships/{mentorship}/slots?from={day}T00:00:00Z&to={day}T23:59:00Z&duration=30");
        let before = busy.get(&query, Some(&mentee)).await.json()["slots"].as_array().unwrap().len();
        assert_eq!(before, 31, "09:00 to 16:30 every quarter hour");

        let fetched = busy.post_json("/api/v1/me/busy-calendar/refresh", serde_json::json!({}), Some(&mentor)).await;
        assert_eq!(fetched.json()["status"], "ok", "{}", fetched.text());
        let slots = busy.get(&query, Some(&mentee)).await.json();
        let starts: Vec<&str> = slots["slots"].as_array().unwrap().iter().map(|s| &s["starts_at"].as_str().unwrap()[11..16]).collect();
        assert_eq!(starts.len(), 31 - 5, "11:45 to 12:45 overlap the lunch: {starts:?}");
        assert!(!starts.iter().any(|t| ("11:45".."13:00").contains(t)), "{starts:?}");
        // Booking the busy time is refused like any time that is not free.
        let path = format!("/api/v1/mentorships/{mentorship}/bookings");
        let taken = busy.post_json(&path, serde_json::json!({"starts_at": format!("{day}T12:00:00Z"), "duration_minutes": 30}), Some(&mentee)).await;
        assert!(taken.status.is_client_error(), "{}", taken.text());
        // Saving the same address again does not fetch it again; removing it frees the time.
        publish(&busy, &mentor, serde_json::json!({"time_zone": "UTC", "weekly": every_day("09:00", "17:00"),
            "min_notice_hours": 0, "buffer_minutes": 0, "durations": [30], "busy_calendar_url": server.url("mia.ics")})).await;
        assert_eq!(busy.get("/api/v1/me/busy-calendar", Some(&mentor)).await.json()["status"], "ok");
        publish(&busy, &mentor, serde_json::json!({"time_zone": "UTC", "weekly": every_day("09:00", "17:00"),
            "min_notice_hours": 0, "buffer_minutes": 0, "durations": [30]})).await;
        assert_eq!(busy.get(&query, Some(&mentee)).await.json()["slots"].as_array().unwrap().len(), 31);
    }

    async fn a_calendar_is_fetched_and_its_busy_times_kept_through_not_modified_and_failures(app) {
        let server = CalendarServer::start();
        let busy = allowing_private(app);
        let (token, ana) = mentor(&busy).await;
        let (tomorrow, weekly) = (tomorrow(), tomorrow() + 2 * HOUR);
        server.put("ana.ics", &calendar(tomorrow, weekly));
        busy.app.set_busy_calendar(&ana, Some(server.url("ana.ics"))).await.unwrap();
        let status = busy.get("/api/v1/me/busy-calendar", Some(&token)).await.json();
        assert_eq!(status["status"], "pending");

        // Fetching now: read and stored.
        let response = busy.post_json("/api/v1/me/busy-calendar/refresh", serde_json::json!({}), Some(&token)).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        let status = response.json();
        assert_eq!((status["status"].as_str(), status["busy_intervals"].as_i64()), (Some("ok"), Some(4)), "{status}");
        assert_eq!(status["url"], server.url("ana.ics"));
        let expected = [
            (weekly - 7 * 24 * HOUR, weekly - 7 * 24 * HOUR + 30 * MINUTE),
            (tomorrow, tomorrow + HOUR),
            (weekly, weekly + 30 * MINUTE),
            (weekly + 7 * 24 * HOUR, weekly + 7 * 24 * HOUR + 30 * MINUTE),
            (weekly + 14 * 24 * HOUR, weekly + 14 * 24 * HOUR + 30 * MINUTE),
        ];
        let all = |db| async move { busy_times::between(db, ana.id, 0, i64::MAX).await.unwrap() };
        let db = &busy.app.db;
        // Only a week back is kept: the instance a week ago ended more than a day ago.
        assert_eq!(all(db).await, expected[1..]);
        assert_eq!(busy_times::between(db, ana.id, tomorrow - HOUR, weekly + MINUTE).await.unwrap(), expected[1..3]);
        // Asking again within a minute is refused.
        let again = busy.post_json("/api/v1/me/busy-calendar/refresh", serde_json::json!({}), Some(&token)).await;
        again.error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
        assert!(again.header("retry-after").is_some());

        // At its next turn the server says 304: the set stays.
        let report = busy.app.sync_busy_calendars(now_ms() + 16 * MINUTE).await.unwrap();
        assert_eq!(report, SyncReport { claimed: 1, not_modified: 1, ..SyncReport::default() });
        assert_eq!(all(db).await, expected[1..]);
        assert_eq!(busy.app.busy_calendar_status(&ana).await.unwrap().status, "not_modified");

        // A server error: shown, and the set stays.
        server.answer("ana.ics", Some(500));
        let report = busy.app.sync_busy_calendars(now_ms() + 32 * MINUTE).await.unwrap();
        assert_eq!(report.failed, 1);
        let status = busy.app.busy_calendar_status(&ana).await.unwrap();
        assert_eq!((status.status, status.last_error.as_deref()), ("error", Some("the calendar server answered HTTP 500")));
        assert_eq!(all(db).await, expected[1..]);
        let backoff = |db| async move {
            let c = busy_times::calendar_of(db, ana.id).await.unwrap().unwrap();
            (c.failures, (c.next_fetch_at - c.last_fetched_at.unwrap()) / MINUTE)
        };
        assert_eq!(backoff(db).await, (1, 15));

        // A page that is not a calendar (a sign-in page, say): shown, and the set stays.
        server.answer("ana.ics", None);
        server.put("ana.ics", "<!doctype html><title>Sign in</title>");
        let report = busy.app.sync_busy_calendars(now_ms() + 70 * MINUTE).await.unwrap();
        assert_eq!(report.failed, 1);
        let status = busy.get("/api/v1/me/busy-calendar", Some(&token)).await.json();
        assert_eq!(status["status"], "error");
        assert!(status["last_error"].as_str().unwrap().contains("iCalendar"), "{status}");
        assert_eq!(all(db).await, expected[1..]);
        // Failing again, it is tried again later: the backoff doubles.
        assert_eq!(backoff(db).await, (2, 30));

        // Mended: the next read replaces the set.
        server.put("ana.ics", &calendar(tomorrow + 3 * HOUR, weekly));
        let report = busy.app.sync_busy_calendars(now_ms() + 24 * 60 * MINUTE).await.unwrap();
        assert_eq!(report.read, 1);
        let status = busy.app.busy_calendar_status(&ana).await.unwrap();
        assert_eq!((status.status, status.last_error), ("ok", None));
        assert!(all(db).await.contains(&(tomorrow + 3 * HOUR, tomorrow + 4 * HOUR)));
        assert!(!all(db).await.contains(&(tomorrow, tomorrow + HOUR)));

        // Removed: nothing left.
        busy.app.set_busy_calendar(&ana, None).await.unwrap();
        assert_eq!(all(db).await, []);
        assert_eq!(busy.get("/api/v1/me/busy-calendar", Some(&token)).await.json()["status"], "none");
        busy.post_json("/api/v1/me/busy-calendar/refresh", serde_json::json!({}), Some(&token))
            .await
            .error(StatusCode::NOT_FOUND, "not_found");
    }

    async fn the_guard_refuses_a_calendar_server_on_this_machine_unless_the_operator_allows_it(app) {
        let server = CalendarServer::start();
        server.put("ana.ics", &calendar(tomorrow(), tomorrow() + 2 * HOUR));
        let (token, ana) = mentor(app).await;
        // An address literal is refused as it is typed…
        match app.app.set_busy_calendar(&ana, Some(server.url("ana.ics"))).await {
            Err(AppError::Invalid(errors)) => assert!(errors.get(FIELD).unwrap().contains("private"), "{errors:?}"),
            other => panic!("{other:?}"),
        }
        // …and a name that resolves to this machine when it is fetched, before connecting.
        let by_name = format!("http://localhost:{}/ana.ics", server.0.port);
        app.app.set_busy_calendar(&ana, Some(by_name.clone())).await.unwrap();
        let status = app.post_json("/api/v1/me/busy-calendar/refresh", serde_json::json!({}), Some(&token)).await.json();
        assert_eq!(status["status"], "error", "{status}");
        assert!(status["last_error"].as_str().unwrap().contains("private or local network"), "{status}");
        assert_eq!(busy_times::between(&app.app.db, ana.id, 0, i64::MAX).await.unwrap(), []);
        // With --busy-calendar-allow-private, the same calendar is read.
        let allowed = allowing_private(app);
        let report = allowed.app.sync_busy_calendars(now_ms() + 16 * MINUTE).await.unwrap();
        assert_eq!(report.read, 1, "{report:?}");
        assert_eq!(busy_times::between(&app.app.db, ana.id, 0, i64::MAX).await.unwrap().len(), 4);
    }

    async fn the_free_time_page_shows_how_the_calendars_fetches_go_and_refreshes_it_now(app) {
        let server = CalendarServer::start();
        let busy = allowing_private(app);
        let (_, ana) = mentor(&busy).await;
        let mut browser = Browser::new(&busy);
        browser.log_in("ana@example.org", PASSWORD).await;
        let page = browser.get("/account/availability").await.text();
        assert!(!page.contains("Refresh now"), "no calendar, nothing to refresh");
        let csrf = csrf_of(&page);
        let asked = browser.post("/account/busy-calendar/refresh", &[("_csrf", csrf.as_str())]).await;
        assert_eq!(asked.header("location"), Some("/account/availability"));
        assert!(browser.get("/account/availability").await.text().contains("Save the address of your calendar first"));

        // Not a calendar: the page says it could not be read, and why.
        server.put("ana.ics", "<!doctype html><html>Sign in</html>");
        busy.app.set_busy_calendar(&ana, Some(server.url("ana.ics"))).await.unwrap();
        let page = browser.get("/account/availability").await.text();
        assert!(page.contains("Not read yet") && page.contains("Refresh now") && page.contains("Next fetch:"), "{page}");
        let asked = browser.post("/account/busy-calendar/refresh", &[("_csrf", csrf.as_str())]).await;
        assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.text());
        let page = browser.get("/account/availability").await.text();
        assert!(page.contains("Your calendar could not be read:"), "{page}");
        assert!(page.contains("Could not be read; the busy times read before still count."), "{page}");
        assert!(page.contains("The last fetch, ") && page.contains("failed:"), "{page}");
        // At most once a minute.
        browser.post("/account/busy-calendar/refresh", &[("_csrf", csrf.as_str())]).await;
        assert!(browser.get("/account/availability").await.text().contains("less than a minute ago"));

        // Mended and fetched by the sync: read, with its busy times and no error.
        let (tomorrow, weekly) = (tomorrow(), tomorrow() + 2 * HOUR);
        server.put("ana.ics", &calendar(tomorrow, weekly));
        let report = busy.app.sync_busy_calendars(now_ms() + 2 * HOUR).await.unwrap();
        assert_eq!(report.read, 1, "{report:?}");
        let page = browser.get("/account/availability").await.text();
        assert!(page.contains("Last read ") && page.contains(": 4 busy times ahead."), "{page}");
        assert!(!page.contains("failed:"), "{page}");
    }

    async fn the_availability_checks_its_calendar_address_by_the_one_rule_and_changes_nothing(app) {
        use crate::booking::{every_day, person, publish};
        let (token, _) = person(app, "Mia Mentor", "UTC").await;
        let good = serde_json::json!({"time_zone": "UTC", "weekly": every_day("09:00", "17:00"), "durations": [30],
            "busy_calendar_url": "webcal://calendar.example.org/mia.ics"});
        let before = publish(app, &token, good.clone()).await;
        assert_eq!(before["busy_calendar_url"], "https://calendar.example.org/mia.ics", "webcal is read as https");
        let long = format!("https://calendar.example.org/{}", "a".repeat(2000));
        for (url, says) in [
            ("https://mia:secret@calendar.example.org/mia.ics", "password"),
            ("https://calendar.example.org/mia busy.ics", "spaces"),
            ("http://10.0.0.8/mia.ics", "private"),
            ("http://[::1]:8080/mia.ics", "private"),
            ("ftp://calendar.example.org/mia.ics", "http://"),
            (long.as_str(), "at most"),
        ] {
            let mut body = good.clone();
            body["busy_calendar_url"] = url.into();
            let answer = app.raw(axum::http::Method::PUT, "/api/v1/me/availability", "application/json", body.to_string(), Some(&token)).await;
            let error = answer.field_errors(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", &[FIELD]);
            let message = error["fields"][FIELD].as_str().unwrap();
            assert!(message.contains(says), "{url}: {message}");
            assert_eq!(app.get("/api/v1/me/availability", Some(&token)).await.json(), before, "{url}: nothing changed");
        }
        let status = app.get("/api/v1/me/busy-calendar", Some(&token)).await.json();
        assert_eq!(status["url"], "https://calendar.example.org/mia.ics");
    }

    async fn a_calendar_url_is_checked_field_by_field(app) {
        let (_, ana) = mentor(app).await;
        for (url, says) in [
            ("ftp://calendar.example.org/ana.ics", "must begin with http://, https://"),
            ("calendar.example.org/ana.ics", "web address"),
            ("https://ana:secret@calendar.example.org/ana.ics", "password"),
            ("https://calendar.example.org/ana busy.ics", "spaces"),
            ("https://calendar.example.org/\u{0}.ics", "control characters"),
            ("http://10.0.0.8/ana.ics", "private"),
            ("http://169.254.169.254/latest/meta-data", "private"),
        ] {
            match app.app.set_busy_calendar(&ana, Some(url.into())).await {
                Err(AppError::Invalid(errors)) => {
                    let message = errors.get(FIELD).unwrap_or_default();
                    assert!(message.contains(says), "{url}: {message}");
                }
                other => panic!("{url}: {other:?}"),
            }
        }
        let long = format!("https://calendar.example.org/{}", "a".repeat(3000));
        assert!(matches!(app.app.set_busy_calendar(&ana, Some(long)).await, Err(AppError::Invalid(_))));
        assert!(busy_times::calendar_of(&app.app.db, ana.id).await.unwrap().is_none(), "nothing written");
        // An empty URL is no calendar.
        app.app.set_busy_calendar(&ana, Some("  ".into())).await.unwrap();
        assert!(busy_times::calendar_of(&app.app.db, ana.id).await.unwrap().is_none());
        // The address a calendar app hands out is the same file over https, here as in the
        // availability (one check for both).
        app.app.set_busy_calendar(&ana, Some("webcal://p01-caldav.icloud.com/published/2/abc".into())).await.unwrap();
        let kept = busy_times::calendar_of(&app.app.db, ana.id).await.unwrap().unwrap();
        assert_eq!(kept.url, "https://p01-caldav.icloud.com/published/2/abc");
    }
}
