//! Live updates: the API's event stream and the pages' `/live`, fed by real service actions
//! (a mentee's request tells the mentor), caught up after a dropped connection from
//! `Last-Event-ID`, private to their person, heard across processes, and left alone by the
//! request timeout and the limit of requests at once.

use std::time::Duration;

use axum::http::StatusCode;
use lodestar_app::live::{self, Cursor};
use lodestar_web::{RequestLimits, WebConfig};

use crate::pages::Browser;
use crate::requests::{Who, mentee, mentor, send};
use crate::support::{EventStream, PASSWORD, TestApp, api_tests};

const EVENTS: &str = "/api/v1/me/events";
const QUIET: Duration = Duration::from_millis(400);

async fn stream(app: &TestApp, who: &Who, last_event_id: Option<&str>) -> EventStream {
    let stream = app
        .open_stream(EVENTS, Some(&who.token), None, last_event_id)
        .await;
    assert_eq!(stream.status, StatusCode::OK);
    assert_eq!(stream.headers["content-type"], "text/event-stream");
    assert_eq!(stream.headers["cache-control"], "no-store");
    stream
}

/// Checks that an event is the notification of a request to the mentor, and returns its id.
#[track_caller]
fn request_received(event: &crate::support::SseEvent, unread: i64) -> String {
    assert_eq!(event.event, "notification", "{event:?}");
    let data = event.json();
    assert_eq!(data["kind"], "notification", "{data}");
    assert_eq!(data["notification"]["kind"], "request_received", "{data}");
    assert_eq!(data["unread"], unread, "{data}");
    let id = event.id.clone().expect("an id");
    let cursor: Cursor = id.parse().expect("the id is a cursor");
    assert_eq!(
        cursor.id.to_string(),
        data["notification"]["id"].as_str().unwrap()
    );
    id
}

/// The thread of a mentorship between `mentor` and `mentee`.
async fn thread_between(app: &TestApp, mentor: &Who, mentee: &Who) -> String {
    let mentorship = app.mentorship_between(&mentor.id, &mentee.id).await;
    let shown = app
        .get(
            &format!("/api/v1/mentorships/{mentorship}"),
            Some(&mentee.token),
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text());
    shown.json()["thread_id"].as_str().unwrap().to_owned()
}

