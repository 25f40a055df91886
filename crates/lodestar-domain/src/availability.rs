//! A mentor's bookable time: weekly windows in their own time zone, exceptions (days off,
//! holidays, one-off extra times), a minimum notice, a buffer around sessions and the
//! session lengths offered. Parsed from the text people type ([`RawAvailability`]), with
//! every bad field reported at once; the free slots it yields are in [`crate::slots`].
//!
//! Times of day are kept as minutes after local midnight (`24:00` is 1440, the end of the
//! day), so a window is a plain `[from, to)` pair that is resolved to instants per date in
//! the mentor's zone only when slots are made.

use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::FieldErrors;

/// At most this many weekly windows.
pub const MAX_WINDOWS: usize = 28;
/// At most this many exceptions.
pub const MAX_EXCEPTIONS: usize = 60;
/// Session lengths on offer: 15 to 240 minutes, in steps of 5, at most 6 of them.
pub const MIN_DURATION: i64 = 15;
pub const MAX_DURATION: i64 = 240;
pub const DURATION_STEP: i64 = 5;
pub const MAX_DURATIONS: usize = 6;
/// At most 30 days of notice.
pub const MAX_NOTICE_HOURS: i64 = 720;
/// At most two hours of buffer, in steps of 5 minutes.
pub const MAX_BUFFER_MINUTES: i64 = 120;
/// A date range off is at most a year long.
pub const MAX_OFF_DAYS: i64 = 366;
/// Times of day are on a five-minute grid.
const TIME_STEP: u16 = 5;
const DAY_MINUTES: u16 = 24 * 60;

/// A span of one local day, in minutes after midnight: `0 <= from < to <= 1440`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DaySpan {
    pub from: u16,
    pub to: u16,
}

impl DaySpan {
    pub fn overlaps(self, other: Self) -> bool {
        self.from < other.to && other.from < self.to
    }
}

impl fmt::Display for DaySpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", hhmm(self.from), hhmm(self.to))
    }
}

/// A weekly window: every `day`, from `span.from` to `span.to`, local time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WeeklyWindow {
    pub day: Weekday,
    pub span: DaySpan,
    /// Also open to one-off conversations with people the mentor does not mentor.
    pub one_off: bool,
}

/// A change to the weekly pattern on particular dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exception {
    /// No time on these dates, both included (one day: `from == to`).
    Off { from: NaiveDate, to: NaiveDate },
    /// Extra time on one date, even on a day otherwise off.
    Extra {
        date: NaiveDate,
        span: DaySpan,
        one_off: bool,
    },
}

/// A mentor's availability, valid by construction.
#[derive(Clone, Debug, PartialEq)]
pub struct Availability {
    pub time_zone: Tz,
    pub weekly: Vec<WeeklyWindow>,
    pub exceptions: Vec<Exception>,
    pub min_notice_hours: i64,
    pub buffer_minutes: i64,
    /// Ascending, distinct.
    pub durations: Vec<i64>,
}

/// A weekly window as typed: `{"day": "tue", "from": "09:00", "to": "11:00"}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawWindow {
    pub day: String,
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub one_off: bool,
}

/// An exception as typed. `kind` is `off` (with `date`, or `from_date` and `to_date`)
/// or `extra` (with `date`, `from` and `to`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawException {
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub one_off: bool,
}

/// An availability as typed, before it is checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawAvailability {
    pub time_zone: String,
    pub weekly: Vec<RawWindow>,
    pub exceptions: Vec<RawException>,
    pub min_notice_hours: i64,
    pub buffer_minutes: i64,
    pub durations: Vec<i64>,
}

