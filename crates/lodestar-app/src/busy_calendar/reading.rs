//! The reader on calendars shaped like those Google Calendar, Outlook/Exchange, Apple
//! Calendar and a CalDAV server's free/busy publish (`tests/fixtures/busy-calendars`), and
//! recurring events across daylight-saving changes in both hemispheres.

#![allow(clippy::unwrap_used)]

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::parse::{Busy, ParseError, Window, busy_intervals};

const DAY: i64 = 24 * 60 * 60 * 1000;

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/busy-calendars/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A local time ("2026-03-23 09:00") in `zone`, as epoch ms.
fn at(zone: &str, local: &str) -> i64 {
    let tz: Tz = zone.parse().unwrap();
    let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap();
    tz.from_local_datetime(&naive)
        .single()
        .unwrap()
        .timestamp_millis()
}

fn utc(local: &str) -> i64 {
    at("UTC", local)
}

/// The window the fixtures were written for: 2026-03-20 12:00 UTC, a day back, 90 ahead.
fn window(zone: &str) -> Window {
    let now = utc("2026-03-20 12:00");
    Window {
        from_ms: now - DAY,
        to_ms: now + 90 * DAY,
        zone: zone.parse().unwrap(),
        max_intervals: 5_000,
    }
}

fn read(name: &str, zone: &str) -> Busy {
    busy_intervals(&fixture(name), &window(zone)).unwrap()
}

fn local_pairs(zone: &str, pairs: &[(&str, &str)]) -> Vec<(i64, i64)> {
    pairs
        .iter()
        .map(|(a, b)| (at(zone, a), at(zone, b)))
        .collect()
}

#[test]
fn a_google_calendar_gives_its_busy_events_with_exceptions_and_moved_instances() {
    let busy = read("google.ics", "Europe/London");
    let london = |pairs: &[(&str, &str)]| local_pairs("Europe/London", pairs);
    let expected = london(&[
        // The weekly sync at 09:00 London time on both sides of the change on 29 March…
        ("2026-03-23 09:00", "2026-03-23 10:00"),
        ("2026-03-24 15:00", "2026-03-24 16:00"), // the dentist, written in UTC (GMT then)
        ("2026-03-30 09:00", "2026-03-30 10:00"),
        // …the day off, midnight to midnight in the mentor's zone…
        ("2026-04-03 00:00", "2026-04-04 00:00"),
        // …6 April left out (EXDATE), 13 April moved to the afternoon (RECURRENCE-ID)…
        ("2026-04-13 14:00", "2026-04-13 15:00"),
        ("2026-04-20 09:00", "2026-04-20 10:00"),
        // …and the last one on the UNTIL itself.
        ("2026-04-27 09:00", "2026-04-27 10:00"),
    ]);
    // Not there: the transparent birthday, the cancelled lunch, the event of 2025.
    assert_eq!(busy.intervals, expected);
    assert_eq!((busy.truncated, busy.skipped), (false, 0));
    assert_eq!(
        busy.intervals[0],
        (utc("2026-03-23 09:00"), utc("2026-03-23 10:00"))
    );
    assert_eq!(
        busy.intervals[2],
        (utc("2026-03-30 08:00"), utc("2026-03-30 09:00"))
    );
}

#[test]
fn an_outlook_calendar_with_windows_zone_names_is_read_in_the_zones_they_name() {
    let busy = read("outlook.ics", "Europe/Berlin");
    let berlin = |local: &str| at("Europe/Berlin", local);
    let review = |day: &str| {
        (
            berlin(&format!("{day} 09:00")),
            berlin(&format!("{day} 10:30")),
        )
    };
    let expected = vec![
        // 19 March ended before the window; Tuesdays and Thursdays at 09:00 Berlin time.
        review("2026-03-24"),
        review("2026-03-26"),
        // "Eastern Standard Time" is New York, already on summer time.
        (
            at("America/New_York", "2026-03-27 10:00"),
            at("America/New_York", "2026-03-27 11:00"),
        ),
        // "Customized Time Zone" is read in the mentor's zone; tentative counts as busy.
        (berlin("2026-03-30 13:00"), berlin("2026-03-30 15:00")),
        review("2026-03-31"),
        review("2026-04-02"),
        // Two days out of office swallow the review of 7 April.
        (berlin("2026-04-06 00:00"), berlin("2026-04-08 00:00")),
        review("2026-04-09"),
    ];
    assert_eq!(busy.intervals, expected);
    assert_eq!(busy.intervals[0].0, utc("2026-03-24 08:00"));
    assert_eq!(busy.intervals[7].0, utc("2026-04-09 07:00"));
}

