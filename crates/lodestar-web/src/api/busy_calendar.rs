//! Your busy calendar: how the fetches of the `.ics` URL you gave with your availability
//! go, and fetching it now.

use axum::Json;
use axum::extract::State;
use lodestar_app::busy_calendar::BusyCalendarStatus;

use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

/// Your busy calendar's address and how its last fetch went (`status` is `none` when you
/// have not given one). Its busy times block your booking slots.
#[utoipa::path(get, path = "/api/v1/me/busy-calendar", tag = "booking", security(("bearer" = [])),
    responses((status = 200, body = BusyCalendarStatus), (status = 401, body = ErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<BusyCalendarStatus>> {
    Ok(Json(state.app.busy_calendar_status(&viewer).await?))
}

/// Fetch your busy calendar now rather than at its next turn; at most once a minute.
#[utoipa::path(post, path = "/api/v1/me/busy-calendar/refresh", tag = "booking", security(("bearer" = [])),
    responses(
        (status = 200, description = "Fetched; the status says how it went (a failed fetch is `status: error`, not an HTTP error)", body = BusyCalendarStatus),
        (status = 401, body = ErrorBody),
        (status = 404, description = "You have no busy calendar (`not_found`)", body = ErrorBody),
        (status = 429, description = "Fetched less than a minute ago (`rate_limited`, with Retry-After)", body = ErrorBody),
    ))]
pub async fn refresh(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<BusyCalendarStatus>> {
    Ok(Json(state.app.refresh_busy_calendar(&viewer).await?))
}
