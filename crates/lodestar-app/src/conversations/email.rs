//! The e-mail nudge about unread messages, a step of the lifecycle clock: a new message
//! e-mails the other party only if they have not read it within
//! `message_email_after_ms` (10 minutes), and then at most once per thread per
//! `message_email_every_ms` (an hour), by their e-mail preference for `message_received`.
//! No inbox entry is made: unread messages have their own count in the navigation, and the
//! e-mail is the nudge.
//!
//! Writing a message sets, for each other member without one, the time to look
//! (`thread_members.email_due_at`); the clock reads the members due, on a partial index,
//! so its work is proportional to the messages written, not to the threads there are.
//! For each it looks at what is unread and not yet e-mailed about, and then either clears
//! the check (nothing left: they read it), moves it (not yet ten minutes, or e-mailed in
//! the last hour), or claims the e-mail. Each of those is a conditional update on the
//! check's time as read, so of several processes looking at the same member one acts, and
//! the claim and the queued e-mail commit together.

use lodestar_domain::mentoring::NotificationKind;
use lodestar_store::notifications::{self, Notice};
use lodestar_store::threads::{self, EmailDue};

use crate::{App, AppError};

/// Members looked at per tick at most; the rest wait for the next minute.
pub const EMAIL_BATCH: i64 = 200;

impl App {
    /// One pass of the e-mail nudge at `now`: returns how many e-mails were queued.
    pub async fn email_unread_messages(&self, now: i64) -> Result<usize, AppError> {
        let due = threads::email_due(&self.db, now, EMAIL_BATCH).await?;
        let mut queued = 0;
        for member in &due {
            if self.nudge(member, now).await? {
                queued += 1;
            }
        }
        Ok(queued)
    }

    async fn nudge(&self, due: &EmailDue, now: i64) -> Result<bool, AppError> {
        let policy = &self.policy.mentoring;
        let mut tx = self.db.begin().await?;
        let pending = threads::pending(&mut tx, due.thread, due.person).await?;
        let oldest = match pending.oldest_at {
            Some(at) if !pending.suspended => at,
            _ => {
                // Read meanwhile (or the account is suspended): nothing to tell.
                threads::reschedule_email(&mut tx, due, None).await?;
                lodestar_store::commit(tx).await?;
                return Ok(false);
            }
        };
        let ready_at = oldest.saturating_add(policy.message_email_after_ms).max(
            pending.last_emailed_at.map_or(i64::MIN, |at| {
                at.saturating_add(policy.message_email_every_ms)
            }),
        );
        if ready_at > now {
            threads::reschedule_email(&mut tx, due, Some(ready_at)).await?;
            lodestar_store::commit(tx).await?;
            return Ok(false);
        }
        if !threads::claim_email(&mut tx, due, now, policy.message_email_every_ms).await? {
            // Another process took it first.
            return Ok(false);
        }
        let notice = notice(due, &pending);
        let queued =
            notifications::queue_email(&mut tx, &notice, &self.policy.public_url, now).await?;
        lodestar_store::commit(tx).await?;
        if queued {
            tracing::info!(thread = %due.thread, person = %due.person, "unread messages e-mailed");
        }
        Ok(queued)
    }
}

fn notice(due: &EmailDue, pending: &threads::Pending) -> Notice {
    let who = crate::mentorships::join_names(pending.authors.iter().map(String::as_str));
    let what = if pending.count == 1 {
        "a message".to_owned()
    } else {
        format!("{} messages", pending.count)
    };
    Notice {
        person: due.person,
        kind: NotificationKind::MessageReceived,
        title: format!("{who} wrote to you on Lodestar"),
        body: format!(
            "{who} sent you {what} you have not read yet. Read and reply in the conversation:"
        ),
        link: format!("/threads/{}", due.thread),
        calendar: None,
    }
}
