//! Load for live updates: opens many `GET /api/v1/me/events` streams on a running
//! `lodestar serve`, one per person, then causes events through the API at a fixed rate and
//! times each from the moment its request is written until the event arrives on the stream
//! of the person it is for. With `--pid`, samples the server's resident memory. Run by
//! `bench/live.sh`.
//!
//!   live_load --url http://127.0.0.1:18201 --database-url sqlite://… [--pid PID]
//!             [--streams 2000] [--rate 200] [--seconds 20] [--kind notification|message]
//!             [--email]
//!
//! Kinds: `notification` pauses and resumes active demo mentorships as their mentor
//! (`POST /api/v1/mentorships/{id}/pause|resume`); the mentee's stream receives
//! `mentorship_paused` / `mentorship_resumed`. `message` posts to each mentorship's thread
//! (`POST /api/v1/threads/{thread_id}/messages`, the thread from
//! `GET /api/v1/mentorships/{id}`); the mentee's stream receives a `message` event. Each
//! pair has at most one event in flight, so events are matched to their sender in order.
//! The database is opened only to pick the pairs, mint API tokens (no password hashing) and,
//! unless `--email`, turn off e-mail for the two notices (messages are e-mailed only when
//! left unread for 10 minutes, so an e-mail per event would measure the outbox too). Each
//! run also reports how long the causing requests took to answer (`answer_p50/p99`), and
//! how long after its row was made (its `created_at`, in the causing transaction, before
//! the commit) each event arrived (`made_p50/p99`, whole milliseconds): the live path alone.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lodestar_app::tokens::NewTokenInput;
use lodestar_app::{App, Viewer};
use lodestar_domain::PersonId;
use lodestar_store::{Db, DbConfig};
use sqlx::Row;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, mpsc};

type Error = Box<dyn std::error::Error + Send + Sync>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Notification,
    Message,
}

struct Args {
    url: String,
    database_url: String,
    pid: Option<u32>,
    streams: usize,
    rate: f64,
    seconds: u64,
    kind: Kind,
    connections: usize,
    email: bool,
}

fn args() -> Result<Args, Error> {
    let mut args = Args {
        url: String::new(),
        database_url: String::new(),
        pid: None,
        streams: 2000,
        rate: 200.0,
        seconds: 20,
        kind: Kind::Notification,
        connections: 16,
        email: false,
    };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        if flag == "--email" {
            args.email = true;
            continue;
        }
        let value = given.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--url" => args.url = value,
            "--database-url" => args.database_url = value,
            "--pid" => args.pid = Some(value.parse()?),
            "--streams" => args.streams = value.parse()?,
            "--rate" => args.rate = value.parse()?,
            "--seconds" => args.seconds = value.parse()?,
            "--connections" => args.connections = value.parse()?,
            "--kind" => {
                args.kind = match value.as_str() {
                    "notification" => Kind::Notification,
                    "message" => Kind::Message,
                    other => return Err(format!("unknown kind {other}").into()),
                }
            }
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    if args.url.is_empty() || args.database_url.is_empty() {
        return Err(
            "usage: live_load --url URL --database-url URL [--pid PID] [--streams N] \
                    [--rate PER_S] [--seconds S] [--kind notification|message]"
                .into(),
        );
    }
    Ok(args)
}

/// A mentorship whose mentor causes the events and whose mentee's stream receives them.
struct Pair {
    mentorship: String,
    mentor_token: String,
    /// What identifies this pair's events in the stream's data.
    matcher: String,
    /// The thread, for messages.
    thread: String,
}

/// Send times of the events in flight per pair, and the measured latencies.
#[derive(Default)]
struct Tally {
    in_flight: Mutex<HashMap<usize, VecDeque<Instant>>>,
    latencies: Mutex<Vec<Duration>>,
    /// How long each causing request took to answer.
    answers: Mutex<Vec<Duration>>,
    /// From the moment the event's row was made, inside the causing transaction (its
    /// `created_at`, in ms), to its arrival: the live path alone, commit included.
    since_made: Mutex<Vec<Duration>>,
    /// Causing requests answered or failed.
    finished: std::sync::atomic::AtomicUsize,
    other_events: Mutex<u64>,
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args = args()?;
    let address = args
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let db = Db::connect(&DbConfig::new(args.database_url.clone())).await?;
    let app = App::new(db.clone());

