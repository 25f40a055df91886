//! The network: connections between people. Your connections and requests are yours to
//! see; someone else's shows you only the connections you share, unless they hide theirs.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lodestar_app::network::introductions::{
    AskInput, AskView, IntroductionInput, IntroductionView, IntroductionsView,
};
use lodestar_app::network::paths::{PathQuery, PathsView};
use lodestar_app::network::{
    ConnectionRequest, ConnectionView, ConnectionsView, NetworkSettings, SharedConnectionsView,
};
use lodestar_domain::network::AskState;

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

/// Introduce two of your connections to each other, with a note on why. Each is asked
/// privately; when both accept they are connected. A decline reads "not now" to you.
#[utoipa::path(post, path = "/api/v1/introductions", tag = "network", security(("bearer" = [])),
    request_body = IntroductionInput,
    responses(
        (status = 201, body = IntroductionView),
        (status = 409, description = "`already_connected`, or `already_introduced` (an open introduction of the two)", body = ErrorBody),
        (status = 422, description = "`a` or `b` is not your connection, the note is missing, or `ask_id` is not an open request to you (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn introduce(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<IntroductionInput>,
) -> ApiResult<impl IntoResponse> {
    let made = state.app.introduce(&viewer, &input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// Introductions of you, introductions you made, and requests for introductions to and
/// from you (with suggestions from your connections for the open ones you were asked).
#[utoipa::path(get, path = "/api/v1/introductions", tag = "network", security(("bearer" = [])),
    responses((status = 200, body = IntroductionsView)))]
pub async fn introductions(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<IntroductionsView>> {
    Ok(Json(state.app.introductions(&viewer).await?))
}

/// One introduction you made or are part of.
#[utoipa::path(get, path = "/api/v1/introductions/{id}", tag = "network", security(("bearer" = [])),
    params(("id" = String, Path, description = "Introduction id")),
    responses((status = 200, body = IntroductionView),
        (status = 404, description = "No introduction of yours has this id", body = ErrorBody)))]
pub async fn introduction(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<IntroductionView>> {
    let id = path_id(&id, "introduction")?;
    Ok(Json(state.app.introduction(&viewer, id).await?))
}

/// Accept an introduction of you. When the other side has accepted too, you are connected
/// and see each other's email address on it.
#[utoipa::path(post, path = "/api/v1/introductions/{id}/accept", tag = "network", security(("bearer" = [])),
    params(("id" = String, Path, description = "Introduction id")),
    responses((status = 200, body = IntroductionView),
        (status = 403, description = "You made it; only the two introduced answer", body = ErrorBody),
        (status = 404, description = "No introduction of yours has this id", body = ErrorBody),
        (status = 409, description = "`already_answered`, or `not_open`", body = ErrorBody)))]
pub async fn accept_introduction(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<IntroductionView>> {
    let id = path_id(&id, "introduction")?;
    Ok(Json(
        state.app.answer_introduction(&viewer, id, true).await?,
    ))
}

/// Decline an introduction of you. Nobody is told you declined: the others see "not now".
#[utoipa::path(post, path = "/api/v1/introductions/{id}/decline", tag = "network", security(("bearer" = [])),
    params(("id" = String, Path, description = "Introduction id")),
    responses((status = 200, body = IntroductionView),
        (status = 403, description = "You made it; only the two introduced answer", body = ErrorBody),
        (status = 404, description = "No introduction of yours has this id", body = ErrorBody),
        (status = 409, description = "`already_answered`, or `not_open`", body = ErrorBody)))]
pub async fn decline_introduction(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<IntroductionView>> {
    let id = path_id(&id, "introduction")?;
    Ok(Json(
        state.app.answer_introduction(&viewer, id, false).await?,
    ))
}

/// Ask a connection for an introduction: to someone who matches a skill at a level, an
/// organisation, an industry or a role, or to `target_id`, someone they know on a path you
/// found. They get a request with suggestions from their own connections.
#[utoipa::path(post, path = "/api/v1/introductions/ask", tag = "network", security(("bearer" = [])),
    request_body = AskInput,
    responses((status = 201, body = AskView),
        (status = 422, description = "`person_id` is not your connection, `target_id` is not someone they can introduce you to, or the query is bad or empty (`validation_failed`)", body = ErrorBody)))]
pub async fn ask(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<AskInput>,
) -> ApiResult<impl IntoResponse> {
    let asked = state.app.ask_introduction(&viewer, &input).await?;
    Ok((StatusCode::CREATED, Json(asked)))
}

/// Answer "not now" to a request for an introduction made to you.
#[utoipa::path(post, path = "/api/v1/introductions/asks/{id}/decline", tag = "network", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = AskView),
        (status = 403, description = "It is your own request", body = ErrorBody),
        (status = 404, description = "No request to or from you has this id", body = ErrorBody),
        (status = 409, description = "Answered already (`not_open`)", body = ErrorBody)))]
pub async fn decline_ask(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<AskView>> {
    let id = path_id(&id, "request")?;
    Ok(Json(
        state.app.close_ask(&viewer, id, AskState::NotNow).await?,
    ))
}

/// Withdraw your request for an introduction.
#[utoipa::path(post, path = "/api/v1/introductions/asks/{id}/withdraw", tag = "network", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = AskView),
        (status = 403, description = "It is a request to you, not yours", body = ErrorBody),
        (status = 404, description = "No request to or from you has this id", body = ErrorBody),
        (status = 409, description = "Answered already (`not_open`)", body = ErrorBody)))]
pub async fn withdraw_ask(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<AskView>> {
    let id = path_id(&id, "request")?;
    Ok(Json(
        state
            .app
            .close_ask(&viewer, id, AskState::Withdrawn)
            .await?,
    ))
}
