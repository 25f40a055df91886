//! E-mail through a real SMTP server process (aiosmtpd, from PyPI, started by each test),
//! read back with Python's own e-mail parser and the `icalendar` package, so that what is
//! checked is what another program sees. On SQLite and on PostgreSQL.
//!
//! Needs a Python with `aiosmtpd` and `icalendar` (`LODESTAR_TEST_PYTHON`, else `python3`).
//! Without them the tests say so and pass, except under `CI`, where they fail.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use lodestar_app::App;
use lodestar_app::delivery::Report;
use lodestar_app::mail::Mailer;
use lodestar_domain::mentoring::NotificationKind;
use lodestar_domain::{Email, PersonId};
use lodestar_store::notifications::{self, CalendarPart, Notice};
use lodestar_store::outbox;
use lodestar_store::persons::{self, NewAccount};
use lodestar_store::testing::ScratchDb;
use lodestar_store::{Db, DbConfig, now_ms};
use serde_json::Value;

const FROM: &str = "Lodestar Mentoring <mentoring@lodestar.test>";

macro_rules! backend_tests {
    ($(
        $(#[$meta:meta])*
        async fn $name:ident($db:ident, $python:ident) $body:block
    )*) => {$(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($db: &ScratchDb, $python: &str) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let Some(python) = python() else { return };
                let db = ScratchDb::sqlite().await;
                body(&db, &python).await;
                db.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let Some(python) = python() else { return };
                let Some(db) = ScratchDb::postgres().await else { return };
                body(&db, &python).await;
                db.finish().await;
            }
        }
    )*};
}

