//! A person's plan of steps towards their target roles: learn, practise, a stretch project,
//! an introduction, an opportunity, each with a date. A step can become a goal: the goals
//! module makes the goal, and the step keeps its id (`goal_id`).

use chrono::NaiveDate;
use lodestar_domain::career::StepKind;
use lodestar_domain::ids::CareerStepId;
use lodestar_domain::text::one_line;
use lodestar_domain::{FieldErrors, SkillId};
use lodestar_store::career::{self as store, NewStep, Step, StepChanges};
use lodestar_store::{StoreError, skills};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{App, AppError, Viewer};

pub const MAX_TITLE: usize = 200;
/// Steps a plan may hold.
pub const MAX_STEPS: i64 = 200;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StepView {
    #[schema(value_type = String, format = Uuid)]
    pub id: CareerStepId,
    /// `learn`, `practise`, `stretch_project`, `introduction` or `opportunity`.
    #[schema(example = "learn")]
    pub kind: &'static str,
    pub title: String,
    /// The catalogue slug of the skill it grows, if any.
    pub skill: Option<String>,
    pub skill_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub due_date: String,
    pub done: bool,
    /// Epoch milliseconds.
    pub done_at: Option<i64>,
    /// The goal this step became, once it did.
    pub goal_id: Option<String>,
}

impl From<Step> for StepView {
    fn from(s: Step) -> Self {
        let (skill, skill_name) = match s.skill {
            Some((_, slug, name)) => (Some(slug), Some(name)),
            None => (None, None),
        };
        Self {
            id: s.id,
            kind: s.kind.as_str(),
            title: s.title,
            skill,
            skill_name,
            due_date: s.due_on,
            done: s.done_at.is_some(),
            done_at: s.done_at,
            goal_id: s.goal_id,
        }
    }
}

/// `POST /api/v1/me/career/steps`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStepInput {
    #[schema(example = "learn")]
    pub kind: String,
    /// 1–200 characters.
    #[schema(max_length = 200)]
    pub title: String,
    /// A catalogue slug.
    pub skill: Option<String>,
    /// `YYYY-MM-DD`.
    #[schema(example = "2027-03-31")]
    pub due_date: String,
    #[serde(default)]
    pub done: bool,
}

/// `PATCH /api/v1/me/career/steps/{id}`: the fields given change; an empty `skill` or
/// `goal_id` clears it.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepEdit {
    pub kind: Option<String>,
    #[schema(max_length = 200)]
    pub title: Option<String>,
    pub skill: Option<String>,
    pub due_date: Option<String>,
    pub done: Option<bool>,
    /// The id of the goal this step became.
    pub goal_id: Option<String>,
}

/// `POST /api/v1/me/career/steps/{id}/goal`: the step becomes a goal of yours, on its
/// skill, titled as the step unless you say otherwise.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepGoalInput {
    /// The goal's title (default: the step's).
    pub title: Option<String>,
    /// How success is measured.
    pub measure: String,
    /// `YYYY-MM-DD` (default: the step's date).
    pub target_date: Option<String>,
    /// Mentors to share the goal with.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub shared_with: Vec<lodestar_domain::PersonId>,
}

fn step_not_found(err: StoreError) -> AppError {
    match err {
        StoreError::NotFound => AppError::NotFound("step"),
        other => other.into(),
    }
}

fn check_kind(errors: &mut FieldErrors, raw: &str) -> Option<StepKind> {
    errors.check("kind", StepKind::parse(raw))
}

fn check_title(errors: &mut FieldErrors, raw: &str) -> Option<String> {
    match one_line(raw, MAX_TITLE) {
        Ok(t) if t.is_empty() => {
            errors.add("title", "is required");
            None
        }
        Ok(t) => Some(t),
        Err(e) => {
            errors.add("title", e.to_string());
            None
        }
    }
}

fn check_date(errors: &mut FieldErrors, raw: &str) -> Option<String> {
    match NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d.format("%Y-%m-%d").to_string()),
        Err(_) => {
            errors.add("due_date", "must be a date, YYYY-MM-DD");
            None
        }
    }
}

/// An empty reference is no skill; an unknown one is a field error.
async fn check_skill(
    app: &App,
    errors: &mut FieldErrors,
    raw: &str,
) -> Result<Option<SkillId>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match skills::resolve(&app.db, raw).await? {
        Some(skill) => Ok(Some(skill.id)),
        None => {
            errors.add("skill", "is not a skill in the catalogue");
            Ok(None)
        }
    }
}

impl App {
    /// The viewer's plan, by date.
    pub async fn career_steps(&self, viewer: &Viewer) -> Result<Vec<StepView>, AppError> {
        Ok(store::steps(&self.db, viewer.id)
            .await?
            .into_iter()
            .map(StepView::from)
            .collect())
    }