/// Writes a message through the API, and returns it as its author sees it.
async fn post(app: &TestApp, who: &Who, thread: &str, body: &str) -> serde_json::Value {
    let made = app
        .post_json(
            &format!("/api/v1/threads/{thread}/messages"),
            serde_json::json!({"body": body}),
            Some(&who.token),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()
}

/// Checks that an event is the message `id` of `thread`, and returns its data.
#[track_caller]
fn message_event(event: &crate::support::SseEvent, thread: &str, id: &str) -> serde_json::Value {
    assert_eq!(event.event, "message", "{event:?}");
    let data = event.json();
    assert_eq!(data["kind"], "message", "{data}");
    assert_eq!(data["message"]["thread_id"], thread, "{data}");
    assert_eq!(data["message"]["id"], id, "{data}");
    assert!(data["message"]["created_at"].as_i64().is_some(), "{data}");
    let cursor: Cursor = event.id.clone().expect("an id").parse().expect("a cursor");
    assert_eq!(cursor.id.to_string(), id);
    data
}

api_tests! {
    async fn a_mentor_with_an_open_stream_is_told_of_a_request_as_it_is_sent(app) {
        let mina = mentor(app, "Mina", 3).await;
        let ada = mentee(app, "Ada").await;
        let mut events = stream(app, &mina, None).await;
        send(app, &ada, &mina).await;
        let event = events.next().await;
        request_received(&event, 1);
        assert!(event.json()["notification"]["link"].as_str().unwrap().starts_with("/requests"));
        assert!(events.next_within(QUIET).await.is_none(), "one notice, one event");
    }

    async fn a_stream_reopened_with_its_last_event_id_first_sends_what_it_missed(app) {
        let mina = mentor(app, "Mina", 5).await;
        let (ada, ben, cy, dee) = (mentee(app, "Ada").await, mentee(app, "Ben").await,
            mentee(app, "Cy").await, mentee(app, "Dee").await);
        let mut events = stream(app, &mina, None).await;
        send(app, &ada, &mina).await;
        let seen = request_received(&events.next().await, 1);
        drop(events);
        // While the connection is down:
        send(app, &ben, &mina).await;
        send(app, &cy, &mina).await;
        let mut events = stream(app, &mina, Some(&seen)).await;
        let (second, third) = (events.next().await, events.next().await);
        let names: Vec<String> = [&second, &third]
            .iter()
            .map(|e| e.json()["notification"]["title"].as_str().unwrap().to_owned())
            .collect();
        assert!(names[0].contains("Ben") && names[1].contains("Cy"), "oldest first: {names:?}");
        request_received(&third, 3);
        assert!(second.id < third.id);
        // Then what happens from now on, and nothing twice.
        send(app, &dee, &mina).await;
        let fourth = events.next().await;
        assert!(fourth.json()["notification"]["title"].as_str().unwrap().contains("Dee"));
        assert!(events.next_within(QUIET).await.is_none());
        // Up to date: nothing to replay.
        let last = fourth.id.unwrap();
        let mut again = stream(app, &mina, Some(&last)).await;
        assert!(again.next_within(QUIET).await.is_none());
    }

    async fn a_stream_that_missed_more_than_it_replays_is_told_to_resync(app) {
        use lodestar_domain::mentoring::NotificationKind;
        use lodestar_store::notifications::{self, Notice};
        let mina = mentor(app, "Mina", 3).await;
        let mut tx = app.app.db.begin().await.unwrap();
        for n in 0..=live::CATCH_UP_LIMIT {
            let notice = Notice {
                person: mina.id.parse().unwrap(),
                kind: NotificationKind::SessionReminder,
                title: format!("Reminder {n}"),
                body: String::new(),
                link: String::new(),
                calendar: None,
            };
            notifications::push(&mut tx, &notice, "").await.unwrap();
        }
        tx.commit().await.unwrap();
        let zero = Cursor::new(0, uuid::Uuid::nil()).to_string();
        let mut events = stream(app, &mina, Some(&zero)).await;
        let resync = events.next().await;
        assert_eq!((resync.event.as_str(), resync.json()), ("resync", serde_json::json!({"kind": "resync"})));
        let moved: Cursor = resync.id.unwrap().parse().unwrap();
        assert!(moved.at > 0, "the cursor moves to now");
        assert!(events.next_within(QUIET).await.is_none(), "and nothing else is replayed");
    }

    async fn nobody_hears_of_someone_elses_notifications_live_or_caught_up(app) {
        let mina = mentor(app, "Mina", 3).await;
        let ada = mentee(app, "Ada").await;
        let sam = mentee(app, "Sam").await;
        let mut minas = stream(app, &mina, None).await;
        let mut sams = stream(app, &sam, None).await;
        send(app, &ada, &mina).await;
        request_received(&minas.next().await, 1);
        assert!(sams.next_within(QUIET).await.is_none());
        // A cursor from the beginning of time replays only your own.
        let zero = Cursor::new(0, uuid::Uuid::nil()).to_string();
        let mut replay = stream(app, &sam, Some(&zero)).await;
        assert!(replay.next_within(QUIET).await.is_none());
    }

    async fn a_message_reaches_every_party_of_its_thread_live_and_no_one_else(app) {
        let mina = mentor(app, "Mina", 3).await;
        let ada = mentee(app, "Ada").await;
        let sam = mentee(app, "Sam").await;
        let thread = thread_between(app, &mina, &ada).await;
        let mut minas = stream(app, &mina, None).await;
        let mut adas = stream(app, &ada, None).await;
        let mut sams = stream(app, &sam, None).await;
        let written = post(app, &ada, &thread, "Hello *Mina*").await;
        let id = written["id"].as_str().unwrap();
        let data = message_event(&minas.next().await, &thread, id);
        assert_eq!(data["message"]["html"], "<p>Hello <em>Mina</em></p>\n", "{data}");
        assert_eq!(data["message"]["mine"], false);
        assert_eq!(data["unread_messages"], 1);
        // The author's other tabs hear of it too, as theirs.
        let data = message_event(&adas.next().await, &thread, id);
        assert_eq!(data["message"]["mine"], true);
        assert!(sams.next_within(QUIET).await.is_none(), "a stranger hears nothing");
        // Nor does a catch-up from the beginning of time show it to them.
        let zero = Cursor::new(0, uuid::Uuid::nil()).to_string();
        let mut replay = stream(app, &sam, Some(&zero)).await;
        assert!(replay.next_within(QUIET).await.is_none());
    }

    async fn a_stream_reopened_with_its_last_event_id_catches_up_on_messages_in_order(app) {
        let mina = mentor(app, "Mina", 3).await;
        let ada = mentee(app, "Ada").await;
        let thread = thread_between(app, &mina, &ada).await;
        let mut events = stream(app, &mina, None).await;
        let first = post(app, &ada, &thread, "First").await;
        let event = events.next().await;
        let seen = message_event(&event, &thread, first["id"].as_str().unwrap());
        assert_eq!(seen["message"]["body"], "First");
        let last_id = event.id.unwrap();
        drop(events);
        // While the connection is down: a message, and a notification between two.
        let second = post(app, &ada, &thread, "Second").await;
        let bob = mentee(app, "Bob").await;
        send(app, &bob, &mina).await;
        let third = post(app, &ada, &thread, "Third").await;
        let mut events = stream(app, &mina, Some(&last_id)).await;
        message_event(&events.next().await, &thread, second["id"].as_str().unwrap());
        request_received(&events.next().await, 1);
        let data = message_event(&events.next().await, &thread, third["id"].as_str().unwrap());
        assert_eq!(data["unread_messages"], 3);
        assert!(events.next_within(QUIET).await.is_none(), "nothing twice");
    }

    async fn reading_notifications_anywhere_updates_the_count_on_every_open_stream(app) {
        let mina = mentor(app, "Mina", 3).await;
        let ada = mentee(app, "Ada").await;
        let mut browser = Browser::new(app);
        browser.log_in("mina@example.org", PASSWORD).await;
        let cookie = format!("lodestar_session={}", browser.session().unwrap());
        let mut page = app.open_stream("/live", None, Some(&cookie), None).await;
        let mut api = stream(app, &mina, None).await;
        send(app, &ada, &mina).await;
        let entry = api.next().await;
        request_received(&entry, 1);
        assert!(page.next().await.data.contains(r#"<span class="count">1<"#));
        let read = app.post_json("/api/v1/me/notifications/read", serde_json::json!({"all": true}), Some(&mina.token)).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.text());
        let unread = api.next().await;
        assert_eq!((unread.event.as_str(), unread.json()), ("unread", serde_json::json!({"kind": "unread", "unread": 0})));
        assert_eq!(unread.id, None, "a count is not an entry: the cursor stays at the last one");
        let badge = page.next().await;
        assert_eq!((badge.event.as_str(), badge.data.as_str(), badge.id), ("notifications", "<span hidden></span>", None));
        // Nothing left to mark: nothing to tell.
        app.post_json("/api/v1/me/notifications/read", serde_json::json!({"all": true}), Some(&mina.token)).await;
        assert!(api.next_within(QUIET).await.is_none());
    }

    async fn the_event_stream_needs_a_token_and_a_well_formed_last_event_id(app) {
        let anonymous = app.get(EVENTS, None).await;
        anonymous.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        let mina = mentor(app, "Mina", 3).await;
        let bad = app.open_stream(EVENTS, Some(&mina.token), None, Some("yesterday")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let bad = app
            .raw(axum::http::Method::GET, EVENTS, "application/json", "", Some(&mina.token))
            .await;
        assert_eq!(bad.status, StatusCode::OK, "a plain GET opens the stream");
    }

    async fn a_stream_on_another_process_hears_a_notification_made_here(app) {
        let other = app.other_process();
        let mina = mentor(app, "Mina", 3).await;
        let ada = mentee(app, "Ada").await;
        let mut there = other.open_stream(EVENTS, Some(&mina.token), None, None).await;
        assert_eq!(there.status, StatusCode::OK);
        send(app, &ada, &mina).await;
        request_received(&there.next().await, 1);
    }

    async fn closing_the_bus_for_shutdown_ends_open_streams_and_refuses_new_ones(app) {
        let mina = mentor(app, "Mina", 3).await;
        let mut events = stream(app, &mina, None).await;
        app.app.live().close();
        assert!(events.ends_within(Duration::from_secs(5)).await);
        let refused = app.get(EVENTS, Some(&mina.token)).await;
        refused.error(StatusCode::SERVICE_UNAVAILABLE, "busy");
    }

    async fn a_signed_in_page_subscribes_to_its_live_stream_and_the_badge_follows(app) {
        let mina = mentor(app, "Mina", 3).await;
        let ada = mentee(app, "Ada").await;
        let mut browser = Browser::new(app);
        browser.log_in("mina@example.org", PASSWORD).await;
        let page = browser.get("/dashboard").await;
        let html = page.text();
        assert!(html.contains(r#"hx-ext="sse" sse-connect="/live?since="#), "{html}");
        assert!(html.contains(r#"<span id="unread-notifications" sse-swap="notifications" aria-live="polite">"#), "{html}");
        assert!(html.contains("/static/htmx-ext-sse-2.2.4.min.js"));
        assert!(html.contains(concat!("/static/live-", env!("CARGO_PKG_VERSION"), ".js")));
        let since = html.split("/live?since=").nth(1).unwrap().split('"').next().unwrap().to_owned();
        since.parse::<Cursor>().expect("the page's cursor");

        // Made after the page, before its stream connects: the stream still brings it.
        send(app, &ada, &mina).await;
        let cookie = format!("lodestar_session={}", browser.session().unwrap());
        let path = format!("/live?since={since}");
        let mut live = app.open_stream(&path, None, Some(&cookie), None).await;
        assert_eq!(live.status, StatusCode::OK);
        let event = live.next().await;
        assert_eq!(event.event, "notifications");
        assert!(event.data.contains(r#"<span class="count">1<span class="visually-hidden"> unread</span></span>"#), "{event:?}");
        assert!(event.id.is_some());

        // A message of a thread, as that thread's page shows it, and the messages badge.
        let thread = thread_between(app, &mina, &ada).await;
        let thread_page = browser.get(&format!("/threads/{thread}")).await.text();
        assert!(thread_page.contains(&format!(r#"sse-swap="message-{thread}" hx-swap="beforeend""#)), "{thread_page}");
        assert!(thread_page.contains(r#"<span id="unread-messages" sse-swap="messages" aria-live="polite">"#));
        let written = post(app, &ada, &thread, "Hello **Mina**").await;
        let id = written["id"].as_str().unwrap();
        let event = live.next().await;
        assert_eq!(event.event, format!("message-{thread}"));
        assert_eq!(event.id.as_deref().map(|c| c.ends_with(id)), Some(true), "{event:?}");
        // Arriving on the open thread page, it asks to mark the thread read.
        let read_it = format!(r##"hx-post="/threads/{thread}/read" hx-trigger="load" hx-target="#unread-messages" hx-swap="innerHTML""##);
        assert!(event.data.contains(&format!(r#"<li class="card message" id="message-{id}" {read_it}>"#)), "{event:?}");
        assert!(event.data.contains("<strong>Mina</strong>") || event.data.contains("Hello <strong>Mina</strong>"), "{event:?}");
        assert!(event.data.contains("Report"), "another's message can be reported: {event:?}");
        let badge = live.next().await;
        assert_eq!(badge.event, "messages");
        assert!(badge.data.contains(r#"<span class="count">1<span class="visually-hidden"> unread</span></span>"#), "{badge:?}");
        assert!(badge.id.is_none(), "a state, not an entry");
        // Which the page does through htmx: the answer is the navigation's count, now none.
        let csrf = crate::pages::csrf_of(&thread_page);
        browser.htmx = true;
        let read = browser.post(&format!("/threads/{thread}/read"), &[("_csrf", csrf.as_str())]).await;
        browser.htmx = false;
        assert_eq!(read.status, StatusCode::OK, "{}", read.text());
        assert!(!read.text().contains("class=\"count\""), "{}", read.text());
        assert_eq!(app.get("/api/v1/threads", Some(&mina.token)).await.json()["total_unread"], 0);
        // The author's own message, on their page, asks nothing.
        let mut ada_browser = Browser::new(app);
        ada_browser.log_in("ada@example.org", PASSWORD).await;
        let ada_cookie = format!("lodestar_session={}", ada_browser.session().unwrap());
        let mut ada_live = app.open_stream("/live", None, Some(&ada_cookie), None).await;
        let own = post(app, &ada, &thread, "And again").await;
        let own_id = own["id"].as_str().unwrap();
        let echo = loop {
            let event = ada_live.next().await;
            if event.event == format!("message-{thread}") {
                break event;
            }
        };
        assert!(echo.data.contains(&format!(r#"id="message-{own_id}">"#)), "{echo:?}");
        assert!(!echo.data.contains("/read\""), "{echo:?}");
        // Pages for visitors have no stream.
        let landing = Browser::new(app).get("/").await.text();
        assert!(!landing.contains("sse-connect") && !landing.contains("htmx-ext-sse"));
    }
}

api_tests! {
    async fn a_stream_outlives_the_request_timeout_and_is_not_a_request_in_flight(app) {
        let mina = mentor(app, "Mina", 3).await;
        let ada = mentee(app, "Ada").await;
        // A process whose limits would end or refuse a stream that counted as a request.
        let tight = WebConfig {
            limits: RequestLimits {
                request_timeout: Duration::from_millis(500),
                max_concurrent_requests: 1,
                ..RequestLimits::default()
            },
            ..WebConfig::default()
        };
        let tight = app.other_process_with(4, tight).await;
        let mut events = stream(&tight, &mina, None).await;
        tokio::time::sleep(Duration::from_millis(1000)).await;
        // With one request allowed at once, the open stream would make this 503.
        let me = tight.get("/api/v1/me", Some(&mina.token)).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.text());
        send(&tight, &ada, &mina).await;
        request_received(&events.next().await, 1);
        drop(events);
        tight.app.db.close().await;
    }

    async fn a_stream_ends_after_its_lifetime_and_a_revoked_token_cannot_reopen_it(app) {
        let mina = mentor(app, "Mina", 3).await;
        let short = WebConfig {
            limits: RequestLimits {
                stream_lifetime: Duration::from_millis(300),
                ..RequestLimits::default()
            },
            ..WebConfig::default()
        };
        let short = app.other_process_with(4, short).await;
        let mut events = stream(&short, &mina, None).await;
        assert!(events.ends_within(Duration::from_secs(3)).await, "ended by the server");
        let out = app.raw(axum::http::Method::POST, "/api/v1/auth/logout", "application/json", "", Some(&mina.token)).await;
        assert!(out.status.is_success(), "{}", out.text());
        short.get(EVENTS, Some(&mina.token)).await.error(StatusCode::UNAUTHORIZED, "unauthenticated");
        short.app.db.close().await;
    }
}

api_tests! {
    async fn the_openapi_document_describes_the_stream_and_its_events(app) {
        let doc = app.get("/api/openapi.json", None).await.json();
        let get = &doc["paths"]["/api/v1/me/events"]["get"];
        let ok = &get["responses"]["200"]["content"]["text/event-stream"]["schema"];
        assert_eq!(ok["$ref"], "#/components/schemas/LiveUpdate", "{get}");
        assert_eq!(get["parameters"][0]["name"], "Last-Event-ID");
        assert_eq!(get["parameters"][0]["in"], "header");
        let kinds: Vec<String> = doc["components"]["schemas"]["LiveUpdate"]["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["properties"]["kind"]["enum"][0].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(kinds, ["notification", "unread", "message", "resync"]);
    }
}