#[test]
fn an_apple_calendar_keeps_local_times_across_the_southern_autumn_change() {
    let busy = read("apple.ics", "Australia/Sydney");
    let sydney = |pairs: &[(&str, &str)]| local_pairs("Australia/Sydney", pairs);
    let expected = sydney(&[
        // The school run, daily but for the two EXDATEs, up to its UNTIL.
        ("2026-03-20 07:30", "2026-03-20 08:00"),
        ("2026-03-21 07:30", "2026-03-21 08:00"),
        ("2026-03-22 07:30", "2026-03-22 08:00"),
        ("2026-03-23 07:30", "2026-03-23 08:00"),
        ("2026-03-25 18:00", "2026-03-25 19:00"),
        ("2026-03-26 07:30", "2026-03-26 08:00"),
        ("2026-03-27 07:30", "2026-03-27 08:00"),
        ("2026-04-01 18:00", "2026-04-01 19:00"),
        // The physio: a floating time (the mentor's zone) with a DURATION.
        ("2026-04-02 08:30", "2026-04-02 09:15"),
        // Choir stays at 18:00 after daylight saving ends on 5 April (COUNT=6).
        ("2026-04-08 18:00", "2026-04-08 19:00"),
        ("2026-04-15 18:00", "2026-04-15 19:00"),
        ("2026-04-22 18:00", "2026-04-22 19:00"),
        ("2026-04-29 18:00", "2026-04-29 19:00"),
        ("2026-05-01 00:00", "2026-05-04 00:00"),
    ]);
    assert_eq!(busy.intervals, expected);
    // In UTC the choir moved by an hour.
    assert_eq!(busy.intervals[7].0, utc("2026-04-01 07:00"));
    assert_eq!(busy.intervals[9].0, utc("2026-04-08 08:00"));
}

#[test]
fn free_busy_periods_count_except_free_ones_and_overlaps_merge() {
    let busy = read("freebusy.ics", "UTC");
    assert_eq!(
        busy.intervals,
        [
            (utc("2026-03-23 09:00"), utc("2026-03-23 10:00")),
            (utc("2026-03-24 09:00"), utc("2026-03-24 09:30")),
            (utc("2026-03-25 13:00"), utc("2026-03-25 15:00")),
        ]
    );
}

/// A weekly 09:00 event, expanded over most of a year, in `zone`.
fn weekly_at_nine(zone: &str, first_day: &str) -> Vec<(i64, i64)> {
    let ics = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:weekly\r\n\
         DTSTART;TZID={zone}:{first_day}T090000\r\nDTEND;TZID={zone}:{first_day}T100000\r\n\
         RRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    let window = Window {
        from_ms: utc("2026-01-01 00:00"),
        to_ms: utc("2026-12-31 00:00"),
        zone: Tz::UTC,
        max_intervals: 1_000,
    };
    busy_intervals(&ics, &window).unwrap().intervals
}

#[test]
fn a_weekly_event_stays_at_its_local_time_across_both_changes_in_both_hemispheres() {
    for (zone, first_day) in [
        ("Europe/London", "20260105"),
        ("Australia/Sydney", "20260106"),
        ("America/New_York", "20260107"),
    ] {
        let tz: Tz = zone.parse().unwrap();
        let busy = weekly_at_nine(zone, first_day);
        assert_eq!(busy.len(), 52, "{zone}: every week of 2026 from the first");
        let mut offsets = std::collections::BTreeSet::new();
        for (start, end) in &busy {
            let local = tz.timestamp_millis_opt(*start).unwrap();
            assert_eq!(local.format("%H:%M").to_string(), "09:00", "{zone} {local}");
            assert_eq!(end - start, 3_600_000);
            offsets.insert(local.format("%z").to_string());
        }
        assert_eq!(offsets.len(), 2, "{zone} saw both its offsets: {offsets:?}");
    }
}

#[test]
fn what_is_not_a_calendar_is_an_error_and_a_broken_one_too() {
    let w = window("UTC");
    assert_eq!(
        busy_intervals("<!doctype html><html>Sign in</html>", &w),
        Err(ParseError::NotCalendar)
    );
    assert_eq!(busy_intervals("", &w), Err(ParseError::NotCalendar));
    assert!(matches!(
        busy_intervals(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260323T090000Z\r\n",
            &w
        ),
        Err(ParseError::Malformed { .. })
    ));
    // An empty calendar is a calendar with no busy times.
    assert_eq!(
        busy_intervals("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", &w).unwrap(),
        Busy::default()
    );
}

