//! Structured feedback between the two sides of a mentorship, and requests for it. A piece
//! of feedback is read by its giver and its receiver; only the receiver acknowledges it or
//! turns its suggestion into a goal or a plan step, each once.

use lodestar_domain::ids::CareerStepId;
use lodestar_domain::{
    FeedbackId, FeedbackRequestId, GoalId, MeetingId, MentorshipId, PersonId, SkillId,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::Result;
use crate::persons::parse_id;
use crate::{Conn, Db};

/// A person named by a row, with their name.
pub type Named = (PersonId, String);

/// Who gave a piece of feedback: `None` (and no name) once their account was deleted; the
/// feedback stays with its receiver.
pub type Giver = (Option<PersonId>, String);

/// A piece of feedback as stored, with names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feedback {
    pub id: FeedbackId,
    pub mentorship: MentorshipId,
    pub from: Giver,
    pub to: Named,
    pub skill: SkillId,
    pub skill_slug: String,
    pub skill_name: String,
    pub meeting: Option<MeetingId>,
    pub request: Option<FeedbackRequestId>,
    pub situation: String,
    pub behaviour: String,
    pub impact: String,
    pub suggestion: String,
    pub acknowledged_at: Option<i64>,
    pub reply: String,
    pub goal: Option<GoalId>,
    pub step: Option<CareerStepId>,
    pub created_at: i64,
}

#[derive(Clone, Debug)]
pub struct NewFeedback {
    pub id: FeedbackId,
    pub mentorship: MentorshipId,
    pub from: PersonId,
    pub to: PersonId,
    pub skill: SkillId,
    pub meeting: Option<MeetingId>,
    pub request: Option<FeedbackRequestId>,
    pub situation: String,
    pub behaviour: String,
    pub impact: String,
    pub suggestion: String,
}

/// A request for feedback on a skill, as stored, with names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedbackRequest {
    pub id: FeedbackRequestId,
    pub mentorship: MentorshipId,
    pub from: Named,
    pub to: Named,
    pub skill: SkillId,
    pub skill_slug: String,
    pub skill_name: String,
    pub note: String,
    pub answered_at: Option<i64>,
    pub created_at: i64,
}

const FEEDBACK: &str = "SELECT f.id, f.mentorship_id, f.from_id, COALESCE(pf.name, '') AS from_name, \
    f.to_id, pt.name AS to_name, f.skill_id, s.slug, s.name AS skill_name, f.meeting_id, \
    f.request_id, f.situation, f.behaviour, f.impact, f.suggestion, f.acknowledged_at, f.reply, \
    f.goal_id, f.step_id, f.created_at FROM feedback f LEFT JOIN persons pf ON pf.id = f.from_id \
    JOIN persons pt ON pt.id = f.to_id JOIN skills s ON s.id = f.skill_id";

const REQUESTS: &str = "SELECT r.id, r.mentorship_id, r.from_id, pf.name AS from_name, r.to_id, \
    pt.name AS to_name, r.skill_id, s.slug, s.name AS skill_name, r.note, r.answered_at, \
    r.created_at FROM feedback_requests r JOIN persons pf ON pf.id = r.from_id \
    JOIN persons pt ON pt.id = r.to_id JOIN skills s ON s.id = r.skill_id";

fn optional_id<T: std::str::FromStr>(row: &AnyRow, column: &str) -> Result<Option<T>> {
    let raw: Option<String> = row.try_get(column)?;
    raw.as_deref().map(parse_id).transpose()
}

fn named(row: &AnyRow, side: &str) -> Result<Named> {
    Ok((
        parse_id(&row.try_get::<String, _>(format!("{side}_id").as_str())?)?,
        row.try_get(format!("{side}_name").as_str())?,
    ))
}

fn feedback_from_row(row: &AnyRow) -> Result<Feedback> {
    Ok(Feedback {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        mentorship: parse_id(&row.try_get::<String, _>("mentorship_id")?)?,
        from: (optional_id(row, "from_id")?, row.try_get("from_name")?),
        to: named(row, "to")?,
        skill: parse_id(&row.try_get::<String, _>("skill_id")?)?,
        skill_slug: row.try_get("slug")?,
        skill_name: row.try_get("skill_name")?,
        meeting: optional_id(row, "meeting_id")?,
        request: optional_id(row, "request_id")?,
        situation: row.try_get("situation")?,
        behaviour: row.try_get("behaviour")?,
        impact: row.try_get("impact")?,
        suggestion: row.try_get("suggestion")?,
        acknowledged_at: row.try_get("acknowledged_at")?,
        reply: row.try_get("reply")?,
        goal: optional_id(row, "goal_id")?,
        step: optional_id(row, "step_id")?,
        created_at: row.try_get("created_at")?,
    })
}

