//! Instance admins: the audit log of admin actions.

use axum::Json;
use axum::extract::State;
use lodestar_app::audit::{AuditPage, AuditQuery};

use super::extract::ApiQuery;
use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

/// Instance admins: the audit log, newest first: who did what to which record, and when.
/// Page with `before` (the previous page's `older`); filter by `actor` (a person's id) and
/// `action` (`skill.merge`).
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "audit", security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, body = AuditPage),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not an instance admin (`forbidden`)", body = ErrorBody),
        (status = 422, description = "A bad `before`, `limit`, `actor` or `action` (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    Ok(Json(state.app.audit_log(&viewer, &query).await?))
}
