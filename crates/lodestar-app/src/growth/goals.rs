//! Goals: what and why, how success is measured, a target date, milestones, obstacles with
//! the plan to overcome each, skills, a mentorship, and the mentors the goal is shared
//! with. The owner does everything; a mentor it is shared with reads it, comments on it
//! and suggests milestones, which the owner accepts or declines.

use chrono::NaiveDate;
use lodestar_domain::growth::{
    self, GoalError, GoalStatus, MAX_GOAL_TEXT, MAX_GOAL_TITLE, MAX_MILESTONE_TITLE,
    MAX_MILESTONES, MilestoneState,
};
use lodestar_domain::mentoring::NotificationKind;
use lodestar_domain::{
    FieldErrors, GoalCommentId, GoalId, MentorshipId, MilestoneId, PersonId, SkillId, text,
};
use lodestar_store::goals::{self as store, Goal, GoalFields, Milestone, NewMilestone};
use lodestar_store::notifications::Notice;
use lodestar_store::{Tx, mentorships, now_ms, skills};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Reader, utc_day};
use crate::{App, AppError, Viewer};

/// The most skills a goal names.
pub const MAX_GOAL_SKILLS: usize = 10;
/// The most obstacles a goal lists.
pub const MAX_OBSTACLES: usize = 10;
/// A comment's length in characters.
pub const MAX_COMMENT: usize = 2000;

/// A milestone as given with a new goal, or added later.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneInput {
    /// 1–200 characters.
    #[schema(max_length = 200)]
    pub title: String,
    /// `YYYY-MM-DD`.
    #[schema(example = "2027-02-15")]
    pub due_date: Option<String>,
}

/// An obstacle and the plan to overcome it.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ObstacleInput {
    /// 1–2000 characters.
    #[schema(max_length = 2000)]
    pub obstacle: String,
    /// Up to 2000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub plan: String,
}

/// `POST /api/v1/me/goals`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGoal {
    /// What: 1–200 characters.
    #[schema(max_length = 200, example = "Lead the Q2 platform migration")]
    pub title: String,
    /// Why it matters: up to 2000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub why: String,
    /// How success is measured: 1–2000 characters.
    #[schema(
        max_length = 2000,
        example = "Every service moved, no customer-facing outage"
    )]
    pub measure: String,
    /// `YYYY-MM-DD`, from today to ten years ahead.
    #[schema(example = "2027-06-30")]
    pub target_date: String,
    /// Catalogue skills (slugs or names), at most 10.
    #[serde(default)]
    pub skills: Vec<String>,
    /// A mentorship of yours the goal belongs to.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub mentorship_id: Option<MentorshipId>,
    /// Mentors of yours (in an active or paused mentorship) who may read the goal,
    /// comment on it and suggest milestones. Empty: private.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub shared_with: Vec<PersonId>,
    /// At most 30.
    #[serde(default)]
    pub milestones: Vec<MilestoneInput>,
    /// At most 10.
    #[serde(default)]
    pub obstacles: Vec<ObstacleInput>,
    /// Progress in percent (0–100), used while the goal has no milestones.
    pub progress: Option<i64>,
    /// Put it on the board of its mentorship (`mentorship_id`, required then): everyone in
    /// that mentorship — a circle's other mentees too — sees its title, status, target
    /// date and progress, nothing more.
    #[serde(default)]
    pub on_board: bool,
}

/// `PATCH /api/v1/me/goals/{id}`: any of the fields. `mentorship_id: ""` unlinks the
/// mentorship; `obstacles` replaces the list.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalEdit {
    #[schema(max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 2000)]
    pub why: Option<String>,
    #[schema(max_length = 2000)]
    pub measure: Option<String>,
    pub target_date: Option<String>,
    /// `active`, `achieved`, `dropped` or `paused`. Active becomes any other; paused
    /// resumes; an achieved or dropped goal can be taken up again.
    pub status: Option<String>,
    pub progress: Option<i64>,
    pub skills: Option<Vec<String>>,
    pub mentorship_id: Option<String>,
    #[schema(value_type = Option<Vec<String>>)]
    pub shared_with: Option<Vec<PersonId>>,
    pub obstacles: Option<Vec<ObstacleInput>>,
    /// On or off the board of its mentorship (see `NewGoal.on_board`).
    pub on_board: Option<bool>,
}

/// `PATCH /api/v1/me/goals/{id}/milestones/{milestone_id}`, by the goal's owner: any of
/// the fields. `state` answers a mentor's suggestion: `accepted` or `declined`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneEdit {
    #[schema(max_length = 200)]
    pub title: Option<String>,
    /// `YYYY-MM-DD`; empty clears it.
    pub due_date: Option<String>,
    pub done: Option<bool>,
    pub state: Option<String>,
}

/// `POST /api/v1/me/goals/{id}/comments`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    /// 1–2000 characters.
    #[schema(max_length = 2000)]
    pub body: String,
}

