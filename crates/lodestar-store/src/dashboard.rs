//! The reads behind a person's dashboard, one query per section, each starting from the
//! person on an index (`mentorship_members_by_person`, `mentorship_requests_by_mentor` and
//! `_by_mentee`, `action_items_by_owner`), so its cost follows what the person has, not
//! how big the installation is. Their mentorships come from [`crate::mentorships::list_for`].

use lodestar_domain::{ActionItemId, MeetingId, MentorshipId, PersonId};
use sqlx::Row;

use crate::Db;
use crate::error::Result;
use crate::persons::parse_id;

/// A meeting coming up in one of the person's open mentorships.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpcomingMeeting {
    pub id: MeetingId,
    pub mentorship: MentorshipId,
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub location: String,
}

/// The person's next `limit` scheduled meetings from `now` on, soonest first. The
/// meeting's state is compared as `state || ''` so that no planner reaches for
/// `meetings_by_start` (every future meeting of the installation) instead of the few of
/// the person's mentorships on `meetings_by_mentorship`.
pub async fn next_meetings(
    db: &Db,
    person: PersonId,
    now: i64,
    limit: i64,
) -> Result<Vec<UpcomingMeeting>> {
    sqlx::query(
        "SELECT mt.id, mt.mentorship_id, mt.starts_at, mt.duration_minutes, mt.location \
         FROM mentorship_members mine \
         JOIN mentorships m ON m.id = mine.mentorship_id AND m.state IN ('active', 'paused') \
         JOIN meetings mt ON mt.mentorship_id = m.id \
         WHERE mine.person_id = $1 AND (mt.state || '') = 'scheduled' AND mt.starts_at >= $2 \
         ORDER BY mt.starts_at, mt.id LIMIT $3",
    )
    .bind(person.to_string())
    .bind(now)
    .bind(limit)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok(UpcomingMeeting {
            id: parse_id(&row.try_get::<String, _>("id")?)?,
            mentorship: parse_id(&row.try_get::<String, _>("mentorship_id")?)?,
            starts_at: row.try_get("starts_at")?,
            duration_minutes: row.try_get("duration_minutes")?,
            location: row.try_get("location")?,
        })
    })
    .collect()
}

/// How many open requests wait on the person (sent to them) and on others (sent by them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenRequests {
    pub incoming: i64,
    pub outgoing: i64,
}

/// The person's pending requests in both directions, counted in one query. A request is
/// incoming when the other side sent it: a mentee asking this mentor, or a mentor offering
/// to this mentee.
pub async fn open_requests(db: &Db, person: PersonId) -> Result<OpenRequests> {
    let row = sqlx::query(
        "SELECT COALESCE(SUM(CASE WHEN r.incoming = 1 THEN 1 ELSE 0 END), 0) AS incoming, \
         COALESCE(SUM(CASE WHEN r.incoming = 0 THEN 1 ELSE 0 END), 0) AS outgoing FROM ( \
         SELECT CASE WHEN initiator = 'mentee' THEN 1 ELSE 0 END AS incoming \
         FROM mentorship_requests WHERE mentor_id = $1 AND state = 'pending' \
         AND (review IS NULL OR review <> 'waiting') \
         UNION ALL \
         SELECT CASE WHEN initiator = 'mentor' THEN 1 ELSE 0 END AS incoming \
         FROM mentorship_requests WHERE mentee_id = $1 AND state = 'pending') r",
    )
    .bind(person.to_string())
    .fetch_one(db.reader())
    .await?;
    Ok(OpenRequests {
        incoming: row.try_get("incoming")?,
        outgoing: row.try_get("outgoing")?,
    })
}

/// An open action item of the person's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueItem {
    pub id: ActionItemId,
    pub mentorship: MentorshipId,
    pub title: String,
    /// ISO 8601 date.
    pub due_on: String,
}

/// The person's open action items in open mentorships due on `until` (ISO 8601) or
/// earlier, overdue first.
pub async fn items_due(db: &Db, person: PersonId, until: &str, limit: i64) -> Result<Vec<DueItem>> {
    sqlx::query(
        "SELECT ai.id, ai.mentorship_id, ai.title, ai.due_on FROM action_items ai \
         JOIN mentorships m ON m.id = ai.mentorship_id AND m.state IN ('active', 'paused') \
         WHERE ai.owner_id = $1 AND ai.done_at IS NULL AND ai.due_on IS NOT NULL \
         AND ai.due_on <= $2 ORDER BY ai.due_on, ai.id LIMIT $3",
    )
    .bind(person.to_string())
    .bind(until)
    .bind(limit)
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok(DueItem {
            id: parse_id(&row.try_get::<String, _>("id")?)?,
            mentorship: parse_id(&row.try_get::<String, _>("mentorship_id")?)?,
            title: row.try_get("title")?,
            due_on: row.try_get("due_on")?,
        })
    })
    .collect()
}

/// Whether the person takes new requests as a mentor (no standing row: they do).
pub async fn accepting_requests(db: &Db, person: PersonId) -> Result<bool> {
    let row = sqlx::query("SELECT accepting FROM mentor_standing WHERE person_id = $1")
        .bind(person.to_string())
        .fetch_optional(db.reader())
        .await?;
    Ok(match row {
        Some(row) => row.try_get::<i64, _>("accepting")? != 0,
        None => true,
    })
}
