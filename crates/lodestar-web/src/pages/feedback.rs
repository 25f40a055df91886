//! The skills and feedback pages: "Skills" (your strengths and weaknesses at a glance,
//! each assessed skill with its history, and the forms to assess yourself), a mentee's
//! skills as their mentor sees them (with the form to assess them), and "Feedback"
//! (received, with acknowledge / make a goal / make a plan step; requests to answer; the
//! forms to give feedback and to ask for it; what you gave). Every form posts to the
//! services the API calls, and works without JavaScript.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use lodestar_app::growth::assessments::{AssessmentsView, NewMentorAssessment, NewSelfAssessment};
use lodestar_app::growth::feedback::{
    AcknowledgeInput, FeedbackGoalInput, FeedbackRequestView, FeedbackStepInput, MyFeedback,
    NewFeedbackInput, NewFeedbackRequestInput,
};
use lodestar_app::mentorships::MentorshipFilter;
use lodestar_app::{AppError, Viewer};
use lodestar_domain::mentoring::MentorshipState;
use lodestar_domain::{AssessmentId, FeedbackId, FieldErrors, MeetingId, PersonId};
use serde::Deserialize;
use tower_sessions::Session;

use super::{
    Chrome, FormData, OrPage, PageId, PathRecord, done, error_page, field_errors, render_made,
};
use crate::AppState;
use crate::auth::PageViewer;

impl PathRecord for AssessmentId {
    const WHAT: &'static str = "assessment";
}

impl PathRecord for FeedbackId {
    const WHAT: &'static str = "feedback";
}

/// The catalogue's names for levels 1–5, where a skill has no descriptions of its own.
const LEVELS: [&str; 5] = [
    "Beginning",
    "Developing",
    "Capable",
    "Advanced",
    "Expert: teaches others",
];

/// The assessment form as typed.
#[derive(Default)]
struct AssessDraft {
    skill: String,
    level: String,
    evidence: String,
    share: bool,
}

#[derive(Template)]
#[template(path = "assessments.html")]
struct AssessmentsPage {
    chrome: Chrome,
    a: AssessmentsView,
    yours: bool,
    /// Where the forms post.
    action: String,
    draft: AssessDraft,
    errors: FieldErrors,
    skill_names: Vec<String>,
}

impl AssessmentsPage {
    /// What level `n` (1–5) of a skill looks like: its own description, or the general one.
    fn level_text<'a>(&self, descriptions: &'a [String], n: &usize) -> &'a str {
        descriptions
            .get(n - 1)
            .map(String::as_str)
            .filter(|d| !d.is_empty())
            .unwrap_or(LEVELS[n - 1])
    }

    fn general_level(&self, n: &usize) -> &'static str {
        LEVELS[n - 1]
    }
}

async fn assessments_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    person: PersonId,
    draft: AssessDraft,
    errors: FieldErrors,
) -> Result<AssessmentsPage, Response> {
    let a = state.app.assessments_of(&viewer, person).await.or_page()?;
    let yours = viewer.id == person;
    let skill_names = state
        .app
        .skills(false)
        .await
        .or_page()?
        .into_iter()
        .map(|s| s.name)
        .collect();
    let (nav, title, action) = if yours {
        ("skills", "Skills".to_owned(), "/assessments".to_owned())
    } else {
        (
            "progress",
            format!("Skills: {}", a.person.name),
            format!("/people/{person}/assessments"),
        )
    };
    let chrome = Chrome::new(session, Some(viewer), nav, title).await?;
    Ok(AssessmentsPage {
        chrome,
        a,
        yours,
        action,
        draft,
        errors,
        skill_names,
    })
}

pub async fn assessments(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
) -> Response {
    let person = viewer.id;
    let fresh = AssessDraft {
        share: true,
        ..AssessDraft::default()
    };
    render_made(
        StatusCode::OK,
        assessments_page(&state, &session, viewer, person, fresh, FieldErrors::new()).await,
    )
}