#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct PersonRef {
    #[schema(value_type = String, format = Uuid)]
    pub id: PersonId,
    pub name: String,
}

#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct GoalSkillView {
    pub slug: String,
    pub name: String,
}

#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct MilestoneView {
    #[schema(value_type = String, format = Uuid)]
    pub id: MilestoneId,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub due_date: Option<String>,
    pub done: bool,
    /// Epoch milliseconds.
    pub done_at: Option<i64>,
    /// `accepted`, `suggested` (by a mentor, waiting for the owner) or `declined`.
    #[schema(value_type = String, example = "accepted")]
    pub state: MilestoneState,
    pub suggested_by: Option<PersonRef>,
    /// Accepted, not done, and its day has passed.
    pub overdue: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct CommentView {
    #[schema(value_type = String, format = Uuid)]
    pub id: GoalCommentId,
    pub author: PersonRef,
    pub body: String,
    /// Epoch milliseconds.
    pub created_at: i64,
}

/// A goal as its reader sees it.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct GoalView {
    #[schema(value_type = String, format = Uuid)]
    pub id: GoalId,
    pub owner: PersonRef,
    pub title: String,
    pub why: String,
    pub measure: String,
    /// `YYYY-MM-DD`.
    pub target_date: String,
    #[schema(value_type = String, example = "active")]
    pub status: GoalStatus,
    /// Percent: the share of accepted milestones done, or as stated while there are none.
    pub progress: u8,
    /// Active and its target date has passed.
    pub overdue: bool,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub mentorship_id: Option<MentorshipId>,
    pub skills: Vec<GoalSkillView>,
    /// Who it is shared with: shown to its owner only (empty for anyone else).
    pub shared_with: Vec<PersonRef>,
    /// On the board of its mentorship, for everyone in it to see.
    pub on_board: bool,
    pub milestones: Vec<MilestoneView>,
    pub obstacles: Vec<ObstacleInput>,
    pub comments: Vec<CommentView>,
    /// Whether the reader owns it (and so may edit it).
    pub yours: bool,
    /// Epoch milliseconds.
    pub created_at: i64,
    pub achieved_at: Option<i64>,
}

/// A goal in a list: without its milestones, obstacles and comments.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct GoalSummary {
    #[schema(value_type = String, format = Uuid)]
    pub id: GoalId,
    pub title: String,
    pub target_date: String,
    #[schema(value_type = String, example = "active")]
    pub status: GoalStatus,
    pub progress: u8,
    pub overdue: bool,
    /// Accepted milestones, and how many are done.
    pub milestones: i64,
    pub milestones_done: i64,
    /// Whether it is shared with anyone (owner's view) — always true in a mentor's view.
    pub shared: bool,
    /// Epoch milliseconds.
    pub achieved_at: Option<i64>,
}

/// A goal on a mentorship's board, as everyone in the mentorship sees it.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct BoardGoal {
    #[schema(value_type = String, format = Uuid)]
    pub id: GoalId,
    pub owner: PersonRef,
    pub title: String,
    pub target_date: String,
    #[schema(value_type = String, example = "active")]
    pub status: GoalStatus,
    /// Percent.
    pub progress: u8,
    pub overdue: bool,
    /// Accepted milestones, and how many are done.
    pub milestones: i64,
    pub milestones_done: i64,
    /// The reader's own.
    pub yours: bool,
    /// Whether the reader may open the whole goal: it is theirs, or shared with them.
    pub readable: bool,
}

/// `GET /api/v1/mentorships/{id}/board`: the goals its members put on its board.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct GoalBoard {
    /// Open goals first, then by target date.
    pub goals: Vec<BoardGoal>,
}

/// A goal on a board without a mentorship.
const NO_BOARD: &str =
    "only a goal that belongs to a mentorship can be on its board: choose the mentorship";

fn progress_of(goal: &Goal) -> u8 {
    let done = usize::try_from(goal.milestones_done).unwrap_or(0);
    let total = usize::try_from(goal.milestones).unwrap_or(0);
    let marks: Vec<bool> = (0..total).map(|i| i < done).collect();
    growth::progress(goal.status, &marks, goal.stated_progress)
}

fn goal_overdue(goal: &Goal, today: NaiveDate) -> bool {
    goal.status == GoalStatus::Active
        && growth::parse_date(&goal.target_on).is_ok_and(|d| growth::overdue(d, false, today))
}

impl GoalSummary {
    pub(crate) fn of(goal: &Goal, shared: bool, today: NaiveDate) -> Self {
        Self {
            id: goal.id,
            title: goal.title.clone(),
            target_date: goal.target_on.clone(),
            status: goal.status,
            progress: progress_of(goal),
            overdue: goal_overdue(goal, today),
            milestones: goal.milestones,
            milestones_done: goal.milestones_done,
            shared,
            achieved_at: goal.achieved_at,
        }
    }
}

