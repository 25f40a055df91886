//! One-off conversations (flash mentoring): a mentor opens some of their free time (the
//! windows and extra times marked `one_off`) to people they do not mentor, up to a number
//! a month they set. Booking one makes a mentorship of its own kind (`flash`) with the
//! booker as mentee, its topic as the goals, and the session with its invitation, as any
//! other; it takes no place of the mentor's capacity and ends after its session (the
//! lifecycle clock, [`App::end_finished_one_offs`]). Either side can then turn it into a
//! request, from its page.
//!
//! The monthly limit holds as capacity does: counted in the booking transaction, under
//! the mentor's lock, from the active one-off bookings that start in the same calendar
//! month of the mentor's zone.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use lodestar_domain::mentoring::{Cadence, MemberRole, NotificationKind};
use lodestar_domain::slots::{Audience, Slot, SlotQuery};
use lodestar_domain::{FieldErrors, MeetingId, MentorshipId, PersonId, text};
use lodestar_store::Conn;
use lodestar_store::availability::{self as store, AvailabilityRecord};
use lodestar_store::bookings::{self, NewBooking};
use lodestar_store::meetings::{self as meetings_store, NewMeeting};
use lodestar_store::mentorships::{self, NewMentorship};
use lodestar_store::{StoreError, blocks, now_ms, profiles};

use super::checks::{FIELDS, Wanted, check_slot};
use super::{Named, SlotList, SlotParams, SlotView, TimeAsk, is_taken, slot_range, slot_taken};
use crate::meetings::SessionView;
use crate::{App, AppError, Viewer};

/// The longest topic note.
pub const MAX_TOPIC: usize = 500;

/// `POST /api/v1/mentors/{id}/one-off-bookings`.
#[derive(Clone, Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OneOffInput {
    /// A start from the mentor's one-off slots (RFC 3339 with an offset).
    #[schema(example = "2026-12-01T10:00:00+01:00")]
    pub starts_at: String,
    /// One of the lengths the mentor offers.
    #[schema(example = 30)]
    pub duration_minutes: i64,
    /// What you would like to talk about: 1–500 characters.
    #[schema(
        max_length = 500,
        example = "Moving from support into product management"
    )]
    pub topic: String,
}

