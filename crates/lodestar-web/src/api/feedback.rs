//! Skills over time: your assessments and your mentors' assessments of you, structured
//! feedback between the two sides of a mentorship, and requests for it. An assessment is
//! read by its person and the mentors they share it with; feedback by its giver and its
//! receiver. To anyone else, admins included, none of it exists.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lodestar_app::career::steps::StepView;
use lodestar_app::growth::assessments::{
    AssessmentEdit, AssessmentView, AssessmentsView, NewMentorAssessment, NewSelfAssessment,
};
use lodestar_app::growth::feedback::{
    AcknowledgeInput, FeedbackGoalInput, FeedbackRequestView, FeedbackStepInput, FeedbackView,
    MyFeedback, NewFeedbackInput, NewFeedbackRequestInput,
};
use lodestar_app::growth::goals::GoalView;

use super::extract::{ApiJson, OptionalJson, path_id};
use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

/// Assess one of your skills: a level from 1 to 5 (for a soft skill, the catalogue's
/// behaviour-anchored descriptions say what each looks like) and the evidence it rests
/// on. Your mentors see it unless `share_with_mentors` is false.
#[utoipa::path(post, path = "/api/v1/me/assessments", tag = "growth", security(("bearer" = [])),
    request_body = NewSelfAssessment,
    responses(
        (status = 201, body = AssessmentView),
        (status = 422, description = "Invalid fields (`validation_failed`): `skill` (not in the catalogue), `level` (1–5), `evidence` (1–2000 characters)", body = ErrorBody),
    ))]
pub async fn assess_myself(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<NewSelfAssessment>,
) -> ApiResult<impl IntoResponse> {
    let made = state.app.assess_myself(&viewer, &input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// Your assessed skills, each with where you stand, your newest and your mentors' newest
/// level and its history; and your strengths and weaknesses at a glance.
#[utoipa::path(get, path = "/api/v1/me/assessments", tag = "growth", security(("bearer" = [])),
    responses((status = 200, body = AssessmentsView)))]
pub async fn my_assessments(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<AssessmentsView>> {
    Ok(Json(state.app.my_assessments(&viewer).await?))
}

/// Share a self-assessment of yours with your mentors, or stop.
#[utoipa::path(patch, path = "/api/v1/me/assessments/{id}", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Assessment id")),
    request_body = AssessmentEdit,
    responses((status = 200, body = AssessmentView),
        (status = 404, description = "No such self-assessment of yours", body = ErrorBody)))]
pub async fn edit_assessment(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AssessmentEdit>,
) -> ApiResult<Json<AssessmentView>> {
    let id = path_id(&id, "assessment")?;
    Ok(Json(state.app.edit_assessment(&viewer, id, &input).await?))
}

/// Delete an assessment you made.
#[utoipa::path(delete, path = "/api/v1/me/assessments/{id}", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Assessment id")),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "No such assessment made by you", body = ErrorBody)))]
pub async fn delete_assessment(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = path_id(&id, "assessment")?;
    state.app.delete_assessment(&viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A mentee's assessed skills as their mentor sees them: the self-assessments they share
/// and your own assessments of them.
#[utoipa::path(get, path = "/api/v1/people/{id}/assessments", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id")),
    responses((status = 200, body = AssessmentsView),
        (status = 404, description = "Not you, and not a mentee of yours (within the grace period after the mentorship)", body = ErrorBody)))]
pub async fn assessments_of(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<AssessmentsView>> {
    let id = path_id(&id, "person")?;
    Ok(Json(state.app.assessments_of(&viewer, id).await?))
}

/// Assess a skill of a mentee you mentor now, with the evidence.
#[utoipa::path(post, path = "/api/v1/people/{id}/assessments", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id")),
    request_body = NewMentorAssessment,
    responses((status = 201, body = AssessmentView),
        (status = 403, description = "Your mentorship with them has ended", body = ErrorBody),
        (status = 404, description = "Not a mentee of yours", body = ErrorBody),
        (status = 409, description = "It is you: assess yourself through /api/v1/me/assessments (`self_assessment`)", body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`): `skill`, `level`, `evidence`", body = ErrorBody)))]
pub async fn assess_mentee(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NewMentorAssessment>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "person")?;
    let made = state.app.assess_mentee(&viewer, id, &input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// Give feedback to the other side of a mentorship of yours: on a skill, the situation,
/// the behaviour you saw, its impact, and a suggestion; about a session of the mentorship
/// if you like, or in answer to their request.
#[utoipa::path(post, path = "/api/v1/mentorships/{id}/feedback", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    request_body = NewFeedbackInput,
    responses((status = 201, body = FeedbackView),
        (status = 404, description = "No such mentorship of yours", body = ErrorBody),
        (status = 409, description = "The mentorship was cancelled (`mentorship_ended`)", body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`): `to` (not the other side), `skill`, `situation`, `behaviour`, `impact`, `suggestion`, `session_id` (not a session of this mentorship), `request_id`", body = ErrorBody)))]
pub async fn give(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NewFeedbackInput>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "mentorship")?;
    let made = state.app.give_feedback(&viewer, id, &input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// The feedback given in a mentorship of yours, both ways, newest first.
#[utoipa::path(get, path = "/api/v1/mentorships/{id}/feedback", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses((status = 200, body = [FeedbackView]),
        (status = 404, description = "No such mentorship of yours", body = ErrorBody)))]
