//! Slots across the clock changes of both hemispheres, and properties that hold for any
//! availability, zone and busy time.

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use proptest::prelude::*;

use super::*;
use crate::availability::{RawAvailability, RawException, RawWindow};

fn ms(rfc3339: &str) -> i64 {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .timestamp_millis()
}

fn utc(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap()
        .format("%Y-%m-%dT%H:%MZ")
        .to_string()
}

fn local(ms: i64, tz: Tz) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap()
        .with_timezone(&tz)
        .format("%a %Y-%m-%d %H:%M %:z")
        .to_string()
}

fn window(day: &str, from: &str, to: &str) -> RawWindow {
    RawWindow {
        day: day.into(),
        from: from.into(),
        to: to.into(),
        one_off: false,
    }
}

fn availability(zone: &str, weekly: Vec<RawWindow>, durations: Vec<i64>) -> Availability {
    Availability::parse(&RawAvailability {
        time_zone: zone.into(),
        weekly,
        exceptions: Vec::new(),
        min_notice_hours: 0,
        buffer_minutes: 0,
        durations,
    })
    .unwrap()
}

fn query(from: &str, to: &str, duration: i64) -> SlotQuery {
    SlotQuery {
        now: 0,
        from: ms(from),
        to: ms(to),
        duration_minutes: duration,
        audience: Audience::Mentee,
    }
}

fn starts(slots: &[Slot]) -> Vec<String> {
    slots.iter().map(|s| utc(s.starts_at)).collect()
}

#[test]
fn a_slot_meets_a_busy_interval_it_overlaps_but_not_one_it_only_touches() {
    let slot = Slot {
        starts_at: 10,
        ends_at: 20,
    };
    assert!(!slot.meets_any(&[]));
    assert!(!slot.meets_any(&[(0, 10), (20, 30)]), "touching either end");
    assert!(slot.meets_any(&[(0, 11)]));
    assert!(slot.meets_any(&[(19, 30)]));
    assert!(slot.meets_any(&[(12, 15)]), "inside");
    assert!(slot.meets_any(&[(0, 40)]), "around");
}

#[test]
fn a_weekly_nine_oclock_in_london_stays_at_nine_london_time_across_both_changes() {
    let a = availability(
        "Europe/London",
        vec![window("tue", "09:00", "10:00")],
        vec![60],
    );
    // Every Tuesday of 2026 from February to mid-November: both changes (29 March and
    // 25 October) are inside.
    let slots = a.free_slots(
        &[],
        &query("2026-02-01T00:00:00Z", "2026-11-15T00:00:00Z", 60),
    );
    assert_eq!(slots.len(), 41, "one slot per Tuesday");
    for s in &slots {
        let london = DateTime::<Utc>::from_timestamp_millis(s.starts_at)
            .unwrap()
            .with_timezone(&Tz::Europe__London);
        assert_eq!((london.hour(), london.minute()), (9, 0), "{london}");
        assert_eq!(s.ends_at - s.starts_at, 3_600_000);
    }
    let around = |date: &str| {
        slots
            .iter()
            .find(|s| utc(s.starts_at).starts_with(date))
            .map(|s| utc(s.starts_at))
    };
    // GMT before the spring change, BST after, GMT again after the autumn one.
    assert_eq!(around("2026-03-24").unwrap(), "2026-03-24T09:00Z");
    assert_eq!(around("2026-03-31").unwrap(), "2026-03-31T08:00Z");
    assert_eq!(around("2026-10-20").unwrap(), "2026-10-20T08:00Z");
    assert_eq!(around("2026-10-27").unwrap(), "2026-10-27T09:00Z");
}

