//! Career outcomes: yours to record, edit and delete, and the shared ones of a mentee you
//! mentor. To anyone else, admins included, none of it exists.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lodestar_app::growth::outcomes::{NewOutcome, OutcomeEdit, OutcomeView};

use super::extract::{ApiJson, path_id};
use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

/// Record a career outcome: a promotion, a new role or job, a certification, a stretch
/// assignment, a talk given (or `other`), on the day it happened. Optionally credit it to
/// a mentorship in which you are mentored and tie it to a goal of yours. Your mentors see
/// it unless `share_with_mentors` is false.
#[utoipa::path(post, path = "/api/v1/me/outcomes", tag = "growth", security(("bearer" = [])),
    request_body = NewOutcome,
    responses(
        (status = 201, body = OutcomeView),
        (status = 422, description = "Invalid fields (`validation_failed`): `kind`, `date` (a date, not in the future, within 60 years), `title`, `note`, `mentorship_id` (not one in which you are mentored), `goal_id` (not yours)", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<NewOutcome>,
) -> ApiResult<impl IntoResponse> {
    let outcome = state.app.record_outcome(&viewer, &input).await?;
    Ok((StatusCode::CREATED, Json(outcome)))
}

/// Your career outcomes, newest first.
#[utoipa::path(get, path = "/api/v1/me/outcomes", tag = "growth", security(("bearer" = [])),
    responses((status = 200, body = [OutcomeView])))]
pub async fn mine(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<Vec<OutcomeView>>> {
    Ok(Json(state.app.outcomes_of(&viewer, viewer.id).await?))
}

/// Edit an outcome of yours: the fields given change; an empty `mentorship_id` or
/// `goal_id` unlinks it.
#[utoipa::path(patch, path = "/api/v1/me/outcomes/{id}", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Outcome id")),
    request_body = OutcomeEdit,
    responses((status = 200, body = OutcomeView),
        (status = 404, description = "No outcome of yours has this id", body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`)", body = ErrorBody)))]
pub async fn edit(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<OutcomeEdit>,
) -> ApiResult<Json<OutcomeView>> {
    let id = path_id(&id, "outcome")?;
    Ok(Json(state.app.edit_outcome(&viewer, id, &input).await?))
}

/// Delete an outcome of yours.
#[utoipa::path(delete, path = "/api/v1/me/outcomes/{id}", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Outcome id")),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "No outcome of yours has this id", body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = path_id(&id, "outcome")?;
    state.app.delete_outcome(&viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The career outcomes a mentee shares with you as their mentor (yours, if it is you),
/// newest first. A mentor sees the mentorship an outcome is credited to only where it is
/// theirs, and not the goal it belongs to.
#[utoipa::path(get, path = "/api/v1/people/{id}/outcomes", tag = "growth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id")),
    responses((status = 200, body = [OutcomeView]),
        (status = 404, description = "You are not this person nor their mentor (or your mentorship ended more than the grace period ago)", body = ErrorBody)))]
pub async fn of_person(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<OutcomeView>>> {
    let id = path_id(&id, "person")?;
    Ok(Json(state.app.outcomes_of(&viewer, id).await?))
}
