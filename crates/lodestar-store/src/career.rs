//! A person's career path (current role, target roles), their plan of steps, and the reads
//! the gap analysis needs: their skill levels, their mentors' skills, and how many listed
//! mentors offer each skill.

use std::collections::HashMap;

use lodestar_domain::career::StepKind;
use lodestar_domain::ids::{CareerStepId, RoleId};
use lodestar_domain::{PersonId, SkillId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::persons::parse_id;
use crate::sql::Sql;
use crate::{Db, now_ms};

/// The roles a person set: none until they do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CareerPath {
    pub current: Option<RoleId>,
    pub targets: Vec<RoleId>,
}

/// One query: the current role (kind 0, from `career_paths`) and the targets (kind 1, in
/// their order), each on its table's key.
pub async fn path(db: &Db, person: PersonId) -> Result<CareerPath> {
    let rows = sqlx::query(
        "SELECT CAST(0 AS BIGINT) AS kind, current_role_id AS role_id, CAST(0 AS BIGINT) AS position \
         FROM career_paths WHERE person_id = $1 \
         UNION ALL SELECT CAST(1 AS BIGINT), role_id, position FROM career_targets \
         WHERE person_id = $1 ORDER BY kind, position",
    )
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?;
    let mut path = CareerPath::default();
    for row in &rows {
        let role: Option<String> = row.try_get("role_id")?;
        let role = role.as_deref().map(parse_id).transpose()?;
        match (row.try_get::<i64, _>("kind")?, role) {
            (0, role) => path.current = role,
            (_, Some(role)) => path.targets.push(role),
            (_, None) => {}
        }
    }
    Ok(path)
}

/// Replaces a person's path in one transaction.
pub async fn set_path(db: &Db, person: PersonId, path: &CareerPath) -> Result<()> {
    let mut tx = db.writer().begin().await?;
    sqlx::query(
        "INSERT INTO career_paths (person_id, current_role_id, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id) DO UPDATE SET current_role_id = excluded.current_role_id, \
         updated_at = excluded.updated_at",
    )
    .bind(person.to_string())
    .bind(path.current.map(|r| r.to_string()))
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM career_targets WHERE person_id = $1")
        .bind(person.to_string())
        .execute(&mut *tx)
        .await?;
    for (position, role) in path.targets.iter().enumerate() {
        sqlx::query(
            "INSERT INTO career_targets (person_id, role_id, position) VALUES ($1, $2, $3)",
        )
        .bind(person.to_string())
        .bind(role.to_string())
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The level of each skill on a person's profile: the higher of what they mentor and what
/// they say they have of a skill they want to grow.
pub async fn profile_levels(db: &Db, person: PersonId) -> Result<HashMap<SkillId, u8>> {
    sqlx::query(
        "SELECT skill_id, MAX(level) AS level FROM person_skills WHERE person_id = $1 \
         GROUP BY skill_id",
    )
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(skill_level)
    .collect()
}

/// A mentor of the person's and a skill they mentor on, at a level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MentorSkill {
    pub mentor: PersonId,
    pub name: String,
    pub skill: SkillId,
    pub level: u8,
}

/// The skills the person's current mentors (members mentoring them in an active ongoing
/// mentorship) mentor on.
pub async fn mentors_skills(db: &Db, person: PersonId) -> Result<Vec<MentorSkill>> {
    sqlx::query(
        "SELECT DISTINCT p.id, p.name, ps.skill_id, ps.level \
         FROM mentorship_members me \
         JOIN mentorships m ON m.id = me.mentorship_id AND m.state = 'active' AND m.kind = 'ongoing' \
         JOIN mentorship_members mm ON mm.mentorship_id = m.id AND mm.role = 'mentor' \
         JOIN persons p ON p.id = mm.person_id \
         JOIN person_skills ps ON ps.person_id = p.id AND ps.relation = 'mentors' \
         WHERE me.person_id = $1 AND me.role = 'mentee' AND mm.person_id <> $1 \
         ORDER BY p.name, p.id",
    )
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok(MentorSkill {
            mentor: parse_id(&row.try_get::<String, _>("id")?)?,
            name: row.try_get("name")?,
            skill: parse_id(&row.try_get::<String, _>("skill_id")?)?,
            level: level_of(row)?,
        })
    })
    .collect()
}

/// How many people the directory lists as mentors (not suspended) mentor on each skill at
/// each level: `(skill, level) → count`, over the whole directory (a few thousand rows at
/// ten thousand people), to be kept per directory generation.
pub async fn directory_mentor_counts(db: &Db) -> Result<HashMap<(SkillId, u8), i64>> {
    sqlx::query(
        "SELECT ps.skill_id, ps.level, COUNT(*) AS n FROM person_skills ps \
         JOIN persons p ON p.id = ps.person_id \
         WHERE ps.relation = 'mentors' AND p.is_mentor = 1 AND p.listed = 1 \
         AND p.suspended_at IS NULL GROUP BY ps.skill_id, ps.level",
    )
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| Ok((skill_level(row)?, row.try_get("n")?)))
    .collect()
}