impl Availability {
    /// Checks every field and reports every problem at once, keyed as the API names the
    /// fields (`weekly[2].from`, `exceptions[0].date`, `durations[1]`).
    pub fn parse(raw: &RawAvailability) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let time_zone = match raw.time_zone.trim().parse::<Tz>() {
            Ok(tz) => Some(tz),
            Err(_) => {
                errors.add(
                    "time_zone",
                    "must be an IANA time zone, such as Europe/London",
                );
                None
            }
        };
        let weekly = parse_weekly(&raw.weekly, &mut errors);
        let exceptions = parse_exceptions(&raw.exceptions, &mut errors);
        if !(0..=MAX_NOTICE_HOURS).contains(&raw.min_notice_hours) {
            errors.add(
                "min_notice_hours",
                format!("must be between 0 and {MAX_NOTICE_HOURS} hours"),
            );
        }
        if !(0..=MAX_BUFFER_MINUTES).contains(&raw.buffer_minutes)
            || raw.buffer_minutes % DURATION_STEP != 0
        {
            errors.add(
                "buffer_minutes",
                format!("must be between 0 and {MAX_BUFFER_MINUTES} minutes, in steps of 5"),
            );
        }
        let durations = parse_durations(&raw.durations, &mut errors);
        errors.into_result()?;
        Ok(Self {
            time_zone: time_zone.unwrap_or(Tz::UTC),
            weekly,
            exceptions,
            min_notice_hours: raw.min_notice_hours,
            buffer_minutes: raw.buffer_minutes,
            durations,
        })
    }

    /// The typed form again: what is stored and shown.
    pub fn to_raw(&self) -> RawAvailability {
        RawAvailability {
            time_zone: self.time_zone.name().to_owned(),
            weekly: self
                .weekly
                .iter()
                .map(|w| RawWindow {
                    day: day_name(w.day).to_owned(),
                    from: hhmm(w.span.from),
                    to: hhmm(w.span.to),
                    one_off: w.one_off,
                })
                .collect(),
            exceptions: self.exceptions.iter().map(|e| e.to_raw()).collect(),
            min_notice_hours: self.min_notice_hours,
            buffer_minutes: self.buffer_minutes,
            durations: self.durations.clone(),
        }
    }

    /// Whether a session of this length can be booked.
    pub fn offers(&self, duration_minutes: i64) -> bool {
        self.durations.contains(&duration_minutes)
    }

    /// Whether any time at all is open to one-off conversations.
    pub fn has_one_off_time(&self) -> bool {
        self.weekly.iter().any(|w| w.one_off)
            || self
                .exceptions
                .iter()
                .any(|e| matches!(e, Exception::Extra { one_off: true, .. }))
    }
}

impl Exception {
    fn to_raw(self) -> RawException {
        match self {
            Self::Off { from, to } if from == to => RawException {
                kind: "off".into(),
                date: Some(from.to_string()),
                ..RawException::default()
            },
            Self::Off { from, to } => RawException {
                kind: "off".into(),
                from_date: Some(from.to_string()),
                to_date: Some(to.to_string()),
                ..RawException::default()
            },
            Self::Extra {
                date,
                span,
                one_off,
            } => RawException {
                kind: "extra".into(),
                date: Some(date.to_string()),
                from: Some(hhmm(span.from)),
                to: Some(hhmm(span.to)),
                one_off,
                ..RawException::default()
            },
        }
    }
}

fn parse_weekly(raw: &[RawWindow], errors: &mut FieldErrors) -> Vec<WeeklyWindow> {
    if raw.len() > MAX_WINDOWS {
        errors.add("weekly", format!("at most {MAX_WINDOWS} weekly windows"));
        return Vec::new();
    }
    let mut windows: Vec<(usize, WeeklyWindow)> = Vec::new();
    for (i, w) in raw.iter().enumerate() {
        let day = errors.check(&format!("weekly[{i}].day"), parse_day(&w.day));
        let span = parse_span(&w.from, &w.to, &format!("weekly[{i}]"), errors);
        let (Some(day), Some(span)) = (day, span) else {
            continue;
        };
        if let Some((j, other)) = windows
            .iter()
            .find(|(_, o)| o.day == day && o.span.overlaps(span))
        {
            errors.add(
                format!("weekly[{i}].from"),
                format!(
                    "overlaps another window on {} ({}, row {})",
                    day_name(other.day),
                    other.span,
                    j + 1
                ),
            );
            continue;
        }
        windows.push((
            i,
            WeeklyWindow {
                day,
                span,
                one_off: w.one_off,
            },
        ));
    }
    let mut windows: Vec<WeeklyWindow> = windows.into_iter().map(|(_, w)| w).collect();
    windows.sort_by_key(|w| (w.day.num_days_from_monday(), w.span));
    windows
}

