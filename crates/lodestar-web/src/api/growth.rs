//! Growth: your goals (milestones, comments) and confidence check-ins, and what a mentee
//! shares with you as their mentor. To anyone else, admins included, none of it exists.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lodestar_app::growth::check_ins::{CheckInPlan, CheckInView, NewCheckIn};
use lodestar_app::growth::goals::{
    CommentView, GoalBoard, GoalEdit, GoalSummary, GoalView, MilestoneEdit, MilestoneInput,
    MilestoneView, NewComment, NewGoal,
};
use lodestar_app::growth::progress::ProgressView;

use super::extract::{ApiJson, path_id};
use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

/// Set a goal: what and why, how success is measured, a target date, and optionally
/// skills, a mentorship of yours, milestones, obstacles with plans, and the mentors of
/// yours who may read it. Private unless shared.
#[utoipa::path(post, path = "/api/v1/me/goals", tag = "growth", security(("bearer" = [])),
    request_body = NewGoal,
    responses(
        (status = 201, body = GoalView),
        (status = 422, description = "Invalid fields (`validation_failed`): `title`, `measure`, `target_date` (a date from today to ten years ahead), `progress`, `skills` (unknown ones named), `mentorship_id` (not yours), `shared_with` (not your mentor), `on_board` (without a mentorship), `milestones[i].title`, `milestones[i].due_date`, `obstacles[i].obstacle`", body = ErrorBody),
    ))]
pub async fn create_goal(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<NewGoal>,
) -> ApiResult<impl IntoResponse> {
    let goal = state.app.create_goal(&viewer, &input).await?;
    Ok((StatusCode::CREATED, Json(goal)))
}

/// The goal board of a mentorship of yours (a circle's shared board): the goals its
/// members put on it, each with its owner, title, status, target date and progress only.
#[utoipa::path(get, path = "/api/v1/mentorships/{id}/board", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses((status = 200, body = GoalBoard),
        (status = 404, description = "No such mentorship, or you are not in it (`not_found`)", body = ErrorBody)))]
pub async fn board(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<GoalBoard>> {
    let id = path_id(&id, "mentorship")?;
    Ok(Json(state.app.goal_board(&viewer, id).await?))
}

/// Your goals: active first, then paused, then achieved and dropped; by target date.
#[utoipa::path(get, path = "/api/v1/me/goals", tag = "growth", security(("bearer" = [])),
    responses((status = 200, body = [GoalSummary])))]
pub async fn my_goals(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<Vec<GoalSummary>>> {
    Ok(Json(state.app.my_goals(&viewer).await?))
}

/// A goal of yours, or one a mentee shares with you, with its milestones, obstacles and
/// comments.
#[utoipa::path(get, path = "/api/v1/me/goals/{id}", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Goal id")),
    responses((status = 200, body = GoalView),
        (status = 404, description = "No such goal, or it is neither yours nor shared with you", body = ErrorBody)))]
pub async fn goal(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<GoalView>> {
    let id = path_id(&id, "goal")?;
    Ok(Json(state.app.goal(&viewer, id).await?))
}

/// Edit a goal of yours, or move its status (active → achieved, dropped or paused; paused
/// → active; achieved or dropped → active).
#[utoipa::path(patch, path = "/api/v1/me/goals/{id}", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Goal id")),
    request_body = GoalEdit,
    responses((status = 200, body = GoalView),
        (status = 403, description = "A mentee's goal shared with you: only they change it", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The status cannot move that way (`invalid_transition`)", body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`)", body = ErrorBody)))]
pub async fn edit_goal(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<GoalEdit>,
) -> ApiResult<Json<GoalView>> {
    let id = path_id(&id, "goal")?;
    Ok(Json(state.app.edit_goal(&viewer, id, &input).await?))
}