fn milestone_view(m: &Milestone, today: NaiveDate) -> MilestoneView {
    let due = m.due_on.as_deref().and_then(|d| growth::parse_date(d).ok());
    MilestoneView {
        id: m.id,
        title: m.title.clone(),
        due_date: m.due_on.clone(),
        done: m.done_at.is_some(),
        done_at: m.done_at,
        state: m.state,
        suggested_by: m.suggested_by.map(|id| PersonRef {
            id,
            name: m.suggested_by_name.clone().unwrap_or_default(),
        }),
        overdue: m.state == MilestoneState::Accepted
            && due.is_some_and(|d| growth::overdue(d, m.done_at.is_some(), today)),
    }
}

/// A goal's fields, its skills, shares and obstacles, checked.
struct Checked {
    fields: GoalFields,
    skills: Vec<SkillId>,
    shares: Vec<PersonId>,
    obstacles: Vec<(String, String)>,
}

fn goal_error(errors: &mut FieldErrors, field: &str, e: GoalError) {
    errors.add(field, e.to_string());
}

fn check_obstacles(raw: &[ObstacleInput], errors: &mut FieldErrors) -> Vec<(String, String)> {
    if raw.len() > MAX_OBSTACLES {
        errors.add("obstacles", format!("at most {MAX_OBSTACLES} obstacles"));
    }
    let mut out = Vec::new();
    for (i, o) in raw.iter().enumerate() {
        let obstacle = growth::required_line(&o.obstacle.replace('\n', " "), MAX_GOAL_TEXT);
        let plan = growth::optional_text(&o.plan);
        match (obstacle, plan) {
            (Ok(obstacle), Ok(plan)) => out.push((obstacle, plan)),
            (Err(e), _) => errors.add(format!("obstacles[{i}].obstacle"), e.to_string()),
            (_, Err(e)) => errors.add(format!("obstacles[{i}].plan"), e.to_string()),
        }
    }
    out
}

/// A milestone's due date: a real date within ten years of today (a past date is fine:
/// a plan may be written down after some of it is done).
fn milestone_due(raw: Option<&str>, today: NaiveDate) -> Result<Option<String>, GoalError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let date = growth::parse_date(raw)?;
    if (date - today).num_days() > growth::MAX_TARGET_DAYS {
        return Err(GoalError::TooFar);
    }
    Ok(Some(date.format("%Y-%m-%d").to_string()))
}

