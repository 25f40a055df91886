//! Busy intervals from an iCalendar (RFC 5545) file: what blocks a mentor's slots.
//!
//! - VEVENTs are busy unless `TRANSP:TRANSPARENT` (shown as free) or `STATUS:CANCELLED`.
//!   An event lasts to DTEND, or for DURATION, or (an all-day event with neither) one day;
//!   a timed event with neither lasts no time and blocks nothing.
//! - VFREEBUSY components: every FREEBUSY period except `FBTYPE=FREE`.
//! - Times: `Z` times are UTC; a TZID is read as [`super::zones`] says (IANA, Windows,
//!   prefixed; unknown → the mentor's zone); floating times (no `Z`, no TZID) and all-day
//!   dates are the mentor's local times. All-day events are busy from the mentor's local
//!   midnight to the next, because the mentor's availability is in their zone too: a day off
//!   in their calendar is that day where they are, whatever zone the calendar is shown in.
//!   A local time in a daylight-saving gap is read as the time after the gap; one in the
//!   repeated hour, as the first.
//! - Recurring events: the RRULE is expanded in the event's own zone (so a weekly 09:00
//!   London event stays at 09:00 London time across the change), with RDATE and EXDATE;
//!   an instance moved or cancelled by a VEVENT with the same UID and a RECURRENCE-ID
//!   gives way to that VEVENT. (`RANGE=THISANDFUTURE` is read as the one instance.)
//! - Only intervals overlapping the window (say, a day ago to 90 days ahead) are kept,
//!   merged where they overlap or touch, earliest first, at most `max_intervals`.
//!
//! Expansion is bounded: at most [`MAX_STEPS_PER_EVENT`] instances are walked per event
//! and [`MAX_STEPS`] per calendar, so a rule that repeats every minute since 1970 cannot
//! hold a thread; an event that runs out of steps before the window is skipped.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use icalendar::parser::{Component, Property, read_calendar, unfold};
use rrule::{RRule, RRuleSet, Unvalidated};
use thiserror::Error;

use super::zones;

/// Instances of one recurring event walked at most (a daily event over 270 years).
pub const MAX_STEPS_PER_EVENT: usize = 100_000;
/// Instances walked at most over a whole calendar.
pub const MAX_STEPS: usize = 1_000_000;

const HOUR_MS: i64 = 3_600_000;

/// What to read out of a calendar.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    /// Keep intervals that end after this (epoch ms)…
    pub from_ms: i64,
    /// …and begin before this.
    pub to_ms: i64,
    /// The mentor's zone: floating times and all-day events are read in it.
    pub zone: Tz,
    /// Intervals kept at most (the earliest).
    pub max_intervals: usize,
}

/// The busy intervals of a calendar within a [`Window`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Busy {
    /// Merged, earliest first, each `(starts_at, ends_at)` in epoch ms with `starts_at < ends_at`.
    pub intervals: Vec<(i64, i64)>,
    /// There were more than `max_intervals`; the latest were left out.
    pub truncated: bool,
    /// Events or periods that could not be read (a bad date, a broken rule) and were left out.
    pub skipped: usize,
}

/// Why a file is not a calendar at all. (A single unreadable event is skipped instead.)
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("the address did not return an iCalendar file (one that begins with BEGIN:VCALENDAR)")]
    NotCalendar,
    #[error("the calendar file is malformed near line {line}")]
    Malformed { line: usize },
}