    // Pairs with a different mentee each; then everyone else, up to the number of streams.
    let rows = sqlx::query(
        "SELECT m.id, a.person_id AS mentor, b.person_id AS mentee FROM mentorships m \
         JOIN mentorship_members a ON a.mentorship_id = m.id AND a.role = 'mentor' \
         JOIN mentorship_members b ON b.mentorship_id = m.id AND b.role = 'mentee' \
         WHERE m.state = 'active' \
         AND (SELECT COUNT(*) FROM mentorship_members c WHERE c.mentorship_id = m.id) = 2 \
         ORDER BY m.id",
    )
    .fetch_all(db.reader())
    .await?;
    let mut people: Vec<PersonId> = Vec::new();
    let mut pairs_raw = Vec::new();
    for row in &rows {
        let (id, mentor, mentee): (String, String, String) = (
            row.try_get("id")?,
            row.try_get("mentor")?,
            row.try_get("mentee")?,
        );
        let mentee: PersonId = mentee.parse()?;
        if people.contains(&mentee) || pairs_raw.len() * 2 >= args.streams {
            continue;
        }
        people.push(mentee);
        pairs_raw.push((id, mentor.parse::<PersonId>()?));
    }
    let everyone = sqlx::query("SELECT id FROM persons ORDER BY id")
        .fetch_all(db.reader())
        .await?;
    for row in &everyone {
        if people.len() >= args.streams {
            break;
        }
        let id: PersonId = row.try_get::<String, _>("id")?.parse()?;
        if !people.contains(&id) {
            people.push(id);
        }
    }
    if people.len() < args.streams {
        return Err(format!("only {} people in the database", people.len()).into());
    }
    let token = |person: PersonId| {
        let app = app.clone();
        async move {
            let viewer = Viewer {
                id: person,
                name: String::new(),
                is_admin: false,
            };
            let input = NewTokenInput {
                name: "live benchmark".into(),
            };
            app.create_token(&viewer, &input)
                .await
                .map(|t| t.token_secret)
        }
    };
    let mut tokens = Vec::with_capacity(people.len());
    for person in &people {
        tokens.push(token(*person).await?);
    }
    // Messages are e-mailed only if unread after 10 minutes; the notices that stand in for
    // them here would be e-mailed at once, and 200 e-mails a second would then be measured
    // along (their outbox rows, the sender's writes). Unless `--email`, they are not.
    if !args.email {
        for person in &people[..pairs_raw.len()] {
            let viewer = Viewer {
                id: *person,
                name: String::new(),
                is_admin: false,
            };
            let mut off = lodestar_app::inbox::PreferenceChoices::default();
            off.email.insert("mentorship_paused".into(), false);
            off.email.insert("mentorship_resumed".into(), false);
            app.set_notification_preferences(&viewer, &off).await?;
        }
    }
    let mut pairs = Vec::with_capacity(pairs_raw.len());
    for (mentorship, mentor) in pairs_raw {
        let mentor_token = token(mentor).await?;
        let thread = if args.kind == Kind::Message {
            let path = format!("/api/v1/mentorships/{mentorship}");
            let (status, body) = request(
                &mut connect(&address).await?,
                &address,
                "GET",
                &path,
                &mentor_token,
                None,
            )
            .await?;
            let json: serde_json::Value = serde_json::from_str(&body)?;
            if status != 200 || !json["thread_id"].is_string() {
                return Err(format!("no thread for {mentorship}: {status} {body}").into());
            }
            json["thread_id"].as_str().unwrap_or_default().to_owned()
        } else {
            String::new()
        };
        let matcher = match args.kind {
            Kind::Notification => format!("\"link\":\"/mentorships/{mentorship}\""),
            Kind::Message => format!("\"thread_id\":\"{thread}\""),
        };
        pairs.push(Pair {
            mentorship,
            mentor_token,
            matcher,
            thread,
        });
    }
    db.close().await;
    let pairs = Arc::new(pairs);
    println!(
        "{} streams ({} receive events), {} pairs, {} events/s for {} s, kind {}",
        people.len(),
        pairs.len(),
        pairs.len(),
        args.rate,
        args.seconds,
        if args.kind == Kind::Message {
            "message"
        } else {
            "notification"
        }
    );
    let (rss_before, anon_before) = (rss_mb(args.pid), anon_mb(args.pid));

