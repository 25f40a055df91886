//! Programmes: instance admins create and archive them, instance and programme admins edit
//! them, anyone signed in reads the ones not archived.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lodestar_app::programmes::{ProgrammeInput, ProgrammePage, ProgrammeQuery, ProgrammeView};

use super::extract::{ApiJson, ApiQuery, path_id};
use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

/// Create a programme, with its admins (instance admins).
#[utoipa::path(post, path = "/api/v1/programmes", tag = "programmes", security(("bearer" = [])),
    request_body = ProgrammeInput,
    responses((status = 201, body = ProgrammeView),
        (status = 403, description = "Not an instance admin", body = ErrorBody),
        (status = 422, description = "Every bad field at once (`validation_failed`)", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<ProgrammeInput>,
) -> ApiResult<impl IntoResponse> {
    let made = state.app.create_programme(&viewer, &input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// The programmes, newest first; with `archived=true`, the archived ones (instance admins).
#[utoipa::path(get, path = "/api/v1/programmes", tag = "programmes", security(("bearer" = [])),
    params(ProgrammeQuery),
    responses((status = 200, body = ProgrammePage),
        (status = 403, description = "Archived ones asked for by someone not an instance admin", body = ErrorBody),
        (status = 422, description = "A bad page or flag (`validation_failed`)", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiQuery(query): ApiQuery<ProgrammeQuery>,
) -> ApiResult<Json<ProgrammePage>> {
    Ok(Json(state.app.programmes(&viewer, &query).await?))
}

/// One programme that is not archived, with its phase today (UTC).
#[utoipa::path(get, path = "/api/v1/programmes/{id}", tag = "programmes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Programme id")),
    responses((status = 200, body = ProgrammeView),
        (status = 404, description = "No programme you may see has this id", body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<ProgrammeView>> {
    let id = path_id(&id, "programme")?;
    Ok(Json(state.app.programme(&viewer, id).await?))
}

/// Replace a programme's whole definition (instance admins and the programme's admins;
/// only instance admins change its admins).
#[utoipa::path(put, path = "/api/v1/programmes/{id}", tag = "programmes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Programme id")),
    request_body = ProgrammeInput,
    responses((status = 200, body = ProgrammeView),
        (status = 403, description = "Not an admin of it", body = ErrorBody),
        (status = 404, description = "No programme you may see has this id", body = ErrorBody),
        (status = 422, description = "Every bad field at once (`validation_failed`)", body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ProgrammeInput>,
) -> ApiResult<Json<ProgrammeView>> {
    let id = path_id(&id, "programme")?;
    Ok(Json(state.app.update_programme(&viewer, id, &input).await?))
}

/// Archive a programme (instance admins): it is gone but for the list of archived ones.
#[utoipa::path(delete, path = "/api/v1/programmes/{id}", tag = "programmes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Programme id")),
    responses((status = 204, description = "Archived"),
        (status = 403, description = "Not an instance admin", body = ErrorBody),
        (status = 404, description = "No programme has this id", body = ErrorBody),
        (status = 409, description = "Archived already (`archived`)", body = ErrorBody)))]
pub async fn archive(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = path_id(&id, "programme")?;
    state.app.archive_programme(&viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