/// The skills `person` counts in [`directory_mentor_counts`] for, at their levels: none
/// unless the directory lists them as a mentor.
pub async fn counted_as_mentor(db: &Db, person: PersonId) -> Result<Vec<(SkillId, u8)>> {
    sqlx::query(
        "SELECT ps.skill_id, ps.level FROM person_skills ps JOIN persons p ON p.id = ps.person_id \
         WHERE ps.person_id = $1 AND ps.relation = 'mentors' AND p.is_mentor = 1 \
         AND p.listed = 1 AND p.suspended_at IS NULL",
    )
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(skill_level)
    .collect()
}

/// A row's `skill_id` and `level`.
fn skill_level(row: &AnyRow) -> Result<(SkillId, u8)> {
    Ok((
        parse_id(&row.try_get::<String, _>("skill_id")?)?,
        level_of(row)?,
    ))
}

fn level_of(row: &AnyRow) -> Result<u8> {
    let level: i64 = row.try_get("level")?;
    u8::try_from(level).map_err(|_| StoreError::Corrupt("skill level".into()))
}

/// A step of a person's plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub id: CareerStepId,
    pub person: PersonId,
    pub kind: StepKind,
    pub title: String,
    /// The skill's id, slug and name.
    pub skill: Option<(SkillId, String, String)>,
    /// `YYYY-MM-DD`.
    pub due_on: String,
    pub done_at: Option<i64>,
    pub goal_id: Option<String>,
}

#[derive(Clone, Debug)]
pub struct NewStep {
    pub id: CareerStepId,
    pub person: PersonId,
    pub kind: StepKind,
    pub title: String,
    pub skill: Option<SkillId>,
    pub due_on: String,
}

/// The fields given change; `Some(None)` clears the skill or goal.
#[derive(Clone, Debug, Default)]
pub struct StepChanges {
    pub kind: Option<StepKind>,
    pub title: Option<String>,
    pub skill: Option<Option<SkillId>>,
    pub due_on: Option<String>,
    pub done: Option<bool>,
    pub goal_id: Option<Option<String>>,
}

const STEP_SELECT: &str = "SELECT c.id, c.person_id, c.kind, c.title, c.skill_id, s.slug, \
    s.name, c.due_on, c.done_at, c.goal_id FROM career_steps c \
    LEFT JOIN skills s ON s.id = c.skill_id";

fn step_from_row(row: &AnyRow) -> Result<Step> {
    let kind: String = row.try_get("kind")?;
    let skill: Option<String> = row.try_get("skill_id")?;
    let skill = match skill {
        Some(id) => Some((
            parse_id(&id)?,
            row.try_get::<String, _>("slug")?,
            row.try_get::<String, _>("name")?,
        )),
        None => None,
    };
    Ok(Step {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        person: parse_id(&row.try_get::<String, _>("person_id")?)?,
        kind: StepKind::parse(&kind).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        title: row.try_get("title")?,
        skill,
        due_on: row.try_get("due_on")?,
        done_at: row.try_get("done_at")?,
        goal_id: row.try_get("goal_id")?,
    })
}

/// A person's steps by date.
pub async fn steps(db: &Db, person: PersonId) -> Result<Vec<Step>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "{STEP_SELECT} WHERE c.person_id = $1 ORDER BY c.due_on, c.id"
    )))
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(step_from_row)
    .collect()
}

/// A step of this person's; someone else's is not found.
pub async fn step(db: &Db, person: PersonId, id: CareerStepId) -> Result<Step> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "{STEP_SELECT} WHERE c.id = $1 AND c.person_id = $2"
    )))
    .bind(id.to_string())
    .bind(person.to_string())
    .fetch_optional(db.reader())
    .await?
    .as_ref()
    .map(step_from_row)
    .transpose()?
    .ok_or(StoreError::NotFound)
}

pub async fn insert_step(db: &Db, new: &NewStep) -> Result<Step> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO career_steps (id, person_id, kind, title, skill_id, due_on, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(new.id.to_string())
    .bind(new.person.to_string())
    .bind(new.kind.as_str())
    .bind(new.title.clone())
    .bind(new.skill.map(|s| s.to_string()))
    .bind(new.due_on.clone())
    .bind(now)
    .execute(db.writer())
    .await?;
    step(db, new.person, new.id).await
}

