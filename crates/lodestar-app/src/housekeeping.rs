//! The one scheduler for periodic work: pruning what has expired, sending the weekly
//! opportunity digests that are due, and refreshing the query planner's statistics. `serve` spawns [`Housekeeping::run`]; several server processes on
//! one database may all run it. The prunes are idempotent deletes, so running them twice
//! is harmless; the planner refresh, which is not free, runs in whichever process holds
//! its lease.

use std::time::Duration;

use lodestar_store::{installation, now_ms, sessions, tokens};

use crate::{App, AppError};

/// How often the prunes run.
pub const PRUNE_EVERY: Duration = Duration::from_secs(10 * 60);
/// How often the planner statistics are refreshed (by one process).
pub const ANALYZE_EVERY: Duration = Duration::from_secs(60 * 60);
/// Expired and revoked tokens stay listed this long, so people can see what ended.
pub const TOKEN_RETENTION_MS: i64 = 30 * 24 * 60 * 60 * 1000;

const ANALYZE_LEASE: &str = "analyze";

/// What one round removed or did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub sessions: u64,
    pub tokens: u64,
    /// Rate-limit counters past their longest window.
    pub throttle: u64,
    pub setup_tokens: u64,
    /// Weekly opportunity digests queued.
    pub digests: usize,
    pub analyzed: bool,
}

/// The periodic tasks of one server process.
#[derive(Clone, Debug)]
pub struct Housekeeping {
    app: App,
    /// Names this process in the leases it takes.
    holder: String,
}

impl Housekeeping {
    pub fn new(app: App) -> Self {
        Self {
            app,
            holder: uuid::Uuid::new_v4().to_string(),
        }
    }

    /// Runs a round now and then every [`PRUNE_EVERY`], forever. Errors are logged and the
    /// next round tries again.
    pub async fn run(self) {
        let mut every = tokio::time::interval(PRUNE_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match self.round().await {
                Ok(report) => tracing::debug!(?report, "housekeeping done"),
                Err(e) => tracing::warn!(error = %e, "housekeeping failed; trying again later"),
            }
        }
    }

    /// One round: the prunes, then the planner refresh if this process wins its lease.
    pub async fn round(&self) -> Result<Report, AppError> {
        let mut report = self.prune().await?;
        let lease_ms = i64::try_from(ANALYZE_EVERY.as_millis()).unwrap_or(i64::MAX);
        if installation::take_lease(&self.app.db, ANALYZE_LEASE, &self.holder, lease_ms).await? {
            // The lease is kept until it runs out, so the next refresh, in this process or
            // another, comes an interval later.
            self.app.db.analyze().await?;
            report.analyzed = true;
        }
        Ok(report)
    }

    /// Deletes expired sessions, tokens that expired or were revoked more than
    /// [`TOKEN_RETENTION_MS`] ago, rate-limit counters older than their longest window, and
    /// expired setup links.
    pub async fn prune(&self) -> Result<Report, AppError> {
        let db = &self.app.db;
        let now = now_ms();
        let report = Report {
            sessions: sessions::delete_expired(db).await?,
            tokens: tokens::prune(db, now - TOKEN_RETENTION_MS).await?,
            throttle: self.app.prune_throttle().await?,
            setup_tokens: installation::prune_setup_tokens(db).await?,
            digests: self.app.send_digests(now).await?,
            analyzed: false,
        };
        if report != Report::default() {
            tracing::info!(
                sessions = report.sessions,
                tokens = report.tokens,
                throttle = report.throttle,
                setup_tokens = report.setup_tokens,
                digests = report.digests,
                "pruned expired rows and sent due digests"
            );
        }
        Ok(report)
    }
}
