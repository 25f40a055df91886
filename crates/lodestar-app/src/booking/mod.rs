//! Booking a mentor's free time: publishing availability, listing a mentorship's free
//! slots in the viewer's own time zone, and booking one in a click.
//!
//! Anyone may publish an availability (it is a mentor's tool; it shows only where they
//! mentor). Only the members of an active mentorship see its mentor's slots or book one;
//! to anyone else the mentorship does not exist (404).
//!
//! A booking is exactly a session, made through the same path as one scheduled by hand
//! ([`App::insert_meeting`]: the timeline, the notices, the invitation e-mail). What it
//! adds is the race: in one transaction it locks the mentor's person row
//! (`mentorships::lock_person`), reads the mentor's scheduled sessions in every one of
//! their mentorships, asks [`Availability::free_slots`] again whether the start is still
//! free, and only then inserts the session and its `bookings` row (whose partial unique
//! index refuses a second active booking of the mentor at one start). Of two people
//! booking the same or overlapping time, one wins; the other gets
//! [`AppError::SlotTaken`] with the free slots as they are now.

mod checks;
pub(crate) mod moves;
mod one_off;
mod views;

use chrono_tz::Tz;
use lodestar_domain::availability::{self as rules, Availability};
use lodestar_domain::mentoring::{MemberRole, NotificationKind};
use lodestar_domain::slots::{Audience, Slot, SlotQuery};
use lodestar_domain::{FieldErrors, MeetingId, MentorshipId, PersonId};
use lodestar_store::availability::{self as store, AvailabilityRecord};
use lodestar_store::bookings::{self, NewBooking};
use lodestar_store::meetings::{self as meetings_store, NewMeeting};
use lodestar_store::{Conn, busy_times, mentorships, now_ms};

use crate::busy_calendar;
use crate::meetings::{SessionView, require_active};
use crate::{App, AppError, Viewer};
use checks::{check_booking, slot_range};
pub use moves::MOVE_TAKEN;
pub use one_off::{MAX_TOPIC, OneOffInput};
pub use views::*;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// The longest range of slots asked for at once.
pub const MAX_RANGE_DAYS: i64 = 31;
/// The range listed when none is asked for.
pub const DEFAULT_RANGE_DAYS: i64 = 14;
/// How far ahead a slot can be booked.
pub const MAX_AHEAD_DAYS: i64 = 366;

/// What a taken slot's answer says, on the page and in the API.
pub const SLOT_TAKEN: &str = "Someone just booked that time — here are the free times now";

impl App {
    /// The viewer's availability, or the starting values (in their profile's time zone)
    /// if they have not published one.
    pub async fn my_availability(&self, viewer: &Viewer) -> Result<AvailabilityView, AppError> {
        Ok(match store::get(&self.db, viewer.id).await? {
            Some(r) => view_of(&r),
            None => {
                let tz = meetings_store::time_zone_of(&self.db, viewer.id).await?;
                let raw = rules::RawAvailability {
                    time_zone: tz,
                    weekly: Vec::new(),
                    exceptions: Vec::new(),
                    min_notice_hours: 24,
                    buffer_minutes: 15,
                    durations: vec![30, 60],
                };
                AvailabilityView::from_raw(raw, None, 0, None)
            }
        })
    }

