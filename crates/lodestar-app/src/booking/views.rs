//! What the booking services take and give: the availability as the API and the
//! settings page write it, slots in the viewer's own time zone, and a booking.

use chrono::{DateTime, Datelike, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use lodestar_domain::availability::{RawAvailability, RawException, RawWindow};
use lodestar_domain::slots::Slot;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A weekly window, local time in the availability's zone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowInput {
    /// `mon` … `sun`.
    #[schema(example = "tue")]
    pub day: String,
    /// `HH:MM`, on a five-minute step.
    #[schema(example = "09:00")]
    pub from: String,
    /// `HH:MM` after `from`; `24:00` is the end of the day.
    #[schema(example = "11:00")]
    pub to: String,
    /// Also open to one-off conversations with people you do not mentor.
    #[serde(default)]
    pub one_off: bool,
}

/// A change to the weekly pattern: a day off (`{"kind": "off", "date"}`), a time off
/// such as a holiday (`{"kind": "off", "from_date", "to_date"}`, both days included), or
/// extra time on one date (`{"kind": "extra", "date", "from", "to"}`), which applies even
/// on a day off.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionInput {
    /// `off` or `extra`.
    #[schema(example = "off")]
    pub kind: String,
    /// `YYYY-MM-DD`: the day off, or the day of the extra time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "2026-12-25")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_date: Option<String>,
    /// `HH:MM`, for extra time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Extra time also open to one-off conversations.
    #[serde(default)]
    pub one_off: bool,
}

/// `PUT /api/v1/me/availability`: the whole availability, replacing what was there.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityInput {
    /// The IANA time zone the windows are in.
    #[schema(example = "Europe/London")]
    pub time_zone: String,
    /// At most 28, not overlapping on a day.
    #[serde(default)]
    pub weekly: Vec<WindowInput>,
    /// At most 60.
    #[serde(default)]
    pub exceptions: Vec<ExceptionInput>,
    /// 0–720: how long before a slot it can still be booked.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 720, example = 24)]
    pub min_notice_hours: i64,
    /// 0–120 in steps of 5: kept free before and after every session.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 120, example = 15)]
    pub buffer_minutes: i64,
    /// The session lengths offered: 1–6 of 15–240 minutes in steps of 5.
    #[schema(example = json!([30, 45, 60]))]
    pub durations: Vec<i64>,
    /// The address (`http`, `https` or `webcal`) of your own calendar, whose busy times
    /// block slots; empty or left out for none.
    #[serde(default)]
    #[schema(
        max_length = 2000,
        example = "https://calendar.example.org/me/busy.ics"
    )]
    pub busy_calendar_url: Option<String>,
    /// One-off conversations offered per month (0–100; 0: none).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100)]
    pub one_off_monthly_limit: i64,
}

/// The API's availability and the domain's raw one carry the same fields, typed the same
/// way: one list of them converts each way. `rows` are lists converted row by row; `api`
/// fields are the API's alone (left at their defaults coming from the domain).
macro_rules! same_fields {
    ($api:ty, $raw:ty { $($field:ident),* }
        $(rows { $($rows:ident),* })? $(api { $($extra:ident),* })?) => {
        impl From<$api> for $raw {
            fn from(row: $api) -> Self {
                Self {
                    $($field: row.$field,)*
                    $($($rows: row.$rows.into_iter().map(Into::into).collect(),)*)?
                }
            }
        }
        impl From<$raw> for $api {
            fn from(row: $raw) -> Self {
                Self {
                    $($field: row.$field,)*
                    $($($rows: row.$rows.into_iter().map(Into::into).collect(),)*)?
                    $($($extra: Default::default(),)*)?
                }
            }
        }
    };
}

same_fields!(
    WindowInput,
    RawWindow {
        day,
        from,
        to,
        one_off
    }
);
same_fields!(
    ExceptionInput,
    RawException {
        kind,
        date,
        from_date,
        to_date,
        from,
        to,
        one_off
    }
);
same_fields!(AvailabilityInput, RawAvailability { time_zone, min_notice_hours, buffer_minutes, durations }
    rows { weekly, exceptions } api { busy_calendar_url, one_off_monthly_limit });

