//! Skill assessments: a person's own and their mentors', each a level with its evidence,
//! kept as a history. Who may read which is the service's question; `list` filters for a
//! mentor when asked to.

use lodestar_domain::feedback::AssessedBy;
use lodestar_domain::{AssessmentId, MentorshipId, PersonId, SkillId, SkillKind};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::persons::parse_id;
use crate::{Conn, Db};

/// An assessment as stored, with its skill's catalogue entry and its assessor's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    pub id: AssessmentId,
    pub person: PersonId,
    pub skill: SkillId,
    pub skill_slug: String,
    pub skill_name: String,
    pub skill_kind: SkillKind,
    /// The catalogue's descriptions of levels 1–5 (empty when it has none).
    pub skill_levels: Vec<String>,
    /// `None` once the assessor's account is gone.
    pub assessor: Option<PersonId>,
    pub assessor_name: Option<String>,
    pub by: AssessedBy,
    pub mentorship: Option<MentorshipId>,
    pub level: u8,
    pub evidence: String,
    /// A self-assessment's mentors see it (a mentor's is always seen by the person).
    pub shared: bool,
    pub created_at: i64,
}

#[derive(Clone, Debug)]
pub struct NewAssessment {
    pub id: AssessmentId,
    pub person: PersonId,
    pub skill: SkillId,
    pub assessor: PersonId,
    pub by: AssessedBy,
    pub mentorship: Option<MentorshipId>,
    pub level: u8,
    pub evidence: String,
    pub shared: bool,
}

const SELECT: &str = "SELECT a.id, a.person_id, a.skill_id, s.slug, s.name, s.kind, \
    s.level_descriptions, a.assessor_id, p.name AS assessor_name, a.assessed_by, \
    a.mentorship_id, a.level, a.evidence, a.shared, a.created_at FROM skill_assessments a \
    JOIN skills s ON s.id = a.skill_id LEFT JOIN persons p ON p.id = a.assessor_id";

fn from_row(row: &AnyRow) -> Result<Assessment> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("assessment {what}"));
    let kind: String = row.try_get("kind")?;
    let levels: String = row.try_get("level_descriptions")?;
    let by: String = row.try_get("assessed_by")?;
    let assessor: Option<String> = row.try_get("assessor_id")?;
    let mentorship: Option<String> = row.try_get("mentorship_id")?;
    Ok(Assessment {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        person: parse_id(&row.try_get::<String, _>("person_id")?)?,
        skill: parse_id(&row.try_get::<String, _>("skill_id")?)?,
        skill_slug: row.try_get("slug")?,
        skill_name: row.try_get("name")?,
        skill_kind: SkillKind::parse(&kind).map_err(|_| corrupt("skill kind"))?,
        skill_levels: serde_json::from_str(&levels).map_err(|_| corrupt("skill levels"))?,
        assessor: assessor.as_deref().map(parse_id).transpose()?,
        assessor_name: row.try_get("assessor_name")?,
        by: AssessedBy::parse(&by).ok_or_else(|| corrupt("assessor"))?,
        mentorship: mentorship.as_deref().map(parse_id).transpose()?,
        level: u8::try_from(row.try_get::<i64, _>("level")?).map_err(|_| corrupt("level"))?,
        evidence: row.try_get("evidence")?,
        shared: row.try_get::<i64, _>("shared")? != 0,
        created_at: row.try_get("created_at")?,
    })
}

pub async fn insert(conn: &mut Conn, new: &NewAssessment, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO skill_assessments (id, person_id, skill_id, assessor_id, assessed_by, \
         mentorship_id, level, evidence, shared, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(new.id.to_string())
    .bind(new.person.to_string())
    .bind(new.skill.to_string())
    .bind(new.assessor.to_string())
    .bind(new.by.as_str())
    .bind(new.mentorship.map(|m| m.to_string()))
    .bind(i64::from(new.level))
    .bind(new.evidence.clone())
    .bind(i64::from(new.shared))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get(db: &Db, id: AssessmentId) -> Result<Option<Assessment>> {
    sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE a.id = $1")))
        .bind(id.to_string())
        .fetch_optional(db.reader())
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// `person`'s assessments, oldest first. For a mentor (`seen_by`), only the person's own
/// assessments they share, and the mentor's own assessments of them.
pub async fn list(db: &Db, person: PersonId, seen_by: Option<PersonId>) -> Result<Vec<Assessment>> {
    let query = match seen_by {
        None => sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE a.person_id = $1 ORDER BY a.created_at, a.id"
        )))
        .bind(person.to_string()),
        Some(mentor) => sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE a.person_id = $1 AND ((a.assessed_by = 'self' AND a.shared = 1) \
             OR a.assessor_id = $2) ORDER BY a.created_at, a.id"
        )))
        .bind(person.to_string())
        .bind(mentor.to_string()),
    };
    query
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Each assessed skill of `person`'s and its level, oldest first: the newest of a skill
/// is where they stand in it.
pub async fn levels(db: &Db, person: PersonId) -> Result<Vec<(SkillId, u8)>> {
    sqlx::query(
        "SELECT skill_id, level FROM skill_assessments WHERE person_id = $1 \
         ORDER BY created_at, id",
    )
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        let level: i64 = row.try_get("level")?;
        Ok((
            parse_id(&row.try_get::<String, _>("skill_id")?)?,
            u8::try_from(level).map_err(|_| StoreError::Corrupt("assessment level".into()))?,
        ))
    })
    .collect()
}

/// Deletes an assessment `assessor` made; anyone else's is not found.
pub async fn delete(db: &Db, id: AssessmentId, assessor: PersonId) -> Result<()> {
    let done = sqlx::query("DELETE FROM skill_assessments WHERE id = $1 AND assessor_id = $2")
        .bind(id.to_string())
        .bind(assessor.to_string())
        .execute(db.writer())
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Sets whether a self-assessment is shared with the person's mentors.
pub async fn set_shared(db: &Db, id: AssessmentId, person: PersonId, shared: bool) -> Result<()> {
    let done = sqlx::query(
        "UPDATE skill_assessments SET shared = $1 WHERE id = $2 AND person_id = $3 \
         AND assessed_by = 'self'",
    )
    .bind(i64::from(shared))
    .bind(id.to_string())
    .bind(person.to_string())
    .execute(db.writer())
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// A merged skill's assessments follow it.
pub(crate) async fn merge_skill(conn: &mut Conn, from: &str, into: &str) -> Result<()> {
    for table in ["skill_assessments", "feedback", "feedback_requests"] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE {table} SET skill_id = $1 WHERE skill_id = $2"
        )))
        .bind(into.to_owned())
        .bind(from.to_owned())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
