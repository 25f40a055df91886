//! Sessions of a mentorship (meetings in code): scheduling, rescheduling, cancelling and
//! the outcome, each telling the other members in the same transaction with a calendar
//! invitation; the reminder a day before.
//!
//! Only members of a mentorship see or touch its sessions; to anyone else, admins
//! included, a session does not exist (404). A start is entered in the scheduler's time
//! zone (RFC 3339 with an offset, or a local date and time read in their profile's zone),
//! stored in UTC and shown to each person in their own zone.

use lodestar_domain::mentoring::{MeetingState, MentorshipState, NotificationKind};
use lodestar_domain::slots::Slot;
use lodestar_domain::{FieldErrors, MeetingId, MentorshipId, text};
use lodestar_store::action_items::{self, ActionItem};
use lodestar_store::meetings::{self as store, Attendee, Meeting, MeetingChanges, NewMeeting};
use lodestar_store::mentorships::{self, Membership};
use lodestar_store::now_ms;

use crate::action_items::ActionItemView;
use crate::booking::is_taken;
use crate::booking::moves::clear_of_sessions;
use crate::{App, AppError, Viewer};
pub use views::*;

mod notices;
mod views;

pub(crate) const DAY_MS: i64 = 24 * 60 * 60 * 1000;

impl App {
    /// The meeting and the viewer's membership of its mentorship, or "not found" for
    /// anyone who is not a member.
    pub(crate) async fn meeting_for(
        &self,
        viewer: &Viewer,
        id: MeetingId,
    ) -> Result<(Meeting, Membership), AppError> {
        let meeting = store::get(&self.db, id)
            .await?
            .ok_or(AppError::NotFound("session"))?;
        let membership = mentorships::membership(&self.db, meeting.mentorship, viewer.id)
            .await?
            .ok_or(AppError::NotFound("session"))?;
        Ok((meeting, membership))
    }

    pub(crate) async fn membership_of(
        &self,
        viewer: &Viewer,
        mentorship: MentorshipId,
    ) -> Result<Membership, AppError> {
        mentorships::membership(&self.db, mentorship, viewer.id)
            .await?
            .ok_or(AppError::NotFound("mentorship"))
    }

    /// The sessions of a mentorship, latest first.
    pub async fn list_meetings(
        &self,
        viewer: &Viewer,
        mentorship: MentorshipId,
    ) -> Result<Vec<SessionView>, AppError> {
        Ok(self.mentorship_meetings(viewer, mentorship).await?.sessions)
    }

    /// Everything a mentorship's sessions page shows.
    pub async fn mentorship_meetings(
        &self,
        viewer: &Viewer,
        mentorship: MentorshipId,
    ) -> Result<MentorshipMeetings, AppError> {
        let membership = self.membership_of(viewer, mentorship).await?;
        let attendees = store::attendees(&self.db, mentorship).await?;
        let tz = viewer_zone(&attendees, viewer);
        let items = action_items::list_for_mentorship(&self.db, mentorship).await?;
        let open: Vec<ActionItem> = items
            .iter()
            .filter(|a| a.done_at.is_none())
            .cloned()
            .collect();
        let departed = mentorships::departed(&self.db, mentorship).await?;
        let members = session_members(&attendees, &departed);
        let sessions = store::list_for_mentorship(&self.db, mentorship)
            .await?
            .iter()
            .map(|m| view(m, membership.state, &members, &tz, &open))
            .collect();
        Ok(MentorshipMeetings {
            mentorship_id: mentorship,
            mentorship_state: membership.state,
            members,
            time_zone: tz,
            sessions,
            action_items: items.iter().map(ActionItemView::from).collect(),
        })
    }

    pub async fn meeting(&self, viewer: &Viewer, id: MeetingId) -> Result<SessionView, AppError> {
        let (meeting, membership) = self.meeting_for(viewer, id).await?;
        let attendees = store::attendees(&self.db, meeting.mentorship).await?;
        let tz = viewer_zone(&attendees, viewer);
        let open = open_items(&self.db, meeting.mentorship).await?;
        let departed = mentorships::departed(&self.db, meeting.mentorship).await?;
        let members = session_members(&attendees, &departed);
        Ok(view(&meeting, membership.state, &members, &tz, &open))
    }