/// Reads the busy intervals of `text` within `window`.
pub fn busy_intervals(text: &str, window: &Window) -> Result<Busy, ParseError> {
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if !text
        .get(..15)
        .is_some_and(|head| head.eq_ignore_ascii_case("BEGIN:VCALENDAR"))
    {
        return Err(ParseError::NotCalendar);
    }
    // Unfolded, with blank lines (which some servers add) dropped: the parser wants
    // exactly one content line per line.
    let unfolded = unfold(text);
    let lines: String = unfolded
        .lines()
        .filter(|line| !line.trim().is_empty())
        .flat_map(|line| [line.trim_end_matches('\r'), "\n"])
        .collect();
    let calendar = read_calendar(&lines).map_err(|message| ParseError::Malformed {
        line: error_line(&message),
    })?;
    let mut reader = Reader {
        window,
        steps_left: MAX_STEPS,
        intervals: Vec::new(),
        skipped: 0,
    };
    let events: Vec<&Component> = calendar
        .components
        .iter()
        .filter(|c| is(c.name.as_str(), "VEVENT"))
        .collect();
    // Instances that a VEVENT with a RECURRENCE-ID stands in for, per UID.
    let mut moved: HashMap<String, Exclusions> = HashMap::new();
    for event in &events {
        if let Some(id) = find(event, "RECURRENCE-ID") {
            match stamp(id, window.zone) {
                Some(at) => moved.entry(uid(event)).or_default().add(at),
                None => reader.skipped += 1,
            }
        }
    }
    for event in &events {
        let overrides = find(event, "RECURRENCE-ID").is_some();
        if !shows_busy(event) {
            continue;
        }
        let excluded = if overrides {
            None
        } else {
            moved.get(&uid(event))
        };
        if reader.event(event, !overrides, excluded).is_none() {
            reader.skipped += 1;
        }
    }
    for freebusy in calendar
        .components
        .iter()
        .filter(|c| is(c.name.as_str(), "VFREEBUSY"))
    {
        reader.freebusy(freebusy);
    }
    Ok(reader.finish())
}

/// The line number in the parser's message ("… at line 12: …"), or 0.
fn error_line(message: &str) -> usize {
    message
        .split("line ")
        .nth(1)
        .and_then(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn is(name: &str, wanted: &str) -> bool {
    name.eq_ignore_ascii_case(wanted)
}

fn find<'c>(component: &'c Component<'_>, name: &str) -> Option<&'c Property<'c>> {
    component
        .properties
        .iter()
        .find(|p| is(p.name.as_str(), name))
}

fn all<'c>(component: &'c Component<'_>, name: &str) -> impl Iterator<Item = &'c Property<'c>> {
    component
        .properties
        .iter()
        .filter(move |p| is(p.name.as_str(), name))
}

fn param<'p>(property: &'p Property<'_>, name: &str) -> Option<&'p str> {
    property
        .params
        .iter()
        .find(|p| is(p.key.as_str(), name))
        .and_then(|p| p.val.as_ref())
        .map(|v| v.as_str())
}

fn uid(event: &Component<'_>) -> String {
    find(event, "UID")
        .map(|p| p.val.as_str().trim().to_owned())
        .unwrap_or_default()
}

fn shows_busy(event: &Component<'_>) -> bool {
    let value = |name| find(event, name).map(|p| p.val.as_str().trim().to_ascii_uppercase());
    value("STATUS").as_deref() != Some("CANCELLED")
        && value("TRANSP").as_deref() != Some("TRANSPARENT")
}

/// A date or date-time as written: a local time in a zone (UTC for `Z` times), or a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    local: NaiveDateTime,
    tz: Tz,
    date_only: bool,
}

impl Stamp {
    fn instant(&self) -> Option<i64> {
        instant(self.local, self.tz)
    }
}

/// The moment a local time names in `tz`: in the repeated hour the first, in a gap the
/// time after it (RFC 5545 §3.3.5).
fn instant(local: NaiveDateTime, tz: Tz) -> Option<i64> {
    if let Some(at) = tz.from_local_datetime(&local).earliest() {
        return Some(at.timestamp_millis());
    }
    let later = local.checked_add_signed(chrono::TimeDelta::hours(1))?;
    tz.from_local_datetime(&later)
        .earliest()
        .map(|at| at.timestamp_millis())
}

