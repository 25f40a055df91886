//! The webhook sender `serve` spawns: claims due deliveries, posts each signed, and marks
//! it delivered (a 2xx) or failed with its status or error, to be tried again with the
//! outbox's backoff. All state is in `webhook_deliveries`, so several processes and
//! restarts deliver each event once per endpoint (at least once, if a process dies between
//! a 2xx and marking it).
//!
//! The signature: `Lodestar-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over
//! `"<t>.<body>"`, keyed with the endpoint's secret exactly as shown (`whsec_…`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use lodestar_store::now_ms;
use lodestar_store::outbox::Retry;
use lodestar_store::webhooks::{self as store, Delivery};
use sha2::Sha256;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::busy_calendar::fetch::{self, FetchError};
use crate::{App, AppError};

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "Lodestar-Signature";
/// Deliveries claimed at once.
pub const BATCH: i64 = 50;
/// Deliveries being sent at once.
pub const CONCURRENCY: usize = 8;
/// How long a claim keeps other senders off a delivery; far longer than a post takes.
pub const LEASE_MS: i64 = 2 * 60 * 1000;
/// How long an idle sender waits before looking again.
pub const IDLE: Duration = Duration::from_secs(1);

/// How webhooks are sent, with production defaults.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Post to loopback and private addresses too (tests, or a receiver on the intranet).
    pub allow_private: bool,
    /// The whole request, connecting included.
    pub timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            allow_private: false,
            timeout: Duration::from_secs(10),
        }
    }
}

/// The `Lodestar-Signature` value for `body` sent at `t` (unix seconds) with `secret`.
pub fn sign(secret: &str, t: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let tag = mac.finalize().into_bytes();
    let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    format!("t={t},v1={hex}")
}

/// What one round of sending did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub claimed: usize,
    pub delivered: usize,
    /// Failed and scheduled for another attempt.
    pub failed: usize,
    pub gave_up: usize,
}

/// How one post went: the status, if an answer came, and what went wrong, if anything.
type Outcome = (Option<i64>, Result<(), String>);

async fn post(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    delivery: &Delivery,
    settings: &Settings,
) -> Outcome {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return (None, Err("the endpoint's address does not parse".into()));
    };
    if let Err(e) = fetch::check_url(&parsed, settings.allow_private) {
        return (None, Err(e.to_string()));
    }
    let t = now_ms() / 1000;
    let sent = client
        .post(parsed)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("Lodestar-Event", &delivery.event)
        .header("Lodestar-Delivery", delivery.id.to_string())
        .header(SIGNATURE_HEADER, sign(secret, t, &delivery.payload))
        .body(delivery.payload.clone())
        .send()
        .await;
    match sent {
        Ok(response) => {
            let status = response.status();
            let code = Some(i64::from(status.as_u16()));
            if status.is_success() {
                (code, Ok(()))
            } else {
                (
                    code,
                    Err(format!("the endpoint answered HTTP {}", status.as_u16())),
                )
            }
        }
        Err(e) => (None, Err(explain(&e, settings))),
    }
}

/// A client error in words, finding the address guard's own error in its chain.
fn explain(error: &reqwest::Error, settings: &Settings) -> String {
    if error.is_timeout() {
        return format!(
            "the endpoint did not answer within {} seconds",
            settings.timeout.as_secs()
        );
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(ours) = e.downcast_ref::<FetchError>() {
            return match ours {
                FetchError::Redirects => {
                    "the endpoint answered with a redirect, which is not followed".into()
                }
                other => other.to_string(),
            };
        }
        source = e.source();
    }
    let mut innermost: &dyn std::error::Error = error;
    while let Some(next) = innermost.source() {
        innermost = next;
    }
    format!("the endpoint could not be reached: {innermost}")
}