/// Delete a goal of yours, with its milestones and comments.
#[utoipa::path(delete, path = "/api/v1/me/goals/{id}", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Goal id")),
    responses((status = 204, description = "Deleted"),
        (status = 403, description = "A mentee's goal shared with you", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn delete_goal(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = path_id(&id, "goal")?;
    state.app.delete_goal(&viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a milestone to a goal of yours; as a mentor the goal is shared with, suggest one,
/// which its owner accepts or declines.
#[utoipa::path(post, path = "/api/v1/me/goals/{id}/milestones", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Goal id")),
    request_body = MilestoneInput,
    responses((status = 201, description = "The new milestone (`state` `suggested` when a mentor adds it)", body = MilestoneView),
        (status = 404, body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`): `title`, `due_date`; or the goal has 30 milestones", body = ErrorBody)))]
pub async fn add_milestone(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MilestoneInput>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "goal")?;
    let milestone = state.app.add_milestone(&viewer, id, &input).await?;
    Ok((StatusCode::CREATED, Json(milestone)))
}

/// Edit a milestone of your goal, tick it off, or answer a suggestion (`state`:
/// `accepted` or `declined`).
#[utoipa::path(patch, path = "/api/v1/me/goals/{id}/milestones/{milestone_id}", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Goal id"), ("milestone_id" = String, Path, description = "Milestone id")),
    request_body = MilestoneEdit,
    responses((status = 200, body = GoalView),
        (status = 403, description = "A mentee's goal shared with you", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`): `title`, `due_date`, `state`, `done`", body = ErrorBody)))]
pub async fn edit_milestone(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path((id, milestone)): Path<(String, String)>,
    ApiJson(input): ApiJson<MilestoneEdit>,
) -> ApiResult<Json<GoalView>> {
    let id = path_id(&id, "goal")?;
    let milestone = path_id(&milestone, "milestone")?;
    Ok(Json(
        state
            .app
            .edit_milestone(&viewer, id, milestone, &input)
            .await?,
    ))
}

/// Remove a milestone from your goal.
#[utoipa::path(delete, path = "/api/v1/me/goals/{id}/milestones/{milestone_id}", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Goal id"), ("milestone_id" = String, Path, description = "Milestone id")),
    responses((status = 200, body = GoalView),
        (status = 403, description = "A mentee's goal shared with you", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn delete_milestone(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path((id, milestone)): Path<(String, String)>,
) -> ApiResult<Json<GoalView>> {
    let id = path_id(&id, "goal")?;
    let milestone = path_id(&milestone, "milestone")?;
    Ok(Json(
        state.app.delete_milestone(&viewer, id, milestone).await?,
    ))
}

/// The comments on a goal of yours or one shared with you, oldest first.
#[utoipa::path(get, path = "/api/v1/me/goals/{id}/comments", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Goal id")),
    responses((status = 200, body = [CommentView]), (status = 404, body = ErrorBody)))]
pub async fn comments(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<CommentView>>> {
    let id = path_id(&id, "goal")?;
    Ok(Json(state.app.goal_comments(&viewer, id).await?))
}

/// Comment on a goal of yours (its mentors are told) or one shared with you (its owner is
/// told).
#[utoipa::path(post, path = "/api/v1/me/goals/{id}/comments", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Goal id")),
    request_body = NewComment,
    responses((status = 201, body = CommentView), (status = 404, body = ErrorBody),
        (status = 422, description = "Invalid `body` (`validation_failed`)", body = ErrorBody)))]
pub async fn comment(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NewComment>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "goal")?;
    let comment = state.app.comment_on_goal(&viewer, id, &input).await?;
    Ok((StatusCode::CREATED, Json(comment)))
}

/// The goals a person shares with you as their mentor (yours, if it is you).
#[utoipa::path(get, path = "/api/v1/people/{id}/goals", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id")),
    responses((status = 200, body = [GoalSummary]),
        (status = 404, description = "You are not this person nor their mentor (or your mentorship ended more than the grace period ago)", body = ErrorBody)))]
pub async fn goals_of(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<GoalSummary>>> {
    let id = path_id(&id, "person")?;
    Ok(Json(state.app.goals_of(&viewer, id).await?))
}

/// Check in: your confidence from 1 to 10, overall and per area, and what went well, what
/// is hard and what you need from your mentor. `share_with_mentors` lets your mentors see
/// the scores (and, unless `share_reflection` is false, what you wrote). A marked drop —
/// at least 3 below the average of your last three — comes back with a `prompt`.
#[utoipa::path(post, path = "/api/v1/me/check-ins", tag = "growth", security(("bearer" = [])),
    request_body = NewCheckIn,
    responses((status = 201, body = CheckInView),
        (status = 422, description = "Invalid fields (`validation_failed`): `confidence` (1–10), `areas[i]`, `went_well`, `hard`, `need`", body = ErrorBody)))]
pub async fn check_in(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<NewCheckIn>,
) -> ApiResult<impl IntoResponse> {
    let done = state.app.check_in(&viewer, &input).await?;
    Ok((StatusCode::CREATED, Json(done)))
}

/// Your check-ins, newest first (at most 200).
#[utoipa::path(get, path = "/api/v1/me/check-ins", tag = "growth", security(("bearer" = [])),
    responses((status = 200, body = [CheckInView])))]
pub async fn my_check_ins(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<Vec<CheckInView>>> {
    Ok(Json(state.app.check_ins_of(&viewer, viewer.id).await?))
}

/// The check-ins a mentee shares with you, newest first: scores, and what they wrote
/// where they shared it.
#[utoipa::path(get, path = "/api/v1/people/{id}/check-ins", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id")),
    responses((status = 200, body = [CheckInView]),
        (status = 404, description = "You are not this person nor their mentor (or your mentorship ended more than the grace period ago)", body = ErrorBody)))]
pub async fn check_ins_of(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<CheckInView>>> {
    let id = path_id(&id, "person")?;
    Ok(Json(state.app.check_ins_of(&viewer, id).await?))
}

/// How often you check in, and when the next is due.
#[utoipa::path(get, path = "/api/v1/me/check-in-plan", tag = "growth", security(("bearer" = [])),
    responses((status = 200, body = CheckInPlan)))]
pub async fn plan(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<CheckInPlan>> {
    Ok(Json(state.app.check_in_plan(&viewer).await?))
}

/// Set how often you check in (`weekly`, `fortnightly`, `monthly`); you are reminded once
/// a period. `null` stops the reminders.
#[utoipa::path(put, path = "/api/v1/me/check-in-plan", tag = "growth", security(("bearer" = [])),
    request_body = CheckInPlan,
    responses((status = 200, body = CheckInPlan)))]
pub async fn set_plan(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<CheckInPlan>,
) -> ApiResult<Json<CheckInPlan>> {
    Ok(Json(state.app.set_check_in_plan(&viewer, &input).await?))
}

/// A person's progress: confidence over time, goals and goals achieved per month, the
/// latest check-ins. Yours, or a mentee's who shares with you (what they share only).
#[utoipa::path(get, path = "/api/v1/people/{id}/progress", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id")),
    responses((status = 200, body = ProgressView),
        (status = 404, description = "You are not this person nor a mentor they share with (or your mentorship ended more than the grace period ago)", body = ErrorBody)))]
pub async fn progress(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<ProgressView>> {
    let id = path_id(&id, "person")?;
    Ok(Json(state.app.progress(&viewer, id).await?))
}
