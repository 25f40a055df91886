//! The mentorship lifecycle's clock: the one loop that expires requests, reminds mentors
//! of requests about to expire, resumes paused mentorships on their date, flags stalled
//! ones, sends session, action-item, goal and check-in reminders, e-mails people about messages they left
//! unread (see [`crate::conversations`]), and ends one-off conversations whose session is
//! over. `serve` spawns [`App::run_lifecycle`].
//!
//! Several server processes may run it on one database: every step moves each row with a
//! conditional update (`… WHERE state = 'pending'`, `… AND reminded_at IS NULL`), so exactly
//! one process wins each row and its notice is written once.

use std::time::Duration;

use lodestar_store::now_ms;

use crate::{App, AppError};

/// How often the clock ticks. Reminders are a day ahead, and expiries and resumptions
/// are by the day, so a minute is prompt enough.
pub const EVERY: Duration = Duration::from_secs(60);

/// What one tick did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub requests_expired: usize,
    pub expiry_reminders: usize,
    pub mentorships_resumed: usize,
    pub mentorships_stalled: usize,
    pub session_reminders: usize,
    pub action_items_due: usize,
    /// E-mails about messages left unread.
    pub message_emails: usize,
    pub one_off_conversations_ended: usize,
    /// Goals whose target date came, and milestones overdue.
    pub goals_due: usize,
    pub check_in_reminders: usize,
}

impl App {
    /// One tick at `now` (epoch ms). Each step runs even if an earlier one failed; the
    /// first error is returned after all have run.
    pub async fn lifecycle_tick(&self, now: i64) -> Result<Report, AppError> {
        let mut first_error = None;
        let mut keep = |result: Result<usize, AppError>| match result {
            Ok(n) => n,
            Err(e) => {
                first_error.get_or_insert(e);
                0
            }
        };
        let report = Report {
            expiry_reminders: keep(self.remind_expiring_requests(now).await),
            requests_expired: keep(self.expire_requests(now).await),
            mentorships_resumed: keep(self.resume_paused_mentorships(now).await),
            mentorships_stalled: keep(self.flag_stalled_mentorships(now).await),
            session_reminders: keep(self.remind_upcoming_sessions(now).await),
            action_items_due: keep(self.remind_due_action_items(now).await),
            message_emails: keep(self.email_unread_messages(now).await),
            one_off_conversations_ended: keep(self.end_finished_one_offs(now).await),
            goals_due: keep(self.remind_goals_due(now).await),
            check_in_reminders: keep(self.remind_check_ins(now).await),
        };
        match first_error {
            Some(e) => Err(e),
            None => Ok(report),
        }
    }

    /// Ticks every [`EVERY`], forever. Errors are logged and the next tick tries again.
    pub async fn run_lifecycle(self) {
        let mut every = tokio::time::interval(EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match self.lifecycle_tick(now_ms()).await {
                Ok(report) if report != Report::default() => {
                    tracing::info!(?report, "mentoring lifecycle moved on");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "lifecycle tick failed; trying again later"),
            }
        }
    }
}