/// Your availability as stored, or the starting values if you have not published one.
//
// Its fields are those of `AvailabilityInput` between `published` and `updated_at`, listed
// here rather than flattened: the input refuses unknown fields, and a flattened schema would
// say this answer's two more are not allowed.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AvailabilityView {
    /// Whether it is published (saved at least once).
    pub published: bool,
    pub time_zone: String,
    pub weekly: Vec<WindowInput>,
    pub exceptions: Vec<ExceptionInput>,
    pub min_notice_hours: i64,
    pub buffer_minutes: i64,
    pub durations: Vec<i64>,
    pub busy_calendar_url: Option<String>,
    pub one_off_monthly_limit: i64,
    /// RFC 3339, UTC; absent until published.
    pub updated_at: Option<String>,
}

impl AvailabilityView {
    pub(crate) fn from_raw(
        raw: RawAvailability,
        busy_calendar_url: Option<String>,
        one_off_monthly_limit: i64,
        updated_at: Option<i64>,
    ) -> Self {
        let AvailabilityInput {
            time_zone,
            weekly,
            exceptions,
            min_notice_hours,
            buffer_minutes,
            durations,
            ..
        } = raw.into();
        Self {
            published: updated_at.is_some(),
            time_zone,
            weekly,
            exceptions,
            min_notice_hours,
            buffer_minutes,
            durations,
            busy_calendar_url,
            one_off_monthly_limit,
            updated_at: updated_at.map(crate::meetings::rfc3339),
        }
    }
}

/// `GET /api/v1/mentorships/{id}/slots`: `from` and `to` are RFC 3339 with an offset or
/// a date (`YYYY-MM-DD`, read in your own time zone; `to` includes the whole day).
#[derive(Clone, Debug, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SlotParams {
    /// From when (default: now).
    pub from: Option<String>,
    /// Until when (default: 14 days after `from`; at most 31 days after it).
    pub to: Option<String>,
    /// The session length in minutes: one the mentor offers (default: their shortest).
    pub duration: Option<i64>,
}

/// A free slot, in the viewer's own time zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct SlotView {
    /// RFC 3339 with the viewer's offset.
    #[schema(example = "2026-12-01T10:00:00+01:00")]
    pub starts_at: String,
    #[schema(example = "2026-12-01T10:30:00+01:00")]
    pub ends_at: String,
    #[serde(skip)]
    pub starts_at_ms: i64,
    /// The viewer's zone, for the words a page shows ([`SlotView::day`], [`SlotView::time`]),
    /// which the API does not need and so does not pay for.
    #[serde(skip)]
    #[schema(ignore)]
    pub zone: Tz,
}

impl SlotView {
    pub(crate) fn new(slot: Slot, tz: Tz) -> Self {
        Self {
            starts_at: rfc3339_in(slot.starts_at, tz),
            ends_at: rfc3339_in(slot.ends_at, tz),
            starts_at_ms: slot.starts_at,
            zone: tz,
        }
    }

    /// "Tuesday 1 December", in the viewer's zone.
    pub fn day(&self) -> String {
        local(self.starts_at_ms, self.zone)
            .format("%A %-d %B")
            .to_string()
    }

    /// "10:00", in the viewer's zone.
    pub fn time(&self) -> String {
        local(self.starts_at_ms, self.zone)
            .format("%H:%M")
            .to_string()
    }
}

