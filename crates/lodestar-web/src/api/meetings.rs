//! Sessions of a mentorship, their notes and action items, invitations and the calendar
//! feed's address. To anyone who is not a member, a session does not exist (404).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use lodestar_app::action_items::{
    ActionItemEdit, ActionItemView, NewActionItemInput, NewNote, NoteView,
};
use lodestar_app::calendar::CalendarFeed;
use lodestar_app::meetings::{CancelSession, NewSession, SessionEdit, SessionOutcome, SessionView};

use super::extract::{ApiJson, path_id};
use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

/// The content type of an iCalendar object.
pub const CALENDAR: &str = "text/calendar; charset=utf-8";

/// Schedule a session of an active mentorship. The start is RFC 3339 with the offset of
/// the scheduler's zone; it is stored in UTC and shown to each member in their own zone.
/// The other members are told and e-mailed an invitation (METHOD:REQUEST).
#[utoipa::path(post, path = "/api/v1/mentorships/{id}/sessions", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    request_body = NewSession,
    responses(
        (status = 201, body = SessionView),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such mentorship, or you are not in it (`not_found`)", body = ErrorBody),
        (status = 409, description = "The mentorship is paused or ended (`mentorship_not_active`), or the time overlaps another session of the mentor's or yours (`slot_taken`, with the mentor's free slots now in `error.slots`)", body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`): `starts_at`, `duration_minutes` (5–480), `location`, `agenda`", body = ErrorBody),
    ))]
pub async fn schedule(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NewSession>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "mentorship")?;
    let session = state
        .app
        .schedule_meeting(&viewer, id, &input.into())
        .await?;
    Ok((StatusCode::CREATED, Json(session)))
}

/// A mentorship's sessions, latest first.
#[utoipa::path(get, path = "/api/v1/mentorships/{id}/sessions", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses((status = 200, body = [SessionView]), (status = 401, body = ErrorBody),
        (status = 404, description = "No such mentorship, or you are not in it", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<SessionView>>> {
    let id = path_id(&id, "mentorship")?;
    Ok(Json(state.app.list_meetings(&viewer, id).await?))
}

/// A session, its start shown in your time zone, with the open action items carried into
/// its agenda while it is to come.
#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Session id")),
    responses((status = 200, body = SessionView), (status = 401, body = ErrorBody),
        (status = 404, description = "No such session, or you are not in its mentorship", body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<SessionView>> {
    let id = path_id(&id, "session")?;
    Ok(Json(state.app.meeting(&viewer, id).await?))
}

/// Reschedule or edit a scheduled session. A new start, length or place increases the
/// invitation's SEQUENCE and e-mails the others the updated invitation; an agenda edit
/// does neither. A new time never overlaps another scheduled session of the mentor's or
/// of yours; a session booked from the mentor's slots, moved by its mentee, must move to
/// one of the mentor's free slots (checked as a booking is), while the mentor may move it
/// to any time they are free.
#[utoipa::path(patch, path = "/api/v1/sessions/{id}", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Session id")),
    request_body = SessionEdit,
    responses(
        (status = 200, body = SessionView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Not scheduled any more (`invalid_transition`), the mentorship is not active (`mentorship_not_active`), or the new time clashes with another session of the mentor's or yours, or (a booked session moved by its mentee) is no longer one of the mentor's free slots (`slot_taken`, with the free slots now in `error.slots`)", body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`); moving a booked session as its mentee, `starts_at` must be one of the mentor's slots and `duration_minutes` a length they offer", body = ErrorBody),
    ))]
pub async fn edit(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<SessionEdit>,
) -> ApiResult<Json<SessionView>> {
    let id = path_id(&id, "session")?;
    Ok(Json(
        state.app.edit_meeting(&viewer, id, &input.into()).await?,
    ))
}

