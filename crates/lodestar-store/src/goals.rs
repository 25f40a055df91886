//! A person's goals: the goal itself, its skills, the mentors it is shared with, its
//! milestones, obstacles and comments, and the claims that tell owners a target date has
//! come or a milestone is overdue. Who may read a goal is the service's question; this
//! module only stores.

use lodestar_domain::growth::{GoalStatus, MilestoneState};
use lodestar_domain::{
    GoalCommentId, GoalId, MentorshipId, MilestoneId, ObstacleId, PersonId, SkillId,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::error::Result;
use crate::persons::parse_id;
use crate::{Conn, Db};

/// A goal as stored, with its owner's name and how many of its accepted milestones are done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Goal {
    pub id: GoalId,
    pub owner: PersonId,
    pub owner_name: String,
    pub mentorship: Option<MentorshipId>,
    pub title: String,
    pub why: String,
    pub measure: String,
    /// `YYYY-MM-DD`.
    pub target_on: String,
    pub status: GoalStatus,
    pub stated_progress: u8,
    pub achieved_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Accepted milestones, and how many of them are done.
    pub milestones: i64,
    pub milestones_done: i64,
    /// On the board of its mentorship: everyone in it sees its title and progress.
    pub on_board: bool,
}

/// The goal columns, then `$columns` (", …" or ""), then `FROM goals g` with the owner
/// as `p`, then `$rest`. The milestone counts are read on `goal_milestones_by_goal_state`
/// alone (migration 0016), without a visit to the milestones' rows.
macro_rules! select_goal {
    ($rest:literal) => {
        select_goal!("", $rest)
    };
    ($columns:literal, $rest:literal) => {
        concat!(
            "SELECT g.id, g.owner_id, p.name, g.mentorship_id, g.title, g.why, g.measure, \
             g.target_on, g.status, g.stated_progress, g.achieved_at, g.created_at, g.updated_at, \
             g.on_board, (SELECT COUNT(*) FROM goal_milestones m WHERE m.goal_id = g.id AND m.state = 'accepted') AS milestones, \
             (SELECT COUNT(*) FROM goal_milestones m WHERE m.goal_id = g.id AND m.state = 'accepted' \
                 AND m.done_at IS NOT NULL) AS milestones_done",
            $columns,
            " FROM goals g JOIN persons p ON p.id = g.owner_id ",
            $rest
        )
    };
}

fn goal_from_row(row: &AnyRow) -> Result<Goal> {
    Ok(Goal {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        owner: parse_id(&row.try_get::<String, _>("owner_id")?)?,
        owner_name: row.try_get("name")?,
        mentorship: row
            .try_get::<Option<String>, _>("mentorship_id")?
            .map(|s| parse_id(&s))
            .transpose()?,
        title: row.try_get("title")?,
        why: row.try_get("why")?,
        measure: row.try_get("measure")?,
        target_on: row.try_get("target_on")?,
        status: parse_id(&row.try_get::<String, _>("status")?)?,
        stated_progress: u8::try_from(row.try_get::<i64, _>("stated_progress")?).unwrap_or(0),
        achieved_at: row.try_get("achieved_at")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        milestones: row.try_get("milestones")?,
        milestones_done: row.try_get("milestones_done")?,
        on_board: row.try_get::<i64, _>("on_board")? == 1,
    })
}

/// What a goal holds that its owner writes.
#[derive(Clone, Debug)]
pub struct GoalFields {
    pub mentorship: Option<MentorshipId>,
    pub title: String,
    pub why: String,
    pub measure: String,
    pub target_on: String,
    pub status: GoalStatus,
    pub stated_progress: u8,
    pub achieved_at: Option<i64>,
    pub on_board: bool,
}

pub async fn insert(
    conn: &mut Conn,
    id: GoalId,
    owner: PersonId,
    fields: &GoalFields,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO goals (id, owner_id, mentorship_id, title, why, measure, target_on, status, \
         stated_progress, achieved_at, created_at, updated_at, on_board) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12)",
    )
    .bind(id.to_string())
    .bind(owner.to_string())
    .bind(fields.mentorship.map(|m| m.to_string()))
    .bind(fields.title.clone())
    .bind(fields.why.clone())
    .bind(fields.measure.clone())
    .bind(fields.target_on.clone())
    .bind(fields.status.as_str())
    .bind(i64::from(fields.stated_progress))
    .bind(fields.achieved_at)
    .bind(now)
    .bind(i64::from(fields.on_board))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Writes a goal's fields. A new target date may come due again, so its notice is reset.