/// `2026-12-01T10:00:00+01:00`: an instant (whole seconds) in `tz`, written byte by byte.
/// A month's list has hundreds of slots, and chrono's general formatter was a good part
/// of answering one (docs/benchmarks.md); this writes the same text (checked below).
fn rfc3339_in(ms: i64, tz: Tz) -> String {
    let utc = DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .naive_utc();
    let offset = tz.offset_from_utc_datetime(&utc).fix().local_minus_utc();
    let t = utc + chrono::Duration::seconds(i64::from(offset));
    let two = |n: u32| [b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8];
    let year = u32::try_from(t.year().clamp(0, 9999)).unwrap_or(0);
    let minutes = offset.unsigned_abs() / 60;
    let mut b = Vec::with_capacity(25);
    b.extend(two(year / 100));
    b.extend(two(year % 100));
    b.push(b'-');
    b.extend(two(t.month()));
    b.push(b'-');
    b.extend(two(t.day()));
    b.push(b'T');
    b.extend(two(t.hour()));
    b.push(b':');
    b.extend(two(t.minute()));
    b.push(b':');
    b.extend(two(t.second()));
    b.push(if offset < 0 { b'-' } else { b'+' });
    b.extend(two(minutes / 60));
    b.push(b':');
    b.extend(two(minutes % 60));
    String::from_utf8(b).unwrap_or_default()
}

fn local(ms: i64, tz: Tz) -> DateTime<Tz> {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&tz)
}

/// A mentor's free slots for one session length, in the viewer's zone.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SlotList {
    /// Whether the mentor has published their availability at all.
    pub published: bool,
    pub mentor_name: String,
    /// Your time zone: every time below is in it.
    pub time_zone: String,
    /// The session length these slots are for.
    pub duration_minutes: i64,
    /// The lengths the mentor offers.
    pub durations: Vec<i64>,
    pub slots: Vec<SlotView>,
}

/// One day's slots, for a page.
pub struct SlotDay<'a> {
    pub day: String,
    pub slots: Vec<&'a SlotView>,
}

impl SlotList {
    /// The slots grouped by their day in the viewer's zone, the first `days` days that
    /// have any.
    pub fn by_day(&self, days: usize) -> Vec<SlotDay<'_>> {
        let mut out: Vec<SlotDay<'_>> = Vec::new();
        for slot in &self.slots {
            let day = slot.day();
            let full = out.len() == days;
            match out.last_mut() {
                Some(d) if d.day == day => d.slots.push(slot),
                _ if full => break,
                _ => out.push(SlotDay {
                    day,
                    slots: vec![slot],
                }),
            }
        }
        out
    }

    /// Whether more days have free slots than the first `days`.
    pub fn more_than(&self, days: usize) -> bool {
        let mut seen: Vec<(i32, u32)> = Vec::new();
        for slot in &self.slots {
            let t = local(slot.starts_at_ms, slot.zone);
            let key = (t.year(), t.ordinal());
            if seen.last() != Some(&key) {
                seen.push(key);
                if seen.len() > days {
                    return true;
                }
            }
        }
        false
    }
}

/// `POST /api/v1/mentorships/{id}/bookings`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingInput {
    /// A slot's start, as the slots list gives it (RFC 3339 with an offset).
    #[schema(example = "2026-12-01T10:00:00+01:00")]
    pub starts_at: String,
    /// One of the lengths the mentor offers.
    #[schema(example = 30)]
    pub duration_minutes: i64,
    /// What you would like to talk about; up to 4000 characters.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub agenda: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_times_are_written_as_chrono_writes_them() {
        let zones = [
            "UTC",
            "Asia/Tokyo",
            "America/New_York",
            "Asia/Kathmandu",
            "America/St_Johns",
            "Pacific/Chatham",
            "Europe/London",
        ];
        for name in zones {
            let tz: Tz = name.parse().unwrap_or(Tz::UTC);
            let mut ms = 1_767_225_600_000; // 2026-01-01
            while ms < 1_830_297_600_000 {
                let want = DateTime::<Utc>::from_timestamp_millis(ms)
                    .unwrap_or_default()
                    .with_timezone(&tz)
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
                assert_eq!(rfc3339_in(ms, tz), want, "{name} {ms}");
                ms += 3_600_000 * 7 + 900_000;
            }
        }
    }
}
