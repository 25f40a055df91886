//! What a session sends: its invitation or cancellation, the notices to the other
//! members in the event's transaction, and the reminder a day before.

use lodestar_domain::MeetingId;
use lodestar_domain::mentoring::NotificationKind;
use lodestar_store::action_items::{self, ActionItem};
use lodestar_store::meetings::{self as store, Attendee};
use lodestar_store::notifications::{CalendarPart, Notice};
use lodestar_store::{Tx, now_ms};

use super::{DAY_MS, carried, open_items, when_in};
use crate::calendar::{self, EventContext};
use crate::{App, AppError, Viewer};

impl App {
    /// The session's invitation (or cancellation, once cancelled) as `.ics` text.
    pub async fn meeting_invite(&self, viewer: &Viewer, id: MeetingId) -> Result<String, AppError> {
        let (meeting, _) = self.meeting_for(viewer, id).await?;
        let attendees = store::attendees(&self.db, meeting.mentorship).await?;
        let open = carried(&meeting, open_items(&self.db, meeting.mentorship).await?);
        Ok(calendar::invite(&meeting, &self.event_context(&attendees, &open)).1)
    }

    pub(crate) fn event_context<'a>(
        &'a self,
        attendees: &'a [Attendee],
        carried_over: &'a [ActionItem],
    ) -> EventContext<'a> {
        EventContext {
            attendees,
            carried_over,
            public_url: &self.policy.public_url,
            stamp: now_ms(),
        }
    }

    /// Tells every member but `actor` about the meeting as the transaction left it, with
    /// its invitation or cancellation attached.
    pub(super) async fn tell_members(
        &self,
        tx: &mut Tx,
        actor: &Viewer,
        id: MeetingId,
        kind: NotificationKind,
    ) -> Result<(), AppError> {
        let meeting = store::get_in(tx, id)
            .await?
            .ok_or(AppError::NotFound("session"))?;
        let attendees = store::attendees_in(tx, meeting.mentorship).await?;
        let open = carried(
            &meeting,
            action_items::open_for_mentorship(tx, meeting.mentorship).await?,
        );
        let (method, ics) = calendar::invite(&meeting, &self.event_context(&attendees, &open));
        for a in attendees.iter().filter(|a| a.person != actor.id) {
            let when = when_in(meeting.starts_at, &a.time_zone);
            let (title, body) = match kind {
                NotificationKind::SessionRescheduled => (
                    format!("Session moved to {when}"),
                    format!("{} moved your mentoring session to {when}.", actor.name),
                ),
                NotificationKind::SessionCancelled => (
                    format!("Session on {when} cancelled"),
                    if meeting.cancel_reason.is_empty() {
                        format!("{} cancelled your mentoring session on {when}.", actor.name)
                    } else {
                        format!(
                            "{} cancelled your mentoring session on {when}: {}",
                            actor.name, meeting.cancel_reason
                        )
                    },
                ),
                NotificationKind::SessionBooked => (
                    format!("{} booked a session for {when}", actor.name),
                    format!(
                        "{} booked a mentoring session in your free time, for {when}.",
                        actor.name
                    ),
                ),
                _ => (
                    format!("Session scheduled for {when}"),
                    format!("{} scheduled a mentoring session for {when}.", actor.name),
                ),
            };
            let notice = Notice {
                person: a.person,
                kind,
                title,
                body,
                link: format!("/sessions/{}", meeting.id),
                calendar: Some(CalendarPart {
                    method,
                    ics: ics.clone(),
                }),
            };
            self.notify(tx, &notice).await?;
        }
        Ok(())
    }

    /// Reminds every member of each scheduled session that starts within a day of `now`,
    /// once per session (a reschedule makes it due again). Safe to run in several
    /// processes at once: each session is claimed by one. Returns how many sessions.
    pub async fn remind_upcoming_sessions(&self, now: i64) -> Result<usize, AppError> {
        let mut tx = self.db.begin().await?;
        let meetings = store::claim_reminders(&mut tx, now, now + DAY_MS).await?;
        for meeting in &meetings {
            for a in store::attendees_in(&mut tx, meeting.mentorship).await? {
                let when = when_in(meeting.starts_at, &a.time_zone);
                let mut body = format!("Your mentoring session is on {when}.");
                if !meeting.location.is_empty() {
                    body.push_str(&format!(" Where: {}", meeting.location));
                }
                let notice = Notice {
                    person: a.person,
                    kind: NotificationKind::SessionReminder,
                    title: format!("Reminder: session on {when}"),
                    body,
                    link: format!("/sessions/{}", meeting.id),
                    calendar: None,
                };
                self.notify(&mut tx, &notice).await?;
            }
        }
        lodestar_store::commit(tx).await?;
        Ok(meetings.len())
    }
}
