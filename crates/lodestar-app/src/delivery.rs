//! The e-mail sender: claims due messages from the outbox, delivers them a few at a time,
//! and records each outcome. `serve` spawns [`App::run_sender`]; several processes may run
//! it on one database, and each message is still sent once, because a message is sent only
//! by the process whose claim won it (see [`lodestar_store::outbox`]).

use std::sync::Arc;
use std::time::Duration;

use lodestar_store::now_ms;
use lodestar_store::outbox::{self, Outgoing, Retry};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::{App, AppError};

/// Messages claimed at once.
pub const BATCH: i64 = 100;
/// Messages being delivered at once (SMTP connections are pooled to match).
pub const CONCURRENCY: usize = crate::mail::SMTP_CONNECTIONS as usize;
/// How long a claim keeps other senders off a message. Far longer than a delivery takes;
/// if the claiming process dies, the message is picked up again after this.
pub const LEASE_MS: i64 = 5 * 60 * 1000;
/// How long an idle sender waits before looking again.
pub const IDLE: Duration = Duration::from_secs(1);

/// What one round of delivery did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub claimed: usize,
    pub sent: usize,
    /// Failed and scheduled for another attempt.
    pub failed: usize,
    /// Failed for the last time (see [`outbox::MAX_ATTEMPTS`]).
    pub gave_up: usize,
}

impl App {
    /// Delivers one batch of the messages due at `now` (epoch ms): claims them, sends them
    /// with at most [`CONCURRENCY`] at once, and marks each sent or failed (with backoff).
    pub async fn deliver_outbox(&self, now: i64) -> Result<Report, AppError> {
        let batch = outbox::claim(&self.db, now, LEASE_MS, BATCH).await?;
        let mut report = Report {
            claimed: batch.len(),
            ..Report::default()
        };
        if batch.is_empty() {
            return Ok(report);
        }
        let permits = Arc::new(Semaphore::new(CONCURRENCY));
        let mut sending = JoinSet::new();
        for message in batch {
            let (mailer, permits) = (Arc::clone(&self.mailer), Arc::clone(&permits));
            sending.spawn(async move {
                let _permit = permits.acquire_owned().await;
                let outcome = mailer.send(&message).await;
                (message, outcome)
            });
        }
        let mut sent = Vec::new();
        let mut failures: Vec<(Outgoing, String)> = Vec::new();
        while let Some(joined) = sending.join_next().await {
            match joined {
                Ok((message, Ok(()))) => sent.push(message.id),
                Ok((message, Err(error))) => failures.push((message, error)),
                // A panic while sending: the claim runs out and the message is tried again.
                Err(e) => tracing::error!(error = %e, "sending an e-mail panicked"),
            }
        }
        // Sent messages are marked even if some failures below cannot be recorded.
        outbox::mark_sent(&self.db, &sent, now_ms().max(now)).await?;
        report.sent = sent.len();
        metrics::counter!("lodestar_mail_sent_total").increment(sent.len() as u64);
        for (message, error) in failures {
            metrics::counter!("lodestar_mail_failed_total").increment(1);
            match outbox::mark_failed(&self.db, &message, now, &error).await? {
                Retry::At(at) => {
                    report.failed += 1;
                    tracing::warn!(
                        id = %message.id, to = %message.recipient, attempts = message.attempts + 1,
                        retry_in_s = (at - now) / 1000, %error, "e-mail not delivered; will retry"
                    );
                }
                Retry::GaveUp => {
                    report.gave_up += 1;
                    metrics::counter!("lodestar_mail_given_up_total").increment(1);
                    tracing::error!(
                        id = %message.id, to = %message.recipient, attempts = message.attempts + 1,
                        %error, "e-mail not delivered; giving up (it stays in the outbox table)"
                    );
                }
            }
        }
        Ok(report)
    }

    /// Delivers the outbox forever: a batch at a time while there is work, otherwise every
    /// [`IDLE`]. Errors (the database away) are logged and the loop carries on.
    pub async fn run_sender(self) {
        tracing::info!(to = %self.mailer.destination(), "e-mail sender started");
        loop {
            // A read first: an idle sender does not take the write lock every second.
            match outbox::next_due(&self.db).await {
                Ok(Some(due)) if due <= now_ms() => {}
                Ok(_) => {
                    tokio::time::sleep(IDLE).await;
                    continue;
                }
                Err(e) => tracing::warn!(error = %e, "cannot read the outbox; trying again"),
            }
            match self.deliver_outbox(now_ms()).await {
                Ok(report) if report.claimed as i64 == BATCH => continue,
                Ok(report) if report.claimed > 0 => {
                    tracing::debug!(?report, "e-mail delivered");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "e-mail delivery failed; trying again"),
            }
            tokio::time::sleep(IDLE).await;
        }
    }
}
