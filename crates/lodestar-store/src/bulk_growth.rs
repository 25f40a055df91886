//! Loading generated growth records in bulk (the demo organisation): goals with their
//! skills, shares, milestones, obstacles and comments, check-in plans and check-ins, skill
//! assessments, feedback and requests for it, and career outcomes, many
//! rows per statement, in one transaction per batch. The rows are taken as given: the
//! generator is responsible for keeping the rules the services keep (shares with the
//! owner's mentors only, marked drops as the domain computes them).

use crate::Db;
use crate::error::Result;
use crate::profiles::insert_rows;
use crate::sql::Value;

/// A goal as it stands. Ids and references are the text of their UUIDs; times are epoch
/// ms; dates are `YYYY-MM-DD`.
#[derive(Clone, Debug)]
pub struct BulkGoal {
    pub id: String,
    pub owner_id: String,
    pub mentorship_id: Option<String>,
    pub title: String,
    pub why: String,
    pub measure: String,
    pub target_on: String,
    pub status: &'static str,
    pub achieved_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug)]
pub struct BulkMilestone {
    pub id: String,
    pub goal_id: String,
    pub title: String,
    pub due_on: Option<String>,
    pub done_at: Option<i64>,
    pub state: &'static str,
    pub suggested_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug)]
pub struct BulkObstacle {
    pub id: String,
    pub goal_id: String,
    pub obstacle: String,
    pub plan: String,
    pub created_at: i64,
}

#[derive(Clone, Debug)]
pub struct BulkComment {
    pub id: String,
    pub goal_id: String,
    pub author_id: String,
    pub body: String,
    pub created_at: i64,
}

#[derive(Clone, Debug)]
pub struct BulkCheckInPlan {
    pub person_id: String,
    pub cadence: &'static str,
    pub started_at: i64,
}

/// A check-in. `areas` is the JSON the store keeps: `[{"area": …, "confidence": …}]`.
#[derive(Clone, Debug)]
pub struct BulkCheckIn {
    pub id: String,
    pub person_id: String,
    pub confidence: i64,
    pub areas: String,
    pub went_well: String,
    pub hard: String,
    pub need: String,
    pub share_scores: bool,
    pub share_notes: bool,
    pub marked_drop: bool,
    pub created_at: i64,
}

/// A skill assessment: `assessed_by` is `self` or `mentor`.
#[derive(Clone, Debug)]
pub struct BulkAssessment {
    pub id: String,
    pub person_id: String,
    pub skill_id: String,
    pub assessor_id: String,
    pub assessed_by: &'static str,
    pub mentorship_id: Option<String>,
    pub level: i64,
    pub evidence: String,
    pub shared: bool,
    pub created_at: i64,
}

/// A request for feedback on a skill.
#[derive(Clone, Debug)]
pub struct BulkFeedbackRequest {
    pub id: String,
    pub mentorship_id: String,
    pub from_id: String,
    pub to_id: String,
    pub skill_id: String,
    pub note: String,
    pub answered_at: Option<i64>,
    pub created_at: i64,
}

/// Structured feedback, perhaps acknowledged with a reply.
#[derive(Clone, Debug)]
pub struct BulkFeedback {
    pub id: String,
    pub mentorship_id: String,
    pub from_id: String,
    pub to_id: String,
    pub skill_id: String,
    pub request_id: Option<String>,
    pub situation: String,
    pub behaviour: String,
    pub impact: String,
    pub suggestion: String,
    pub acknowledged_at: Option<i64>,
    pub reply: String,
    pub created_at: i64,
}

/// A career outcome. `kind` is the domain's `OutcomeKind` as text.
#[derive(Clone, Debug)]
pub struct BulkOutcome {
    pub id: String,
    pub person_id: String,
    pub kind: &'static str,
    pub happened_on: String,
    pub title: String,
    pub note: String,
    pub mentorship_id: Option<String>,
    pub goal_id: Option<String>,
    pub share_with_mentors: bool,
    pub created_at: i64,
}

