//! A person's published availability: one row each, the weekly windows, exceptions and
//! session lengths as JSON in the API's shape. What is written has passed
//! [`Availability::parse`]; what is read is parsed again, so a row that no longer parses
//! is corrupt data, not a slot.

use lodestar_domain::availability::{Availability, RawAvailability};
use lodestar_domain::mentoring::{MemberRole, MentorshipState};
use lodestar_domain::{MentorshipId, PersonId};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::error::Result;
use crate::persons::parse_id;
use crate::{Conn, Db, StoreError};

/// An availability as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct AvailabilityRecord {
    pub availability: Availability,
    /// The address of the person's own calendar, whose busy times block slots.
    pub busy_calendar_url: Option<String>,
    /// One-off conversations offered per month (0: none).
    pub one_off_monthly_limit: i64,
    pub updated_at: i64,
}

fn from_row(row: &AnyRow) -> Result<AvailabilityRecord> {
    let json = |column: &str| -> Result<String> { Ok(row.try_get::<String, _>(column)?) };
    let corrupt = |what: &str, e: &dyn std::fmt::Display| {
        StoreError::Corrupt(format!("availability {what}: {e}"))
    };
    let raw = RawAvailability {
        time_zone: row.try_get("time_zone")?,
        weekly: serde_json::from_str(&json("weekly")?).map_err(|e| corrupt("weekly", &e))?,
        exceptions: serde_json::from_str(&json("exceptions")?)
            .map_err(|e| corrupt("exceptions", &e))?,
        min_notice_hours: row.try_get("min_notice_hours")?,
        buffer_minutes: row.try_get("buffer_minutes")?,
        durations: serde_json::from_str(&json("durations")?)
            .map_err(|e| corrupt("durations", &e))?,
    };
    let availability = Availability::parse(&raw).map_err(|e| {
        let fields: Vec<&str> = e.iter().map(|(k, _)| k).collect();
        corrupt("fields", &fields.join(", "))
    })?;
    Ok(AvailabilityRecord {
        availability,
        busy_calendar_url: row.try_get("busy_calendar_url")?,
        one_off_monthly_limit: row.try_get("one_off_monthly_limit")?,
        updated_at: row.try_get("updated_at")?,
    })
}

async fn get_with<'e, E: Executor<'e, Database = Any>>(
    executor: E,
    person: PersonId,
) -> Result<Option<AvailabilityRecord>> {
    sqlx::query(
        "SELECT time_zone, weekly, exceptions, min_notice_hours, buffer_minutes, durations, \
         busy_calendar_url, one_off_monthly_limit, updated_at FROM availability WHERE person_id = $1",
    )
    .bind(person.to_string())
    .fetch_optional(executor)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// The person's availability, if they have published one.
pub async fn get(db: &Db, person: PersonId) -> Result<Option<AvailabilityRecord>> {
    get_with(db.reader(), person).await
}

/// [`get`] inside a transaction, as the transaction sees it.
pub async fn get_in(conn: &mut Conn, person: PersonId) -> Result<Option<AvailabilityRecord>> {
    get_with(&mut *conn, person).await
}

/// Writes the person's availability, replacing what was there.
pub async fn save(conn: &mut Conn, person: PersonId, record: &AvailabilityRecord) -> Result<()> {
    let raw = record.availability.to_raw();
    sqlx::query(
        "INSERT INTO availability (person_id, time_zone, weekly, exceptions, min_notice_hours, \
         buffer_minutes, durations, busy_calendar_url, one_off_monthly_limit, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (person_id) DO UPDATE SET time_zone = excluded.time_zone, \
         weekly = excluded.weekly, exceptions = excluded.exceptions, \
         min_notice_hours = excluded.min_notice_hours, buffer_minutes = excluded.buffer_minutes, \
         durations = excluded.durations, busy_calendar_url = excluded.busy_calendar_url, \
         one_off_monthly_limit = excluded.one_off_monthly_limit, updated_at = excluded.updated_at",
    )
    .bind(person.to_string())
    .bind(raw.time_zone.clone())
    .bind(to_json(&raw.weekly)?)
    .bind(to_json(&raw.exceptions)?)
    .bind(raw.min_notice_hours)
    .bind(raw.buffer_minutes)
    .bind(to_json(&raw.durations)?)
    .bind(record.busy_calendar_url.clone())
    .bind(record.one_off_monthly_limit)
    .bind(record.updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A member of a mentorship as listing its mentor's slots needs them: who, in which zone,
/// and, for a mentor, their availability.
#[derive(Clone, Debug, PartialEq)]
pub struct SlotMember {
    pub person: PersonId,
    pub name: String,
    pub role: MemberRole,
    pub time_zone: String,
    pub availability: Option<AvailabilityRecord>,
}

/// A mentorship's state and members (mentors first) with each mentor's availability, in
/// one query: listing slots is read often, and on SQLite every query is a hand-off to the
/// connection's thread and back. Empty if there is no such mentorship.
pub async fn slot_context(
    db: &Db,
    mentorship: MentorshipId,
) -> Result<Option<(MentorshipState, Vec<SlotMember>)>> {
    let rows = sqlx::query(
        "SELECT m.state, mm.person_id, mm.role, p.name AS person_name, p.time_zone AS person_zone, \
         a.time_zone, a.weekly, a.exceptions, a.min_notice_hours, a.buffer_minutes, a.durations, \
         a.busy_calendar_url, a.one_off_monthly_limit, a.updated_at \
         FROM mentorships m JOIN mentorship_members mm ON mm.mentorship_id = m.id \
         JOIN persons p ON p.id = mm.person_id \
         LEFT JOIN availability a ON a.person_id = mm.person_id AND mm.role = 'mentor' \
         WHERE m.id = $1 ORDER BY mm.role DESC, mm.joined_at, p.id",
    )
    .bind(mentorship.to_string())
    .fetch_all(db.reader())
    .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let state = parse_id(&first.try_get::<String, _>("state")?)?;
    let members = rows
        .iter()
        .map(|row| {
            let published = row.try_get::<Option<String>, _>("weekly")?.is_some();
            Ok(SlotMember {
                person: parse_id(&row.try_get::<String, _>("person_id")?)?,
                name: row.try_get("person_name")?,
                role: parse_id(&row.try_get::<String, _>("role")?)?,
                time_zone: row.try_get("person_zone")?,
                availability: published.then(|| from_row(row)).transpose()?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Some((state, members)))
}

/// Writes many people's availability at once, many rows per statement, in one
/// transaction (the demo's mentors).
pub async fn insert_bulk(db: &Db, rows: &[(PersonId, AvailabilityRecord)]) -> Result<()> {
    use crate::sql::Value;
    let mut values = Vec::with_capacity(rows.len());
    for (person, record) in rows {
        let raw = record.availability.to_raw();
        values.push(vec![
            Value::from(person.to_string()),
            Value::from(raw.time_zone.clone()),
            Value::from(to_json(&raw.weekly)?),
            Value::from(to_json(&raw.exceptions)?),
            Value::from(raw.min_notice_hours),
            Value::from(raw.buffer_minutes),
            Value::from(to_json(&raw.durations)?),
            Value::from(record.busy_calendar_url.clone()),
            Value::from(record.one_off_monthly_limit),
            Value::from(record.updated_at),
        ]);
    }
    let mut tx = db.writer().begin().await?;
    crate::profiles::insert_rows(
        &mut tx,
        "availability (person_id, time_zone, weekly, exceptions, min_notice_hours, \
         buffer_minutes, durations, busy_calendar_url, one_off_monthly_limit, updated_at)",
        values,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
