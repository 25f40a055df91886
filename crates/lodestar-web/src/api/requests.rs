//! Mentorship requests: asking a mentor or offering to mentor, answering, withdrawing;
//! and whether you take requests.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lodestar_app::requests::{
    Accepted, NewRequestInput, ProgrammeMentorView, RequestView, StandingView,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiJson, ApiQuery, OptionalJson, path_id};
use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

/// Ask a mentor to mentor you (`mentor_id`), or, as a mentor, offer to mentor someone who
/// wants a mentor (`mentee_id`). The request waits for an answer until it expires (after
/// 14 days by default). `skills` must come from the mentee's list of skills they want to
/// grow. Someone you cannot see, who blocked you or whom you blocked is not found.
///
/// With `programme_id`, you ask one of a programme's mentors inside it, as one of its
/// approved mentees (self-service and admin-assisted programmes): the mentor's places are
/// counted as the programme counts them, and the mentorship belongs to the programme. In
/// an admin-assisted programme the request first waits for one of its admins to approve it
/// (`review: "waiting"`); the mentor sees it only then.
#[utoipa::path(post, path = "/api/v1/requests", tag = "requests", security(("bearer" = [])),
    request_body = NewRequestInput,
    responses(
        (status = 201, description = "Sent, waiting for an answer (or for a programme admin's approval)", body = RequestView),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such person, or not one you can ask; no such programme (`not_found`)", body = ErrorBody),
        (status = 409, description = "`too_many_open_requests` (you have as many requests waiting as you may), \
            `request_exists` (one between you two is already waiting), `mentor_not_accepting` (the mentor \
            has turned requests off), `mentor_at_capacity` (no free place), `mentorship_exists` (you two \
            already have one under way), `mentor_in_programme` (you have a mentor in the programme already), \
            `not_enrolled` (an enrolment was withdrawn meanwhile)", body = ErrorBody),
        (status = 422, description = "Invalid fields (`validation_failed`): yourself, someone who does not \
            mentor (or does not want a mentor), skills not on the mentee's list (`skills[i]`), focus areas, \
            cadence, duration (1–104 weeks), message length; `programme_id` (a cohort programme, an ended \
            one, an offer, or you are not an approved mentee in it), `mentor_id` (not a mentor in the \
            programme, or in your department under its department rule)", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<NewRequestInput>,
) -> ApiResult<impl IntoResponse> {
    let request = state.app.send_request(&viewer, input).await?;
    Ok((StatusCode::CREATED, Json(request)))
}

/// Which requests to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `incoming` (yours to answer) or `outgoing` (sent by you); both when left out.
    pub direction: Option<String>,
    /// pending, accepted, declined, withdrawn or expired; any when left out.
    pub state: Option<String>,
}

/// Your requests, newest first (at most 200).
#[utoipa::path(get, path = "/api/v1/requests", tag = "requests", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Vec<RequestView>),
        (status = 401, body = ErrorBody),
        (status = 422, description = "An unknown direction or state (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<Vec<RequestView>>> {
    let found = state
        .app
        .requests(&viewer, query.direction.as_deref(), query.state.as_deref())
        .await?;
    Ok(Json(found))
}

/// One request. Only its two parties can see it.
#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, body = RequestView),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such request, or not yours (`not_found`)", body = ErrorBody),
    ))]
pub async fn show(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<RequestView>> {
    let request = state.app.request(&viewer, path_id(&id, "request")?).await?;
    Ok(Json(request))
}

/// Accept a request sent to you: the mentorship starts at once. Refused when the mentor
/// has no free place left, however many accepts race.
#[utoipa::path(post, path = "/api/v1/requests/{id}/accept", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, description = "Accepted; the mentorship has begun", body = Accepted),
        (status = 401, body = ErrorBody),
        (status = 403, description = "You sent it: only the other person can accept (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such request, or not yours (`not_found`)", body = ErrorBody),
        (status = 409, description = "`mentor_at_capacity`, `request_not_pending` (already answered, \
            withdrawn or expired), `mentorship_exists`; for a request in a programme, `mentor_in_programme`, \
            `not_enrolled`, `programme_closed` (ended or archived)", body = ErrorBody),
    ))]
pub async fn accept(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<Accepted>> {
    let accepted = state
        .app
        .accept_request(&viewer, path_id(&id, "request")?)
        .await?;
    Ok(Json(accepted))
}

/// Why you decline; optional.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineInput {
    /// Shown to the sender, kindly. Up to 500 characters.
    #[schema(max_length = 500, example = "I'm at capacity until March.")]
    pub reason: Option<String>,
}