#[test]
fn an_unreadable_event_is_skipped_and_the_rest_are_kept() {
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n\
        BEGIN:VEVENT\r\nUID:bad\r\nDTSTART:2026-03-23 nonsense\r\nDTEND:20260323T100000Z\r\nEND:VEVENT\r\n\
        BEGIN:VEVENT\r\nUID:bad-rule\r\nDTSTART:20260323T090000Z\r\nDTEND:20260323T100000Z\r\nRRULE:FREQ=SOMETIMES\r\nEND:VEVENT\r\n\
        BEGIN:VEVENT\r\nUID:good\r\nDTSTART:20260324T090000Z\r\nDTEND:20260324T100000Z\r\nEND:VEVENT\r\n\
        END:VCALENDAR\r\n";
    let busy = busy_intervals(ics, &window("UTC")).unwrap();
    assert_eq!(
        busy.intervals,
        [(utc("2026-03-24 09:00"), utc("2026-03-24 10:00"))]
    );
    assert_eq!(busy.skipped, 2);
}

#[test]
fn intervals_are_capped_and_a_rule_that_never_reaches_the_window_is_bounded() {
    let daily = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:d\r\nDTSTART:19900101T090000Z\r\n\
        DTEND:19900101T100000Z\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let mut w = window("UTC");
    let busy = busy_intervals(daily, &w).unwrap();
    assert_eq!(
        busy.intervals.len(),
        91,
        "from 36 years of dailies, the window's: 20 March to 18 June"
    );
    w.max_intervals = 3;
    let busy = busy_intervals(daily, &w).unwrap();
    assert_eq!((busy.intervals.len(), busy.truncated), (3, true));
    assert_eq!(busy.intervals[0].0, utc("2026-03-20 09:00"));
    // Every minute since 1970 is far more steps than allowed: skipped, quickly.
    let minutely = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:m\r\nDTSTART:19700101T000000Z\r\n\
        DTEND:19700101T000030Z\r\nRRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let started = std::time::Instant::now();
    let busy = busy_intervals(minutely, &window("UTC")).unwrap();
    assert_eq!((busy.intervals.len(), busy.skipped), (0, 1));
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

/// What Python's icalendar and recurring-ical-events read in a fixture
/// (`tests/tools/busy_intervals.py`); `None` when they are missing here (under CI that
/// fails the test).
fn python_reading(name: &str, zone: &str) -> Option<Vec<(i64, i64)>> {
    let python = std::env::var("LODESTAR_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let present = std::process::Command::new(&python)
        .args(["-c", "import icalendar, recurring_ical_events"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs Python's icalendar and recurring-ical-events: pip install recurring-ical-events"
        );
        eprintln!("skipping the independent reading: recurring_ical_events is not installed");
        return None;
    }
    let w = window(zone);
    let out = std::process::Command::new(&python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/tools/busy_intervals.py"
        ))
        .arg(format!(
            "{}/tests/fixtures/busy-calendars/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .args([zone.to_owned(), w.from_ms.to_string(), w.to_ms.to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pairs: Vec<[i64; 2]> = serde_json::from_slice(&out.stdout).unwrap();
    Some(pairs.into_iter().map(|[a, b]| (a, b)).collect())
}

#[test]
fn python_s_recurring_ical_events_reads_the_same_busy_times() {
    for (name, zone) in [
        ("google.ics", "Europe/London"),
        ("apple.ics", "Australia/Sydney"),
        ("outlook.ics", "Europe/Berlin"),
    ] {
        let Some(mut theirs) = python_reading(name, zone) else {
            return;
        };
        let mut ours = read(name, zone).intervals;
        if name == "outlook.ics" {
            // "Customized Time Zone": Python applies its VTIMEZONE (+01:00), Lodestar the
            // mentor's zone (Berlin, +02:00 then), as zones.rs documents. The rest agree.
            let focus = |(start, _): &(i64, i64)| *start / DAY == utc("2026-03-30 00:00") / DAY;
            ours.retain(|i| !focus(i));
            theirs.retain(|i| !focus(i));
        }
        assert_eq!(ours, theirs, "{name}");
    }
}