    /// Checks a session's fields against `base` (the meeting being edited, if any).
    async fn check_fields(
        &self,
        viewer: &Viewer,
        fields: &SessionFields,
        base: Option<&Meeting>,
        now: i64,
    ) -> Result<(i64, i64, String, String, String), AppError> {
        let tz = store::time_zone_of(&self.db, viewer.id).await?;
        let mut errors = FieldErrors::new();
        let starts_at = match (&fields.start, base) {
            (Some(start), _) => parse_start(start, &tz, now, &mut errors),
            (None, Some(b)) => Some(b.starts_at),
            (None, None) => {
                errors.add("starts_at", "choose when the session starts");
                None
            }
        };
        let duration = fields
            .duration_minutes
            .or(base.map(|b| b.duration_minutes))
            .unwrap_or(0);
        if !(MIN_DURATION..=MAX_DURATION).contains(&duration) {
            errors.add(
                "duration_minutes",
                format!("must be between {MIN_DURATION} and {MAX_DURATION} minutes"),
            );
        }
        let location = match &fields.location {
            Some(raw) => errors.check("location", text::one_line(raw, MAX_LOCATION)),
            None => base.map(|b| b.location.clone()),
        };
        let agenda = match &fields.agenda {
            Some(raw) => errors.check("agenda", text::multi_line(raw, MAX_AGENDA)),
            None => base.map(|b| b.agenda.clone()),
        };
        errors.into_result()?;
        let time_zone = if fields.start.is_some() {
            tz
        } else {
            base.map(|b| b.time_zone.clone()).unwrap_or(tz)
        };
        Ok((
            starts_at.unwrap_or_default(),
            duration,
            time_zone,
            location.unwrap_or_default(),
            agenda.unwrap_or_default(),
        ))
    }

    /// Schedules a session of an active mentorship; the other members are told, with an
    /// invitation.
    pub async fn schedule_meeting(
        &self,
        viewer: &Viewer,
        mentorship: MentorshipId,
        fields: &SessionFields,
    ) -> Result<SessionView, AppError> {
        let membership = self.membership_of(viewer, mentorship).await?;
        require_active(membership.state)?;
        let now = now_ms();
        let (starts_at, duration, time_zone, location, agenda) =
            self.check_fields(viewer, fields, None, now).await?;
        let id = MeetingId::new();
        let members = self.members_of(mentorship).await?;
        let slot = Slot {
            starts_at,
            ends_at: starts_at + duration * 60_000,
        };
        let mut tx = self.db.begin().await?;
        // The state is read again in the transaction: a mentorship paused meanwhile refuses.
        let current = mentorships::state_in(&mut tx, self.db.backend(), mentorship, viewer.id)
            .await?
            .ok_or(AppError::NotFound("mentorship"))?;
        require_active(current)?;
        // Never over another session of anyone in the mentorship.
        self.lock_people(&mut tx, &members).await?;
        if !clear_of_sessions(&mut tx, &members, slot, None).await? {
            drop(tx);
            return Err(self.session_clash(viewer, mentorship, duration).await);
        }
        let new = NewMeeting {
            id,
            mentorship,
            organizer: viewer.id,
            starts_at,
            duration_minutes: duration,
            time_zone,
            location,
            agenda,
        };
        self.insert_meeting(
            &mut tx,
            viewer,
            &new,
            NotificationKind::SessionScheduled,
            now,
        )
        .await?;
        lodestar_store::commit(tx).await?;
        self.meeting(viewer, id).await
    }

    /// Inserts a meeting of a mentorship the caller's transaction found active, records it
    /// on the timeline and tells the other members, with the invitation: how every session
    /// comes to be, scheduled by hand or booked from a slot (`kind` says which).
    pub(crate) async fn insert_meeting(
        &self,
        tx: &mut lodestar_store::Tx,
        viewer: &Viewer,
        new: &NewMeeting,
        kind: NotificationKind,
        now: i64,
    ) -> Result<(), AppError> {
        store::insert(tx, new, now).await?;
        mentorships::touch_activity(tx, new.mentorship, now).await?;
        let event = if kind == NotificationKind::SessionBooked {
            "session_booked"
        } else {
            "session_scheduled"
        };
        mentorships::record_event(
            tx,
            new.mentorship,
            Some(viewer.id),
            event,
            &rfc3339(new.starts_at),
        )
        .await?;
        self.tell_members(tx, viewer, new.id, kind).await
    }