fn parse_exceptions(raw: &[RawException], errors: &mut FieldErrors) -> Vec<Exception> {
    if raw.len() > MAX_EXCEPTIONS {
        errors.add("exceptions", format!("at most {MAX_EXCEPTIONS} exceptions"));
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, e) in raw.iter().enumerate() {
        let at = |field: &str| format!("exceptions[{i}].{field}");
        let date = |field: &str, value: &Option<String>, errors: &mut FieldErrors| match value {
            Some(v) => errors.check(&at(field), parse_date(v)),
            None => {
                errors.add(at(field), "choose a date (YYYY-MM-DD)");
                None
            }
        };
        match e.kind.trim() {
            "off" => {
                let range = if e.date.is_some() {
                    date("date", &e.date, errors).map(|d| (d, d))
                } else {
                    let from = date("from_date", &e.from_date, errors);
                    let to = date("to_date", &e.to_date, errors);
                    from.zip(to)
                };
                let Some((from, to)) = range else { continue };
                if to < from {
                    errors.add(at("to_date"), "must not be before the first day");
                } else if (to - from).num_days() >= MAX_OFF_DAYS {
                    errors.add(
                        at("to_date"),
                        format!("a time off is at most {MAX_OFF_DAYS} days"),
                    );
                } else {
                    out.push(Exception::Off { from, to });
                }
            }
            "extra" => {
                let day = date("date", &e.date, errors);
                let (from, to) = (
                    e.from.clone().unwrap_or_default(),
                    e.to.clone().unwrap_or_default(),
                );
                let span = parse_span(&from, &to, &format!("exceptions[{i}]"), errors);
                if let (Some(date), Some(span)) = (day, span) {
                    out.push(Exception::Extra {
                        date,
                        span,
                        one_off: e.one_off,
                    });
                }
            }
            _ => errors.add(at("kind"), "must be one of: off, extra"),
        }
    }
    out
}

fn parse_durations(raw: &[i64], errors: &mut FieldErrors) -> Vec<i64> {
    if raw.is_empty() {
        errors.add("durations", "offer at least one session length");
        return Vec::new();
    }
    if raw.len() > MAX_DURATIONS {
        errors.add(
            "durations",
            format!("offer at most {MAX_DURATIONS} session lengths"),
        );
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, &d) in raw.iter().enumerate() {
        if !(MIN_DURATION..=MAX_DURATION).contains(&d) || d % DURATION_STEP != 0 {
            errors.add(
                format!("durations[{i}]"),
                format!("must be between {MIN_DURATION} and {MAX_DURATION} minutes, in steps of 5"),
            );
        } else if out.contains(&d) {
            errors.add(format!("durations[{i}]"), "is listed twice");
        } else {
            out.push(d);
        }
    }
    out.sort_unstable();
    out
}

/// `from`/`to` of a span under `prefix` (`weekly[0]`), each checked, then `from < to`.
fn parse_span(from: &str, to: &str, prefix: &str, errors: &mut FieldErrors) -> Option<DaySpan> {
    let f = errors.check(&format!("{prefix}.from"), parse_time(from, false));
    let t = errors.check(&format!("{prefix}.to"), parse_time(to, true));
    let (f, t) = (f?, t?);
    if f >= t {
        errors.add(format!("{prefix}.to"), "must be after the start");
        return None;
    }
    Some(DaySpan { from: f, to: t })
}

/// Why a typed value was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AvailabilityError {
    #[error("must be a day of the week: mon, tue, wed, thu, fri, sat or sun")]
    Day,
    #[error("must be a time of day such as 09:30, on a five-minute step")]
    Time,
    #[error("must be a date (YYYY-MM-DD) between 2000 and 2100")]
    Date,
}

/// `mon` … `sun` (any case, or the full name).
pub fn parse_day(raw: &str) -> Result<Weekday, AvailabilityError> {
    let lower = raw.trim().to_ascii_lowercase();
    let short = lower.get(..3).ok_or(AvailabilityError::Day)?;
    let day = match short {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return Err(AvailabilityError::Day),
    };
    // "tuesday" is fine, "tuxedo" is not.
    if lower.len() > 3 && !full_day_name(day).starts_with(&lower) {
        return Err(AvailabilityError::Day);
    }
    Ok(day)
}

/// `HH:MM` on a five-minute step as minutes after midnight; `24:00` only as an end.
pub fn parse_time(raw: &str, end: bool) -> Result<u16, AvailabilityError> {
    let raw = raw.trim();
    let (h, m) = raw.split_once(':').ok_or(AvailabilityError::Time)?;
    let two = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !two(h) || !two(m) {
        return Err(AvailabilityError::Time);
    }
    let h: u16 = h.parse().map_err(|_| AvailabilityError::Time)?;
    let m: u16 = m.parse().map_err(|_| AvailabilityError::Time)?;
    let minutes = h * 60 + m;
    let valid = m < 60 && (minutes < DAY_MINUTES || (end && minutes == DAY_MINUTES));
    if !valid || !minutes.is_multiple_of(TIME_STEP) {
        return Err(AvailabilityError::Time);
    }
    Ok(minutes)
}

pub fn parse_date(raw: &str) -> Result<NaiveDate, AvailabilityError> {
    let date =
        NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| AvailabilityError::Date)?;
    if !(2000..=2100).contains(&date.year()) {
        return Err(AvailabilityError::Date);
    }
    Ok(date)
}

