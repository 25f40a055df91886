//! Live updates across real `lodestar serve` processes: a stream open on one process hears
//! a notification caused through another (PostgreSQL `LISTEN`/`NOTIFY`), and stopping a
//! server ends its open streams at once instead of waiting out the shutdown deadline.
//!
//! The PostgreSQL test is skipped when `LODESTAR_TEST_DATABASE_URL` is unset (outside CI,
//! where it must be set).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::Duration;

use lodestar_store::now_ms;
use lodestar_store::testing::ScratchDb;
use serde_json::json;
use server::{EventStream, Server};

mod server;

const PASSWORD: &str = "kettle-orbit-umbrella-42";
/// How long a notification may take from one process's commit to another's stream. The
/// benchmark measures milliseconds; this is a bound no loaded test machine should reach.
const DEADLINE: Duration = Duration::from_secs(5);

fn log(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join("lodestar-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!(
        "live-{name}-{}-{}.log",
        std::process::id(),
        now_ms()
    ))
}

/// Registers `name` through `server`, applies `profile`, and returns (token, person id).
fn person(server: &Server, name: &str, profile: serde_json::Value) -> (String, String) {
    let email = format!("{}@example.org", name.to_lowercase());
    let registered = server.call(
        "POST",
        "/api/v1/auth/register",
        None,
        Some(json!({"name": name, "email": email, "password": PASSWORD})),
    );
    assert_eq!(registered.0, 201, "{registered:?}");
    let login = server.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"email": email, "password": PASSWORD})),
    );
    let token = login.1["token"].as_str().unwrap().to_owned();
    let edited = server.call("PATCH", "/api/v1/me/profile", Some(&token), Some(profile));
    assert_eq!(edited.0, 200, "{edited:?}");
    (token, registered.1["id"].as_str().unwrap().to_owned())
}

fn mentor_and_mentee(server: &Server) -> ((String, String), (String, String)) {
    let mentor = person(
        server,
        "Mina",
        json!({"is_mentor": true, "mentor_capacity": 3, "mentor_skills": [{"skill": "rust", "level": 5}]}),
    );
    let mentee = person(server, "Ada", json!({"wants_mentor": true}));
    (mentor, mentee)
}

fn ask(server: &Server, mentee_token: &str, mentor_id: &str) {
    let sent = server.call(
        "POST",
        "/api/v1/requests",
        Some(mentee_token),
        Some(json!({"mentor_id": mentor_id, "cadence": "monthly", "duration_weeks": 6})),
    );
    assert_eq!(sent.0, 201, "{sent:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_on_one_process_hears_a_notification_caused_through_another_on_postgres() {
    let Some(scratch) = ScratchDb::postgres().await else {
        return;
    };
    let url = scratch.url.clone();
    tokio::task::spawn_blocking(move || {
        // One after the other: the first seeds the skills catalogue, which the second finds.
        let a = Server::start(&url, log("a"), 4);
        let b = Server::start(&url, log("b"), 4);
        let ((mentor_token, mentor_id), (mentee_token, _)) = mentor_and_mentee(&b);
        let mut events = EventStream::open(a.port, "/api/v1/me/events", &mentor_token)
            .unwrap_or_else(|e| panic!("{e}\n{}", a.log_text()));
        ask(&b, &mentee_token, &mentor_id);
        let took = events
            .wait_for("\"kind\":\"request_received\"", DEADLINE)
            .unwrap_or_else(|e| {
                panic!(
                    "{e}\n--- a ---\n{}\n--- b ---\n{}",
                    a.log_text(),
                    b.log_text()
                )
            });
        assert!(
            events.received.contains("event: notification"),
            "{}",
            events.received
        );
        eprintln!("heard on the other process after {took:?}");
    })
    .await
    .unwrap();
    scratch.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_a_server_ends_its_open_streams_at_once_rather_than_at_the_deadline() {
    let scratch = ScratchDb::sqlite().await;
    let url = scratch.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut server = Server::start(&url, log("stop"), 4);
        let ((mentor_token, mentor_id), (mentee_token, _)) = mentor_and_mentee(&server);
        let mut events =
            EventStream::open(server.port, "/api/v1/me/events", &mentor_token).unwrap();
        ask(&server, &mentee_token, &mentor_id);
        events.wait_for("request_received", DEADLINE).unwrap();
        // The shutdown deadline is 20 s by default: the stream must not hold it up.
        let took = server.terminate(Duration::from_secs(15));
        assert!(
            took.is_some_and(|t| t < Duration::from_secs(5)),
            "exited after {took:?}"
        );
        assert!(
            events.ends_within(Duration::from_secs(1)),
            "{}",
            events.received
        );
    })
    .await
    .unwrap();
    scratch.finish().await;
}
