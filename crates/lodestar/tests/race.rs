//! Capacity under a real race: two `lodestar serve` processes on one PostgreSQL database,
//! a mentor with three places and a thousand pending requests, and the thousand accepts
//! fired at once, half at each process. Exactly three mentorships may come of it; every
//! other accept is answered 409 `mentor_at_capacity`.
//!
//! Skipped when `LODESTAR_TEST_DATABASE_URL` is unset (outside CI, where it must be set).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Barrier};

use lodestar_domain::{PersonId, RequestId};
use lodestar_store::testing::ScratchDb;
use lodestar_store::{mentorships, now_ms};
use serde_json::json;
use server::{Server, call};

mod server;

const PASSWORD: &str = "kettle-orbit-umbrella-42";
const CAPACITY: i64 = 3;
const REQUESTS: usize = 1000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_accepts_across_two_server_processes_never_exceed_capacity_on_postgres() {
    let Some(scratch) = ScratchDb::postgres().await else {
        return;
    };
    let log_dir = std::env::temp_dir().join("lodestar-tests");
    std::fs::create_dir_all(&log_dir).unwrap();
    let tag = format!("{}-{}", std::process::id(), now_ms());
    // One after the other: the first seeds the skills catalogue, which the second finds.
    let url = scratch.url.clone();
    let servers = tokio::task::spawn_blocking(move || {
        let first = Server::start(&url, log_dir.join(format!("race-{tag}-1.log")), 8);
        let second = Server::start(&url, log_dir.join(format!("race-{tag}-2.log")), 8);
        [first, second]
    })
    .await
    .unwrap();

    let email = "mina@example.org";
    let registered = servers[0].call(
        "POST",
        "/api/v1/auth/register",
        None,
        Some(json!({"name": "Mina Mentor", "email": email, "password": PASSWORD})),
    );
    assert_eq!(registered.0, 201, "{registered:?}");
    let mentor: PersonId = registered.1["id"].as_str().unwrap().parse().unwrap();
    let login = servers[1].call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"email": email, "password": PASSWORD})),
    );
    let token = login.1["token"].as_str().unwrap().to_owned();
    let profile = json!({
        "is_mentor": true,
        "mentor_capacity": CAPACITY,
        "mentor_skills": [{"skill": "leadership", "level": 5}],
    });
    let edited = servers[0].call("PATCH", "/api/v1/me/profile", Some(&token), Some(profile));
    assert_eq!(edited.0, 200, "{edited:?}");

    let ids =
        lodestar_store::testing::pending_requests(&scratch.db, mentor, REQUESTS, "mentee").await;
    let ports = [servers[0].port, servers[1].port];
    let answers = tokio::task::spawn_blocking(move || accept_all_at_once(&ids, ports, &token))
        .await
        .unwrap();

    let accepted = answers.iter().filter(|(status, _)| *status == 200).count();
    let full = answers
        .iter()
        .filter(|(status, code)| *status == 409 && code == "mentor_at_capacity")
        .count();
    let other: Vec<_> = answers
        .iter()
        .filter(|(status, code)| {
            *status != 200 && !(*status == 409 && code == "mentor_at_capacity")
        })
        .take(5)
        .collect();
    assert!(other.is_empty(), "unexpected answers, e.g. {other:?}");
    assert_eq!(
        (accepted, full),
        (CAPACITY as usize, REQUESTS - CAPACITY as usize)
    );
    let mut tx = scratch.db.begin().await.unwrap();
    assert_eq!(
        mentorships::places_taken(&mut tx, mentor).await.unwrap(),
        CAPACITY
    );
    drop(tx);
    drop(servers);
    scratch.finish().await;
}

/// One thread per accept, released together, alternating between the two processes.
/// Returns each answer's status and error code.
fn accept_all_at_once(ids: &[RequestId], ports: [u16; 2], token: &str) -> Vec<(u16, String)> {
    let start = Arc::new(Barrier::new(ids.len()));
    let threads: Vec<_> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let (start, token) = (start.clone(), token.to_owned());
            let path = format!("/api/v1/requests/{id}/accept");
            let port = ports[i % 2];
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || {
                    start.wait();
                    match call(port, "POST", &path, Some(&token), None) {
                        Ok((status, body)) => {
                            let code = body["error"]["code"].as_str().unwrap_or_default();
                            (status, code.to_owned())
                        }
                        Err(e) => (0, e),
                    }
                })
                .unwrap()
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}