pub async fn assessments_of(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(person): PageId<PersonId>,
) -> Response {
    render_made(
        StatusCode::OK,
        assessments_page(
            &state,
            &session,
            viewer,
            person,
            AssessDraft::default(),
            FieldErrors::new(),
        )
        .await,
    )
}

fn assess_draft(form: &FormData) -> AssessDraft {
    AssessDraft {
        skill: form.text("skill"),
        level: form.text("level"),
        evidence: form.text("evidence"),
        share: form.checked("share"),
    }
}

/// A level as typed: 0 (refused by the service) when it is not a number.
fn typed_level(raw: &str) -> i64 {
    raw.trim().parse().unwrap_or(0)
}

pub async fn assess(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let draft = assess_draft(&FormData(form));
    let input = NewSelfAssessment {
        skill: draft.skill.clone(),
        level: typed_level(&draft.level),
        evidence: draft.evidence.clone(),
        share_with_mentors: draft.share,
    };
    match state.app.assess_myself(&viewer, &input).await {
        Ok(made) => {
            let message = format!("Your {} assessment is saved.", made.skill_name);
            done(&session, &message, "/assessments").await
        }
        Err(e) => match field_errors(e) {
            Ok(errors) => {
                let person = viewer.id;
                render_made(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    assessments_page(&state, &session, viewer, person, draft, errors).await,
                )
            }
            Err(other) => error_page(&other),
        },
    }
}

pub async fn assess_mentee(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(person): PageId<PersonId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let draft = assess_draft(&FormData(form));
    let input = NewMentorAssessment {
        skill: draft.skill.clone(),
        level: typed_level(&draft.level),
        evidence: draft.evidence.clone(),
    };
    match state.app.assess_mentee(&viewer, person, &input).await {
        Ok(made) => {
            let message = format!("Your assessment of {} is saved.", made.skill_name);
            done(&session, &message, &format!("/people/{person}/assessments")).await
        }
        Err(e) => match field_errors(e) {
            Ok(errors) => render_made(
                StatusCode::UNPROCESSABLE_ENTITY,
                assessments_page(&state, &session, viewer, person, draft, errors).await,
            ),
            Err(other) => error_page(&other),
        },
    }
}

pub async fn delete_assessment(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<AssessmentId>,
) -> Response {
    match state.app.delete_assessment(&viewer, id).await {
        Ok(()) => done(&session, "The assessment is deleted.", "/assessments").await,
        Err(e) => error_page(&e),
    }
}

/// Someone the viewer can give feedback to: the other side of one of their mentorships.
struct Counterpart {
    mentorship: String,
    label: String,
}

/// The feedback form as typed.
#[derive(Default)]
struct FeedbackDraft {
    mentorship: String,
    skill: String,
    situation: String,
    behaviour: String,
    impact: String,
    suggestion: String,
    session: String,
    request: String,
}

#[derive(Template)]
#[template(path = "feedback.html")]
struct FeedbackPage {
    chrome: Chrome,
    f: MyFeedback,
    counterparts: Vec<Counterpart>,
    skill_names: Vec<String>,
    draft: FeedbackDraft,
    errors: FieldErrors,
    /// The request being answered, when the form answers one.
    answering: Option<FeedbackRequestView>,
    /// Which form the errors belong to: `give` or `ask`.
    failed: &'static str,
}

impl FeedbackPage {
    fn give_error(&self, field: &str) -> Option<&str> {
        (self.failed == "give")
            .then(|| self.errors.get(field))
            .flatten()
    }

    fn ask_error(&self, field: &str) -> Option<&str> {
        (self.failed == "ask")
            .then(|| self.errors.get(field))
            .flatten()
    }