    // Open every stream, 64 at a time.
    let tally = Arc::new(Tally::default());
    let opening = Arc::new(Semaphore::new(64));
    let started = Instant::now();
    let (opened_tx, mut opened_rx) = mpsc::channel::<Result<(), String>>(people.len());
    let event_name = match args.kind {
        Kind::Notification => "event: notification",
        Kind::Message => "event: message",
    };
    for (i, token) in tokens.into_iter().enumerate() {
        let (address, opening, opened, tally, pairs) = (
            address.clone(),
            opening.clone(),
            opened_tx.clone(),
            tally.clone(),
            pairs.clone(),
        );
        let pair = (i < pairs.len()).then_some(i);
        let kind = args.kind;
        tokio::spawn(async move {
            let permit = opening.acquire_owned().await;
            let stream = open_stream(&address, &token).await;
            drop(permit);
            let mut stream = match stream {
                Ok(stream) => {
                    let _ = opened.send(Ok(())).await;
                    stream
                }
                Err(e) => {
                    let _ = opened.send(Err(e.to_string())).await;
                    return;
                }
            };
            let matcher = pair.map(|p| pairs[p].matcher.clone());
            read_events(&mut stream, |block| {
                // The pair's own kind of event about the pair's mentorship or thread (the
                // lifecycle clock may tell of the same mentorship, as stalled, say).
                let caused = match kind {
                    Kind::Notification => {
                        block.contains("\"kind\":\"mentorship_paused\"")
                            || block.contains("\"kind\":\"mentorship_resumed\"")
                    }
                    Kind::Message => true,
                };
                let mine = caused
                    && block.contains(event_name)
                    && matcher.as_deref().is_some_and(|m| block.contains(m));
                if !mine {
                    if block.contains("data:") {
                        *tally.other_events.lock().unwrap_or_else(|e| e.into_inner()) += 1;
                    }
                    return;
                }
                let sent = pair.and_then(|p| {
                    tally
                        .in_flight
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .get_mut(&p)
                        .and_then(VecDeque::pop_front)
                });
                match sent {
                    Some(sent) => tally
                        .latencies
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(sent.elapsed()),
                    None => eprintln!("an event nobody waited for: {block:?}"),
                }
                if let Some(made) = created_at(block) {
                    let since = lodestar_store::now_ms().saturating_sub(made).max(0);
                    tally
                        .since_made
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(Duration::from_millis(since as u64));
                }
            })
            .await;
        });
    }
    drop(opened_tx);
    // Each stream's task keeps its sender while it reads: count the answers instead.
    let (mut open, mut failed) = (0, Vec::new());
    while open + failed.len() < people.len() {
        match opened_rx.recv().await {
            Some(Ok(())) => open += 1,
            Some(Err(e)) => failed.push(e),
            None => break,
        }
    }
    let open_secs = started.elapsed().as_secs_f64();
    if !failed.is_empty() {
        return Err(format!(
            "{} streams failed to open, e.g. {}",
            failed.len(),
            failed[0]
        )
        .into());
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (rss_open, anon_open) = (rss_mb(args.pid), anon_mb(args.pid));
    println!(
        "opened {open} streams in {open_secs:.1} s; server RSS {} MB ({} MB anonymous) before, \
         {} MB ({} MB anonymous) with them open",
        show(rss_before),
        show(anon_before),
        show(rss_open),
        show(anon_open),
    );

    // Cause events at the rate, round robin over the pairs that have none in flight.
    let mut senders = Vec::new();
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    for _ in 0..args.connections {
        let (tx, mut rx) = mpsc::channel::<(usize, u64)>(1024);
        senders.push(tx);
        let (address, pairs, tally, errors, kind) = (
            address.clone(),
            pairs.clone(),
            tally.clone(),
            errors.clone(),
            args.kind,
        );
        tokio::spawn(async move {
            let mut connection = None;
            let resume_on = (chrono::Utc::now().date_naive() + chrono::Days::new(60)).to_string();
            // The pair's n-th event (from 1): odd ones pause, even ones resume.
            while let Some((p, n)) = rx.recv().await {
                let pair = &pairs[p];
                let (path, body) = match kind {
                    Kind::Notification if n % 2 == 1 => (
                        format!("/api/v1/mentorships/{}/pause", pair.mentorship),
                        Some(format!("{{\"resume_on\":\"{resume_on}\"}}")),
                    ),
                    Kind::Notification => (
                        format!("/api/v1/mentorships/{}/resume", pair.mentorship),
                        Some("{}".to_owned()),
                    ),
                    Kind::Message => (
                        format!("/api/v1/threads/{}/messages", pair.thread),
                        Some(format!("{{\"body\":\"Benchmark message {n}\"}}")),
                    ),
                };
                if connection.is_none() {
                    connection = connect(&address).await.ok();
                }
                let Some(stream) = connection.as_mut() else {
                    errors
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push("connect".into());
                    tally
                        .finished
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    continue;
                };
                let written = Instant::now();
                tally
                    .in_flight
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .entry(p)
                    .or_default()
                    .push_back(written);
                match request(
                    stream,
                    &address,
                    "POST",
                    &path,
                    &pair.mentor_token,
                    body.as_deref(),
                )
                .await
                {
                    Ok((200 | 201, _)) => {
                        tally
                            .answers
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(written.elapsed());
                    }
                    Ok((status, body)) => {
                        tally
                            .in_flight
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .entry(p)
                            .or_default()
                            .pop_back();
                        errors
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(format!("{status} {path}: {body}"));
                    }
                    Err(e) => {
                        tally
                            .in_flight
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .entry(p)
                            .or_default()
                            .pop_back();
                        errors
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(format!("{path}: {e}"));
                        connection = None;
                    }
                }
                tally
                    .finished
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        });
    }
    let total = (args.rate * args.seconds as f64) as usize;
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / args.rate));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let (mut sent, mut skipped, mut next) = (0usize, 0usize, 0usize);
    let mut events_of = vec![0u64; pairs.len()];
    let load_started = Instant::now();
    let (mut rss_peak, mut anon_peak): (Option<u64>, Option<u64>) = (None, None);
    while sent + skipped < total {
        ticker.tick().await;
        // The next pair with nothing in flight.
        let busy: Vec<usize> = {
            let in_flight = tally.in_flight.lock().unwrap_or_else(|e| e.into_inner());
            in_flight
                .iter()
                .filter(|(_, q)| !q.is_empty())
                .map(|(p, _)| *p)
                .collect()
        };
        let free = (0..pairs.len())
            .map(|k| (next + k) % pairs.len())
            .find(|p| !busy.contains(p));
        match free {
            Some(p) => {
                next = p + 1;
                events_of[p] += 1;
                let _ = senders[sent % senders.len()].send((p, events_of[p])).await;
                sent += 1;
            }
            None => skipped += 1,
        }
        if (sent + skipped) % (args.rate as usize).max(1) == 0 {
            rss_peak = rss_peak.max(rss_mb(args.pid));
            anon_peak = anon_peak.max(anon_mb(args.pid));
        }
    }
    let load_secs = load_started.elapsed().as_secs_f64();
    // What is still in flight gets five seconds to arrive (the last requests may not even
    // have been written yet).
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if tally.finished.load(std::sync::atomic::Ordering::Relaxed) < sent {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        }
        let pending: usize = tally
            .in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .map(VecDeque::len)
            .sum();
        if pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let lost: usize = tally
        .in_flight
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .values()
        .map(VecDeque::len)
        .sum();
    let (rss_after, anon_after) = (rss_mb(args.pid), anon_mb(args.pid));
    let mut latencies = tally
        .latencies
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    latencies.sort();
    let errors = errors.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let mut answers = tally
        .answers
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    answers.sort();
    let quantile = |sorted: &[Duration], q: f64| -> f64 {
        if sorted.is_empty() {
            return f64::NAN;
        }
        let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
        sorted[i].as_secs_f64() * 1000.0
    };
    let pct = |q: f64| quantile(&latencies, q);
    let mut since_made = tally
        .since_made
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    since_made.sort();
    println!(
        "sent {sent} in {load_secs:.1} s ({:.0}/s), skipped {skipped} (pair busy), {} request errors, \
         received {}, lost {lost}, other events {}",
        sent as f64 / load_secs,
        errors.len(),
        latencies.len(),
        *tally.other_events.lock().unwrap_or_else(|e| e.into_inner()),
    );
    if let Some(first) = errors.first() {
        println!("first error: {first}");
    }
    println!(
        "RESULT streams={open} open_s={open_secs:.1} rss_before_mb={} rss_open_mb={} rss_peak_mb={} \
         anon_before_mb={} anon_open_mb={} anon_peak_mb={} rate={:.0} received={} lost={lost} \
         errors={} p50_ms={:.2} p90_ms={:.2} p99_ms={:.2} max_ms={:.2} answer_p50_ms={:.2} answer_p99_ms={:.2} made_p50_ms={:.0} made_p99_ms={:.0}",
        show(rss_before),
        show(rss_open),
        show(rss_peak.max(rss_after)),
        show(anon_before),
        show(anon_open),
        show(anon_peak.max(anon_after)),
        sent as f64 / load_secs,
        latencies.len(),
        errors.len(),
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0),
        quantile(&answers, 0.50),
        quantile(&answers, 0.99),
        quantile(&since_made, 0.50),
        quantile(&since_made, 0.99),
    );
    Ok(())
}

