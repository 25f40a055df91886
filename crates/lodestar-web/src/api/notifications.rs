//! Your inbox and which notices reach you by e-mail.

use axum::Json;
use axum::extract::State;
use lodestar_app::inbox::{
    InboxPage, InboxQuery, MarkRead, MarkedRead, PreferenceChoices, Preferences,
};

use super::extract::{ApiJson, ApiQuery};
use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

/// Your notifications, newest first, with the number still unread.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "notifications", security(("bearer" = [])),
    params(InboxQuery),
    responses(
        (status = 200, body = InboxPage),
        (status = 401, body = ErrorBody),
        (status = 422, description = "A bad `page` or `per_page` (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiQuery(query): ApiQuery<InboxQuery>,
) -> ApiResult<Json<InboxPage>> {
    Ok(Json(state.app.notifications(&viewer, &query).await?))
}

/// Mark notifications read: `{"ids": [...]}` or `{"all": true}`. Ids that are not yours
/// change nothing.
#[utoipa::path(post, path = "/api/v1/me/notifications/read", tag = "notifications", security(("bearer" = [])),
    request_body = MarkRead,
    responses(
        (status = 200, body = MarkedRead),
        (status = 401, body = ErrorBody),
        (status = 422, description = "Neither or both of `ids` and `all`, or a malformed id (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn mark_read(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<MarkRead>,
) -> ApiResult<Json<MarkedRead>> {
    Ok(Json(
        state.app.mark_notifications_read(&viewer, &input).await?,
    ))
}

/// Which kinds of event you get e-mail about. In-app notifications are always on.
#[utoipa::path(get, path = "/api/v1/me/notification-preferences", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = Preferences), (status = 401, body = ErrorBody)))]
pub async fn preferences(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<Preferences>> {
    Ok(Json(state.app.notification_preferences(&viewer).await?))
}

/// Turn e-mail on or off per kind of event: `{"email": {"session_reminder": false}}`. Kinds
/// not named keep their setting.
#[utoipa::path(put, path = "/api/v1/me/notification-preferences", tag = "notifications", security(("bearer" = [])),
    request_body = PreferenceChoices,
    responses(
        (status = 200, body = Preferences),
        (status = 401, body = ErrorBody),
        (status = 422, description = "An unknown kind, as the field `email.<kind>` (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn set_preferences(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<PreferenceChoices>,
) -> ApiResult<Json<Preferences>> {
    Ok(Json(
        state
            .app
            .set_notification_preferences(&viewer, &input)
            .await?,
    ))
}
