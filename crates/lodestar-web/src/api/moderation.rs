//! Admins: reported messages and what was done about them, acting on a report, and
//! suspended accounts.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lodestar_app::moderation::{ActionInput, ReportList, ReportView, SuspendedList};

use super::extract::{ApiJson, path_id};
use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

/// Admins: every report, open ones first. Each has the reported message as it was when
/// reported (the one thing of a conversation an admin ever reads, because a party shared
/// it), its author, who is in the thread, and every action taken.
#[utoipa::path(get, path = "/api/v1/admin/reports", tag = "moderation", security(("bearer" = [])),
    responses(
        (status = 200, body = ReportList),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
    ))]
pub async fn reports(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<ReportList>> {
    Ok(Json(state.app.reports(&viewer).await?))
}

/// Admins: act on a report: `{"action": "warn|suspend|close_thread|dismiss", "note"}`.
/// `warn` sends the author a `moderation_warning` notice with the note; `suspend` ends the
/// author's sessions and tokens and refuses their log-ins until lifted; `close_thread`
/// closes the thread to new messages. The action is recorded on the report, which is
/// resolved; answers the report as it is now.
#[utoipa::path(post, path = "/api/v1/admin/reports/{id}/actions", tag = "moderation", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")),
    request_body = ActionInput,
    responses(
        (status = 201, body = ReportView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such report (`not_found`)", body = ErrorBody),
        (status = 409, description = "Suspending your own account (`cannot_suspend_yourself`)", body = ErrorBody),
        (status = 422, description = "An unknown `action` or too long a `note` (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn act(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ActionInput>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "report")?;
    let report = state.app.act_on_report(&viewer, id, &input).await?;
    Ok((StatusCode::CREATED, Json(report)))
}

/// Admins: the suspended accounts, the most recent first.
#[utoipa::path(get, path = "/api/v1/admin/suspensions", tag = "moderation", security(("bearer" = [])),
    responses(
        (status = 200, body = SuspendedList),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
    ))]
pub async fn suspensions(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<SuspendedList>> {
    Ok(Json(state.app.suspended_accounts(&viewer).await?))
}

/// Admins: lift a person's suspension; they can log in again. Recorded.
#[utoipa::path(delete, path = "/api/v1/admin/suspensions/{id}", tag = "moderation", security(("bearer" = [])),
    params(("id" = String, Path, description = "Person id")),
    responses(
        (status = 204, description = "Lifted"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such person, or not suspended (`not_found`)", body = ErrorBody),
    ))]
pub async fn lift(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = path_id(&id, "suspension")?;
    state.app.lift_suspension(&viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
