//! Structured feedback: on a skill, the situation, the behaviour seen, its impact and a
//! suggestion, from one side of a mentorship to the other, tied to a session if it was
//! about one. The receiver acknowledges it, and can turn its suggestion into a goal or a
//! plan step, once each. Either side asks the other for feedback on a skill; feedback
//! given in answer closes the request. Only the giver and the receiver read it.

use lodestar_domain::feedback::{self as rules, MAX_FEEDBACK_NOTE, MAX_FEEDBACK_TEXT};
use lodestar_domain::growth::MAX_GOAL_TITLE;
use lodestar_domain::ids::CareerStepId;
use lodestar_domain::mentoring::{MentorshipState, NotificationKind};
use lodestar_domain::{
    FeedbackId, FeedbackRequestId, FieldErrors, GoalId, MeetingId, MentorshipId, PersonId,
};
use lodestar_store::feedback::{self as store, Feedback, FeedbackRequest, NewFeedback};
use lodestar_store::notifications::Notice;
use lodestar_store::{meetings, mentorships, now_ms, skills};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::goals::{GoalView, NewGoal, PersonRef};
use crate::career::steps::{NewStepInput, StepView};
use crate::{App, AppError, Viewer};

/// `POST /api/v1/mentorships/{id}/feedback`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFeedbackInput {
    /// The other side of the mentorship.
    #[schema(value_type = String, format = Uuid)]
    pub to: PersonId,
    /// A catalogue skill: its slug or name.
    #[schema(example = "public-speaking")]
    pub skill: String,
    /// When and where: 1–2000 characters.
    #[schema(
        max_length = 2000,
        example = "Tuesday's design review with the platform team"
    )]
    pub situation: String,
    /// What they did, as seen: 1–2000 characters.
    #[schema(max_length = 2000, example = "You opened with the decision you needed")]
    pub behaviour: String,
    /// What it led to: 1–2000 characters.
    #[schema(
        max_length = 2000,
        example = "The review ended ten minutes early with a decision"
    )]
    pub impact: String,
    /// What to try next: up to 2000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub suggestion: String,
    /// A session of this mentorship the feedback is about.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub session_id: Option<MeetingId>,
    /// A request for feedback it answers (made to you, in this mentorship).
    #[schema(value_type = Option<String>, format = Uuid)]
    pub request_id: Option<FeedbackRequestId>,
}

/// `POST /api/v1/mentorships/{id}/feedback-requests`: ask for feedback on a skill.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFeedbackRequestInput {
    /// The other side of the mentorship (the default).
    #[schema(value_type = Option<String>, format = Uuid)]
    pub to: Option<PersonId>,
    #[schema(example = "negotiation")]
    pub skill: String,
    /// What you would like feedback on: up to 1000 characters.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: String,
}

/// `POST /api/v1/me/feedback/{id}/acknowledge`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeInput {
    /// A word back to the giver: up to 1000 characters.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub reply: String,
}

/// `POST /api/v1/me/feedback/{id}/goal`: the suggestion becomes a goal of yours, on the
/// feedback's skill, in its mentorship.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackGoalInput {
    /// The goal's title (default: the suggestion's first line).
    pub title: Option<String>,
    /// How success is measured.
    pub measure: String,
    /// `YYYY-MM-DD`.
    pub target_date: String,
    /// Mentors to share the goal with.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub shared_with: Vec<PersonId>,
}

/// `POST /api/v1/me/feedback/{id}/step`: the suggestion becomes a step of your career
/// plan, on the feedback's skill.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackStepInput {
    /// `learn`, `practise` (the default), `stretch_project`, `introduction` or `opportunity`.
    pub kind: Option<String>,
    /// The step's title (default: the suggestion's first line).
    pub title: Option<String>,
    /// `YYYY-MM-DD`.
    pub due_date: String,
}

/// Who gave a piece of feedback. Feedback whose giver deleted their account stays with its
/// receiver: `id` is then `null` and the name "Deleted account".
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct GiverRef {
    #[schema(value_type = Option<String>, format = Uuid)]
    pub id: Option<PersonId>,
    pub name: String,
}