/// A Python that has aiosmtpd and icalendar; `None` (after saying why) when there is none,
/// and a failure under CI.
fn python() -> Option<String> {
    let python = std::env::var("LODESTAR_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&python)
        .args(["-c", "import aiosmtpd, icalendar"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Some(python);
    }
    let why = format!(
        "{python} cannot import aiosmtpd and icalendar (pip install aiosmtpd icalendar, or set \
         LODESTAR_TEST_PYTHON to a Python that has them)"
    );
    assert!(std::env::var_os("CI").is_none(), "{why}");
    eprintln!("skipped: {why}");
    None
}

fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn scratch_folder() -> PathBuf {
    let folder = std::env::temp_dir()
        .join("lodestar-mail-tests")
        .join(uuid::Uuid::new_v4().simple().to_string());
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

/// The SMTP server process, writing what it receives into `folder`. Killed when dropped.
struct SmtpServer {
    child: Child,
    folder: PathBuf,
}

impl SmtpServer {
    fn start(python: &str, port: u16) -> Self {
        let folder = scratch_folder();
        let mut child = Command::new(python)
            .arg(scripts().join("sink.py"))
            .args(["--port", &port.to_string(), "--folder"])
            .arg(&folder)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
            &mut line,
        )
        .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        Self { child, folder }
    }

    fn received(&self) -> usize {
        std::fs::read_dir(&self.folder)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".eml")
            })
            .count()
    }

    /// Waits until `n` messages are in (SMTP has acknowledged each before the sender marks
    /// it sent, so they are there already, but the file may be renamed a moment later).
    fn wait_for(&self, n: usize) {
        let start = Instant::now();
        while self.received() < n && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(self.received(), n, "messages received");
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

/// Every .eml file of `folder`, as Python's e-mail parser and icalendar read them.
fn parse(python: &str, folder: &Path) -> Vec<Value> {
    let out = Command::new(python)
        .arg(scripts().join("parse.py"))
        .arg(folder)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "parse.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

async fn person(db: &Db, name: &str, email: &str) -> PersonId {
    let id = PersonId::new();
    persons::create_account(
        db,
        &NewAccount {
            id,
            name: name.into(),
            email: Email::parse(email).unwrap(),
            password_hash: "not-a-real-hash".into(),
            admin: false,
        },
    )
    .await
    .unwrap();
    id
}

const INVITE: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Lodestar//Mentoring//EN\r\n\
METHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:meeting-42@lodestar.test\r\nSEQUENCE:1\r\n\
DTSTAMP:20261204T120000Z\r\nDTSTART:20261208T100000Z\r\nDTEND:20261208T110000Z\r\n\
SUMMARY:Mentoring session: Ana and Bo\r\n\
ORGANIZER;CN=Bo Mentor:mailto:bo@example.org\r\n\
ATTENDEE;CN=Ana Müller;ROLE=REQ-PARTICIPANT:mailto:ana@example.org\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";

async fn queue(db: &Db, person: PersonId, title: &str, calendar: Option<&str>) {
    let notice = Notice {
        person,
        kind: NotificationKind::SessionScheduled,
        title: title.into(),
        body: "Tuesday 8 December, 10:00–11:00 UTC. Agenda: goals for the quarter.".into(),
        link: "/mentorships/1".into(),
        calendar: calendar.map(|ics| CalendarPart {
            method: "REQUEST",
            ics: ics.into(),
        }),
    };
    let mut tx = db.begin().await.unwrap();
    notifications::push(&mut tx, &notice, "https://lodestar.test")
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

fn smtp(port: u16) -> Mailer {
    Mailer::smtp(&format!("smtp://127.0.0.1:{port}?tls=none"), FROM).unwrap()
}

fn part<'a>(message: &'a Value, content_type: &str) -> &'a Value {
    message["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["content_type"] == content_type)
        .unwrap_or_else(|| panic!("no {content_type} part in {message:#}"))
}

backend_tests! {
    async fn messages_reach_a_real_smtp_server_with_the_invitation_as_a_calendar_part(scratch, python) {
        let db = &scratch.db;
        let ana = person(db, "Ana Müller", "ana@example.org").await;
        queue(db, ana, "Session on Tuesday with Bo", Some(INVITE)).await;
        queue(db, ana, "Bo accepted your request", None).await;
        let port = free_port();
        let server = SmtpServer::start(python, port);
        let app = App::new(db.clone()).with_mailer(smtp(port));

        let report = app.deliver_outbox(now_ms()).await.unwrap();
        assert_eq!(report, Report { claimed: 2, sent: 2, failed: 0, gave_up: 0 });
        server.wait_for(2);
        let again = app.deliver_outbox(now_ms() + 3_600_000).await.unwrap();
        assert_eq!(again.claimed, 0, "a sent message is not sent again");

        let mut messages = parse(python, &server.folder);
        messages.sort_by_key(|m| m["subject"].as_str().unwrap().to_owned());
        let (plain, invite) = (&messages[0], &messages[1]);
        assert_eq!(plain["subject"], "Bo accepted your request");
        assert_eq!(plain["from"], FROM);
        assert_eq!(plain["to"], "Ana Müller <ana@example.org>");
        assert_eq!(plain["content_type"], "text/plain");
        assert!(plain["parts"][0]["text"].as_str().unwrap().contains("https://lodestar.test/mentorships/1"));

        assert_eq!(invite["subject"], "Session on Tuesday with Bo");
        assert_eq!(invite["content_type"], "multipart/mixed");
        let text = part(invite, "text/plain");
        assert!(text["text"].as_str().unwrap().starts_with("Tuesday 8 December, 10:00–11:00 UTC."));
        let calendar = part(invite, "text/calendar");
        assert_eq!(calendar["method"], "REQUEST");
        assert_eq!(calendar["charset"], "utf-8");
        assert_eq!(calendar["calendar"]["method"], "REQUEST");
        let event = &calendar["calendar"]["events"][0];
        assert_eq!(event["uid"], "meeting-42@lodestar.test");
        assert_eq!(event["sequence"], 1);
        assert_eq!(event["organizer"], "mailto:bo@example.org");
        assert_eq!(event["attendees"][0], "mailto:ana@example.org");
        assert_eq!(event["start"], "2026-12-08T10:00:00+00:00");
        let attachment = part(invite, "application/ics");
        assert_eq!(attachment["filename"], "invite.ics");
        assert_eq!(attachment["calendar"], calendar["calendar"]);
        let ids: Vec<&str> = messages.iter().map(|m| m["message_id"].as_str().unwrap()).collect();
        assert!(ids.iter().all(|id| id.ends_with("@lodestar.test>")), "{ids:?}");
    }

    async fn a_message_sent_while_the_server_is_down_arrives_once_it_is_back(scratch, python) {
        let db = &scratch.db;
        let ana = person(db, "Ana", "ana@example.org").await;
        queue(db, ana, "While the server is down", Some(INVITE)).await;
        let id = outbox::ids(db).await.unwrap().remove(0);
        let port = free_port();
        let app = App::new(db.clone()).with_mailer(smtp(port));
        let now = now_ms();

        let report = app.deliver_outbox(now).await.unwrap();
        assert_eq!(report, Report { claimed: 1, sent: 0, failed: 1, gave_up: 0 });
        let status = outbox::status(db, &id).await.unwrap().unwrap();
        assert_eq!(status.message.attempts, 1);
        assert_eq!(status.sent_at, None);
        assert_eq!(status.next_attempt_at, now + outbox::FIRST_BACKOFF_MS, "retried after 30 s");
        assert!(!status.last_error.is_empty());

        let server = SmtpServer::start(python, port);
        let early = app.deliver_outbox(now + 10_000).await.unwrap();
        assert_eq!(early.claimed, 0, "not before its backoff");
        let report = app.deliver_outbox(now + outbox::FIRST_BACKOFF_MS).await.unwrap();
        assert_eq!(report, Report { claimed: 1, sent: 1, failed: 0, gave_up: 0 });
        let later = app.deliver_outbox(now + 24 * 3_600_000).await.unwrap();
        assert_eq!(later.claimed, 0);
        server.wait_for(1);
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(server.received(), 1, "delivered exactly once");
        let status = outbox::status(db, &id).await.unwrap().unwrap();
        assert!(status.sent_at.is_some());
        assert_eq!(parse(python, &server.folder)[0]["subject"], "While the server is down");
    }

    async fn without_smtp_every_message_is_an_eml_file_in_the_outbox_folder(scratch, python) {
        let db = &scratch.db;
        let ana = person(db, "Ana", "ana@example.org").await;
        queue(db, ana, "Written to a file", Some(INVITE)).await;
        queue(db, ana, "Also written", None).await;
        let folder = scratch_folder().join("outbox");
        let app = App::new(db.clone()).with_mailer(Mailer::files(&folder, FROM).unwrap());
        let report = app.deliver_outbox(now_ms()).await.unwrap();
        assert_eq!(report.sent, 2);
        let ids = outbox::ids(db).await.unwrap();
        for id in &ids {
            assert!(folder.join(format!("{id}.eml")).is_file(), "{id}.eml");
        }
        let messages = parse(python, &folder);
        assert_eq!(messages.len(), 2);
        let invite = messages.iter().find(|m| m["subject"] == "Written to a file").unwrap();
        assert_eq!(part(invite, "text/calendar")["calendar"]["events"][0]["uid"], "meeting-42@lodestar.test");
        let _ = std::fs::remove_dir_all(folder.parent().unwrap());
    }

    async fn two_senders_on_one_database_deliver_each_message_once(scratch, python) {
        let db = &scratch.db;
        let ana = person(db, "Ana", "ana@example.org").await;
        const N: usize = 250;
        for n in 0..N {
            queue(db, ana, &format!("Message {n}"), None).await;
        }
        let port = free_port();
        let server = SmtpServer::start(python, port);
        // A second pool on the same database, as a second server process would have.
        let other = Db::connect(&DbConfig { max_connections: 4, ..DbConfig::new(scratch.url.clone()) })
            .await
            .unwrap();
        let senders = [App::new(db.clone()).with_mailer(smtp(port)), App::new(other.clone()).with_mailer(smtp(port))];
        let runs = senders.map(|app| {
            tokio::spawn(async move {
                let mut sent = 0;
                loop {
                    let report = app.deliver_outbox(now_ms()).await.unwrap();
                    assert_eq!(report.failed, 0);
                    if report.claimed == 0 {
                        return sent;
                    }
                    sent += report.sent;
                }
            })
        });
        let mut total = 0;
        let mut each = Vec::new();
        for run in runs {
            let sent = run.await.unwrap();
            each.push(sent);
            total += sent;
        }
        assert_eq!(total, N, "marked sent: {each:?}");
        server.wait_for(N);
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(server.received(), N, "received once each");
        let messages = parse(python, &server.folder);
        let mut subjects: Vec<&str> = messages.iter().map(|m| m["subject"].as_str().unwrap()).collect();
        subjects.sort_unstable();
        subjects.dedup();
        assert_eq!(subjects.len(), N);
        other.close().await;
    }
}

/// The task `serve` spawns delivers what is queued while it runs, without being asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sender_task_delivers_what_is_queued_while_it_runs() {
    let scratch = ScratchDb::sqlite().await;
    let db = &scratch.db;
    let folder = scratch_folder().join("outbox");
    let app = App::new(db.clone()).with_mailer(Mailer::files(&folder, FROM).unwrap());
    let sender = tokio::spawn(app.run_sender());
    let ana = person(db, "Ana", "ana@example.org").await;
    queue(db, ana, "Queued while the sender runs", None).await;
    let id = outbox::ids(db).await.unwrap().remove(0);
    let start = Instant::now();
    while !folder.join(format!("{id}.eml")).is_file() && start.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        folder.join(format!("{id}.eml")).is_file(),
        "delivered within seconds"
    );
    sender.abort();
    let _ = std::fs::remove_dir_all(folder.parent().unwrap());
    scratch.finish().await;
}
