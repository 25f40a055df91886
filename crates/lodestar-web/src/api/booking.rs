//! Booking a mentor's free time: your availability, a mentorship's free slots in your own
//! time zone, and booking one. To anyone not in the mentorship, its slots do not exist
//! (404).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lodestar_app::booking::{
    AvailabilityInput, AvailabilityView, BookingInput, OneOffInput, SlotList, SlotParams,
};
use lodestar_app::meetings::SessionView;

use super::extract::{ApiJson, ApiQuery, path_id};
use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

/// Your availability, or the starting values (`"published": false`) if you have not
/// published one.
#[utoipa::path(get, path = "/api/v1/me/availability", tag = "booking", security(("bearer" = [])),
    responses((status = 200, body = AvailabilityView), (status = 401, body = ErrorBody)))]
pub async fn availability(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<AvailabilityView>> {
    Ok(Json(state.app.my_availability(&viewer).await?))
}

/// Publish your availability: weekly windows in your time zone, exceptions, notice,
/// buffer, session lengths and your own calendar's address. Replaces the last one; with
/// any field invalid, every problem is reported and nothing changes.
#[utoipa::path(put, path = "/api/v1/me/availability", tag = "booking", security(("bearer" = [])),
    request_body = AvailabilityInput,
    responses(
        (status = 200, body = AvailabilityView),
        (status = 401, body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`), each named: `time_zone`, `weekly[i].day`, `weekly[i].from`, `weekly[i].to`, `exceptions[i].kind`, `exceptions[i].date`, `exceptions[i].from_date`, `exceptions[i].to_date`, `exceptions[i].from`, `exceptions[i].to`, `min_notice_hours`, `buffer_minutes`, `durations`, `durations[i]`, `busy_calendar_url`, `one_off_monthly_limit`", body = ErrorBody),
    ))]
pub async fn set_availability(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<AvailabilityInput>,
) -> ApiResult<Json<AvailabilityView>> {
    Ok(Json(state.app.set_availability(&viewer, &input).await?))
}

/// The free slots of the mentorship's mentor for one session length, in your own time
/// zone (RFC 3339 with its offset): their availability less every session of theirs in
/// any mentorship (with their buffer either side), their minimum notice and their own
/// calendar's busy times.
#[utoipa::path(get, path = "/api/v1/mentorships/{id}/slots", tag = "booking", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mentorship id"), SlotParams),
    responses(
        (status = 200, body = SlotList),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such mentorship, or you are not in it (`not_found`)", body = ErrorBody),
        (status = 409, description = "The mentorship is paused or ended (`mentorship_not_active`)", body = ErrorBody),
        (status = 422, description = "Invalid `from`, `to` (after `from`, at most 31 days later) or `duration` (one the mentor offers) (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn slots(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<SlotParams>,
) -> ApiResult<Json<SlotList>> {
    let id = path_id(&id, "mentorship")?;
    Ok(Json(
        state.app.mentorship_slots(&viewer, id, &params).await?,
    ))
}

/// Book one of the mentor's free slots: a session of the mentorship, with the invitation
/// e-mailed to the others, as if scheduled by hand. Of two people booking the same or
/// overlapping time at once, one gets 201 and the other 409 `slot_taken` with the free
/// slots now in `error.slots`.
#[utoipa::path(post, path = "/api/v1/mentorships/{id}/bookings", tag = "booking", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    request_body = BookingInput,
    responses(
        (status = 201, body = SessionView),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such mentorship, or you are not in it (`not_found`)", body = ErrorBody),
        (status = 409, description = "Someone booked the time first (`slot_taken`, with `error.slots`), or the mentorship is paused or ended (`mentorship_not_active`)", body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`): `starts_at` (not one of the mentor's slots), `duration_minutes` (not offered), `agenda`", body = ErrorBody),
    ))]
pub async fn book(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<BookingInput>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "mentorship")?;
    let session = state.app.book_session(&viewer, id, &input).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

/// A mentor's free times for a one-off conversation (flash mentoring), in your own time
/// zone: the times they opened to people they do not mentor, in months where their
/// monthly limit is not reached. Empty (`"published": false`) if they offer none.
#[utoipa::path(get, path = "/api/v1/mentors/{id}/one-off-slots", tag = "booking", security(("bearer" = [])),
    params(("id" = String, Path, description = "The mentor's person id"), SlotParams),
    responses(
        (status = 200, body = SlotList),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such listed mentor, or one of you blocked the other (`not_found`)", body = ErrorBody),
        (status = 422, description = "Invalid `from`, `to` or `duration` (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn one_off_slots(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<SlotParams>,
) -> ApiResult<Json<SlotList>> {
    let id = path_id(&id, "mentor")?;
    Ok(Json(state.app.one_off_slots(&viewer, id, &params).await?))
}

/// Book a one-off conversation with a mentor you have no mentorship with: it makes a
/// mentorship of kind `flash` (the topic as its goals) with this one session, its
/// invitation e-mailed to the mentor. It takes no place of the mentor's capacity, counts
/// against their monthly limit, and ends after the session; either of you can then turn
/// it into a request.
#[utoipa::path(post, path = "/api/v1/mentors/{id}/one-off-bookings", tag = "booking", security(("bearer" = [])),
    params(("id" = String, Path, description = "The mentor's person id")),
    request_body = OneOffInput,
    responses(
        (status = 201, body = SessionView),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such listed mentor, or one of you blocked the other (`not_found`)", body = ErrorBody),
        (status = 409, description = "Someone booked the time first (`slot_taken`, with `error.slots`), the mentor's limit for that month is reached (`one_off_limit_reached`), or you already have a mentorship with them (`mentorship_exists`)", body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`): `starts_at`, `duration_minutes`, `topic`", body = ErrorBody),
    ))]
pub async fn book_one_off(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<OneOffInput>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "mentor")?;
    let session = state.app.book_one_off(&viewer, id, &input).await?;
    Ok((StatusCode::CREATED, Json(session)))
}