impl App {
    /// The catalogue skills named, or a field error naming the unknown ones.
    async fn goal_skills(
        &self,
        names: &[String],
        errors: &mut FieldErrors,
    ) -> Result<Vec<SkillId>, AppError> {
        if names.len() > MAX_GOAL_SKILLS {
            errors.add("skills", format!("at most {MAX_GOAL_SKILLS} skills"));
            return Ok(Vec::new());
        }
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let found = skills::resolve_many(&self.db, &refs).await?;
        let unknown: Vec<&str> = refs
            .iter()
            .zip(&found)
            .filter(|(_, f)| f.is_none())
            .map(|(r, _)| *r)
            .collect();
        if !unknown.is_empty() {
            errors.add(
                "skills",
                format!("not in the catalogue: {}", unknown.join(", ")),
            );
        }
        let mut ids: Vec<SkillId> = found.into_iter().flatten().map(|s| s.id).collect();
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// Checks that each new person in `shares` mentors `owner` now.
    async fn check_shares(
        &self,
        owner: PersonId,
        shares: &[PersonId],
        already: &[PersonId],
        errors: &mut FieldErrors,
    ) -> Result<Vec<PersonId>, AppError> {
        let mentors = mentorships::mentors_of(&self.db, owner, i64::MAX).await?;
        let mut out: Vec<PersonId> = Vec::new();
        for person in shares {
            let mentor = mentors.iter().any(|(id, _)| id == person);
            if !mentor && !already.contains(person) {
                errors.add(
                    "shared_with",
                    "a goal can be shared with your mentors only (in an active or paused mentorship)",
                );
                break;
            }
            if !out.contains(person) {
                out.push(*person);
            }
        }
        Ok(out)
    }

    async fn check_mentorship(
        &self,
        viewer: &Viewer,
        mentorship: Option<MentorshipId>,
        errors: &mut FieldErrors,
    ) -> Result<(), AppError> {
        if let Some(m) = mentorship
            && mentorships::membership(&self.db, m, viewer.id)
                .await?
                .is_none()
        {
            errors.add("mentorship_id", "must be a mentorship of yours");
        }
        Ok(())
    }

    /// Sets a new goal for the viewer.
    pub async fn create_goal(
        &self,
        viewer: &Viewer,
        input: &NewGoal,
    ) -> Result<GoalView, AppError> {
        let today = self.today_of(viewer.id).await?;
        let mut errors = FieldErrors::new();
        let title = growth::required_line(&input.title, MAX_GOAL_TITLE)
            .map_err(|e| goal_error(&mut errors, "title", e))
            .ok();
        let why = growth::optional_text(&input.why)
            .map_err(|e| goal_error(&mut errors, "why", e))
            .ok();
        let measure = growth::optional_text(&input.measure)
            .and_then(|m| {
                if m.is_empty() {
                    Err(GoalError::Empty)
                } else {
                    Ok(m)
                }
            })
            .map_err(|e| goal_error(&mut errors, "measure", e))
            .ok();
        let target = growth::target_date(&input.target_date, today)
            .map_err(|e| goal_error(&mut errors, "target_date", e))
            .ok();
        let stated = match input.progress {
            Some(p) => growth::stated_percent(p)
                .map_err(|e| goal_error(&mut errors, "progress", e))
                .unwrap_or(0),
            None => 0,
        };
        let skills = self.goal_skills(&input.skills, &mut errors).await?;
        self.check_mentorship(viewer, input.mentorship_id, &mut errors)
            .await?;
        let shares = self
            .check_shares(viewer.id, &input.shared_with, &[], &mut errors)
            .await?;
        if input.on_board && input.mentorship_id.is_none() {
            errors.add("on_board", NO_BOARD);
        }
        let obstacles = check_obstacles(&input.obstacles, &mut errors);
        if input.milestones.len() > MAX_MILESTONES {
            goal_error(&mut errors, "milestones", GoalError::TooManyMilestones);
        }
        let mut milestones = Vec::new();
        for (i, m) in input.milestones.iter().enumerate() {
            let title = growth::required_line(&m.title, MAX_MILESTONE_TITLE)
                .map_err(|e| goal_error(&mut errors, &format!("milestones[{i}].title"), e));
            let due = milestone_due(m.due_date.as_deref(), today)
                .map_err(|e| goal_error(&mut errors, &format!("milestones[{i}].due_date"), e));
            if let (Ok(title), Ok(due)) = (title, due) {
                milestones.push((title, due));
            }
        }
        errors.into_result()?;
        let checked = Checked {
            fields: GoalFields {
                mentorship: input.mentorship_id,
                title: title.unwrap_or_default(),
                why: why.unwrap_or_default(),
                measure: measure.unwrap_or_default(),
                target_on: target.map(|d| d.to_string()).unwrap_or_default(),
                status: GoalStatus::Active,
                stated_progress: stated,
                achieved_at: None,
                on_board: input.on_board,
            },
            skills,
            shares,
            obstacles,
        };
        let id = GoalId::new();
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        store::insert(&mut tx, id, viewer.id, &checked.fields, now).await?;
        store::set_skills(&mut tx, id, &checked.skills).await?;
        store::set_shares(&mut tx, id, &checked.shares, now).await?;
        store::set_obstacles(&mut tx, id, &checked.obstacles, now).await?;
        for (i, (title, due_on)) in milestones.into_iter().enumerate() {
            let new = NewMilestone {
                id: MilestoneId::new(),
                goal: id,
                title,
                due_on,
                state: MilestoneState::Accepted,
                suggested_by: None,
            };
            // A millisecond apart, so undated ones keep the order given.
            store::insert_milestone(&mut tx, &new, now + i64::try_from(i).unwrap_or(0)).await?;
        }
        lodestar_store::commit(tx).await?;
        self.goal(viewer, id).await
    }

    /// A goal and how the viewer stands to it: its owner, or a mentor it is shared with
    /// (within the grace period). To anyone else it does not exist.
    async fn readable_goal(&self, viewer: &Viewer, id: GoalId) -> Result<(Goal, Reader), AppError> {
        let goal = store::get(&self.db, id)
            .await?
            .ok_or(AppError::NotFound("goal"))?;
        if goal.owner == viewer.id {
            return Ok((goal, Reader::Owner));
        }
        if store::is_shared_with(&self.db, id, viewer.id).await?
            && self.growth_reader(viewer, goal.owner, "goal").await? == Reader::Mentor
        {
            return Ok((goal, Reader::Mentor));
        }
        Err(AppError::NotFound("goal"))
    }

    /// A goal of the viewer's, or one shared with them.
    pub async fn goal(&self, viewer: &Viewer, id: GoalId) -> Result<GoalView, AppError> {
        let (goal, reader) = self.readable_goal(viewer, id).await?;
        let today = self.today_of(goal.owner).await?;
        let shared_with = if reader == Reader::Owner {
            store::shares(&self.db, id)
                .await?
                .into_iter()
                .map(|(id, name)| PersonRef { id, name })
                .collect()
        } else {
            Vec::new()
        };
        Ok(GoalView {
            id: goal.id,
            owner: PersonRef {
                id: goal.owner,
                name: goal.owner_name.clone(),
            },
            title: goal.title.clone(),
            why: goal.why.clone(),
            measure: goal.measure.clone(),
            target_date: goal.target_on.clone(),
            status: goal.status,
            progress: progress_of(&goal),
            overdue: goal_overdue(&goal, today),
            mentorship_id: goal.mentorship,
            skills: store::skills(&self.db, id)
                .await?
                .into_iter()
                .map(|s| GoalSkillView {
                    slug: s.slug,
                    name: s.name,
                })
                .collect(),
            shared_with,
            on_board: goal.on_board,
            milestones: store::milestones(&self.db, id)
                .await?
                .iter()
                .map(|m| milestone_view(m, today))
                .collect(),
            obstacles: store::obstacles(&self.db, id)
                .await?
                .into_iter()
                .map(|o| ObstacleInput {
                    obstacle: o.obstacle,
                    plan: o.plan,
                })
                .collect(),
            comments: self.goal_comments_of(id).await?,
            yours: reader == Reader::Owner,
            created_at: goal.created_at,
            achieved_at: goal.achieved_at,
        })
    }

    /// The viewer's own goals: active first, then paused, then the rest; by target date.
    pub async fn my_goals(&self, viewer: &Viewer) -> Result<Vec<GoalSummary>, AppError> {
        let today = self.today_of(viewer.id).await?;
        self.goals_read_by(viewer, viewer.id, Reader::Owner, today)
            .await
    }

    /// The goals `owner` shares with the viewer (their own, if it is them).
    pub async fn goals_of(
        &self,
        viewer: &Viewer,
        owner: PersonId,
    ) -> Result<Vec<GoalSummary>, AppError> {
        let reader = self.growth_reader(viewer, owner, "person").await?;
        let today = self.today_of(owner).await?;
        self.goals_read_by(viewer, owner, reader, today).await
    }

    /// `owner`'s goals as `reader` (already checked) sees them: all of them for the owner,
    /// those shared with the viewer for a mentor. `today` is the owner's date.
    pub(crate) async fn goals_read_by(
        &self,
        viewer: &Viewer,
        owner: PersonId,
        reader: Reader,
        today: NaiveDate,
    ) -> Result<Vec<GoalSummary>, AppError> {
        Ok(self
            .goals_seen_by(viewer, owner, reader)
            .await?
            .iter()
            .map(|(g, shared)| GoalSummary::of(g, *shared, today))
            .collect())
    }

    /// `owner`'s goals as `reader` sees them, each with whether it is shared with anyone,
    /// before they are summed up against the owner's date.
    pub(crate) async fn goals_seen_by(
        &self,
        viewer: &Viewer,
        owner: PersonId,
        reader: Reader,
    ) -> Result<Vec<(Goal, bool)>, AppError> {
        Ok(match reader {
            Reader::Owner => store::list_owned(&self.db, owner).await?,
            Reader::Mentor => store::list_shared(&self.db, owner, viewer.id)
                .await?
                .into_iter()
                .map(|g| (g, true))
                .collect(),
        })
    }

    /// The owner's goal, for a change: to anyone else it does not exist, and a mentor it is
    /// shared with may not change it (403).
    async fn own_goal(&self, viewer: &Viewer, id: GoalId) -> Result<Goal, AppError> {
        match self.readable_goal(viewer, id).await? {
            (goal, Reader::Owner) => Ok(goal),
            (_, Reader::Mentor) => Err(AppError::Forbidden),
        }
    }

    /// The board of a mentorship the viewer is in: the goals its members put on it, each
    /// as far as a board shows it (title, status, target date, progress). To anyone not
    /// in the mentorship, admins included, it does not exist.
    pub async fn goal_board(
        &self,
        viewer: &Viewer,
        mentorship: MentorshipId,
    ) -> Result<GoalBoard, AppError> {
        let Some(member) = mentorships::membership(&self.db, mentorship, viewer.id).await? else {
            return Err(AppError::NotFound("mentorship"));
        };
        // Only a mentor may open someone else's goal (one shared with them), so only a
        // mentor's board asks, goal by goal.
        let mentor = member.role == lodestar_domain::mentoring::MemberRole::Mentor;
        let today = self.today_of(viewer.id).await?;
        let mut goals = Vec::new();
        for goal in store::on_board(&self.db, mentorship).await? {
            let yours = goal.owner == viewer.id;
            let readable = yours
                || mentor
                    && match self.readable_goal(viewer, goal.id).await {
                        Ok(_) => true,
                        Err(AppError::NotFound(_)) => false,
                        Err(e) => return Err(e),
                    };
            let summary = GoalSummary::of(&goal, false, today);
            goals.push(BoardGoal {
                id: goal.id,
                owner: PersonRef {
                    id: goal.owner,
                    name: goal.owner_name,
                },
                title: summary.title,
                target_date: summary.target_date,
                status: summary.status,
                progress: summary.progress,
                overdue: summary.overdue,
                milestones: summary.milestones,
                milestones_done: summary.milestones_done,
                yours,
                readable,
            });
        }
        Ok(GoalBoard { goals })
    }

    /// Edits a goal of the viewer's.
    pub async fn edit_goal(
        &self,
        viewer: &Viewer,
        id: GoalId,
        edit: &GoalEdit,
    ) -> Result<GoalView, AppError> {
        let goal = self.own_goal(viewer, id).await?;
        let today = self.today_of(viewer.id).await?;
        let mut errors = FieldErrors::new();
        let mut fields = GoalFields {
            mentorship: goal.mentorship,
            title: goal.title.clone(),
            why: goal.why.clone(),
            measure: goal.measure.clone(),
            target_on: goal.target_on.clone(),
            status: goal.status,
            stated_progress: goal.stated_progress,
            achieved_at: goal.achieved_at,
            on_board: goal.on_board,
        };
        if let Some(raw) = &edit.title {
            match growth::required_line(raw, MAX_GOAL_TITLE) {
                Ok(t) => fields.title = t,
                Err(e) => goal_error(&mut errors, "title", e),
            }
        }
        if let Some(raw) = &edit.why {
            match growth::optional_text(raw) {
                Ok(t) => fields.why = t,
                Err(e) => goal_error(&mut errors, "why", e),
            }
        }
        if let Some(raw) = &edit.measure {
            match growth::optional_text(raw) {
                Ok(t) if !t.is_empty() => fields.measure = t,
                Ok(_) => goal_error(&mut errors, "measure", GoalError::Empty),
                Err(e) => goal_error(&mut errors, "measure", e),
            }
        }
        if let Some(raw) = &edit.target_date {
            // An unchanged date may lie in the past; a new one may not.
            if raw.trim() != goal.target_on {
                match growth::target_date(raw, today) {
                    Ok(d) => fields.target_on = d.to_string(),
                    Err(e) => goal_error(&mut errors, "target_date", e),
                }
            }
        }
        if let Some(p) = edit.progress {
            match growth::stated_percent(p) {
                Ok(p) => fields.stated_progress = p,
                Err(e) => goal_error(&mut errors, "progress", e),
            }
        }
        let mut status_change = None;
        if let Some(raw) = &edit.status {
            match raw.parse::<GoalStatus>() {
                Ok(to) if to == goal.status => {}
                Ok(to) => status_change = Some(to),
                Err(e) => errors.add("status", e.to_string()),
            }
        }
        if let Some(raw) = &edit.mentorship_id {
            let raw = raw.trim();
            if raw.is_empty() {
                fields.mentorship = None;
            } else {
                match raw.parse::<MentorshipId>() {
                    Ok(m) => {
                        self.check_mentorship(viewer, Some(m), &mut errors).await?;
                        fields.mentorship = Some(m);
                    }
                    Err(_) => errors.add("mentorship_id", "must be a mentorship of yours"),
                }
            }
        }
        if let Some(on) = edit.on_board {
            fields.on_board = on;
        } else if fields.mentorship.is_none() {
            // Unlinked from its mentorship, it leaves that mentorship's board.
            fields.on_board = false;
        }
        if fields.on_board && fields.mentorship.is_none() {
            errors.add("on_board", NO_BOARD);
        }
        let skills = match &edit.skills {
            Some(names) => Some(self.goal_skills(names, &mut errors).await?),
            None => None,
        };
        let shares = match &edit.shared_with {
            Some(people) => {
                let already: Vec<PersonId> = store::shares(&self.db, id)
                    .await?
                    .into_iter()
                    .map(|(p, _)| p)
                    .collect();
                Some(
                    self.check_shares(viewer.id, people, &already, &mut errors)
                        .await?,
                )
            }
            None => None,
        };
        let obstacles = edit
            .obstacles
            .as_ref()
            .map(|o| check_obstacles(o, &mut errors));
        errors.into_result()?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let current = store::lock(&mut tx, id, now)
            .await?
            .ok_or(AppError::NotFound("goal"))?;
        if let Some(to) = status_change {
            if !current.status.can_become(to) {
                return Err(AppError::Conflict {
                    code: "invalid_transition",
                    field: Some("status"),
                    message: format!(
                        "a goal that is {} cannot become {}",
                        current.status.as_str(),
                        to.as_str()
                    ),
                });
            }
            fields.status = to;
            fields.achieved_at = (to == GoalStatus::Achieved).then_some(now);
        } else {
            fields.status = current.status;
        }
        store::update(&mut tx, id, &fields, now).await?;
        if status_change == Some(GoalStatus::Achieved) {
            // Its id and owner only: a goal's title and the rest are its owner's.
            let data = serde_json::json!({"goal_id": id, "owner_id": current.owner});
            self.queue_webhook(
                &mut tx,
                lodestar_domain::webhook::WebhookEvent::GoalAchieved,
                data,
            )
            .await?;
        }
        if let Some(skills) = &skills {
            store::set_skills(&mut tx, id, skills).await?;
        }
        if let Some(shares) = &shares {
            store::set_shares(&mut tx, id, shares, now).await?;
        }
        if let Some(obstacles) = &obstacles {
            store::set_obstacles(&mut tx, id, obstacles, now).await?;
        }
        lodestar_store::commit(tx).await?;
        self.goal(viewer, id).await
    }

    /// Deletes a goal of the viewer's, with everything on it.
    pub async fn delete_goal(&self, viewer: &Viewer, id: GoalId) -> Result<(), AppError> {
        self.own_goal(viewer, id).await?;
        let mut tx = self.db.begin().await?;
        store::delete(&mut tx, id).await?;
        lodestar_store::commit(tx).await?;
        Ok(())
    }

    /// Adds a milestone: the owner's goes into the plan; a mentor's is a suggestion the
    /// owner is told of and answers. Returns the new milestone.
    pub async fn add_milestone(
        &self,
        viewer: &Viewer,
        id: GoalId,
        input: &MilestoneInput,
    ) -> Result<MilestoneView, AppError> {
        let (goal, reader) = self.readable_goal(viewer, id).await?;
        let today = self.today_of(goal.owner).await?;
        let mut errors = FieldErrors::new();
        let title = growth::required_line(&input.title, MAX_MILESTONE_TITLE)
            .map_err(|e| goal_error(&mut errors, "title", e))
            .ok();
        let due_on = milestone_due(input.due_date.as_deref(), today)
            .map_err(|e| goal_error(&mut errors, "due_date", e))
            .ok()
            .flatten();
        errors.into_result()?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        store::lock(&mut tx, id, now).await?;
        if store::milestone_count(&mut tx, id).await?
            >= i64::try_from(MAX_MILESTONES).unwrap_or(i64::MAX)
        {
            return Err(AppError::invalid(
                "title",
                GoalError::TooManyMilestones.to_string(),
            ));
        }
        let new = NewMilestone {
            id: MilestoneId::new(),
            goal: id,
            title: title.unwrap_or_default(),
            due_on,
            state: match reader {
                Reader::Owner => MilestoneState::Accepted,
                Reader::Mentor => MilestoneState::Suggested,
            },
            suggested_by: (reader == Reader::Mentor).then_some(viewer.id),
        };
        store::insert_milestone(&mut tx, &new, now).await?;
        if reader == Reader::Mentor {
            let notice = Notice {
                person: goal.owner,
                kind: NotificationKind::MilestoneSuggested,
                title: format!("{} suggests a milestone for “{}”", viewer.name, goal.title),
                body: format!("“{}”. Accept it into your plan, or decline it.", new.title),
                link: format!("/goals/{id}"),
                calendar: None,
            };
            self.notify(&mut tx, &notice).await?;
        }
        lodestar_store::commit(tx).await?;
        self.goal(viewer, id)
            .await?
            .milestones
            .into_iter()
            .find(|m| m.id == new.id)
            .ok_or(AppError::NotFound("milestone"))
    }

    /// Edits a milestone of the viewer's goal, or answers a mentor's suggestion.
    pub async fn edit_milestone(
        &self,
        viewer: &Viewer,
        id: GoalId,
        milestone: MilestoneId,
        edit: &MilestoneEdit,
    ) -> Result<GoalView, AppError> {
        self.own_goal(viewer, id).await?;
        let today = self.today_of(viewer.id).await?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        store::lock(&mut tx, id, now).await?;
        let mut m = store::milestone_in(&mut tx, milestone)
            .await?
            .filter(|m| m.goal == id)
            .ok_or(AppError::NotFound("milestone"))?;
        let mut errors = FieldErrors::new();
        if let Some(raw) = &edit.title {
            match growth::required_line(raw, MAX_MILESTONE_TITLE) {
                Ok(t) => m.title = t,
                Err(e) => goal_error(&mut errors, "title", e),
            }
        }
        if let Some(raw) = &edit.due_date {
            match milestone_due(Some(raw), today) {
                Ok(d) => m.due_on = d,
                Err(e) => goal_error(&mut errors, "due_date", e),
            }
        }
        if let Some(raw) = &edit.state {
            match raw.parse::<MilestoneState>() {
                Ok(to) if to == m.state => {}
                Ok(MilestoneState::Suggested) => {
                    errors.add("state", "answer a suggestion with accepted or declined");
                }
                Ok(to) if m.state == MilestoneState::Suggested => m.state = to,
                Ok(_) => errors.add(
                    "state",
                    "only a suggested milestone is accepted or declined",
                ),
                Err(e) => errors.add("state", e.to_string()),
            }
        }
        match edit.done {
            Some(true) if m.state != MilestoneState::Accepted => {
                errors.add("done", "accept the milestone before ticking it off");
            }
            Some(true) => m.done_at = m.done_at.or(Some(now)),
            Some(false) => m.done_at = None,
            None => {}
        }
        errors.into_result()?;
        store::update_milestone(&mut tx, &m, now).await?;
        lodestar_store::commit(tx).await?;
        self.goal(viewer, id).await
    }

    /// Removes a milestone from the viewer's goal.
    pub async fn delete_milestone(
        &self,
        viewer: &Viewer,
        id: GoalId,
        milestone: MilestoneId,
    ) -> Result<GoalView, AppError> {
        self.own_goal(viewer, id).await?;
        let mut tx = self.db.begin().await?;
        store::milestone_in(&mut tx, milestone)
            .await?
            .filter(|m| m.goal == id)
            .ok_or(AppError::NotFound("milestone"))?;
        store::delete_milestone(&mut tx, milestone).await?;
        lodestar_store::commit(tx).await?;
        self.goal(viewer, id).await
    }

    async fn goal_comments_of(&self, id: GoalId) -> Result<Vec<CommentView>, AppError> {
        Ok(store::comments(&self.db, id)
            .await?
            .into_iter()
            .map(|c| CommentView {
                id: c.id,
                author: PersonRef {
                    id: c.author,
                    name: c.author_name,
                },
                body: c.body,
                created_at: c.created_at,
            })
            .collect())
    }

    /// The comments on a goal the viewer may read, oldest first.
    pub async fn goal_comments(
        &self,
        viewer: &Viewer,
        id: GoalId,
    ) -> Result<Vec<CommentView>, AppError> {
        self.readable_goal(viewer, id).await?;
        self.goal_comments_of(id).await
    }

    /// Comments on a goal: its owner or a mentor it is shared with. The owner's comment
    /// tells the mentors it is shared with; a mentor's tells the owner.
    pub async fn comment_on_goal(
        &self,
        viewer: &Viewer,
        id: GoalId,
        input: &NewComment,
    ) -> Result<CommentView, AppError> {
        let (goal, reader) = self.readable_goal(viewer, id).await?;
        let body = text::multi_line(&input.body, MAX_COMMENT)
            .map_err(|e| AppError::invalid("body", e.to_string()))?;
        if body.is_empty() {
            return Err(AppError::invalid("body", "write something first"));
        }
        let to: Vec<PersonId> = match reader {
            Reader::Mentor => vec![goal.owner],
            Reader::Owner => {
                let horizon = self.share_horizon();
                let mentors = mentorships::mentors_of(&self.db, goal.owner, horizon).await?;
                store::shares(&self.db, id)
                    .await?
                    .into_iter()
                    .map(|(p, _)| p)
                    .filter(|p| mentors.iter().any(|(m, _)| m == p))
                    .collect()
            }
        };
        let comment = GoalCommentId::new();
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        store::insert_comment(&mut tx, comment, id, viewer.id, &body, now).await?;
        for person in to {
            self.goal_notice(
                &mut tx,
                person,
                NotificationKind::GoalComment,
                format!("{} commented on “{}”", viewer.name, goal.title),
                body.chars().take(200).collect(),
                id,
            )
            .await?;
        }
        lodestar_store::commit(tx).await?;
        self.goal_comments_of(id)
            .await?
            .into_iter()
            .find(|c| c.id == comment)
            .ok_or(AppError::NotFound("comment"))
    }

    async fn goal_notice(
        &self,
        tx: &mut Tx,
        person: PersonId,
        kind: NotificationKind,
        title: String,
        body: String,
        goal: GoalId,
    ) -> Result<(), AppError> {
        let notice = Notice {
            person,
            kind,
            title,
            body,
            link: format!("/goals/{goal}"),
            calendar: None,
        };
        self.notify(tx, &notice).await
    }

    /// Tells owners of active goals whose target date has come (once per date), and of
    /// accepted milestones left undone past their day (once per due date). Dates are
    /// compared in UTC. Safe in several processes at once. Returns how many notices.
    pub async fn remind_goals_due(&self, now: i64) -> Result<usize, AppError> {
        let today = utc_day(now);
        let mut tx = self.db.begin().await?;
        let goals = store::claim_due(&mut tx, &today, now).await?;
        for goal in &goals {
            self.goal_notice(
                &mut tx,
                goal.owner,
                NotificationKind::GoalDue,
                format!("Goal due: {}", goal.title),
                format!(
                    "“{}” was to be reached by {}. Mark it achieved, or set a new date.",
                    goal.title, goal.target_on
                ),
                goal.id,
            )
            .await?;
        }
        let milestones = store::claim_overdue_milestones(&mut tx, &today, now).await?;
        for m in &milestones {
            self.goal_notice(
                &mut tx,
                m.owner,
                NotificationKind::MilestoneOverdue,
                format!("Milestone overdue: {}", m.title),
                format!(
                    "“{}” of your goal “{}” was due {}.",
                    m.title, m.goal_title, m.due_on
                ),
                m.goal,
            )
            .await?;
        }
        lodestar_store::commit(tx).await?;
        Ok(goals.len() + milestones.len())
    }
}
