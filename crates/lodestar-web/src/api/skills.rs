//! The skills catalogue.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lodestar_app::catalogue::{MergeInput, NewSkillInput, SkillUpdate, SkillView};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::{ApiJson, ApiQuery};
use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SkillsQuery {
    /// Include retired and merged skills.
    #[serde(default)]
    pub include_retired: bool,
}

/// The skills catalogue, by category and name.
#[utoipa::path(get, path = "/api/v1/skills", tag = "skills", params(SkillsQuery),
    responses((status = 200, body = [SkillView])))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<SkillsQuery>,
) -> ApiResult<Json<Vec<SkillView>>> {
    Ok(Json(state.app.skills(query.include_retired).await?))
}

/// One skill by slug, id or name. A merged skill answers with the skill it became.
#[utoipa::path(get, path = "/api/v1/skills/{skill}", tag = "skills",
    params(("skill" = String, Path, description = "Slug, id or name")),
    responses((status = 200, body = SkillView), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    Path(skill): Path<String>,
) -> ApiResult<Json<SkillView>> {
    Ok(Json(state.app.skill(&skill).await?))
}

/// Add a skill (admins).
#[utoipa::path(post, path = "/api/v1/skills", tag = "skills", security(("bearer" = [])),
    request_body = NewSkillInput,
    responses(
        (status = 201, body = SkillView),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "Slug or name taken (`skill_exists`)", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<NewSkillInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.add_skill(&viewer, &input).await?),
    ))
}

/// Rename, recategorise, retire or restore a skill (admins). Profiles that list it keep it.
#[utoipa::path(patch, path = "/api/v1/skills/{skill}", tag = "skills", security(("bearer" = [])),
    params(("skill" = String, Path, description = "Slug or id")),
    request_body = SkillUpdate,
    responses(
        (status = 200, body = SkillView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn update(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(skill): Path<String>,
    ApiJson(input): ApiJson<SkillUpdate>,
) -> ApiResult<Json<SkillView>> {
    Ok(Json(state.app.update_skill(&viewer, &skill, &input).await?))
}

/// Merge a skill into another (admins): profiles move to the other skill, keeping the
/// higher level where a person had both; the merged skill is retired and its slug
/// resolves to the other from then on.
#[utoipa::path(post, path = "/api/v1/skills/{skill}/merge", tag = "skills", security(("bearer" = [])),
    params(("skill" = String, Path, description = "Slug or id of the skill to merge away")),
    request_body = MergeInput,
    responses(
        (status = 200, description = "The skill that took over", body = SkillView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn merge(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(skill): Path<String>,
    ApiJson(input): ApiJson<MergeInput>,
) -> ApiResult<Json<SkillView>> {
    Ok(Json(state.app.merge_skill(&viewer, &skill, &input).await?))
}