/// Cancel a scheduled session. The others are e-mailed the cancellation (METHOD:CANCEL).
#[utoipa::path(post, path = "/api/v1/sessions/{id}/cancel", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Session id")),
    request_body = CancelSession,
    responses(
        (status = 200, body = SessionView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Not scheduled (`invalid_transition`)", body = ErrorBody),
        (status = 422, description = "Invalid reason (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn cancel(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CancelSession>,
) -> ApiResult<Json<SessionView>> {
    let id = path_id(&id, "session")?;
    Ok(Json(state.app.cancel_meeting(&viewer, id, &input).await?))
}

/// Mark a session that has started as held or missed (a mistake can be corrected).
#[utoipa::path(post, path = "/api/v1/sessions/{id}/outcome", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Session id")),
    request_body = SessionOutcome,
    responses(
        (status = 200, body = SessionView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Cancelled or already so (`invalid_transition`), or not started yet (`session_not_started`)", body = ErrorBody),
    ))]
pub async fn outcome(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<SessionOutcome>,
) -> ApiResult<Json<SessionView>> {
    let id = path_id(&id, "session")?;
    Ok(Json(
        state
            .app
            .record_meeting_outcome(&viewer, id, input.held)
            .await?,
    ))
}

/// The session as an iCalendar invitation (METHOD:REQUEST), or its cancellation
/// (METHOD:CANCEL) once cancelled, with the same UID and the current SEQUENCE.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/invite.ics", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 200, description = "RFC 5545", content_type = "text/calendar", body = String),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn invite(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "session")?;
    let ics = state.app.meeting_invite(&viewer, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, CALENDAR),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"session.ics\"",
            ),
        ],
        ics,
    ))
}

/// Add a note. A private note is read by you alone, ever: not by the other members, not
/// by admins, and it is in no invitation or feed.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/notes", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Session id")),
    request_body = NewNote,
    responses(
        (status = 201, body = NoteView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "Empty or too long (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn add_note(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NewNote>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "session")?;
    Ok((
        StatusCode::CREATED,
        Json(state.app.add_note(&viewer, id, &input).await?),
    ))
}

/// The session's shared notes and your own private ones, oldest first.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/notes", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Session id")),
    responses((status = 200, body = [NoteView]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn notes(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<NoteView>>> {
    let id = path_id(&id, "session")?;
    Ok(Json(state.app.notes(&viewer, id).await?))
}

/// Add an action item, owned by a member of the mentorship (you, if `owner_id` is left
/// out). Open items are carried into the next session's agenda.
#[utoipa::path(post, path = "/api/v1/mentorships/{id}/action-items", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    request_body = NewActionItemInput,
    responses(
        (status = 201, body = ActionItemView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The mentorship has ended (`mentorship_not_active`)", body = ErrorBody),
        (status = 422, description = "Invalid `title`, `owner_id` (not a member), `due_date` or `session_id` (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn add_action_item(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NewActionItemInput>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "mentorship")?;
    let item = state.app.add_action_item(&viewer, id, &input).await?;
    Ok((StatusCode::CREATED, Json(item)))
}

/// A mentorship's action items, open ones first.
#[utoipa::path(get, path = "/api/v1/mentorships/{id}/action-items", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mentorship id")),
    responses((status = 200, body = [ActionItemView]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn action_items(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ActionItemView>>> {
    let id = path_id(&id, "mentorship")?;
    Ok(Json(state.app.action_items(&viewer, id).await?))
}

/// Edit an action item: its title, owner, due date (empty clears it), or done.
#[utoipa::path(patch, path = "/api/v1/action-items/{id}", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Action item id")),
    request_body = ActionItemEdit,
    responses(
        (status = 200, body = ActionItemView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The mentorship has ended (`mentorship_not_active`)", body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn edit_action_item(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ActionItemEdit>,
) -> ApiResult<Json<ActionItemView>> {
    let id = path_id(&id, "action item")?;
    Ok(Json(state.app.edit_action_item(&viewer, id, &input).await?))
}

/// The secret address of your calendar feed (made on first asking): every session of
/// yours from the past 90 days on, for any calendar app to subscribe to.
#[utoipa::path(get, path = "/api/v1/me/calendar", tag = "sessions", security(("bearer" = [])),
    responses((status = 200, body = CalendarFeed), (status = 401, body = ErrorBody)))]
pub async fn calendar(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<impl IntoResponse> {
    Ok((NO_STORE, Json(state.app.calendar_feed_url(&viewer).await?)))
}

/// A new feed address; the old one answers 404 from now on.
#[utoipa::path(post, path = "/api/v1/me/calendar/reset", tag = "sessions", security(("bearer" = [])),
    responses((status = 200, body = CalendarFeed), (status = 401, body = ErrorBody)))]
pub async fn reset_calendar(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<impl IntoResponse> {
    Ok((
        NO_STORE,
        Json(state.app.reset_calendar_feed(&viewer).await?),
    ))
}

/// The feed's address is a secret.
const NO_STORE: [(header::HeaderName, &str); 1] = [(header::CACHE_CONTROL, "no-store")];
