//! Your whole growth record to take away: one JSON document, or one CSV table per kind of
//! record. Only its owner exports it (the routes are under `/me`); the pages download the
//! same files under the browser's session.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use lodestar_app::growth::export::GrowthExport;
use lodestar_app::me_export::PersonalExport;

use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

pub const CSV: &str = "text/csv; charset=utf-8; header=present";

/// A file to save, never kept by a cache on the way: it is one person's record.
pub(crate) fn download(content_type: &'static str, file_name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// The export as the JSON file to save.
pub(crate) fn json_download(export: &GrowthExport) -> Result<Response, lodestar_app::AppError> {
    let body = serde_json::to_string_pretty(export)
        .map_err(|e| lodestar_app::AppError::Internal(format!("writing the export: {e}")))?;
    Ok(download("application/json", &export.file_name(None), body))
}

/// Everything Lodestar holds about you as the JSON file to save.
pub(crate) fn personal_download(
    export: &PersonalExport,
) -> Result<Response, lodestar_app::AppError> {
    let body = serde_json::to_string_pretty(export)
        .map_err(|e| lodestar_app::AppError::Internal(format!("writing the export: {e}")))?;
    Ok(download("application/json", &export.file_name(), body))
}

/// Everything Lodestar holds about you, as one JSON document saved as
/// `lodestar-me-YYYY-MM-DD.json`: your account (id, name, email, admin flag, when it was
/// made — never your password's hash), your whole profile with its skills, your settings
/// (e-mail per kind of event, messaging, network, taking requests), your API tokens' and
/// browser sessions' metadata (never a secret), mentorship requests sent and received,
/// your mentorships (the other members by name) with every session, your availability,
/// connections and introductions, your whole growth record (goals, check-ins, career path
/// and plan, outcomes, assessments, feedback — as `GET /api/v1/me/growth/export`), and
/// your own rows of the rest under `records`: your contact, reflection and private rating
/// in each mentorship, the session notes you wrote (private ones included), your action
/// items, bookings, the messages you wrote, your comments on goals, opportunities you
/// posted, marked or shared, programme enrolments with your answers, the people you
/// blocked, your notifications and your busy calendar. What others wrote privately (their
/// private notes, their ratings) and what others wrote to you in messages are not in it.
#[utoipa::path(get, path = "/api/v1/me/export", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, description = "An attachment", body = PersonalExport,
        headers(("Cache-Control" = String, description = "`private, no-store`"))),
        (status = 401, body = ErrorBody)))]
pub async fn personal(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Response> {
    let export = state.app.personal_export(&viewer).await?;
    Ok(personal_download(&export)?)
}

/// Your whole growth record as one JSON document, saved as
/// `lodestar-growth-YYYY-MM-DD.json`: your goals (with milestones, obstacles, skills,
/// comments, and whom each is shared with), every check-in and your check-in cadence, your
/// career path and plan, your career outcomes, and when it was exported.
#[utoipa::path(get, path = "/api/v1/me/growth/export", tag = "growth", security(("bearer" = [])),
    responses((status = 200, description = "An attachment", body = GrowthExport)))]
pub async fn json(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Response> {
    let export = state.app.growth_export(&viewer).await?;
    Ok(json_download(&export)?)
}

/// One part of your growth record as a CSV table (RFC 4180, a header row, a row per
/// record): `goals`, `milestones`, `check_ins`, `career_steps` or `outcomes`. A cell that
/// would begin a spreadsheet formula (`=`, `+`, `-`, `@`, a tab or a carriage return) is
/// written with a single quote in front, so it is shown as text.
#[utoipa::path(get, path = "/api/v1/me/growth/export/{part}.csv", tag = "growth", security(("bearer" = [])),
    params(("part" = String, Path, description = "`goals`, `milestones`, `check_ins`, `career_steps` or `outcomes`")),
    responses((status = 200, description = "An attachment", content_type = "text/csv", body = String),
        (status = 404, description = "No such part", body = ErrorBody)))]
pub async fn csv(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(file): Path<String>,
) -> ApiResult<Response> {
    let (name, body) = state.app.growth_export_csv(&viewer, &file).await?;
    Ok(download(CSV, &name, body))
}
