//! Changing mentorships: the agreement, the state, closing reflections, and the activity
//! clock stalled detection reads. Every change is one conditional UPDATE whose WHERE names
//! the states it may start from, so of two racing changes exactly one finds its row: on
//! PostgreSQL the second waits for the first's row lock and then re-checks the condition
//! against the committed row; SQLite has one writer at a time.

use lodestar_domain::mentoring::{Cadence, MentorshipState};
use lodestar_domain::{FocusArea, MentorshipId, PersonId};
use sqlx::{AnyConnection, Row};

use crate::Db;
use crate::error::Result;
use crate::persons::parse_id;
use crate::sql::Sql;

/// What an edit of the agreement changes; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AgreementChanges {
    pub goals: Option<String>,
    pub focus_areas: Option<Vec<FocusArea>>,
    pub cadence: Option<Cadence>,
    /// `Some(None)` clears the date.
    pub expected_end_on: Option<Option<String>>,
}

impl AgreementChanges {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Applies `changes` to an open (active or paused) mentorship; `false` if it is not open
/// (or not there), and then nothing is written.
pub async fn update_agreement(
    conn: &mut AnyConnection,
    id: MentorshipId,
    changes: &AgreementChanges,
    at: i64,
) -> Result<bool> {
    let mut sql = Sql::new("UPDATE mentorships SET updated_at = ");
    sql.bind(at);
    if let Some(goals) = &changes.goals {
        sql.push(", goals = ").bind(goals.as_str());
    }
    if let Some(focus) = &changes.focus_areas {
        let keys: Vec<&str> = focus.iter().map(|f| f.as_str()).collect();
        sql.push(", focus_areas = ")
            .bind(serde_json::to_string(&keys).unwrap_or_else(|_| "[]".into()));
    }
    if let Some(cadence) = changes.cadence {
        sql.push(", cadence = ").bind(cadence.as_str());
    }
    match &changes.expected_end_on {
        Some(Some(date)) => {
            sql.push(", expected_end_on = ").bind(date.as_str());
        }
        Some(None) => {
            sql.push(", expected_end_on = NULL");
        }
        None => {}
    }
    sql.push(" WHERE id = ")
        .bind(id.to_string())
        .push(" AND state IN ('active', 'paused')");
    Ok(sql.query().execute(&mut *conn).await?.rows_affected() == 1)
}

/// Sets how `person` may be reached in the mentorship.
pub async fn set_contact(
    conn: &mut AnyConnection,
    id: MentorshipId,
    person: PersonId,
    contact: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE mentorship_members SET contact = $3 WHERE mentorship_id = $1 AND person_id = $2",
    )
    .bind(id.to_string())
    .bind(person.to_string())
    .bind(contact)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A move of a mentorship's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move<'a> {
    /// Active → paused until the date (ISO 8601).
    Pause { resume_on: &'a str },
    /// Paused → active. The activity clock restarts: a pause is not a stall.
    Resume,
    /// Active or paused → completed.
    Complete,
    /// Active or paused → cancelled.
    Cancel,
}

impl Move<'_> {
    pub fn target(self) -> MentorshipState {
        match self {
            Self::Pause { .. } => MentorshipState::Paused,
            Self::Resume => MentorshipState::Active,
            Self::Complete => MentorshipState::Completed,
            Self::Cancel => MentorshipState::Cancelled,
        }
    }
}

/// Makes `step` if the mentorship is in a state the move may start from (for a resume
/// by the calendar, `only_due_on` also requires its resume date to have come). `true` if
/// this call made it; `false` if the mentorship was not in such a state, and then
/// nothing is written.
pub async fn make_move(
    conn: &mut AnyConnection,
    id: MentorshipId,
    step: Move<'_>,
    only_due_on: Option<&str>,
    at: i64,
) -> Result<bool> {
    let target = step.target();
    let mut sql = Sql::new("UPDATE mentorships SET state = ");
    sql.bind(target.as_str()).push(", updated_at = ").bind(at);
    match step {
        Move::Pause { resume_on } => {
            sql.push(", resume_on = ").bind(resume_on);
        }
        Move::Resume => {
            sql.push(", resume_on = NULL, stalled_since = NULL, last_activity_at = ")
                .bind(at);
        }
        Move::Complete | Move::Cancel => {
            sql.push(", resume_on = NULL, stalled_since = NULL, ended_at = ")
                .bind(at);
        }
    }
    sql.push(" WHERE id = ")
        .bind(id.to_string())
        .push(" AND state IN (");
    let from: Vec<&str> = MentorshipState::ALL
        .iter()
        .filter(|s| s.can_become(target))
        .map(|s| s.as_str())
        .collect();
    sql.bind_list(from).push(")");
    if let Some(today) = only_due_on {
        sql.push(" AND resume_on <= ").bind(today);
    }
    Ok(sql.query().execute(&mut *conn).await?.rows_affected() == 1)
}

/// The state of a mentorship as the caller's transaction sees it now.
pub async fn state_of(
    conn: &mut AnyConnection,
    id: MentorshipId,
) -> Result<Option<MentorshipState>> {
    let row = sqlx::query("SELECT state FROM mentorships WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|row| parse_id(&row.try_get::<String, _>("state")?))
        .transpose()
}

/// Records `person`'s closing reflection and rating on a completed mentorship, once:
/// `false` if they already gave one (or the mentorship is not completed).
pub async fn record_reflection(
    conn: &mut AnyConnection,
    id: MentorshipId,
    person: PersonId,
    reflection: &str,
    rating: Option<i64>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE mentorship_members SET reflection = $3, rating = $4 \
         WHERE mentorship_id = $1 AND person_id = $2 AND reflection = '' AND rating IS NULL \
         AND EXISTS (SELECT 1 FROM mentorships m WHERE m.id = $1 AND m.state = 'completed')",
    )
    .bind(id.to_string())
    .bind(person.to_string())
    .bind(reflection)
    .bind(rating)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Notes activity in a mentorship at `at` (a meeting scheduled or held): the stalled clock
/// restarts from it, and a stalled flag is lifted. Call it in the transaction that makes
/// the meeting. The clock never goes back.
pub async fn touch_activity(conn: &mut AnyConnection, id: MentorshipId, at: i64) -> Result<()> {
    sqlx::query(
        "UPDATE mentorships SET stalled_since = NULL, \
         last_activity_at = CASE WHEN last_activity_at < $2 THEN $2 ELSE last_activity_at END \
         WHERE id = $1",
    )
    .bind(id.to_string())
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Paused mentorships whose resume date (ISO 8601) is `today` or earlier.
pub async fn due_to_resume(db: &Db, today: &str) -> Result<Vec<MentorshipId>> {
    ids(sqlx::query(
        "SELECT id FROM mentorships WHERE state = 'paused' AND resume_on <= $1 ORDER BY resume_on, id",
    )
    .bind(today)
    .fetch_all(db.reader())
    .await?)
}

/// Active mentorships not yet flagged whose last activity is before `quiet_since`, and
/// that have no meeting scheduled from `now` on (one coming up is activity enough; looked
/// up on `meetings_by_mentorship`, hence `state || ''`).
pub async fn newly_stalled(db: &Db, quiet_since: i64, now: i64) -> Result<Vec<MentorshipId>> {
    ids(sqlx::query(STALLED_CANDIDATES)
        .bind(quiet_since)
        .bind(now)
        .fetch_all(db.reader())
        .await?)
}

const STALLED_CANDIDATES: &str = "SELECT m.id FROM mentorships m \
    WHERE m.state = 'active' AND m.last_activity_at < $1 AND m.stalled_since IS NULL \
    AND NOT EXISTS (SELECT 1 FROM meetings mt WHERE mt.mentorship_id = m.id \
    AND (mt.state || '') = 'scheduled' AND mt.starts_at >= $2) ORDER BY m.last_activity_at, m.id";

/// How long a mentorship flagged as stalled has been quiet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quiet {
    pub last_activity_at: i64,
    /// Nothing happened since it started: its members have not met yet.
    pub never_met: bool,
}

/// Flags one mentorship as stalled if it still is (a meeting made meanwhile, or another
/// process flagging it first, leaves it alone); `Some` if this call flagged it.
pub async fn flag_stalled(
    conn: &mut AnyConnection,
    id: MentorshipId,
    quiet_since: i64,
    now: i64,
) -> Result<Option<Quiet>> {
    let row = sqlx::query(
        "UPDATE mentorships SET stalled_since = $3 WHERE id = $1 AND state = 'active' \
         AND last_activity_at < $2 AND stalled_since IS NULL \
         AND NOT EXISTS (SELECT 1 FROM meetings mt WHERE mt.mentorship_id = $1 \
         AND (mt.state || '') = 'scheduled' AND mt.starts_at >= $3) \
         RETURNING last_activity_at, created_at",
    )
    .bind(id.to_string())
    .bind(quiet_since)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| {
        let last_activity_at: i64 = row.try_get("last_activity_at")?;
        let created_at: i64 = row.try_get("created_at")?;
        Ok(Quiet {
            last_activity_at,
            never_met: last_activity_at <= created_at,
        })
    })
    .transpose()
}

fn ids(rows: Vec<sqlx::any::AnyRow>) -> Result<Vec<MentorshipId>> {
    rows.iter()
        .map(|row| parse_id(&row.try_get::<String, _>("id")?))
        .collect()
}
