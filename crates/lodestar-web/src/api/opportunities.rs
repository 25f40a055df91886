//! Opportunities and insights: posting, editing and closing one's own; the filtered list;
//! sharing, marking and saying how an application went; "For you"; and the admins' pin and
//! removal. A post you may not see does not exist for you.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lodestar_app::opportunities::digest::DigestSettings;
use lodestar_app::opportunities::for_you::ForYouView;
use lodestar_app::opportunities::{
    OpportunityInput, OpportunityPage, OpportunityQuery, OpportunityView, PinInput, ShareInput,
    StatusInput,
};

use super::extract::{ApiJson, ApiQuery, path_id};
use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

/// Post an opportunity or an insight, for everyone, your connections or your mentees.
#[utoipa::path(post, path = "/api/v1/opportunities", tag = "opportunities", security(("bearer" = [])),
    request_body = OpportunityInput,
    responses((status = 201, body = OpportunityView),
        (status = 422, description = "Every bad field at once (`validation_failed`)", body = ErrorBody)))]
pub async fn post(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<OpportunityInput>,
) -> ApiResult<impl IntoResponse> {
    let made = state.app.post_opportunity(&viewer, &input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// The open opportunities you may see, filtered, pinned first and then newest; with
/// `author=me`, yours, closed ones too.
#[utoipa::path(get, path = "/api/v1/opportunities", tag = "opportunities", security(("bearer" = [])),
    params(OpportunityQuery),
    responses((status = 200, body = OpportunityPage),
        (status = 422, description = "A bad filter (`validation_failed`)", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiQuery(query): ApiQuery<OpportunityQuery>,
) -> ApiResult<Json<OpportunityPage>> {
    Ok(Json(state.app.opportunities(&viewer, &query).await?))
}

/// One opportunity, with your mark and who shared it with you (and, for its author, how
/// many marked it each way).
#[utoipa::path(get, path = "/api/v1/opportunities/{id}", tag = "opportunities", security(("bearer" = [])),
    params(("id" = String, Path, description = "Opportunity id")),
    responses((status = 200, body = OpportunityView),
        (status = 404, description = "No opportunity you may see has this id", body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<OpportunityView>> {
    let id = path_id(&id, "opportunity")?;
    Ok(Json(state.app.opportunity(&viewer, id).await?))
}

/// Edit your open post: the whole post, as when posting it.
#[utoipa::path(put, path = "/api/v1/opportunities/{id}", tag = "opportunities", security(("bearer" = [])),
    params(("id" = String, Path, description = "Opportunity id")),
    request_body = OpportunityInput,
    responses((status = 200, body = OpportunityView),
        (status = 403, description = "Not yours", body = ErrorBody),
        (status = 404, description = "No opportunity you may see has this id", body = ErrorBody),
        (status = 409, description = "Closed (`not_open`)", body = ErrorBody),
        (status = 422, description = "Every bad field at once (`validation_failed`)", body = ErrorBody)))]
pub async fn edit(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<OpportunityInput>,
) -> ApiResult<Json<OpportunityView>> {
    let id = path_id(&id, "opportunity")?;
    Ok(Json(state.app.edit_opportunity(&viewer, id, &input).await?))
}

/// Close your post: it leaves every list but yours.
#[utoipa::path(post, path = "/api/v1/opportunities/{id}/close", tag = "opportunities", security(("bearer" = [])),
    params(("id" = String, Path, description = "Opportunity id")),
    responses((status = 200, body = OpportunityView),
        (status = 403, description = "Not yours", body = ErrorBody),
        (status = 404, description = "No opportunity you may see has this id", body = ErrorBody),
        (status = 409, description = "Closed already (`not_open`)", body = ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<OpportunityView>> {
    let id = path_id(&id, "opportunity")?;
    Ok(Json(state.app.close_opportunity(&viewer, id).await?))
}

/// Share an opportunity with a connection of yours who may see it, with a note.
#[utoipa::path(post, path = "/api/v1/opportunities/{id}/share", tag = "opportunities", security(("bearer" = [])),
    params(("id" = String, Path, description = "Opportunity id")),
    request_body = ShareInput,
    responses((status = 200, body = OpportunityView),
        (status = 404, description = "No opportunity you may see has this id", body = ErrorBody),
        (status = 409, description = "Shared with them already (`already_shared`)", body = ErrorBody),
        (status = 422, description = "`person_id` is not a connection of yours who may see it (`validation_failed`)", body = ErrorBody)))]
pub async fn share(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ShareInput>,
) -> ApiResult<Json<OpportunityView>> {
    let id = path_id(&id, "opportunity")?;
    Ok(Json(
        state.app.share_opportunity(&viewer, id, &input).await?,
    ))
}

/// Save or mark an opportunity, and say how an application went: `got_it` is recorded once
/// as a career outcome.
#[utoipa::path(put, path = "/api/v1/opportunities/{id}/status", tag = "opportunities", security(("bearer" = [])),
    params(("id" = String, Path, description = "Opportunity id")),
    request_body = StatusInput,
    responses((status = 200, body = OpportunityView),
        (status = 404, description = "No opportunity you may see has this id", body = ErrorBody),
        (status = 422, description = "A bad status or outcome (`validation_failed`)", body = ErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<StatusInput>,
) -> ApiResult<Json<OpportunityView>> {
    let id = path_id(&id, "opportunity")?;
    Ok(Json(state.app.mark_opportunity(&viewer, id, &input).await?))
}

/// Pin a post for everyone, or unpin it (admins).
#[utoipa::path(put, path = "/api/v1/opportunities/{id}/pin", tag = "opportunities", security(("bearer" = [])),
    params(("id" = String, Path, description = "Opportunity id")),
    request_body = PinInput,
    responses((status = 200, body = OpportunityView),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No opportunity you may see has this id", body = ErrorBody),
        (status = 409, description = "Not a post for everyone (`not_public`), or closed (`not_open`)", body = ErrorBody)))]
pub async fn pin(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PinInput>,
) -> ApiResult<Json<OpportunityView>> {
    let id = path_id(&id, "opportunity")?;
    Ok(Json(
        state.app.pin_opportunity(&viewer, id, input.pinned).await?,
    ))
}

/// Remove a post (admins): it leaves every list, its author's included, and is not found
/// afterwards, by admins either.
#[utoipa::path(delete, path = "/api/v1/opportunities/{id}", tag = "opportunities", security(("bearer" = [])),
    params(("id" = String, Path, description = "Opportunity id")),
    responses((status = 204, description = "Removed"),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No opportunity you may see has this id", body = ErrorBody),
        (status = 409, description = "Closed already (`not_open`)", body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = path_id(&id, "opportunity")?;
    state.app.remove_opportunity(&viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// "For you": the open opportunities you may see, best fit first, each with its reasons.
#[utoipa::path(get, path = "/api/v1/me/opportunities", tag = "opportunities", security(("bearer" = [])),
    responses((status = 200, body = ForYouView)))]
pub async fn for_you(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<ForYouView>> {
    Ok(Json(state.app.for_you(&viewer).await?))
}

/// Whether you get the weekly e-mail of new opportunities that fit you.
#[utoipa::path(get, path = "/api/v1/me/opportunities/digest", tag = "opportunities", security(("bearer" = [])),
    responses((status = 200, body = DigestSettings)))]
pub async fn digest(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<DigestSettings>> {
    Ok(Json(state.app.digest_settings(&viewer).await?))
}

/// Turn the weekly e-mail of new opportunities that fit you on or off (off by default).
#[utoipa::path(put, path = "/api/v1/me/opportunities/digest", tag = "opportunities", security(("bearer" = [])),
    request_body = DigestSettings,
    responses((status = 200, body = DigestSettings),
        (status = 422, description = "Not `{\"weekly\": bool}` (`validation_failed`)", body = ErrorBody)))]
pub async fn set_digest(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(settings): ApiJson<DigestSettings>,
) -> ApiResult<Json<DigestSettings>> {
    Ok(Json(
        state.app.set_digest_settings(&viewer, &settings).await?,
    ))
}
