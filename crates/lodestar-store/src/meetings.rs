//! Meetings of a mentorship (the pages call them sessions): scheduling, rescheduling,
//! cancelling, the outcome, reminders and what a person's calendar feed lists. Cancelling
//! a booked meeting frees its slot; moving it moves its booking (`bookings`).
//!
//! Every change of state is one conditional UPDATE (`… WHERE state = …`), so two people
//! (or two server processes) acting on one meeting at once cannot both win: the loser's
//! statement touches no row and the caller reports a conflict.

use lodestar_domain::mentoring::{MeetingState, MemberRole};
use lodestar_domain::{MeetingId, MentorshipId, PersonId};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::error::Result;
use crate::persons::parse_id;
use crate::{Conn, Db};

/// A meeting about to be scheduled.
#[derive(Clone, Debug)]
pub struct NewMeeting {
    pub id: MeetingId,
    pub mentorship: MentorshipId,
    pub organizer: PersonId,
    /// UTC epoch milliseconds.
    pub starts_at: i64,
    pub duration_minutes: i64,
    /// The scheduler's IANA time zone, as the start was entered.
    pub time_zone: String,
    pub location: String,
    pub agenda: String,
}

/// A meeting as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meeting {
    pub id: MeetingId,
    pub mentorship: MentorshipId,
    pub organizer: Option<PersonId>,
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub time_zone: String,
    pub location: String,
    pub agenda: String,
    pub state: MeetingState,
    pub cancel_reason: String,
    /// The iCalendar SEQUENCE: grows on every reschedule and on cancelling.
    pub sequence: i64,
    pub reminded_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Meeting {
    pub fn ends_at(&self) -> i64 {
        self.starts_at + self.duration_minutes * 60_000
    }
}

/// The columns [`from_row`] reads, as a literal for `concat!`.
macro_rules! columns {
    () => {
        "m.id, m.mentorship_id, m.organizer_id, m.starts_at, m.duration_minutes, m.time_zone, \
         m.location, m.agenda, m.state, m.cancel_reason, m.sequence, m.reminded_at, \
         m.created_at, m.updated_at"
    };
}

