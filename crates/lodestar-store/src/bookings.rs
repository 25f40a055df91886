//! Sessions booked from a mentor's free slots, and the busy time a mentor's slots are
//! checked against.
//!
//! The booking transaction (see `lodestar-app`'s `booking`) locks the mentor's person row
//! (`mentorships::lock_person`), reads the mentor's busy time with [`busy_in`], and only
//! then inserts: two bookings of one mentor are serialised, and the second sees the
//! first. The partial unique index `bookings_one_per_start` is the last line: two active
//! bookings of one mentor never start at the same instant, whatever the code above does.

use lodestar_domain::{MeetingId, PersonId};
use sqlx::{Any, Executor, Row};

use crate::error::Result;
use crate::persons::parse_id;
use crate::{Conn, Db};

/// The longest a meeting can be (the `meetings` table's check), so a range query knows
/// how far back a meeting that overlaps it can start.
const LONGEST_MEETING_MS: i64 = 480 * 60_000;

/// A booking about to be made, for the meeting just inserted.
#[derive(Clone, Copy, Debug)]
pub struct NewBooking {
    pub meeting: MeetingId,
    pub mentor: PersonId,
    pub booked_by: PersonId,
    pub starts_at: i64,
    pub ends_at: i64,
    pub one_off: bool,
}

/// Records a booking, in the transaction that inserted its meeting. A second active
/// booking of the mentor at the same start is `StoreError::Conflict { what: "slot" }`.
pub async fn insert(conn: &mut Conn, new: &NewBooking, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO bookings (meeting_id, mentor_id, booked_by, starts_at, ends_at, one_off, \
         active, created_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7)",
    )
    .bind(new.meeting.to_string())
    .bind(new.mentor.to_string())
    .bind(new.booked_by.to_string())
    .bind(new.starts_at)
    .bind(new.ends_at)
    .bind(i64::from(new.one_off))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves the active booking of a meeting to where the meeting now is, in the transaction