fn request_from_row(row: &AnyRow) -> Result<FeedbackRequest> {
    Ok(FeedbackRequest {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        mentorship: parse_id(&row.try_get::<String, _>("mentorship_id")?)?,
        from: named(row, "from")?,
        to: named(row, "to")?,
        skill: parse_id(&row.try_get::<String, _>("skill_id")?)?,
        skill_slug: row.try_get("slug")?,
        skill_name: row.try_get("skill_name")?,
        note: row.try_get("note")?,
        answered_at: row.try_get("answered_at")?,
        created_at: row.try_get("created_at")?,
    })
}

pub async fn insert(conn: &mut Conn, new: &NewFeedback, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO feedback (id, mentorship_id, from_id, to_id, skill_id, meeting_id, \
         request_id, situation, behaviour, impact, suggestion, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(new.id.to_string())
    .bind(new.mentorship.to_string())
    .bind(new.from.to_string())
    .bind(new.to.to_string())
    .bind(new.skill.to_string())
    .bind(new.meeting.map(|m| m.to_string()))
    .bind(new.request.map(|r| r.to_string()))
    .bind(new.situation.clone())
    .bind(new.behaviour.clone())
    .bind(new.impact.clone())
    .bind(new.suggestion.clone())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get(db: &Db, id: FeedbackId) -> Result<Option<Feedback>> {
    sqlx::query(sqlx::AssertSqlSafe(format!("{FEEDBACK} WHERE f.id = $1")))
        .bind(id.to_string())
        .fetch_optional(db.reader())
        .await?
        .as_ref()
        .map(feedback_from_row)
        .transpose()
}

/// Feedback `person` gave or received, newest first.
pub async fn of_person(db: &Db, person: PersonId) -> Result<Vec<Feedback>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "{FEEDBACK} WHERE f.from_id = $1 OR f.to_id = $1 ORDER BY f.created_at DESC, f.id DESC"
    )))
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(feedback_from_row)
    .collect()
}

/// Feedback given in a mentorship, newest first.
pub async fn in_mentorship(db: &Db, mentorship: MentorshipId) -> Result<Vec<Feedback>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "{FEEDBACK} WHERE f.mentorship_id = $1 ORDER BY f.created_at DESC, f.id DESC"
    )))
    .bind(mentorship.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(feedback_from_row)
    .collect()
}

/// The receiver acknowledges feedback, once, with an optional reply. False if it was
/// acknowledged already (or is not theirs).
pub async fn acknowledge(
    db: &Db,
    id: FeedbackId,
    receiver: PersonId,
    reply: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE feedback SET acknowledged_at = $1, reply = $2 \
         WHERE id = $3 AND to_id = $4 AND acknowledged_at IS NULL",
    )
    .bind(now)
    .bind(reply.to_owned())
    .bind(id.to_string())
    .bind(receiver.to_string())
    .execute(db.writer())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Links feedback to the goal its suggestion became, once: false if it already has one.
/// Acknowledges it too, if it was not.
pub async fn claim_goal(db: &Db, id: FeedbackId, goal: GoalId, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE feedback SET goal_id = $1, acknowledged_at = COALESCE(acknowledged_at, $2) \
         WHERE id = $3 AND goal_id IS NULL",
    )
    .bind(goal.to_string())
    .bind(now)
    .bind(id.to_string())
    .execute(db.writer())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Links feedback to the plan step its suggestion became, once: false if it already has
/// one. Acknowledges it too, if it was not.
pub async fn claim_step(db: &Db, id: FeedbackId, step: CareerStepId, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE feedback SET step_id = $1, acknowledged_at = COALESCE(acknowledged_at, $2) \
         WHERE id = $3 AND step_id IS NULL",
    )
    .bind(step.to_string())
    .bind(now)
    .bind(id.to_string())
    .execute(db.writer())
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn insert_request(conn: &mut Conn, new: &FeedbackRequest) -> Result<()> {
    sqlx::query(
        "INSERT INTO feedback_requests (id, mentorship_id, from_id, to_id, skill_id, note, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new.id.to_string())
    .bind(new.mentorship.to_string())
    .bind(new.from.0.to_string())
    .bind(new.to.0.to_string())
    .bind(new.skill.to_string())
    .bind(new.note.clone())
    .bind(new.created_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn request(db: &Db, id: FeedbackRequestId) -> Result<Option<FeedbackRequest>> {
    sqlx::query(sqlx::AssertSqlSafe(format!("{REQUESTS} WHERE r.id = $1")))
        .bind(id.to_string())
        .fetch_optional(db.reader())
        .await?
        .as_ref()
        .map(request_from_row)
        .transpose()
}

/// Requests `person` made or was asked, newest first.
pub async fn requests_of(db: &Db, person: PersonId) -> Result<Vec<FeedbackRequest>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "{REQUESTS} WHERE r.from_id = $1 OR r.to_id = $1 ORDER BY r.created_at DESC, r.id DESC"
    )))
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(request_from_row)
    .collect()
}

/// Marks a request answered, once: false if it was answered already.
pub async fn answer_request(conn: &mut Conn, id: FeedbackRequestId, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE feedback_requests SET answered_at = $1 WHERE id = $2 AND answered_at IS NULL",
    )
    .bind(now)
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