impl App {
    /// Sends one batch of the webhook deliveries due at `now`: claims them, posts them
    /// with at most [`CONCURRENCY`] at once, and marks each delivered or failed.
    pub async fn deliver_webhooks(&self, now: i64) -> Result<Report, AppError> {
        let batch = store::claim(&self.db, now, LEASE_MS, BATCH).await?;
        let mut report = Report {
            claimed: batch.len(),
            ..Report::default()
        };
        if batch.is_empty() {
            return Ok(report);
        }
        let mut endpoints: Vec<_> = batch.iter().map(|d| d.webhook).collect();
        endpoints.sort_unstable();
        endpoints.dedup();
        let endpoints: HashMap<_, _> = store::secrets_of(&self.db, &endpoints)
            .await?
            .into_iter()
            .map(|(id, url, secret)| (id, (url, secret)))
            .collect();
        let settings = Arc::new(self.policy.webhooks.clone());
        let client = fetch::client(&fetch::Limits {
            timeout: settings.timeout,
            max_bytes: 0,
            max_redirects: 0,
            allow_private: settings.allow_private,
            user_agent: concat!("Lodestar/", env!("CARGO_PKG_VERSION"), " (webhooks)").to_owned(),
        })
        .map_err(AppError::Internal)?;
        let permits = Arc::new(Semaphore::new(CONCURRENCY));
        let mut sending = JoinSet::new();
        for delivery in batch {
            let Some((url, secret)) = endpoints.get(&delivery.webhook).cloned() else {
                // The endpoint was deleted meanwhile, and its deliveries with it.
                continue;
            };
            let (client, permits, settings) =
                (client.clone(), Arc::clone(&permits), Arc::clone(&settings));
            sending.spawn(async move {
                let _permit = permits.acquire_owned().await;
                let outcome = post(&client, &url, &secret, &delivery, &settings).await;
                (delivery, outcome)
            });
        }
        while let Some(joined) = sending.join_next().await {
            let (delivery, (status, result)) = match joined {
                Ok(done) => done,
                // A panic while sending: the claim runs out and it is tried again.
                Err(e) => {
                    tracing::error!(error = %e, "sending a webhook panicked");
                    continue;
                }
            };
            let at = now_ms().max(now);
            match result {
                Ok(()) => {
                    store::mark_delivered(&self.db, delivery.id, status.unwrap_or(200), at).await?;
                    report.delivered += 1;
                    metrics::counter!("lodestar_webhooks_delivered_total").increment(1);
                }
                Err(error) => {
                    metrics::counter!("lodestar_webhooks_failed_total").increment(1);
                    match store::mark_failed(&self.db, &delivery, at, status, &error).await? {
                        Retry::At(next) => {
                            report.failed += 1;
                            tracing::warn!(
                                id = %delivery.id, event = %delivery.event, attempts = delivery.attempts + 1,
                                retry_in_s = (next - at) / 1000, %error, "webhook not delivered; will retry"
                            );
                        }
                        Retry::GaveUp => {
                            report.gave_up += 1;
                            tracing::error!(
                                id = %delivery.id, event = %delivery.event, attempts = delivery.attempts + 1,
                                %error, "webhook not delivered; giving up (an admin can retry it)"
                            );
                        }
                    }
                }
            }
        }
        Ok(report)
    }

    /// Sends webhooks forever: a batch at a time while there is work, otherwise every
    /// [`IDLE`]. Errors (the database away) are logged and the loop carries on.
    pub async fn run_webhook_sender(self) {
        tracing::info!(
            allow_private = self.policy.webhooks.allow_private,
            "webhook sender started"
        );
        loop {
            match store::next_due(&self.db).await {
                Ok(Some(due)) if due <= now_ms() => match self.deliver_webhooks(now_ms()).await {
                    Ok(report) if report.claimed as i64 == BATCH => continue,
                    Ok(report) if report.claimed > 0 => {
                        tracing::debug!(?report, "webhooks sent");
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "webhook delivery failed; trying again"),
                },
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read webhook deliveries; trying again")
                }
            }
            tokio::time::sleep(IDLE).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hex_hmac_sha256_of_the_time_a_dot_and_the_body() {
        // Python: hmac.new(b"whsec_test", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
        assert_eq!(
            sign("whsec_test", 1_700_000_000, r#"{"a":1}"#),
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }
}