/// that moves the meeting: the slot it left is free, and the one it takes is checked by
/// the unique index like a new booking (`StoreError::Conflict { what: "slot" }` if another
/// active booking of the mentor starts there). Nothing if the meeting was not booked.
pub async fn follow(
    conn: &mut Conn,
    meeting: MeetingId,
    starts_at: i64,
    ends_at: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE bookings SET starts_at = $2, ends_at = $3 WHERE meeting_id = $1 AND active = 1 \
         AND (starts_at <> $2 OR ends_at <> $3)",
    )
    .bind(meeting.to_string())
    .bind(starts_at)
    .bind(ends_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The active booking of a meeting, if it was booked from a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Booked {
    pub mentor: PersonId,
    pub one_off: bool,
}

/// Whether a meeting was booked (and its booking still counts): what decides how a move of
/// it is checked.
pub async fn of_meeting(db: &Db, meeting: MeetingId) -> Result<Option<Booked>> {
    sqlx::query("SELECT mentor_id, one_off FROM bookings WHERE meeting_id = $1 AND active = 1")
        .bind(meeting.to_string())
        .fetch_optional(db.reader())
        .await?
        .map(|row| {
            Ok(Booked {
                mentor: parse_id(&row.try_get::<String, _>("mentor_id")?)?,
                one_off: row.try_get::<i64, _>("one_off")? != 0,
            })
        })
        .transpose()
}

/// Frees the slot of a cancelled meeting.
pub async fn release(conn: &mut Conn, meeting: MeetingId) -> Result<()> {
    sqlx::query("UPDATE bookings SET active = 0 WHERE meeting_id = $1 AND active = 1")
        .bind(meeting.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The scheduled meetings of person `$1` in any mentorship that start in `($2, $3)`:
/// through the person's memberships and then each mentorship's meetings by start
/// (`meetings_by_mentorship`), so a year of sessions is a few index range scans. One text
/// for every read of a person's busy time.
macro_rules! scheduled_of_person {
    () => {
        "FROM mentorship_members mm JOIN meetings m ON m.mentorship_id = mm.mentorship_id \
         WHERE mm.person_id = $1 AND m.state = 'scheduled' AND m.starts_at < $3 \
         AND m.starts_at > $2"
    };
}

async fn busy_with<'e, E: Executor<'e, Database = Any>>(
    executor: E,
    person: PersonId,
    from: i64,
    to: i64,
    besides: Option<MeetingId>,
) -> Result<Vec<(i64, i64)>> {
    let rows = sqlx::query(concat!(
        "SELECT m.starts_at, m.duration_minutes ",
        scheduled_of_person!(),
        " AND m.id <> $4 ORDER BY m.starts_at"
    ))
    .bind(person.to_string())
    .bind(from.saturating_sub(LONGEST_MEETING_MS))
    .bind(to)
    .bind(besides.map(|m| m.to_string()).unwrap_or_default())
    .fetch_all(executor)
    .await?;
    let mut busy = Vec::with_capacity(rows.len());
    for row in rows {
        let start: i64 = row.try_get("starts_at")?;
        let end = start + row.try_get::<i64, _>("duration_minutes")? * 60_000;
        if end > from {
            busy.push((start, end));
        }
    }
    Ok(busy)
}

/// The scheduled meetings of `person`, in any mentorship and any role, that overlap
/// `[from, to)`, as `(start, end)` in epoch milliseconds, earliest first.
pub async fn busy(db: &Db, person: PersonId, from: i64, to: i64) -> Result<Vec<(i64, i64)>> {
    busy_with(db.reader(), person, from, to, None).await
}

/// [`busy`] and the person's calendar busy times ([`crate::busy_times::between`]) over
/// `[from, to)` in one read, unsorted: a slots answer needs both, and each read is a round
/// trip (to PostgreSQL, or to SQLite's connection thread). Each half uses its own index
/// as the two functions do.
pub async fn busy_with_calendar(
    db: &Db,
    person: PersonId,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64)>> {
    let rows = sqlx::query(concat!(
        "SELECT m.starts_at, m.starts_at + m.duration_minutes * 60000 AS ends_at ",
        scheduled_of_person!(),
        " UNION ALL SELECT starts_at, ends_at FROM busy_times \
             WHERE person_id = $1 AND starts_at < $3 AND ends_at > $4"
    ))
    .bind(person.to_string())
    .bind(from.saturating_sub(LONGEST_MEETING_MS))
    .bind(to)
    .bind(from)
    .fetch_all(db.reader())
    .await?;
    let mut busy = Vec::with_capacity(rows.len());
    for row in rows {
        let (start, end): (i64, i64) = (row.try_get("starts_at")?, row.try_get("ends_at")?);
        if end > from {
            busy.push((start, end));
        }
    }
    Ok(busy)
}

/// [`busy`] inside the booking transaction, after the person's row is locked, less the
/// meeting `besides` (one being moved does not stand in its own way).
pub async fn busy_in(
    conn: &mut Conn,
    person: PersonId,
    from: i64,
    to: i64,
    besides: Option<MeetingId>,
) -> Result<Vec<(i64, i64)>> {
    busy_with(&mut *conn, person, from, to, besides).await
}

/// How many active one-off conversations with `mentor` start in `[from, to)`: what the
/// monthly limit counts, read under the mentor's lock.
pub async fn one_off_count_in(
    conn: &mut Conn,
    mentor: PersonId,
    from: i64,
    to: i64,
) -> Result<i64> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM bookings WHERE mentor_id = $1 AND one_off = 1 AND active = 1 \
         AND starts_at >= $2 AND starts_at < $3",
    )
    .bind(mentor.to_string())
    .bind(from)
    .bind(to)
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?)
}

/// The starts of the active one-off conversations with `mentor` in `[from, to)`: what the
/// list of one-off slots checks each month's limit with.
pub async fn one_off_starts(db: &Db, mentor: PersonId, from: i64, to: i64) -> Result<Vec<i64>> {
    sqlx::query(
        "SELECT starts_at FROM bookings WHERE mentor_id = $1 AND one_off = 1 AND active = 1 \
         AND starts_at >= $2 AND starts_at < $3",
    )
    .bind(mentor.to_string())
    .bind(from)
    .bind(to)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| Ok(row.try_get("starts_at")?))
    .collect()
}