impl App {
    /// A mentor's one-off slots for `viewer`, in the viewer's zone: the windows marked for
    /// one-off conversations, less the mentor's sessions, in months whose limit is not
    /// reached. Empty (`published: false`) if the mentor offers none.
    pub async fn one_off_slots(
        &self,
        viewer: &Viewer,
        mentor: PersonId,
        params: &SlotParams,
    ) -> Result<SlotList, AppError> {
        let mentor = self.one_off_mentor(viewer, mentor).await?;
        let record = store::get(&self.db, mentor.id)
            .await?
            .filter(offers_one_offs);
        let now = now_ms();
        let tz = self.zone_of(viewer.id).await?;
        let offered = record.as_ref().map(|r| r.availability.durations.clone());
        let (from, to, duration) = slot_range(params, tz, now, &mentor.name, offered.as_deref())?;
        let slots = match &record {
            Some(r) => {
                let a = &r.availability;
                let query = SlotQuery {
                    now,
                    from,
                    to,
                    duration_minutes: duration,
                    audience: Audience::OneOff,
                };
                let full = self.full_months(mentor.id, r, from, to).await?;
                self.open_slots(viewer.id, mentor.id, a, &query)
                    .await?
                    .into_iter()
                    .filter(|s| !full.contains(&month_of(a.time_zone, s.starts_at)))
                    .collect()
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

    /// Books a one-off conversation with a mentor: a `flash` mentorship of the two, its
    /// session (with the invitation) and the booking, in one transaction.
    pub async fn book_one_off(
        &self,
        viewer: &Viewer,
        mentor: PersonId,
        input: &OneOffInput,
    ) -> Result<SessionView, AppError> {
        let mentor = self.one_off_mentor(viewer, mentor).await?;
        let now = now_ms();
        let record = store::get(&self.db, mentor.id).await?;
        let (start, topic) = check(viewer, &mentor, record.as_ref(), input, now)?;
        let slot = Slot {
            starts_at: start,
            ends_at: start + input.duration_minutes * 60_000,
        };
        let time_zone = meetings_store::time_zone_of(&self.db, viewer.id).await?;
        let (mentorship, meeting) = (MentorshipId::new(), MeetingId::new());
        let result: Result<(), AppError> = async {
            let mut tx = self.db.begin().await?;
            self.lock_people(&mut tx, &[mentor.id, viewer.id]).await?;
            if mentorships::open_between(&mut tx, viewer.id, mentor.id).await? {
                return Err(AppError::Conflict {
                    code: "mentorship_exists",
                    field: None,
                    message: format!(
                        "you already have a mentorship with {}: book a session from its page",
                        mentor.name
                    ),
                });
            }
            let Some(record) = store::get_in(&mut tx, mentor.id)
                .await?
                .filter(offers_one_offs)
            else {
                return Err(slot_taken(Vec::new()));
            };
            month_left(&mut tx, &mentor, &record, start).await?;
            let ask = TimeAsk {
                mentor: mentor.id,
                booker: viewer.id,
                slot,
                audience: Audience::OneOff,
                moving: None,
            };
            if !self.still_free(&mut tx, &ask, now).await? {
                return Err(slot_taken(Vec::new()));
            }
            let new = NewMentorship {
                id: mentorship,
                request: None,
                members: vec![
                    (mentor.id, MemberRole::Mentor),
                    (viewer.id, MemberRole::Mentee),
                ],
                goals: topic.clone(),
                focus_areas: Vec::new(),
                skills: Vec::new(),
                cadence: Cadence::Monthly,
                expected_end_on: None,
                actor: viewer.id,
                programme: None,
            };
            mentorships::insert(&mut tx, &new).await?;
            mentorships::mark_flash(&mut tx, mentorship).await?;
            let started = crate::webhooks::mentorship_started(
                &new,
                lodestar_domain::mentoring::MentorshipKind::Flash,
            );
            self.queue_webhook(
                &mut tx,
                lodestar_domain::webhook::WebhookEvent::MentorshipStarted,
                started,
            )
            .await?;
            let session = NewMeeting {
                id: meeting,
                mentorship,
                organizer: viewer.id,
                starts_at: start,
                duration_minutes: input.duration_minutes,
                time_zone: time_zone.clone(),
                location: String::new(),
                agenda: topic.clone(),
            };
            self.insert_meeting(
                &mut tx,
                viewer,
                &session,
                NotificationKind::SessionBooked,
                now,
            )
            .await?;
            let booking = NewBooking {
                meeting,
                mentor: mentor.id,
                booked_by: viewer.id,
                starts_at: slot.starts_at,
                ends_at: slot.ends_at,
                one_off: true,
            };
            bookings::insert(&mut tx, &booking, now).await?;
            lodestar_store::commit(tx).await?;
            Ok(())
        }
        .await;
        match result {
            Ok(()) => {
                tracing::info!(%meeting, %mentorship, "one-off conversation booked");
                self.meeting(viewer, meeting).await
            }
            Err(e) if is_taken(&e) => {
                let fresh = SlotParams {
                    duration: Some(input.duration_minutes),
                    ..SlotParams::default()
                };
                let slots = self.one_off_slots(viewer, mentor.id, &fresh).await?;
                Err(slot_taken(slots.slots))
            }
            Err(e) => Err(e),
        }
    }

    /// Ends the one-off conversations whose session is over (see the lifecycle clock).
    pub async fn end_finished_one_offs(&self, now: i64) -> Result<usize, AppError> {
        let mut tx = self.db.begin().await?;
        let ended = mentorships::end_finished_flash(&mut tx, now).await?;
        for id in &ended {
            mentorships::record_event(&mut tx, *id, None, "one_off_ended", "").await?;
        }
        lodestar_store::commit(tx).await?;
        Ok(ended.len())
    }

    /// The mentor as `viewer` may book them: a listed mentor who has not blocked them (nor
    /// been blocked by them); anyone else is not found.
    async fn one_off_mentor(&self, viewer: &Viewer, id: PersonId) -> Result<Named, AppError> {
        let person = profiles::load(&self.db, id).await.map_err(|e| match e {
            StoreError::NotFound => AppError::NotFound("mentor"),
            other => other.into(),
        })?;
        let visible = person.profile.listed || id == viewer.id;
        if !visible
            || !person.profile.is_mentor
            || blocks::involving(&self.db, viewer.id).await?.contains(&id)
        {
            return Err(AppError::NotFound("mentor"));
        }
        Ok(Named {
            id,
            name: person.name,
        })
    }

    /// The months (in the mentor's zone) between `from` and `to` whose one-off limit is
    /// reached.
    async fn full_months(
        &self,
        mentor: PersonId,
        record: &AvailabilityRecord,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i32, u32)>, AppError> {
        let tz = record.availability.time_zone;
        let (start, _) = month_bounds(tz, from);
        let (_, end) = month_bounds(tz, to);
        let mut counts: Vec<((i32, u32), i64)> = Vec::new();
        for at in bookings::one_off_starts(&self.db, mentor, start, end).await? {
            let month = month_of(tz, at);
            match counts.iter_mut().find(|(m, _)| *m == month) {
                Some((_, n)) => *n += 1,
                None => counts.push((month, 1)),
            }
        }
        Ok(counts
            .into_iter()
            .filter(|(_, n)| *n >= record.one_off_monthly_limit)
            .map(|(m, _)| m)
            .collect())
    }
}

/// Refuses a one-off conversation at `start` if the mentor's limit for its month (in their
/// zone) is reached; counted under the mentor's lock.
pub(super) async fn month_left(
    tx: &mut Conn,
    mentor: &Named,
    record: &AvailabilityRecord,
    start: i64,
) -> Result<(), AppError> {
    let (month_start, month_end) = month_bounds(record.availability.time_zone, start);
    let taken = bookings::one_off_count_in(tx, mentor.id, month_start, month_end).await?;
    if taken >= record.one_off_monthly_limit {
        return Err(AppError::Conflict {
            code: "one_off_limit_reached",
            field: None,
            message: format!(
                "{} has no one-off conversations left that month; choose a time in another month",
                mentor.name
            ),
        });
    }
    Ok(())
}

/// Whether two instants fall in one calendar month of `tz`.
pub(super) fn same_month(tz: Tz, a: i64, b: i64) -> bool {
    month_of(tz, a) == month_of(tz, b)
}

/// Whether an availability offers one-off conversations at all.
fn offers_one_offs(r: &AvailabilityRecord) -> bool {
    r.one_off_monthly_limit > 0 && r.availability.has_one_off_time()
}

fn check(
    viewer: &Viewer,
    mentor: &Named,
    record: Option<&AvailabilityRecord>,
    input: &OneOffInput,
    now: i64,
) -> Result<(i64, String), AppError> {
    let mut errors = FieldErrors::new();
    let topic = match text::multi_line(&input.topic, MAX_TOPIC) {
        Ok(t) if t.is_empty() => {
            errors.add(
                "topic",
                "say in a few words what you would like to talk about",
            );
            None
        }
        Ok(t) => Some(t),
        Err(e) => {
            errors.add("topic", e.to_string());
            None
        }
    };
    if viewer.id == mentor.id {
        errors.add(
            "starts_at",
            "you cannot book a one-off conversation with yourself",
        );
        return Err(errors.into());
    }
    let start = match DateTime::parse_from_rfc3339(input.starts_at.trim()) {
        Ok(t) => Some(t.timestamp_millis()),
        Err(_) => {
            errors.add(
                "starts_at",
                "must be a date and time with its offset, such as 2026-12-05T10:00:00+01:00",
            );
            None
        }
    };
    let Some(record) = record.filter(|r| offers_one_offs(r)) else {
        errors.add(
            "starts_at",
            format!("{} offers no one-off conversations", mentor.name),
        );
        return Err(errors.into());
    };
    let wanted = Wanted {
        start,
        duration_minutes: input.duration_minutes,
        audience: Audience::OneOff,
    };
    check_slot(
        &mut errors,
        FIELDS,
        &mentor.name,
        &record.availability,
        &wanted,
        now,
    );
    errors.into_result()?;
    Ok((start.unwrap_or_default(), topic.unwrap_or_default()))
}

/// The calendar month of an instant in `tz`.
fn month_of(tz: Tz, ms: i64) -> (i32, u32) {
    let local = DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&tz);
    (local.year(), local.month())
}

/// The instants where the month of `ms` (in `tz`) starts and the next one starts.
fn month_bounds(tz: Tz, ms: i64) -> (i64, i64) {
    let (y, m) = month_of(tz, ms);
    let first = NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default();
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    }
    .unwrap_or_default();
    let at = |d: NaiveDate| {
        let midnight = d.and_time(chrono::NaiveTime::MIN);
        tz.from_local_datetime(&midnight).earliest().map_or_else(
            || midnight.and_utc().timestamp_millis(),
            |t| t.timestamp_millis(),
        )
    };
    (at(first), at(next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_counted_in_the_mentors_own_zone() {
        // 1 March 2026 00:30 in Auckland is still February in UTC.
        let tz: Tz = "Pacific/Auckland".parse().unwrap_or(Tz::UTC);
        let at = DateTime::parse_from_rfc3339("2026-02-28T11:30:00Z")
            .map(|t| t.timestamp_millis())
            .unwrap_or_default();
        assert_eq!(month_of(tz, at), (2026, 3));
        let (start, end) = month_bounds(tz, at);
        assert_eq!(
            DateTime::<Utc>::from_timestamp_millis(start).map(|t| t.to_rfc3339()),
            Some("2026-02-28T11:00:00+00:00".to_owned())
        );
        assert_eq!(
            DateTime::<Utc>::from_timestamp_millis(end).map(|t| t.to_rfc3339()),
            Some("2026-03-31T11:00:00+00:00".to_owned())
        );
    }
}