fn show(mb: Option<u64>) -> String {
    mb.map_or_else(|| "?".into(), |mb| mb.to_string())
}

/// The process's resident memory in MB, from /proc: all of it (`VmRSS`, which counts the
/// pages of the SQLite file the server maps into memory), or its anonymous part (`RssAnon`:
/// heap and stacks, what connections and streams cost).
fn rss_mb(pid: Option<u32>) -> Option<u64> {
    status_mb(pid, "VmRSS:")
}

fn anon_mb(pid: Option<u32>) -> Option<u64> {
    status_mb(pid, "RssAnon:")
}

fn status_mb(pid: Option<u32>, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    let kb: u64 = status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024)
}

async fn connect(address: &str) -> Result<TcpStream, Error> {
    let stream = TcpStream::connect(address).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// One request on a keep-alive connection; the answer's status and body (which must have
/// a Content-Length).
async fn request(
    stream: &mut TcpStream,
    host: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> Result<(u16, String), Error> {
    let body = body.unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    let mut raw = Vec::with_capacity(4096);
    let mut buffer = [0u8; 8192];
    loop {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            return Err("connection closed".into());
        }
        raw.extend_from_slice(&buffer[..n]);
        let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&raw[..end]).to_string();
        let status: u16 = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or("no status")?;
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse().ok())?
            })
            .ok_or("no Content-Length")?;
        while raw.len() < end + 4 + length {
            let n = stream.read(&mut buffer).await?;
            if n == 0 {
                return Err("connection closed".into());
            }
            raw.extend_from_slice(&buffer[..n]);
        }
        let body = String::from_utf8_lossy(&raw[end + 4..end + 4 + length]).to_string();
        return Ok((status, body));
    }
}

