//! Profiles and the people directory.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use lodestar_app::directory::{DirectoryPage, DirectoryQuery};
use lodestar_app::people::{ProfileUpdate, ProfileView};
use lodestar_app::recommendations::{DEFAULT_LIMIT, Recommendations};
use serde::Serialize;
use utoipa::ToSchema;

use super::extract::{ApiJson, ApiQuery, path_id};
use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

/// Your own profile, hidden fields included.
#[utoipa::path(get, path = "/api/v1/me/profile", tag = "people", security(("bearer" = [])),
    responses((status = 200, body = ProfileView), (status = 401, body = ErrorBody)))]
pub async fn my_profile(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<ProfileView>> {
    Ok(Json(state.app.my_profile(&viewer).await?))
}

/// Edit your profile. Send only the fields to change. Every invalid field is reported at
/// once under `error.fields` (e.g. `mentor_skills[1].level`), and nothing changes.
#[utoipa::path(patch, path = "/api/v1/me/profile", tag = "people", security(("bearer" = [])),
    request_body = ProfileUpdate,
    responses(
        (status = 200, body = ProfileView),
        (status = 401, body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`) or body (`invalid_body`)", body = ErrorBody),
    ))]
pub async fn update_my_profile(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(update): ApiJson<ProfileUpdate>,
) -> ApiResult<Json<ProfileView>> {
    Ok(Json(state.app.update_profile(&viewer, update).await?))
}

/// Search the people directory. Filters combine; results are paginated. Found by skill,
/// people are ordered by their level in it, then by name.
#[utoipa::path(get, path = "/api/v1/people", tag = "people", security(("bearer" = [])),
    params(DirectoryQuery),
    responses((status = 200, body = DirectoryPage), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn directory(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiQuery(query): ApiQuery<DirectoryQuery>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let page = state.app.directory(&viewer, &query).await?;
    // A cached page keeps its JSON, so a repeated search is not serialised again.
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        page.to_json().to_vec(),
    )
        .into_response())
}

/// A person's profile, without the fields they hide. People not listed in the directory
/// are not found.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id")),
    responses((status = 200, body = ProfileView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn person(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<ProfileView>> {
    Ok(Json(
        state.app.profile(&viewer, path_id(&id, "person")?).await?,
    ))
}

/// How many recommendations to return.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecommendationQuery {
    /// 1–50, default 10.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 50)]
    pub limit: Option<String>,
}

/// The mentors who fit you best, best first, each with the reasons in words. Mentors with
/// no free places, no language in common with you, or who blocked you are never shown.
/// Ranked by fit less a price for how many other mentees want the same mentor
/// (`spread_by_demand`), so that popular mentors are not shown to everyone.
#[utoipa::path(get, path = "/api/v1/me/recommendations", tag = "people", security(("bearer" = [])),
    params(RecommendationQuery),
    responses(
        (status = 200, body = Recommendations),
        (status = 401, body = ErrorBody),
        (status = 422, description = "A bad `limit`, or you have not said you want a mentor (`wants_mentor`)", body = ErrorBody),
    ))]
pub async fn recommendations(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiQuery(query): ApiQuery<RecommendationQuery>,
) -> ApiResult<Json<Recommendations>> {
    let limit = match query.limit.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_LIMIT,
        Some(raw) => raw.parse().unwrap_or(0),
    };
    Ok(Json(state.app.recommendations(&viewer, limit).await?))
}

/// The people you have blocked.
#[derive(Debug, Serialize, ToSchema)]
pub struct Blocked {
    /// Their ids, most recently blocked first.
    pub people: Vec<String>,
}

/// The people you have blocked: they are never suggested to you, nor you to them, and
/// never matched with you.
#[utoipa::path(get, path = "/api/v1/me/blocks", tag = "people", security(("bearer" = [])),
    responses((status = 200, body = Blocked), (status = 401, body = ErrorBody)))]
pub async fn blocked(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<Blocked>> {
    let people = state.app.blocked(&viewer).await?;
    Ok(Json(Blocked {
        people: people.iter().map(ToString::to_string).collect(),
    }))
}

/// Block someone: they are never suggested to you, nor you to them, and never matched with
/// you. Blocking twice is not an error.
#[utoipa::path(put, path = "/api/v1/me/blocks/{id}", tag = "people", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id")),
    responses(
        (status = 204, description = "Blocked"),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such person (or not one you can see)", body = ErrorBody),
        (status = 422, description = "Yourself", body = ErrorBody),
    ))]
pub async fn block(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.app.block(&viewer, path_id(&id, "person")?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lift a block.
#[utoipa::path(delete, path = "/api/v1/me/blocks/{id}", tag = "people", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id")),
    responses(
        (status = 204, description = "No longer blocked"),
        (status = 401, body = ErrorBody),
        (status = 404, description = "You had not blocked them", body = ErrorBody),
    ))]
pub async fn unblock(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.app.unblock(&viewer, path_id(&id, "person")?).await?;
    Ok(StatusCode::NO_CONTENT)
}