    pub async fn add_career_step(
        &self,
        viewer: &Viewer,
        input: &NewStepInput,
    ) -> Result<StepView, AppError> {
        let mut errors = FieldErrors::new();
        let kind = check_kind(&mut errors, &input.kind);
        let title = check_title(&mut errors, &input.title);
        let due_on = check_date(&mut errors, &input.due_date);
        let skill = check_skill(self, &mut errors, input.skill.as_deref().unwrap_or("")).await?;
        if store::step_count(&self.db, viewer.id).await? >= MAX_STEPS {
            errors.add("title", format!("a plan holds at most {MAX_STEPS} steps"));
        }
        errors.into_result().map_err(AppError::Invalid)?;
        let (Some(kind), Some(title), Some(due_on)) = (kind, title, due_on) else {
            return Err(AppError::Internal("a checked step lost a field".into()));
        };
        let id = CareerStepId::new();
        let step = store::insert_step(
            &self.db,
            &NewStep {
                id,
                person: viewer.id,
                kind,
                title,
                skill,
                due_on,
            },
        )
        .await?;
        if input.done {
            let done = StepChanges {
                done: Some(true),
                ..StepChanges::default()
            };
            return Ok(store::update_step(&self.db, viewer.id, id, &done)
                .await?
                .into());
        }
        Ok(step.into())
    }

    /// Edits a step of the viewer's; anyone else's is not found.
    pub async fn edit_career_step(
        &self,
        viewer: &Viewer,
        id: CareerStepId,
        edit: &StepEdit,
    ) -> Result<StepView, AppError> {
        store::step(&self.db, viewer.id, id)
            .await
            .map_err(step_not_found)?;
        let mut errors = FieldErrors::new();
        let kind = edit
            .kind
            .as_deref()
            .and_then(|k| check_kind(&mut errors, k));
        let title = edit
            .title
            .as_deref()
            .and_then(|t| check_title(&mut errors, t));
        let due_on = edit
            .due_date
            .as_deref()
            .and_then(|d| check_date(&mut errors, d));
        let skill = match edit.skill.as_deref() {
            Some(raw) => Some(check_skill(self, &mut errors, raw).await?),
            None => None,
        };
        let goal_id = match edit.goal_id.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(raw) => match raw.parse::<uuid::Uuid>() {
                Ok(id) => Some(Some(id.to_string())),
                Err(_) => {
                    errors.add("goal_id", "is not a goal id");
                    None
                }
            },
        };
        errors.into_result().map_err(AppError::Invalid)?;
        let changes = StepChanges {
            kind,
            title,
            skill,
            due_on,
            done: edit.done,
            goal_id,
        };
        Ok(store::update_step(&self.db, viewer.id, id, &changes)
            .await
            .map_err(step_not_found)?
            .into())
    }

    /// A step of the viewer's becomes a goal of theirs, once (409 `already_done` after):
    /// on the step's skill, by the step's date unless another is given.
    pub async fn step_to_goal(
        &self,
        viewer: &Viewer,
        id: CareerStepId,
        input: &StepGoalInput,
    ) -> Result<crate::growth::goals::GoalView, AppError> {
        let step = store::step(&self.db, viewer.id, id)
            .await
            .map_err(step_not_found)?;
        let already = || AppError::Conflict {
            code: "already_done",
            field: None,
            message: "this step is already a goal".into(),
        };
        if step.goal_id.is_some() {
            return Err(already());
        }
        let goal = self
            .create_goal(
                viewer,
                &crate::growth::goals::NewGoal {
                    title: input
                        .title
                        .clone()
                        .filter(|t| !t.trim().is_empty())
                        .unwrap_or_else(|| step.title.clone()),
                    why: format!("A step of my career plan ({}).", step.kind.label()),
                    measure: input.measure.clone(),
                    target_date: input
                        .target_date
                        .clone()
                        .filter(|d| !d.trim().is_empty())
                        .unwrap_or_else(|| step.due_on.clone()),
                    skills: step.skill.iter().map(|(_, slug, _)| slug.clone()).collect(),
                    mentorship_id: None,
                    shared_with: input.shared_with.clone(),
                    milestones: Vec::new(),
                    obstacles: Vec::new(),
                    progress: None,
                    on_board: false,
                },
            )
            .await?;
        if !store::claim_step_goal(&self.db, viewer.id, id, &goal.id.to_string()).await? {
            // Another request made it a goal first: this one's goal goes.
            self.delete_goal(viewer, goal.id).await?;
            return Err(already());
        }
        Ok(goal)
    }

    /// Deletes a step of the viewer's; anyone else's is not found.
    pub async fn delete_career_step(
        &self,
        viewer: &Viewer,
        id: CareerStepId,
    ) -> Result<(), AppError> {
        store::delete_step(&self.db, viewer.id, id)
            .await
            .map_err(step_not_found)
    }
}
