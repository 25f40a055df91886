//! Outbox delivery throughput: queues N e-mails (one in ten with a calendar invitation)
//! through `notifications::push`, then times the sender delivering all of them to an SMTP
//! server, batch after batch as `serve`'s sender does. Run by `bench/outbox.sh`.
//!
//!   outbox_bench SMTP_URL DATABASE_URL [N]

use std::time::Instant;

use lodestar_app::App;
use lodestar_app::mail::Mailer;
use lodestar_domain::mentoring::NotificationKind;
use lodestar_domain::{Email, PersonId};
use lodestar_store::notifications::{self, CalendarPart, Notice};
use lodestar_store::persons::{self, NewAccount};
use lodestar_store::{Db, DbConfig, now_ms, outbox};

const INVITE: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Lodestar//Mentoring//EN\r\n\
METHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:bench@lodestar.test\r\nSEQUENCE:0\r\n\
DTSTAMP:20261204T120000Z\r\nDTSTART:20261208T100000Z\r\nDTEND:20261208T110000Z\r\n\
SUMMARY:Mentoring session\r\nORGANIZER:mailto:bo@example.org\r\n\
ATTENDEE:mailto:ana@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, smtp_url, database_url, rest @ ..] = args.as_slice() else {
        return Err("usage: outbox_bench SMTP_URL DATABASE_URL [N]".into());
    };
    let n: usize = rest.first().map_or(Ok(5000), |n| n.parse())?;
    let db = Db::connect(&DbConfig::new(database_url.clone())).await?;
    db.migrate().await?;
    let person = PersonId::new();
    persons::create_account(
        &db,
        &NewAccount {
            id: person,
            name: "Ana Example".into(),
            email: Email::parse("ana@example.org")?,
            password_hash: "not-a-real-hash".into(),
            admin: false,
        },
    )
    .await?;
    let mut tx = db.begin().await?;
    for i in 0..n {
        let notice = Notice {
            person,
            kind: NotificationKind::SessionScheduled,
            title: format!("Session {i} is scheduled"),
            body: "Tuesday 8 December, 10:00–11:00 UTC. Agenda: goals for the quarter.".into(),
            link: format!("/mentorships/{i}"),
            calendar: (i % 10 == 0).then(|| CalendarPart {
                method: "REQUEST",
                ics: INVITE.into(),
            }),
        };
        notifications::push(&mut tx, &notice, "https://lodestar.test").await?;
    }
    tx.commit().await?;

    let app = App::new(db.clone()).with_mailer(Mailer::smtp(
        smtp_url,
        "Lodestar <mentoring@lodestar.test>",
    )?);
    let start = Instant::now();
    let mut sent = 0;
    loop {
        let report = app.deliver_outbox(now_ms()).await?;
        if report.failed > 0 || report.gave_up > 0 {
            return Err(format!("{} messages failed", report.failed + report.gave_up).into());
        }
        if report.claimed == 0 {
            break;
        }
        sent += report.sent;
    }
    let seconds = start.elapsed().as_secs_f64();
    let counts = outbox::counts(&db).await?;
    if sent != n || counts.sent != n as i64 || counts.queued != 0 {
        return Err(format!("sent {sent} of {n}; outbox {counts:?}").into());
    }
    println!(
        "{{\"messages\": {n}, \"seconds\": {seconds:.3}, \"per_second\": {:.1}}}",
        n as f64 / seconds
    );
    db.close().await;
    Ok(())
}