    fn other_errors(&self) -> Vec<(&str, &str)> {
        const BESIDE: [&str; 6] = [
            "skill",
            "situation",
            "behaviour",
            "impact",
            "suggestion",
            "note",
        ];
        self.errors
            .iter()
            .filter(|(f, _)| !BESIDE.contains(f))
            .collect()
    }

    fn waiting(&self) -> usize {
        self.f
            .requests_to_you
            .iter()
            .filter(|r| r.answered_at.is_none())
            .count()
    }
}

/// `?request=` answers a request; `?mentorship=&session=` gives feedback on a session.
#[derive(Debug, Default, Deserialize)]
pub struct FeedbackQuery {
    request: Option<String>,
    mentorship: Option<String>,
    session: Option<String>,
}

async fn feedback_page(
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    mut draft: FeedbackDraft,
    errors: FieldErrors,
    failed: &'static str,
) -> Result<FeedbackPage, Response> {
    let f = state.app.my_feedback(&viewer).await.or_page()?;
    let listed = state
        .app
        .my_mentorships(&viewer, &MentorshipFilter::default())
        .await
        .or_page()?;
    // Running mentorships first, newest first within each.
    let mut listed = listed.mentorships;
    listed.sort_by_key(|m| !m.state.is_open());
    let counterparts = listed
        .iter()
        .filter(|m| m.state != MentorshipState::Cancelled)
        .filter_map(|m| {
            let other = m.with.first()?;
            let role = if m.my_role == lodestar_domain::mentoring::MemberRole::Mentee {
                "your mentor"
            } else {
                "your mentee"
            };
            let ended = if m.state.is_open() { "" } else { ", ended" };
            Some(Counterpart {
                mentorship: m.id.to_string(),
                label: format!("{} ({role}{ended})", other.name),
            })
        })
        .collect();
    let answering = match draft.request.parse() {
        Ok(id) => state.app.feedback_request(&viewer, id).await.ok(),
        Err(_) => None,
    }
    .filter(|r| r.to.id == viewer.id);
    if let Some(r) = &answering
        && draft.skill.is_empty()
    {
        draft.skill = r.skill_name.clone();
        draft.mentorship = r.mentorship_id.to_string();
    }
    let skill_names = state
        .app
        .skills(false)
        .await
        .or_page()?
        .into_iter()
        .map(|s| s.name)
        .collect();
    let chrome = Chrome::new(session, Some(viewer), "feedback", "Feedback").await?;
    Ok(FeedbackPage {
        chrome,
        f,
        counterparts,
        skill_names,
        draft,
        errors,
        answering,
        failed,
    })
}

pub async fn feedback(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Query(query): Query<FeedbackQuery>,
) -> Response {
    let draft = FeedbackDraft {
        request: query.request.unwrap_or_default(),
        mentorship: query.mentorship.unwrap_or_default(),
        session: query.session.unwrap_or_default(),
        ..FeedbackDraft::default()
    };
    render_made(
        StatusCode::OK,
        feedback_page(&state, &session, viewer, draft, FieldErrors::new(), "").await,
    )
}

/// The other side of the mentorship chosen on a form, or a field error.
async fn chosen(
    state: &AppState,
    viewer: &Viewer,
    raw: &str,
) -> Result<(lodestar_domain::MentorshipId, PersonId), AppError> {
    let id = raw
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("mentorship", "choose whom the feedback is for"))?;
    let m = state
        .app
        .mentorship(viewer, id)
        .await
        .map_err(|_| AppError::invalid("mentorship", "choose whom the feedback is for"))?;
    // A member whose account was deleted has no id: there is nobody to give it to.
    let other = m
        .members
        .iter()
        .filter_map(|p| p.id)
        .find(|p| *p != viewer.id)
        .ok_or_else(|| AppError::invalid("mentorship", "choose whom the feedback is for"))?;
    Ok((id, other))
}

