//! Moving a session to another time (the session edit's reschedule), checked as booking
//! is. Whoever moves it, a session never lands on another scheduled session of anyone in
//! its mentorship or of the mover's. A session booked from the mentor's slots and moved by
//! anyone but its mentor must land on one of the mentor's free slots: the same checks as a
//! booking (length, notice, availability, buffer, busy calendar, the mentor's sessions in
//! every mentorship and the mover's own), under the same locks, in the transaction that
//! moves it. The mentor may move their own session to any time they are free. The booking
//! moves with its session (`bookings::follow`), so its unique index still holds; a clash
//! is `slot_taken` with the free times now.

use lodestar_domain::mentoring::MemberRole;
use lodestar_domain::slots::{Audience, Slot};
use lodestar_domain::{FieldErrors, MeetingId, MentorshipId, PersonId};
use lodestar_store::availability as store;
use lodestar_store::meetings::Meeting;
use lodestar_store::{Conn, bookings};

use super::checks::{Wanted, check_slot};
use super::one_off::{month_left, same_month};
use super::{Named, SlotParams, SlotView, TimeAsk};
use crate::{App, AppError, Viewer};

/// What a move's clash says, on the page and in the API.
pub const MOVE_TAKEN: &str = "That time clashes with another session — here are the free times now";

/// A session's move to a new time, and what it is checked against.
pub(crate) struct Move {
    meeting: MeetingId,
    mentorship: MentorshipId,
    mentor: Named,
    mover: PersonId,
    /// Everyone in the session's mentorship: none of them may be in two sessions at once.
    members: Vec<PersonId>,
    /// Where the session was.
    from: i64,
    to: Slot,
    /// Booked, and moved by someone other than its mentor: the new time must be one of
    /// the mentor's free slots for this audience.
    free_slot: Option<Audience>,
}

impl App {
    /// Reads what moving `meeting` to `to` is checked against, and checks the new time
    /// against the mentor's availability when it must be one of their slots (a field error
    /// on `start_field` or `duration_minutes`, before any lock).
    pub(crate) async fn plan_move(
        &self,
        viewer: &Viewer,
        role: MemberRole,
        meeting: &Meeting,
        to: Slot,
        start_field: &'static str,
        now: i64,
    ) -> Result<Move, AppError> {
        let mentor = self.mentor_of(meeting.mentorship).await?;
        let members = self.members_of(meeting.mentorship).await?;
        let free_slot = match bookings::of_meeting(&self.db, meeting.id).await? {
            Some(b) if role != MemberRole::Mentor && b.one_off => Some(Audience::OneOff),
            Some(_) if role != MemberRole::Mentor => Some(Audience::Mentee),
            _ => None,
        };
        if let Some(audience) = free_slot {
            let mut errors = FieldErrors::new();
            let wanted = Wanted {
                start: Some(to.starts_at),
                duration_minutes: (to.ends_at - to.starts_at) / 60_000,
                audience,
            };
            match store::get(&self.db, mentor.id).await? {
                Some(r) => check_slot(
                    &mut errors,
                    (start_field, "duration_minutes"),
                    &mentor.name,
                    &r.availability,
                    &wanted,
                    now,
                ),
                None => errors.add(
                    start_field,
                    format!("{} has not published any free time", mentor.name),
                ),
            }
            errors.into_result()?;
        }
        Ok(Move {
            meeting: meeting.id,
            mentorship: meeting.mentorship,
            mentor,
            mover: viewer.id,
            members,
            from: meeting.starts_at,
            to,
            free_slot,
        })
    }

    /// Checks a move inside the transaction that makes it, after locking the mentor's and
    /// the mover's rows: [`move_taken`] if the time is not free.
    pub(crate) async fn check_move(
        &self,
        tx: &mut Conn,
        m: &Move,
        now: i64,
    ) -> Result<(), AppError> {
        let mut people = m.members.clone();
        people.push(m.mover);
        self.lock_people(tx, &people).await?;
        let free = match m.free_slot {
            Some(audience) => {
                // A one-off conversation moved into another month counts against it.
                if audience == Audience::OneOff
                    && let Some(r) = store::get_in(tx, m.mentor.id).await?
                    && !same_month(r.availability.time_zone, m.from, m.to.starts_at)
                {
                    month_left(tx, &m.mentor, &r, m.to.starts_at).await?;
                }
                let ask = TimeAsk {
                    mentor: m.mentor.id,
                    booker: m.mover,
                    slot: m.to,
                    audience,
                    moving: Some(m.meeting),
                };
                self.still_free(tx, &ask, now).await?
            }
            None => clear_of_sessions(tx, &people, m.to, Some(m.meeting)).await?,
        };
        if free {
            Ok(())
        } else {
            Err(move_taken(Vec::new()))
        }
    }

    /// The answer to a move that clashed: the free times now for the session's length, as
    /// the mover would book them (none if the mentor publishes no free time).
    pub(crate) async fn move_clash(&self, viewer: &Viewer, m: &Move) -> AppError {
        let duration = (m.to.ends_at - m.to.starts_at) / 60_000;
        if m.free_slot == Some(Audience::OneOff) {
            let params = SlotParams {
                duration: Some(duration),
                ..SlotParams::default()
            };
            let list = self.one_off_slots(viewer, m.mentor.id, &params).await;
            return move_taken(list.map(|l| l.slots).unwrap_or_default());
        }
        self.session_clash(viewer, m.mentorship, duration).await
    }

    /// The answer to a session of `duration` minutes that clashed with another, moved or
    /// scheduled by hand: the mentorship's free times now for that length (none if the
    /// mentor publishes no free time).
    pub(crate) async fn session_clash(
        &self,
        viewer: &Viewer,
        mentorship: MentorshipId,
        duration: i64,
    ) -> AppError {
        let params = SlotParams {
            duration: Some(duration),
            ..SlotParams::default()
        };
        let list = self.mentorship_slots(viewer, mentorship, &params).await;
        move_taken(list.map(|l| l.slots).unwrap_or_default())
    }
}

/// Whether `slot` is clear of every scheduled session of each of `people`, `besides` the
/// one being moved: the rule every session keeps, scheduled by hand or moved (a booking
/// keeps it through the mentor's free slots). The caller holds their locks.
pub(crate) async fn clear_of_sessions(
    tx: &mut Conn,
    people: &[PersonId],
    slot: Slot,
    besides: Option<MeetingId>,
) -> Result<bool, AppError> {
    for &person in people {
        let busy = bookings::busy_in(tx, person, slot.starts_at, slot.ends_at, besides).await?;
        if !busy.is_empty() {
            return Ok(false);
        }
    }
    Ok(true)
}

pub(crate) fn move_taken(slots: Vec<SlotView>) -> AppError {
    AppError::SlotTaken {
        message: MOVE_TAKEN.to_owned(),
        slots,
    }
}
