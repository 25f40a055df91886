//! What a booking's fields must be before any lock is taken: a start that is one of the
//! mentor's slots at all (their busy time aside), a length they offer, a readable agenda;
//! and how a range's ends are read. A booking, a one-off conversation and the move of a
//! booked session ask [`check_slot`] the same question.

use chrono::{DateTime, NaiveDate, TimeZone};
use chrono_tz::Tz;
use lodestar_domain::availability::Availability;
use lodestar_domain::slots::{Audience, SlotQuery};
use lodestar_domain::{FieldErrors, text};
use lodestar_store::availability::AvailabilityRecord;

use super::{BookingInput, DAY_MS, DEFAULT_RANGE_DAYS, MAX_AHEAD_DAYS, MAX_RANGE_DAYS, SlotParams};
use crate::AppError;
use crate::meetings::MAX_AGENDA;

/// Checks a booking's fields against the mentor's availability without their busy time:
/// a start that is not one of their slots at all (03:17, or outside every window) is a
/// field error, not a taken slot. Returns the start and the agenda.
pub(super) fn check_booking(
    mentor_name: &str,
    record: Option<&AvailabilityRecord>,
    input: &BookingInput,
    now: i64,
) -> Result<(i64, String), AppError> {
    let mut errors = FieldErrors::new();
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
    let agenda = errors.check("agenda", text::multi_line(&input.agenda, MAX_AGENDA));
    let Some(record) = record else {
        errors.add(
            "starts_at",
            format!("{mentor_name} has not published any free time"),
        );
        return Err(AppError::Invalid(errors));
    };
    let wanted = Wanted {
        start,
        duration_minutes: input.duration_minutes,
        audience: Audience::Mentee,
    };
    check_slot(
        &mut errors,
        FIELDS,
        mentor_name,
        &record.availability,
        &wanted,
        now,
    );
    errors.into_result()?;
    Ok((start.unwrap_or_default(), agenda.unwrap_or_default()))
}

/// The fields a start and a length are reported on: `starts_at` and `duration_minutes` in
/// the API; a page's form names its own.
pub(crate) type Fields = (&'static str, &'static str);
pub(crate) const FIELDS: Fields = ("starts_at", "duration_minutes");

/// A start and length asked for, and by whom.
pub(crate) struct Wanted {
    /// `None` if it could not be read (already reported).
    pub start: Option<i64>,
    pub duration_minutes: i64,
    pub audience: Audience,
}

/// Whether `wanted` is one of the availability's slots at all, the mentor's busy time
/// aside: a length they offer, a start within the next year on their grid, inside a
/// window open to the audience and after their notice. What is not is reported on
/// `fields`, as the booking and the move of a booked session both say it.
pub(crate) fn check_slot(
    errors: &mut FieldErrors,
    (start_field, duration_field): Fields,
    mentor_name: &str,
    a: &Availability,
    wanted: &Wanted,
    now: i64,
) {
    let duration = wanted.duration_minutes;
    if !a.offers(duration) {
        errors.add(duration_field, offered_message(mentor_name, &a.durations));
    }
    let Some(start) = wanted.start else { return };
    if start > now + MAX_AHEAD_DAYS * DAY_MS {
        errors.add(start_field, "must be within the next year");
    } else if a.offers(duration) {
        let query = SlotQuery {
            now,
            from: start,
            to: start + 1,
            duration_minutes: duration,
            audience: wanted.audience,
        };
        if a.free_slots(&[], &query).first().map(|s| s.starts_at) != Some(start) {
            let message = match wanted.audience {
                Audience::Mentee => format!(
                    "is not one of {mentor_name}'s free times (outside their availability, within their minimum notice, or not on the quarter hour)"
                ),
                Audience::OneOff => format!("is not one of {mentor_name}'s one-off times"),
            };
            errors.add(start_field, message);
        }
    }
}

pub(super) fn offered_message(mentor_name: &str, offered: &[i64]) -> String {
    if offered.is_empty() {
        return format!("{mentor_name} offers no session lengths yet");
    }
    let list: Vec<String> = offered.iter().map(ToString::to_string).collect();
    format!(
        "must be one of the lengths {mentor_name} offers: {} minutes",
        list.join(", ")
    )
}

/// An instant from RFC 3339, or a date in `tz` (its start, or with `end` the start of the
/// next day).
pub(super) fn parse_moment(raw: &str, tz: Tz, end: bool) -> Result<i64, &'static str> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.timestamp_millis());
    }
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| "must be a date (YYYY-MM-DD) or a date and time with its offset")?;
    let date = if end {
        date.succ_opt().unwrap_or(date)
    } else {
        date
    };
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    // Midnight can fall in a gap (some zones change their clocks at 00:00).
    Ok(tz.from_local_datetime(&midnight).earliest().map_or_else(
        || midnight.and_utc().timestamp_millis(),
        |t| t.timestamp_millis(),
    ))
}

/// The range and session length a slot listing asks for: `from` (default now) and `to`
/// (default two weeks later, at most 31 days after `from`), each RFC 3339 or a date in
/// the viewer's zone; the length one the mentor offers (default their shortest). With no
/// availability published, any length goes (there are no slots to list).
pub(super) fn slot_range(
    params: &SlotParams,
    tz: Tz,
    now: i64,
    mentor_name: &str,
    offered: Option<&[i64]>,
) -> Result<(i64, i64, i64), AppError> {
    let mut errors = FieldErrors::new();
    let from = match &params.from {
        Some(raw) => errors.check("from", parse_moment(raw, tz, false)),
        None => Some(now),
    };
    let to = match (&params.to, from) {
        (Some(raw), _) => errors.check("to", parse_moment(raw, tz, true)),
        (None, Some(from)) => Some(from + DEFAULT_RANGE_DAYS * DAY_MS),
        (None, None) => None,
    };
    if let (Some(from), Some(to)) = (from, to) {
        if to <= from {
            errors.add("to", "must be after from");
        } else if to - from > MAX_RANGE_DAYS * DAY_MS {
            errors.add(
                "to",
                format!("must be at most {MAX_RANGE_DAYS} days after from"),
            );
        }
    }
    let shortest = offered.and_then(|o| o.first().copied());
    let duration = params.duration.or(shortest).unwrap_or(0);
    if let Some(offered) = offered
        && !offered.contains(&duration)
    {
        errors.add("duration", offered_message(mentor_name, offered));
    }
    errors.into_result()?;
    Ok((from.unwrap_or(now), to.unwrap_or(now), duration))
}
