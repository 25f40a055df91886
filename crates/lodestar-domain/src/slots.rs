//! Free slots: the times a session of a given length can start, from a mentor's
//! [`Availability`], the intervals when they are busy, the clock, and a range. Pure: the
//! same input gives the same slots, so the booking service can ask again inside its
//! transaction whether a requested start is still one of them.
//!
//! The rules, chosen and kept here:
//!
//! - **Local time, per date.** A weekly window is local time in the mentor's zone and is
//!   resolved to instants separately on each date, so Tuesdays 09:00 in Europe/London is
//!   09:00 London time before and after each change of the clocks, whatever the offset.
//! - **A 15-minute grid.** Candidate starts are every [`SLOT_STEP_MINUTES`] minutes of
//!   local time from the start of a window (09:00, 09:15, …), as long as the whole session
//!   fits before the window's end. Windows and extra times of one date that overlap or
//!   touch are joined first, so 09:00–10:00 and 10:00–11:00 offer 09:30 for an hour.
//! - **Clock changes.** A candidate start whose local time does not exist (the gap when
//!   the clocks go forward) is skipped, not shifted: every slot starts at a local time the
//!   mentor can read on their clock. A local time that happens twice (the overlap when the
//!   clocks go back) means the first of the two. A window's own bounds that fall in a gap
//!   are read with the offset in force before it (as RFC 5545 reads such a DTSTART), which
//!   moves them forward by the gap's length; a slot must start and end inside those
//!   instants, so a session never runs past the end of a window in elapsed time.
//! - **Busy time and buffer.** A slot may not come within the buffer of a busy interval on
//!   either side: `[start, end)` must not meet `[busy_start − buffer, busy_end + buffer)`.
//! - **Notice and range.** A slot starts no earlier than `now + min_notice_hours`, and at
//!   or after `from` and before `to`.
//! - **Audience.** Mentees see every window; people booking a one-off conversation see
//!   only the windows and extra times marked for it.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

use crate::availability::{Availability, DaySpan, Exception};

/// Candidate starts are this many minutes apart, from the start of a window.
pub const SLOT_STEP_MINUTES: i64 = 15;
const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 60 * MINUTE_MS;

/// A bookable interval, UTC epoch milliseconds, `[starts_at, ends_at)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot {
    pub starts_at: i64,
    pub ends_at: i64,
}

impl Slot {
    /// Whether the slot overlaps any of `busy` (`(start, end)` pairs), touching aside: how
    /// the booker's own sessions keep a slot from them, without the mentor's buffer.
    pub fn meets_any(&self, busy: &[(i64, i64)]) -> bool {
        busy.iter()
            .any(|&(s, e)| s < self.ends_at && self.starts_at < e)
    }
}

/// Who is looking for a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// A member of one of the mentor's mentorships: every window.
    Mentee,
    /// Someone booking a one-off conversation: only the windows marked for it.
    OneOff,
}

/// What slots to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotQuery {
    /// The clock, for the minimum notice.
    pub now: i64,
    /// Slots start at or after `from` and before `to`.
    pub from: i64,
    pub to: i64,
    pub duration_minutes: i64,
    pub audience: Audience,
}

impl Availability {
    /// The local spans open on `date` to `audience`, joined where they overlap or touch,
    /// in order.
    pub fn spans_on(&self, date: NaiveDate, audience: Audience) -> Vec<DaySpan> {
        let open = |one_off: bool| audience == Audience::Mentee || one_off;
        let off = self
            .exceptions
            .iter()
            .any(|e| matches!(e, Exception::Off { from, to } if *from <= date && date <= *to));
        let mut spans: Vec<DaySpan> = Vec::new();
        if !off {
            spans.extend(
                self.weekly
                    .iter()
                    .filter(|w| w.day == date.weekday() && open(w.one_off))
                    .map(|w| w.span),
            );
        }
        spans.extend(self.exceptions.iter().filter_map(|e| match *e {
            Exception::Extra {
                date: d,
                span,
                one_off,
            } if d == date && open(one_off) => Some(span),
            _ => None,
        }));
        spans.sort_unstable();
        let mut joined: Vec<DaySpan> = Vec::with_capacity(spans.len());
        for span in spans {
            match joined.last_mut() {
                Some(last) if span.from <= last.to => last.to = last.to.max(span.to),
                _ => joined.push(span),
            }
        }
        joined
    }