fn giver(from: &store::Giver) -> GiverRef {
    GiverRef {
        id: from.0,
        name: match from.0 {
            Some(_) => from.1.clone(),
            None => crate::account_deletion::DELETED_ACCOUNT.to_owned(),
        },
    }
}

/// A piece of feedback, as its giver or receiver reads it.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct FeedbackView {
    #[schema(value_type = String, format = Uuid)]
    pub id: FeedbackId,
    #[schema(value_type = String, format = Uuid)]
    pub mentorship_id: MentorshipId,
    pub from: GiverRef,
    pub to: PersonRef,
    pub skill: String,
    pub skill_name: String,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub session_id: Option<MeetingId>,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub request_id: Option<FeedbackRequestId>,
    pub situation: String,
    pub behaviour: String,
    pub impact: String,
    pub suggestion: String,
    /// Epoch milliseconds.
    pub acknowledged_at: Option<i64>,
    pub reply: String,
    /// The goal its suggestion became.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub goal_id: Option<GoalId>,
    /// The plan step its suggestion became.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub step_id: Option<CareerStepId>,
    /// `received` or `given`, as the reader stands.
    pub direction: &'static str,
    /// Epoch milliseconds.
    pub created_at: i64,
}

/// A request for feedback.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct FeedbackRequestView {
    #[schema(value_type = String, format = Uuid)]
    pub id: FeedbackRequestId,
    #[schema(value_type = String, format = Uuid)]
    pub mentorship_id: MentorshipId,
    pub from: PersonRef,
    pub to: PersonRef,
    pub skill: String,
    pub skill_name: String,
    pub note: String,
    /// Epoch milliseconds; none while it waits.
    pub answered_at: Option<i64>,
    pub created_at: i64,
}

/// `GET /api/v1/me/feedback`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MyFeedback {
    /// Newest first.
    pub received: Vec<FeedbackView>,
    pub given: Vec<FeedbackView>,
    /// Requests others made of you, waiting ones first.
    pub requests_to_you: Vec<FeedbackRequestView>,
    /// Requests you made.
    pub your_requests: Vec<FeedbackRequestView>,
}

fn person(named: &(PersonId, String)) -> PersonRef {
    PersonRef {
        id: named.0,
        name: named.1.clone(),
    }
}

fn view(f: &Feedback, reader: PersonId) -> FeedbackView {
    FeedbackView {
        id: f.id,
        mentorship_id: f.mentorship,
        from: giver(&f.from),
        to: person(&f.to),
        skill: f.skill_slug.clone(),
        skill_name: f.skill_name.clone(),
        session_id: f.meeting,
        request_id: f.request,
        situation: f.situation.clone(),
        behaviour: f.behaviour.clone(),
        impact: f.impact.clone(),
        suggestion: f.suggestion.clone(),
        acknowledged_at: f.acknowledged_at,
        reply: f.reply.clone(),
        goal_id: f.goal,
        step_id: f.step,
        direction: if f.to.0 == reader {
            "received"
        } else {
            "given"
        },
        created_at: f.created_at,
    }
}

fn request_view(r: &FeedbackRequest) -> FeedbackRequestView {
    FeedbackRequestView {
        id: r.id,
        mentorship_id: r.mentorship,
        from: person(&r.from),
        to: person(&r.to),
        skill: r.skill_slug.clone(),
        skill_name: r.skill_name.clone(),
        note: r.note.clone(),
        answered_at: r.answered_at,
        created_at: r.created_at,
    }
}

fn text(errors: &mut FieldErrors, field: &str, raw: &str, required: bool) -> String {
    let checked = if required {
        rules::required_text(raw, MAX_FEEDBACK_TEXT)
    } else {
        rules::optional_text(raw, MAX_FEEDBACK_TEXT)
    };
    checked
        .map_err(|e| errors.add(field, e.to_string()))
        .unwrap_or_default()
}