    /// Publishes the viewer's availability, replacing the last one. Every field is checked
    /// and every problem reported; nothing is written unless all is well.
    pub async fn set_availability(
        &self,
        viewer: &Viewer,
        input: &AvailabilityInput,
    ) -> Result<AvailabilityView, AppError> {
        let mut errors = FieldErrors::new();
        let availability = match Availability::parse(&input.clone().into()) {
            Ok(a) => Some(a),
            Err(e) => {
                for (field, message) in e.iter() {
                    errors.add(field, message);
                }
                None
            }
        };
        // The one check of the address: the fetcher's own, so an address it would refuse
        // is refused here, beside the field, before anything is written.
        let allow_private = self.policy.busy_calendars.limits.allow_private;
        let url = match busy_calendar::parse_url(
            input.busy_calendar_url.as_deref().unwrap_or(""),
            allow_private,
        ) {
            Ok(url) => url,
            Err(AppError::Invalid(e)) => {
                for (field, message) in e.iter() {
                    errors.add(field, message);
                }
                None
            }
            Err(e) => return Err(e),
        };
        if !(0..=100).contains(&input.one_off_monthly_limit) {
            errors.add("one_off_monthly_limit", "must be between 0 and 100");
        }
        errors.into_result()?;
        let Some(availability) = availability else {
            return Err(AppError::Internal("availability checked but absent".into()));
        };
        let record = AvailabilityRecord {
            availability,
            busy_calendar_url: url,
            one_off_monthly_limit: input.one_off_monthly_limit,
            updated_at: now_ms(),
        };
        let mut tx = self.db.begin().await?;
        let before = busy_times::url_of(&mut tx, viewer.id).await?;
        store::save(&mut tx, viewer.id, &record).await?;
        // The calendar the fetcher reads: set (and due at once) when the address changes.
        if before.as_deref() != record.busy_calendar_url.as_deref() {
            busy_times::set_calendar(
                &mut tx,
                viewer.id,
                record.busy_calendar_url.as_deref(),
                now_ms(),
            )
            .await?;
        }
        lodestar_store::commit(tx).await?;
        Ok(view_of(&record))
    }

    /// The free slots of a mentorship's mentor, for its members, in the viewer's zone.
    pub async fn mentorship_slots(
        &self,
        viewer: &Viewer,
        mentorship: MentorshipId,
        params: &SlotParams,
    ) -> Result<SlotList, AppError> {
        // One read for the state, the members and the mentor's availability.
        let (state, members) = store::slot_context(&self.db, mentorship)
            .await?
            .ok_or(AppError::NotFound("mentorship"))?;
        let me = members
            .iter()
            .find(|m| m.person == viewer.id)
            .ok_or(AppError::NotFound("mentorship"))?;
        require_active(state)?;
        let tz: Tz = me.time_zone.parse().unwrap_or(Tz::UTC);
        let mentor = members
            .into_iter()
            .find(|m| m.role == MemberRole::Mentor)
            .ok_or(AppError::NotFound("mentorship"))?;
        let record = mentor.availability;
        let mentor = Named {
            id: mentor.person,
            name: mentor.name,
        };
        let now = now_ms();
        let offered = record.as_ref().map(|r| r.availability.durations.clone());
        let (from, to, duration) = slot_range(params, tz, now, &mentor.name, offered.as_deref())?;
        let slots = match &record {
            Some(r) => {
                let query = SlotQuery {
                    now,
                    from,
                    to,
                    duration_minutes: duration,
                    audience: Audience::Mentee,
                };
                self.open_slots(viewer.id, mentor.id, &r.availability, &query)
                    .await?
            }
            None => Vec::new(),
        };
        Ok(SlotList {
            published: record.is_some(),
            mentor_name: mentor.name,
            time_zone: tz.name().to_owned(),
            duration_minutes: duration,
            durations: offered.unwrap_or_default(),
            slots: slots.into_iter().map(|s| SlotView::new(s, tz)).collect(),
        })
    }

