//! Career outcomes: what happened in a person's career — a promotion, a new role or job, a
//! certification, a stretch assignment, a talk given — on the day it happened, with a title
//! and a note. The owner may credit one to a mentorship in which they are mentored and tie
//! it to one of their goals. An outcome is shared with their mentors unless they say not;
//! a mentor reads the shared ones through [`App::growth_reader`], like the rest of the
//! record. Programme reports count outcomes by kind, date and mentorship.

use lodestar_domain::growth::{self, MAX_OUTCOME_TITLE, OutcomeKind};
use lodestar_domain::mentoring::MemberRole;
use lodestar_domain::{FieldErrors, GoalId, MentorshipId, OutcomeId, PersonId};
use lodestar_store::outcomes::{self as store, Outcome, OutcomeFields};
use lodestar_store::{goals, mentorships, now_ms};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Reader;
use crate::{App, AppError, Viewer};

/// `POST /api/v1/me/outcomes`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOutcome {
    /// `promotion`, `new_role`, `new_job`, `certification`, `stretch_assignment`,
    /// `talk_given` or `other`.
    #[schema(example = "promotion")]
    pub kind: String,
    /// The day it happened, `YYYY-MM-DD`: not in the future, within the last 60 years.
    #[schema(example = "2026-09-01")]
    pub date: String,
    /// 1–200 characters.
    #[schema(max_length = 200, example = "Promoted to Senior Engineer")]
    pub title: String,
    /// Up to 2000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: String,
    /// A mentorship in which you are mentored, that the outcome is credited to.
    #[schema(format = Uuid)]
    pub mentorship_id: Option<String>,
    /// A goal of yours the outcome belongs to.
    #[schema(format = Uuid)]
    pub goal_id: Option<String>,
    /// Whether your mentors see it (default true).
    pub share_with_mentors: Option<bool>,
}

/// `PATCH /api/v1/me/outcomes/{id}`: the fields given change. An empty `mentorship_id` or
/// `goal_id` unlinks it.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeEdit {
    #[schema(example = "certification")]
    pub kind: Option<String>,
    #[schema(example = "2026-09-01")]
    pub date: Option<String>,
    #[schema(max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    #[schema(format = Uuid)]
    pub mentorship_id: Option<String>,
    #[schema(format = Uuid)]
    pub goal_id: Option<String>,
    pub share_with_mentors: Option<bool>,
}

/// An outcome as its reader sees it. A mentor sees the mentorship only where it is theirs,
/// and never the goal (which may be private).
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct OutcomeView {
    #[schema(value_type = String, format = Uuid)]
    pub id: OutcomeId,
    #[schema(value_type = String, example = "promotion")]
    pub kind: OutcomeKind,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub title: String,
    pub note: String,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub mentorship_id: Option<MentorshipId>,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub goal_id: Option<GoalId>,
    pub share_with_mentors: bool,
    /// Epoch milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

impl OutcomeView {
    fn of(o: &Outcome) -> Self {
        let f = &o.fields;
        Self {
            id: o.id,
            kind: f.kind,
            date: f.happened_on.clone(),
            title: f.title.clone(),
            note: f.note.clone(),
            mentorship_id: f.mentorship,
            goal_id: f.goal,
            share_with_mentors: f.share_with_mentors,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// Something an outcome may be linked to, as a form offers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkChoice {
    pub id: String,
    pub label: String,
}

/// What an outcome of the viewer's may be linked to: the mentorships in which they are
/// mentored (any state: an outcome may come after the mentorship ends) and their goals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutcomeChoices {
    pub mentorships: Vec<LinkChoice>,
    pub goals: Vec<LinkChoice>,
}

impl OutcomeChoices {
    pub fn mentorship_label(&self, id: &str) -> Option<&str> {
        self.mentorships
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.label.as_str())
    }

    pub fn goal_label(&self, id: &str) -> Option<&str> {
        self.goals
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.label.as_str())
    }
}

fn check_kind(raw: &str, errors: &mut FieldErrors) -> Option<OutcomeKind> {
    errors.check("kind", raw.trim().parse::<OutcomeKind>())
}

fn check_title(raw: &str, errors: &mut FieldErrors) -> Option<String> {
    errors.check("title", growth::required_line(raw, MAX_OUTCOME_TITLE))
}