fn stamp(property: &Property<'_>, fallback: Tz) -> Option<Stamp> {
    parse_stamp(property.val.as_str(), param(property, "TZID"), fallback)
}

fn parse_stamp(raw: &str, tzid: Option<&str>, fallback: Tz) -> Option<Stamp> {
    let raw = raw.trim();
    if raw.len() == 8 {
        let date = NaiveDate::parse_from_str(raw, "%Y%m%d").ok()?;
        return Some(Stamp {
            local: date.and_time(NaiveTime::MIN),
            tz: fallback,
            date_only: true,
        });
    }
    let (body, utc) = match raw.strip_suffix(['Z', 'z']) {
        Some(body) => (body, true),
        None => (raw, false),
    };
    let local = NaiveDateTime::parse_from_str(body, "%Y%m%dT%H%M%S")
        .or_else(|_| NaiveDateTime::parse_from_str(body, "%Y%m%dT%H%M"))
        .ok()?;
    let tz = if utc {
        Tz::UTC
    } else {
        tzid.and_then(zones::resolve).unwrap_or(fallback)
    };
    Some(Stamp {
        local,
        tz,
        date_only: false,
    })
}

/// A length: nominal days (local midnight to local midnight, 23 or 25 hours across a
/// change) and then exact milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    days: u64,
    ms: i64,
}

/// An RFC 5545 DURATION (`PT1H30M`, `P1D`, `P2W`). Negative durations are refused.
fn parse_duration(raw: &str) -> Option<Span> {
    let raw = raw.trim();
    let raw = raw.strip_prefix('+').unwrap_or(raw);
    let rest = raw.strip_prefix(['P', 'p'])?;
    let (date, time) = match rest.split_once(['T', 't']) {
        Some((date, time)) => (date, Some(time)),
        None => (rest, None),
    };
    let mut span = Span { days: 0, ms: 0 };
    for (n, unit) in units(date)? {
        match unit.to_ascii_uppercase() {
            'W' => span.days = span.days.checked_add(n.checked_mul(7)?)?,
            'D' => span.days = span.days.checked_add(n)?,
            _ => return None,
        }
    }
    for (n, unit) in units(time.unwrap_or(""))? {
        let ms = match unit.to_ascii_uppercase() {
            'H' => HOUR_MS,
            'M' => 60_000,
            'S' => 1_000,
            _ => return None,
        };
        let n = i64::try_from(n).ok()?;
        span.ms = span.ms.checked_add(n.checked_mul(ms)?)?;
    }
    Some(span)
}

/// "1H30M" → [(1, 'H'), (30, 'M')].
fn units(text: &str) -> Option<Vec<(u64, char)>> {
    let mut out = Vec::new();
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            out.push((digits.parse().ok()?, c));
            digits.clear();
        }
    }
    digits.is_empty().then_some(out)
}

/// When an instance that starts at `local` in `tz` ends.
fn end_of(local: NaiveDateTime, tz: Tz, span: Span) -> Option<i64> {
    let local = local.checked_add_days(Days::new(span.days))?;
    instant(local, tz)?.checked_add(span.ms)
}

/// Instances left out of a recurrence: exact starts, and whole dates (DATE values).
#[derive(Debug, Default)]
struct Exclusions {
    instants: HashSet<i64>,
    dates: HashSet<NaiveDate>,
}

impl Exclusions {
    fn add(&mut self, at: Stamp) {
        if at.date_only {
            self.dates.insert(at.local.date());
        } else if let Some(ms) = at.instant() {
            self.instants.insert(ms);
        }
    }

    fn contains(&self, start_ms: i64, local: NaiveDateTime) -> bool {
        self.instants.contains(&start_ms) || self.dates.contains(&local.date())
    }
}

struct Reader<'w> {
    window: &'w Window,
    steps_left: usize,
    intervals: Vec<(i64, i64)>,
    skipped: usize,
}

