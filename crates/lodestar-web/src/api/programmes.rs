//! Programmes: instance admins create and archive them, instance and programme admins edit
//! them, anyone signed in reads the ones not archived and enrols while enrolment is open.
//! An enrolment is seen by its person and the programme's admins only.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lodestar_app::programmes::enrolments::{
    EnrolmentInput, EnrolmentPage, EnrolmentQuery, EnrolmentView, InvitationView,
};
use lodestar_app::programmes::match_runs::{
    MatchRunEdit, MatchRunInput, MatchRunStarted, MatchRunSummary, MatchRunView, Published,
};
use lodestar_app::programmes::participants::{ImportQuery, ImportReport};
use lodestar_app::programmes::report::ProgrammeReport;
use lodestar_app::programmes::{ProgrammeInput, ProgrammePage, ProgrammeQuery, ProgrammeView};

use super::export::{CSV, download};
use super::extract::{ApiCsv, ApiJson, ApiQuery, path_id};
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
        (status = 409, description = "The questions differ from the form people enrolled with (`questions_frozen`): a PUT carries the whole definition, questions included", body = ErrorBody),
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

/// Enrol in a programme whose enrolment is open today, as mentee, mentor or both, with the
/// form's answers. Approved at once, or pending where the programme asks for approval.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/enrolments", tag = "programmes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Programme id")),
    request_body = EnrolmentInput,
    responses((status = 201, body = EnrolmentView),
        (status = 404, description = "No programme you may see has this id", body = ErrorBody),
        (status = 409, description = "Enrolment is not open (`enrolment_closed`), the programme takes enrolments by invitation only (`invitation_required`), you are enrolled already (`already_enrolled`) or were declined (`enrolment_declined`)", body = ErrorBody),
        (status = 422, description = "A bad role or answer, each named (`answers.N`)", body = ErrorBody)))]
pub async fn enrol(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<EnrolmentInput>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "programme")?;
    let made = state.app.enrol(&viewer, id, &input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// A programme's enrolments, oldest first, with how many are in each state by role (the
/// programme's admins and instance admins).
#[utoipa::path(get, path = "/api/v1/programmes/{id}/enrolments", tag = "programmes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Programme id"), EnrolmentQuery),
    responses((status = 200, body = EnrolmentPage),
        (status = 403, description = "Not an admin of it", body = ErrorBody),
        (status = 404, description = "No programme you may see has this id", body = ErrorBody),
        (status = 422, description = "A bad filter or page (`validation_failed`)", body = ErrorBody)))]
pub async fn enrolments(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<EnrolmentQuery>,
) -> ApiResult<Json<EnrolmentPage>> {
    let id = path_id(&id, "programme")?;
    Ok(Json(state.app.enrolments(&viewer, id, &query).await?))
}

/// Make a new invitation link (the programme's admins and instance admins); the old one
/// stops working.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/invitation", tag = "programmes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Programme id")),
    responses((status = 200, body = InvitationView),
        (status = 403, description = "Not an admin of it", body = ErrorBody),
        (status = 404, description = "No programme you may see has this id", body = ErrorBody)))]
pub async fn new_invitation(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<InvitationView>> {
    let id = path_id(&id, "programme")?;
    Ok(Json(state.app.new_invitation(&viewer, id).await?))
}

/// One enrolment (its person, the programme's admins and instance admins).
#[utoipa::path(get, path = "/api/v1/enrolments/{id}", tag = "programmes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Enrolment id")),
    responses((status = 200, body = EnrolmentView),
        (status = 404, description = "No enrolment you may see has this id", body = ErrorBody)))]
