//! Mentorships: your list, one mentorship, editing its agreement, its state changes, and
//! the admins' list of stalled mentorships.

use axum::Json;
use axum::extract::{Path, State};
use lodestar_app::mentorships::{
    AgreementUpdate, CancelInput, CompleteInput, MentorshipFilter, MentorshipList, MentorshipView,
    PauseInput, StalledList,
};

use super::extract::{ApiJson, ApiQuery, path_id};
use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

/// Your mentorships, newest first, each with the other members, the next session and the
/// number of open action items.
#[utoipa::path(get, path = "/api/v1/mentorships", tag = "mentorships", security(("bearer" = [])),
    params(MentorshipFilter),
    responses(
        (status = 200, body = MentorshipList),
        (status = 422, description = "An unknown `state` (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiQuery(filter): ApiQuery<MentorshipFilter>,
) -> ApiResult<Json<MentorshipList>> {
    Ok(Json(state.app.my_mentorships(&viewer, &filter).await?))
}

/// One of your mentorships: the agreement, the members (with how to reach them while it is
/// active or paused), what you can do now, and the timeline. Your rating is included;
/// nobody else's ever is. To anyone not in it, admins included, it does not exist.
#[utoipa::path(get, path = "/api/v1/mentorships/{id}", tag = "mentorships", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, body = MentorshipView),
        (status = 404, description = "No such mentorship, or you are not in it (`not_found`)", body = ErrorBody),
    ))]
pub async fn show(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<MentorshipView>> {
    let id = path_id(&id, "mentorship")?;
    Ok(Json(state.app.mentorship(&viewer, id).await?))
}

/// Edit the agreement: goals, focus areas, cadence, expected end date, and how the others
/// can reach you. Send only what changes. Every invalid field is reported at once and
/// nothing changes.
#[utoipa::path(patch, path = "/api/v1/mentorships/{id}", tag = "mentorships", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    request_body = AgreementUpdate,
    responses(
        (status = 200, body = MentorshipView),
        (status = 404, description = "No such mentorship, or you are not in it (`not_found`)", body = ErrorBody),
        (status = 409, description = "The mentorship has ended (`mentorship_ended`)", body = ErrorBody),
    ))]
pub async fn update(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AgreementUpdate>,
) -> ApiResult<Json<MentorshipView>> {
    let id = path_id(&id, "mentorship")?;
    Ok(Json(state.app.update_agreement(&viewer, id, &input).await?))
}

/// Pause an active mentorship until a later day; it resumes by itself that day. The other
/// members are told.
#[utoipa::path(post, path = "/api/v1/mentorships/{id}/pause", tag = "mentorships", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    request_body = PauseInput,
    responses(
        (status = 200, body = MentorshipView),
        (status = 404, description = "No such mentorship, or you are not in it (`not_found`)", body = ErrorBody),
        (status = 409, description = "Not active (`invalid_transition`); the message says why", body = ErrorBody),
        (status = 422, description = "`resume_on` is not a date after today (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn pause(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PauseInput>,
) -> ApiResult<Json<MentorshipView>> {
    let id = path_id(&id, "mentorship")?;
    Ok(Json(state.app.pause_mentorship(&viewer, id, &input).await?))
}

/// Resume a paused mentorship before its day. No body.
#[utoipa::path(post, path = "/api/v1/mentorships/{id}/resume", tag = "mentorships", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, body = MentorshipView),
        (status = 404, description = "No such mentorship, or you are not in it (`not_found`)", body = ErrorBody),
        (status = 409, description = "Not paused (`invalid_transition`); the message says why", body = ErrorBody),
    ))]
pub async fn resume(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<MentorshipView>> {
    let id = path_id(&id, "mentorship")?;
    Ok(Json(state.app.resume_mentorship(&viewer, id).await?))
}

/// Complete an active or paused mentorship, with your closing reflection (the others can
/// read it) and your private rating 1–5 (nobody else ever sees it), both optional. On a
/// completed mentorship, a member who has not given theirs yet adds them this way.
#[utoipa::path(post, path = "/api/v1/mentorships/{id}/complete", tag = "mentorships", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    request_body = CompleteInput,
    responses(
        (status = 200, body = MentorshipView),
        (status = 404, description = "No such mentorship, or you are not in it (`not_found`)", body = ErrorBody),
        (status = 409, description = "Cancelled, or already completed with nothing to add (`invalid_transition`); you gave your reflection already (`already_reflected`)", body = ErrorBody),
        (status = 422, description = "A rating outside 1–5 or a reflection too long (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn complete(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CompleteInput>,
) -> ApiResult<Json<MentorshipView>> {
    let id = path_id(&id, "mentorship")?;
    Ok(Json(
        state.app.complete_mentorship(&viewer, id, &input).await?,
    ))
}

/// Cancel an active or paused mentorship, saying why. The other members are told.
#[utoipa::path(post, path = "/api/v1/mentorships/{id}/cancel", tag = "mentorships", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    request_body = CancelInput,
    responses(
        (status = 200, body = MentorshipView),
        (status = 404, description = "No such mentorship, or you are not in it (`not_found`)", body = ErrorBody),
        (status = 409, description = "Already ended (`invalid_transition`); the message says why", body = ErrorBody),
        (status = 422, description = "No reason given (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn cancel(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CancelInput>,
) -> ApiResult<Json<MentorshipView>> {
    let id = path_id(&id, "mentorship")?;
    Ok(Json(
        state.app.cancel_mentorship(&viewer, id, &input).await?,
    ))
}

/// Admins: the active mentorships flagged as stalled, the longest quiet first — who is in
/// each and how many days since a session was held or scheduled. Nothing said in a
/// mentorship, and no rating, is in it.
#[utoipa::path(get, path = "/api/v1/admin/stalled-mentorships", tag = "mentorships", security(("bearer" = [])),
    responses(
        (status = 200, body = StalledList),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
    ))]
pub async fn stalled(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<StalledList>> {
    Ok(Json(state.app.stalled_mentorships(&viewer).await?))
}