/// Minutes after midnight as `HH:MM` (`24:00` for the end of the day).
pub fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `mon` … `sun`.
pub fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// `monday` … `sunday`.
pub fn full_day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
        Weekday::Sun => "sunday",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn window(day: &str, from: &str, to: &str) -> RawWindow {
        RawWindow {
            day: day.into(),
            from: from.into(),
            to: to.into(),
            one_off: false,
        }
    }

    fn raw() -> RawAvailability {
        RawAvailability {
            time_zone: "Europe/London".into(),
            weekly: vec![
                window("tue", "09:00", "11:00"),
                window("thu", "14:00", "24:00"),
            ],
            exceptions: vec![
                RawException {
                    kind: "off".into(),
                    date: Some("2026-12-25".into()),
                    ..RawException::default()
                },
                RawException {
                    kind: "off".into(),
                    from_date: Some("2026-12-28".into()),
                    to_date: Some("2027-01-01".into()),
                    ..RawException::default()
                },
                RawException {
                    kind: "extra".into(),
                    date: Some("2026-12-27".into()),
                    from: Some("10:00".into()),
                    to: Some("12:00".into()),
                    ..RawException::default()
                },
            ],
            min_notice_hours: 24,
            buffer_minutes: 15,
            durations: vec![60, 30, 45],
        }
    }

    #[test]
    fn a_valid_availability_reads_back_as_it_was_typed() {
        let a = Availability::parse(&raw()).unwrap();
        assert_eq!(a.time_zone, Tz::Europe__London);
        assert_eq!(a.durations, vec![30, 45, 60]);
        assert_eq!(
            a.weekly[1].span,
            DaySpan {
                from: 840,
                to: 1440
            }
        );
        let back = a.to_raw();
        assert_eq!(back.weekly, raw().weekly);
        assert_eq!(back.exceptions, raw().exceptions);
        assert_eq!(Availability::parse(&back).unwrap(), a);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let mut bad = raw();
        bad.time_zone = "Mars/Olympus".into();
        bad.weekly = vec![
            window("tue", "09:00", "11:00"),
            window("tue", "10:00", "12:00"),
            window("someday", "9am", "10:00"),
            window("wed", "11:00", "10:00"),
            window("fri", "00:00", "24:05"),
        ];
        bad.exceptions = vec![
            RawException {
                kind: "holiday".into(),
                ..RawException::default()
            },
            RawException {
                kind: "off".into(),
                from_date: Some("2027-01-05".into()),
                to_date: Some("2027-01-01".into()),
                ..RawException::default()
            },
            RawException {
                kind: "extra".into(),
                date: Some("2027-02-30".into()),
                from: Some("10:00".into()),
                ..RawException::default()
            },
        ];
        bad.min_notice_hours = -1;
        bad.buffer_minutes = 7;
        bad.durations = vec![30, 30, 10, 241];
        let errors = Availability::parse(&bad).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(k, _)| k).collect();
        assert_eq!(
            fields,
            vec![
                "buffer_minutes",
                "durations[1]",
                "durations[2]",
                "durations[3]",
                "exceptions[0].kind",
                "exceptions[1].to_date",
                "exceptions[2].date",
                "exceptions[2].to",
                "min_notice_hours",
                "time_zone",
                "weekly[1].from",
                "weekly[2].day",
                "weekly[2].from",
                "weekly[3].to",
                "weekly[4].to",
            ]
        );
        assert!(errors.get("weekly[1].from").unwrap().contains("overlaps"));
    }

    #[test]
    fn touching_windows_do_not_overlap_and_limits_hold() {
        let mut ok = raw();
        ok.weekly = vec![
            window("mon", "09:00", "10:00"),
            window("mon", "10:00", "11:00"),
        ];
        assert!(Availability::parse(&ok).is_ok());
        let mut many = raw();
        many.weekly = vec![window("mon", "09:00", "09:05"); MAX_WINDOWS + 1];
        many.durations = vec![];
        let errors = Availability::parse(&many).unwrap_err();
        assert!(errors.get("weekly").is_some());
        assert!(errors.get("durations").is_some());
    }

    #[test]
    fn days_and_times_are_read_strictly() {
        assert_eq!(parse_day("Tuesday"), Ok(Weekday::Tue));
        assert_eq!(parse_day("tu"), Err(AvailabilityError::Day));
        assert_eq!(parse_day("tuxedo"), Err(AvailabilityError::Day));
        assert_eq!(parse_time("09:30", false), Ok(570));
        assert_eq!(parse_time("24:00", true), Ok(1440));
        assert!(parse_time("24:00", false).is_err());
        assert!(parse_time("9:30", false).is_err());
        assert!(parse_time("09:31", false).is_err());
        assert!(parse_time("09:60", false).is_err());
        assert_eq!(hhmm(1440), "24:00");
    }
}