#[test]
fn a_new_york_mentee_sees_the_london_slot_move_while_the_two_zones_change_on_different_dates() {
    let a = availability(
        "Europe/London",
        vec![window("tue", "09:00", "10:00")],
        vec![60],
    );
    let ny = Tz::America__New_York;
    let seen = |from: &str, to: &str| -> Vec<String> {
        a.free_slots(&[], &query(from, to, 60))
            .iter()
            .map(|s| local(s.starts_at, ny))
            .collect()
    };
    // New York moves to EDT on 8 March, London to BST on 29 March: for three weeks the
    // London 09:00 is 05:00 in New York instead of 04:00.
    assert_eq!(
        seen("2026-03-01T00:00:00Z", "2026-04-08T00:00:00Z"),
        vec![
            "Tue 2026-03-03 04:00 -05:00",
            "Tue 2026-03-10 05:00 -04:00",
            "Tue 2026-03-17 05:00 -04:00",
            "Tue 2026-03-24 05:00 -04:00",
            "Tue 2026-03-31 04:00 -04:00",
            "Tue 2026-04-07 04:00 -04:00",
        ]
    );
    // London goes back on 25 October, New York on 1 November: one week at 05:00.
    assert_eq!(
        seen("2026-10-14T00:00:00Z", "2026-11-11T00:00:00Z"),
        vec![
            "Tue 2026-10-20 04:00 -04:00",
            "Tue 2026-10-27 05:00 -04:00",
            "Tue 2026-11-03 04:00 -05:00",
            "Tue 2026-11-10 04:00 -05:00",
        ]
    );
}

#[test]
fn in_london_a_window_across_the_spring_gap_skips_the_missing_hour() {
    // 29 March 2026: 01:00 GMT becomes 02:00 BST.
    let a = availability(
        "Europe/London",
        vec![window("sun", "00:30", "03:30")],
        vec![30],
    );
    let slots = a.free_slots(
        &[],
        &query("2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z", 30),
    );
    assert_eq!(
        starts(&slots),
        vec![
            "2026-03-29T00:30Z", // 00:30 GMT
            "2026-03-29T00:45Z",
            "2026-03-29T01:00Z", // 02:00 BST; 01:00–01:45 do not exist
            "2026-03-29T01:15Z",
            "2026-03-29T01:30Z",
            "2026-03-29T01:45Z",
            "2026-03-29T02:00Z", // 03:00 BST, the last that ends by 03:30
        ]
    );
}

#[test]
fn in_london_a_window_that_starts_in_the_gap_opens_when_its_start_has_elapsed() {
    // 01:30 does not exist that day; read with GMT it is 01:30Z, i.e. 02:30 BST.
    let a = availability(
        "Europe/London",
        vec![window("sun", "01:30", "03:00")],
        vec![30],
    );
    let slots = a.free_slots(
        &[],
        &query("2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z", 30),
    );
    assert_eq!(starts(&slots), vec!["2026-03-29T01:30Z"]);
}

#[test]
fn in_london_the_repeated_autumn_hour_means_its_first_pass() {
    // 25 October 2026: 02:00 BST becomes 01:00 GMT; 01:00–01:59 happen twice.
    let a = availability(
        "Europe/London",
        vec![window("sun", "00:30", "03:00")],
        vec![60],
    );
    let slots = a.free_slots(
        &[],
        &query("2026-10-24T00:00:00Z", "2026-10-26T00:00:00Z", 60),
    );
    assert_eq!(
        starts(&slots),
        vec![
            "2026-10-24T23:30Z", // 00:30 BST
            "2026-10-24T23:45Z",
            "2026-10-25T00:00Z", // 01:00 BST, the first 01:00
            "2026-10-25T00:15Z",
            "2026-10-25T00:30Z",
            "2026-10-25T00:45Z",
            "2026-10-25T02:00Z", // 02:00 GMT
        ]
    );
}

#[test]
fn in_sydney_the_april_change_back_takes_the_first_of_the_repeated_times() {
    // 5 April 2026: 03:00 AEDT becomes 02:00 AEST; 02:00–02:59 happen twice.
    let a = availability(
        "Australia/Sydney",
        vec![window("sun", "01:00", "04:00")],
        vec![60],
    );
    let slots = a.free_slots(
        &[],
        &query("2026-04-03T00:00:00Z", "2026-04-06T00:00:00Z", 60),
    );
    let sydney = Tz::Australia__Sydney;
    let seen: Vec<String> = slots.iter().map(|s| local(s.starts_at, sydney)).collect();
    assert_eq!(
        seen,
        vec![
            "Sun 2026-04-05 01:00 +11:00",
            "Sun 2026-04-05 01:15 +11:00",
            "Sun 2026-04-05 01:30 +11:00",
            "Sun 2026-04-05 01:45 +11:00",
            "Sun 2026-04-05 02:00 +11:00",
            "Sun 2026-04-05 02:15 +11:00",
            "Sun 2026-04-05 02:30 +11:00",
            "Sun 2026-04-05 02:45 +11:00",
            "Sun 2026-04-05 03:00 +10:00",
        ]
    );
    // The window runs four hours of elapsed time, and the last slot ends at its close.
    assert_eq!(utc(slots[8].ends_at), "2026-04-04T18:00Z");
}

