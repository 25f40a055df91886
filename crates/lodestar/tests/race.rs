//! Capacity under a real race: two `lodestar serve` processes on one PostgreSQL database,
//! a mentor with three places and a thousand pending requests, and the thousand accepts
//! fired at once, half at each process. Exactly three mentorships may come of it; every
//! other accept is answered 409 `mentor_at_capacity`.
//!
//! Booking under a real race: two mentees of one mentor, each through its own process,
//! book the same time at the same instant, round after round: each round one gets 201
//! and the other 409 `slot_taken` with the free slots now.
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_mentees_booking_one_time_through_two_server_processes_get_one_session_on_postgres() {
    let Some(scratch) = ScratchDb::postgres().await else {
        return;
    };
    let log_dir = std::env::temp_dir().join("lodestar-tests");
    std::fs::create_dir_all(&log_dir).unwrap();
    let tag = format!("{}-{}", std::process::id(), now_ms());
    let url = scratch.url.clone();
    let servers = tokio::task::spawn_blocking(move || {
        let first = Server::start(&url, log_dir.join(format!("book-{tag}-1.log")), 8);
        let second = Server::start(&url, log_dir.join(format!("book-{tag}-2.log")), 8);
        [first, second]
    })
    .await
    .unwrap();
    let person = |i: usize, name: &str| {
        let email = format!("{}@example.org", name.to_lowercase());
        let made = servers[i].call(
            "POST",
            "/api/v1/auth/register",
            None,
            Some(json!({"name": name, "email": email, "password": PASSWORD})),
        );
        assert_eq!(made.0, 201, "{made:?}");
        let login = servers[i].call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": email, "password": PASSWORD})),
        );
        let id: PersonId = made.1["id"].as_str().unwrap().parse().unwrap();
        (id, login.1["token"].as_str().unwrap().to_owned())
    };
    let (mentor, mentor_token) = person(0, "Mia");
    let (ted, ted_token) = person(1, "Ted");
    let (ola, ola_token) = person(0, "Ola");
    let days: Vec<_> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|d| json!({"day": d, "from": "08:00", "to": "18:00"}))
        .collect();
    let availability = json!({"time_zone": "UTC", "weekly": days, "durations": [30]});
    let saved = servers[1].call(
        "PUT",
        "/api/v1/me/availability",
        Some(&mentor_token),
        Some(availability),
    );
    assert_eq!(saved.0, 200, "{saved:?}");
    let with_ted = mentorship(&scratch.db, mentor, ted).await;
    let with_ola = mentorship(&scratch.db, mentor, ola).await;

    // Round after round, one free time (the first of each day in turn) booked by both.
    let ports = [servers[0].port, servers[1].port];
    let (ted_check, ola_check) = (ted_token.clone(), ola_token.clone());
    let rounds: Vec<String> = (2..12)
        .map(|d| format!("{}T10:00:00Z", day_in(d)))
        .collect();
    let answers = tokio::task::spawn_blocking(move || {
        rounds
            .iter()
            .map(|start| {
                book_both_at_once(
                    [
                        (ports[0], with_ted.to_string(), ted_token.clone()),
                        (ports[1], with_ola.to_string(), ola_token.clone()),
                    ],
                    start,
                )
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    for (round, pair) in answers.iter().enumerate() {
        let mut statuses: Vec<u16> = pair.iter().map(|(s, _)| *s).collect();
        statuses.sort_unstable();
        assert_eq!(statuses, vec![201, 409], "round {round}: {pair:?}");
        let loser = pair.iter().find(|(s, _)| *s == 409).unwrap();
        assert_eq!(loser.1["error"]["code"], "slot_taken", "{pair:?}");
        assert!(
            loser.1["error"]["slots"]
                .as_array()
                .is_some_and(|s| !s.is_empty()),
            "fresh slots: {pair:?}"
        );
    }
    let sessions: usize = [(with_ted, &ted_check), (with_ola, &ola_check)]
        .iter()
        .map(|(m, token)| {
            let listed = servers[0].call(
                "GET",
                &format!("/api/v1/mentorships/{m}/sessions"),
                Some(token),
                None,
            );
            listed.1.as_array().unwrap().len()
        })
        .sum();
    assert_eq!(sessions, 10);
    drop(servers);
    scratch.finish().await;
}

/// An active mentorship of `mentor` and `mentee`, made in the store.
async fn mentorship(
    db: &lodestar_store::Db,
    mentor: PersonId,
    mentee: PersonId,
) -> lodestar_domain::MentorshipId {
    use lodestar_domain::mentoring::{Cadence, MemberRole};
    let id = lodestar_domain::MentorshipId::new();
    let mut tx = db.begin().await.unwrap();
    let new = mentorships::NewMentorship {
        id,
        request: None,
        members: vec![(mentor, MemberRole::Mentor), (mentee, MemberRole::Mentee)],
        goals: String::new(),
        focus_areas: Vec::new(),
        skills: Vec::new(),
        cadence: Cadence::Weekly,
        expected_end_on: None,
        actor: mentor,
        programme: None,
    };
    mentorships::insert(&mut tx, &new).await.unwrap();
    tx.commit().await.unwrap();
    id
}

/// The UTC date `days` from today, `YYYY-MM-DD`.
fn day_in(days: i64) -> String {
    lodestar_app::meetings::rfc3339_in_hours(24 * days)[..10].to_owned()
}

/// Both bookings of `start`, each from its own thread to its own process, released at
/// once. Returns each answer's status and body.
fn book_both_at_once(
    who: [(u16, String, String); 2],
    start: &str,
) -> Vec<(u16, serde_json::Value)> {
    let go = Arc::new(Barrier::new(2));
    let threads: Vec<_> = who
        .into_iter()
        .map(|(port, mentorship, token)| {
            let (go, start) = (go.clone(), start.to_owned());
            std::thread::spawn(move || {
                let path = format!("/api/v1/mentorships/{mentorship}/bookings");
                let body = json!({"starts_at": start, "duration_minutes": 30, "agenda": "Race"});
                go.wait();
                call(port, "POST", &path, Some(&token), Some(body))
                    .unwrap_or_else(|e| (0, json!({"error": e})))
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
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