    /// Reschedules or edits a scheduled session. A new start, length or place bumps the
    /// SEQUENCE and sends the others a new invitation; an agenda edit is quiet. A new time
    /// must be free (see `booking::moves`), or the answer is `slot_taken` with the free
    /// times now.
    pub async fn edit_meeting(
        &self,
        viewer: &Viewer,
        id: MeetingId,
        fields: &SessionFields,
    ) -> Result<SessionView, AppError> {
        let (meeting, membership) = self.meeting_for(viewer, id).await?;
        require_active(membership.state)?;
        require_scheduled(&meeting)?;
        let now = now_ms();
        let (starts_at, duration, time_zone, location, agenda) = self
            .check_fields(viewer, fields, Some(&meeting), now)
            .await?;
        let moved = starts_at != meeting.starts_at
            || duration != meeting.duration_minutes
            || location != meeting.location;
        // A new time is checked against everyone's sessions (and, for a booked session
        // moved by a mentee, the mentor's free slots): see `booking::moves`.
        let retimed = starts_at != meeting.starts_at || duration != meeting.duration_minutes;
        let plan = if retimed {
            let to = Slot {
                starts_at,
                ends_at: starts_at + duration * 60_000,
            };
            let field = match fields.start {
                Some(Start::Local { .. }) => "time",
                _ => "starts_at",
            };
            let role = membership.role;
            Some(
                self.plan_move(viewer, role, &meeting, to, field, now)
                    .await?,
            )
        } else {
            None
        };
        let changes = MeetingChanges {
            starts_at,
            duration_minutes: duration,
            time_zone,
            location,
            agenda,
            bump_sequence: moved,
        };
        let result: Result<(), AppError> = async {
            let mut tx = self.db.begin().await?;
            if let Some(plan) = &plan {
                self.check_move(&mut tx, plan, now).await?;
            }
            if !store::update(&mut tx, id, &changes, now).await? {
                return Err(not_scheduled());
            }
            if moved {
                mentorships::record_event(
                    &mut tx,
                    meeting.mentorship,
                    Some(viewer.id),
                    "session_rescheduled",
                    &rfc3339(starts_at),
                )
                .await?;
                self.tell_members(&mut tx, viewer, id, NotificationKind::SessionRescheduled)
                    .await?;
            }
            lodestar_store::commit(tx).await?;
            Ok(())
        }
        .await;
        match (result, &plan) {
            (Ok(()), _) => self.meeting(viewer, id).await,
            (Err(e), Some(plan)) if is_taken(&e) => Err(self.move_clash(viewer, plan).await),
            (Err(e), _) => Err(e),
        }
    }

    /// Cancels a scheduled session; the others get the cancellation (METHOD:CANCEL).
    pub async fn cancel_meeting(
        &self,
        viewer: &Viewer,
        id: MeetingId,
        input: &CancelSession,
    ) -> Result<SessionView, AppError> {
        let (meeting, _) = self.meeting_for(viewer, id).await?;
        require_scheduled(&meeting)?;
        let reason = text::one_line(&input.reason, MAX_LOCATION)
            .map_err(|e| AppError::invalid("reason", e.to_string()))?;
        let mut tx = self.db.begin().await?;
        if !store::cancel(&mut tx, id, &reason, now_ms()).await? {
            return Err(not_scheduled());
        }
        mentorships::record_event(
            &mut tx,
            meeting.mentorship,
            Some(viewer.id),
            "session_cancelled",
            &reason,
        )
        .await?;
        self.tell_members(&mut tx, viewer, id, NotificationKind::SessionCancelled)
            .await?;
        lodestar_store::commit(tx).await?;
        self.meeting(viewer, id).await
    }