pub async fn in_mentorship(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<FeedbackView>>> {
    let id = path_id(&id, "mentorship")?;
    Ok(Json(state.app.mentorship_feedback(&viewer, id).await?))
}

/// Ask the other side of a mentorship for feedback on a skill.
#[utoipa::path(post, path = "/api/v1/mentorships/{id}/feedback-requests", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    request_body = NewFeedbackRequestInput,
    responses((status = 201, body = FeedbackRequestView),
        (status = 404, description = "No such mentorship of yours", body = ErrorBody),
        (status = 409, description = "The mentorship was cancelled (`mentorship_ended`)", body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`): `to`, `skill`, `note`", body = ErrorBody)))]
pub async fn ask(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NewFeedbackRequestInput>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "mentorship")?;
    let made = state.app.request_feedback(&viewer, id, &input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// Feedback you received and gave, and requests for feedback both ways.
#[utoipa::path(get, path = "/api/v1/me/feedback", tag = "growth", security(("bearer" = [])),
    responses((status = 200, body = MyFeedback)))]
pub async fn mine(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<MyFeedback>> {
    Ok(Json(state.app.my_feedback(&viewer).await?))
}

/// A piece of feedback you gave or received.
#[utoipa::path(get, path = "/api/v1/me/feedback/{id}", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Feedback id")),
    responses((status = 200, body = FeedbackView),
        (status = 404, description = "No such feedback given or received by you", body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<FeedbackView>> {
    let id = path_id(&id, "feedback")?;
    Ok(Json(state.app.feedback(&viewer, id).await?))
}

/// Acknowledge feedback you received, with a word back if you like.
#[utoipa::path(post, path = "/api/v1/me/feedback/{id}/acknowledge", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Feedback id")),
    request_body(content = Option<AcknowledgeInput>, description = "Optional"),
    responses((status = 200, body = FeedbackView),
        (status = 403, description = "You gave it: its receiver acknowledges it", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already acknowledged (`already_done`)", body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`): `reply`", body = ErrorBody)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    OptionalJson(input): OptionalJson<AcknowledgeInput>,
) -> ApiResult<Json<FeedbackView>> {
    let id = path_id(&id, "feedback")?;
    let input = input.unwrap_or_default();
    Ok(Json(
        state.app.acknowledge_feedback(&viewer, id, &input).await?,
    ))
}

/// Turn the suggestion of feedback you received into a goal of yours (once), on its skill
/// and in its mentorship.
#[utoipa::path(post, path = "/api/v1/me/feedback/{id}/goal", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Feedback id")),
    request_body = FeedbackGoalInput,
    responses((status = 201, body = GoalView),
        (status = 403, description = "You gave it", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already a goal (`already_done`)", body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`), as for a new goal", body = ErrorBody)))]
pub async fn to_goal(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<FeedbackGoalInput>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "feedback")?;
    let goal = state.app.feedback_to_goal(&viewer, id, &input).await?;
    Ok((StatusCode::CREATED, Json(goal)))
}

/// Turn the suggestion of feedback you received into a step of your career plan (once).
#[utoipa::path(post, path = "/api/v1/me/feedback/{id}/step", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Feedback id")),
    request_body = FeedbackStepInput,
    responses((status = 201, body = StepView),
        (status = 403, description = "You gave it", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already a plan step (`already_done`)", body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`): `kind`, `title`, `due_date`", body = ErrorBody)))]
pub async fn to_step(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<FeedbackStepInput>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "feedback")?;
    let step = state.app.feedback_to_step(&viewer, id, &input).await?;
    Ok((StatusCode::CREATED, Json(step)))
}
