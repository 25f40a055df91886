//! The settings form's mapping: rows in, the service's input out (empty rows skipped),
//! and the service's field errors back beside the rows they are about.

#![allow(clippy::unwrap_used)]

use lodestar_app::booking::ExceptionInput;
use lodestar_domain::FieldErrors;

use super::form::*;
use super::*;

fn form(pairs: &[(&str, &str)]) -> FormData {
    FormData(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

#[test]
fn empty_rows_are_skipped_and_errors_go_back_to_their_own_rows() {
    let data = form(&[
        ("time_zone", "Europe/London"),
        ("min_notice_hours", "24"),
        ("buffer_minutes", "10"),
        ("durations", "30"),
        ("durations", "60"),
        ("weekly[0].day", "tue"),
        ("weekly[0].from", "09:00"),
        ("weekly[0].to", "11:00"),
        ("weekly[1].day", ""),
        ("weekly[1].from", ""),
        ("weekly[1].to", ""),
        ("weekly[2].day", "thu"),
        ("weekly[2].from", "14:00"),
        ("weekly[2].to", "16:00"),
        ("weekly[2].one_off", "on"),
        ("exceptions[0].kind", ""),
        ("exceptions[1].kind", "off"),
        ("exceptions[1].date", "2026-12-24"),
        ("exceptions[1].until", "2027-01-02"),
        ("exceptions[2].kind", "off"),
        ("exceptions[2].date", "2027-04-05"),
        ("exceptions[3].kind", "extra"),
        ("exceptions[3].date", "2027-01-09"),
        ("exceptions[3].from", "10:00"),
        ("exceptions[3].to", "12:00"),
    ]);
    let read = AvailabilityForm::read(&data);
    assert_eq!(read.weekly.len(), 3);
    let (input, rows) = read.input().unwrap();
    assert_eq!(input.weekly.len(), 2);
    assert!(input.weekly[1].one_off);
    assert_eq!(input.durations, vec![30, 60]);
    assert_eq!(input.min_notice_hours, 24);
    assert_eq!(
        input.exceptions,
        vec![
            ExceptionInput {
                kind: "off".into(),
                from_date: Some("2026-12-24".into()),
                to_date: Some("2027-01-02".into()),
                ..ExceptionInput::default()
            },
            ExceptionInput {
                kind: "off".into(),
                date: Some("2027-04-05".into()),
                ..ExceptionInput::default()
            },
            ExceptionInput {
                kind: "extra".into(),
                date: Some("2027-01-09".into()),
                from: Some("10:00".into()),
                to: Some("12:00".into()),
                ..ExceptionInput::default()
            },
        ]
    );
    let mut service = FieldErrors::new();
    service.add("weekly[1].from", "overlaps");
    service.add("exceptions[0].to_date", "before");
    service.add("exceptions[1].from_date", "bad");
    service.add("durations[1]", "twice");
    service.add("time_zone", "unknown");
    let back = rows.rename(&service);
    let keys: Vec<&str> = back.iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        vec![
            "durations",
            "exceptions[1].until",
            "exceptions[2].date",
            "time_zone",
            "weekly[2].from",
        ]
    );
}

#[test]
fn numbers_that_are_not_numbers_are_field_errors() {
    let data = form(&[
        ("time_zone", "UTC"),
        ("min_notice_hours", "a day"),
        ("buffer_minutes", "5.5"),
        ("one_off_monthly_limit", ""),
        ("durations", "thirty"),
    ]);
    let errors = AvailabilityForm::read(&data).input().unwrap_err();
    let keys: Vec<&str> = errors.iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        vec!["buffer_minutes", "durations", "min_notice_hours"]
    );
}

#[test]
fn a_grid_keeps_spare_rows_and_the_lengths_list_shows_what_was_chosen() {
    let mut f = AvailabilityForm {
        durations: vec!["25".into(), "60".into()],
        ..AvailabilityForm::default()
    };
    f.weekly = vec![
        WindowRow::default(),
        WindowRow {
            day: "mon".into(),
            from: "09:00".into(),
            to: "10:00".into(),
            one_off: false,
        },
    ];
    let padded = f.padded(SPARE_ROWS);
    assert_eq!(padded.weekly.len(), 1 + SPARE_ROWS);
    assert_eq!(padded.weekly[0].day, "mon");
    assert_eq!(padded.exceptions.len(), SPARE_ROWS);
    let lengths = padded.lengths();
    assert!(lengths.contains(&(25, true)));
    assert!(lengths.contains(&(60, true)));
    assert!(lengths.contains(&(30, false)));
}