fn check_note(raw: &str, errors: &mut FieldErrors) -> Option<String> {
    errors.check("note", growth::optional_text(raw))
}

impl App {
    /// The mentorship an outcome is credited to: one in which the viewer is mentored.
    /// Empty is none.
    async fn outcome_mentorship(
        &self,
        viewer: &Viewer,
        raw: &str,
        errors: &mut FieldErrors,
    ) -> Result<Option<MentorshipId>, AppError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let theirs = match raw.parse::<MentorshipId>() {
            Ok(id) => mentorships::membership(&self.db, id, viewer.id)
                .await?
                .filter(|m| m.role == MemberRole::Mentee)
                .map(|_| id),
            Err(_) => None,
        };
        if theirs.is_none() {
            errors.add(
                "mentorship_id",
                "must be a mentorship in which you are mentored",
            );
        }
        Ok(theirs)
    }

    /// The goal an outcome belongs to: one of the viewer's. Empty is none.
    async fn outcome_goal(
        &self,
        viewer: &Viewer,
        raw: &str,
        errors: &mut FieldErrors,
    ) -> Result<Option<GoalId>, AppError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let theirs = match raw.parse::<GoalId>() {
            Ok(id) => goals::get(&self.db, id)
                .await?
                .filter(|g| g.owner == viewer.id)
                .map(|_| id),
            Err(_) => None,
        };
        if theirs.is_none() {
            errors.add("goal_id", "must be a goal of yours");
        }
        Ok(theirs)
    }

    /// Records a career outcome of the viewer's. Every field is checked before anything is
    /// written.
    pub async fn record_outcome(
        &self,
        viewer: &Viewer,
        input: &NewOutcome,
    ) -> Result<OutcomeView, AppError> {
        let today = self.today_of(viewer.id).await?;
        let mut errors = FieldErrors::new();
        let kind = check_kind(&input.kind, &mut errors);
        let date = errors.check("date", growth::outcome_date(&input.date, today));
        let title = check_title(&input.title, &mut errors);
        let note = check_note(&input.note, &mut errors);
        let mentorship = self
            .outcome_mentorship(
                viewer,
                input.mentorship_id.as_deref().unwrap_or_default(),
                &mut errors,
            )
            .await?;
        let goal = self
            .outcome_goal(
                viewer,
                input.goal_id.as_deref().unwrap_or_default(),
                &mut errors,
            )
            .await?;
        errors.into_result()?;
        let (Some(kind), Some(date), Some(title), Some(note)) = (kind, date, title, note) else {
            return Err(AppError::Internal(
                "an outcome checked without its fields".into(),
            ));
        };
        let fields = OutcomeFields {
            kind,
            happened_on: date.format("%Y-%m-%d").to_string(),
            title,
            note,
            mentorship,
            goal,
            share_with_mentors: input.share_with_mentors.unwrap_or(true),
        };
        let id = OutcomeId::new();
        let mut tx = self.db.begin().await?;
        store::insert(&mut tx, id, viewer.id, &fields, now_ms()).await?;
        lodestar_store::commit(tx).await?;
        self.own_outcome(viewer, id).await
    }

    /// An outcome of the viewer's; anyone else's does not exist.
    async fn own_outcome(&self, viewer: &Viewer, id: OutcomeId) -> Result<OutcomeView, AppError> {
        store::get(&self.db, id, viewer.id)
            .await?
            .map(|o| OutcomeView::of(&o))
            .ok_or(AppError::NotFound("outcome"))
    }

    /// `person`'s outcomes as the viewer may read them, newest first: every one for their
    /// owner; the shared ones for a mentor (within the grace period), without the goal and
    /// with the mentorship only where it is the mentor's own.
    pub async fn outcomes_of(
        &self,
        viewer: &Viewer,
        person: PersonId,
    ) -> Result<Vec<OutcomeView>, AppError> {
        let reader = self.growth_reader(viewer, person, "person").await?;
        self.outcomes_read_by(viewer, person, reader).await
    }

    /// `person`'s outcomes as `reader` (already checked) sees them: a mentor sees the
    /// shared ones, without the goal and with only the mentorships they are part of.
    pub(crate) async fn outcomes_read_by(
        &self,
        viewer: &Viewer,
        person: PersonId,
        reader: Reader,
    ) -> Result<Vec<OutcomeView>, AppError> {
        let outcomes = store::list(&self.db, person, reader == Reader::Mentor).await?;
        let mut views: Vec<OutcomeView> = outcomes.iter().map(OutcomeView::of).collect();
        if reader == Reader::Mentor {
            let mut mine: Vec<MentorshipId> = Vec::new();
            let mut others: Vec<MentorshipId> = Vec::new();
            for view in &mut views {
                view.goal_id = None;
                let Some(m) = view.mentorship_id else {
                    continue;
                };
                if !mine.contains(&m) && !others.contains(&m) {
                    match mentorships::membership(&self.db, m, viewer.id).await? {
                        Some(_) => mine.push(m),
                        None => others.push(m),
                    }
                }
                if others.contains(&m) {
                    view.mentorship_id = None;
                }
            }
        }
        Ok(views)
    }

    /// Edits an outcome of the viewer's: the fields given change, after every one is
    /// checked.
    pub async fn edit_outcome(
        &self,
        viewer: &Viewer,
        id: OutcomeId,
        edit: &OutcomeEdit,
    ) -> Result<OutcomeView, AppError> {
        let current = store::get(&self.db, id, viewer.id)
            .await?
            .ok_or(AppError::NotFound("outcome"))?;
        let today = self.today_of(viewer.id).await?;
        let mut errors = FieldErrors::new();
        let mut fields = current.fields.clone();
        if let Some(raw) = &edit.kind
            && let Some(kind) = check_kind(raw, &mut errors)
        {
            fields.kind = kind;
        }
        if let Some(raw) = &edit.date {
            // An unchanged date stays, however long ago it now is.
            if raw.trim() != current.fields.happened_on {
                match growth::outcome_date(raw, today) {
                    Ok(d) => fields.happened_on = d.format("%Y-%m-%d").to_string(),
                    Err(e) => errors.add("date", e.to_string()),
                }
            }
        }
        if let Some(raw) = &edit.title
            && let Some(title) = check_title(raw, &mut errors)
        {
            fields.title = title;
        }
        if let Some(raw) = &edit.note
            && let Some(note) = check_note(raw, &mut errors)
        {
            fields.note = note;
        }
        if let Some(raw) = &edit.mentorship_id {
            fields.mentorship = self.outcome_mentorship(viewer, raw, &mut errors).await?;
        }
        if let Some(raw) = &edit.goal_id {
            fields.goal = self.outcome_goal(viewer, raw, &mut errors).await?;
        }
        if let Some(share) = edit.share_with_mentors {
            fields.share_with_mentors = share;
        }
        errors.into_result()?;
        let mut tx = self.db.begin().await?;
        if !store::update(&mut tx, id, viewer.id, &fields, now_ms()).await? {
            return Err(AppError::NotFound("outcome"));
        }
        lodestar_store::commit(tx).await?;
        self.own_outcome(viewer, id).await
    }

    /// What the viewer may link an outcome to.
    pub async fn outcome_choices(&self, viewer: &Viewer) -> Result<OutcomeChoices, AppError> {
        let listed = self
            .my_mentorships(viewer, &crate::mentorships::MentorshipFilter::default())
            .await?;
        let mentorships = listed
            .mentorships
            .iter()
            .filter(|m| m.my_role == MemberRole::Mentee)
            .map(|m| LinkChoice {
                id: m.id.to_string(),
                label: format!("With {} ({})", m.with_names(), m.state_label.to_lowercase()),
            })
            .collect();
        let goals = self
            .my_goals(viewer)
            .await?
            .into_iter()
            .map(|g| LinkChoice {
                id: g.id.to_string(),
                label: g.title,
            })
            .collect();
        Ok(OutcomeChoices { mentorships, goals })
    }

    /// Deletes an outcome of the viewer's.
    pub async fn delete_outcome(&self, viewer: &Viewer, id: OutcomeId) -> Result<(), AppError> {
        let mut tx = self.db.begin().await?;
        if !store::delete(&mut tx, id, viewer.id).await? {
            return Err(AppError::NotFound("outcome"));
        }
        lodestar_store::commit(tx).await?;
        Ok(())
    }
}