    /// Cancels the sessions still to come of a mentorship that has just ended, in the
    /// transaction that ends it, and sends the other members the calendar's CANCEL.
    pub(crate) async fn cancel_upcoming_meetings(
        &self,
        tx: &mut lodestar_store::Tx,
        actor: &Viewer,
        mentorship: MentorshipId,
        reason: &str,
    ) -> Result<usize, AppError> {
        let now = now_ms();
        let upcoming = store::upcoming_in(tx, mentorship, now).await?;
        for id in &upcoming {
            if store::cancel(tx, *id, reason, now).await? {
                self.tell_members(tx, actor, *id, NotificationKind::SessionCancelled)
                    .await?;
            }
        }
        Ok(upcoming.len())
    }

    /// Marks a session that has started as held or missed (or corrects that).
    pub async fn record_meeting_outcome(
        &self,
        viewer: &Viewer,
        id: MeetingId,
        held: bool,
    ) -> Result<SessionView, AppError> {
        let (meeting, _) = self.meeting_for(viewer, id).await?;
        let now = now_ms();
        let to = if held {
            MeetingState::Held
        } else {
            MeetingState::NoShow
        };
        if !meeting.state.can_become(to) {
            return Err(AppError::Conflict {
                code: "invalid_transition",
                field: None,
                message: format!(
                    "a session that is {} cannot be marked {}",
                    meeting.state.label().to_lowercase(),
                    to.label().to_lowercase()
                ),
            });
        }
        if meeting.starts_at > now {
            return Err(AppError::Conflict {
                code: "session_not_started",
                field: None,
                message: "a session can be marked held or missed once it has started".into(),
            });
        }
        let mut tx = self.db.begin().await?;
        if !store::set_outcome(&mut tx, id, held, now).await? {
            return Err(AppError::Conflict {
                code: "invalid_transition",
                field: None,
                message: "the session changed meanwhile; reload it".into(),
            });
        }
        if held {
            mentorships::touch_activity(&mut tx, meeting.mentorship, now).await?;
            let data = serde_json::json!({
                "session_id": id,
                "mentorship_id": meeting.mentorship,
                "starts_at": crate::meetings::rfc3339(meeting.starts_at),
                "marked_by": viewer.id,
            });
            self.queue_webhook(
                &mut tx,
                lodestar_domain::webhook::WebhookEvent::SessionHeld,
                data,
            )
            .await?;
        }
        let kind = if held {
            "session_held"
        } else {
            "session_missed"
        };
        mentorships::record_event(&mut tx, meeting.mentorship, Some(viewer.id), kind, "").await?;
        lodestar_store::commit(tx).await?;
        self.meeting(viewer, id).await
    }
}

/// The viewer's zone, from their member row (they are one).
fn viewer_zone(attendees: &[Attendee], viewer: &Viewer) -> String {
    attendees
        .iter()
        .find(|a| a.person == viewer.id)
        .map_or_else(|| "UTC".to_owned(), |a| a.time_zone.clone())
}

async fn open_items(
    db: &lodestar_store::Db,
    mentorship: MentorshipId,
) -> Result<Vec<ActionItem>, AppError> {
    Ok(action_items::list_for_mentorship(db, mentorship)
        .await?
        .into_iter()
        .filter(|a| a.done_at.is_none())
        .collect())
}

/// The open items carried into a meeting's agenda: only while it is still to come.
fn carried(meeting: &Meeting, open: Vec<ActionItem>) -> Vec<ActionItem> {
    if meeting.state == MeetingState::Scheduled {
        open
    } else {
        Vec::new()
    }
}

pub(crate) fn require_active(state: MentorshipState) -> Result<(), AppError> {
    if state == MentorshipState::Active {
        Ok(())
    } else {
        Err(AppError::Conflict {
            code: "mentorship_not_active",
            field: None,
            message: format!(
                "sessions are scheduled in an active mentorship; this one is {}",
                state.label().to_lowercase()
            ),
        })
    }
}

fn require_scheduled(meeting: &Meeting) -> Result<(), AppError> {
    if meeting.state == MeetingState::Scheduled {
        Ok(())
    } else {
        Err(not_scheduled())
    }
}

fn not_scheduled() -> AppError {
    AppError::Conflict {
        code: "invalid_transition",
        field: None,
        message: "only a scheduled session can be moved, edited or cancelled".into(),
    }
}
