//! Availability and bookings in the store: an availability reads back as it was written,
//! a mentor's busy time is every scheduled meeting of theirs in any mentorship, two
//! active bookings of one mentor never share a start, cancelling a booked meeting frees
//! it, and moving one moves its booking.

use lodestar_domain::availability::{Availability, RawAvailability, RawException, RawWindow};
use lodestar_domain::mentoring::{Cadence, MemberRole};
use lodestar_domain::{MeetingId, MentorshipId, PersonId};
use lodestar_store::availability::{self, AvailabilityRecord};
use lodestar_store::bookings::{self, NewBooking};
use lodestar_store::busy_times::{self, Fetched};
use lodestar_store::meetings::{self, MeetingChanges, NewMeeting};
use lodestar_store::mentorships::{self, NewMentorship};
use lodestar_store::{Db, StoreError, now_ms};

use crate::support::{account, backend_tests};

const HOUR: i64 = 3_600_000;

async fn mentorship(db: &Db, mentor: PersonId, mentee: PersonId) -> MentorshipId {
    let id = MentorshipId::new();
    let mut tx = db.begin().await.unwrap();
    mentorships::insert(
        &mut tx,
        &NewMentorship {
            id,
            request: None,
            members: vec![(mentor, MemberRole::Mentor), (mentee, MemberRole::Mentee)],
            goals: String::new(),
            focus_areas: vec![],
            skills: vec![],
            cadence: Cadence::Weekly,
            expected_end_on: None,
            actor: mentor,
            programme: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn meeting(
    db: &Db,
    mentorship: MentorshipId,
    organizer: PersonId,
    starts_at: i64,
    minutes: i64,
) -> MeetingId {
    let id = MeetingId::new();
    let mut tx = db.begin().await.unwrap();
    meetings::insert(
        &mut tx,
        &NewMeeting {
            id,
            mentorship,
            organizer,
            starts_at,
            duration_minutes: minutes,
            time_zone: "UTC".into(),
            location: String::new(),
            agenda: String::new(),
        },
        now_ms(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn book(
    db: &Db,
    meeting: MeetingId,
    mentor: PersonId,
    by: PersonId,
    starts_at: i64,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    bookings::insert(
        &mut tx,
        &NewBooking {
            meeting,
            mentor,
            booked_by: by,
            starts_at,
            ends_at: starts_at + HOUR,
            one_off: false,
        },
        now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

backend_tests! {
    async fn an_availability_reads_back_as_it_was_written_and_is_replaced_whole(db) {
        let mia = account(db, "Mia Mentor", "mia@example.org").await;
        assert!(availability::get(db, mia.id).await.unwrap().is_none());
        let raw = RawAvailability {
            time_zone: "Australia/Sydney".into(),
            weekly: vec![RawWindow { day: "tue".into(), from: "09:00".into(), to: "11:00".into(), one_off: true }],
            exceptions: vec![RawException { kind: "off".into(), from_date: Some("2026-12-24".into()), to_date: Some("2027-01-02".into()), ..RawException::default() }],
            min_notice_hours: 12,
            buffer_minutes: 10,
            durations: vec![30, 60],
        };
        let record = AvailabilityRecord {
            availability: Availability::parse(&raw).unwrap(),
            busy_calendar_url: Some("https://calendar.example.org/mia.ics".into()),
            one_off_monthly_limit: 4,
            updated_at: 1_700_000_000_000,
        };
        let mut tx = db.begin().await.unwrap();
        availability::save(&mut tx, mia.id, &record).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(availability::get(db, mia.id).await.unwrap(), Some(record.clone()));
        let replaced = AvailabilityRecord { busy_calendar_url: None, one_off_monthly_limit: 0, ..record };
        let mut tx = db.begin().await.unwrap();
        availability::save(&mut tx, mia.id, &replaced).await.unwrap();
        assert_eq!(availability::get_in(&mut tx, mia.id).await.unwrap(), Some(replaced.clone()));
        tx.commit().await.unwrap();
        assert_eq!(availability::get(db, mia.id).await.unwrap(), Some(replaced));
    }

    async fn a_mentors_busy_time_is_every_scheduled_meeting_of_theirs_in_any_mentorship(db) {
        let mia = account(db, "Mia Mentor", "mia@example.org").await;
        let ted = account(db, "Ted Mentee", "ted@example.org").await;
        let ola = account(db, "Ola Mentee", "ola@example.org").await;
        let own = account(db, "Mia's Mentor", "mo@example.org").await;
        let base = now_ms() + 48 * HOUR;
        let with_ted = mentorship(db, mia.id, ted.id).await;
        let with_ola = mentorship(db, mia.id, ola.id).await;
        // Mia is mentored herself: her sessions as a mentee are busy time too.
        let as_mentee = mentorship(db, own.id, mia.id).await;
        let a = meeting(db, with_ted, mia.id, base, 60).await;
        meeting(db, with_ola, mia.id, base + 2 * HOUR, 30).await;
        meeting(db, as_mentee, own.id, base + 4 * HOUR, 45).await;
        meeting(db, with_ola, mia.id, base + 30 * HOUR, 30).await; // after the range
        // A long meeting that starts before the range and runs into it counts.
        let early = meeting(db, with_ted, mia.id, base - 5 * HOUR, 480).await;
        let busy = bookings::busy(db, mia.id, base - HOUR, base + 24 * HOUR).await.unwrap();
        assert_eq!(busy, vec![
            (base - 5 * HOUR, base + 3 * HOUR),
            (base, base + HOUR),
            (base + 2 * HOUR, base + 2 * HOUR + 30 * 60_000),
            (base + 4 * HOUR, base + 4 * HOUR + 45 * 60_000),
        ]);
        // With her own calendar's busy times, in one read: the same meetings and those of
        // the times that overlap the range (one ends as the range starts: not busy in it).
        let url = "https://calendar.example.org/mia.ics";
        let mut tx = db.begin().await.unwrap();
        busy_times::set_calendar(&mut tx, mia.id, Some(url), now_ms()).await.unwrap();
        let fetched = Fetched { fetched_at: now_ms(), next_fetch_at: now_ms() + HOUR, etag: None, last_modified: None, truncated: false };
        let calendar = [(base - 2 * HOUR, base - HOUR), (base + 6 * HOUR, base + 7 * HOUR), (base + 25 * HOUR, base + 26 * HOUR)];
        assert!(busy_times::replace_busy(&mut tx, mia.id, url, &calendar, &fetched).await.unwrap());
        tx.commit().await.unwrap();
        let mut both = bookings::busy_with_calendar(db, mia.id, base - HOUR, base + 24 * HOUR).await.unwrap();
        both.sort_unstable();
        let mut expected = busy.clone();
        expected.push((base + 6 * HOUR, base + 7 * HOUR));
        expected.sort_unstable();
        assert_eq!(both, expected);
        let mut tx = db.begin().await.unwrap();
        assert!(meetings::cancel(&mut tx, a, "", now_ms()).await.unwrap());
        assert!(meetings::cancel(&mut tx, early, "", now_ms()).await.unwrap());
        assert_eq!(bookings::busy_in(&mut tx, mia.id, base - HOUR, base + 24 * HOUR, None).await.unwrap().len(), 2);
        tx.commit().await.unwrap();
        assert!(bookings::busy(db, ted.id, base - HOUR, base + 24 * HOUR).await.unwrap().is_empty());
    }

    async fn two_active_bookings_of_a_mentor_never_share_a_start_a_cancel_frees_it_and_a_move_takes_it_along(db) {
        let mia = account(db, "Mia Mentor", "mia@example.org").await;
        let ted = account(db, "Ted Mentee", "ted@example.org").await;
        let ola = account(db, "Ola Mentee", "ola@example.org").await;
        let at = now_ms() + 72 * HOUR;
        let with_ted = mentorship(db, mia.id, ted.id).await;
        let with_ola = mentorship(db, mia.id, ola.id).await;
        let first = meeting(db, with_ted, ted.id, at, 60).await;
        let second = meeting(db, with_ola, ola.id, at, 60).await;
        book(db, first, mia.id, ted.id, at).await.unwrap();
        let clash = book(db, second, mia.id, ola.id, at).await;
        assert!(matches!(clash, Err(StoreError::Conflict { what: "slot" })), "{clash:?}");
        // Cancelled, the first frees the start.
        let mut tx = db.begin().await.unwrap();
        assert!(meetings::cancel(&mut tx, first, "ill", now_ms()).await.unwrap());
        tx.commit().await.unwrap();
        book(db, second, mia.id, ola.id, at).await.unwrap();
        // Moved away through an ordinary edit, the second frees it too; an agenda edit
        // that keeps the time keeps the booking.
        let mut tx = db.begin().await.unwrap();
        let keep = MeetingChanges { starts_at: at, duration_minutes: 60, time_zone: "UTC".into(), location: String::new(), agenda: "notes".into(), bump_sequence: false };
        assert!(meetings::update(&mut tx, second, &keep, now_ms()).await.unwrap());
        tx.commit().await.unwrap();
        let third = meeting(db, with_ted, ted.id, at, 60).await;
        assert!(matches!(book(db, third, mia.id, ted.id, at).await, Err(StoreError::Conflict { what: "slot" })));
        let mut tx = db.begin().await.unwrap();
        let moved = MeetingChanges { starts_at: at + 2 * HOUR, ..keep.clone() };
        assert!(meetings::update(&mut tx, second, &moved, now_ms()).await.unwrap());
        tx.commit().await.unwrap();
        book(db, third, mia.id, ted.id, at).await.unwrap();
        // The moved booking still counts, at its new start: a move of another booked
        // session onto it is refused by the index, and the mover's transaction undone.
        assert_eq!(bookings::of_meeting(db, second).await.unwrap(), Some(bookings::Booked { mentor: mia.id, one_off: false }));
        let starts: Vec<i64> = sqlx::query_scalar("SELECT starts_at FROM bookings WHERE active = 1 ORDER BY starts_at")
            .fetch_all(db.reader()).await.unwrap();
        assert_eq!(starts, vec![at, at + 2 * HOUR]);
        let mut tx = db.begin().await.unwrap();
        let onto = MeetingChanges { starts_at: at + 2 * HOUR, ..keep };
        let clash = meetings::update(&mut tx, third, &onto, now_ms()).await;
        assert!(matches!(clash, Err(StoreError::Conflict { what: "slot" })), "{clash:?}");
        drop(tx);
        assert_eq!(meetings::get(db, third).await.unwrap().unwrap().starts_at, at);
        // The one being moved is not its own busy time.
        let mut tx = db.begin().await.unwrap();
        assert_eq!(bookings::busy_in(&mut tx, mia.id, at, at + 3 * HOUR, None).await.unwrap().len(), 2);
        assert_eq!(bookings::busy_in(&mut tx, mia.id, at, at + 3 * HOUR, Some(third)).await.unwrap(), vec![(at + 2 * HOUR, at + 3 * HOUR)]);
    }

    async fn one_off_bookings_are_counted_by_start_while_active(db) {
        let mia = account(db, "Mia Mentor", "mia@example.org").await;
        let ted = account(db, "Ted Mentee", "ted@example.org").await;
        let with_ted = mentorship(db, mia.id, ted.id).await;
        let at = now_ms() + 24 * HOUR;
        let mut ids = Vec::new();
        for i in 0..3 {
            let m = meeting(db, with_ted, ted.id, at + i * HOUR, 30).await;
            let mut tx = db.begin().await.unwrap();
            bookings::insert(&mut tx, &NewBooking { meeting: m, mentor: mia.id, booked_by: ted.id, starts_at: at + i * HOUR, ends_at: at + i * HOUR + HOUR / 2, one_off: i < 2 }, now_ms()).await.unwrap();
            tx.commit().await.unwrap();
            ids.push(m);
        }
        let mut tx = db.begin().await.unwrap();
        assert_eq!(bookings::one_off_count_in(&mut tx, mia.id, at, at + 24 * HOUR).await.unwrap(), 2);
        assert_eq!(bookings::one_off_count_in(&mut tx, mia.id, at + HOUR, at + 24 * HOUR).await.unwrap(), 1);
        assert!(meetings::cancel(&mut tx, ids[0], "", now_ms()).await.unwrap());
        assert_eq!(bookings::one_off_count_in(&mut tx, mia.id, at, at + 24 * HOUR).await.unwrap(), 1);
        tx.commit().await.unwrap();
    }
}