/// One batch of growth records. Goals come before the rows that refer to them.
#[derive(Clone, Debug, Default)]
pub struct BulkGrowth {
    pub goals: Vec<BulkGoal>,
    /// (goal id, skill id).
    pub goal_skills: Vec<(String, String)>,
    /// (goal id, person id, shared at).
    pub goal_shares: Vec<(String, String, i64)>,
    pub milestones: Vec<BulkMilestone>,
    pub obstacles: Vec<BulkObstacle>,
    pub comments: Vec<BulkComment>,
    pub plans: Vec<BulkCheckInPlan>,
    pub check_ins: Vec<BulkCheckIn>,
    pub assessments: Vec<BulkAssessment>,
    pub feedback_requests: Vec<BulkFeedbackRequest>,
    pub feedback: Vec<BulkFeedback>,
    pub outcomes: Vec<BulkOutcome>,
}

/// Writes the batch in one transaction.
pub async fn insert(db: &Db, batch: &BulkGrowth) -> Result<()> {
    let mut tx = db.writer().begin().await?;
    let rows = batch
        .goals
        .iter()
        .map(|g| {
            vec![
                Value::from(g.id.as_str()),
                Value::from(g.owner_id.as_str()),
                Value::from(g.mentorship_id.clone()),
                Value::from(g.title.as_str()),
                Value::from(g.why.as_str()),
                Value::from(g.measure.as_str()),
                Value::from(g.target_on.as_str()),
                Value::from(g.status),
                Value::from(g.achieved_at),
                Value::from(g.created_at),
                Value::from(g.updated_at),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "goals (id, owner_id, mentorship_id, title, why, measure, target_on, status, achieved_at, \
         created_at, updated_at)",
        rows,
    )
    .await?;
    let rows = batch
        .goal_skills
        .iter()
        .map(|(goal, skill)| vec![Value::from(goal.as_str()), Value::from(skill.as_str())])
        .collect();
    insert_rows(&mut tx, "goal_skills (goal_id, skill_id)", rows).await?;
    let rows = batch
        .goal_shares
        .iter()
        .map(|(goal, person, at)| {
            vec![
                Value::from(goal.as_str()),
                Value::from(person.as_str()),
                Value::from(*at),
            ]
        })
        .collect();
    insert_rows(&mut tx, "goal_shares (goal_id, person_id, shared_at)", rows).await?;
    let rows = batch
        .milestones
        .iter()
        .map(|m| {
            vec![
                Value::from(m.id.as_str()),
                Value::from(m.goal_id.as_str()),
                Value::from(m.title.as_str()),
                Value::from(m.due_on.clone()),
                Value::from(m.done_at),
                Value::from(m.state),
                Value::from(m.suggested_by.clone()),
                Value::from(m.created_at),
                Value::from(m.updated_at),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "goal_milestones (id, goal_id, title, due_on, done_at, state, suggested_by, created_at, \
         updated_at)",
        rows,
    )
    .await?;
    let rows = batch
        .obstacles
        .iter()
        .map(|o| {
            vec![
                Value::from(o.id.as_str()),
                Value::from(o.goal_id.as_str()),
                Value::from(o.obstacle.as_str()),
                Value::from(o.plan.as_str()),
                Value::from(o.created_at),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "goal_obstacles (id, goal_id, obstacle, plan, created_at)",
        rows,
    )
    .await?;
    let rows = batch
        .comments
        .iter()
        .map(|c| {
            vec![
                Value::from(c.id.as_str()),
                Value::from(c.goal_id.as_str()),
                Value::from(c.author_id.as_str()),
                Value::from(c.body.as_str()),
                Value::from(c.created_at),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "goal_comments (id, goal_id, author_id, body, created_at)",
        rows,
    )
    .await?;
    let rows = batch
        .plans
        .iter()
        .map(|p| {
            vec![
                Value::from(p.person_id.as_str()),
                Value::from(p.cadence),
                Value::from(p.started_at),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "check_in_plans (person_id, cadence, started_at)",
        rows,
    )
    .await?;
    let rows = batch
        .check_ins
        .iter()
        .map(|c| {
            vec![
                Value::from(c.id.as_str()),
                Value::from(c.person_id.as_str()),
                Value::from(c.confidence),
                Value::from(c.areas.as_str()),
                Value::from(c.went_well.as_str()),
                Value::from(c.hard.as_str()),
                Value::from(c.need.as_str()),
                Value::from(c.share_scores),
                Value::from(c.share_notes),
                Value::from(c.marked_drop),
                Value::from(c.created_at),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "check_ins (id, person_id, confidence, areas, went_well, hard, need, share_scores, \
         share_notes, marked_drop, created_at)",
        rows,
    )
    .await?;
    insert_skills_growth(&mut tx, batch).await?;
    let rows = batch
        .outcomes
        .iter()
        .map(|o| {
            vec![
                Value::from(o.id.as_str()),
                Value::from(o.person_id.as_str()),
                Value::from(o.kind),
                Value::from(o.happened_on.as_str()),
                Value::from(o.title.as_str()),
                Value::from(o.note.as_str()),
                Value::from(o.mentorship_id.clone()),
                Value::from(o.goal_id.clone()),
                Value::from(o.share_with_mentors),
                Value::from(o.created_at),
                Value::from(o.created_at),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "outcomes (id, person_id, kind, happened_on, title, note, mentorship_id, goal_id, \
         share_with_mentors, created_at, updated_at)",
        rows,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn insert_skills_growth(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    batch: &BulkGrowth,
) -> Result<()> {
    let rows = batch
        .assessments
        .iter()
        .map(|a| {
            vec![
                Value::from(a.id.as_str()),
                Value::from(a.person_id.as_str()),
                Value::from(a.skill_id.as_str()),
                Value::from(a.assessor_id.as_str()),
                Value::from(a.assessed_by),
                Value::from(a.mentorship_id.clone()),
                Value::from(a.level),
                Value::from(a.evidence.as_str()),
                Value::from(a.shared),
                Value::from(a.created_at),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "skill_assessments (id, person_id, skill_id, assessor_id, assessed_by, mentorship_id, \
         level, evidence, shared, created_at)",
        rows,
    )
    .await?;
    let rows = batch
        .feedback_requests
        .iter()
        .map(|r| {
            vec![
                Value::from(r.id.as_str()),
                Value::from(r.mentorship_id.as_str()),
                Value::from(r.from_id.as_str()),
                Value::from(r.to_id.as_str()),
                Value::from(r.skill_id.as_str()),
                Value::from(r.note.as_str()),
                Value::from(r.answered_at),
                Value::from(r.created_at),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "feedback_requests (id, mentorship_id, from_id, to_id, skill_id, note, answered_at, \
         created_at)",
        rows,
    )
    .await?;
    let rows = batch
        .feedback
        .iter()
        .map(|f| {
            vec![
                Value::from(f.id.as_str()),
                Value::from(f.mentorship_id.as_str()),
                Value::from(f.from_id.as_str()),
                Value::from(f.to_id.as_str()),
                Value::from(f.skill_id.as_str()),
                Value::from(f.request_id.clone()),
                Value::from(f.situation.as_str()),
                Value::from(f.behaviour.as_str()),
                Value::from(f.impact.as_str()),
                Value::from(f.suggestion.as_str()),
                Value::from(f.acknowledged_at),
                Value::from(f.reply.as_str()),
                Value::from(f.created_at),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "feedback (id, mentorship_id, from_id, to_id, skill_id, request_id, situation, \
         behaviour, impact, suggestion, acknowledged_at, reply, created_at)",
        rows,
    )
    .await?;
    Ok(())
}