impl Reader<'_> {
    fn keep(&mut self, start: i64, end: i64) {
        if start < end && end > self.window.from_ms && start < self.window.to_ms {
            self.intervals.push((start, end));
        }
    }

    /// Reads one VEVENT (expanding its rule if `recur`). `None`: it could not be read.
    fn event(
        &mut self,
        event: &Component<'_>,
        recur: bool,
        moved: Option<&Exclusions>,
    ) -> Option<()> {
        let zone = self.window.zone;
        let start = stamp(find(event, "DTSTART")?, zone)?;
        let span = if let Some(end) = find(event, "DTEND") {
            let end = stamp(end, zone)?;
            if start.date_only && end.date_only {
                let days = (end.local.date() - start.local.date()).num_days();
                Span {
                    days: u64::try_from(days).ok()?,
                    ms: 0,
                }
            } else {
                Span {
                    days: 0,
                    ms: end.instant()?.checked_sub(start.instant()?)?.max(0),
                }
            }
        } else if let Some(duration) = find(event, "DURATION") {
            parse_duration(duration.val.as_str())?
        } else if start.date_only {
            Span { days: 1, ms: 0 }
        } else {
            return Some(());
        };
        let rule = find(event, "RRULE").filter(|_| recur);
        let Some(rule) = rule else {
            let begins = start.instant()?;
            self.keep(begins, end_of(start.local, start.tz, span)?);
            return Some(());
        };
        let mut excluded = Exclusions::default();
        for exdate in all(event, "EXDATE") {
            for value in exdate.val.as_str().split(',') {
                if let Some(at) = parse_stamp(value, param(exdate, "TZID"), start.tz) {
                    excluded.add(at);
                }
            }
        }
        let extra: Vec<Stamp> = all(event, "RDATE")
            .flat_map(|rdate| {
                rdate.val.as_str().split(',').filter_map(|value| {
                    // A PERIOD value ("start/end"): its start, with the event's length.
                    let value = value.split('/').next().unwrap_or(value);
                    parse_stamp(value, param(rdate, "TZID"), start.tz)
                })
            })
            .collect();
        let (rule, until) = split_until(rule.val.as_str(), start.tz);
        let rule: RRule<Unvalidated> = rule.parse().ok()?;
        let first = start.instant()?;
        let dt_start =
            DateTime::from_timestamp_millis(first)?.with_timezone(&rrule::Tz::Tz(start.tz));
        let mut set: RRuleSet = rule.build(dt_start).ok()?;
        for at in &extra {
            let ms = at.instant()?;
            set = set
                .rdate(DateTime::from_timestamp_millis(ms)?.with_timezone(&rrule::Tz::Tz(at.tz)));
        }
        for (walked, instance) in (&set).into_iter().enumerate() {
            if walked == MAX_STEPS_PER_EVENT || self.steps_left == 0 {
                return None;
            }
            self.steps_left -= 1;
            let begins = instance.timestamp_millis();
            if begins >= self.window.to_ms {
                break;
            }
            let local = instance.with_timezone(&start.tz).naive_local();
            match until {
                Some(Until::Date(date)) if local.date() > date => break,
                Some(Until::Instant(ms)) if begins > ms => break,
                _ => {}
            }
            if excluded.contains(begins, local) || moved.is_some_and(|m| m.contains(begins, local))
            {
                continue;
            }
            let ends = end_of(local, start.tz, span)?;
            self.keep(begins, ends);
        }
        Some(())
    }

    fn freebusy(&mut self, component: &Component<'_>) {
        let zone = self.window.zone;
        for property in all(component, "FREEBUSY") {
            let kind = param(property, "FBTYPE").unwrap_or("BUSY");
            if kind.eq_ignore_ascii_case("FREE") {
                continue;
            }
            for period in property.val.as_str().split(',') {
                match period_of(period, zone) {
                    Some((start, end)) => self.keep(start, end),
                    None => self.skipped += 1,
                }
            }
        }
    }

    fn finish(mut self) -> Busy {
        self.intervals.sort_unstable();
        let mut merged: Vec<(i64, i64)> = Vec::with_capacity(self.intervals.len());
        for (start, end) in self.intervals {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        let truncated = merged.len() > self.window.max_intervals;
        merged.truncate(self.window.max_intervals);
        Busy {
            intervals: merged,
            truncated,
            skipped: self.skipped,
        }
    }
}