/// The title typed, or else the suggestion's first line; without either, a field error.
fn title_or_suggestion(
    typed: Option<&str>,
    found: &Feedback,
    max: usize,
    what: &str,
) -> Result<String, AppError> {
    match typed.map(str::trim) {
        Some(title) if !title.is_empty() => Ok(title.to_owned()),
        _ => rules::suggestion_title(&found.suggestion, max).map_err(|_| {
            AppError::invalid(
                "title",
                format!("give the {what} a title: the feedback has no suggestion"),
            )
        }),
    }
}

fn already(what: &str) -> AppError {
    AppError::Conflict {
        code: "already_done",
        field: None,
        message: format!("this feedback's suggestion is already {what}"),
    }
}

impl App {
    /// The mentorship `viewer` is in, and the other side named by `to` (or the other side,
    /// with none). Feedback goes between the two while the mentorship runs, and after it
    /// is completed; a cancelled one takes none.
    async fn feedback_pair(
        &self,
        viewer: &Viewer,
        mentorship: MentorshipId,
        to: Option<PersonId>,
        errors: &mut FieldErrors,
    ) -> Result<PersonId, AppError> {
        let mine = mentorships::membership(&self.db, mentorship, viewer.id)
            .await?
            .ok_or(AppError::NotFound("mentorship"))?;
        if mine.state == MentorshipState::Cancelled {
            return Err(AppError::Conflict {
                code: "mentorship_ended",
                field: None,
                message: "this mentorship was cancelled".into(),
            });
        }
        let members = mentorships::members(&self.db, mentorship).await?;
        let other = members.iter().map(|(p, _)| *p).find(|p| *p != viewer.id);
        match (to, other) {
            (Some(to), Some(other)) if to == other => Ok(to),
            (None, Some(other)) => Ok(other),
            _ => {
                errors.add("to", "must be the other side of this mentorship");
                Ok(viewer.id)
            }
        }
    }

    /// Gives feedback in a mentorship of the viewer's, to its other side.
    pub async fn give_feedback(
        &self,
        viewer: &Viewer,
        mentorship: MentorshipId,
        input: &NewFeedbackInput,
    ) -> Result<FeedbackView, AppError> {
        let mut errors = FieldErrors::new();
        let to = self
            .feedback_pair(viewer, mentorship, Some(input.to), &mut errors)
            .await?;
        let skill = self.known_skill(&input.skill, &mut errors).await?;
        let situation = text(&mut errors, "situation", &input.situation, true);
        let behaviour = text(&mut errors, "behaviour", &input.behaviour, true);
        let impact = text(&mut errors, "impact", &input.impact, true);
        let suggestion = text(&mut errors, "suggestion", &input.suggestion, false);
        if let Some(session) = input.session_id
            && meetings::get(&self.db, session)
                .await?
                .is_none_or(|m| m.mentorship != mentorship)
        {
            errors.add("session_id", "must be a session of this mentorship");
        }
        if let Some(request) = input.request_id
            && store::request(&self.db, request)
                .await?
                .is_none_or(|r| r.mentorship != mentorship || r.to.0 != viewer.id)
        {
            errors.add(
                "request_id",
                "must be a request made to you in this mentorship",
            );
        }
        errors.into_result()?;
        let new = NewFeedback {
            id: FeedbackId::new(),
            mentorship,
            from: viewer.id,
            to,
            skill: skill.ok_or(AppError::NotFound("skill"))?,
            meeting: input.session_id,
            request: input.request_id,
            situation,
            behaviour,
            impact,
            suggestion,
        };
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        store::insert(&mut tx, &new, now).await?;
        if let Some(request) = input.request_id {
            store::answer_request(&mut tx, request, now).await?;
        }
        let skill_name = skills::get(&self.db, new.skill).await?.name;
        let notice = Notice {
            person: to,
            kind: NotificationKind::FeedbackReceived,
            title: format!("{} gave you feedback on {skill_name}", viewer.name),
            body: new.impact.chars().take(200).collect(),
            link: format!("/feedback#feedback-{}", new.id),
            calendar: None,
        };
        self.notify(&mut tx, &notice).await?;
        lodestar_store::commit(tx).await?;
        self.feedback(viewer, new.id).await
    }