/// Links a step of this person's to the goal it became, once: false if it has one already
/// (or is not theirs).
pub async fn claim_step_goal(
    db: &Db,
    person: PersonId,
    id: CareerStepId,
    goal: &str,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE career_steps SET goal_id = $1, updated_at = $2 \
         WHERE id = $3 AND person_id = $4 AND goal_id IS NULL",
    )
    .bind(goal.to_owned())
    .bind(now_ms())
    .bind(id.to_string())
    .bind(person.to_string())
    .execute(db.writer())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Changes a step of this person's; someone else's is not found.
pub async fn update_step(
    db: &Db,
    person: PersonId,
    id: CareerStepId,
    changes: &StepChanges,
) -> Result<Step> {
    let now = now_ms();
    let mut sql = Sql::new("UPDATE career_steps SET updated_at = ");
    sql.bind(now);
    if let Some(kind) = changes.kind {
        sql.push(", kind = ").bind(kind.as_str());
    }
    if let Some(title) = &changes.title {
        sql.push(", title = ").bind(title.as_str());
    }
    if let Some(skill) = &changes.skill {
        sql.push(", skill_id = ").bind(skill.map(|s| s.to_string()));
    }
    if let Some(due_on) = &changes.due_on {
        sql.push(", due_on = ").bind(due_on.as_str());
    }
    match changes.done {
        // Done once keeps its first time.
        Some(true) => {
            sql.push(", done_at = COALESCE(done_at, ")
                .bind(now)
                .push(")");
        }
        Some(false) => {
            sql.push(", done_at = NULL");
        }
        None => {}
    }
    if let Some(goal) = &changes.goal_id {
        sql.push(", goal_id = ").bind(goal.clone());
    }
    sql.push(" WHERE id = ")
        .bind(id.to_string())
        .push(" AND person_id = ")
        .bind(person.to_string());
    if sql.query().execute(db.writer()).await?.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    step(db, person, id).await
}

/// Deletes a step of this person's; someone else's is not found.
pub async fn delete_step(db: &Db, person: PersonId, id: CareerStepId) -> Result<()> {
    let deleted = sqlx::query("DELETE FROM career_steps WHERE id = $1 AND person_id = $2")
        .bind(id.to_string())
        .bind(person.to_string())
        .execute(db.writer())
        .await?
        .rows_affected();
    if deleted == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// How many steps a person has (their plan is capped).
pub async fn step_count(db: &Db, person: PersonId) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM career_steps WHERE person_id = $1")
            .bind(person.to_string())
            .fetch_one(db.reader())
            .await?,
    )
}

/// Rows per multi-row insert of [`insert_bulk`] (well under both backends' bind limits).
const BULK_ROWS: usize = 400;

/// Writes many people's paths and steps in one transaction, many rows per statement (the
/// demo's career paths). Replaces nothing: for people who have none yet.
pub async fn insert_bulk(
    db: &Db,
    paths: &[(PersonId, CareerPath)],
    steps: &[NewStep],
) -> Result<()> {
    let now = now_ms();
    let mut tx = db.writer().begin().await?;
    for chunk in paths.chunks(BULK_ROWS) {
        let mut sql =
            Sql::new("INSERT INTO career_paths (person_id, current_role_id, updated_at) VALUES ");
        for (i, (person, path)) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" })
                .bind(person.to_string())
                .push(", ")
                .bind(path.current.map(|r| r.to_string()))
                .push(", ")
                .bind(now)
                .push(")");
        }
        sql.query().execute(&mut *tx).await?;
    }
    let targets: Vec<(PersonId, RoleId, i64)> = paths
        .iter()
        .flat_map(|(person, path)| {
            path.targets
                .iter()
                .enumerate()
                .map(|(i, role)| (*person, *role, i64::try_from(i).unwrap_or(i64::MAX)))
        })
        .collect();
    for chunk in targets.chunks(BULK_ROWS) {
        let mut sql = Sql::new("INSERT INTO career_targets (person_id, role_id, position) VALUES ");
        for (i, (person, role, position)) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" })
                .bind(person.to_string())
                .push(", ")
                .bind(role.to_string())
                .push(", ")
                .bind(*position)
                .push(")");
        }
        sql.query().execute(&mut *tx).await?;
    }
    for chunk in steps.chunks(BULK_ROWS) {
        let mut sql = Sql::new(
            "INSERT INTO career_steps (id, person_id, kind, title, skill_id, due_on, created_at, updated_at) VALUES ",
        );
        for (i, step) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" })
                .bind(step.id.to_string())
                .push(", ")
                .bind(step.person.to_string())
                .push(", ")
                .bind(step.kind.as_str())
                .push(", ")
                .bind(step.title.as_str())
                .push(", ")
                .bind(step.skill.map(|s| s.to_string()))
                .push(", ")
                .bind(step.due_on.as_str())
                .push(", ")
                .bind(now)
                .push(", ")
                .bind(now)
                .push(")");
        }
        sql.query().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}