#[test]
fn in_sydney_the_october_change_forward_skips_the_missing_hour() {
    // 4 October 2026: 02:00 AEST becomes 03:00 AEDT.
    let a = availability(
        "Australia/Sydney",
        vec![window("sun", "01:00", "04:00")],
        vec![60],
    );
    let slots = a.free_slots(
        &[],
        &query("2026-10-02T00:00:00Z", "2026-10-05T00:00:00Z", 60),
    );
    let sydney = Tz::Australia__Sydney;
    let seen: Vec<String> = slots.iter().map(|s| local(s.starts_at, sydney)).collect();
    assert_eq!(
        seen,
        vec![
            "Sun 2026-10-04 01:00 +10:00",
            "Sun 2026-10-04 01:15 +10:00",
            "Sun 2026-10-04 01:30 +10:00",
            "Sun 2026-10-04 01:45 +10:00",
            "Sun 2026-10-04 03:00 +11:00",
        ]
    );
    // Sydney 09:00 on the Mondays either side is 23:00Z then 22:00Z: local time holds.
    let a = availability(
        "Australia/Sydney",
        vec![window("mon", "09:00", "10:00")],
        vec![60],
    );
    let slots = a.free_slots(
        &[],
        &query("2026-09-25T00:00:00Z", "2026-10-10T00:00:00Z", 60),
    );
    assert_eq!(
        starts(&slots),
        vec!["2026-09-27T23:00Z", "2026-10-04T22:00Z"]
    );
}

#[test]
fn busy_time_blocks_its_buffer_on_both_sides() {
    let mut a = availability("UTC", vec![window("mon", "09:00", "12:00")], vec![30]);
    a.buffer_minutes = 15;
    let busy = [(ms("2026-06-01T10:00:00Z"), ms("2026-06-01T10:45:00Z"))];
    let slots = a.free_slots(
        &busy,
        &query("2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", 30),
    );
    assert_eq!(
        starts(&slots),
        vec![
            "2026-06-01T09:00Z",
            "2026-06-01T09:15Z", // ends 09:45, where the buffer begins
            "2026-06-01T11:00Z", // starts 11:00, where the buffer ends
            "2026-06-01T11:15Z",
            "2026-06-01T11:30Z",
        ]
    );
}

#[test]
fn nothing_is_offered_before_the_minimum_notice() {
    let mut a = availability("UTC", vec![window("mon", "09:00", "12:00")], vec![60]);
    a.min_notice_hours = 2;
    let mut q = query("2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", 60);
    q.now = ms("2026-06-01T08:05:00Z");
    assert_eq!(
        starts(&a.free_slots(&[], &q)),
        vec![
            "2026-06-01T10:15Z",
            "2026-06-01T10:30Z",
            "2026-06-01T10:45Z",
            "2026-06-01T11:00Z"
        ]
    );
}