/// Decline a request sent to you, optionally with a reason the sender sees. The body may
/// be left out.
#[utoipa::path(post, path = "/api/v1/requests/{id}/decline", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    request_body = DeclineInput,
    responses(
        (status = 200, description = "Declined", body = RequestView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "You sent it: withdraw it instead (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such request, or not yours (`not_found`)", body = ErrorBody),
        (status = 409, description = "Already answered, withdrawn or expired (`request_not_pending`)", body = ErrorBody),
        (status = 422, description = "The reason is too long or not text (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn decline(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    OptionalJson(input): OptionalJson<DeclineInput>,
) -> ApiResult<Json<RequestView>> {
    let reason = input.and_then(|i| i.reason);
    let declined = state
        .app
        .decline_request(&viewer, path_id(&id, "request")?, reason.as_deref())
        .await?;
    Ok(Json(declined))
}

/// Withdraw a request you sent that is still waiting for an answer.
#[utoipa::path(post, path = "/api/v1/requests/{id}/withdraw", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, description = "Withdrawn", body = RequestView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "It was sent to you: decline it instead (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such request, or not yours (`not_found`)", body = ErrorBody),
        (status = 409, description = "Already answered, withdrawn or expired (`request_not_pending`)", body = ErrorBody),
    ))]
pub async fn withdraw(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<RequestView>> {
    let withdrawn = state
        .app
        .withdraw_request(&viewer, path_id(&id, "request")?)
        .await?;
    Ok(Json(withdrawn))
}

/// Whether you take requests as a mentor. Requests turn off by themselves when several in
/// a row expire unanswered.
#[utoipa::path(get, path = "/api/v1/me/accepting-requests", tag = "requests", security(("bearer" = [])),
    responses((status = 200, body = StandingView), (status = 401, body = ErrorBody)))]
pub async fn accepting(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<StandingView>> {
    Ok(Json(state.app.accepting_requests(&viewer).await?))
}

/// Turn requests to you on or off.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptingInput {
    pub accepting: bool,
}

/// Turn requests to you on (for instance after they were turned off for going
/// unanswered) or off.
#[utoipa::path(put, path = "/api/v1/me/accepting-requests", tag = "requests", security(("bearer" = [])),
    request_body = AcceptingInput,
    responses((status = 200, body = StandingView), (status = 401, body = ErrorBody)))]
pub async fn set_accepting(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<AcceptingInput>,
) -> ApiResult<Json<StandingView>> {
    Ok(Json(
        state
            .app
            .set_accepting_requests(&viewer, input.accepting)
            .await?,
    ))
}

/// Programme admins (and instance admins): approve a request made in an admin-assisted
/// programme. The mentor sees it from now on and has the usual time to answer.
#[utoipa::path(post, path = "/api/v1/requests/{id}/approve", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, description = "Approved and sent on to the mentor", body = RequestView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "It is your own request (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such request, or not one of a programme you run (`not_found`)", body = ErrorBody),
        (status = 409, description = "`request_not_pending` (withdrawn or decided), `request_reviewed` \
            (not waiting for approval)", body = ErrorBody),
    ))]
pub async fn approve(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<RequestView>> {
    let approved = state
        .app
        .approve_request(&viewer, path_id(&id, "request")?)
        .await?;
    Ok(Json(approved))
}

/// Programme admins (and instance admins): do not approve a request made in an
/// admin-assisted programme. It is declined with the reason, which the mentee is told; the
/// mentor never sees it. The body may be left out.
#[utoipa::path(post, path = "/api/v1/requests/{id}/reject", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    request_body = DeclineInput,
    responses(
        (status = 200, description = "Declined", body = RequestView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "It is your own request (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such request, or not one of a programme you run (`not_found`)", body = ErrorBody),
        (status = 409, description = "`request_not_pending`, `request_reviewed`", body = ErrorBody),
        (status = 422, description = "The reason is too long or not text (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn reject(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    OptionalJson(input): OptionalJson<DeclineInput>,
) -> ApiResult<Json<RequestView>> {
    let reason = input.and_then(|i| i.reason);
    let rejected = state
        .app
        .reject_request(&viewer, path_id(&id, "request")?, reason.as_deref())
        .await?;
    Ok(Json(rejected))
}

/// Programme admins (and instance admins): the programme's requests waiting for approval,
/// oldest first (at most 200).
#[utoipa::path(get, path = "/api/v1/programmes/{id}/requests", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Programme id")),
    responses(
        (status = 200, body = Vec<RequestView>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "You do not run this programme (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such programme (`not_found`)", body = ErrorBody),
    ))]
pub async fn to_review(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<RequestView>>> {
    let found = state
        .app
        .requests_to_review(&viewer, path_id(&id, "programme")?)
        .await?;
    Ok(Json(found))
}

/// The programme's mentors, with the places each has left in it, for its approved mentees
/// (to choose whom to ask) and those who run it.
#[utoipa::path(get, path = "/api/v1/programmes/{id}/mentors", tag = "requests", security(("bearer" = [])),
    params(("id" = String, Path, description = "Programme id")),
    responses(
        (status = 200, body = Vec<ProgrammeMentorView>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not an approved mentee of the programme, nor one who runs it (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such programme (`not_found`)", body = ErrorBody),
    ))]
pub async fn programme_mentors(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ProgrammeMentorView>>> {
    let found = state
        .app
        .programme_mentors(&viewer, path_id(&id, "programme")?)
        .await?;
    Ok(Json(found))
}