    /// Feedback the viewer gave or received; to anyone else it does not exist.
    pub async fn feedback(
        &self,
        viewer: &Viewer,
        id: FeedbackId,
    ) -> Result<FeedbackView, AppError> {
        let found = store::get(&self.db, id)
            .await?
            .filter(|f| f.from.0 == Some(viewer.id) || f.to.0 == viewer.id)
            .ok_or(AppError::NotFound("feedback"))?;
        Ok(view(&found, viewer.id))
    }

    /// Feedback given in a mentorship of the viewer's, both ways, newest first.
    pub async fn mentorship_feedback(
        &self,
        viewer: &Viewer,
        mentorship: MentorshipId,
    ) -> Result<Vec<FeedbackView>, AppError> {
        mentorships::membership(&self.db, mentorship, viewer.id)
            .await?
            .ok_or(AppError::NotFound("mentorship"))?;
        Ok(store::in_mentorship(&self.db, mentorship)
            .await?
            .iter()
            .map(|f| view(f, viewer.id))
            .collect())
    }

    /// Everything about feedback for the viewer: received, given, and requests both ways.
    pub async fn my_feedback(&self, viewer: &Viewer) -> Result<MyFeedback, AppError> {
        let all = store::of_person(&self.db, viewer.id).await?;
        let (received, given): (Vec<FeedbackView>, Vec<FeedbackView>) = all
            .iter()
            .map(|f| view(f, viewer.id))
            .partition(|f| f.direction == "received");
        let requests = store::requests_of(&self.db, viewer.id).await?;
        let (mut to_you, yours): (Vec<FeedbackRequestView>, Vec<FeedbackRequestView>) = requests
            .iter()
            .map(request_view)
            .partition(|r| r.to.id == viewer.id);
        to_you.sort_by_key(|r| r.answered_at.is_some());
        Ok(MyFeedback {
            received,
            given,
            requests_to_you: to_you,
            your_requests: yours,
        })
    }

    /// Feedback the viewer received; a giver may not act for the receiver (403), and to
    /// anyone else it does not exist.
    async fn received(&self, viewer: &Viewer, id: FeedbackId) -> Result<Feedback, AppError> {
        let found = store::get(&self.db, id)
            .await?
            .filter(|f| f.from.0 == Some(viewer.id) || f.to.0 == viewer.id)
            .ok_or(AppError::NotFound("feedback"))?;
        if found.to.0 != viewer.id {
            return Err(AppError::Forbidden);
        }
        Ok(found)
    }

    /// The receiver acknowledges feedback, once, with a word back if they like.
    pub async fn acknowledge_feedback(
        &self,
        viewer: &Viewer,
        id: FeedbackId,
        input: &AcknowledgeInput,
    ) -> Result<FeedbackView, AppError> {
        self.received(viewer, id).await?;
        let reply = rules::optional_text(&input.reply, MAX_FEEDBACK_NOTE)
            .map_err(|e| AppError::invalid("reply", e.to_string()))?;
        if !store::acknowledge(&self.db, id, viewer.id, &reply, now_ms()).await? {
            return Err(AppError::Conflict {
                code: "already_done",
                field: None,
                message: "this feedback is already acknowledged".into(),
            });
        }
        self.feedback(viewer, id).await
    }

    /// The receiver turns the suggestion into a goal of theirs, once: on the feedback's
    /// skill, in its mentorship.
    pub async fn feedback_to_goal(
        &self,
        viewer: &Viewer,
        id: FeedbackId,
        input: &FeedbackGoalInput,
    ) -> Result<GoalView, AppError> {
        let found = self.received(viewer, id).await?;
        if found.goal.is_some() {
            return Err(already("a goal"));
        }
        let title = title_or_suggestion(input.title.as_deref(), &found, MAX_GOAL_TITLE, "goal")?;
        let goal = self
            .create_goal(
                viewer,
                &NewGoal {
                    title,
                    why: format!(
                        "From {}'s feedback on {}: {}",
                        giver(&found.from).name,
                        found.skill_name,
                        found.impact
                    )
                    .chars()
                    .take(lodestar_domain::growth::MAX_GOAL_TEXT)
                    .collect(),
                    measure: input.measure.clone(),
                    target_date: input.target_date.clone(),
                    skills: vec![found.skill_slug.clone()],
                    mentorship_id: Some(found.mentorship),
                    shared_with: input.shared_with.clone(),
                    milestones: Vec::new(),
                    obstacles: Vec::new(),
                    progress: None,
                    on_board: false,
                },
            )
            .await?;
        if !store::claim_goal(&self.db, id, goal.id, now_ms()).await? {
            // Another request turned it into a goal first: this one's goal goes.
            self.delete_goal(viewer, goal.id).await?;
            return Err(already("a goal"));
        }
        Ok(goal)
    }