#[test]
fn days_off_remove_time_and_extra_time_adds_it_even_on_a_day_off() {
    let a = Availability::parse(&RawAvailability {
        time_zone: "Europe/Berlin".into(),
        weekly: vec![
            window("mon", "09:00", "10:00"),
            window("mon", "10:00", "11:00"),
        ],
        exceptions: vec![
            RawException {
                kind: "off".into(),
                date: Some("2026-06-08".into()),
                ..RawException::default()
            },
            RawException {
                kind: "off".into(),
                from_date: Some("2026-06-15".into()),
                to_date: Some("2026-06-22".into()),
                ..RawException::default()
            },
            RawException {
                kind: "extra".into(),
                date: Some("2026-06-22".into()),
                from: Some("16:00".into()),
                to: Some("17:00".into()),
                one_off: true,
                ..RawException::default()
            },
        ],
        min_notice_hours: 0,
        buffer_minutes: 0,
        durations: vec![60],
    })
    .unwrap();
    let q = query("2026-06-01T00:00:00Z", "2026-06-30T00:00:00Z", 60);
    let days: Vec<String> = a
        .free_slots(&[], &q)
        .iter()
        .map(|s| local(s.starts_at, a.time_zone))
        .collect();
    // Touching windows are joined: an hour at 09:30 fits.
    assert_eq!(
        days,
        vec![
            "Mon 2026-06-01 09:00 +02:00",
            "Mon 2026-06-01 09:15 +02:00",
            "Mon 2026-06-01 09:30 +02:00",
            "Mon 2026-06-01 09:45 +02:00",
            "Mon 2026-06-01 10:00 +02:00",
            "Mon 2026-06-22 16:00 +02:00",
            "Mon 2026-06-29 09:00 +02:00",
            "Mon 2026-06-29 09:15 +02:00",
            "Mon 2026-06-29 09:30 +02:00",
            "Mon 2026-06-29 09:45 +02:00",
            "Mon 2026-06-29 10:00 +02:00",
        ]
    );
    // Only the extra time marked for one-off conversations is open to them.
    let one_off = SlotQuery {
        audience: Audience::OneOff,
        ..q
    };
    assert_eq!(
        starts(&a.free_slots(&[], &one_off)),
        vec!["2026-06-22T14:00Z"]
    );
}

// ---- properties

const ZONES: &[&str] = &[
    "Europe/London",
    "Australia/Sydney",
    "America/New_York",
    "Australia/Lord_Howe", // a 30-minute change
    "Asia/Kathmandu",      // +05:45
    "America/Santiago",
    "Pacific/Chatham", // +12:45/+13:45
    "UTC",
];

/// Around a clock change of 2026 in either hemisphere.
const AROUND: &[&str] = &[
    "2026-03-27T00:00:00Z",
    "2026-10-23T00:00:00Z",
    "2026-04-03T00:00:00Z",
    "2026-10-02T00:00:00Z",
    "2026-03-06T00:00:00Z",
    "2026-10-30T00:00:00Z",
];

fn raw_window() -> impl Strategy<Value = RawWindow> {
    (0usize..7, 0u16..288, 1u16..96, any::<bool>()).prop_map(|(day, from, len, one_off)| {
        let from = from * 5;
        let to = (from + len * 5).min(1440);
        let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        RawWindow {
            day: days[day].into(),
            from: crate::availability::hhmm(from),
            to: crate::availability::hhmm(to),
            one_off,
        }
    })
}

prop_compose! {
    fn case()(
        zone in prop::sample::select(ZONES),
        around in prop::sample::select(AROUND),
        windows in prop::collection::vec(raw_window(), 1..10),
        notice in 0i64..30,
        buffer in 0i64..6,
        duration in prop::sample::select(vec![15i64, 30, 45, 60, 90, 120]),
        now_offset_h in -48i64..24,
        span_h in 1i64..170,
        busy in prop::collection::vec((0i64..(170 * 12), 1i64..36), 0..12),
        one_off in any::<bool>(),
    ) -> (Availability, Vec<(i64, i64)>, SlotQuery) {
        // Overlapping random windows are refused by `parse`: keep the first of each clash.
        let mut kept: Vec<RawWindow> = Vec::new();
        for w in windows {
            let raw = RawAvailability {
                time_zone: zone.into(),
                weekly: kept.iter().cloned().chain([w.clone()]).collect(),
                exceptions: Vec::new(),
                min_notice_hours: notice,
                buffer_minutes: buffer * 5,
                durations: vec![duration],
            };
            if Availability::parse(&raw).is_ok() {
                kept.push(w);
            }
        }
        let a = Availability::parse(&RawAvailability {
            time_zone: zone.into(),
            weekly: kept,
            exceptions: Vec::new(),
            min_notice_hours: notice,
            buffer_minutes: buffer * 5,
            durations: vec![duration],
        }).unwrap();
        let from = ms(around);
        let busy = busy
            .into_iter()
            .map(|(start, len)| (from + start * 300_000, from + (start + len) * 300_000))
            .collect();
        let q = SlotQuery {
            now: from + now_offset_h * 3_600_000,
            from,
            to: from + span_h * 3_600_000,
            duration_minutes: duration,
            audience: if one_off { Audience::OneOff } else { Audience::Mentee },
        };
        (a, busy, q)
    }
}