/// A FREEBUSY period: `start/end` or `start/duration`.
fn period_of(period: &str, zone: Tz) -> Option<(i64, i64)> {
    let (start, end) = period.trim().split_once('/')?;
    let start = parse_stamp(start, None, zone)?;
    let begins = start.instant()?;
    let ends = if end.trim_start().starts_with(['P', 'p', '+']) {
        end_of(start.local, start.tz, parse_duration(end)?)?
    } else {
        parse_stamp(end, None, zone)?.instant()?
    };
    Some((begins, ends))
}

/// The end of a recurrence: a date (for all-day events) or a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Until {
    Date(NaiveDate),
    Instant(i64),
}

/// Takes UNTIL out of a rule: the rrule crate insists that it be in UTC when the start
/// has a zone, which all-day and floating events written by real calendars are not. It is
/// applied while walking the instances instead.
fn split_until(rule: &str, tz: Tz) -> (String, Option<Until>) {
    let mut until = None;
    let parts: Vec<&str> = rule
        .trim()
        .split(';')
        .filter(|part| match part.split_once('=') {
            Some((key, value)) if key.trim().eq_ignore_ascii_case("UNTIL") => {
                until = parse_stamp(value, None, tz).and_then(|at| {
                    if at.date_only {
                        Some(Until::Date(at.local.date()))
                    } else {
                        at.instant().map(Until::Instant)
                    }
                });
                false
            }
            _ => !part.trim().is_empty(),
        })
        .collect();
    (parts.join(";"), until)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_weeks_days_and_times() {
        assert_eq!(
            parse_duration("PT1H30M"),
            Some(Span {
                days: 0,
                ms: 90 * 60_000
            })
        );
        assert_eq!(parse_duration("P1D"), Some(Span { days: 1, ms: 0 }));
        assert_eq!(parse_duration("P2W"), Some(Span { days: 14, ms: 0 }));
        assert_eq!(
            parse_duration("P1DT2H"),
            Some(Span {
                days: 1,
                ms: 2 * HOUR_MS
            })
        );
        assert_eq!(
            parse_duration("PT45S"),
            Some(Span {
                days: 0,
                ms: 45_000
            })
        );
        assert_eq!(parse_duration("-PT1H"), None);
        assert_eq!(parse_duration("1H"), None);
        assert_eq!(parse_duration("PT1X"), None);
    }

    #[test]
    fn until_is_taken_out_of_the_rule() {
        let (rule, until) = split_until("FREQ=WEEKLY;UNTIL=20270101T000000Z;BYDAY=MO", Tz::UTC);
        assert_eq!(rule, "FREQ=WEEKLY;BYDAY=MO");
        assert_eq!(until, Some(Until::Instant(1_798_761_600_000)));
        let (_, until) = split_until("FREQ=DAILY;UNTIL=20261231", Tz::UTC);
        assert_eq!(
            until,
            Some(Until::Date(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()))
        );
    }

    #[test]
    fn a_local_time_in_the_spring_gap_is_the_time_after_it() {
        let london: Tz = "Europe/London".parse().unwrap();
        let gap = NaiveDate::from_ymd_opt(2026, 3, 29)
            .unwrap()
            .and_hms_opt(1, 30, 0)
            .unwrap();
        let after = NaiveDate::from_ymd_opt(2026, 3, 29)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(instant(gap, london), instant(after, london));
        assert_eq!(instant(gap, london), Some(1_774_747_800_000));
    }
}