pub async fn enrolment(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<EnrolmentView>> {
    let id = path_id(&id, "enrolment")?;
    Ok(Json(state.app.enrolment(&viewer, id).await?))
}

/// Withdraw your enrolment, or remove one as an admin of the programme.
#[utoipa::path(delete, path = "/api/v1/enrolments/{id}", tag = "programmes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Enrolment id")),
    responses((status = 204, description = "Withdrawn"),
        (status = 404, description = "No live enrolment you may see has this id", body = ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = path_id(&id, "enrolment")?;
    state.app.withdraw_enrolment(&viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Approve a pending enrolment (the programme's admins and instance admins).
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/approve", tag = "programmes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Enrolment id")),
    responses((status = 200, body = EnrolmentView),
        (status = 403, description = "Not an admin of its programme", body = ErrorBody),
        (status = 404, description = "No enrolment you may see has this id", body = ErrorBody),
        (status = 409, description = "It is not pending (`not_pending`)", body = ErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<EnrolmentView>> {
    let id = path_id(&id, "enrolment")?;
    Ok(Json(state.app.decide_enrolment(&viewer, id, true).await?))
}

/// Decline a pending enrolment (the programme's admins and instance admins).
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/decline", tag = "programmes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Enrolment id")),
    responses((status = 200, body = EnrolmentView),
        (status = 403, description = "Not an admin of its programme", body = ErrorBody),
        (status = 404, description = "No enrolment you may see has this id", body = ErrorBody),
        (status = 409, description = "It is not pending (`not_pending`)", body = ErrorBody)))]
pub async fn decline(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<EnrolmentView>> {
    let id = path_id(&id, "enrolment")?;
    Ok(Json(state.app.decide_enrolment(&viewer, id, false).await?))
}

/// Start a cohort match run (the programme's admins and instance admins): everyone
/// enrolled as a mentee who has no mentor in the programme, with its enrolled mentors,
/// under its rules. It solves in the background: read it until its state is `draft`.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/match-runs", tag = "programmes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Programme id")),
    request_body = MatchRunInput,
    responses((status = 202, body = MatchRunStarted),
        (status = 403, description = "Not an admin of it", body = ErrorBody),
        (status = 404, description = "No programme you may see has this id", body = ErrorBody),
        (status = 409, description = "Another run of the programme is solving (`match_run_running`)", body = ErrorBody),
        (status = 422, description = "A bad objective or minimum score (`validation_failed`)", body = ErrorBody)))]
pub async fn start_match_run(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MatchRunInput>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "programme")?;
    let started = state.app.start_match_run(&viewer, id, &input).await?;
    Ok((StatusCode::ACCEPTED, Json(started)))
}

/// A programme's match runs, newest first (the programme's admins and instance admins).
#[utoipa::path(get, path = "/api/v1/programmes/{id}/match-runs", tag = "programmes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Programme id")),
    responses((status = 200, body = Vec<MatchRunSummary>),
        (status = 403, description = "Not an admin of it", body = ErrorBody),
        (status = 404, description = "No programme you may see has this id", body = ErrorBody)))]
pub async fn match_runs(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<MatchRunSummary>>> {
    let id = path_id(&id, "programme")?;
    Ok(Json(state.app.match_runs(&viewer, id).await?))
}

/// A match run: while `running`, what it is doing; as a `draft`, every pair with its
/// reasons, the unmatched and why, the quality report, and the edits with their cost.
#[utoipa::path(get, path = "/api/v1/match-runs/{id}", tag = "programmes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Match run id")),
    responses((status = 200, body = MatchRunView),
        (status = 404, description = "No run you may see has this id", body = ErrorBody)))]
pub async fn match_run(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<MatchRunView>> {
    let id = path_id(&id, "match run")?;
    Ok(Json(state.app.match_run(&viewer, id).await?))
}

/// Lock, forbid or release pairs of a draft, and solve again around them: locked pairs are
/// kept, forbidden ones never made, and the rest optimal again.
#[utoipa::path(patch, path = "/api/v1/match-runs/{id}", tag = "programmes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Match run id")),
    request_body = MatchRunEdit,
    responses((status = 202, body = MatchRunStarted),
        (status = 404, description = "No run you may see has this id", body = ErrorBody),
        (status = 409, description = "Not a draft (`not_draft`), or another run is solving (`match_run_running`)", body = ErrorBody),
        (status = 422, description = "Every bad pair named (`lock[0]`, `forbid[1]`)", body = ErrorBody)))]
pub async fn edit_match_run(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(edit): ApiJson<MatchRunEdit>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "match run")?;
    let started = state.app.edit_match_run(&viewer, id, &edit).await?;
    Ok((StatusCode::ACCEPTED, Json(started)))
}

/// Publish a draft: its mentorships are made in the programme, within each mentor's
/// capacity as it is now, and both sides are told why. Publishing again makes nothing.
#[utoipa::path(post, path = "/api/v1/match-runs/{id}/publish", tag = "programmes", security(("bearer" = [])),
    params(("id" = String, Path, description = "Match run id")),
    responses((status = 200, body = Published),
        (status = 404, description = "No run you may see has this id", body = ErrorBody),
        (status = 409, description = "Still solving, or failed (`not_draft`)", body = ErrorBody)))]