    /// The free slots for `query`, given the mentor's busy intervals (sessions in any of
    /// their mentorships, and busy times from their own calendar), earliest first.
    pub fn free_slots(&self, busy: &[(i64, i64)], query: &SlotQuery) -> Vec<Slot> {
        let duration_ms = query.duration_minutes.saturating_mul(MINUTE_MS);
        if duration_ms <= 0 || query.to <= query.from {
            return Vec::new();
        }
        let busy = Busy::new(busy, self.buffer_minutes.saturating_mul(MINUTE_MS));
        let earliest = query
            .from
            .max(query.now.saturating_add(self.min_notice_hours * HOUR_MS));
        let tz = self.time_zone;
        // A day either side: a local date can start up to 14 hours before or after UTC's.
        let (Some(first), Some(last)) = (local_date(tz, query.from), local_date(tz, query.to))
        else {
            return Vec::new();
        };
        let mut slots = Vec::new();
        let mut date = first - Duration::days(1);
        while date <= last + Duration::days(1) {
            for span in self.spans_on(date, query.audience) {
                let open = bound_instant(tz, at(date, span.from));
                let close = bound_instant(tz, at(date, span.to));
                let mut minute = i64::from(span.from);
                while minute + query.duration_minutes <= i64::from(span.to) {
                    let candidate = start_instant(tz, at_minutes(date, minute));
                    minute += SLOT_STEP_MINUTES;
                    let Some(start) = candidate else { continue };
                    let end = start + duration_ms;
                    if start < open || end > close || start < earliest || start >= query.to {
                        continue;
                    }
                    if !busy.meets(start, end) {
                        slots.push(Slot {
                            starts_at: start,
                            ends_at: end,
                        });
                    }
                }
            }
            date += Duration::days(1);
        }
        slots.sort_unstable();
        slots.dedup();
        slots
    }
}

/// Busy intervals widened by the buffer, joined, in order: one binary search per slot.
struct Busy(Vec<(i64, i64)>);

impl Busy {
    fn new(busy: &[(i64, i64)], buffer_ms: i64) -> Self {
        let mut wide: Vec<(i64, i64)> = busy
            .iter()
            .filter(|(s, e)| e > s)
            .map(|&(s, e)| (s.saturating_sub(buffer_ms), e.saturating_add(buffer_ms)))
            .collect();
        wide.sort_unstable();
        let mut joined: Vec<(i64, i64)> = Vec::with_capacity(wide.len());
        for (s, e) in wide {
            match joined.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => joined.push((s, e)),
            }
        }
        Self(joined)
    }

    /// Whether `[start, end)` meets any busy interval.
    fn meets(&self, start: i64, end: i64) -> bool {
        let i = self.0.partition_point(|&(_, e)| e <= start);
        self.0.get(i).is_some_and(|&(s, _)| s < end)
    }
}

fn at(date: NaiveDate, minutes: u16) -> NaiveDateTime {
    at_minutes(date, i64::from(minutes))
}

fn at_minutes(date: NaiveDate, minutes: i64) -> NaiveDateTime {
    date.and_time(chrono::NaiveTime::MIN) + Duration::minutes(minutes)
}

/// The local date of an instant in `tz`.
pub fn local_date(tz: Tz, ms: i64) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&tz).date_naive())
}

/// A slot's start: the instant of a local time, the first of two in an overlap, none in
/// a gap.
pub fn start_instant(tz: Tz, local: NaiveDateTime) -> Option<i64> {
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.timestamp_millis())
}

/// A window's bound: like [`start_instant`], except that a local time in a gap is read
/// with the offset in force before the gap (RFC 5545 §3.3.5), which lands after it.
pub fn bound_instant(tz: Tz, local: NaiveDateTime) -> i64 {
    if let Some(ms) = start_instant(tz, local) {
        return ms;
    }
    // More than a day before the local time in UTC is before the change whatever the
    // zone's offset (at most 14 hours), and no zone changes its clocks twice in a day.
    let probe = local - Duration::hours(26);
    let before = tz.offset_from_utc_datetime(&probe).fix().local_minus_utc();
    (local - Duration::seconds(i64::from(before)))
        .and_utc()
        .timestamp_millis()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