fn from_row(row: &AnyRow) -> Result<Meeting> {
    Ok(Meeting {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        mentorship: parse_id(&row.try_get::<String, _>("mentorship_id")?)?,
        organizer: row
            .try_get::<Option<String>, _>("organizer_id")?
            .map(|s| parse_id(&s))
            .transpose()?,
        starts_at: row.try_get("starts_at")?,
        duration_minutes: row.try_get("duration_minutes")?,
        time_zone: row.try_get("time_zone")?,
        location: row.try_get("location")?,
        agenda: row.try_get("agenda")?,
        state: parse_id(&row.try_get::<String, _>("state")?)?,
        cancel_reason: row.try_get("cancel_reason")?,
        sequence: row.try_get("sequence")?,
        reminded_at: row.try_get("reminded_at")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Schedules a meeting, in the caller's transaction.
pub async fn insert(conn: &mut Conn, new: &NewMeeting, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO meetings (id, mentorship_id, organizer_id, starts_at, duration_minutes, \
         time_zone, location, agenda, state, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'scheduled', $9, $9)",
    )
    .bind(new.id.to_string())
    .bind(new.mentorship.to_string())
    .bind(new.organizer.to_string())
    .bind(new.starts_at)
    .bind(new.duration_minutes)
    .bind(new.time_zone.clone())
    .bind(new.location.clone())
    .bind(new.agenda.clone())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn get_with<'e, E: Executor<'e, Database = Any>>(
    executor: E,
    id: MeetingId,
) -> Result<Option<Meeting>> {
    sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM meetings m WHERE m.id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(executor)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// The meeting with this id, whoever may see it (the caller checks membership).
pub async fn get(db: &Db, id: MeetingId) -> Result<Option<Meeting>> {
    get_with(db.reader(), id).await
}

/// [`get`] inside a transaction, to read a meeting as the transaction left it.
pub async fn get_in(conn: &mut Conn, id: MeetingId) -> Result<Option<Meeting>> {
    get_with(&mut *conn, id).await
}

/// A mentorship's meetings, latest start first.
pub async fn list_for_mentorship(db: &Db, mentorship: MentorshipId) -> Result<Vec<Meeting>> {
    sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM meetings m WHERE m.mentorship_id = $1 ORDER BY m.starts_at DESC, m.id"
    ))
    .bind(mentorship.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// The meetings of every mentorship `person` is a member of that start at or after
/// `since`, cancelled ones included, earliest first: what their calendar feed lists.
pub async fn list_for_person(db: &Db, person: PersonId, since: i64) -> Result<Vec<Meeting>> {
    sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM meetings m JOIN mentorship_members mm \
         ON mm.mentorship_id = m.mentorship_id AND mm.person_id = $1 \
         WHERE m.starts_at >= $2 ORDER BY m.starts_at, m.id"
    ))
    .bind(person.to_string())
    .bind(since)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// What an edit of a scheduled meeting sets.
#[derive(Clone, Debug)]
pub struct MeetingChanges {
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub time_zone: String,
    pub location: String,
    pub agenda: String,
    /// Whether the change moves the event in people's calendars (time, length, place):
    /// then SEQUENCE grows and a new invitation goes out.
    pub bump_sequence: bool,
}

/// Edits a meeting that is still scheduled; `false` if it no longer is (or is gone).
pub async fn update(conn: &mut Conn, id: MeetingId, c: &MeetingChanges, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE meetings SET starts_at = $1, duration_minutes = $2, time_zone = $3, \
         location = $4, agenda = $5, sequence = sequence + $6, updated_at = $7, \
         reminded_at = CASE WHEN starts_at = $1 THEN reminded_at ELSE NULL END \
         WHERE id = $8 AND state = 'scheduled'",
    )
    .bind(c.starts_at)
    .bind(c.duration_minutes)
    .bind(c.time_zone.clone())
    .bind(c.location.clone())
    .bind(c.agenda.clone())
    .bind(i64::from(c.bump_sequence))
    .bind(now)
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    // A booked session's booking moves with it: the old start is free, and the unique
    // index checks the new one.
    crate::bookings::follow(
        conn,
        id,
        c.starts_at,
        c.starts_at + c.duration_minutes * 60_000,
    )
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Cancels a scheduled meeting (SEQUENCE grows, as RFC 5546 asks of a CANCEL); `false`
/// if it was not scheduled.
pub async fn cancel(conn: &mut Conn, id: MeetingId, reason: &str, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE meetings SET state = 'cancelled', cancel_reason = $1, sequence = sequence + 1, \
         updated_at = $2 WHERE id = $3 AND state = 'scheduled'",
    )
    .bind(reason.to_owned())
    .bind(now)
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    // A cancelled booked session frees its slot.
    crate::bookings::release(conn, id).await?;
    Ok(done.rows_affected() == 1)
}

/// The scheduled meetings of a mentorship that start after `now`, read inside the caller's
/// transaction: what ending the mentorship cancels.
pub async fn upcoming_in(
    conn: &mut Conn,
    mentorship: MentorshipId,
    now: i64,
) -> Result<Vec<MeetingId>> {
    sqlx::query(
        "SELECT id FROM meetings WHERE mentorship_id = $1 AND state = 'scheduled' AND starts_at > $2 \
         ORDER BY starts_at, id",
    )
    .bind(mentorship.to_string())
    .bind(now)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| parse_id(&row.try_get::<String, _>("id")?))
    .collect()
}

/// Records the outcome: held or missed. Moves only from the states that
/// [`MeetingState::can_become`] allows; `false` otherwise.
pub async fn set_outcome(conn: &mut Conn, id: MeetingId, held: bool, now: i64) -> Result<bool> {
    let (to, other) = if held {
        (MeetingState::Held, MeetingState::NoShow)
    } else {
        (MeetingState::NoShow, MeetingState::Held)
    };
    let done = sqlx::query(
        "UPDATE meetings SET state = $1, updated_at = $2 \
         WHERE id = $3 AND state IN ('scheduled', $4)",
    )
    .bind(to.as_str())
    .bind(now)
    .bind(id.to_string())
    .bind(other.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Claims the scheduled meetings that start after `now` and no later than `until` and
/// have not been reminded of: marks them reminded and returns them. One statement, so
/// of several processes running this at once each meeting goes to one.
pub async fn claim_reminders(conn: &mut Conn, now: i64, until: i64) -> Result<Vec<Meeting>> {
    let ids: Vec<String> = sqlx::query(
        "UPDATE meetings SET reminded_at = $1 WHERE state = 'scheduled' AND reminded_at IS NULL \
         AND starts_at > $1 AND starts_at <= $2 RETURNING id",
    )
    .bind(now)
    .bind(until)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| row.try_get("id"))
    .collect::<std::result::Result<_, _>>()?;
    let mut meetings = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(m) = get_in(conn, parse_id(&id)?).await? {
            meetings.push(m);
        }
    }
    Ok(meetings)
}

/// A member of a mentorship as a calendar needs them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attendee {
    pub person: PersonId,
    pub name: String,
    pub email: String,
    pub role: MemberRole,
    pub time_zone: String,
}

/// The members of a mentorship with their names, addresses and time zones, mentors
/// first.
pub async fn attendees(db: &Db, mentorship: MentorshipId) -> Result<Vec<Attendee>> {
    attendees_with(db.reader(), mentorship).await
}

/// [`attendees`] inside a transaction.
pub async fn attendees_in(conn: &mut Conn, mentorship: MentorshipId) -> Result<Vec<Attendee>> {
    attendees_with(&mut *conn, mentorship).await
}

async fn attendees_with<'e, E: Executor<'e, Database = Any>>(
    executor: E,
    mentorship: MentorshipId,
) -> Result<Vec<Attendee>> {
    sqlx::query(
        "SELECT p.id, p.name, p.email, p.time_zone, mm.role FROM mentorship_members mm \
         JOIN persons p ON p.id = mm.person_id WHERE mm.mentorship_id = $1 \
         ORDER BY mm.role DESC, mm.joined_at, p.id",
    )
    .bind(mentorship.to_string())
    .fetch_all(executor)
    .await?
    .iter()
    .map(|row| {
        Ok(Attendee {
            person: parse_id(&row.try_get::<String, _>("id")?)?,
            name: row.try_get("name")?,
            email: row.try_get("email")?,
            role: parse_id(&row.try_get::<String, _>("role")?)?,
            time_zone: row.try_get("time_zone")?,
        })
    })
    .collect()
}

/// A person's IANA time zone, from their profile (`UTC` if they are gone).
pub async fn time_zone_of(db: &Db, person: PersonId) -> Result<String> {
    Ok(sqlx::query("SELECT time_zone FROM persons WHERE id = $1")
        .bind(person.to_string())
        .fetch_optional(db.reader())
        .await?
        .map(|row| row.try_get::<String, _>("time_zone"))
        .transpose()?
        .unwrap_or_else(|| "UTC".to_owned()))
}