pub async fn publish_match_run(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<Published>> {
    let id = path_id(&id, "match run")?;
    Ok(Json(state.app.publish_match_run(&viewer, id).await?))
}

/// Enrol many participants from a CSV file (the programme's admins and instance admins).
///
/// One row a person, under a header row with the columns `name`, `email`, `role` (`mentee`,
/// `mentor` or `both`), `department`, and one column per question of the programme's form,
/// headed by the question's text (a multiple choice's options joined by `;`, a scale's
/// number). `email` and `role` are required columns, and so is a required question's;
/// `name` is needed for anyone new to Lodestar. A `state` column, as the export writes,
/// is ignored. Rows are counted as a spreadsheet shows them, the header being row 1.
///
/// People with an account (by e-mail) are enrolled or their enrolment brought up to date;
/// people new to Lodestar get an account and an e-mail inviting them to set a password.
/// Enrolments an import makes are approved. Every bad row and column is named at once
/// under `row N.column` (or `header.column`, or `file`) and nothing is written; a good
/// file is written whole in one transaction. With `dry_run=true` the file is checked
/// and counted and nothing is written.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/participants/import", tag = "programmes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Programme id"), ImportQuery),
    request_body(content = String, content_type = "text/csv",
        description = "The participants file, UTF-8, at most 64 MiB",
        example = "name,email,role,department,How would you like to meet?\nAda Lovelace,ada@example.org,mentee,Research,Online\n"),
    responses((status = 200, body = ImportReport),
        (status = 400, description = "The query string has the wrong type (`invalid_query`)", body = ErrorBody),
        (status = 403, description = "Not an admin of it", body = ErrorBody),
        (status = 404, description = "No programme you may see has this id", body = ErrorBody),
        (status = 409, description = "The programme has ended (`programme_ended`), or someone enrolled or joined while the file was written (`import_conflict`); nothing was written", body = ErrorBody),
        (status = 413, description = "The file is larger than 64 MiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not sent as `text/csv` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "Every bad row and column at once, keyed `row N.column` (`validation_failed`); nothing written", body = ErrorBody)))]
pub async fn import_participants(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ImportQuery>,
    ApiCsv(file): ApiCsv,
) -> ApiResult<Json<ImportReport>> {
    let id = path_id(&id, "programme")?;
    Ok(Json(
        state
            .app
            .import_participants(&viewer, id, file, query.dry_run)
            .await?,
    ))
}

/// Everyone enrolled, approved or waiting, as a CSV file an import reads back: the import's
/// columns, then each enrolment's `state` (the programme's admins and instance admins).
#[utoipa::path(get, path = "/api/v1/programmes/{id}/participants.csv", tag = "programmes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Programme id")),
    responses((status = 200, description = "The participants file", content_type = "text/csv", body = String),
        (status = 403, description = "Not an admin of it", body = ErrorBody),
        (status = 404, description = "No programme you may see has this id", body = ErrorBody)))]
pub async fn participants_csv(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = path_id(&id, "programme")?;
    let body = state.app.participants_csv(&viewer, id).await?;
    Ok(download(CSV, &format!("participants-{id}.csv"), body))
}

/// Every mentorship made in the programme, one row a mentee, with its mentors, state and
/// dates, as a CSV file (the programme's admins and instance admins).
#[utoipa::path(get, path = "/api/v1/programmes/{id}/matches.csv", tag = "programmes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Programme id")),
    responses((status = 200, description = "The matches file: mentorship, state, started_on, ended_on, mentor_name, mentor_email, mentee_name, mentee_email", content_type = "text/csv", body = String),
        (status = 403, description = "Not an admin of it", body = ErrorBody),
        (status = 404, description = "No programme you may see has this id", body = ErrorBody)))]
pub async fn matches_csv(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = path_id(&id, "programme")?;
    let body = state.app.matches_csv(&viewer, id).await?;
    Ok(download(CSV, &format!("matches-{id}.csv"), body))
}

/// A programme's dashboard and report: enrolment, matching, sessions, stalled mentorships,
/// unanswered requests, goals and check-in participation; then confidence and skill levels
/// at the start against now, career outcomes, ratings and retention. Aggregates only: a
/// figure resting on fewer than `min_group` (5) people is `null` and `suppressed` (the
/// programme's admins and instance admins).
#[utoipa::path(get, path = "/api/v1/programmes/{id}/report", tag = "programmes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Programme id")),
    responses((status = 200, body = ProgrammeReport),
        (status = 403, description = "Not an admin of it", body = ErrorBody),
        (status = 404, description = "No programme you may see has this id", body = ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<ProgrammeReport>> {
    let id = path_id(&id, "programme")?;
    Ok(Json(state.app.programme_report(&viewer, id).await?))
}

/// The report as a CSV file, one row a figure: section, measure, value, people; a figure
/// held back says so in its value (the programme's admins and instance admins).
#[utoipa::path(get, path = "/api/v1/programmes/{id}/report.csv", tag = "programmes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Programme id")),
    responses((status = 200, description = "The report file: section, measure, value, people", content_type = "text/csv", body = String),
        (status = 403, description = "Not an admin of it", body = ErrorBody),
        (status = 404, description = "No programme you may see has this id", body = ErrorBody)))]
pub async fn report_csv(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = path_id(&id, "programme")?;
    let body = state.app.programme_report_csv(&viewer, id).await?;
    Ok(download(CSV, &format!("report-{id}.csv"), body))
}