pub async fn update(conn: &mut Conn, id: GoalId, fields: &GoalFields, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE goals SET mentorship_id = $1, title = $2, why = $3, measure = $4, \
         due_notified_at = CASE WHEN target_on = $5 THEN due_notified_at ELSE NULL END, \
         target_on = $5, status = $6, stated_progress = $7, achieved_at = $8, updated_at = $9, \
         on_board = $11 WHERE id = $10",
    )
    .bind(fields.mentorship.map(|m| m.to_string()))
    .bind(fields.title.clone())
    .bind(fields.why.clone())
    .bind(fields.measure.clone())
    .bind(fields.target_on.clone())
    .bind(fields.status.as_str())
    .bind(i64::from(fields.stated_progress))
    .bind(fields.achieved_at)
    .bind(now)
    .bind(id.to_string())
    .bind(i64::from(fields.on_board))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut Conn, id: GoalId) -> Result<()> {
    sqlx::query("DELETE FROM goals WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn get_with<'e, E: Executor<'e, Database = Any>>(
    executor: E,
    id: GoalId,
) -> Result<Option<Goal>> {
    sqlx::query(select_goal!("WHERE g.id = $1"))
        .bind(id.to_string())
        .fetch_optional(executor)
        .await?
        .as_ref()
        .map(goal_from_row)
        .transpose()
}

pub async fn get(db: &Db, id: GoalId) -> Result<Option<Goal>> {
    get_with(db.reader(), id).await
}

/// A goal, read in the caller's transaction.
pub async fn get_in(conn: &mut Conn, id: GoalId) -> Result<Option<Goal>> {
    get_with(&mut *conn, id).await
}

/// Locks a goal's row for the rest of the caller's transaction (a write takes the row
/// lock on PostgreSQL and the database's one write lock on SQLite), so changes to its
/// milestones and status are made one writer at a time. Returns the goal as it is then.
pub async fn lock(conn: &mut Conn, id: GoalId, now: i64) -> Result<Option<Goal>> {
    sqlx::query("UPDATE goals SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    get_in(conn, id).await
}

/// A person's goals, open ones first, then by target date, each with whether it is shared
/// with anyone (one query: the share count is read on `goal_shares`' key).
pub async fn list_owned(db: &Db, owner: PersonId) -> Result<Vec<(Goal, bool)>> {
    sqlx::query(select_goal!(
        ", (SELECT COUNT(*) FROM goal_shares s WHERE s.goal_id = g.id) AS shares",
        "WHERE g.owner_id = $1 ORDER BY CASE g.status WHEN 'active' THEN 0 WHEN 'paused' THEN 1 \
         ELSE 2 END, g.target_on, g.created_at, g.id"
    ))
    .bind(owner.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| Ok((goal_from_row(row)?, row.try_get::<i64, _>("shares")? > 0)))
    .collect()
}

/// The goals on a mentorship's board whose owners are still in it, in the order of
/// [`list_owned`], then by owner.
pub async fn on_board(db: &Db, mentorship: MentorshipId) -> Result<Vec<Goal>> {
    sqlx::query(select_goal!(
        "JOIN mentorship_members mm ON mm.mentorship_id = g.mentorship_id \
         AND mm.person_id = g.owner_id \
         WHERE g.mentorship_id = $1 AND g.on_board = 1 \
         ORDER BY CASE g.status WHEN 'active' THEN 0 WHEN 'paused' THEN 1 \
         ELSE 2 END, g.target_on, p.name, g.created_at, g.id"
    ))
    .bind(mentorship.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(goal_from_row)
    .collect()
}

/// The goals `owner` shares with `reader`, in the order of [`list_owned`].
pub async fn list_shared(db: &Db, owner: PersonId, reader: PersonId) -> Result<Vec<Goal>> {
    sqlx::query(select_goal!(
        "JOIN goal_shares s ON s.goal_id = g.id AND s.person_id = $2 \
         WHERE g.owner_id = $1 ORDER BY CASE g.status WHEN 'active' THEN 0 WHEN 'paused' THEN 1 \
         ELSE 2 END, g.target_on, g.created_at, g.id"
    ))
    .bind(owner.to_string())
    .bind(reader.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(goal_from_row)
    .collect()
}

/// A skill a goal grows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalSkill {
    pub id: SkillId,
    pub slug: String,
    pub name: String,
}

pub async fn skills(db: &Db, goal: GoalId) -> Result<Vec<GoalSkill>> {
    sqlx::query(
        "SELECT s.id, s.slug, s.name FROM goal_skills gs JOIN skills s ON s.id = gs.skill_id \
         WHERE gs.goal_id = $1 ORDER BY s.name",
    )
    .bind(goal.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok(GoalSkill {
            id: parse_id(&row.try_get::<String, _>("id")?)?,
            slug: row.try_get("slug")?,
            name: row.try_get("name")?,
        })
    })
    .collect()
}

/// Replaces a goal's skills.
pub async fn set_skills(conn: &mut Conn, goal: GoalId, skills: &[SkillId]) -> Result<()> {
    sqlx::query("DELETE FROM goal_skills WHERE goal_id = $1")
        .bind(goal.to_string())
        .execute(&mut *conn)
        .await?;
    for skill in skills {
        sqlx::query(
            "INSERT INTO goal_skills (goal_id, skill_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(goal.to_string())
        .bind(skill.to_string())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The people a goal is shared with, by name.
pub async fn shares(db: &Db, goal: GoalId) -> Result<Vec<(PersonId, String)>> {
    sqlx::query(
        "SELECT p.id, p.name FROM goal_shares s JOIN persons p ON p.id = s.person_id \
         WHERE s.goal_id = $1 ORDER BY p.name, p.id",
    )
    .bind(goal.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok((
            parse_id(&row.try_get::<String, _>("id")?)?,
            row.try_get("name")?,
        ))
    })
    .collect()
}

/// Whether `goal` is shared with `person`.
pub async fn is_shared_with(db: &Db, goal: GoalId, person: PersonId) -> Result<bool> {
    Ok(
        sqlx::query("SELECT 1 AS one FROM goal_shares WHERE goal_id = $1 AND person_id = $2")
            .bind(goal.to_string())
            .bind(person.to_string())
            .fetch_optional(db.reader())
            .await?
            .is_some(),
    )
}

/// Replaces the people a goal is shared with; those kept keep their first sharing time.
pub async fn set_shares(
    conn: &mut Conn,
    goal: GoalId,
    people: &[PersonId],
    now: i64,
) -> Result<()> {
    let keep: Vec<String> = people.iter().map(ToString::to_string).collect();
    let current: Vec<String> = sqlx::query("SELECT person_id FROM goal_shares WHERE goal_id = $1")
        .bind(goal.to_string())
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| row.try_get("person_id"))
        .collect::<std::result::Result<_, _>>()?;
    for gone in current.iter().filter(|p| !keep.contains(p)) {
        sqlx::query("DELETE FROM goal_shares WHERE goal_id = $1 AND person_id = $2")
            .bind(goal.to_string())
            .bind(gone.clone())
            .execute(&mut *conn)
            .await?;
    }
    for person in keep.iter().filter(|p| !current.contains(p)) {
        sqlx::query(
            "INSERT INTO goal_shares (goal_id, person_id, shared_at) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(goal.to_string())
        .bind(person.clone())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A milestone as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Milestone {
    pub id: MilestoneId,
    pub goal: GoalId,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub due_on: Option<String>,
    pub done_at: Option<i64>,
    pub state: MilestoneState,
    pub suggested_by: Option<PersonId>,
    pub suggested_by_name: Option<String>,
    pub created_at: i64,
}

macro_rules! select_milestone {
    ($rest:literal) => {
        concat!(
            "SELECT m.id, m.goal_id, m.title, m.due_on, m.done_at, m.state, m.suggested_by, \
             p.name, m.created_at FROM goal_milestones m \
             LEFT JOIN persons p ON p.id = m.suggested_by ",
            $rest
        )
    };
}

fn milestone_from_row(row: &AnyRow) -> Result<Milestone> {
    Ok(Milestone {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        goal: parse_id(&row.try_get::<String, _>("goal_id")?)?,
        title: row.try_get("title")?,
        due_on: row.try_get("due_on")?,
        done_at: row.try_get("done_at")?,
        state: parse_id(&row.try_get::<String, _>("state")?)?,
        suggested_by: row
            .try_get::<Option<String>, _>("suggested_by")?
            .map(|s| parse_id(&s))
            .transpose()?,
        suggested_by_name: row.try_get("name")?,
        created_at: row.try_get("created_at")?,
    })
}

/// A goal's milestones: by due date (undated last), then as added.
pub async fn milestones(db: &Db, goal: GoalId) -> Result<Vec<Milestone>> {
    sqlx::query(select_milestone!(
        "WHERE m.goal_id = $1 ORDER BY CASE WHEN m.due_on IS NULL THEN 1 ELSE 0 END, m.due_on, \
         m.created_at, m.id"
    ))
    .bind(goal.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(milestone_from_row)
    .collect()
}

pub async fn milestone_in(conn: &mut Conn, id: MilestoneId) -> Result<Option<Milestone>> {
    sqlx::query(select_milestone!("WHERE m.id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(milestone_from_row)
        .transpose()
}

/// Milestones a goal has, counting suggestions still waiting (not declined ones).
pub async fn milestone_count(conn: &mut Conn, goal: GoalId) -> Result<i64> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM goal_milestones WHERE goal_id = $1 AND state <> 'declined'",
    )
    .bind(goal.to_string())
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?)
}

#[derive(Clone, Debug)]
pub struct NewMilestone {
    pub id: MilestoneId,
    pub goal: GoalId,
    pub title: String,
    pub due_on: Option<String>,
    pub state: MilestoneState,
    pub suggested_by: Option<PersonId>,
}

pub async fn insert_milestone(conn: &mut Conn, new: &NewMilestone, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO goal_milestones (id, goal_id, title, due_on, state, suggested_by, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(new.id.to_string())
    .bind(new.goal.to_string())
    .bind(new.title.clone())
    .bind(new.due_on.clone())
    .bind(new.state.as_str())
    .bind(new.suggested_by.map(|p| p.to_string()))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Writes a milestone's title, due date, done time and state. A new due date may be
/// overdue again, so its notice is reset.
pub async fn update_milestone(conn: &mut Conn, m: &Milestone, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE goal_milestones SET title = $1, \
         due_notified_at = CASE WHEN due_on = $2 THEN due_notified_at ELSE NULL END, \
         due_on = $2, done_at = $3, state = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(m.title.clone())
    .bind(m.due_on.clone())
    .bind(m.done_at)
    .bind(m.state.as_str())
    .bind(now)
    .bind(m.id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn delete_milestone(conn: &mut Conn, id: MilestoneId) -> Result<()> {
    sqlx::query("DELETE FROM goal_milestones WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// An obstacle and the plan to overcome it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Obstacle {
    pub id: ObstacleId,
    pub obstacle: String,
    pub plan: String,
}

pub async fn obstacles(db: &Db, goal: GoalId) -> Result<Vec<Obstacle>> {
    sqlx::query(
        "SELECT id, obstacle, plan FROM goal_obstacles WHERE goal_id = $1 ORDER BY created_at, id",
    )
    .bind(goal.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok(Obstacle {
            id: parse_id(&row.try_get::<String, _>("id")?)?,
            obstacle: row.try_get("obstacle")?,
            plan: row.try_get("plan")?,
        })
    })
    .collect()
}

/// Replaces a goal's obstacles with `obstacles` (obstacle, plan), in order.
pub async fn set_obstacles(
    conn: &mut Conn,
    goal: GoalId,
    obstacles: &[(String, String)],
    now: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM goal_obstacles WHERE goal_id = $1")
        .bind(goal.to_string())
        .execute(&mut *conn)
        .await?;
    for (i, (obstacle, plan)) in obstacles.iter().enumerate() {
        sqlx::query(
            "INSERT INTO goal_obstacles (id, goal_id, obstacle, plan, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(ObstacleId::new().to_string())
        .bind(goal.to_string())
        .bind(obstacle.clone())
        .bind(plan.clone())
        // Keeps their order: one millisecond apart.
        .bind(now + i64::try_from(i).unwrap_or(0))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A comment on a goal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub id: GoalCommentId,
    pub author: PersonId,
    pub author_name: String,
    pub body: String,
    pub created_at: i64,
}

pub async fn comments(db: &Db, goal: GoalId) -> Result<Vec<Comment>> {
    sqlx::query(
        "SELECT c.id, c.author_id, p.name, c.body, c.created_at FROM goal_comments c \
         JOIN persons p ON p.id = c.author_id WHERE c.goal_id = $1 ORDER BY c.created_at, c.id",
    )
    .bind(goal.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok(Comment {
            id: parse_id(&row.try_get::<String, _>("id")?)?,
            author: parse_id(&row.try_get::<String, _>("author_id")?)?,
            author_name: row.try_get("name")?,
            body: row.try_get("body")?,
            created_at: row.try_get("created_at")?,
        })
    })
    .collect()
}

pub async fn insert_comment(
    conn: &mut Conn,
    id: GoalCommentId,
    goal: GoalId,
    author: PersonId,
    body: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO goal_comments (id, goal_id, author_id, body, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id.to_string())
    .bind(goal.to_string())
    .bind(author.to_string())
    .bind(body.to_owned())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Claims the active goals whose target date is on or before `today` (YYYY-MM-DD) and
/// whose owner has not been told: marks them told and returns them. One statement, so
/// each goes to one process.
pub async fn claim_due(conn: &mut Conn, today: &str, now: i64) -> Result<Vec<Goal>> {
    let ids = claimed_ids(
        sqlx::query(
            "UPDATE goals SET due_notified_at = $1 WHERE status = 'active' \
             AND due_notified_at IS NULL AND target_on <= $2 RETURNING id",
        )
        .bind(now)
        .bind(today.to_owned())
        .fetch_all(&mut *conn)
        .await?,
    )?;
    let mut goals = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(goal) = get_in(conn, parse_id(&id)?).await? {
            goals.push(goal);
        }
    }
    Ok(goals)
}

/// An overdue milestone claimed for its notice, with its goal's owner and title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverdueMilestone {
    pub goal: GoalId,
    pub owner: PersonId,
    pub goal_title: String,
    pub title: String,
    pub due_on: String,
}

/// Claims the accepted, undone milestones of active goals due before `today` whose owner
/// has not been told, as [`claim_due`] does for goals.
pub async fn claim_overdue_milestones(
    conn: &mut Conn,
    today: &str,
    now: i64,
) -> Result<Vec<OverdueMilestone>> {
    let ids = claimed_ids(
        sqlx::query(
            "UPDATE goal_milestones SET due_notified_at = $1 WHERE state = 'accepted' \
             AND done_at IS NULL AND due_notified_at IS NULL AND due_on < $2 \
             AND goal_id IN (SELECT id FROM goals WHERE status = 'active') RETURNING id",
        )
        .bind(now)
        .bind(today.to_owned())
        .fetch_all(&mut *conn)
        .await?,
    )?;
    let mut overdue = Vec::with_capacity(ids.len());
    for id in ids {
        let row = sqlx::query(
            "SELECT m.goal_id, g.owner_id, g.title AS goal_title, m.title, m.due_on \
             FROM goal_milestones m JOIN goals g ON g.id = m.goal_id WHERE m.id = $1",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        overdue.push(OverdueMilestone {
            goal: parse_id(&row.try_get::<String, _>("goal_id")?)?,
            owner: parse_id(&row.try_get::<String, _>("owner_id")?)?,
            goal_title: row.try_get("goal_title")?,
            title: row.try_get("title")?,
            due_on: row
                .try_get::<Option<String>, _>("due_on")?
                .unwrap_or_default(),
        });
    }
    Ok(overdue)
}

fn claimed_ids(rows: Vec<AnyRow>) -> Result<Vec<String>> {
    Ok(rows
        .iter()
        .map(|row| row.try_get("id"))
        .collect::<std::result::Result<_, _>>()?)
}

/// Moves goal skills from `from` to `into` when a skill is merged.
pub(crate) async fn merge_skill(conn: &mut Conn, from: &str, into: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO goal_skills (goal_id, skill_id) SELECT goal_id, $1 FROM goal_skills \
         WHERE skill_id = $2 ON CONFLICT DO NOTHING",
    )
    .bind(into.to_owned())
    .bind(from.to_owned())
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM goal_skills WHERE skill_id = $1")
        .bind(from.to_owned())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The skills of `owner`'s active goals, each with the goal's title.
pub async fn active_skills(db: &Db, owner: PersonId) -> Result<Vec<(SkillId, String)>> {
    sqlx::query(
        "SELECT gs.skill_id, g.title FROM goals g JOIN goal_skills gs ON gs.goal_id = g.id \
         WHERE g.owner_id = $1 AND g.status = 'active' ORDER BY g.created_at",
    )
    .bind(owner.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok((
            parse_id(&row.try_get::<String, _>("skill_id")?)?,
            row.try_get("title")?,
        ))
    })
    .collect()
}