    /// Books one of the mentor's free slots as a session of the mentorship. Any member
    /// may book; the session's organiser is who booked it, and the others get the
    /// invitation.
    pub async fn book_session(
        &self,
        viewer: &Viewer,
        mentorship: MentorshipId,
        input: &BookingInput,
    ) -> Result<SessionView, AppError> {
        let membership = self.membership_of(viewer, mentorship).await?;
        require_active(membership.state)?;
        let mentor = self.mentor_of(mentorship).await?;
        let now = now_ms();
        let record = store::get(&self.db, mentor.id).await?;
        let (start, agenda) = check_booking(&mentor.name, record.as_ref(), input, now)?;
        let duration = input.duration_minutes;
        let slot = Slot {
            starts_at: start,
            ends_at: start + duration * 60_000,
        };
        let id = MeetingId::new();
        let time_zone = meetings_store::time_zone_of(&self.db, viewer.id).await?;
        let result: Result<(), AppError> = async {
            let mut tx = self.db.begin().await?;
            // The state is read again in the transaction (a pause meanwhile refuses), then
            // the mentor is locked: bookings of their time wait here for each other.
            let current = mentorships::state_in(&mut tx, self.db.backend(), mentorship, viewer.id)
                .await?
                .ok_or(AppError::NotFound("mentorship"))?;
            require_active(current)?;
            self.lock_people(&mut tx, &[mentor.id, viewer.id]).await?;
            let ask = TimeAsk {
                mentor: mentor.id,
                booker: viewer.id,
                slot,
                audience: Audience::Mentee,
                moving: None,
            };
            if !self.still_free(&mut tx, &ask, now).await? {
                return Err(slot_taken(Vec::new()));
            }
            let new = NewMeeting {
                id,
                mentorship,
                organizer: viewer.id,
                starts_at: start,
                duration_minutes: duration,
                time_zone: time_zone.clone(),
                location: String::new(),
                agenda,
            };
            self.insert_meeting(&mut tx, viewer, &new, NotificationKind::SessionBooked, now)
                .await?;
            let booking = NewBooking {
                meeting: id,
                mentor: mentor.id,
                booked_by: viewer.id,
                starts_at: slot.starts_at,
                ends_at: slot.ends_at,
                one_off: false,
            };
            bookings::insert(&mut tx, &booking, now).await?;
            lodestar_store::commit(tx).await?;
            Ok(())
        }
        .await;
        match result {
            Ok(()) => {
                tracing::info!(meeting = %id, %mentorship, "session booked");
                self.meeting(viewer, id).await
            }
            Err(e) if is_taken(&e) => {
                let fresh = SlotParams {
                    duration: Some(duration),
                    ..SlotParams::default()
                };
                let slots = self.mentorship_slots(viewer, mentorship, &fresh).await?;
                Err(slot_taken(slots.slots))
            }
            Err(e) => Err(e),
        }
    }

    /// Locks the person rows of everyone whose time a booking or a move takes, in id
    /// order, so that two transactions locking the same two people cannot wait for each
    /// other (PostgreSQL; SQLite has one writer).
    pub(crate) async fn lock_people(
        &self,
        tx: &mut Conn,
        people: &[PersonId],
    ) -> Result<(), AppError> {
        let mut people = people.to_vec();
        people.sort_unstable();
        people.dedup();
        for person in people {
            mentorships::lock_person(tx, self.db.backend(), person).await?;
        }
        Ok(())
    }

    /// Whether the asked time is still one of the mentor's free slots and clear of the
    /// booker's own sessions, asked inside the booking (or moving) transaction after both
    /// rows are locked.
    pub(crate) async fn still_free(
        &self,
        tx: &mut Conn,
        ask: &TimeAsk,
        now: i64,
    ) -> Result<bool, AppError> {
        let Some(record) = store::get_in(tx, ask.mentor).await? else {
            return Ok(false);
        };
        let a = &record.availability;
        let margin = a.buffer_minutes * 60_000;
        let (from, to) = (ask.slot.starts_at - margin, ask.slot.ends_at + margin);
        let mut busy = bookings::busy_in(tx, ask.mentor, from, to, ask.moving).await?;
        busy.extend(busy_times::between_in(tx, ask.mentor, from, to).await?);
        let query = SlotQuery {
            now,
            from: ask.slot.starts_at,
            to: ask.slot.starts_at + 1,
            duration_minutes: (ask.slot.ends_at - ask.slot.starts_at) / 60_000,
            audience: ask.audience,
        };
        if !a.free_slots(&busy, &query).contains(&ask.slot) {
            return Ok(false);
        }
        // The booker's own other sessions, in any mentorship and role (none to add when
        // the booker is the mentor: those are the mentor's busy time already).
        if ask.booker == ask.mentor {
            return Ok(true);
        }
        let own = bookings::busy_in(
            tx,
            ask.booker,
            ask.slot.starts_at,
            ask.slot.ends_at,
            ask.moving,
        )
        .await?;
        Ok(own.is_empty())
    }