/// Opens `GET /api/v1/me/events`; returns the connection once the 200 head is read.
async fn open_stream(address: &str, token: &str) -> Result<TcpStream, Error> {
    let mut stream = connect(address).await?;
    let head = format!(
        "GET /api/v1/me/events HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\
         Authorization: Bearer {token}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await?;
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await? == 0 {
            return Err("closed before the head".into());
        }
        raw.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&raw);
    if !head.starts_with("HTTP/1.1 200") {
        return Err(format!("not a stream: {head}").into());
    }
    Ok(stream)
}

/// The `created_at` of the entry an event carries (epoch ms), if any.
fn created_at(block: &str) -> Option<i64> {
    let (_, rest) = block.split_once("\"created_at\":")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Reads the stream, calling `on_event` with each complete event block (`\n\n`-ended; the
/// chunked encoding's size lines are left in and harmless) as soon as it is whole.
async fn read_events(stream: &mut TcpStream, mut on_event: impl FnMut(&str)) {
    let mut pending = String::new();
    let mut buffer = vec![0u8; 4096];
    loop {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => pending.push_str(&String::from_utf8_lossy(&buffer[..n])),
        }
        while let Some(end) = pending.find("\n\n") {
            let block: String = pending.drain(..end + 2).collect();
            on_event(&block);
        }
    }
}