pub async fn give(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let draft = FeedbackDraft {
        mentorship: form.text("mentorship"),
        skill: form.text("skill"),
        situation: form.text("situation"),
        behaviour: form.text("behaviour"),
        impact: form.text("impact"),
        suggestion: form.text("suggestion"),
        session: form.text("session"),
        request: form.text("request"),
    };
    let result = async {
        let (mentorship, to) = chosen(&state, &viewer, &draft.mentorship).await?;
        let input = NewFeedbackInput {
            to,
            skill: draft.skill.clone(),
            situation: draft.situation.clone(),
            behaviour: draft.behaviour.clone(),
            impact: draft.impact.clone(),
            suggestion: draft.suggestion.clone(),
            session_id: draft.session.trim().parse::<MeetingId>().ok(),
            request_id: draft.request.trim().parse().ok(),
        };
        state.app.give_feedback(&viewer, mentorship, &input).await
    }
    .await;
    match result {
        Ok(made) => {
            let message = format!("Your feedback is on its way to {}.", made.to.name);
            done(&session, &message, "/feedback").await
        }
        Err(e) => match field_errors(e) {
            Ok(errors) => render_made(
                StatusCode::UNPROCESSABLE_ENTITY,
                feedback_page(&state, &session, viewer, draft, errors, "give").await,
            ),
            Err(other) => error_page(&other),
        },
    }
}

pub async fn ask(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let draft = FeedbackDraft {
        mentorship: form.text("mentorship"),
        skill: form.text("skill"),
        situation: form.text("note"),
        ..FeedbackDraft::default()
    };
    let result = async {
        let (mentorship, to) = chosen(&state, &viewer, &draft.mentorship).await?;
        let input = NewFeedbackRequestInput {
            to: Some(to),
            skill: draft.skill.clone(),
            note: draft.situation.clone(),
        };
        state
            .app
            .request_feedback(&viewer, mentorship, &input)
            .await
    }
    .await;
    match result {
        Ok(made) => {
            let message = format!(
                "{} is asked for feedback on {}.",
                made.to.name, made.skill_name
            );
            done(&session, &message, "/feedback").await
        }
        Err(e) => match field_errors(e) {
            Ok(errors) => render_made(
                StatusCode::UNPROCESSABLE_ENTITY,
                feedback_page(&state, &session, viewer, draft, errors, "ask").await,
            ),
            Err(other) => error_page(&other),
        },
    }
}

/// Where a received piece of feedback sits on the page.
fn anchor(id: FeedbackId) -> String {
    format!("/feedback#feedback-{id}")
}

pub async fn acknowledge(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<FeedbackId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let input = AcknowledgeInput {
        reply: FormData(form).text("reply"),
    };
    match state.app.acknowledge_feedback(&viewer, id, &input).await {
        Ok(_) => done(&session, "Acknowledged: the giver can see it.", &anchor(id)).await,
        Err(e) => error_page(&e),
    }
}

pub async fn to_goal(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<FeedbackId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let input = FeedbackGoalInput {
        title: Some(form.text("title")),
        measure: form.text("measure"),
        target_date: form.text("target_date"),
        shared_with: form
            .all("shared_with")
            .iter()
            .filter_map(|p| p.parse().ok())
            .collect(),
    };
    match state.app.feedback_to_goal(&viewer, id, &input).await {
        Ok(goal) => {
            done(
                &session,
                "The suggestion is a goal now.",
                &format!("/goals/{}", goal.id),
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

pub async fn to_step(
    State(state): State<AppState>,
    session: Session,
    PageViewer(viewer): PageViewer,
    PageId(id): PageId<FeedbackId>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let form = FormData(form);
    let input = FeedbackStepInput {
        kind: Some(form.text("kind")).filter(|k| !k.is_empty()),
        title: Some(form.text("title")),
        due_date: form.text("due_date"),
    };
    match state.app.feedback_to_step(&viewer, id, &input).await {
        Ok(_) => {
            done(
                &session,
                "The suggestion is a step of your plan now.",
                "/career",
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}