    /// The mentor's free slots for `query` as `viewer` may book them: less the mentor's
    /// busy time (their sessions in every mentorship and what their own calendar says
    /// — see [`crate::busy_calendar`] — with the buffer) and less the viewer's own other
    /// sessions, which they could not attend at once (no buffer: that is the mentor's).
    pub(crate) async fn open_slots(
        &self,
        viewer: PersonId,
        mentor: PersonId,
        a: &Availability,
        query: &SlotQuery,
    ) -> Result<Vec<Slot>, AppError> {
        // Busy time and calendar busy times widened by the buffer, as the slots meet them.
        // The last slot starts before `to` and ends a session's length later.
        let last_end = query.to + query.duration_minutes * 60_000;
        let margin = a.buffer_minutes * 60_000;
        let (from, to) = (query.from - margin, last_end + margin);
        // Sessions and calendar busy times in one read: a round trip each was a good part
        // of a slots answer (docs/benchmarks.md).
        let busy = bookings::busy_with_calendar(&self.db, mentor, from, to).await?;
        let mut slots = a.free_slots(&busy, query);
        if viewer != mentor {
            let own = bookings::busy(&self.db, viewer, query.from, last_end).await?;
            slots.retain(|s| !s.meets_any(&own));
        }
        Ok(slots)
    }

    /// The first mentor of a mentorship, with their name.
    pub(crate) async fn mentor_of(&self, mentorship: MentorshipId) -> Result<Named, AppError> {
        meetings_store::attendees(&self.db, mentorship)
            .await?
            .into_iter()
            .find(|a| a.role == MemberRole::Mentor)
            .map(|a| Named {
                id: a.person,
                name: a.name,
            })
            .ok_or(AppError::NotFound("mentorship"))
    }

    /// Everyone in `mentorship`: its mentor and mentee.
    pub(crate) async fn members_of(
        &self,
        mentorship: MentorshipId,
    ) -> Result<Vec<PersonId>, AppError> {
        Ok(meetings_store::attendees(&self.db, mentorship)
            .await?
            .into_iter()
            .map(|a| a.person)
            .collect())
    }

    pub(crate) async fn zone_of(&self, person: PersonId) -> Result<Tz, AppError> {
        Ok(meetings_store::time_zone_of(&self.db, person)
            .await?
            .parse()
            .unwrap_or(Tz::UTC))
    }
}

/// A time asked for in a booking transaction: whose free slot, for whom, and (when a
/// session is moved) which session not to count.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TimeAsk {
    pub mentor: PersonId,
    pub booker: PersonId,
    pub slot: Slot,
    pub audience: Audience,
    pub moving: Option<MeetingId>,
}

/// A person by id and name.
#[derive(Clone, Debug)]
pub(crate) struct Named {
    pub id: PersonId,
    pub name: String,
}

fn view_of(r: &AvailabilityRecord) -> AvailabilityView {
    AvailabilityView::from_raw(
        r.availability.to_raw(),
        r.busy_calendar_url.clone(),
        r.one_off_monthly_limit,
        Some(r.updated_at),
    )
}

pub(crate) fn slot_taken(slots: Vec<SlotView>) -> AppError {
    AppError::SlotTaken {
        message: SLOT_TAKEN.to_owned(),
        slots,
    }
}

/// A refusal because the time is taken: the check under the lock, or the unique index.
pub(crate) fn is_taken(e: &AppError) -> bool {
    match e {
        AppError::SlotTaken { .. } => true,
        AppError::Conflict { code, .. } => *code == "slot_taken",
        _ => false,
    }
}
