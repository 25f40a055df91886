//! Crash safety: the real binary is killed with SIGKILL while clients stream writes to it
//! (new API tokens, profile edits), started again on the same database, and every write
//! that was answered 2xx before the kill must be there. On SQLite, and on PostgreSQL in a
//! fresh schema of `LODESTAR_TEST_DATABASE_URL`'s server.
//!
//! A write counts as acknowledged only when its whole response arrived: a status line of
//! 2xx, a body as long as its `Content-Length`, and JSON that parses.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use lodestar_store::testing::ScratchDb;
use serde_json::json;
use server::{Server, call};

mod server;

const PASSWORD: &str = "kettle-orbit-umbrella-42";
/// Writers, each sending one write at a time.
const WRITERS: usize = 4;
/// Kill once this many writes are acknowledged (or after `STREAM_AT_MOST`).
const KILL_AFTER_ACKS: usize = 150;
const STREAM_AT_MOST: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_acknowledged_before_a_kill_9_is_there_after_a_restart_on_sqlite() {
    let scratch = ScratchDb::sqlite().await;
    survive_kill_9(&scratch.url).await;
    scratch.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_acknowledged_before_a_kill_9_is_there_after_a_restart_on_postgres() {
    let Some(scratch) = ScratchDb::postgres().await else {
        return;
    };
    survive_kill_9(&scratch.url).await;
    scratch.finish().await;
}

/// What one writer had acknowledged, and the write it had in flight when the server died.
#[derive(Default)]
struct Acked {
    tokens: Vec<(String, String, String)>,
    headlines: Vec<String>,
    in_flight_headline: Option<String>,
    ended_by: Option<String>,
}

async fn survive_kill_9(database_url: &str) {
    let url = database_url.to_owned();
    tokio::task::spawn_blocking(move || scenario(&url))
        .await
        .unwrap();
}

fn scenario(database_url: &str) {
    let log_dir = std::env::temp_dir().join("lodestar-tests");
    std::fs::create_dir_all(&log_dir).unwrap();
    let tag = uuid_like();
    let mut server = Server::start(database_url, log_dir.join(format!("crash-{tag}-1.log")), 4);

    let email = format!("writer-{tag}@example.org");
    let registered = server.call(
        "POST",
        "/api/v1/auth/register",
        None,
        Some(json!({"name": "Wren Writer", "email": email, "password": PASSWORD})),
    );
    assert_eq!(registered.0, 201, "{registered:?}");
    let login = server.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"email": email, "password": PASSWORD})),
    );
    assert_eq!(login.0, 200, "{login:?}");
    let token = login.1["token"].as_str().unwrap().to_owned();

    // The stream: every writer creates tokens; writer 0 edits the profile every other time.
    let port = server.port;
    let acks = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (acks, token) = (acks.clone(), token.clone());
            std::thread::spawn(move || write_until_cut_off(port, w, &token, &acks))
        })
        .collect();
    let started = Instant::now();
    while acks.load(Ordering::Relaxed) < KILL_AFTER_ACKS && started.elapsed() < STREAM_AT_MOST {
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill_9();
    let acked: Vec<Acked> = writers.into_iter().map(|w| w.join().unwrap()).collect();

    let total: usize = acked
        .iter()
        .map(|a| a.tokens.len() + a.headlines.len())
        .sum();
    assert!(
        total >= 20,
        "too few writes acknowledged ({total}) to mean anything"
    );
    assert!(
        acked.iter().all(|a| a.ended_by.is_some()),
        "every writer must have been cut off by the kill, mid-stream"
    );
    println!(
        "{total} writes acknowledged before the kill; writers ended by: {:?}",
        acked
            .iter()
            .map(|a| a.ended_by.clone().unwrap_or_default())
            .collect::<Vec<_>>()
    );

    // The same database, a new process.
    let server = Server::start(database_url, log_dir.join(format!("crash-{tag}-2.log")), 4);
    let (status, listed) = server.call("GET", "/api/v1/me/tokens", Some(&token), None);
    assert_eq!(
        status, 200,
        "the log-in token was acknowledged, so it still works"
    );
    let listed: Vec<(String, String)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_owned(),
                t["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut lost = Vec::new();
    for (id, name, secret) in acked.iter().flat_map(|a| &a.tokens) {
        if !listed.contains(&(id.clone(), name.clone())) {
            lost.push(format!("token {name} ({id}) is not listed"));
        } else if server.call("GET", "/api/v1/me", Some(secret), None).0 != 200 {
            lost.push(format!("token {name} ({id}) no longer authenticates"));
        }
    }
    let (status, me) = server.call("GET", "/api/v1/me", Some(&token), None);
    assert_eq!(status, 200);
    let headline = me["headline"].as_str().unwrap_or_default().to_owned();
    let edits = &acked[0];
    if let Some(last) = edits.headlines.last() {
        // The last acknowledged edit, or the one in flight if it was committed too.
        let fine = headline == *last || Some(&headline) == edits.in_flight_headline.as_ref();
        if !fine {
            lost.push(format!(
                "headline is {headline:?}; the last acknowledged edit was {last:?}"
            ));
        }
    }
    assert!(
        lost.is_empty(),
        "{} acknowledged writes lost in the crash:\n{}",
        lost.len(),
        lost.join("\n")
    );
}

/// Writes one thing after another until the server stops answering.
fn write_until_cut_off(port: u16, writer: usize, token: &str, acks: &AtomicUsize) -> Acked {
    let mut acked = Acked::default();
    for i in 0.. {
        let outcome = if writer == 0 && i % 2 == 1 {
            let headline = format!("edit {i}");
            acked.in_flight_headline = Some(headline.clone());
            let body = json!({"headline": headline});
            call(port, "PATCH", "/api/v1/me/profile", Some(token), Some(body)).map(|(status, _)| {
                if status == 200 {
                    acked.headlines.push(headline);
                }
                status
            })
        } else {
            let name = format!("w{writer}-{i}");
            let body = json!({"name": name});
            call(port, "POST", "/api/v1/me/tokens", Some(token), Some(body)).map(
                |(status, json)| {
                    if status == 201 {
                        let id = json["id"].as_str().unwrap_or_default().to_owned();
                        let secret = json["token_secret"].as_str().unwrap_or_default().to_owned();
                        assert!(!id.is_empty() && !secret.is_empty(), "{json}");
                        acked.tokens.push((id, name, secret));
                    }
                    status
                },
            )
        };
        match outcome {
            Ok(status) if (200..300).contains(&status) => {
                acks.fetch_add(1, Ordering::Relaxed);
            }
            Ok(status) => panic!("writer {writer}: a write was refused with {status}"),
            Err(e) => {
                acked.ended_by = Some(e);
                break;
            }
        }
    }
    acked
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{}-{nanos}", std::process::id())
}