/// The slots found the other way round: every five-minute UTC instant of the range, kept
/// if its local time is on a window's grid, is the first instant of that local time, and
/// keeps every rule.
fn oracle(a: &Availability, busy: &[(i64, i64)], q: &SlotQuery) -> Vec<Slot> {
    let tz = a.time_zone;
    let d = q.duration_minutes * 60_000;
    let buffer = a.buffer_minutes * 60_000;
    let mut out = Vec::new();
    let mut s = q.from - q.from.rem_euclid(300_000);
    while s < q.to {
        let t = DateTime::<Utc>::from_timestamp_millis(s)
            .unwrap()
            .with_timezone(&tz);
        let wall = t.naive_local();
        let minute = i64::from(wall.hour() * 60 + wall.minute());
        let date = wall.date();
        let fits = a.spans_on(date, q.audience).iter().any(|span| {
            let (f, to) = (i64::from(span.from), i64::from(span.to));
            minute >= f
                && (minute - f) % SLOT_STEP_MINUTES == 0
                && minute + q.duration_minutes <= to
                && bound_instant(tz, at(date, span.from)) <= s
                && s + d <= bound_instant(tz, at(date, span.to))
        });
        let first = start_instant(tz, wall) == Some(s);
        let free = busy
            .iter()
            .all(|&(b0, b1)| b1 <= b0 || !(s < b1 + buffer && s + d > b0 - buffer));
        if fits && first && free && s >= q.from && s >= q.now + a.min_notice_hours * 3_600_000 {
            out.push(Slot {
                starts_at: s,
                ends_at: s + d,
            });
        }
        s += 300_000;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn slots_keep_every_rule_in_any_zone((a, busy, q) in case()) {
        let slots = a.free_slots(&busy, &q);
        let notice = q.now + a.min_notice_hours * 3_600_000;
        let buffer = a.buffer_minutes * 60_000;
        for pair in slots.windows(2) {
            prop_assert!(pair[0].starts_at < pair[1].starts_at);
        }
        for s in &slots {
            prop_assert_eq!(s.ends_at - s.starts_at, q.duration_minutes * 60_000);
            prop_assert!(s.starts_at >= notice && s.starts_at >= q.from && s.starts_at < q.to);
            for &(b0, b1) in &busy {
                prop_assert!(
                    s.ends_at <= b0 - buffer || s.starts_at >= b1 + buffer,
                    "slot {} meets busy {}–{}", utc(s.starts_at), utc(b0), utc(b1)
                );
            }
            // Inside a window of the start's own local date, on its grid, and starting at
            // a local time that exists (read back, it is the same wall-clock time).
            let t = DateTime::<Utc>::from_timestamp_millis(s.starts_at).unwrap().with_timezone(&a.time_zone);
            let date = t.date_naive();
            let minute = i64::from(t.hour() * 60 + t.minute());
            let inside = a.spans_on(date, q.audience).iter().any(|span| {
                minute >= i64::from(span.from)
                    && (minute - i64::from(span.from)) % SLOT_STEP_MINUTES == 0
                    && bound_instant(a.time_zone, at(date, span.from)) <= s.starts_at
                    && s.ends_at <= bound_instant(a.time_zone, at(date, span.to))
            });
            prop_assert!(inside, "slot {} outside every window", local(s.starts_at, a.time_zone));
        }
        prop_assert_eq!(slots, oracle(&a, &busy, &q));
    }
}

#[test]
fn dates_of_the_changes_are_where_the_tests_think_they_are() {
    // Guards the tests above against a time-zone database that moved a change.
    let offset = |zone: Tz, date: &str| {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
        zone.offset_from_utc_datetime(&d.and_hms_opt(12, 0, 0).unwrap())
            .fix()
            .local_minus_utc()
            / 3600
    };
    let london = Tz::Europe__London;
    assert_eq!(
        (offset(london, "2026-03-28"), offset(london, "2026-03-30")),
        (0, 1)
    );
    assert_eq!(
        (offset(london, "2026-10-24"), offset(london, "2026-10-26")),
        (1, 0)
    );
    let sydney = Tz::Australia__Sydney;
    assert_eq!(
        (offset(sydney, "2026-04-03"), offset(sydney, "2026-04-06")),
        (11, 10)
    );
    assert_eq!(
        (offset(sydney, "2026-10-02"), offset(sydney, "2026-10-05")),
        (10, 11)
    );
}
