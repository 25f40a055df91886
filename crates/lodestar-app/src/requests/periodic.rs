//! The periodic work on requests: expiring those left unanswered, reminding the receiver
//! before that, and turning off requests to a mentor who lets several in a row expire.
//!
//! Each step is idempotent and safe in several processes at once: a row moves only through
//! a conditional `UPDATE … WHERE state = 'pending'` (or `reminded_at IS NULL`) in the
//! transaction that also writes its notices, so exactly one process wins each row and
//! tells of it once.

use lodestar_domain::RequestId;
use lodestar_domain::mentoring::Initiator;
use lodestar_store::requests;

use super::notices::{expired_notice, expiring_notice, paused_notice};
use crate::{App, AppError};

/// Rows taken per query; the methods go on until none are due.
const BATCH: i64 = 200;

impl App {
    /// Expires every pending request whose time is up at `now` (epoch ms), tells the
    /// sender, and counts it against the mentor when it was a request to them. A mentor
    /// who lets `silent_after_expired` requests in a row expire stops taking requests
    /// (and is told so, once). Returns how many requests this call expired.
    pub async fn expire_requests(&self, now: i64) -> Result<usize, AppError> {
        let mut expired = 0;
        loop {
            let due = requests::due_to_expire(&self.db, now, BATCH).await?;
            let mut won = 0;
            for &id in &due {
                if self.expire_one(id, now).await? {
                    won += 1;
                }
            }
            expired += won;
            // A short batch was the last; a batch another process took whole ends it too.
            if due.len() < BATCH as usize || won == 0 {
                return Ok(expired);
            }
        }
    }

    async fn expire_one(&self, id: RequestId, now: i64) -> Result<bool, AppError> {
        let mut tx = self.db.begin().await?;
        if !requests::expire(&mut tx, id, now).await? {
            return Ok(false);
        }
        let request = requests::get_in(&mut tx, id).await?;
        self.notify(&mut tx, &expired_notice(&request)).await?;
        if request.initiator == Initiator::Mentee {
            let in_a_row = requests::count_expired(&mut tx, request.mentor, now).await?;
            let limit = self.policy.mentoring.silent_after_expired;
            if limit > 0 && in_a_row >= limit {
                let reason = format!("{in_a_row} requests in a row expired unanswered");
                if requests::pause_silent(&mut tx, request.mentor, &reason, now).await? {
                    self.notify(&mut tx, &paused_notice(&request, in_a_row))
                        .await?;
                    tracing::info!(mentor = %request.mentor, in_a_row, "requests paused for a silent mentor");
                }
            }
        }
        lodestar_store::commit(tx).await?;
        Ok(true)
    }

    /// Reminds the receiver of each pending request that expires within
    /// `expiry_reminder_ms` of `now` and has not been reminded of yet. Returns how many
    /// reminders this call sent.
    pub async fn remind_expiring_requests(&self, now: i64) -> Result<usize, AppError> {
        let window = self.policy.mentoring.expiry_reminder_ms;
        let mut reminded = 0;
        loop {
            let due = requests::due_for_reminder(&self.db, now, window, BATCH).await?;
            let mut won = 0;
            for &id in &due {
                let mut tx = self.db.begin().await?;
                if !requests::mark_reminded(&mut tx, id, now).await? {
                    continue;
                }
                let request = requests::get_in(&mut tx, id).await?;
                self.notify(&mut tx, &expiring_notice(&request)).await?;
                lodestar_store::commit(tx).await?;
                won += 1;
            }
            reminded += won;
            if due.len() < BATCH as usize || won == 0 {
                return Ok(reminded);
            }
        }
    }
}
