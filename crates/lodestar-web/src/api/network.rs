//! The network: connections between people. Your connections and requests are yours to
//! see; someone else's shows you only the connections you share, unless they hide theirs.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lodestar_app::network::paths::{PathQuery, PathsView};
use lodestar_app::network::{
    ConnectionRequest, ConnectionView, ConnectionsView, NetworkSettings, SharedConnectionsView,
};

use super::extract::{ApiJson, ApiQuery, path_id};
use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

/// Ask someone to connect. They must be someone you can see in the directory. If they
/// asked you already, this accepts their request (the answer's `state` is `accepted`).
#[utoipa::path(post, path = "/api/v1/connections", tag = "network", security(("bearer" = [])),
    request_body = ConnectionRequest,
    responses(
        (status = 201, body = ConnectionView),
        (status = 404, description = "No such person you can see", body = ErrorBody),
        (status = 409, description = "`already_connected`, or `already_requested`", body = ErrorBody),
        (status = 422, description = "`person_id` is not a person id, or is yours (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn request(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<ConnectionRequest>,
) -> ApiResult<impl IntoResponse> {
    let made = state.app.request_connection(&viewer, &input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// Your connections, the requests waiting for your answer and your own requests.
#[utoipa::path(get, path = "/api/v1/connections", tag = "network", security(("bearer" = [])),
    responses((status = 200, body = ConnectionsView)))]
pub async fn mine(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<ConnectionsView>> {
    Ok(Json(state.app.my_connections(&viewer).await?))
}

/// Accept a request to connect made to you.
#[utoipa::path(post, path = "/api/v1/connections/{id}/accept", tag = "network", security(("bearer" = [])),
    params(("id" = String, Path, description = "Connection id")),
    responses((status = 200, body = ConnectionView),
        (status = 403, description = "It is your own request", body = ErrorBody),
        (status = 404, description = "No connection or request of yours has this id", body = ErrorBody),
        (status = 409, description = "Not a request waiting for your answer (`not_pending`)", body = ErrorBody)))]
pub async fn accept(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<ConnectionView>> {
    let id = path_id(&id, "connection")?;
    Ok(Json(state.app.accept_connection(&viewer, id).await?))
}

/// Remove a connection, decline a request made to you, or withdraw yours.
#[utoipa::path(delete, path = "/api/v1/connections/{id}", tag = "network", security(("bearer" = [])),
    params(("id" = String, Path, description = "Connection id")),
    responses((status = 204, description = "Removed"),
        (status = 404, description = "No connection or request of yours has this id", body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = path_id(&id, "connection")?;
    state.app.remove_connection(&viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A person's connections as you may see them: the ones you share with them (all of
/// them, if it is you), none if they hide their connections; and your own connection or
/// request with them.
#[utoipa::path(get, path = "/api/v1/people/{id}/connections", tag = "network", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id")),
    responses((status = 200, body = SharedConnectionsView),
        (status = 404, description = "No such person you can see", body = ErrorBody)))]
pub async fn of_person(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<SharedConnectionsView>> {
    let id = path_id(&id, "person")?;
    Ok(Json(state.app.connections_of(&viewer, id).await?))
}

/// Your network settings.
#[utoipa::path(get, path = "/api/v1/me/network", tag = "network", security(("bearer" = [])),
    responses((status = 200, body = NetworkSettings)))]
pub async fn settings(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<NetworkSettings>> {
    Ok(Json(state.app.network_settings(&viewer).await?))
}

/// Change your network settings: whether you hide your connections.
#[utoipa::path(put, path = "/api/v1/me/network", tag = "network", security(("bearer" = [])),
    request_body = NetworkSettings,
    responses((status = 200, body = NetworkSettings)))]
pub async fn set_settings(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<NetworkSettings>,
) -> ApiResult<Json<NetworkSettings>> {
    Ok(Json(state.app.set_network_settings(&viewer, &input).await?))
}

/// Who can introduce you: the strongest and shortest paths (up to 3 links) from you to the
/// people who match a skill at a level, an organisation, an industry or a role. A
/// mentorship counts more than a connection, and an introduction made before counts too.
/// People who hide their connections are never a step on a path.
#[utoipa::path(get, path = "/api/v1/me/paths", tag = "network", security(("bearer" = [])),
    params(PathQuery),
    responses((status = 200, body = PathsView),
        (status = 422, description = "A bad or empty query (`validation_failed`, by field)", body = ErrorBody)))]
pub async fn paths(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiQuery(query): ApiQuery<PathQuery>,
) -> ApiResult<Json<PathsView>> {
    Ok(Json(state.app.paths(&viewer, &query).await?))
}