    /// The receiver turns the suggestion into a step of their career plan, once.
    pub async fn feedback_to_step(
        &self,
        viewer: &Viewer,
        id: FeedbackId,
        input: &FeedbackStepInput,
    ) -> Result<StepView, AppError> {
        let found = self.received(viewer, id).await?;
        if found.step.is_some() {
            return Err(already("a plan step"));
        }
        let title = title_or_suggestion(
            input.title.as_deref(),
            &found,
            crate::career::steps::MAX_TITLE,
            "step",
        )?;
        let step = self
            .add_career_step(
                viewer,
                &NewStepInput {
                    kind: input.kind.clone().unwrap_or_else(|| "practise".into()),
                    title,
                    skill: Some(found.skill_slug.clone()),
                    due_date: input.due_date.clone(),
                    done: false,
                },
            )
            .await?;
        if !store::claim_step(&self.db, id, step.id, now_ms()).await? {
            self.delete_career_step(viewer, step.id).await?;
            return Err(already("a plan step"));
        }
        Ok(step)
    }

    /// Asks the other side of a mentorship for feedback on a skill.
    pub async fn request_feedback(
        &self,
        viewer: &Viewer,
        mentorship: MentorshipId,
        input: &NewFeedbackRequestInput,
    ) -> Result<FeedbackRequestView, AppError> {
        let mut errors = FieldErrors::new();
        let to = self
            .feedback_pair(viewer, mentorship, input.to, &mut errors)
            .await?;
        let skill = self.known_skill(&input.skill, &mut errors).await?;
        let note = rules::optional_text(&input.note, MAX_FEEDBACK_NOTE)
            .map_err(|e| errors.add("note", e.to_string()))
            .unwrap_or_default();
        errors.into_result()?;
        let skill = skills::get(&self.db, skill.ok_or(AppError::NotFound("skill"))?).await?;
        let to_name = lodestar_store::persons::find_by_id(&self.db, to)
            .await?
            .map(|a| a.name.to_string())
            .unwrap_or_default();
        let request = FeedbackRequest {
            id: FeedbackRequestId::new(),
            mentorship,
            from: (viewer.id, viewer.name.clone()),
            to: (to, to_name),
            skill: skill.id,
            skill_slug: skill.slug.clone(),
            skill_name: skill.name.clone(),
            note,
            answered_at: None,
            created_at: now_ms(),
        };
        let mut tx = self.db.begin().await?;
        store::insert_request(&mut tx, &request).await?;
        let notice = Notice {
            person: to,
            kind: NotificationKind::FeedbackRequested,
            title: format!("{} asks for your feedback on {}", viewer.name, skill.name),
            body: request.note.chars().take(200).collect(),
            link: format!("/feedback?request={}#give-heading", request.id),
            calendar: None,
        };
        self.notify(&mut tx, &notice).await?;
        lodestar_store::commit(tx).await?;
        Ok(request_view(&request))
    }

    /// A request for feedback made to the viewer or by them.
    pub async fn feedback_request(
        &self,
        viewer: &Viewer,
        id: FeedbackRequestId,
    ) -> Result<FeedbackRequestView, AppError> {
        store::request(&self.db, id)
            .await?
            .filter(|r| r.from.0 == viewer.id || r.to.0 == viewer.id)
            .map(|r| request_view(&r))
            .ok_or(AppError::NotFound("feedback request"))
    }
}
